/**
 * The proof queue against a real redis-server (started here on a random port, stopped by PID):
 * job ids are content hashes (resubmission finds the job), priorities put consensus first, a
 * worker proves on the esbuild-built pool worker, verifies and stores the proof (which verifies
 * here again), poison inputs fail at once with their typed error and are not retried, and the
 * queue depth reaches /metrics as p3ts_queue_jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, type FamilyName } from '../../src/circuits/families.ts';
import { NodeMetrics } from '../../src/node/metrics.ts';
import { canonicalJson, proofJobId } from '../../src/node/queue/job-id.ts';
import { createProofQueue, type ProofQueue } from '../../src/node/queue/proof-queue.ts';
import { poolRunner, startProofWorker } from '../../src/node/queue/proof-worker.ts';
import { parseRedisUrl, QueueConfigError } from '../../src/node/queue/redis-url.ts';
import { createNodeWorkerPool } from '../../src/runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { getConfig } from '../../src/stark/config.ts';
import { verify } from '../../src/stark/verify.ts';
import { statementAir } from '../../src/worker/prove-job.ts';
import { workerBundle } from '../workers/worker-bundle.ts';
import { type RedisServer, startRedisServer } from './redis-server.ts';

const PRESET = 'c100';

async function until<T>(f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('job ids and URLs', () => {
  it('canonical JSON ignores key order; the id changes with circuit, config and input', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"x":0,"y":1}]},"b":1}',
    );
    const a = proofJobId('consensus@1', 'aa', { x: 1, y: 2 });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(proofJobId('consensus@1', 'aa', { y: 2, x: 1 })).toBe(a);
    expect(proofJobId('uptime@1', 'aa', { x: 1, y: 2 })).not.toBe(a);
    expect(proofJobId('consensus@1', 'ab', { x: 1, y: 2 })).not.toBe(a);
    expect(proofJobId('consensus@1', 'aa', { x: 1, y: 3 })).not.toBe(a);
  });

  it('parses redis URLs and names what is wrong', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/3')).toMatchObject({ host: '127.0.0.1', port: 6380, db: 3 });
    expect(parseRedisUrl('redis://h')).toMatchObject({ host: 'h', port: 6379, db: 0 });
    expect(() => parseRedisUrl('http://h:1/0')).toThrow(QueueConfigError);
    expect(() => parseRedisUrl('redis://h:1/x')).toThrow(/database/);
    expect(() => parseRedisUrl('nonsense')).toThrow(/not a URL/);
  });
});

describe('proof queue on a real redis-server', () => {
  let redis: RedisServer;
  let q: ProofQueue;
  let pool: WorkerPool;
  beforeAll(async () => {
    redis = await startRedisServer();
    pool = createNodeWorkerPool({ size: 1, workerUrl: await workerBundle() });
  }, 60_000);
  afterAll(async () => {
    await q?.close();
    pool?.close();
    await redis?.stop();
  });

  it('dedupes by content, orders by priority, proves, verifies, and fails poison inputs at once', async () => {
    q = createProofQueue({ url: redis.url, name: 'q1', preset: PRESET, size: 'test', backoffMs: 100 });
    const metrics = new NodeMetrics();
    metrics.trackQueue(q);
    const input = (f: FamilyName): unknown => FAMILIES[f].sampleInput('test');
    // enqueue before any worker runs: pruning first, consensus last
    const order: FamilyName[] = ['pruning', 'uptime', 'consensus'];
    const ids: Record<string, string> = {};
    for (const f of order) {
      const r = await q.submit(f, input(f));
      expect(r.duplicate).toBe(false);
      ids[f] = r.id;
    }
    const again = await q.submit('consensus', JSON.parse(JSON.stringify(input('consensus'))));
    expect(again).toMatchObject({ id: ids.consensus, duplicate: true });
    const badInput = { ...(input('uptime') as object), threshold: 10_000 };
    const poison = await q.submit('uptime', badInput);
    expect(poison.id).not.toBe(ids.uptime);
    const m = await metrics.text();
    expect(m).toMatch(/p3ts_queue_jobs\{queue="q1",state="waiting"\} 4/);

    const w = startProofWorker({
      url: redis.url,
      queueName: 'q1',
      prove: poolRunner(pool),
      name: 'w-test',
      metrics,
    });
    try {
      const finished = await until(async () => {
        const all = await Promise.all([...Object.values(ids), poison.id].map((id) => q.status(id)));
        return all.every((s) => s?.state === 'completed' || s?.state === 'failed') ? all : undefined;
      });
      const config = getConfig(PRESET);
      for (const f of order) {
        const s = finished.find((x) => x?.id === ids[f]);
        expect(s?.state).toBe('completed');
        const res = s?.result;
        expect(res?.worker).toBe('w-test');
        const air = statementAir({ kind: 'family', family: f, input: null, size: 'test' }, config);
        const proof = new Uint8Array(Buffer.from(res?.proof ?? '', 'base64'));
        expect(verify(air, proof, res?.publicValues ?? [], config)).toEqual({ ok: true });
      }
      // priorities: consensus (1) finished before uptime (4) before pruning (5)
      const at = (f: FamilyName): number => finished.find((x) => x?.id === ids[f])?.finishedAt ?? 0;
      expect(at('consensus')).toBeLessThan(at('uptime'));
      expect(at('uptime')).toBeLessThan(at('pruning'));
      const p = finished.find((x) => x?.id === poison.id);
      expect(p?.state).toBe('failed');
      expect(p?.attempts).toBe(1); // not retried
      expect(p?.error?.code).toBe('BAD_INPUT');
      expect(p?.error?.field).toBe('threshold');
      // a resubmission of a finished job is found, not proved again
      expect(await q.submit('consensus', input('consensus'))).toMatchObject({
        id: ids.consensus,
        state: 'completed',
        duplicate: true,
      });
      const text = await metrics.text();
      expect(text).toMatch(
        /p3ts_queue_worker_proofs_total\{backend="plonky3",proof_kind="consensus",worker="w-test",result="completed"\} 1/,
      );
      expect(text).toMatch(
        /p3ts_queue_job_latency_seconds_count\{backend="plonky3",proof_kind="pruning"\} 1/,
      );
      expect(text).toMatch(/p3ts_queue_jobs\{queue="q1",state="failed"\} 1/);
      expect(text).toMatch(/p3ts_queue_jobs\{queue="q1",state="waiting"\} 0/);
    } finally {
      await w.close();
    }
  }, 120_000);
});
