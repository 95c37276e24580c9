/**
 * End-to-end service test on loopback (port 0): prove and verify with the real STARK engine
 * (insecure-test preset, test sizes), scrape /metrics and see the histograms move, read
 * /status/node; then, with a gated fake engine, fill the queue to get BUSY and shut down
 * gracefully without losing an accepted job; bad requests get clear 4xx answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, FAMILY_NAMES, type FamilyName } from '../../src/circuits/families.ts';
import { createStarkEngine, type ProofEngine } from '../../src/node/engine.ts';
import { HealthTracker } from '../../src/node/health.ts';
import { NodeMetrics } from '../../src/node/metrics.ts';
import { ProofService } from '../../src/node/service.ts';
import { envelopeHeaderLength } from '../../src/stark/envelope.ts';

function healthFor(engine: ProofEngine, metrics: NodeMetrics): HealthTracker {
  return new HealthTracker({
    backend: engine.backend,
    gpu: { status: 'disabled', reason: 'test' },
    preset: 'insecure-test',
    activeCircuits: engine.families.map((f) => `${f}@1`),
    cacheDir: '/tmp/none',
    cacheSizeBytes: 1234,
    cacheFiles: 11,
    lastKeyRotation: new Date('2025-01-02T03:04:05Z'),
    loadedAt: new Date('2025-01-02T04:00:00Z'),
    metrics,
  });
}

/** Value of one sample line `name{labels} value` in a Prometheus exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries(
      (m[1] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => {
          const i = kv.indexOf('=');
          return [kv.slice(0, i), JSON.parse(kv.slice(i + 1))];
        }),
    );
    if (
      Object.entries(labels).every(([k, v]) => got[k] === v) &&
      Object.keys(got).length === Object.keys(labels).length
    )
      return Number(m[2]);
  }
  return 0;
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('service with the real STARK engine (insecure-test, test sizes)', () => {
  let svc: ProofService;
  let metrics: NodeMetrics;
  beforeAll(async () => {
    const engine = createStarkEngine({
      preset: 'insecure-test',
      size: 'test',
      families: FAMILY_NAMES,
      allowInsecure: true,
    });
    metrics = new NodeMetrics();
    svc = await ProofService.start({
      engine,
      metrics,
      health: healthFor(engine, metrics),
      port: 0,
      maxBodyBytes: 1 << 20,
    });
  });
  afterAll(() => svc.close());

  it('prove, verify, tampered proof rejected, then /metrics shows the histograms moved', async () => {
    const before = await (await fetch(`${svc.url}/metrics`)).text();
    const labels = { backend: 'plonky3', proof_kind: 'consensus' };
    expect(sample(before, 'rpp_runtime_proof_generation_duration_seconds_count', labels)).toBe(0);

    const pr = await post(`${svc.url}/prove`, {
      family: 'consensus',
      input: FAMILIES.consensus.sampleInput('test'),
    });
    expect(pr.status).toBe(200);
    const p = (await pr.json()) as {
      proof: string;
      publicValues: number[];
      circuitId: string;
      bytes: number;
    };
    expect(p.circuitId).toBe('consensus@1');
    expect(Buffer.from(p.proof, 'base64').length).toBe(p.bytes);

    const vr = await post(`${svc.url}/verify`, {
      family: 'consensus',
      proof: p.proof,
      publicValues: p.publicValues,
    });
    expect(await vr.json()).toMatchObject({ ok: true });
    const bad = Buffer.from(p.proof, 'base64');
    bad[bad.length - 3] ^= 1;
    const tr = await post(`${svc.url}/verify`, {
      family: 'consensus',
      proof: bad.toString('base64'),
      publicValues: p.publicValues,
    });
    const tj = (await tr.json()) as { ok: boolean; code: string };
    expect(tj.ok).toBe(false);
    expect(tj.code).toMatch(/^[A-Z_]+$/);
    const wrongPublic = await post(`${svc.url}/verify`, {
      family: 'consensus',
      proof: p.proof,
      publicValues: [...p.publicValues.slice(0, 3), p.publicValues[3] + 1],
    });
    expect(((await wrongPublic.json()) as { ok: boolean }).ok).toBe(false);
    // a proof for one family presented as another
    const other = await post(`${svc.url}/verify`, {
      family: 'uptime',
      proof: p.proof,
      publicValues: [1, 2, 3],
    });
    expect(await other.json()).toMatchObject({ ok: false, code: 'VK_MISMATCH' });

    const mr = await fetch(`${svc.url}/metrics`);
    expect(mr.headers.get('content-type')).toMatch(/text\/plain/);
    const after = await mr.text();
    expect(sample(after, 'rpp_runtime_proof_generation_duration_seconds_count', labels)).toBe(1);
    expect(sample(after, 'rpp_runtime_proof_generation_duration_seconds_sum', labels)).toBeGreaterThan(0);
    expect(sample(after, 'rpp_runtime_proof_generation_size_bytes_sum', labels)).toBe(p.bytes);
    expect(sample(after, 'rpp_runtime_proof_generation_count_total', labels)).toBe(1);
    const v = { proof_backend: 'rpp-stark', proof_kind: 'consensus' };
    expect(sample(after, 'rpp_stark_verify_duration_seconds_count', { ...v, result: 'accepted' })).toBe(1);
    expect(sample(after, 'rpp_stark_verify_duration_seconds_count', { ...v, result: 'rejected' })).toBe(2);
    expect(sample(after, 'rpp_stark_proof_total_bytes_count', v)).toBe(3);
    expect(sample(after, 'rpp_stark_payload_bytes_sum', v)).toBe(3 * (p.bytes - 42 - 'consensus@1'.length));
    expect(sample(after, 'rpp_stark_params_bytes_sum', v)).toBe(
      3 * envelopeHeaderLength('consensus@1'.length),
    );
    expect(sample(after, 'rpp_stark_public_inputs_bytes_sum', v)).toBe(3 * 16);
    expect(sample(after, 'verifier_result_total', { result: 'accepted', code: 'OK' })).toBe(1);
    expect(sample(after, 'verifier_tamper_accepted_total', {})).toBe(0);
  }, 60_000);

  it('GET /status/node reports backend_health.plonky3', async () => {
    const r = await fetch(`${svc.url}/status/node`);
    const j = (await r.json()) as {
      backend_health: { plonky3: Record<string, unknown> };
      service: Record<string, unknown>;
    };
    const h = j.backend_health.plonky3;
    expect(h).toMatchObject({
      status: 'healthy',
      backend: 'cpu',
      preset: 'insecure-test',
      lastKeyRotation: '2025-01-02T03:04:05.000Z',
      cache: { dir: '/tmp/none', sizeBytes: 1234, files: 11 },
      activeCircuits: FAMILY_NAMES.map((f) => `${f}@1`),
      gpu: { status: 'disabled' },
    });
    expect((h.prover as { proofs: number }).proofs).toBeGreaterThanOrEqual(1);
    expect(j.service).toMatchObject({ queueDepth: 0, maxQueue: 16, draining: false });
  });

  const bad: [string, string, () => Promise<Response>, number, string][] = [
    ['bad JSON', '/prove', () => post(`${svc.url}/prove`, '{"family": '), 400, 'BAD_JSON'],
    ['not an object', '/verify', () => post(`${svc.url}/verify`, '[1,2]'), 400, 'BAD_REQUEST'],
    [
      'unknown family',
      '/prove',
      () => post(`${svc.url}/prove`, { family: 'teleport', input: {} }),
      400,
      'UNKNOWN_FAMILY',
    ],
    ['missing input', '/prove', () => post(`${svc.url}/prove`, { family: 'state' }), 400, 'BAD_REQUEST'],
    [
      'invalid family input',
      '/prove',
      () => post(`${svc.url}/prove`, { family: 'consensus', input: { height: 1, round: 0, validators: [] } }),
      422,
      'BAD_INPUT',
    ],
    [
      'proof not base64',
      '/verify',
      () => post(`${svc.url}/verify`, { family: 'state', proof: '%%%', publicValues: [] }),
      400,
      'BAD_REQUEST',
    ],
    [
      'public value out of range',
      '/verify',
      () => post(`${svc.url}/verify`, { family: 'state', proof: 'AAAA', publicValues: [2 ** 31] }),
      400,
      'BAD_REQUEST',
    ],
    [
      'oversized body',
      '/prove',
      () => post(`${svc.url}/prove`, { family: 'state', input: 'x'.repeat(2 << 20) }),
      413,
      'BODY_TOO_LARGE',
    ],
    ['wrong method', '/prove', () => fetch(`${svc.url}/prove`), 405, 'METHOD_NOT_ALLOWED'],
    ['unknown route', '/nope', () => fetch(`${svc.url}/nope`), 404, 'NOT_FOUND'],
  ];
  for (const [what, route, call, status, code] of bad) {
    it(`${route}: ${what} -> ${status} ${code} with a message`, async () => {
      const r = await call();
      expect(r.status).toBe(status);
      const j = (await r.json()) as { code: string; message: string; retryable: boolean; field?: string };
      expect(j.code).toBe(code);
      expect(j.message.length).toBeGreaterThan(5);
      expect(j.retryable).toBe(false);
      if (code === 'BAD_INPUT') expect(j.field).toBe('validators');
    });
  }
});

/** A fake engine whose proofs wait for `release()`. */
function gatedEngine(): ProofEngine & { release(): void; started: number; fail: boolean } {
  let gate: () => void = () => {};
  let opened = new Promise<void>((r) => (gate = r));
  const e = {
    backend: 'cpu',
    families: [...FAMILY_NAMES] as FamilyName[],
    started: 0,
    fail: false,
    release(): void {
      gate();
      opened = new Promise<void>((r) => (gate = r));
    },
    async prove(family: FamilyName) {
      e.started++;
      await opened;
      if (e.fail) throw new Error('simulated prover crash');
      return { proof: new Uint8Array(100), publicValues: Uint32Array.of(1), circuitId: `${family}@1` };
    },
    verify() {
      return { ok: true as const };
    },
  };
  return e;
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('service queue, failures and graceful shutdown (gated fake engine)', () => {
  it('fills the queue: the next request gets 503 BUSY retryable; close() finishes every accepted job', async () => {
    const engine = gatedEngine();
    const metrics = new NodeMetrics();
    const svc = await ProofService.start({
      engine,
      metrics,
      health: healthFor(engine, metrics),
      port: 0,
      maxQueue: 2,
      concurrency: 1,
    });
    const a = post(`${svc.url}/prove`, { family: 'state', input: {} });
    const b = post(`${svc.url}/prove`, { family: 'uptime', input: {} });
    await until(() => svc.queueDepth === 2);
    expect(engine.started).toBe(1); // concurrency 1: the second waits
    const busy = await post(`${svc.url}/prove`, { family: 'state', input: {} });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.json()).toMatchObject({ code: 'BUSY', retryable: true });
    const status = (await (await fetch(`${svc.url}/status/node`)).json()) as {
      service: { queueDepth: number };
    };
    expect(status.service.queueDepth).toBe(2);
    expect(sample(await metrics.text(), 'p3ts_service_busy_total', {})).toBe(1);

    const closing = svc.close();
    expect(svc.isDraining).toBe(true);
    engine.release();
    await until(() => engine.started === 2);
    engine.release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(((await rb.json()) as { circuitId: string }).circuitId).toBe('uptime@1');
    await closing;
    await expect(fetch(`${svc.url}/status/node`)).rejects.toThrow();
    expect(svc.close()).toBe(closing);
  });

  it('a prover failure is a 500 PROVER_FAILED, counted; the next success is a recovery event', async () => {
    const engine = gatedEngine();
    const metrics = new NodeMetrics();
    const health = healthFor(engine, metrics);
    const svc = await ProofService.start({ engine, metrics, health, port: 0 });
    engine.fail = true;
    const f = post(`${svc.url}/prove`, { family: 'pruning', input: {} });
    await until(() => engine.started === 1);
    engine.release();
    const r = await f;
    expect(r.status).toBe(500);
    expect(await r.json()).toMatchObject({ code: 'PROVER_FAILED', retryable: false });
    expect(health.snapshot().backend_health.plonky3.status).toBe('degraded');
    let text = await metrics.text();
    expect(
      sample(text, 'rpp_runtime_proof_generation_failures_total', {
        backend: 'plonky3',
        proof_kind: 'pruning',
        code: 'PROVER_FAILED',
      }),
    ).toBe(1);
    expect(sample(text, 'rpp_runtime_backend_recovery_total', { backend: 'plonky3' })).toBe(0);
    engine.fail = false;
    const s = post(`${svc.url}/prove`, { family: 'pruning', input: {} });
    await until(() => engine.started === 2);
    engine.release();
    expect((await s).status).toBe(200);
    text = await metrics.text();
    expect(sample(text, 'rpp_runtime_backend_recovery_total', { backend: 'plonky3' })).toBe(1);
    expect(health.snapshot().backend_health.plonky3.status).toBe('healthy');
    await svc.close();
  });

  it('refuses a non-loopback address', async () => {
    const engine = gatedEngine();
    const metrics = new NodeMetrics();
    await expect(
      ProofService.start({ engine, metrics, health: healthFor(engine, metrics), host: '0.0.0.0' }),
    ).rejects.toThrow(/loopback/);
  });
});
