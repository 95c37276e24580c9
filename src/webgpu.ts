/**
 * `plonky3-ts/webgpu`: the WebGPU backend of the prover, browser-safe (no node:* imports; the
 * browser build guard of scripts/build.mjs checks it). `selectBackend` opens a device from
 * `navigator.gpu`, or from any `GPU` or `GPUDevice` you pass (Dawn's `create([])` in Node, a
 * device your page already holds) and returns a `FallbackBackend` that runs each hot operation
 * on the `WebGpuBackend` and falls back to the CPU backend per operation, or the CPU backend
 * itself when no adapter is there. Pass the result to `prove(..., { backend })`: the proof bytes
 * are the same on every backend.
 *
 * @example
 * import { CpuBackend, getConfig, mmcsFor, permFor, prove } from 'plonky3-ts';
 * import { selectBackend } from 'plonky3-ts/webgpu';
 * const config = getConfig('c100');
 * const backend = await selectBackend({
 *   useGpuAcceleration: true,
 *   cpu: new CpuBackend(mmcsFor(config)),
 *   constants: permFor(config).constants,
 *   // gpu: a GPU or GPUDevice; default navigator.gpu
 * });
 * const proof = await prove(air, trace, publics, config, { backend });
 * backend.close();
 */
/// <reference types="@webgpu/types" preserve="true" />
export { FallbackBackend, selectBackend } from './runtime/select.ts';
export { WebGpuBackend } from './runtime/webgpu.ts';
