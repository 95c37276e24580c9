/**
 * WorkerPool with in-thread workers (MessageChannel + comlink, no threads): result order,
 * progress events, default size, AbortSignal, idempotent close, closed-pool errors.
 */
import { describe, expect, it } from 'vitest';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import {
  defaultPoolSize,
  PoolClosedError,
  type PoolProgress,
  WorkerPool,
} from '../../src/runtime/workers/pool.ts';

describe('WorkerPool (in-thread workers)', () => {
  it('returns results in job order and reports progress (callback and event)', async () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 3 });
    const seen: PoolProgress[] = [];
    const events: PoolProgress[] = [];
    pool.addEventListener('progress', (e) => events.push((e as CustomEvent<PoolProgress>).detail));
    const out = await pool.run('spin', [3, 1, 2, 0, 5], { label: 'spins', onProgress: (p) => seen.push(p) });
    expect(out).toEqual([3, 1, 2, 0, 5]);
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((p) => p.total === 5 && p.label === 'spins' && p.method === 'spin')).toBe(true);
    expect(events).toEqual(seen);
    expect(pool.started).toBe(3);
    pool.close();
  });

  it('size defaults to navigator.hardwareConcurrency (or 1) and must be a positive integer', () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner() });
    expect(pool.size).toBe(defaultPoolSize());
    expect(pool.size).toBeGreaterThanOrEqual(1);
    pool.close();
    expect(() => new WorkerPool({ spawn: inThreadSpawner(), size: 0 })).toThrow(RangeError);
    expect(() => new WorkerPool({ spawn: inThreadSpawner(), size: 1.5 })).toThrow(RangeError);
  });

  it('an aborted signal rejects with its reason and drops queued jobs', async () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 1 });
    const ac = new AbortController();
    const done: number[] = [];
    const p = pool.run('spin', [5, 5, 5, 5], {
      signal: ac.signal,
      onProgress: (x) => {
        done.push(x.done);
        if (x.done === 1) ac.abort(new Error('stop'));
      },
    });
    await expect(p).rejects.toThrow('stop');
    await new Promise((r) => setTimeout(r, 40));
    expect(done).toEqual([1]);
    // the pool is still usable after a cancellation
    expect(await pool.run('ping', [null, null])).toEqual([1, 1]);
    const pre = new AbortController();
    pre.abort();
    await expect(pool.run('ping', [null], { signal: pre.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    pool.close();
  });

  it('close() is idempotent, rejects pending runs and later runs', async () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 1 });
    const p = pool.run('spin', [20, 20, 20]);
    pool.close();
    pool.close();
    expect(pool.closed).toBe(true);
    await expect(p).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.run('ping', [null])).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('runLocal: the caller takes jobs too; results stay in job order, progress counts every job', async () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 1 });
    const local: number[] = [];
    const seen: number[] = [];
    const jobs = [4, 3, 2, 1, 0, 6, 5, 7];
    const out = await pool.run('spin', jobs, {
      runLocal: (ms: number) => {
        local.push(ms);
        return ms;
      },
      onProgress: (p) => seen.push(p.done),
    });
    expect(out).toEqual(jobs);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // the caller ran the first job synchronously, and at least one more between worker replies
    expect(local[0]).toBe(jobs[2]); // jobs[0], jobs[1] went to the worker (two in flight)
    expect(local.length).toBeGreaterThanOrEqual(1);
    expect(local.length).toBeLessThan(jobs.length);
    pool.close();
  });

  it('runLocal: a job that throws on the caller rejects the run; abort stops the caller', async () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 1 });
    await expect(
      pool.run('spin', [1, 1, 1, 1], {
        runLocal: () => {
          throw new Error('local boom');
        },
      }),
    ).rejects.toThrow('local boom');
    const ac = new AbortController();
    let localRuns = 0;
    const p = pool.run('spin', [2, 2, 2, 2, 2, 2], {
      signal: ac.signal,
      runLocal: (ms: number) => {
        localRuns++;
        ac.abort(new Error('stop'));
        return ms;
      },
    });
    await expect(p).rejects.toThrow('stop');
    await new Promise((r) => setTimeout(r, 20));
    expect(localRuns).toBe(1);
    expect(await pool.run('ping', [null, null, null], { runLocal: () => 1 })).toEqual([1, 1, 1]);
    pool.close();
  });

  it('an empty run resolves to []', async () => {
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 2 });
    expect(await pool.run('ping', [])).toEqual([]);
    expect(pool.started).toBe(0);
    pool.close();
  });
});
