/**
 * The browser prover (dist/browser/plonky3-prove.js, examples/browser/prove.html) in real
 * headless Chromium with WebGPU on (SwiftShader): a Fibonacci 2^10 and a Poseidon2 AIR 2^4 proof
 * (preset c100) made in the page are byte-identical to the Node CpuBackend proof of the same
 * statement, on WebGPU (auto mode picks it; no fallback, GPU operations counted) and on the Web Worker pool in a
 * cross-origin-isolated page (COOP/COEP headers; pool jobs counted). On a page that is not
 * isolated, asking for the pool fails with NOT_CROSS_ORIGIN_ISOLATED, and auto mode without
 * WebGPU says so and proves on the calling thread. Each proof also verifies by circuit id in the
 * page. Through the page's controls: a consensus statement proved on the calling thread is
 * verified by id, the times are shown, and the downloaded file equals the Node proof.
 *
 * Skipped with a printed reason without /usr/bin/chromium, unless PLONKY3_REQUIRE_BROWSER_TESTS=1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { getConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { mmcsFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { loadBuild, ROOT, serveStatic } from './build-helpers.ts';
import {
  HAVE_CHROMIUM,
  ISOLATION_HEADERS,
  launchChromium,
  reportMissingChromium,
} from './chromium-harness.ts';

reportMissingChromium('test/browser/prover.test.ts', 'browser prover in headless Chromium');

/** What window.proveAndVerify returns (examples/browser/prove.js). */
interface PageProof {
  hex?: string;
  publicValues?: number[];
  circuitId?: string;
  backend?: string;
  adapter?: string | null;
  gpuOps?: number | null;
  fallbacks?: number | null;
  poolJobs?: number | null;
  ms?: number;
  notices?: string[];
  events: string[];
  verify?: { ok: boolean; code?: string };
  crossOriginIsolated?: boolean;
  error?: string;
  code?: string | null;
}

const config = getConfig('c100');

/** The Node CPU proofs, as envelopes (what the page's prover wraps). */
async function nodeProof(circuit: 'fibonacci' | 'poseidon2', logRows: number): Promise<string> {
  const n = 2 ** logRows;
  const cpu = new CpuBackend(mmcsFor(config));
  if (circuit === 'fibonacci') {
    const body = await prove(
      fibonacciAir(),
      generateFibonacciTrace(0, 1, n),
      fibonacciPublicValues(0, 1, n),
      config,
      {
        backend: cpu,
      },
    );
    return Buffer.from(wrapEnvelope(body, 'fibonacci@1', config)).toString('hex');
  }
  const air = createPoseidon2Air({ constants: 'default', permsPerRow: 8 });
  const body = await prove(air, generatePoseidon2Trace(air, { seed: 1 }, n), [], config, { backend: cpu });
  return Buffer.from(wrapEnvelope(body, 'poseidon2@1', config)).toString('hex');
}

const STATEMENTS = [
  { circuit: 'fibonacci', logRows: 10 },
  { circuit: 'poseidon2', logRows: 4 },
] as const;

