/**
 * The service under hostile load (issue 12, items 1-3), with proofs on the esbuild-built worker
 * pool (src/node/pool-engine.ts):
 * - flood: max_queue = 1 and 10 concurrent /prove -> at least one 503 BUSY with Retry-After,
 *   every accepted proof verifies, /status/node answers during the flood and its queueDepth is
 *   the real one; /metrics answers while the pool proves at full load;
 * - close() (SIGTERM) refuses new work at once: the 503 SHUTTING_DOWN arrives before the running
 *   proof's answer, which still arrives;
 * - 413 from a declared 10 GB Content-Length with no body, and from a 200 MB chunked upload,
 *   each answered cleanly (the client reads the 413, then the connection ends);
 * - 415 for text/plain, image/png and multipart bodies (never parsed or proved);
 * - the optional bearer token: 401 without it or with a wrong one, /metrics stays open.
 * Before the pool engine, proofs ran on the event loop: no BUSY, /status/node stalled, SIGTERM
 * waited for the proofs; before the body and type checks, the 200 MB upload ended in a reset and
 * text/plain bodies were proved.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, FAMILY_NAMES, type FamilyName } from '../../src/circuits/families.ts';
import { ConfigError, defaultNodeConfig, readServiceToken } from '../../src/node/config.ts';
import { createStarkEngine, type ProofEngine } from '../../src/node/engine.ts';
import { HealthTracker } from '../../src/node/health.ts';
import { NodeMetrics } from '../../src/node/metrics.ts';
import { createPoolEngine } from '../../src/node/pool-engine.ts';
import { ProofService } from '../../src/node/service.ts';
import { createNodeWorkerPool } from '../../src/runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { workerBundle } from '../workers/worker-bundle.ts';

const PRESET = 'c100';

function healthFor(engine: ProofEngine, metrics: NodeMetrics): HealthTracker {
  return new HealthTracker({
    backend: engine.backend,
    gpu: { status: 'disabled', reason: 'test' },
    preset: PRESET,
    activeCircuits: engine.families.map((f) => `${f}@1`),
    cacheDir: '/tmp/none',
    cacheSizeBytes: 0,
    cacheFiles: 0,
    lastKeyRotation: new Date('2025-01-02T03:04:05Z'),
    loadedAt: new Date('2025-01-02T04:00:00Z'),
    metrics,
  });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const proveBody = (f: FamilyName): unknown => ({ family: f, input: FAMILIES[f].sampleInput('test') });

/** A raw HTTP exchange: status, body, and how the connection ended. */
interface RawAnswer {
  status: number;
  body: string;
  ended: 'end' | 'error';
  error?: string;
}

