/**
 * A device lost mid-proof still yields a verifying proof with the CPU's bytes: the WebGPU backend
 * throws a typed GpuError ('device-lost') instead of hanging, and FallbackBackend replays on the
 * CPU. Two ways to lose the device: a real `device.destroy()` on the adapter (lavapipe in CI) at
 * the start of a chosen operation, and a simulated loss (the context's read-back failing with
 * GpuError 'device-lost' from its N-th call on). Also: the table cache keeps what a plan uses
 * past its limit (70 distinct LDE shifts in one commitment and in 70 calls) with no fallback.
 */
import { describe, expect, it } from 'vitest';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { GENERATOR, mul } from '../../src/field/babybear.ts';
import { createPoseidon2 } from '../../src/hash/poseidon2.ts';
import { POSEIDON2_DEFAULT_16 } from '../../src/hash/poseidon2-constants.ts';
import { CpuBackend, createCpuBackend } from '../../src/runtime/cpu.ts';
import { type GpuContext, GpuError, GpuErrorCode } from '../../src/runtime/gpu-context.ts';
import { FallbackBackend } from '../../src/runtime/select.ts';
import { TABLE_CACHE_LIMIT } from '../../src/runtime/webgpu/engine.ts';
import { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { getConfig } from '../../src/stark/config.ts';
import { permFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { verify } from '../../src/stark/verify.ts';
import { openTestContext, randomFelts, reportSkip, rng } from './gpu-env.ts';

const { ctx: probe, reason } = await openTestContext();
probe?.close();
reportSkip('GPU device loss', probe !== undefined, reason);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const config = getConfig('c100');
const air = fibonacciAir();
const n = 2 ** 10;
const trace = generateFibonacciTrace(0, 1, n);
const publics = [...fibonacciPublicValues(0, 1, n)];

/** A WebGPU backend whose device is destroyed when `op` is first called. */
function losingAt(ctx: GpuContext, op: string): WebGpuBackend {
  const gpu = new WebGpuBackend(ctx, { constants: permFor(config).constants });
  let lost = false;
  return new Proxy(gpu, {
    get(t, k, r) {
      const v = Reflect.get(t, k, r);
      if (k === op && typeof v === 'function') {
        return (...args: unknown[]) => {
          if (!lost) {
            lost = true;
            ctx.device.destroy();
          }
          return v.apply(t, args);
        };
      }
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

describe.skipIf(probe === undefined)('device lost mid-proof', () => {
  for (const op of ['evalQuotient', 'foldFri', 'openRows']) {
    it(`real device.destroy() at ${op}: GpuError, CPU replay, same bytes, verifies`, async () => {
      const want = await prove(air, trace, publics, config, { backend: createCpuBackend(config) });
      const { ctx } = await openTestContext({ timeoutMs: 30_000 });
      const fb = new FallbackBackend(losingAt(ctx as GpuContext, op), createCpuBackend(config));
      try {
        const got = await prove(air, trace, publics, config, { backend: fb });
        expect(hex(got)).toBe(hex(want));
        expect(verify(air, got, publics, config, { format: 'postcard' })).toEqual({ ok: true });
        expect(fb.fallbacks).toBeGreaterThanOrEqual(1);
        expect(fb.gpuDisabled).toBe(true);
        expect(fb.gpuOps).toBeGreaterThan(0);
        expect(fb.lastFallbackReason).toContain('device-lost');
      } finally {
        fb.close();
      }
    }, 300_000);
  }

  it('simulated loss (read-back fails with GpuError device-lost from the 4th read on): same bytes', async () => {
    const want = await prove(air, trace, publics, config, { backend: createCpuBackend(config) });
    const { ctx } = await openTestContext({ timeoutMs: 30_000 });
    const c = ctx as GpuContext;
    const realRead = c.read.bind(c);
    let reads = 0;
    c.read = (parts) => {
      if (++reads >= 4) return Promise.reject(new GpuError(GpuErrorCode.deviceLost, 'simulated loss'));
      return realRead(parts);
    };
    const fb = new FallbackBackend(
      new WebGpuBackend(c, { constants: permFor(config).constants }),
      createCpuBackend(config),
    );
    try {
      const got = await prove(air, trace, publics, config, { backend: fb });
      expect(hex(got)).toBe(hex(want));
      expect(fb.fallbacks).toBe(1);
      expect(fb.gpuDisabled).toBe(true);
      expect(reads).toBe(4);
    } finally {
      fb.close();
    }
  }, 300_000);

  it(`table cache: ${TABLE_CACHE_LIMIT + 6} distinct shifts in one commitment and in as many calls, no fallback`, async () => {
    const { ctx } = await openTestContext();
    const gpu = new WebGpuBackend(ctx as GpuContext, { constants: POSEIDON2_DEFAULT_16 });
    const cpu = new CpuBackend({ perm: createPoseidon2(POSEIDON2_DEFAULT_16) });
    try {
      const r = rng(21);
      const k = TABLE_CACHE_LIMIT + 6;
      const evals = Array.from({ length: k }, () => ({ values: randomFelts(r, 16 * 2), width: 2 }));
      const shifts = evals.map((_, i) => mul(GENERATOR, i + 2));
      const g = await gpu.ldeAndCommit(evals, 1, shifts);
      const c = await cpu.ldeAndCommit(evals, 1, shifts);
      expect(Array.from(g.root)).toEqual(Array.from(c.root));
      gpu.release(g);
      for (let i = 0; i < k; i++) {
        const gi = await gpu.ldeAndCommit([evals[i]], 1, [mul(shifts[i], 3)]);
        const ci = await cpu.ldeAndCommit([evals[i]], 1, [mul(shifts[i], 3)]);
        expect(Array.from(gi.root), `call ${i}`).toEqual(Array.from(ci.root));
        gpu.release(gi);
      }
      expect(gpu.engine.tableCount).toBeLessThanOrEqual(TABLE_CACHE_LIMIT);
    } finally {
      gpu.close();
    }
  }, 300_000);
});
