/**
 * The browser example in real headless Chromium (Debian package `chromium`, driven by
 * playwright-core through executablePath): examples/browser/ and a fresh build of the verifier
 * bundle are served from 127.0.0.1; the page verifies the shipped sample (upstream's golden
 * Fibonacci proof, test/vectors/uni_stark_fib_fixture_v0.6.2.json, in an envelope) and two
 * tampered copies, and must report accepted / the rejection code (the same code the Node
 * verifier gives) and the time in ms.
 *
 * Skipped, with the reason printed, when /usr/bin/chromium is missing, unless
 * PLONKY3_REQUIRE_BROWSER_TESTS=1 (CI), which turns the skip into a failure.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIRCUIT_REGISTRY } from '../../src/circuits/builtin-registry.ts';
import { FAMILIES } from '../../src/circuits/families.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { ENVELOPE_ID_OFFSET, wrapEnvelope } from '../../src/stark/envelope.ts';
import { mmcsFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf } from '../../src/stark/verify.ts';
import { verifyEnvelope } from '../../src/stark/verify-envelope.ts';
import { fibonacciAir, getConfig, verify } from '../../src/verify.ts';
import { loadBuild, ROOT, serveStatic } from './build-helpers.ts';
import { HAVE_CHROMIUM, launchChromium, reportMissingChromium } from './chromium-harness.ts';

reportMissingChromium('test/browser/chromium.test.ts', 'browser example in headless Chromium');

const sample = new Uint8Array(readFileSync(resolve(ROOT, 'examples/browser/sample-fib.proof')));
const publics = [0, 1, 21];
const nodeVerify = (b: Uint8Array) =>
  verify(fibonacciAir(), b, publics, getConfig('plonky3-fixture'), {
    format: 'envelope',
    allowInsecure: true,
  });

interface PageResult {
  status: string;
  code: string;
  ms: number;
}

/**
 * Waits until the page shows the final result for the proof labelled `label` (or an error) and
 * reads it in the same evaluation, so a later repaint cannot change what is read.
 */
async function readResult(page: Page, label: string): Promise<PageResult> {
  const handle = await page.waitForFunction(
    (want) => {
      const status = document.getElementById('result')?.dataset.status ?? 'idle';
      const info = document.getElementById('proof-info')?.textContent ?? '';
      const done =
        status === 'error' || (status !== 'idle' && status !== 'verifying' && info.startsWith(`${want},`));
      if (!done) return false;
      return {
        status,
        code: document.getElementById('code')?.textContent ?? '',
        ms: Number(document.getElementById('time-ms')?.textContent),
      };
    },
    label,
    { timeout: 20_000 },
  );
  return (await handle.jsonValue()) as PageResult;
}

