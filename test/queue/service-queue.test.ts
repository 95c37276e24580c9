/**
 * `p3ts serve --queue` on a real redis-server: POST /prove answers 202 with the content-hash job
 * id (a resubmission gets the same id, marked duplicate), GET /jobs/:id gives the state and then
 * the proof a queue worker verified and stored (it verifies here too), unknown ids are 404, a
 * poison input ends failed with its typed error, and /metrics carries the queue depth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, FAMILY_NAMES } from '../../src/circuits/families.ts';
import { createStarkEngine } from '../../src/node/engine.ts';
import { HealthTracker } from '../../src/node/health.ts';
import { NodeMetrics } from '../../src/node/metrics.ts';
import { createProofQueue, type ProofQueue } from '../../src/node/queue/proof-queue.ts';
import { poolRunner, startProofWorker } from '../../src/node/queue/proof-worker.ts';
import { ProofService } from '../../src/node/service.ts';
import { createNodeWorkerPool } from '../../src/runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { workerBundle } from '../workers/worker-bundle.ts';
import { type RedisServer, startRedisServer } from './redis-server.ts';

describe('serve in queue mode', () => {
  let redis: RedisServer;
  let queue: ProofQueue;
  let pool: WorkerPool;
  let svc: ProofService;
  const engine = createStarkEngine({ preset: 'c100', size: 'test', families: FAMILY_NAMES });
  beforeAll(async () => {
    redis = await startRedisServer();
    pool = createNodeWorkerPool({ size: 1, workerUrl: await workerBundle() });
    queue = createProofQueue({ url: redis.url, name: 'svc', preset: 'c100', size: 'test' });
    const metrics = new NodeMetrics();
    metrics.trackQueue(queue);
    svc = await ProofService.start({
      engine,
      metrics,
      health: new HealthTracker({
        backend: 'cpu',
        gpu: { status: 'disabled', reason: 'test' },
        preset: 'c100',
        activeCircuits: [],
        cacheDir: '/tmp/none',
        cacheSizeBytes: 0,
        cacheFiles: 0,
        lastKeyRotation: new Date(0),
        loadedAt: new Date(0),
        metrics,
      }),
      queue,
      maxQueue: 8,
    });
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await queue?.close();
    pool?.close();
    await redis?.stop();
  });

  const post = (body: unknown): Promise<Response> =>
    fetch(`${svc.url}/prove`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('202 + job id, duplicate on resubmit, state then proof from GET /jobs/:id', async () => {
    const input = FAMILIES.state.sampleInput('test');
    const r = await post({ family: 'state', input });
    expect(r.status).toBe(202);
    const j = (await r.json()) as { jobId: string; state: string; duplicate: boolean };
    expect(j.jobId).toBe(queue.jobId('state', input));
    expect(j.duplicate).toBe(false);
    const again = (await (await post({ family: 'state', input })).json()) as typeof j;
    expect(again).toMatchObject({ jobId: j.jobId, duplicate: true });
    const poison = (await (
      await post({
        family: 'uptime',
        input: { ...(FAMILIES.uptime.sampleInput('test') as object), heartbeats: 7 },
      })
    ).json()) as typeof j;
    const waiting = (await (await fetch(`${svc.url}/jobs/${j.jobId}`)).json()) as { state: string };
    expect(['waiting', 'prioritized']).toContain(waiting.state);
    expect(await (await fetch(`${svc.url}/metrics`)).text()).toMatch(
      /p3ts_queue_jobs\{queue="svc",state="waiting"\} 2/,
    );
    expect((await fetch(`${svc.url}/jobs/${'0'.repeat(64)}`)).status).toBe(404);

    const w = startProofWorker({ url: redis.url, queueName: 'svc', prove: poolRunner(pool), name: 'svc-w' });
    try {
      let st: { state: string; result?: { proof: string; publicValues: number[] } } = { state: '' };
      for (let i = 0; i < 600 && st.state !== 'completed'; i++) {
        await new Promise((res) => setTimeout(res, 100));
        st = (await (await fetch(`${svc.url}/jobs/${j.jobId}`)).json()) as typeof st;
      }
      expect(st.state).toBe('completed');
      const proof = new Uint8Array(Buffer.from(st.result?.proof ?? '', 'base64'));
      expect(engine.verify('state', proof, st.result?.publicValues ?? [])).toEqual({ ok: true });
      let p: { state: string; error?: { code: string; field?: string } } = { state: '' };
      for (let i = 0; i < 600 && p.state !== 'failed'; i++) {
        await new Promise((res) => setTimeout(res, 100));
        p = (await (await fetch(`${svc.url}/jobs/${poison.jobId}`)).json()) as typeof p;
      }
      expect(p.error).toMatchObject({ code: 'BAD_INPUT', field: 'heartbeats' });
    } finally {
      await w.close();
    }
  }, 120_000);
});
