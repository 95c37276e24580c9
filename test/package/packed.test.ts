/**
 * The package as a user installs it: `npm pack`, then `npm i --omit=dev <tarball>` into an empty
 * temp project (no devDependencies, no optional peer `webgpu`), then the CLI and the entry points
 * run there. Builds dist/ first when it is missing or older than src/. Every entry of the exports
 * map (`plonky3-ts`, `/verify`, `/circuits`, `/webgpu`, `/node`) imports, `plonky3-ts` does not
 * export the worker internals (`runLdeJob`, ...), and a TypeScript consumer typechecks against
 * the entries' declarations (a misuse does not).
 *
 * To check another entry point, add a test that calls `runSnippet("await import('plonky3-ts/x')")`.
 * Slow (an npm install, about a minute); needs the npm registry.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** What the build must have produced for the package to work. */
const DIST_FILES = [
  'dist/cli.js',
  'dist/worker.js',
  'dist/index.js',
  'dist/verify.js',
  'dist/circuits/index.js',
  'dist/webgpu.js',
  'dist/node/index.js',
];

let work = '';
/** The temp project the tarball is installed in. */
let project = '';

/** Newest modification time under a directory (files only). */
function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/** Runs `npm run build` unless every dist file exists and is newer than everything in src/. */
function ensureBuilt(): void {
  const paths = DIST_FILES.map((f) => join(ROOT, f));
  const src = newestMtime(join(ROOT, 'src'));
  if (paths.every((p) => existsSync(p) && statSync(p).mtimeMs >= src)) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
}

/** A finished command: exit status and output. */
interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program in the installed project.
 * @param cmd the program (npm, npx or node)
 * @param args its arguments
 * @returns exit status and output
 */
