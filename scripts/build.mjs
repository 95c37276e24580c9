#!/usr/bin/env node
/**
 * esbuild bundles (run by `npm run build` after `tsc -p tsconfig.build.json`):
 *   dist/cli.js (+ dist/cli-chunk-*.js) src/cli/main.ts, Node ESM, webgpu + prom-client external, executable;
 *                                      code-split, so a command loads only its own modules
 *   dist/worker.js                     src/worker/node-entry.ts, the worker_threads entry of the pool
 *   dist/browser/worker.js             src/worker/browser-entry.ts, the Web Worker entry of the pool
 *   dist/browser/plonky3-verify.min.js src/verify.ts, browser ESM, minified, code splitting: the core
 *                                      (entry + shared chunk) and the lazily loaded circuit registry
 *                                      chunk (plonky3-verify-builtin-registry-<hash>.min.js), both size-checked
 *   dist/browser/plonky3-prove.js      src/browser/prove.ts, the browser prover (WebGPU, Web Workers)
 * and checks that the browser-safe package entries (src/index.ts, src/verify.ts,
 * src/circuits/index.ts, src/webgpu.ts) bundle for the browser without a Node import.
 *
 * The browser verifier build fails when a `node:` import, a Node builtin, a Node-only package or
 * prover/WebGPU code reaches it: a resolve plugin rejects those imports, and the metafile is
 * checked again after the build (scripts/check-bundle.mjs). Its core must stay within
 * BROWSER_BUDGET_BYTES and the registry chunk within REGISTRY_BUDGET_BYTES. The prover and the
 * entries get the same guard without the prover / WebGPU exclusions.
 *
 * Usage: node scripts/build.mjs [--only=cli,worker,browser-worker,browser,browser-prover,entries]
 * Library use: `import { buildBrowserVerifier } from './scripts/build.mjs'` (the tests do this).
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  BROWSER_BUDGET_BYTES,
  checkBrowserCode,
  checkBrowserMetafile,
  checkBrowserSize,
  NODE_ONLY_INPUTS,
  REGISTRY_BUDGET_BYTES,
} from './check-bundle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Source paths (relative to the repo root, `/`-separated) the browser verifier must never contain. */
export const FORBIDDEN_BROWSER_SOURCES = [
  'src/stark/prove.ts',
  'src/fri/prover.ts',
  'src/fri/pcs.ts',
  'src/runtime/webgpu.ts',
  'src/runtime/gpu-context.ts',
  'src/runtime/workers/',
  'src/worker/',
  'src/runtime/parallel.ts',
  'src/shaders/',
  'src/node/',
  'src/cli/',
];

/** Source paths no browser bundle (prover, entries) may contain. */
export const NODE_ONLY_SOURCES = [
  'src/node/',
  'src/cli/',
  'src/runtime/workers/node-spawn.ts',
  'src/worker/node-entry.ts',
];

/** The browser-safe package entries, bundled for the browser as a check (checkBrowserEntries). */
export const BROWSER_SAFE_ENTRIES = [
  'src/index.ts',
  'src/verify.ts',
  'src/circuits/index.ts',
  'src/webgpu.ts',
];

/** The module of the lazily loaded registry chunk of the browser verifier. */
const REGISTRY_SOURCE = 'src/circuits/builtin-registry.ts';
/** Inputs only the registry chunk may hold: the Poseidon2 AIR and the families. */
const REGISTRY_ONLY_INPUT =
  /^src\/circuits\/(builtin-registry|families|family-kit|poseidon2-air|transaction|state|pruning|uptime|consensus)\.ts$/;

/** Bare packages no browser bundle may import. */
export const FORBIDDEN_BROWSER_PACKAGES = ['webgpu', 'prom-client', 'pino', 'smol-toml'];

const rel = (p) => relative(ROOT, p).split('\\').join('/');

/** esbuild options every browser bundle shares: an ES2022 ESM bundle for the browser, quiet. */
const BROWSER_ESM = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  logLevel: 'silent',
};

/**
 * True if a repo-relative path is on a forbidden list.
 * @param {string} relPath repo-relative path
 * @param {string[]} [list] the list (default FORBIDDEN_BROWSER_SOURCES); entries ending in `/` are folders
 */
export function isForbiddenSource(relPath, list = FORBIDDEN_BROWSER_SOURCES) {
  return list.some((f) => (f.endsWith('/') ? relPath.startsWith(f) : relPath === f));
}

