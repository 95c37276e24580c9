#!/usr/bin/env node
/**
 * Checks on the browser bundles: the esbuild metafile holds no `node:` import, no Node builtin,
 * no Node-only package and (for the verifier) no prover / WebGPU / Node source, and the minified
 * sizes are within their budgets: the verifier core (its entry and the chunks it imports
 * statically) and the lazily loaded circuit registry chunk. Used by scripts/build.mjs and
 * test/browser/bundle.test.ts.
 *
 * Usage (on an existing bundle): node scripts/check-bundle.mjs [dist/browser/plonky3-verify.min.js]
 * prints the core size and the size of each dynamically imported chunk.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Budget of the minified browser verifier core (entry + statically imported chunks), bytes (150 kB). */
export const BROWSER_BUDGET_BYTES = 150_000;

/**
 * Budget of the minified circuit registry chunk (the Poseidon2 AIR and the five families, loaded
 * by `loadCircuitRegistry()`), bytes. It measured 16.6 kB when introduced.
 */
export const REGISTRY_BUDGET_BYTES = 40_000;

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

/** Inputs no browser bundle may hold (the prover and the entries may hold prover / WebGPU code). */
export const NODE_ONLY_INPUTS = [
  /^src\/node\//,
  /^src\/cli\//,
  /^src\/runtime\/workers\/node-spawn\.ts$/,
  /node_modules\/(webgpu|prom-client|pino|smol-toml)\//,
];

/**
 * Throws if the metafile of the browser build contains a Node import or a forbidden source.
 * @param {{ inputs: Record<string, { imports: { path: string, external?: boolean }[] }> }} metafile
 * @param {RegExp[]} [forbidden] forbidden inputs (default: the verifier's list)
 * @throws {Error} listing every offending input / import
 */
export function checkBrowserMetafile(metafile, forbidden = FORBIDDEN_INPUTS) {
  const problems = [];
  const builtins = new Set(builtinModules);
  for (const [input, info] of Object.entries(metafile.inputs)) {
    const p = input.split('\\').join('/');
    if (forbidden.some((re) => re.test(p))) problems.push(`forbidden source in bundle: ${p}`);
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
 * @param {string} [what] the bundle's name in the message
 * @throws {Error} when over budget
 */
export function checkBrowserSize(bytes, budget = BROWSER_BUDGET_BYTES, what = 'browser verifier bundle') {
  if (bytes > budget) {
    throw new Error(`${what} is ${bytes} bytes, over the ${budget}-byte budget`);
  }
}

/**
 * The relative imports of a bundle file: static (`import ... from "./x.js"`, `export ... from`)
 * and dynamic (`import("./x.js")`).
 * @param {string} code bundle text
 * @returns {{ staticImports: string[], dynamicImports: string[] }}
 */
export function relativeImports(code) {
  const staticImports = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.\/[^"']+)["']/g)].map((m) => m[1]);
  const dynamicImports = [...code.matchAll(/\bimport\(\s*["'](\.\/[^"']+)["']\s*\)/g)].map((m) => m[1]);
  return { staticImports, dynamicImports };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? 'dist/browser/plonky3-verify.min.js');
  const dir = dirname(file);
  try {
    const core = new Set();
    const lazy = new Set();
    const stack = [file];
    while (stack.length > 0) {
      const f = stack.pop();
      if (core.has(f)) continue;
      core.add(f);
      const { staticImports, dynamicImports } = relativeImports(readFileSync(f, 'utf8'));
      for (const s of staticImports) stack.push(resolve(dir, s));
      for (const d of dynamicImports) lazy.add(resolve(dir, d));
    }
    let coreBytes = 0;
    for (const f of core) {
      const code = readFileSync(f);
      checkBrowserCode(code.toString('utf8'));
      coreBytes += code.length;
    }
    checkBrowserSize(coreBytes);
    console.log(
      `${file}: core ${(coreBytes / 1000).toFixed(1)} kB in ${core.size} files, within ${BROWSER_BUDGET_BYTES / 1000} kB, no node: imports`,
    );
    for (const f of lazy) {
      if (core.has(f)) continue;
      const code = readFileSync(f);
      checkBrowserCode(code.toString('utf8'));
      const registry = /builtin-registry/.test(f);
      if (registry) checkBrowserSize(code.length, REGISTRY_BUDGET_BYTES, 'circuit registry chunk');
      console.log(
        `${f}: lazily loaded, ${(code.length / 1000).toFixed(1)} kB${registry ? `, within ${REGISTRY_BUDGET_BYTES / 1000} kB` : ''}`,
      );
    }
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(1);
  }
}