describe.skipIf(!HAVE_CHROMIUM)(
  'browser example in headless Chromium (examples/browser, sample-fib.proof)',
  () => {
    let dir: string;
    let server: Server;
    let base: string;
    let ctx: BrowserContext;
    let page: Page;
    const consoleLines: string[] = [];
    const requested: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'p3-chromium-'));
      const { buildBrowserVerifier } = await loadBuild();
      await buildBrowserVerifier({ outfile: join(dir, 'dist/plonky3-verify.min.js'), quiet: true });
      ({ server, base } = await serveStatic({
        '/examples/browser/': resolve(ROOT, 'examples/browser'),
        '/dist/browser/': join(dir, 'dist'),
      }));
      ctx = await launchChromium(dir);
      page = ctx.pages()[0] ?? (await ctx.newPage());
      page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
      await page.goto(`${base}/examples/browser/index.html`);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    }, 60_000);

    afterAll(async () => {
      if (consoleLines.length > 0) console.log(`page console:\n  ${consoleLines.join('\n  ')}`);
      await ctx?.close();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('accepts the valid sample proof (load sample button) and reports the time', async () => {
      await page.click('#sample');
      const r = await readResult(page, 'sample-fib.proof');
      expect(r.status, consoleLines.join('\n')).toBe('accepted');
      expect(r.code).toBe('-');
      expect(Number.isFinite(r.ms) && r.ms >= 0).toBe(true);
      console.log(`chromium: valid sample accepted in ${r.ms} ms`);
    });

    it('rejects a proof with a flipped body byte with the Node verifier code (file input)', async () => {
      const bad = sample.slice();
      bad[bad.length - 200] ^= 0x01;
      const expected = nodeVerify(bad);
      expect(expected.ok).toBe(false);
      await page.setInputFiles('#file', {
        name: 'tampered-body.proof',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(bad),
      });
      const r = await readResult(page, 'tampered-body.proof');
      expect(r.status).toBe('rejected');
      if (!expected.ok) expect(r.code).toBe(expected.code);
      expect(r.code).toMatch(/^[A-Z_]+$/);
      expect(Number.isFinite(r.ms) && r.ms >= 0).toBe(true);
      console.log(`chromium: tampered body rejected with ${r.code} in ${r.ms} ms`);
    });

    it('rejects a proof with a flipped magic byte with DECODE_BAD_HEADER', async () => {
      const bad = sample.slice();
      bad[1] ^= 0x01;
      await page.selectOption('#format', 'envelope');
      await page.setInputFiles('#file', {
        name: 'tampered-magic.proof',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(bad),
      });
      const r = await readResult(page, 'tampered-magic.proof');
      expect(r.status).toBe('rejected');
      expect(r.code).toBe('DECODE_BAD_HEADER');
    });

    const isRegistryChunk = (path: string): boolean =>
      /plonky3-verify-builtin-registry-[A-Z0-9]+\.min\.js$/.test(path);

    it('verifying Fibonacci proofs never fetched the circuit registry chunk', () => {
      expect(requested.some((p) => p.endsWith('/plonky3-verify.min.js'))).toBe(true);
      expect(requested.filter(isRegistryChunk)).toEqual([]);
    });

    const setFile = (name: string, bytes: Uint8Array) =>
      page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

    it('by circuit id: the sample (test-only preset) is POLICY_UNKNOWN_PRESET unless test presets are allowed', async () => {
      await page.selectOption('#format', 'by-id');
      await page.fill('#publics', '0,1,21');
      await setFile('sample-by-id.proof', sample);
      const r = await readResult(page, 'sample-by-id.proof');
      const node = verifyEnvelope(sample, publics, { registry: CIRCUIT_REGISTRY });
      expect(node.ok).toBe(false);
      if (!node.ok) expect(r.code).toBe(node.code);
      expect(r.status).toBe('rejected');
      expect(r.code).toBe('POLICY_UNKNOWN_PRESET');
      expect(await page.textContent('#circuit')).toBe('fibonacci@1');
      expect(requested.filter(isRegistryChunk)).toHaveLength(1);
      await page.check('#allow-insecure');
      await setFile('sample-by-id-allowed.proof', sample);
      const ok = await readResult(page, 'sample-by-id-allowed.proof');
      expect(ok.status).toBe('accepted');
      await page.uncheck('#allow-insecure');
    });

    for (const family of ['transaction', 'consensus'] as const) {
      it(`by circuit id: a ${family} envelope proved in Node verifies; a tampered copy gets the Node code`, async () => {
        const config = getConfig('c100');
        const fam = FAMILIES[family];
        const st = fam.build(fam.sampleInput('test'), { size: 'test' });
        const body = await prove(st.air, st.trace, st.publicValues, config, {
          backend: new CpuBackend(mmcsFor(config)),
        });
        const proof = wrapEnvelope(body, circuitIdOf(st.air), config);
        const pv = Array.from(st.publicValues);
        expect(verifyEnvelope(proof, pv, { registry: CIRCUIT_REGISTRY })).toMatchObject({
          ok: true,
          circuitId: `${family}@1`,
          preset: 'c100',
        });
        await page.selectOption('#format', 'by-id');
        await page.fill('#publics', pv.join(','));
        await setFile(`${family}.proof`, proof);
        const good = await readResult(page, `${family}.proof`);
        expect(good.status, consoleLines.join('\n')).toBe('accepted');
        expect(await page.textContent('#circuit')).toBe(`${family}@1`);

        const bad = proof.slice();
        bad[bad.length - 100] ^= 0x01;
        const expected = verifyEnvelope(bad, pv, { registry: CIRCUIT_REGISTRY });
        expect(expected.ok).toBe(false);
        await setFile(`${family}-tampered.proof`, bad);
        const r = await readResult(page, `${family}-tampered.proof`);
        expect(r.status).toBe('rejected');
        if (!expected.ok) expect(r.code).toBe(expected.code);
        console.log(`chromium: tampered ${family} envelope rejected with ${r.code} (Node: the same)`);

        const unknown = proof.slice();
        unknown[ENVELOPE_ID_OFFSET + family.length + 1] = '9'.charCodeAt(0); // '<family>@1' -> '<family>@9'
        await setFile(`${family}-unknown-id.proof`, unknown);
        const u = await readResult(page, `${family}-unknown-id.proof`);
        expect(u.code).toBe('VK_UNKNOWN_CIRCUIT');
        expect(verifyEnvelope(unknown, pv, { registry: CIRCUIT_REGISTRY })).toMatchObject({
          ok: false,
          code: 'VK_UNKNOWN_CIRCUIT',
        });
      });
    }
  },
);
