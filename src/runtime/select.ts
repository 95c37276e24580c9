/**
 * Backend selection and CPU fallback. `selectBackend` picks WebGPU when `useGpuAcceleration` is on,
 * the environment does not veto it (PLONKY3_GPU_DISABLE truthy: 1/true/yes/on, any case) and an
 * adapter exists; otherwise the CPU backend, with one info line naming the reason.
 * `FallbackBackend` forwards every Backend operation to a primary (the GPU) and keeps, for each
 * handle it gives out, the handle's lineage: the operation and its inputs (host values or other
 * handles). When the primary throws (device lost, out of memory, buffer too large, unsupported
 * shape, timeout, kernel failure), it logs a warning, counts it and runs the operation on the CPU
 * backend; the CPU twins of the input handles are re-materialised lazily by replaying their
 * lineage on the CPU. Every later operation on those handles stays on the CPU, so the proof goes
 * on where it stopped, with the bytes CpuBackend gives.
 *
 * No Plonky3 counterpart. Browser-safe: no node imports (Node callers pass Dawn's GPU in `gpu`).
 *
 * Invariants: an operation runs on the primary only when every input handle has a primary twin
 * and the primary is not disabled; after a device loss, close, out-of-memory or BackendLostError
 * the primary is not tried again (`gpuDisabled`); counters are plain numbers for the metrics layer.
 */
import type { Felt } from '../field/babybear.ts';
import type { Ext4 } from '../field/ext4.ts';
import type { Matrix } from '../field/matrix.ts';
import type { Poseidon2Constants } from '../hash/types.ts';
import type { BatchOpening } from '../merkle/mmcs.ts';
import {
  type Backend,
  type BackendHandle,
  type BackendKind,
  BackendLostError,
  type CommittedHandle,
  type ExtVectorHandle,
  type MatrixShape,
  type PowTemplate,
  type QuotientSpec,
  type ReduceRound,
  type TransferLedger,
} from './backend.ts';
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

/** Codes after which the primary is not tried again. */
const FATAL: ReadonlySet<string> = new Set([
  GpuErrorCode.deviceLost,
  GpuErrorCode.closed,
  GpuErrorCode.outOfMemory,
]);

/** Where a FallbackBackend handle's data lives, and how to rebuild it on the CPU. */
class Lineage {
  /** The primary's handle, or null when the operation ran on the CPU. */
  primary: BackendHandle | null;
  /** The CPU twin (materialised on demand). */
  cpu: Promise<BackendHandle> | null = null;
  /** Rebuilds the CPU twin from the inputs' CPU twins (the operation replayed on the CPU). */
  readonly replay: () => Promise<BackendHandle>;

  constructor(primary: BackendHandle | null, replay: () => Promise<BackendHandle>) {
    this.primary = primary;
    this.replay = replay;
  }
}

/** A committed handle of a FallbackBackend. */
class FallbackCommitted implements CommittedHandle {
  readonly handle = 'committed' as const;
  readonly root: Uint32Array;
  readonly shapes: readonly MatrixShape[];
  readonly lineage: Lineage;

  constructor(of: CommittedHandle, lineage: Lineage) {
    this.root = of.root;
    this.shapes = of.shapes;
    this.lineage = lineage;
  }
}

/** A vector handle of a FallbackBackend. */
class FallbackVector implements ExtVectorHandle {
  readonly handle = 'ext-vector' as const;
  readonly length: number;
  readonly lineage: Lineage;

  constructor(of: ExtVectorHandle, lineage: Lineage) {
    this.length = of.length;
    this.lineage = lineage;
  }
}

type FallbackHandle = FallbackCommitted | FallbackVector;

/**
 * Runs every operation on a primary backend and, when it fails, on the CPU backend, replaying
 * the lineage of the inputs there; the proof bytes are CpuBackend's either way.
 */
export class FallbackBackend<G extends Backend = WebGpuBackend> implements Backend {
  /** The primary backend (the GPU). */
  readonly gpu: G;
  /** The CPU backend. */
  readonly cpu: Backend;
  /** Primary failures answered on the CPU. */
  fallbacks = 0;
  /** Operations completed on the primary. */
  gpuOps = 0;
  /** Operations run on the CPU (after a failure, on CPU-only lineage, or once disabled). */
  cpuOps = 0;
  /** True once the primary is given up (device lost, closed, out of memory). */
  gpuDisabled = false;
  /** The last fallback's reason. */
  lastFallbackReason: string | undefined;
  private readonly logger: GpuLogger;

