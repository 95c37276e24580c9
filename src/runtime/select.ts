/**
 * Backend selection and CPU fallback. `selectBackend` picks WebGPU when `useGpuAcceleration` is on,
 * the environment does not veto it (PLONKY3_GPU_DISABLE truthy: 1/true/yes/on, any case) and an
 * adapter exists; otherwise the CPU backend, with one info line naming the reason.
 * `FallbackBackend` runs each operation on the GPU and, when that throws (device lost, out of memory,
 * buffer too large, unsupported shape, timeout, kernel failure), logs a warning, counts it and runs
 * the same operation on the CPU, so the proof is still produced and identical.
 *
 * No Plonky3 counterpart. Browser-safe: no node imports (Node callers pass Dawn's GPU in `gpu`).
 *
 * Invariants: after a device loss, close, or out-of-memory the GPU is not tried again
 * (`gpuDisabled`); counters are plain numbers for the metrics layer.
 */
import type { Felt } from '../field/babybear.ts';
import type { Matrix } from '../field/matrix.ts';
import { foldVectorArity2 } from '../fri/fold.ts';
import type { Poseidon2Constants } from '../hash/types.ts';
import type { Backend, BackendKind, CommittedMatrices } from './backend.ts';
import { GpuContext, GpuError, GpuErrorCode, type GpuLogger, NOOP_LOGGER } from './gpu-context.ts';
import { WebGpuBackend } from './webgpu.ts';

/** The environment variable that forces the CPU backend. */
export const GPU_DISABLE_ENV = 'PLONKY3_GPU_DISABLE';

/**
 * Whether an environment value is truthy (1, true, yes, on; case-insensitive, trimmed).
 * @param v the value
 * @returns true if it enables the flag
 */