/**
 * esbuild plugin: errors on node:* / Node builtins / Node-only packages / forbidden sources.
 * @param {string} [what] the bundle's name in messages
 * @param {string[]} [forbidden] repo-relative sources it may not contain
 */
export function browserGuardPlugin(what = 'browser verifier', forbidden = FORBIDDEN_BROWSER_SOURCES) {
  const builtins = new Set(builtinModules);
  return {
    name: 'plonky3-browser-guard',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const importer = args.importer ? rel(args.importer) : '<entry>';
        if (args.path.startsWith('node:') || builtins.has(args.path)) {
          return {
            errors: [{ text: `${what}: '${args.path}' imported by ${importer} (no node: imports allowed)` }],
          };
        }
        const bare = args.path.split('/')[0];
        if (FORBIDDEN_BROWSER_PACKAGES.includes(bare)) {
          return { errors: [{ text: `${what}: package '${args.path}' imported by ${importer}` }] };
        }
        if (args.path.startsWith('.') || args.path.startsWith('/')) {
          const target = rel(resolve(args.resolveDir, args.path));
          if (isForbiddenSource(target, forbidden)) {
            return {
              errors: [{ text: `${what}: ${target} (not allowed in this bundle) imported by ${importer}` }],
            };
          }
        }
        return undefined;
      });
    },
  };
}

/**
 * The static-import closure of an output file in an esbuild metafile (the file itself and every
 * chunk it imports with `import`, transitively; dynamic imports are not followed).
 * @param {Record<string, { imports: { path: string, kind: string }[] }>} outputs metafile outputs
 * @param {string} start output path
 * @returns {Set<string>}
 */
export function staticClosure(outputs, start) {
  const seen = new Set();
  const stack = [start];
  while (stack.length > 0) {
    const o = stack.pop();
    if (seen.has(o)) continue;
    seen.add(o);
    for (const imp of outputs[o]?.imports ?? []) if (imp.kind === 'import-statement') stack.push(imp.path);
  }
  return seen;
}

/**
 * Builds the browser verifier bundle (ESM, code splitting) and checks it: no Node imports, the
 * core (the entry and the chunks it imports statically) within `budget`, and the lazily loaded
 * circuit registry chunk (src/circuits/builtin-registry.ts and what only it needs) within
 * `registryBudget`.
 * @param {{ outfile?: string, entry?: string, budget?: number, registryBudget?: number, quiet?: boolean }} [opts]
 * @returns {Promise<{ outfile: string, bytes: number, gzipBytes: number, registryBytes: number,
 *   registryGzipBytes: number, files: string[], coreInputs: string[], inputs: string[] }>}
 *   `bytes` is the core size (what a page that never loads the registry downloads)
 * @throws {Error} when the build fails, a forbidden import slips in or a budget is exceeded
 */
