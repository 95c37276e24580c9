/**
 * Scale-out on a real redis-server: two `p3ts worker` processes, 40 proof jobs over the five
 * families at test size (c100), one worker SIGKILLed while it proves. Every job completes, every
 * stored proof verifies, none is lost, no job id has two results, and the job the killed worker
 * held is picked up by the other worker after its lock expires (stalled job). Then SIGTERM drains
 * the survivor: the job it runs when the signal arrives is finished and stored.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_NAMES, type FamilyName } from '../../src/circuits/families.ts';
import { variedSampleInput } from '../../src/node/queue/load.ts';
import { createProofQueue, type ProofQueue } from '../../src/node/queue/proof-queue.ts';
import {
  cliArgv,
  spawnWorkerProcess,
  type WorkerLogRecord,
  type WorkerProcess,
} from '../../src/node/queue/worker-process.ts';
import { getConfig } from '../../src/stark/config.ts';
import { verify } from '../../src/stark/verify.ts';
import { statementAir } from '../../src/worker/prove-job.ts';
import { workerBundle } from '../workers/worker-bundle.ts';
import { type RedisServer, startRedisServer } from './redis-server.ts';

const QUEUE = 'scale';
const JOBS_PER_FAMILY = 8;

function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((res, rej) => {
    const t0 = Date.now();
    const tick = (): void => {
      if (cond()) res();
      else if (Date.now() - t0 > ms) rej(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 25);
    };
    tick();
  });
}

describe('two worker processes, one SIGKILLed mid-proof', () => {
  let redis: RedisServer;
  let q: ProofQueue;
  const procs: WorkerProcess[] = [];
  const records: (WorkerLogRecord & { from: string })[] = [];
  const text: string[] = [];

  const start = async (name: string): Promise<WorkerProcess> => {
    const p = spawnWorkerProcess({
      cli: cliArgv(resolve('src/cli/main.ts')),
      url: redis.url,
      name,
      args: [
        '--queue-name',
        QUEUE,
        '--gpu',
        'off',
        '--concurrency',
        '1',
        '--lock-duration-ms',
        '3000',
        '--stalled-interval-ms',
        '1000',
      ],
      env: { ...process.env, PLONKY3_WORKER_BUNDLE: await workerBundle() },
      onRecord: (r) => records.push({ ...r, from: name }),
      onText: (l) => text.push(`${name}: ${l}`),
    });
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await q?.close();
    await redis?.stop();
  });

  it('all 40 jobs complete exactly once, every proof verifies, the killed job moves on', async () => {
    q = createProofQueue({ url: redis.url, name: QUEUE, preset: 'c100', size: 'test' });
    const w1 = await start('w1');
    const w2 = await start('w2');
    const started = (n: string): boolean => records.some((r) => r.from === n && r.msg === 'worker started');
    await waitFor(() => started('w1') && started('w2'), 60_000, `workers to start\n${text.join('\n')}`);

    const ids = new Map<string, FamilyName>();
    for (let k = 0; k < JOBS_PER_FAMILY; k++)
      for (const f of FAMILY_NAMES) {
        const r = await q.submit(f, variedSampleInput(f, 'test', k));
        expect(r.duplicate).toBe(false);
        ids.set(r.id, f);
      }
    expect(ids.size).toBe(40);

    // kill w1 right after it starts a proof, once it has finished a few
    const doneBy = (n: string): number =>
      records.filter((r) => r.from === n && r.msg === 'job completed').length;
    let victim: string | undefined;
    await waitFor(
      () => {
        if (doneBy('w1') < 3) return false;
        const last = records.filter((r) => r.from === 'w1').at(-1);
        if (last?.msg !== 'job started') return false;
        victim = String(last.jobId);
        w1.kill('SIGKILL');
        return true;
      },
      120_000,
      'w1 to start a proof after three completions',
    );
    expect(await w1.exited).toBe('SIGKILL');
    expect(records.some((r) => r.from === 'w1' && r.msg === 'job completed' && r.jobId === victim)).toBe(
      false,
    );

    // w2 finishes everything, the stalled job included
    await waitFor(() => doneBy('w1') + doneBy('w2') >= 40, 240_000, 'all 40 jobs to complete');
    const counts = await q.counts();
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 40 });

    const completions = records.filter((r) => r.msg === 'job completed').map((r) => String(r.jobId));
    expect(completions.length).toBe(40); // no job id has two results ...
    expect(new Set(completions).size).toBe(40);
    expect(new Set(completions)).toEqual(new Set(ids.keys())); // ... and none is lost
    expect(records.some((r) => r.from === 'w2' && r.msg === 'stalled job moved back to waiting')).toBe(true);

    const config = getConfig('c100');
    for (const [id, family] of ids) {
      const s = await q.status(id);
      expect(s?.state).toBe('completed');
      const res = s?.result;
      if (id === victim) expect(res?.worker).toBe('w2');
      const air = statementAir({ kind: 'family', family, input: null, size: 'test' }, config);
      const proof = new Uint8Array(Buffer.from(res?.proof ?? '', 'base64'));
      expect(verify(air, proof, res?.publicValues ?? [], config), `${family} ${id}`).toEqual({ ok: true });
    }

    // SIGTERM drains: a job running when the signal arrives is finished and stored
    const extra = await q.submit('transaction', variedSampleInput('transaction', 'test', 99));
    await waitFor(
      () => records.some((r) => r.from === 'w2' && r.msg === 'job started' && r.jobId === extra.id),
      60_000,
      'w2 to start the extra job',
    );
    w2.kill('SIGTERM');
    expect(await w2.exited).toBe(0);
    expect((await q.status(extra.id))?.state).toBe('completed');
  }, 400_000);
});
