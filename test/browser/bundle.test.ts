/**
 * The browser verifier bundle (scripts/build.mjs): builds src/verify.ts for the browser into a
 * temp dir and checks there is no node: import, no prover / WebGPU / Node source, and the
 * minified size is within the budget; the guard plugin rejects entries that pull in node:* or
 * the prover.
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
      `browser verifier: ${built.bytes} bytes minified, ${built.gzipBytes} gzip, ${built.inputs.length} inputs`,
    );
    expect(BROWSER_BUDGET_BYTES).toBe(150_000);
    expect(built.bytes).toBeGreaterThan(1000);
    expect(built.bytes).toBeLessThanOrEqual(BROWSER_BUDGET_BYTES);
  });

  it('contains no node: import and no prover / WebGPU / Node source', async () => {
    const code = readFileSync(built.outfile, 'utf8');
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
