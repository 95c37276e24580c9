/**
 * Whole proofs are byte-identical between the CPU backend and the WebGPU backend (lavapipe in CI):
 * Fibonacci under the plonky3-fixture preset (smallrng-seed-1 constants) and one circuit family at
 * test size under the default preset. The GPU path must actually be used (no fallbacks).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { FallbackBackend } from '../../src/runtime/select.ts';
import { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { getConfig, type StarkConfig } from '../../src/stark/config.ts';
import { mmcsFor, permFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { openTestContext, reportSkip } from './gpu-env.ts';

const { ctx, reason } = await openTestContext();
reportSkip('CPU vs GPU proofs', ctx !== undefined, reason);

/** The CPU backend and a WebGPU backend (CPU fallback counted) for one configuration. */
function backendsFor(config: StarkConfig): { cpu: CpuBackend; gpu: FallbackBackend } {
  const cpu = new CpuBackend(mmcsFor(config));
  const gpu = new FallbackBackend(
    new WebGpuBackend(ctx as NonNullable<typeof ctx>, {
      constants: permFor(config).constants,
      ownsContext: false,
    }),
    cpu,
  );
  return { cpu, gpu };
}

describe.skipIf(ctx === undefined)('CPU and WebGPU proofs are byte-identical', () => {
  afterAll(() => ctx?.close());

  it('fibonacci 2^8 rows, preset plonky3-fixture: same proof bytes, GPU used without fallback', async () => {
    const config = getConfig('plonky3-fixture');
    const { cpu, gpu } = backendsFor(config);
    const air = fibonacciAir();
    const trace = generateFibonacciTrace(0, 1, 256);
    const pv = fibonacciPublicValues(0, 1, 256);
    const a = await prove(air, trace, pv, config, { backend: cpu });
    const b = await prove(air, trace, pv, config, { backend: gpu });
    expect(b.length).toBe(a.length);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    expect(gpu.fallbacks).toBe(0);
    expect(gpu.gpuOps).toBeGreaterThan(0);
  });

  const fam = Object.values(FAMILIES)[0];
  it(`circuit family ${fam.name} (test size), default preset: same proof bytes`, async () => {
    const config = getConfig();
    const { cpu, gpu } = backendsFor(config);
    const st = fam.build(fam.sampleInput('test'), { size: 'test' });
    const a = await prove(st.air, st.trace, st.publicValues, config, { backend: cpu });
    const b = await prove(st.air, st.trace, st.publicValues, config, { backend: gpu });
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    expect(gpu.fallbacks).toBe(0);
    expect(gpu.gpuOps).toBeGreaterThan(0);
  });
});