describe.skipIf(!HAVE_CHROMIUM)('browser prover in headless Chromium (plonky3-prove.js, prove.html)', () => {
  let dir: string;
  const servers: Server[] = [];
  let plainBase: string;
  let isolatedBase: string;
  let ctx: BrowserContext;
  const consoleLines: string[] = [];
  const expected = new Map<string, string>();

  const openPage = async (base: string, opts: { hideGpu?: boolean } = {}): Promise<Page> => {
    const page = await ctx.newPage();
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    if (opts.hideGpu) {
      await page.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
      });
    }
    await page.goto(`${base}/examples/browser/prove.html`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    return page;
  };

  const proveIn = (page: Page, req: object, opts: object): Promise<PageProof> =>
    page.evaluate(
      ([r, o]) =>
        (
          window as unknown as { proveAndVerify: (r: object, o: object) => Promise<PageProof> }
        ).proveAndVerify(r, o),
      [req, opts] as const,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'p3-prover-'));
    const { buildBrowserProver, buildBrowserWorker } = await loadBuild();
    await buildBrowserProver({ outfile: join(dir, 'dist/plonky3-prove.js'), quiet: true });
    await buildBrowserWorker({ outfile: join(dir, 'dist/worker.js') });
    const mounts = {
      '/examples/browser/': resolve(ROOT, 'examples/browser'),
      '/dist/browser/': join(dir, 'dist'),
    };
    const plain = await serveStatic(mounts);
    const isolated = await serveStatic(mounts, ISOLATION_HEADERS);
    servers.push(plain.server, isolated.server);
    plainBase = plain.base;
    isolatedBase = isolated.base;
    ctx = await launchChromium(dir);
    for (const s of STATEMENTS) expected.set(s.circuit, await nodeProof(s.circuit, s.logRows));
  }, 120_000);

  afterAll(async () => {
    if (consoleLines.length > 0) console.log(`page console:\n  ${consoleLines.join('\n  ')}`);
    await ctx?.close();
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const s of STATEMENTS) {
    it(`WebGPU: ${s.circuit} 2^${s.logRows} (c100) is byte-identical to the Node CPU proof`, async () => {
      const page = await openPage(plainBase);
      // Fibonacci in auto mode: with an adapter, auto must pick WebGPU
      const mode = s.circuit === 'fibonacci' ? 'auto' : 'webgpu';
      const r = await proveIn(page, { ...s, preset: 'c100' }, { mode });
      await page.close();
      expect(r.error, consoleLines.join('\n')).toBeUndefined();
      console.log(
        `chromium webgpu (${r.adapter}): ${s.circuit} 2^${s.logRows} in ${r.ms?.toFixed(0)} ms, ${r.gpuOps} GPU ops, ${r.fallbacks} fallbacks`,
      );
      expect(r.backend).toBe('webgpu');
      expect(r.notices).toEqual([]);
      expect(r.fallbacks).toBe(0);
      expect(r.gpuOps).toBeGreaterThan(0);
      expect(r.hex).toBe(expected.get(s.circuit));
      expect(r.verify).toEqual({ ok: true });
      expect(r.events).toContain('prove');
      expect(r.events.at(-1)).toBe('done');
    }, 180_000);
  }

  for (const s of STATEMENTS) {
    it(`Web Worker pool, cross-origin-isolated page: ${s.circuit} 2^${s.logRows} is byte-identical to the Node CPU proof`, async () => {
      const page = await openPage(isolatedBase);
      const r = await proveIn(
        page,
        { ...s, preset: 'c100' },
        { mode: 'workers', workers: 2, minParallelRows: 16 },
      );
      await page.close();
      expect(r.error, consoleLines.join('\n')).toBeUndefined();
      console.log(
        `chromium workers: ${s.circuit} 2^${s.logRows} in ${r.ms?.toFixed(0)} ms, ${r.poolJobs} pool jobs`,
      );
      expect(r.crossOriginIsolated).toBe(true);
      expect(r.backend).toBe('workers');
      expect(r.poolJobs).toBeGreaterThan(0);
      expect(r.events).toContain('jobs');
      expect(r.hex).toBe(expected.get(s.circuit));
      expect(r.verify).toEqual({ ok: true });
    }, 180_000);
  }

  it('a page that is not cross-origin isolated: the pool is refused with NOT_CROSS_ORIGIN_ISOLATED', async () => {
    const page = await openPage(plainBase);
    const r = await proveIn(page, { circuit: 'fibonacci', logRows: 4, preset: 'c100' }, { mode: 'workers' });
    const shown = await page.textContent('#status');
    await page.close();
    expect(r.code).toBe('NOT_CROSS_ORIGIN_ISOLATED');
    expect(r.error).toMatch(
      /cross-origin-isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/,
    );
    expect(shown).toMatch(/cross-origin-isolated/);
  });

  it('auto mode without WebGPU on a page that is not isolated says why and proves on the calling thread', async () => {
    const page = await openPage(plainBase, { hideGpu: true });
    const r = await proveIn(page, { circuit: 'fibonacci', logRows: 10, preset: 'c100' }, {});
    const notice = await page.textContent('#notice');
    await page.close();
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('main');
    expect(r.notices?.join('\n')).toMatch(/cross-origin-isolated page.*proving on the calling thread/);
    expect(notice).toMatch(/Cross-Origin-Embedder-Policy: require-corp/);
    expect(r.hex).toBe(expected.get('fibonacci'));
    expect(r.verify).toEqual({ ok: true });
  }, 120_000);

  it('the page: pick a family and size, prove, progress, verified by id, download equals the Node proof, times shown', async () => {
    const fam = FAMILIES.consensus;
    const st = fam.build(fam.sampleInput('test'), { size: 'test' });
    const body = await prove(st.air, st.trace, st.publicValues, config, {
      backend: new CpuBackend(mmcsFor(config)),
    });
    const nodeBytes = wrapEnvelope(body, 'consensus@1', config);
    const page = await openPage(plainBase);
    await page.selectOption('#circuit', 'consensus');
    await page.selectOption('#size', 'test');
    await page.selectOption('#preset', 'c100');
    await page.selectOption('#mode', 'main');
    await page.click('#prove');
    await page.waitForSelector('#result[data-status="verified"]', { timeout: 120_000 });
    const shown = await page.evaluate(() => ({
      backend: document.getElementById('backend')?.textContent,
      info: document.getElementById('proof-info')?.textContent,
      proveMs: Number(document.getElementById('time-ms')?.textContent),
      verify: document.getElementById('verify-code')?.textContent,
      verifyMs: Number(document.getElementById('verify-ms')?.textContent),
      steps: document.querySelectorAll('#log li').length,
    }));
    expect(shown.backend).toBe('main');
    expect(shown.info).toMatch(/^consensus@1, 2\^4 rows, c100, \d+ bytes$/);
    expect(shown.verify).toBe('ok');
    expect(shown.proveMs).toBeGreaterThan(0);
    expect(shown.verifyMs).toBeGreaterThanOrEqual(0);
    expect(shown.steps).toBeGreaterThanOrEqual(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('consensus-2^4-c100.proof');
    const saved = new Uint8Array(readFileSync(await download.path()));
    await page.close();
    expect(Buffer.from(saved).equals(Buffer.from(nodeBytes))).toBe(true);
  }, 120_000);
});