function runInProject(cmd: 'npm' | 'npx' | 'node', args: string[]): Ran {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
  delete env.PLONKY3_GPU_DISABLE;
  const r = spawnSync(cmd === 'node' ? process.execPath : cmd, args, {
    cwd: project,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ?? ''}` };
}

/**
 * Runs an ES module snippet (top-level await allowed) with node in the installed project, so
 * bare imports resolve to the installed package.
 * @param code the module source
 * @returns exit status and output
 */
function runSnippet(code: string): Ran {
  return runInProject('node', ['--input-type=module', '-e', code]);
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'p3ts-packed-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    }),
  ) as { filename: string }[];
  const tarball = join(work, packed[0].filename);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'p3ts-packed-check', private: true, type: 'module' }, null, 2)}\n`,
  );
  const r = runInProject('npm', ['i', '--omit=dev', '--no-audit', '--no-fund', tarball]);
  if (r.code !== 0) throw new Error(`npm i ${tarball} failed:\n${r.stdout}${r.stderr}`);
}, 600_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed with --omit=dev', () => {
  it('installs no devDependencies and not the optional peer webgpu', () => {
    for (const dev of ['vitest', 'typescript', 'esbuild', 'webgpu'])
      expect(existsSync(join(project, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'prom-client'))).toBe(true);
  });

  it('npx p3ts --help lists the commands', () => {
    const r = runInProject('npx', ['--no', '--', 'p3ts', '--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const cmd of ['prove', 'verify', 'demo', 'serve'])
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  });

  it('npx p3ts demo --size test proves and verifies every family, naming why the CPU is used', () => {
    const r = runInProject('npx', ['--no', '--', 'p3ts', 'demo', '--size', 'test']);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/all families proved and verified/);
    expect(r.stdout).toMatch(/^backend: cpu .*webgpu \(Dawn\) is not installed/m);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/BackendVk|ERR_MODULE_NOT_FOUND/);
  });

  it("import('plonky3-ts/node') loads", () => {
    const r = runSnippet(
      "const m = await import('plonky3-ts/node'); console.log(typeof m === 'object' && Object.keys(m).length > 0 ? 'ok' : 'empty');",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('ok');
  });

  it("import('plonky3-ts') and import('plonky3-ts/verify') load", () => {
    const r = runSnippet(
      "const a = await import('plonky3-ts'); const b = await import('plonky3-ts/verify'); console.log(typeof a.prove, typeof b.verify);",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('function function');
  });

  it('npx p3ts preload, then p3ts serve with the shipped config answers /status/node', async () => {
    const config = 'node_modules/plonky3-ts/config/node.toml';
    const pre = runInProject('npx', ['--no', '--', 'p3ts', 'preload', '--config', config]);
    expect(pre.code, `${pre.stdout}${pre.stderr}`).toBe(0);
    const cli = join(project, 'node_modules/plonky3-ts/dist/cli.js');
    const child = spawn(process.execPath, [cli, 'serve', '--config', config, '--port', '0'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`serve did not start:\n${out}`)), 60_000);
        const onData = (b: Buffer): void => {
          out += b.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m !== null) {
            clearTimeout(timer);
            ok(m[1]);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => fail(new Error(`serve exited with ${code}:\n${out}`)));
      });
      const res = await fetch(`${url}/status/node`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { backend_health?: { plonky3?: { backend?: string } } };
      expect(body.backend_health?.plonky3?.backend).toBe('cpu');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('the package entries through the exports map', () => {
  it('each entry imports; plonky3-ts does not export runLdeJob or the other worker internals', () => {
    const r = runSnippet(`
      const main = await import('plonky3-ts');
      const verify = await import('plonky3-ts/verify');
      const circuits = await import('plonky3-ts/circuits');
      const webgpu = await import('plonky3-ts/webgpu');
      const node = await import('plonky3-ts/node');
      const registry = await verify.loadCircuitRegistry();
      console.log(JSON.stringify({
        main: ['prove', 'verify', 'verifyEnvelope', 'getConfig', 'compileAir', 'runLdeJob', 'runMerkleJob', 'shareView', 'nodeEndpoint'].filter((k) => k in main),
        verify: ['verify', 'verifyEnvelope', 'RejectionCode', 'RejectionCodes', 'prove'].filter((k) => k in verify),
        circuits: circuits.CIRCUIT_REGISTRY.ids,
        lazy: registry === circuits.CIRCUIT_REGISTRY ? 'same' : registry.ids.length,
        webgpu: Object.keys(webgpu).sort(),
        node: ['loadNodeConfig', 'ProofCache', 'writeFileAtomic', 'sha256Hex', 'BYTE_BUCKETS'].filter((k) => k in node),
      }));
    `);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({
      main: ['prove', 'verify', 'verifyEnvelope', 'getConfig', 'compileAir'],
      verify: ['verify', 'verifyEnvelope', 'RejectionCode'],
      circuits: [
        'fibonacci@1',
        'poseidon2@1',
        'transaction@1',
        'state@1',
        'pruning@1',
        'uptime@1',
        'consensus@1',
      ],
      lazy: 'same',
      webgpu: ['FallbackBackend', 'WebGpuBackend', 'selectBackend'],
      node: ['loadNodeConfig', 'ProofCache'],
    });
  });

  it('a TypeScript consumer typechecks against the d.ts of every entry, and a misuse fails', () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      strict: true,
      noEmit: true,
      lib: ['ES2022', 'DOM'],
      types: [] as string[],
    };
    writeFileSync(
      join(project, 'browser-safe.ts'),
      [
        "import { getConfig, prove, type StarkConfig } from 'plonky3-ts';",
        "import { RejectionCode, verifyEnvelope, type VerifyEnvelopeResult } from 'plonky3-ts/verify';",
        "import { CIRCUIT_REGISTRY, getFamily } from 'plonky3-ts/circuits';",
        "import { selectBackend, WebGpuBackend } from 'plonky3-ts/webgpu';",
        "const config: StarkConfig = getConfig('c100');",
        'const code: RejectionCode = RejectionCode.VK_UNKNOWN_CIRCUIT;',
        'const r: VerifyEnvelopeResult = verifyEnvelope(new Uint8Array(0), [], { registry: CIRCUIT_REGISTRY });',
        'export { code, config, getFamily, prove, r, selectBackend, WebGpuBackend };',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'node-entry.ts'),
      "import { loadNodeConfig, type NodeConfig } from 'plonky3-ts/node';\nexport const load: (p: string) => NodeConfig = loadNodeConfig;\n",
    );
    writeFileSync(
      join(project, 'misuse.ts'),
      "import { verifyEnvelope } from 'plonky3-ts/verify';\nexport const n: number = verifyEnvelope(new Uint8Array(0), [], { registry: undefined as never });\n",
    );
    const check = (files: string[], skipLibCheck: boolean): Ran => {
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { ...options, skipLibCheck }, files }),
      );
      return runInProject('node', [tsc, '-p', 'tsconfig.json']);
    };
    // the browser-safe entries: complete declarations (GPU types from the @webgpu/types dependency)
    const browser = check(['browser-safe.ts'], false);
    expect(browser.code, browser.stdout).toBe(0);
    // plonky3-ts/node needs @types/node for its own declarations, which a Node project has
    const node = check(['node-entry.ts'], true);
    expect(node.code, node.stdout).toBe(0);
    const bad = check(['misuse.ts'], true);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/misuse\.ts.*TS2322/);
  }, 240_000);
});
