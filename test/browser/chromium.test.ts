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
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fibonacciAir, getConfig, verify } from '../../src/verify.ts';
import { loadBuild, ROOT, serveStatic } from './build-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const REQUIRE = process.env.PLONKY3_REQUIRE_BROWSER_TESTS === '1';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!HAVE) {
  const why = `${CHROMIUM} is missing (apt-get install -y chromium; scripts/ci-extra.sh does it in CI)`;
  if (REQUIRE) {
    describe('browser example in headless Chromium', () => {
      it('requires Chromium (PLONKY3_REQUIRE_BROWSER_TESTS=1)', () => {
        throw new Error(why);
      });
    });
  } else {
    console.log(`[skip] test/browser/chromium.test.ts: ${why}`);
  }
}

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

async function readResult(page: Page, previous: string): Promise<PageResult> {
  await page.waitForFunction(
    (prev) => {
      const el = document.getElementById('result');
      const s = el?.dataset.status ?? 'idle';
      const stamp = `${s}|${document.getElementById('proof-info')?.textContent}|${document.getElementById('code')?.textContent}`;
      return s !== 'idle' && s !== 'verifying' && stamp !== prev;
    },
    previous,
    { timeout: 20_000 },
  );
  return page.evaluate(() => ({
    status: document.getElementById('result')?.dataset.status ?? '',
    code: document.getElementById('code')?.textContent ?? '',
    ms: Number(document.getElementById('time-ms')?.textContent),
  }));
}

describe.skipIf(!HAVE)('browser example in headless Chromium (examples/browser, sample-fib.proof)', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let ctx: BrowserContext;
  let page: Page;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'p3-chromium-'));
    const { buildBrowserVerifier } = await loadBuild();
    await buildBrowserVerifier({ outfile: join(dir, 'dist/plonky3-verify.min.js'), quiet: true });
    ({ server, base } = await serveStatic({
      '/examples/browser/': resolve(ROOT, 'examples/browser'),
      '/dist/browser/': join(dir, 'dist'),
    }));
    ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      timeout: 30_000,
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
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

  let last = '';
  const stampOf = async (): Promise<string> =>
    page.evaluate(
      () =>
        `${document.getElementById('result')?.dataset.status}|${document.getElementById('proof-info')?.textContent}|${document.getElementById('code')?.textContent}`,
    );

  it('accepts the valid sample proof (load sample button) and reports the time', async () => {
    last = await stampOf();
    await page.click('#sample');
    const r = await readResult(page, last);
    expect(r.status, consoleLines.join('\n')).toBe('accepted');
    expect(r.code).toBe('-');
    expect(Number.isFinite(r.ms) && r.ms >= 0).toBe(true);
    console.log(`chromium: valid sample accepted in ${r.ms} ms`);
    last = await stampOf();
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
    const r = await readResult(page, last);
    expect(r.status).toBe('rejected');
    if (!expected.ok) expect(r.code).toBe(expected.code);
    expect(r.code).toMatch(/^[A-Z_]+$/);
    expect(Number.isFinite(r.ms) && r.ms >= 0).toBe(true);
    console.log(`chromium: tampered body rejected with ${r.code} in ${r.ms} ms`);
    last = await stampOf();
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
    const r = await readResult(page, last);
    expect(r.status).toBe('rejected');
    expect(r.code).toBe('DECODE_BAD_HEADER');
  });
});