export function isTruthyEnv(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/** Where the GPU comes from: an object, or a loader (e.g. `() => loadDawnGpu()` in Node). */
export type GpuSource = GPU | GPUDevice | (() => Promise<GPU | GPUDevice | undefined>);

/** Options of selectBackend. */
export interface SelectBackendOptions {
  /** The `use_gpu_acceleration` setting. */
  readonly useGpuAcceleration: boolean;
  /** The CPU backend (the fallback, and the answer whenever the GPU is not used). */
  readonly cpu: Backend;
  /** The configuration's Poseidon2-16 constant set. */
  readonly constants: Poseidon2Constants;
  /** Environment (process.env in Node); PLONKY3_GPU_DISABLE wins over the setting. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Pino-style logger (default no-op). */
  readonly logger?: GpuLogger;
  /** GPU source; default navigator.gpu. */
  readonly gpu?: GpuSource;
  /** Per-wait timeout of the GPU context in milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * Chooses the backend for one circuit.
 * @param opts setting, CPU backend, constants, env, logger, GPU source
 * @returns a FallbackBackend over WebGPU, or `opts.cpu`
 * @example
 * const backend = await selectBackend({ useGpuAcceleration: true, cpu, constants, env: process.env,
 *   gpu: () => loadDawnGpu() });
 */
export async function selectBackend(opts: SelectBackendOptions): Promise<Backend> {
  const logger = opts.logger ?? NOOP_LOGGER;
  const env = opts.env ?? {};
  const useCpu = (reason: string): Backend => {
    logger.info({ backend: 'cpu', reason }, `using the CPU backend: ${reason}`);
    return opts.cpu;
  };
  if (isTruthyEnv(env[GPU_DISABLE_ENV])) return useCpu(`${GPU_DISABLE_ENV}=${env[GPU_DISABLE_ENV]}`);
  if (!opts.useGpuAcceleration) return useCpu('use_gpu_acceleration is off');
  let ctx: GpuContext;
  try {
    const src = typeof opts.gpu === 'function' ? await opts.gpu() : opts.gpu;
    if (src === undefined && typeof opts.gpu === 'function')
      return useCpu('no WebGPU implementation could be loaded');
    ctx = await GpuContext.create(src, { logger, timeoutMs: opts.timeoutMs });
  } catch (e) {
    return useCpu(
      e instanceof GpuError && e.code === GpuErrorCode.noAdapter
        ? 'no WebGPU adapter'
        : `WebGPU failed: ${e}`,
    );
  }
  const gpu = new WebGpuBackend(ctx, { constants: opts.constants });
  logger.info({ backend: 'webgpu', adapter: gpu.adapterName }, 'using the WebGPU backend');
  return new FallbackBackend(gpu, opts.cpu, logger);
}

/** Codes after which the GPU is not tried again. */
const FATAL: ReadonlySet<string> = new Set([
  GpuErrorCode.deviceLost,
  GpuErrorCode.closed,
  GpuErrorCode.outOfMemory,
]);

/** Runs operations on the GPU backend and falls back to the CPU backend per operation. */
export class FallbackBackend implements Backend {
  /** The GPU backend. */
  readonly gpu: WebGpuBackend;
  /** The CPU backend. */
  readonly cpu: Backend;
  /** Operations that fell back to the CPU after a GPU failure. */
  fallbacks = 0;
  /** Operations completed on the GPU. */
  gpuOps = 0;
  /** Operations run on the CPU (fallbacks and operations after the GPU was disabled). */
  cpuOps = 0;
  /** True once the GPU is given up (device lost, closed, out of memory). */
  gpuDisabled = false;
  /** The last fallback's reason. */
  lastFallbackReason: string | undefined;
  private readonly logger: GpuLogger;

  /**
   * @param gpu the WebGPU backend (closed by close())
   * @param cpu the CPU backend
   * @param logger pino-style logger
   */
  constructor(gpu: WebGpuBackend, cpu: Backend, logger: GpuLogger = NOOP_LOGGER) {
    this.gpu = gpu;
    this.cpu = cpu;
    this.logger = logger;
  }

  /** 'webgpu' until the GPU is given up, then 'cpu'. */
  get kind(): BackendKind {
    return this.gpuDisabled ? this.cpu.kind : this.gpu.kind;
  }

  /**
   * Coset LDE and commit, GPU first.
   * @param evals natural-order evaluations
   * @param logBlowup log2 of the blowup
   * @param shifts one shift per matrix
   * @returns the commitment (identical on either path)
   */
  ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedMatrices> {
    return this.attempt(
      'ldeAndCommit',
      () => this.gpu.ldeAndCommit(evals, logBlowup, shifts),
      () => this.cpu.ldeAndCommit(evals, logBlowup, shifts),
    );
  }

  /**
   * Commit as is, GPU first.
   * @param matrices row-major matrices
   * @returns the commitment
   */
  commit(matrices: readonly Matrix[]): Promise<CommittedMatrices> {
    return this.attempt(
      'commit',
      () => this.gpu.commit(matrices),
      () => this.cpu.commit(matrices),
    );
  }

  /**
   * FRI arity-2 fold, GPU first (CPU twin: foldVectorArity2).
   * @param v flat EF vector (8m words)
   * @param beta EF challenge
   * @returns the folded vector (4m words)
   */
  foldArity2(v: Uint32Array, beta: Uint32Array): Promise<Uint32Array> {
    return this.attempt(
      'foldArity2',
      () => this.gpu.foldArity2(v, beta),
      () => Promise.resolve(foldVectorArity2(v, beta)),
    );
  }

  /** Closes both backends; idempotent. */
  close(): void {
    this.gpuDisabled = true;
    this.gpu.close();
    this.cpu.close();
  }

  private async attempt<T>(op: string, onGpu: () => Promise<T>, onCpu: () => Promise<T>): Promise<T> {
    if (!this.gpuDisabled && this.gpu.ctx.unusable) {
      this.fallbacks++;
      this.lastFallbackReason = 'device-lost: the device was lost or closed before the operation';
      this.disable(op, this.lastFallbackReason);
    }
    if (this.gpuDisabled) {
      this.cpuOps++;
      return onCpu();
    }
    try {
      const r = await onGpu();
      this.gpuOps++;
      return r;
    } catch (e) {
      const code = e instanceof GpuError ? e.code : 'kernel-error';
      const reason = `${code}: ${e instanceof Error ? e.message : String(e)}`;
      this.fallbacks++;
      this.lastFallbackReason = reason;
      this.logger.warn(
        { op, code, reason, fallbacks: this.fallbacks },
        `GPU ${op} failed; falling back to the CPU`,
      );
      if (FATAL.has(code) || this.gpu.ctx.unusable) this.disable(op, reason);
      this.cpuOps++;
      return onCpu();
    }
  }

  private disable(op: string, reason: string): void {
    if (this.gpuDisabled) return;
    this.gpuDisabled = true;
    this.logger.warn({ op, reason }, 'GPU backend disabled for the rest of this run; using the CPU');
    this.gpu.close();
  }
}
