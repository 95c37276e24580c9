/**
 * Backend selection and CPU fallback: the PLONKY3_GPU_DISABLE override (one info line naming the
 * reason), no adapter, a forced device loss mid-use, and allocations beyond the device's limits.
 * In every fallback the result equals the CPU backend's and the counters show it.
 */
import { describe, expect, it } from 'vitest';
import { GENERATOR } from '../../src/field/babybear.ts';
import type { Matrix } from '../../src/field/matrix.ts';
import { createPoseidon2 } from '../../src/hash/poseidon2.ts';
import { POSEIDON2_DEFAULT_16 } from '../../src/hash/poseidon2-constants.ts';
import { loadDawnGpu } from '../../src/node/gpu.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { BufferUsage, GpuContext, GpuError, type GpuLogger } from '../../src/runtime/gpu-context.ts';
import { FallbackBackend, isTruthyEnv, selectBackend } from '../../src/runtime/select.ts';
import { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { openTestContext, randomFelts, reportSkip, rng } from './gpu-env.ts';

interface Line {
  level: 'info' | 'warn';
  obj: object;
  msg?: string;
}
function capture(): { logger: GpuLogger; lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    },
  };
}

const cpu = new CpuBackend({ perm: createPoseidon2(POSEIDON2_DEFAULT_16) });
const constants = POSEIDON2_DEFAULT_16;
const mat = (seed: number, h: number, w: number): Matrix => ({
  values: randomFelts(rng(seed), h * w),
  width: w,
});

describe('backend selection without a GPU', () => {
  it('isTruthyEnv accepts 1/true/yes/on in any case and rejects the rest', () => {
    for (const v of ['1', 'true', 'TRUE', 'Yes', 'on', ' On ']) expect(isTruthyEnv(v), v).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'no', 'off', '2', 'enabled'])
      expect(isTruthyEnv(v), String(v)).toBe(false);
  });

  it('PLONKY3_GPU_DISABLE=YES forces the CPU with one info line naming the reason; the GPU is never loaded', async () => {
    const { logger, lines } = capture();
    let loaded = false;
    const b = await selectBackend({
      useGpuAcceleration: true,
      cpu,
      constants,
      env: { PLONKY3_GPU_DISABLE: 'YES' },
      logger,
      gpu: async () => {
        loaded = true;
        return undefined;
      },
    });
    expect(b).toBe(cpu);
    expect(loaded).toBe(false);
    expect(lines.length).toBe(1);
    expect(lines[0].level).toBe('info');
    expect(lines[0].msg).toContain('PLONKY3_GPU_DISABLE');
    expect(lines[0].obj).toMatchObject({ backend: 'cpu' });
  });

  it('use_gpu_acceleration = false selects the CPU with the reason logged', async () => {
    const { logger, lines } = capture();
    expect(await selectBackend({ useGpuAcceleration: false, cpu, constants, logger })).toBe(cpu);
    expect(lines.map((l) => l.msg)).toEqual(['using the CPU backend: use_gpu_acceleration is off']);
  });

  it('no adapter (a GPU whose requestAdapter returns null) selects the CPU', async () => {
    const { logger, lines } = capture();
    const fakeGpu = { requestAdapter: async () => null } as unknown as GPU;
    expect(await selectBackend({ useGpuAcceleration: true, cpu, constants, logger, gpu: fakeGpu })).toBe(cpu);
    expect(lines[0].msg).toContain('no WebGPU adapter');
  });

  it('no WebGPU implementation at all (navigator.gpu absent) selects the CPU', async () => {
    const { logger, lines } = capture();
    expect(await selectBackend({ useGpuAcceleration: true, cpu, constants, logger })).toBe(cpu);
    expect(lines[0].msg).toContain('no WebGPU adapter');
  });
});

const { ctx: probe, reason } = await openTestContext();
probe?.close();
reportSkip('GPU fallback', probe !== undefined, reason);