  /**
   * @param gpu the primary backend (closed by close())
   * @param cpu the CPU backend (the specification; the caller keeps ownership)
   * @param logger pino-style logger
   */
  constructor(gpu: G, cpu: Backend, logger: GpuLogger = NOOP_LOGGER) {
    this.gpu = gpu;
    this.cpu = cpu;
    this.logger = logger;
  }

  /** The primary's kind until it is given up, then the CPU's. */
  get kind(): BackendKind {
    return this.gpuDisabled ? this.cpu.kind : this.gpu.kind;
  }

  /**
   * Backend.ldeAndCommit, primary first.
   * @param evals natural-order evaluations
   * @param logBlowup log2 of the blowup
   * @param shifts one shift per matrix
   * @returns the commitment
   */
  async ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle> {
    const sh = [...shifts];
    return this.handleOp<CommittedHandle>(
      FallbackCommitted,
      'ldeAndCommit',
      [],
      (b) => b.ldeAndCommit(evals, logBlowup, sh),
      () => this.cpu.ldeAndCommit(evals, logBlowup, sh),
    );
  }

  /**
   * Backend.evalQuotient, primary first.
   * @param trace the trace commitment
   * @param spec AIR, log height, publics
   * @param alpha the folding challenge
   * @returns the quotient vector
   */
  async evalQuotient(trace: CommittedHandle, spec: QuotientSpec, alpha: Ext4): Promise<ExtVectorHandle> {
    const a = Uint32Array.from(alpha);
    return this.handleOnInput(FallbackVector, 'evalQuotient', trace, (b, t) => b.evalQuotient(t, spec, a));
  }