/** Sends headers (and optionally a streamed body) with node:http, collecting the answer. */
function rawPost(url: string, headers: Record<string, string>, streamBytes: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const req = request(`${url}/prove`, { method: 'POST', headers, agent: false });
    let status = 0;
    let body = '';
    let settled = false;
    const settle = (ended: 'end' | 'error', error?: string): void => {
      if (settled) return;
      settled = true;
      resolve({ status, body, ended, ...(error ? { error } : {}) });
    };
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => settle('end'));
      res.on('error', (e) => settle('error', e.message));
    });
    req.on('error', (e) => {
      // a write error after the answer was read is the server closing the upload: fine
      if (status !== 0 && body !== '') settle('end');
      else settle('error', e.message);
    });
    if (streamBytes === 0) {
      req.flushHeaders();
      return;
    }
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < streamBytes && status === 0) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('service on the worker pool under flood', () => {
  let pool: WorkerPool;
  let engine: ProofEngine;
  beforeAll(async () => {
    pool = createNodeWorkerPool({ size: 1, workerUrl: await workerBundle() });
    engine = createPoolEngine({ pool, preset: PRESET, size: 'test', families: FAMILY_NAMES });
  }, 60_000);
  afterAll(() => pool?.close());

  it('max_queue = 1, 10 concurrent /prove: BUSY with Retry-After, accepted proofs verify, /status/node answers', async () => {
    // production-size consensus proofs take seconds: the flood arrives while the first one runs
    const body = { family: 'consensus', input: FAMILIES.consensus.sampleInput('production') };
    const prod = createStarkEngine({ preset: PRESET, size: 'production', families: ['consensus'] });
    const engine2 = createPoolEngine({ pool, preset: PRESET, size: 'production', families: ['consensus'] });
    const metrics = new NodeMetrics();
    const s1 = await ProofService.start({
      engine: engine2,
      metrics,
      health: healthFor(engine2, metrics),
      maxQueue: 1,
      concurrency: 1,
    });
    try {
      let firstBusy: () => void = () => {};
      const busySeen = new Promise<void>((r) => {
        firstBusy = r;
      });
      const flood = Array.from({ length: 10 }, () =>
        post(`${s1.url}/prove`, body).then((r) => {
          if (r.status === 503) firstBusy();
          return r;
        }),
      );
      await busySeen;
      // during the flood: the accepted proof is running
      const t0 = performance.now();
      const st = (await (await fetch(`${s1.url}/status/node`)).json()) as {
        service: { queueDepth: number; running: number };
      };
      const statusMs = performance.now() - t0;
      const answers = await Promise.all(flood);
      // Answered during the flood, with the accepted proof still running (no timing bound: the
      // suite holds no timing asserts; the latency is printed for the record).
      console.log(`/status/node during the flood: ${statusMs.toFixed(1)} ms`);
      expect(st.service).toMatchObject({ queueDepth: 1, running: 1 });
      const busy = answers.filter((r) => r.status === 503);
      const ok = answers.filter((r) => r.status === 200);
      expect(busy.length).toBeGreaterThanOrEqual(1);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(busy.length + ok.length).toBe(10);
      for (const r of busy) {
        expect(r.headers.get('retry-after')).toBe('1');
        expect(await r.json()).toMatchObject({ code: 'BUSY', retryable: true });
      }
      for (const r of ok) {
        const j = (await r.json()) as { proof: string; publicValues: number[] };
        const v = prod.verify('consensus', new Uint8Array(Buffer.from(j.proof, 'base64')), j.publicValues);
        expect(v).toEqual({ ok: true });
      }
      expect(await metrics.text()).toMatch(new RegExp(`p3ts_service_busy_total ${busy.length}`));
    } finally {
      await s1.close();
    }
  }, 180_000);

  it('/metrics answers while the pool proves at full load (40 sequential loopback scrapes)', async () => {
    const big = createPoolEngine({ pool, preset: PRESET, size: 'production', families: ['consensus'] });
    const metrics = new NodeMetrics();
    const s2 = await ProofService.start({
      engine: big,
      metrics,
      health: healthFor(big, metrics),
      maxQueue: 4,
      concurrency: 1,
    });
    try {
      const proofs = Array.from({ length: 2 }, () =>
        post(`${s2.url}/prove`, { family: 'consensus', input: FAMILIES.consensus.sampleInput('production') }),
      );
      await new Promise((r) => setTimeout(r, 100));
      const ms: number[] = [];
      let running = 0;
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        const r = await fetch(`${s2.url}/metrics`);
        await r.text();
        ms.push(performance.now() - t0);
        const st = (await (await fetch(`${s2.url}/status/node`)).json()) as { service: { running: number } };
        running += st.service.running;
      }
      // every scrape was answered while a proof was running: the check is that, not a latency
      // bound (the suite holds no timing asserts); the latencies are printed for the record
      expect(running).toBe(40);
      ms.sort((a, b) => a - b);
      const p99 = ms[Math.ceil(0.99 * ms.length) - 1];
      console.log(
        `/metrics while proving: p50 ${ms[20].toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
      );
      for (const r of await Promise.all(proofs)) expect(r.status).toBe(200);
    } finally {
      await s2.close();
    }
  }, 180_000);

  it('close() refuses new work at once (503 SHUTTING_DOWN before the running proof answers)', async () => {
    const metrics = new NodeMetrics();
    const s3 = await ProofService.start({ engine, metrics, health: healthFor(engine, metrics), maxQueue: 2 });
    const order: string[] = [];
    const keep = await fetch(`${s3.url}/status/node`, { keepalive: true }); // warm a connection
    await keep.text();
    const running = post(`${s3.url}/prove`, proveBody('transaction')).then(async (r) => {
      order.push(`prove ${r.status}`);
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    const closing = s3.close();
    const refused = await post(`${s3.url}/prove`, proveBody('uptime')).then(
      async (r) => {
        order.push(`new ${r.status}`);
        return (await r.json()) as { code: string };
      },
      () => {
        order.push('new refused-connection');
        return { code: 'CONNECTION_REFUSED' };
      },
    );
    const first = await running;
    await closing;
    expect(first.status).toBe(200);
    expect(['SHUTTING_DOWN', 'CONNECTION_REFUSED']).toContain(refused.code);
    expect(order[0]).toMatch(/^new /);
  }, 60_000);
});

describe('request bodies, content types and the bearer token', () => {
  let svc: ProofService;
  let calls = 0;
  const token = 'test-token-0123456789abcdef';
  beforeAll(async () => {
    const real = createStarkEngine({
      preset: 'insecure-test',
      size: 'test',
      families: FAMILY_NAMES,
      allowInsecure: true,
    });
    const engine: ProofEngine = {
      ...real,
      prove: (f, input) => {
        calls++;
        return real.prove(f, input);
      },
    };
    const metrics = new NodeMetrics();
    svc = await ProofService.start({
      engine,
      metrics,
      health: healthFor(engine, metrics),
      maxBodyBytes: 1 << 20,
      authToken: token,
    });
  });
  afterAll(() => svc.close());
  const auth = { authorization: `Bearer ${token}` };

  it('413 from a declared 10 GB Content-Length, before any body, then the connection ends', async () => {
    const a = await rawPost(
      svc.url,
      { 'content-type': 'application/json', 'content-length': String(10 * 2 ** 30), ...auth },
      0,
    );
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(a.ended).toBe('end');
  });

  it('413 from a 200 MB chunked upload, read cleanly by the client', async () => {
    const a = await rawPost(
      svc.url,
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...auth },
      200 * 2 ** 20,
    );
    expect(a.error).toBeUndefined();
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'BODY_TOO_LARGE' });
    // the service still answers
    expect((await fetch(`${svc.url}/status/node`)).status).toBe(200);
  }, 60_000);

  it('415 for anything but application/json; nothing is proved', async () => {
    const body = JSON.stringify(proveBody('uptime'));
    for (const ct of ['text/plain', 'image/png', 'multipart/form-data; boundary=x', '']) {
      const r = await fetch(`${svc.url}/prove`, {
        method: 'POST',
        headers: { ...auth, ...(ct ? { 'content-type': ct } : {}) },
        body,
      });
      expect(r.status, ct).toBe(415);
      expect(await r.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(calls).toBe(0);
    const ok = await post(`${svc.url}/prove`, proveBody('uptime'), {
      'content-type': 'application/json; charset=utf-8',
      ...auth,
    });
    expect(ok.status).toBe(200);
    expect(calls).toBe(1);
  });

  it('service.auth_token_file: a regular file with one token; directories, missing files, short tokens refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p3tok-'));
    const ok = join(dir, 'token');
    writeFileSync(ok, `  ${token}\n`);
    expect(readServiceToken(ok)).toBe(token);
    const short = join(dir, 'short');
    writeFileSync(short, 'abc');
    expect(() => readServiceToken(short)).toThrow(ConfigError);
    expect(() => readServiceToken(dir)).toThrow(/not a regular file/);
    expect(() => readServiceToken(join(dir, 'missing'))).toThrow(/cannot open/);
    const cfg = defaultNodeConfig({ service: { auth_token_file: ok } });
    expect(cfg.service.authTokenFile).toBe(ok);
    expect(() => defaultNodeConfig({ service: { auth_token_file: '' } })).toThrow(/auth_token_file/);
    expect(defaultNodeConfig().service.authTokenFile).toBeUndefined();
  });

  it('401 without the bearer token or with a wrong one; /metrics and /status/node stay open', async () => {
    const none = await post(`${svc.url}/prove`, proveBody('uptime'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const wrong = await post(
      `${svc.url}/verify`,
      { family: 'uptime', proof: '', publicValues: [] },
      {
        authorization: `Bearer ${token.slice(0, -1)}x`,
      },
    );
    expect(wrong.status).toBe(401);
    expect((await fetch(`${svc.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${svc.url}/status/node`)).status).toBe(200);
    await expect(
      ProofService.start({
        engine: createStarkEngine({
          preset: 'insecure-test',
          size: 'test',
          families: ['uptime'],
          allowInsecure: true,
        }),
        metrics: new NodeMetrics(),
        health: healthFor(
          createStarkEngine({
            preset: 'insecure-test',
            size: 'test',
            families: ['uptime'],
            allowInsecure: true,
          }),
          new NodeMetrics(),
        ),
        authToken: 'short',
      }),
    ).rejects.toThrow(/16 characters/);
  });
});