export async function buildBrowserVerifier(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/browser/plonky3-verify.min.js');
  const entry = opts.entry ?? resolve(ROOT, 'src/verify.ts');
  const budget = opts.budget ?? BROWSER_BUDGET_BYTES;
  const registryBudget = opts.registryBudget ?? REGISTRY_BUDGET_BYTES;
  const outdir = dirname(outfile);
  const stem = basename(outfile).replace(/\.js$/, '');
  const chunkPrefix = `${stem.replace(/\.min$/, '')}-`;
  mkdirSync(outdir, { recursive: true });
  // Chunk names carry a content hash: drop the previous build's so stale chunks do not pile up.
  for (const f of readdirSync(outdir)) {
    if (f.startsWith(chunkPrefix) && f.endsWith('.min.js')) rmSync(resolve(outdir, f));
  }
  const res = await build({
    ...BROWSER_ESM,
    entryPoints: [entry],
    outdir,
    entryNames: stem,
    chunkNames: `${chunkPrefix}[name]-[hash].min`,
    splitting: true,
    minify: true,
    metafile: true,
    legalComments: 'none',
    plugins: [browserGuardPlugin('browser verifier', FORBIDDEN_BROWSER_SOURCES)],
  });
  checkBrowserMetafile(res.metafile);
  const outputs = res.metafile.outputs;
  const abs = (o) => resolve(ROOT, o);
  const entryOut = Object.keys(outputs).find((o) => abs(o) === resolve(outfile));
  if (entryOut === undefined) throw new Error(`browser verifier: esbuild wrote no ${rel(outfile)}`);
  const core = staticClosure(outputs, entryOut);
  const registryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint === REGISTRY_SOURCE);
  const registry = registryOut ? [...staticClosure(outputs, registryOut)].filter((o) => !core.has(o)) : [];
  const sizes = (files) => {
    let bytes = 0;
    let gzipBytes = 0;
    for (const o of files) {
      const code = readFileSync(abs(o));
      checkBrowserCode(code.toString('utf8'));
      bytes += code.length;
      gzipBytes += gzipSync(code).length;
    }
    return { bytes, gzipBytes };
  };
  const c = sizes(core);
  const r = sizes(registry);
  for (const o of Object.keys(outputs)) checkBrowserCode(readFileSync(abs(o), 'utf8'));
  const coreInputs = [...core].flatMap((o) => Object.keys(outputs[o].inputs));
  if (registryOut && coreInputs.some((i) => REGISTRY_ONLY_INPUT.test(i))) {
    throw new Error(
      `browser verifier: the circuit registry leaked into the core bundle (${coreInputs.filter((i) => REGISTRY_ONLY_INPUT.test(i)).join(', ')})`,
    );
  }
  if (!opts.quiet) {
    console.log(
      `browser verifier: ${rel(outfile)} core ${(c.bytes / 1000).toFixed(1)} kB minified, ${(c.gzipBytes / 1000).toFixed(1)} kB gzip (${core.size} files, budget ${(budget / 1000).toFixed(0)} kB)`,
    );
    if (registryOut) {
      console.log(
        `browser verifier: circuit registry chunk ${rel(abs(registryOut))} ${(r.bytes / 1000).toFixed(1)} kB minified, ${(r.gzipBytes / 1000).toFixed(1)} kB gzip (budget ${(registryBudget / 1000).toFixed(0)} kB), loaded by loadCircuitRegistry()`,
      );
    }
  }
  checkBrowserSize(c.bytes, budget);
  if (registryOut) checkBrowserSize(r.bytes, registryBudget, 'circuit registry chunk');
  return {
    outfile,
    bytes: c.bytes,
    gzipBytes: c.gzipBytes,
    registryBytes: r.bytes,
    registryGzipBytes: r.gzipBytes,
    files: Object.keys(outputs).map(abs),
    coreInputs,
    inputs: Object.keys(res.metafile.inputs),
  };
}

/**
 * Builds the browser prover (dist/browser/plonky3-prove.js, ESM, minified): src/browser/prove.ts,
 * with WebGPU and the worker pool; it loads its Web Workers from `./worker.js` next to itself
 * (buildBrowserWorker). No Node import may reach it.
 * @param {{ outfile?: string, quiet?: boolean }} [opts]
 * @returns {Promise<{ outfile: string, bytes: number, gzipBytes: number }>}
 * @throws {Error} when the build fails or a Node import slips in
 */
export async function buildBrowserProver(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/browser/plonky3-prove.js');
  mkdirSync(dirname(outfile), { recursive: true });
  const res = await build({
    ...BROWSER_ESM,
    entryPoints: [resolve(ROOT, 'src/browser/prove.ts')],
    outfile,
    minify: true,
    metafile: true,
    legalComments: 'none',
    plugins: [browserGuardPlugin('browser prover', NODE_ONLY_SOURCES)],
  });
  checkBrowserMetafile(res.metafile, NODE_ONLY_INPUTS);
  const code = readFileSync(outfile);
  checkBrowserCode(code.toString('utf8'));
  const gzipBytes = gzipSync(code).length;
  if (!opts.quiet) {
    console.log(
      `browser prover: ${rel(outfile)} ${(code.length / 1000).toFixed(1)} kB minified, ${(gzipBytes / 1000).toFixed(1)} kB gzip`,
    );
  }
  return { outfile, bytes: code.length, gzipBytes };
}

/**
 * Checks that the browser-safe package entries (`plonky3-ts`, `/verify`, `/circuits`,
 * `/webgpu`) bundle for the browser with no Node import (built in memory, nothing written).
 * @returns {Promise<string[]>} the entries checked
 * @throws {Error} naming the entry and the import
 */
