#!/usr/bin/env node
/**
 * esbuild bundles (run by `npm run build` after `tsc -p tsconfig.build.json`):
 *   dist/cli.js                       src/cli/main.ts, Node ESM, webgpu + prom-client external, executable
 *   dist/worker.js                    src/runtime/workers/node-entry.ts, the worker_threads entry of the pool
 *   dist/browser/worker.js            src/runtime/workers/browser-entry.ts, the Web Worker entry of the pool
 *   dist/browser/plonky3-verify.min.js src/verify.ts, browser ESM, minified, size-checked
 *
 * The browser verifier build fails when a `node:` import, a Node builtin, a Node-only package or
 * prover/WebGPU code reaches it: a resolve plugin rejects those imports, and the metafile is
 * checked again after the build (scripts/check-bundle.mjs). Its minified size must stay within
 * BROWSER_BUDGET_BYTES.
 *
 * Usage: node scripts/build.mjs [--only=cli,worker,browser-worker,browser] [--outdir=dist]
 * Library use: `import { buildBrowserVerifier } from './scripts/build.mjs'` (the tests do this).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  BROWSER_BUDGET_BYTES,
  checkBrowserCode,
  checkBrowserMetafile,
  checkBrowserSize,
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
  'src/runtime/parallel.ts',
  'src/shaders/',
  'src/node/',
  'src/cli/',
];

/** Bare packages the browser verifier must never import. */
export const FORBIDDEN_BROWSER_PACKAGES = ['webgpu', 'prom-client', 'pino', 'smol-toml'];

const rel = (p) => relative(ROOT, p).split('\\').join('/');

/** True if a repo-relative path is on the forbidden list. */
export function isForbiddenSource(relPath) {
  return FORBIDDEN_BROWSER_SOURCES.some((f) => (f.endsWith('/') ? relPath.startsWith(f) : relPath === f));
}

/** esbuild plugin: errors on node:* / Node builtins / Node-only packages / prover and GPU sources. */
export function browserGuardPlugin() {
  return {
    name: 'plonky3-browser-guard',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const importer = args.importer ? rel(args.importer) : '<entry>';
        if (args.path.startsWith('node:')) {
          return {
            errors: [
              { text: `browser verifier: '${args.path}' imported by ${importer} (no node: imports allowed)` },
            ],
          };
        }
        const bare = args.path.split('/')[0];
        if (FORBIDDEN_BROWSER_PACKAGES.includes(bare)) {
          return { errors: [{ text: `browser verifier: package '${args.path}' imported by ${importer}` }] };
        }
        if (args.path.startsWith('.') || args.path.startsWith('/')) {
          const target = rel(resolve(args.resolveDir, args.path));
          if (isForbiddenSource(target)) {
            return {
              errors: [
                { text: `browser verifier: ${target} (prover / WebGPU / Node code) imported by ${importer}` },
              ],
            };
          }
        }
        return undefined;
      });
    },
  };
}

/**
 * Builds the browser verifier bundle and checks it (no Node imports, budget).
 * @param {{ outfile?: string, entry?: string, budget?: number, quiet?: boolean }} [opts]
 * @returns {Promise<{ outfile: string, bytes: number, gzipBytes: number, inputs: string[] }>}
 * @throws {Error} when the build fails, a forbidden import slips in or the budget is exceeded
 */
export async function buildBrowserVerifier(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/browser/plonky3-verify.min.js');
  const entry = opts.entry ?? resolve(ROOT, 'src/verify.ts');
  const budget = opts.budget ?? BROWSER_BUDGET_BYTES;
  mkdirSync(dirname(outfile), { recursive: true });
  const res = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [browserGuardPlugin()],
  });
  checkBrowserMetafile(res.metafile);
  const code = readFileSync(outfile);
  const bytes = code.length;
  const gzipBytes = gzipSync(code).length;
  checkBrowserCode(code.toString('utf8'));
  if (!opts.quiet) {
    console.log(
      `browser verifier: ${rel(outfile)} ${(bytes / 1000).toFixed(1)} kB minified, ${(gzipBytes / 1000).toFixed(1)} kB gzip (budget ${(budget / 1000).toFixed(0)} kB)`,
    );
  }
  checkBrowserSize(bytes, budget);
  return { outfile, bytes, gzipBytes, inputs: Object.keys(res.metafile.inputs) };
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
    entryPoints: [resolve(ROOT, 'src/runtime/workers/node-entry.ts')],
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
    absWorkingDir: ROOT,
    entryPoints: [resolve(ROOT, 'src/runtime/workers/browser-entry.ts')],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
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
 * Builds the CLI (dist/cli.js, executable, `#!/usr/bin/env node`).
 * @param {{ outfile?: string }} [opts]
 * @returns {Promise<string>} the output file
 */
export async function buildCli(opts = {}) {
  const outfile = opts.outfile ?? resolve(ROOT, 'dist/cli.js');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [resolve(ROOT, 'src/cli/main.ts')],
    outfile,
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
