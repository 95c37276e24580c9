/**
 * Integration: the esbuild-built worker entry (dist/worker.js equivalent, see worker-bundle.ts)
 * on real worker_threads. Pool basics (default size os.availableParallelism(), SharedArrayBuffer
 * shared with workers, cancellation of a running job, crash), and ParallelCpuBackend:
 * ldeAndCommit / commit byte-identical to CpuBackend, and whole Fibonacci proofs byte-identical
 * at 1 and 2 workers and equal to the CpuBackend proof (which verifies).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { GENERATOR } from '../../src/field/babybear.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { createNodeWorkerPool } from '../../src/runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { shareView } from '../../src/runtime/workers/tasks.ts';
import { getConfig } from '../../src/stark/config.ts';
import { mmcsFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf } from '../../src/stark/verify.ts';
import { verify } from '../../src/verify.ts';
import type { WorkerApi } from '../../src/worker/api.ts';
import { runProveJob } from '../../src/worker/prove-job.ts';
import { randomFelts } from '../helpers/random.ts';
import { workerBundle } from './worker-bundle.ts';

const randomMatrix = (seed: number, rows: number, width: number): Matrix =>
  matrix(randomFelts(seed, rows * width), width);

const hex = (a: Uint8Array | Uint32Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('worker_threads pool (esbuild-built worker entry)', () => {
  let url: string;
  const pools: WorkerPool<WorkerApi>[] = [];
  const poolOf = (size?: number): WorkerPool<WorkerApi> => {
    const p = createNodeWorkerPool<WorkerApi>({ size, workerUrl: url });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    url = await workerBundle();
  }, 30_000);
  afterAll(() => {
    for (const p of pools) p.close();
  });

  it('defaults to os.availableParallelism() workers and answers ping from each', async () => {
    const pool = poolOf();
    expect(pool.size).toBe(availableParallelism());
    expect(await pool.run('ping', Array(pool.size).fill(null))).toEqual(Array(pool.size).fill(1));
    expect(pool.started).toBe(pool.size);
  });

  it('workers write into SharedArrayBuffer memory the caller sees (LDE job)', async () => {
    const pool = poolOf(2);
    const m = randomMatrix(5, 64, 2);
    const src = new Uint32Array(new SharedArrayBuffer(4 * 128));
    src.set(m.values);
    const dst = new Uint32Array(new SharedArrayBuffer(4 * 256));
    await pool.run('lde', [
      {
        src: shareView(src),
        width: 2,
        colStart: 0,
        colEnd: 1,
        logBlowup: 1,
        shift: GENERATOR,
        dst: shareView(dst),
      },
      {
        src: shareView(src),
        width: 2,
        colStart: 1,
        colEnd: 2,
        logBlowup: 1,
        shift: GENERATOR,
        dst: shareView(dst),
      },
    ]);
    const ref = await new CpuBackend(mmcsFor(getConfig('c100'))).ldeAndCommit([m], 1, [GENERATOR]);
    expect(hex(dst)).toBe(hex(ref.matrices[0].values));
  });

  it('aborting a running job terminates its worker promptly; the pool recovers', async () => {
    const pool = poolOf(2);
    const ac = new AbortController();
    const p = pool.run('spin', [10_000, 10_000], { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(pool.started).toBe(0);
    expect(await pool.run('ping', [null, null, null])).toEqual([1, 1, 1]);
  });

  it('a worker that exits mid-job fails its job, is replaced, and the pool keeps serving', async () => {
    const { build } = await import('esbuild');
    const crashUrl = resolve(`.tmp/test-crash-worker-${process.pid}/worker.js`);
    await build({
      entryPoints: [resolve('test/workers/fixtures/crash-entry.ts')],
      outfile: crashUrl,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
    const pool = createNodeWorkerPool<WorkerApi>({ size: 2, workerUrl: crashUrl });
    pools.push(pool);
    // one job crashes its worker while the other worker runs a job of another run
    const other = pool.run('spin', [300]);
    await expect(pool.run('spin', [-1])).rejects.toThrow(/exited with code 3/);
    expect(await other).toEqual([300]);
    // queued jobs behind the crash still run, on a replacement worker
    const [crashed, fine] = await Promise.allSettled([
      pool.run('spin', [-1]),
      pool.run('ping', [null, null, null]),
    ]);
    expect(crashed.status).toBe('rejected');
    expect(fine).toEqual({ status: 'fulfilled', value: [1, 1, 1] });
    const job = {
      statement: { kind: 'fibonacci', logRows: 4, index: 3 },
      config: getConfig('c100'),
    } as const;
    const [out] = await pool.run('prove', [job]);
    expect(out.ok).toBe(true);
  });

  it('whole-proof jobs: byte-identical to proving on this thread; a false statement is a typed outcome', async () => {
    const pool = poolOf(2);
    const config = getConfig('c100');
    const input = FAMILIES.uptime.sampleInput('test');
    const [a, b] = await pool.run('prove', [
      { statement: { kind: 'family', family: 'uptime', input, size: 'test' }, config },
      { statement: { kind: 'fibonacci', logRows: 5, index: 2 }, config },
    ]);
    const local = await runProveJob({
      statement: { kind: 'family', family: 'uptime', input, size: 'test' },
      config,
    });
    if (!a.ok || !local.ok || !b.ok) throw new Error('a proof failed');
    expect(hex(a.body)).toBe(hex(local.body));
    expect(a.publicValues).toEqual(local.publicValues);
    expect(a.circuitId).toBe('uptime@1');
    expect(b.circuitId).toBe(circuitIdOf(fibonacciAir()));
    expect(verify(fibonacciAir(), b.body, b.publicValues, config, { format: 'postcard' })).toEqual({
      ok: true,
    });
    const [bad] = await pool.run('prove', [
      {
        statement: {
          kind: 'family',
          family: 'uptime',
          input: { ...(input as object), threshold: 99 },
          size: 'test',
        },
        config,
      },
    ]);
    expect(bad).toMatchObject({ ok: false, code: 'BAD_INPUT', field: 'threshold' });
  });

  it('a failing job rejects the run with the worker error', async () => {
    const pool = poolOf(1);
    const bad = {
      src: shareView(new Uint32Array(8)),
      width: 2,
      colStart: 2,
      colEnd: 1,
      logBlowup: 1,
      shift: 1,
    };
    await expect(pool.run('lde', [{ ...bad, dst: shareView(new Uint32Array(16)) }])).rejects.toThrow(
      /columns/,
    );
    expect(await pool.run('ping', [null])).toEqual([1]);
  });

  it('ParallelCpuBackend ldeAndCommit / commit equal CpuBackend (2 workers, mixed heights, seeds 31-34)', async () => {
    const config = getConfig('c100');
    const cpu = new CpuBackend(mmcsFor(config));
    const par = new ParallelCpuBackend(poolOf(2), config, { minParallelRows: 1 });
    const evals = [randomMatrix(31, 256, 2), randomMatrix(32, 256, 4), randomMatrix(33, 256, 1)];
    const shifts = [GENERATOR, 7, 1];
    const a = await cpu.ldeAndCommit(evals, 1, shifts);
    const b = await par.ldeAndCommit(evals, 1, shifts);
    expect(hex(b.root)).toBe(hex(a.root));
    for (let i = 0; i < b.matrices.length; i++)
      expect(hex(b.matrices[i].values)).toBe(hex(a.matrices[i].values));
    for (const idx of [0, 1, 200, 511]) {
      const oa = a.openBatch(idx);
      const ob = b.openBatch(idx);
      expect(ob.openedValues.map(hex)).toEqual(oa.openedValues.map(hex));
      expect(hex(ob.proof)).toEqual(hex(oa.proof));
    }
    const mixed = [
      randomMatrix(34, 128, 8),
      randomMatrix(35, 32, 3),
      randomMatrix(36, 128, 2),
      randomMatrix(37, 4, 5),
    ];
    const c = await cpu.commit(mixed);
    const d = await par.commit(mixed);
    expect(hex(d.root)).toBe(hex(c.root));
    expect(hex(d.openBatch(77).proof)).toEqual(hex(c.openBatch(77).proof));
    // non-power-of-two heights take the CPU path and still agree
    const odd = [randomMatrix(38, 12, 2), randomMatrix(39, 6, 1)];
    expect(hex((await par.commit(odd)).root)).toBe(hex((await cpu.commit(odd)).root));
    par.close();
    par.close();
  });

  it('Fibonacci 2^10 proofs (c100) are byte-identical at 1 and 2 workers, with the calling thread working or idle, and equal to CpuBackend', async () => {
    const config = getConfig('c100');
    const air = fibonacciAir();
    const n = 1 << 10;
    const trace = generateFibonacciTrace(0, 1, n);
    const publics = fibonacciPublicValues(0, 1, n);
    const ref = await prove(air, trace, publics, config, { backend: new CpuBackend(mmcsFor(config)) });
    expect(verify(air, ref, publics, config, { format: 'postcard' })).toEqual({ ok: true });
    for (const size of [1, 2]) {
      for (const useCallingThread of [true, false]) {
        const backend = new ParallelCpuBackend(poolOf(size), config, {
          minParallelRows: 1,
          useCallingThread,
        });
        expect(backend.usesCallingThread).toBe(useCallingThread);
        const got = await prove(air, trace, publics, config, { backend });
        const what = `${size} workers, calling thread ${useCallingThread ? 'working' : 'idle'}`;
        expect(got.length, what).toBe(ref.length);
        expect(hex(got) === hex(ref), `proof bytes differ at ${what}`).toBe(true);
        backend.close();
      }
    }
  }, 60_000);
});