export async function checkBrowserEntries() {
  for (const e of BROWSER_SAFE_ENTRIES) {
    const res = await build({
      ...BROWSER_ESM,
      entryPoints: [resolve(ROOT, e)],
      write: false,
      outdir: resolve(ROOT, 'dist/.entry-check'),
      splitting: true,
      metafile: true,
      plugins: [browserGuardPlugin(`browser entry ${e}`, NODE_ONLY_SOURCES)],
    });
    checkBrowserMetafile(res.metafile, NODE_ONLY_INPUTS);
    for (const f of res.outputFiles) checkBrowserCode(f.text);
  }
  return [...BROWSER_SAFE_ENTRIES];
}

/**
 * Builds the Node worker_threads entry of the worker pool (dist/worker.js by default).
 * @param {{ outfile?: string }} [opts]
 * @returns {Promise<string>} the output file
 */
export async function buildNodeWorker(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/worker.js');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [resolve(ROOT, 'src/worker/node-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Builds the browser Web Worker entry of the worker pool (dist/browser/worker.js by default).
 * @param {{ outfile?: string }} [opts]
 * @returns {Promise<string>} the output file
 */
export async function buildBrowserWorker(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/browser/worker.js');
  await build({
    ...BROWSER_ESM,
    entryPoints: [resolve(ROOT, 'src/worker/browser-entry.ts')],
    outfile,
    minify: true,
    plugins: [
      {
        name: 'no-node',
        setup(b) {
          b.onResolve({ filter: /^node:/ }, (a) => ({
            errors: [{ text: `browser worker: '${a.path}' imported` }],
          }));
        },
      },
    ],
  });
  return outfile;
}

/**
 * Builds the CLI (dist/cli.js, executable, `#!/usr/bin/env node`), split into chunks
 * (cli-chunk-<hash>.js next to it): each command is imported lazily, so `p3ts verify` loads the
 * verifier and not the prover, the service or the queue (a single bundle of everything, about
 * 3 MB, took some 55 ms more to load on every run). The chunks sit beside cli.js, so paths the
 * code finds from `import.meta.url` (the worker bundle, the `webgpu` package) are unchanged.
 * Chunks of an earlier build there are removed first.
 * @param {{ outfile?: string }} [opts]
 * @returns {Promise<string>} the output file
 */
export async function buildCli(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/cli.js');
  const outdir = dirname(outfile);
  mkdirSync(outdir, { recursive: true });
  for (const f of readdirSync(outdir)) if (/^cli-chunk-.*\.js$/.test(f)) rmSync(resolve(outdir, f));
  await build({
    absWorkingDir: ROOT,
    entryPoints: { [basename(outfile, '.js')]: resolve(ROOT, 'src/cli/main.ts') },
    outdir,
    splitting: true,
    chunkNames: 'cli-chunk-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu', 'prom-client'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
  });
  // esbuild keeps the entry's own hashbang first; add one if the entry has none.
  const text = readFileSync(outfile, 'utf8');
  if (!text.startsWith('#!')) writeFileSync(outfile, `#!/usr/bin/env node\n${text}`);
  chmodSync(outfile, 0o755);
  return outfile;
}

const TARGETS = {
  cli: () => buildCli().then((f) => console.log(`cli: ${rel(f)}`)),
  worker: () => buildNodeWorker().then((f) => console.log(`worker: ${rel(f)}`)),
  'browser-worker': () => buildBrowserWorker().then((f) => console.log(`browser worker: ${rel(f)}`)),
  browser: () => buildBrowserVerifier(),
  'browser-prover': () => buildBrowserProver(),
  entries: () =>
    checkBrowserEntries().then((e) =>
      console.log(`browser-safe entries: ${e.join(', ')} (no node: imports)`),
    ),
};

async function main(argv) {
  const only =
    argv
      .find((a) => a.startsWith('--only='))
      ?.slice(7)
      .split(',') ?? Object.keys(TARGETS);
  let failed = false;
  for (const name of only) {
    const t = TARGETS[name];
    if (!t) {
      console.error(`build: unknown target '${name}' (known: ${Object.keys(TARGETS).join(', ')})`);
      process.exit(2);
    }
    try {
      await t();
    } catch (e) {
      failed = true;
      const errs = e?.errors?.length ? e.errors.map((x) => x.text).join('\n  ') : String(e?.message ?? e);
      console.error(`build ${name} FAILED:\n  ${errs}`);
    }
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
