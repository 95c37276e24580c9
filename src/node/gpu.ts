/**
 * Loads Dawn (npm `webgpu`, an optional peer dependency) in Node and returns its GPU object.
 *
 * No Plonky3 counterpart. The only module besides src/cli that imports `webgpu`. Dawn's `globals`
 * are never copied onto globalThis: kernels use the numeric flags of src/runtime/gpu-context.ts.
 *
 * Invariant: Dawn crashes if the object from `create()` is garbage-collected while a device made
 * from it is in use, so the caller must keep it referenced (GpuContext does, until close());
 * while it is reachable Dawn keeps the Node process alive.
 */
import type { GpuLogger } from '../runtime/gpu-context.ts';

/** The part of the `webgpu` module we use. */
interface DawnModule {
  create(options: string[]): GPU;
}

/**
 * Imports `webgpu` and creates a GPU object.
 * @param options Dawn toggles, e.g. ['backend=vulkan'] (default none)
 * @param logger receives one info line when Dawn cannot be loaded
 * @returns the GPU object, or undefined if `webgpu` is missing or fails to load
 * @example const gpu = await loadDawnGpu(); const ctx = gpu && (await GpuContext.create(gpu));
 */
export async function loadDawnGpu(options: string[] = [], logger?: GpuLogger): Promise<GPU | undefined> {
  try {
    const mod = (await import('webgpu')) as unknown as DawnModule;
    return mod.create(options);
  } catch (e) {
    logger?.info({ err: String(e) }, 'webgpu (Dawn) could not be loaded');
    return undefined;
  }
}
