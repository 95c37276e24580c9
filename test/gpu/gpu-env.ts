/**
 * Opens the test GPU (Dawn via src/node/gpu.ts; lavapipe "llvmpipe" on CPU-only CI machines).
 * When no adapter is found the GPU suites skip with a printed reason, unless
 * PLONKY3_REQUIRE_GPU_TESTS is truthy (CI sets it): then `requireGpu` registers a failing test.
 */
import { describe, it } from 'vitest';
import { loadDawnGpu, probeDawn } from '../../src/node/gpu.ts';
import { GpuContext, type GpuContextOptions } from '../../src/runtime/gpu-context.ts';
import { isTruthyEnv } from '../../src/runtime/select.ts';

/** True when CI demands that the GPU suites run. */
export const GPU_REQUIRED: boolean = isTruthyEnv(process.env.PLONKY3_REQUIRE_GPU_TESTS);

/** A context on the default adapter, or the reason there is none. */
export async function openTestContext(
  opts: GpuContextOptions = {},
): Promise<{ ctx: GpuContext | undefined; reason: string }> {
  const gpu = await loadDawnGpu();
  if (gpu === undefined)
    return { ctx: undefined, reason: `no WebGPU adapter (${(await probeDawn()).reason})` };
  try {
    return { ctx: await GpuContext.create(gpu, { timeoutMs: 60_000, ...opts }), reason: '' };
  } catch (e) {
    return { ctx: undefined, reason: `no WebGPU adapter: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Prints why a GPU suite is skipped, or registers a failing test when the GPU is required.
 * @param name suite name
 * @param available whether an adapter was found
 * @param reason why not
 */
export function reportSkip(name: string, available: boolean, reason: string): void {
  if (available) return;
  if (GPU_REQUIRED) {
    describe(`${name} (PLONKY3_REQUIRE_GPU_TESTS is set)`, () => {
      it('finds a WebGPU adapter', () => {
        throw new Error(`GPU tests are required but cannot run: ${reason}. Run scripts/install-vulkan.sh.`);
      });
    });
  } else {
    console.warn(
      `[gpu] skipping "${name}": ${reason} (install Mesa lavapipe with scripts/install-vulkan.sh)`,
    );
  }
}

export { randomFelts, rng } from './gpu-env-core.ts';
