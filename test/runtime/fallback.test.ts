/**
 * FallbackBackend stays whole: a fake primary (FailingBackend over its own CpuBackend) fails at
 * each of its operations in turn, once (kernel failure) or for good (device lost), and every
 * proof is byte-identical to CpuBackend's, verifies, and the failure is counted once. Also: a
 * healthy primary runs every operation; handles of another backend are refused; the ledger is
 * forwarded; a pool-backed CPU behind the primary gives the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { GENERATOR } from '../../src/field/babybear.ts';
import { matrix } from '../../src/field/matrix.ts';
import { type Backend, BackendLostError } from '../../src/runtime/backend.ts';
import { createCpuBackend } from '../../src/runtime/cpu.ts';
import type { GpuLogger } from '../../src/runtime/gpu-context.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { FallbackBackend } from '../../src/runtime/select.ts';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { getConfig, type StarkConfig } from '../../src/stark/config.ts';
import { type ProvePhases, prove } from '../../src/stark/prove.ts';
import { verify } from '../../src/stark/verify.ts';
import { FailingBackend, type FailMode } from './failing-backend.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const air = fibonacciAir();

function capture(): { logger: GpuLogger; warns: string[] } {
  const warns: string[] = [];
  return {
    warns,
    logger: { info: () => {}, warn: (_o: object, msg: string) => void warns.push(msg) } as GpuLogger,
  };
}

async function proveWith(config: StarkConfig, logN: number, backend: Backend): Promise<Uint8Array> {
  const n = 2 ** logN;
  return prove(air, generateFibonacciTrace(0, 1, n), [...fibonacciPublicValues(0, 1, n)], config, {
    backend,
  });
}

/** The operations a clean proof runs on the primary, in order. */
async function cleanOps(config: StarkConfig, logN: number): Promise<string[]> {
  const primary = new FailingBackend(createCpuBackend(config), Number.POSITIVE_INFINITY);
  const fb = new FallbackBackend(primary, createCpuBackend(config));
  await proveWith(config, logN, fb);
  expect(fb.fallbacks).toBe(0);
  expect(fb.cpuOps).toBe(0);
  return primary.ops;
}

describe('FallbackBackend: the primary fails at operation N, for every N', () => {
  for (const [preset, logN, o] of [
    ['plonky3-fixture', 6, {}],
    ['c100', 7, { numQueries: 12, queryPowBits: 6 }],
  ] as const) {
    const config = getConfig(preset, o);
    it(`${preset} ${JSON.stringify(o)}, Fibonacci 2^${logN}: bytes equal CpuBackend's at every failure point, both modes`, async () => {
      const want = await proveWith(config, logN, createCpuBackend(config));
      const ops = await cleanOps(config, logN);
      for (const name of [
        'ldeAndCommit',
        'evalQuotient',
        'commitQuotient',
        'evaluateAt',
        'reduceOpenings',
        'commitFriRound',
        'foldFri',
        'finalPoly',
        'grind',
        'openRows',
      ])
        expect(ops, `a clean proof uses ${name}`).toContain(name);
      const pub = [...fibonacciPublicValues(0, 1, 2 ** logN)];
      for (const mode of ['once', 'lost'] as FailMode[]) {
        for (let n = 0; n < ops.length; n++) {
          const { logger, warns } = capture();
          const primary = new FailingBackend(createCpuBackend(config), n, mode);
          const fb = new FallbackBackend(primary, createCpuBackend(config), logger);
          const got = await proveWith(config, logN, fb);
          const at = `${mode} failure at op ${n} (${ops[n]})`;
          expect(hex(got), at).toBe(hex(want));
          expect(fb.fallbacks, at).toBe(1);
          expect(fb.gpuDisabled, at).toBe(mode === 'lost');
          expect(fb.lastFallbackReason, at).toContain(`op ${n}`);
          expect(warns, at).toHaveLength(1);
          expect(verify(air, got, pub, config, { format: 'postcard', allowInsecure: true }), at).toEqual({
            ok: true,
          });
        }
      }
    }, 240_000);
  }

  it('a pool-backed CPU behind a failing pool-backed primary gives the same bytes (c100, Fibonacci 2^10, fail at evaluateAt)', async () => {
    const config = getConfig('c100');
    const want = await proveWith(config, 10, createCpuBackend(config));
    const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 2 });
    try {
      const par = (): ParallelCpuBackend => new ParallelCpuBackend(pool, config, { minParallelRows: 1 });
      const ops = await cleanOps(config, 10);
      const primary = new FailingBackend(par(), ops.indexOf('evaluateAt'), 'lost');
      const fb = new FallbackBackend(primary, par());
      expect(hex(await proveWith(config, 10, fb))).toBe(hex(want));
      expect(fb.fallbacks).toBe(1);
    } finally {
      pool.close();
    }
  }, 120_000);
});

describe('FallbackBackend forwarding', () => {
  const config = getConfig('plonky3-fixture');

  it('a healthy primary runs every operation; the ledger is the primary plus the CPU', async () => {
    const primary = new FailingBackend(createCpuBackend(config), Number.POSITIVE_INFINITY);
    const fb = new FallbackBackend(primary, createCpuBackend(config));
    await proveWith(config, 5, fb); // the ledger's submits count the primary's operations
    const before = primary.ops.length;
    let phases: ProvePhases | undefined;
    const n = 2 ** 5;
    await prove(air, generateFibonacciTrace(0, 1, n), [...fibonacciPublicValues(0, 1, n)], config, {
      backend: fb,
      onPhases: (p) => {
        phases = p;
      },
    });
    // onPhases reports the ledger difference over the proof
    expect(phases?.ledger).toEqual({ uploadedBytes: 0, readBytes: 0, readbacks: 0, submits: before });
    expect(fb.gpuOps).toBe(primary.ops.length);
    expect(fb.kind).toBe('webgpu');
    expect(fb.ledger()).toEqual({
      uploadedBytes: 1,
      readBytes: 2,
      readbacks: 3,
      submits: primary.ops.length,
    });
    expect(primary.released).toBeGreaterThan(0);
  });

  it('refuses a handle of another backend', async () => {
    const fb = new FallbackBackend(createCpuBackend(config), createCpuBackend(config));
    const foreign = await createCpuBackend(config).ldeAndCommit([matrix(new Uint32Array(8), 2)], 1, [
      GENERATOR,
    ]);
    await expect(fb.evaluateAt(foreign, 1, [[]])).rejects.toBeInstanceOf(TypeError);
  });

  it('a lost primary before the first operation: everything runs on the CPU, counted once', async () => {
    const primary = new FailingBackend(createCpuBackend(config), 0, 'lost');
    const fb = new FallbackBackend(primary, createCpuBackend(config));
    const want = await proveWith(config, 4, createCpuBackend(config));
    expect(hex(await proveWith(config, 4, fb))).toBe(hex(want));
    expect(hex(await proveWith(config, 4, fb))).toBe(hex(want)); // second proof: primary not tried
    expect(primary.ops.length).toBe(1);
    expect(fb.fallbacks).toBe(1);
    expect(fb.kind).toBe('cpu');
    expect(fb.lastFallbackReason).toContain('backend-lost');
    expect(new BackendLostError('x').name).toBe('BackendLostError');
  });
});
