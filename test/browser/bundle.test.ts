/**
 * The browser bundles (scripts/build.mjs): builds src/verify.ts for the browser into a temp dir
 * and checks there is no node: import, no prover / WebGPU / Node source, the core within its
 * 150 kB budget and the circuit registry in a chunk of its own (only loaded by
 * loadCircuitRegistry) within its budget; the guard plugin rejects entries that pull in node:* or
 * the prover. The browser prover bundle and the browser-safe package entries (plonky3-ts,
 * /verify, /circuits, /webgpu) build with no Node import.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrowserBuildResult, loadBuild, loadCheck, ROOT } from './build-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'p3-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('browser verifier bundle (dist/browser/plonky3-verify.min.js)', () => {
  let built: BrowserBuildResult;

  it('builds src/verify.ts for the browser within the 150 kB budget', async () => {
    const { buildBrowserVerifier } = await loadBuild();
    const { BROWSER_BUDGET_BYTES } = await loadCheck();
    built = await buildBrowserVerifier({ outfile: join(dir, 'plonky3-verify.min.js') });
    console.log(
      `browser verifier: core ${built.bytes} bytes minified, ${built.gzipBytes} gzip; registry chunk ${built.registryBytes} bytes, ${built.registryGzipBytes} gzip; ${built.inputs.length} inputs`,
    );
    expect(BROWSER_BUDGET_BYTES).toBe(150_000);
    expect(built.bytes).toBeGreaterThan(1000);
    expect(built.bytes).toBeLessThanOrEqual(BROWSER_BUDGET_BYTES);
  });

  it('keeps the circuit registry out of the core, in a lazily imported chunk within its budget', async () => {
    const { REGISTRY_BUDGET_BYTES } = await loadCheck();
    const registryOnly = [
      'src/circuits/builtin-registry.ts',
      'src/circuits/transaction.ts',
      'src/circuits/consensus.ts',
      'src/circuits/poseidon2-air.ts',
      'src/circuits/families.ts',
    ];
    for (const f of registryOnly) {
      expect(built.inputs).toContain(f);
      expect(built.coreInputs).not.toContain(f);
    }
    expect(built.coreInputs).toContain('src/circuits/fibonacci.ts');
    expect(built.coreInputs).toContain('src/stark/verify-envelope.ts');
    expect(built.registryBytes).toBeGreaterThan(1000);
    expect(built.registryBytes).toBeLessThanOrEqual(REGISTRY_BUDGET_BYTES);
    const chunk = built.files.find((f) => /plonky3-verify-builtin-registry-\w+\.min\.js$/.test(f));
    expect(chunk).toBeDefined();
    // the core reaches the registry chunk only through a dynamic import()
    const core = built.files
      .filter((f) => f !== chunk)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const lazy = /import\(\s*["']\.\/plonky3-verify-builtin-registry-\w+\.min\.js["']\s*\)/;
    expect(lazy.test(core)).toBe(true);
    expect(/from\s*["']\.\/plonky3-verify-builtin-registry/.test(core)).toBe(false);
  });

  it('fails the build when the registry chunk is over its budget', async () => {
    const { buildBrowserVerifier } = await loadBuild();
    await expect(
      buildBrowserVerifier({
        outfile: join(dir, 'tiny-registry/v.min.js'),
        registryBudget: 1000,
        quiet: true,
      }),
    ).rejects.toThrow(/circuit registry chunk .* over the 1000-byte budget/);
  });

  it('builds the browser prover (WebGPU and the worker pool, no Node import)', async () => {
    const { buildBrowserProver } = await loadBuild();
    const r = await buildBrowserProver({ outfile: join(dir, 'plonky3-prove.js'), quiet: true });
    const code = readFileSync(r.outfile, 'utf8');
    console.log(`browser prover: ${r.bytes} bytes minified, ${r.gzipBytes} gzip`);
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(code).toMatch(/requestAdapter/);
    expect(code).toMatch(/Cross-Origin-Embedder-Policy: require-corp/);
  });

  it('the browser-safe package entries bundle for the browser with no Node import', async () => {
    const { checkBrowserEntries } = await loadBuild();
    expect(await checkBrowserEntries()).toEqual([
      'src/index.ts',
      'src/verify.ts',
      'src/circuits/index.ts',
      'src/webgpu.ts',
    ]);
  });

  it('contains no node: import and no prover / WebGPU / Node source', async () => {
    const code = built.files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    const bad = built.inputs.filter((p) =>
      /^src\/(stark\/prove|fri\/prover|fri\/pcs|runtime\/(webgpu|gpu-context|parallel|workers\/)|shaders\/|node\/|cli\/)/.test(
        p,
      ),
    );
    expect(bad).toEqual([]);
    expect(built.inputs).toContain('src/verify.ts');
    const { checkBrowserCode } = await loadCheck();
    expect(() => checkBrowserCode(code)).not.toThrow();
  });

  it('fails the build when a node: import slips in', async () => {
    const { buildBrowserVerifier } = await loadBuild();
    const entry = join(dir, 'bad-node.ts');
    writeFileSync(entry, `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`);
    await expect(
      buildBrowserVerifier({ entry, outfile: join(dir, 'bad-node.js'), quiet: true }),
    ).rejects.toThrow(/node:fs/);
  });

  it('fails the build when the prover is imported', async () => {
    const { buildBrowserVerifier } = await loadBuild();
    const entry = join(dir, 'bad-prover.ts');
    writeFileSync(entry, `export { prove } from ${JSON.stringify(resolve(ROOT, 'src/stark/prove.ts'))};\n`);
    await expect(
      buildBrowserVerifier({ entry, outfile: join(dir, 'bad-prover.js'), quiet: true }),
    ).rejects.toThrow(/src\/stark\/prove\.ts/);
  });

  it('fails the build when over budget', async () => {
    const { buildBrowserVerifier } = await loadBuild();
    await expect(
      buildBrowserVerifier({ outfile: join(dir, 'tiny-budget.js'), budget: 1000, quiet: true }),
    ).rejects.toThrow(/budget/);
  });
});