describe.skipIf(probe === undefined)('GPU fallback on a real adapter', () => {
  it('PLONKY3_GPU_DISABLE=0 and an adapter select WebGPU; commit equals the CPU root', async () => {
    const { logger, lines } = capture();
    const b = await selectBackend({
      useGpuAcceleration: true,
      cpu,
      constants,
      env: { PLONKY3_GPU_DISABLE: '0' },
      logger,
      gpu: () => loadDawnGpu(),
    });
    try {
      expect(b).toBeInstanceOf(FallbackBackend);
      expect(b.kind).toBe('webgpu');
      expect(lines[0].msg).toBe('using the WebGPU backend');
      const m = mat(11, 64, 5);
      const [g, c] = [await b.ldeAndCommit([m], 1, [GENERATOR]), await cpu.ldeAndCommit([m], 1, [GENERATOR])];
      expect(Array.from(g.root)).toEqual(Array.from(c.root));
      expect((b as FallbackBackend).gpuOps).toBe(1);
      expect((b as FallbackBackend).fallbacks).toBe(0);
    } finally {
      b.close();
    }
  });

  it('forced device loss (device.destroy() mid-use): later operations fall back to the CPU with equal results', async () => {
    const { ctx } = await openTestContext({ timeoutMs: 10_000 });
    const { logger, lines } = capture();
    const fb = new FallbackBackend(new WebGpuBackend(ctx as GpuContext, { constants }), cpu, logger);
    try {
      const evals = [mat(12, 32, 3)];
      const before = await fb.ldeAndCommit(evals, 1, [GENERATOR]);
      expect(fb.gpuOps).toBe(1);
      (ctx as GpuContext).device.destroy();
      const after = await fb.ldeAndCommit(evals, 1, [GENERATOR]);
      const want = await cpu.ldeAndCommit(evals, 1, [GENERATOR]);
      expect(Array.from(after.root)).toEqual(Array.from(want.root));
      expect(Array.from(before.root)).toEqual(Array.from(want.root));
      expect(fb.fallbacks).toBe(1);
      expect(fb.gpuDisabled).toBe(true);
      expect(fb.kind).toBe('cpu');
      expect(lines.some((l) => l.level === 'warn')).toBe(true);
      // once disabled, operations go straight to the CPU and are counted there
      const again = await fb.ldeAndCommit([mat(13, 8, 2)], 1, [GENERATOR]);
      expect(Array.from(again.root)).toEqual(
        Array.from((await cpu.ldeAndCommit([mat(13, 8, 2)], 1, [GENERATOR])).root),
      );
      expect(fb.cpuOps).toBe(2);
      expect(fb.fallbacks).toBe(1);
    } finally {
      fb.close();
    }
  });

  it('an allocation above maxBufferSize throws GpuError too-large before touching the device', async () => {
    const { ctx } = await openTestContext();
    const c = ctx as GpuContext;
    try {
      const big = c.limits.maxBufferSize + 4;
      await expect(c.createBuffer(big, BufferUsage.STORAGE, 'huge')).rejects.toMatchObject({
        code: 'too-large',
      });
      await expect(c.createBuffer(big, BufferUsage.STORAGE, 'huge')).rejects.toBeInstanceOf(GpuError);
    } finally {
      c.close();
    }
  });

  it('a matrix larger than the device allows (binding limit 4 KiB) falls back per operation; small ones stay on the GPU', async () => {
    const { ctx } = await openTestContext();
    const real = (ctx as GpuContext).device;
    const limits = { ...limitsOf(real), maxStorageBufferBindingSize: 4096 };
    const small = new Proxy(real, {
      get(t, k) {
        if (k === 'limits') return limits;
        const v = Reflect.get(t, k, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const sctx = await GpuContext.create(small);
    const { logger, lines } = capture();
    const fb = new FallbackBackend(new WebGpuBackend(sctx, { constants }), cpu, logger);
    try {
      const big = mat(14, 256, 8); // 8 KiB > 4 KiB
      const got = await fb.ldeAndCommit([big], 1, [GENERATOR]);
      expect(Array.from(got.root)).toEqual(Array.from((await cpu.ldeAndCommit([big], 1, [GENERATOR])).root));
      expect(fb.fallbacks).toBe(1);
      expect(fb.lastFallbackReason).toContain('too-large');
      expect(fb.gpuDisabled).toBe(false);
      expect(lines.filter((l) => l.level === 'warn').length).toBe(1);
      const tiny = mat(15, 16, 4);
      const ok = await fb.ldeAndCommit([tiny], 1, [GENERATOR]);
      expect(Array.from(ok.root)).toEqual(Array.from((await cpu.ldeAndCommit([tiny], 1, [GENERATOR])).root));
      expect(fb.gpuOps).toBe(1);
    } finally {
      fb.close();
      real.destroy();
      ctx?.close();
    }
  });
});

function limitsOf(d: GPUDevice): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupsPerDimension']) {
    out[k] = (d.limits as unknown as Record<string, number>)[k];
  }
  return out;
}
