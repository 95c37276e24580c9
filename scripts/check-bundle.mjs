#!/usr/bin/env node
/**
 * Checks on the browser verifier bundle: the esbuild metafile holds no `node:` import, no Node
 * builtin, no Node-only package and no prover / WebGPU / Node source, and the minified size is
 * within the budget. Used by scripts/build.mjs and test/browser/bundle.test.ts.
 *
 * Usage (on an existing bundle): node scripts/check-bundle.mjs [dist/browser/plonky3-verify.min.js]
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Budget of the minified browser verifier, bytes (150 kB). */
export const BROWSER_BUDGET_BYTES = 150_000;

const FORBIDDEN_INPUTS = [
  /^src\/stark\/prove\.ts$/,
  /^src\/fri\/(prover|pcs)\.ts$/,
  /^src\/runtime\/(webgpu|gpu-context|parallel)\.ts$/,
  /^src\/runtime\/workers\//,
  /^src\/shaders\//,
  /^src\/node\//,
  /^src\/cli\//,
  /node_modules\/(webgpu|prom-client|pino|smol-toml)\//,
];

/**
 * Throws if the metafile of the browser build contains a Node import or a forbidden source.
 * @param {{ inputs: Record<string, { imports: { path: string, external?: boolean }[] }> }} metafile
 * @throws {Error} listing every offending input / import
 */
export function checkBrowserMetafile(metafile) {
  const problems = [];
  const builtins = new Set(builtinModules);
  for (const [input, info] of Object.entries(metafile.inputs)) {
    const p = input.split('\\').join('/');
    if (FORBIDDEN_INPUTS.some((re) => re.test(p))) problems.push(`forbidden source in bundle: ${p}`);
    for (const imp of info.imports) {
      if (imp.path.startsWith('node:') || builtins.has(imp.path)) problems.push(`${p} imports ${imp.path}`);
    }
  }
  if (problems.length > 0)
    throw new Error(`browser verifier bundle check failed:\n  ${problems.join('\n  ')}`);
}

/**
 * Throws if the bundle text mentions a `node:` module specifier (a last line of defence).
 * @param {string} code bundle text
 * @throws {Error} when an import or require of `node:*` is found
 */
export function checkBrowserCode(code) {
  const m = code.match(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:[a-z_/]+["']/);
  if (m) throw new Error(`browser verifier bundle contains a node: import: ${m[0]}`);
}

/**
 * Throws if the minified size exceeds the budget.
 * @param {number} bytes bundle size
 * @param {number} [budget] budget in bytes
 * @throws {Error} when over budget
 */
export function checkBrowserSize(bytes, budget = BROWSER_BUDGET_BYTES) {
  if (bytes > budget) {
    throw new Error(`browser verifier bundle is ${bytes} bytes, over the ${budget}-byte budget`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? 'dist/browser/plonky3-verify.min.js');
  const code = readFileSync(file);
  try {
    checkBrowserCode(code.toString('utf8'));
    checkBrowserSize(code.length);
    console.log(
      `${file}: ${(code.length / 1000).toFixed(1)} kB, within ${BROWSER_BUDGET_BYTES / 1000} kB, no node: imports`,
    );
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(1);
  }
}