  /**
   * Backend.commitQuotient, primary first.
   * @param quotient the quotient vector
   * @param numChunks chunks
   * @param logBlowup log2 of the blowup
   * @param shifts LDE shift per chunk
   * @returns the commitment
   */
  async commitQuotient(
    quotient: ExtVectorHandle,
    numChunks: number,
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle> {
    const sh = [...shifts];
    return this.handleOnInput(FallbackCommitted, 'commitQuotient', quotient, (b, q) =>
      b.commitQuotient(q, numChunks, logBlowup, sh),
    );
  }

  /**
   * Backend.evaluateAt, primary first.
   * @param committed the commitment
   * @param logBlowup its blowup
   * @param points per matrix, its points
   * @returns values[m][p]
   */
  async evaluateAt(
    committed: CommittedHandle,
    logBlowup: number,
    points: readonly (readonly Ext4[])[],
  ): Promise<Uint32Array[][]> {
    return this.onInput('evaluateAt', committed, (b, c) => b.evaluateAt(c, logBlowup, points));
  }

  /**
   * Backend.reduceOpenings, primary first.
   * @param rounds the opened rounds
   * @param alpha the batching challenge
   * @returns one vector per height, tallest first
   */
  async reduceOpenings(rounds: readonly ReduceRound[], alpha: Ext4): Promise<ExtVectorHandle[]> {
    const owned = rounds.map((r) => this.own(r.committed));
    const a = Uint32Array.from(alpha);
    const onCpu = async (): Promise<ExtVectorHandle[]> => {
      const rs: ReduceRound[] = [];
      for (let i = 0; i < rounds.length; i++)
        rs.push({ ...rounds[i], committed: (await this.cpuOf(owned[i])) as CommittedHandle });
      return this.cpu.reduceOpenings(rs, a);
    };
    let all: Promise<ExtVectorHandle[]> | null = null;
    const replayAll = (): Promise<ExtVectorHandle[]> => {
      all ??= onCpu();
      return all;
    };
    const { value, onPrimary } = await this.attemptTagged(
      'reduceOpenings',
      owned,
      () =>
        this.gpu.reduceOpenings(
          rounds.map((r, i) => ({ ...r, committed: owned[i].lineage.primary as CommittedHandle })),
          a,
        ),
      replayAll,
    );
    return value.map(
      (v, i) =>
        new FallbackVector(
          v,
          this.lineage(onPrimary ? v : null, async () => (await replayAll())[i], onPrimary ? null : v),
        ),
    );
  }

  /**
   * Backend.commitFriRound, primary first.
   * @param v the round's vector
   * @param logArity log2 of the arity
   * @returns the commitment
   */
  async commitFriRound(v: ExtVectorHandle, logArity: number): Promise<CommittedHandle> {
    return this.handleOnInput(FallbackCommitted, 'commitFriRound', v, (b, x) =>
      b.commitFriRound(x, logArity),
    );
  }

  /**
   * Backend.foldFri, primary first.
   * @param v the vector
   * @param beta the challenge
   * @param logArity log2 of the arity
   * @param rollIn the vector rolled in, or null
   * @returns the folded vector
   */
  async foldFri(
    v: ExtVectorHandle,
    beta: Ext4,
    logArity: number,
    rollIn: ExtVectorHandle | null,
  ): Promise<ExtVectorHandle> {
    const h = this.own(v);
    const r = rollIn === null ? null : this.own(rollIn);
    const b = Uint32Array.from(beta);
    return this.handleOp<ExtVectorHandle>(
      FallbackVector,
      'foldFri',
      r === null ? [h] : [h, r],
      (g) =>
        g.foldFri(
          h.lineage.primary as ExtVectorHandle,
          b,
          logArity,
          r === null ? null : (r.lineage.primary as ExtVectorHandle),
        ),
      async () =>
        this.cpu.foldFri(
          (await this.cpuOf(h)) as ExtVectorHandle,
          b,
          logArity,
          r === null ? null : ((await this.cpuOf(r)) as ExtVectorHandle),
        ),
    );
  }

  /**
   * Backend.finalPoly, primary first.
   * @param v the last folded vector
   * @param logFinalPolyLen log2 of the length
   * @returns the coefficients
   */
  async finalPoly(v: ExtVectorHandle, logFinalPolyLen: number): Promise<Uint32Array> {
    return this.onInput('finalPoly', v, (b, x) => b.finalPoly(x, logFinalPolyLen));
  }

  /**
   * Backend.grind, primary first.
   * @param template the candidate-test state
   * @param bits PoW bits
   * @returns the smallest witness
   */
  async grind(template: PowTemplate, bits: number): Promise<number> {
    return this.attempt(
      'grind',
      [],
      () => this.gpu.grind(template, bits),
      () => this.cpu.grind(template, bits),
    );
  }

  /**
   * Backend.openRows, primary first.
   * @param committed the commitment
   * @param indices rows of the tallest matrix
   * @returns the openings
   */
  async openRows(committed: CommittedHandle, indices: readonly number[]): Promise<BatchOpening[]> {
    return this.onInput('openRows', committed, (b, c) => b.openRows(c, indices));
  }

  /**
   * Releases the handle's primary data and CPU twin (its lineage stays for its dependants).
   * @param h a handle of this backend
   */
  release(h: BackendHandle): void {
    if (!(h instanceof FallbackCommitted || h instanceof FallbackVector)) return;
    const l = h.lineage;
    if (l.primary !== null) {
      const p = l.primary;
      l.primary = null;
      try {
        this.gpu.release(p);
      } catch {
        // a lost device has nothing left to free
      }
    }
    if (l.cpu !== null) {
      const c = l.cpu;
      l.cpu = null;
      c.then(
        (x) => this.cpu.release(x),
        () => {},
      );
    }
  }

  /**
   * The sum of both backends' ledgers (the CPU's is zero).
   * @returns a snapshot
   */
  ledger(): TransferLedger {
    const a = this.gpu.ledger();
    const b = this.cpu.ledger();
    return {
      uploadedBytes: a.uploadedBytes + b.uploadedBytes,
      readBytes: a.readBytes + b.readBytes,
      readbacks: a.readbacks + b.readbacks,
      submits: a.submits + b.submits,
    };
  }

  /** Closes the primary (the CPU backend stays its owner's, as selectBackend's `cpu` does); idempotent. */
  close(): void {
    this.gpuDisabled = true;
    this.gpu.close();
  }

  // ---------------------------------------------------------------------------------------------

  /** The FallbackBackend handle `h` (refuses another backend's). */
  private own<H extends BackendHandle>(h: H): H extends CommittedHandle ? FallbackCommitted : FallbackVector;
  private own(h: BackendHandle): FallbackHandle {
    if (h instanceof FallbackCommitted || h instanceof FallbackVector) return h;
    throw new TypeError('FallbackBackend: handle of another backend');
  }

  /** The CPU twin of a handle, replaying its lineage on the CPU once. */
  private cpuOf(h: FallbackHandle): Promise<BackendHandle> {
    const l = h.lineage;
    l.cpu ??= l.replay();
    return l.cpu;
  }

  private lineage(
    primary: BackendHandle | null,
    replay: () => Promise<BackendHandle>,
    cpu: BackendHandle | null,
  ): Lineage {
    const l = new Lineage(primary, replay);
    if (cpu !== null) l.cpu = Promise.resolve(cpu);
    return l;
  }

  /**
   * An operation that makes a handle: tried on the primary, else on the CPU; the result is wrapped
   * with its lineage (the primary's value, or the CPU's, and how to replay it on the CPU).
   */
  private async handleOp<H extends BackendHandle>(
    wrap: new (of: H, lineage: Lineage) => H,
    op: string,
    inputs: readonly FallbackHandle[],
    onPrimary: (b: G) => Promise<H>,
    onCpu: () => Promise<H>,
  ): Promise<H> {
    const { value, onPrimary: p } = await this.attemptTagged(op, inputs, () => onPrimary(this.gpu), onCpu);
    return new wrap(value, this.lineage(p ? value : null, onCpu, p ? null : value));
  }

  /**
   * An operation on one input handle: on the primary with the input's primary value, else on the
   * CPU with its CPU twin (replayed if needed).
   */
  private onInput<I extends BackendHandle, T>(
    op: string,
    input: I,
    run: (b: Backend, x: I) => Promise<T>,
  ): Promise<T> {
    const h = this.own(input as BackendHandle);
    return this.attempt(
      op,
      [h],
      () => run(this.gpu, h.lineage.primary as I),
      async () => run(this.cpu, (await this.cpuOf(h)) as I),
    );
  }

  /** As onInput, for an operation that makes a handle (wrapped with its lineage, as handleOp). */
  private handleOnInput<I extends BackendHandle, H extends BackendHandle>(
    wrap: new (of: H, lineage: Lineage) => H,
    op: string,
    input: I,
    run: (b: Backend, x: I) => Promise<H>,
  ): Promise<H> {
    const h = this.own(input as BackendHandle);
    return this.handleOp<H>(
      wrap,
      op,
      [h],
      (g) => run(g, h.lineage.primary as I),
      async () => run(this.cpu, (await this.cpuOf(h)) as I),
    );
  }

  private async attempt<T>(
    op: string,
    inputs: readonly FallbackHandle[],
    onGpu: () => Promise<T>,
    onCpu: () => Promise<T>,
  ): Promise<T> {
    return (await this.attemptTagged(op, inputs, onGpu, onCpu)).value;
  }

  /** Runs `onGpu` when the primary may run the operation, else (or when it throws) `onCpu`. */
  private async attemptTagged<T>(
    op: string,
    inputs: readonly FallbackHandle[],
    onGpu: () => Promise<T>,
    onCpu: () => Promise<T>,
  ): Promise<{ value: T; onPrimary: boolean }> {
    if (this.gpuDisabled || inputs.some((h) => h.lineage.primary === null)) {
      this.cpuOps++;
      return { value: await onCpu(), onPrimary: false };
    }
    try {
      const value = await onGpu();
      this.gpuOps++;
      return { value, onPrimary: true };
    } catch (e) {
      const code =
        e instanceof GpuError ? e.code : e instanceof BackendLostError ? 'backend-lost' : 'kernel-error';
      const reason = `${code}: ${e instanceof Error ? e.message : String(e)}`;
      this.fallbacks++;
      this.lastFallbackReason = reason;
      const fatal = FATAL.has(code) || code === 'backend-lost';
      this.logger.warn(
        { op, code, reason, fallbacks: this.fallbacks, disabled: fatal },
        fatal
          ? `GPU ${op} failed; GPU disabled for the rest of this run, the proof goes on on the CPU`
          : `GPU ${op} failed; the proof goes on on the CPU`,
      );
      if (fatal) this.disable();
      this.cpuOps++;
      return { value: await onCpu(), onPrimary: false };
    }
  }

  private disable(): void {
    if (this.gpuDisabled) return;
    this.gpuDisabled = true;
    this.gpu.close();
  }
}
