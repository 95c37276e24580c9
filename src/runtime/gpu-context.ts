/**
 * GpuContext: one WebGPU device with the plumbing every kernel needs: adapter limits requested at
 * the adapter's maximum, a watch on `device.lost`, a timeout on every wait (requestAdapter,
 * requestDevice, mapAsync, onSubmittedWorkDone, popErrorScope), a pipeline cache per device,
 * validation / out-of-memory error scopes around creation and dispatch, and an idempotent close().
 *
 * No Plonky3 counterpart (Plonky3 has no GPU backend). Browser-safe: no node imports; the GPU comes
 * from the caller (Dawn's `create([])` in Node via src/node/gpu.ts) or from `navigator.gpu`.
 *
 * Invariants: usage flags come from `BufferUsage` (numeric, never Dawn's globals); after loss or
 * close every method throws `GpuError` with code 'device-lost' or 'closed'; close() destroys the
 * device and drops the GPU object so Dawn stops keeping Node alive.
 *
 * Transfer ledger: every host-to-device write goes through `write` (uploaded bytes), every
 * device-to-host copy through `read` (read bytes and one read-back, i.e. one host wait for GPU
 * results), every queue submission through `submit`. `submit` does not wait for the work to finish:
 * the queue orders it before any later read, so the only host waits for GPU results are read-backs.
 */

import { CodedError } from '../error-kinds.ts';
import type { Logger } from './logger.ts';

/** Numeric GPUBufferUsage flags (the WebGPU spec values; Dawn's globals are never installed). */
export const BufferUsage = {
  MAP_READ: 0x01,
  COPY_SRC: 0x04,
  COPY_DST: 0x08,
  UNIFORM: 0x40,
  STORAGE: 0x80,
} as const;

/** Numeric GPUMapMode.READ. */
export const MAP_MODE_READ = 0x01;

/** Why a GPU operation failed. */
export const GpuErrorCode = {
  noAdapter: 'no-adapter',
  deviceLost: 'device-lost',
  outOfMemory: 'out-of-memory',
  validation: 'validation',
  timeout: 'timeout',
  tooLarge: 'too-large',
  unsupported: 'unsupported',
  closed: 'closed',
} as const;
export type GpuErrorCode = (typeof GpuErrorCode)[keyof typeof GpuErrorCode];

/** A GPU failure with a machine-readable code (the fallback wrapper logs and counts it). */
export class GpuError extends CodedError<GpuErrorCode> {
  override readonly name = 'GpuError';
}

/** The part of the library's logger (./logger.ts) the GPU code uses; injected, silent by default. */
export type GpuLogger = Pick<Logger, 'info' | 'warn'>;

/** A logger that drops everything. */
export const NOOP_LOGGER: GpuLogger = { info: () => {}, warn: () => {} };

/** Options of `GpuContext.create`. */
export interface GpuContextOptions {
  /** Milliseconds any single wait may take before it fails with code 'timeout' (default 120 000). */
  readonly timeoutMs?: number;
  /** Logger for device loss and adapter info. */
  readonly logger?: GpuLogger;
  /** Adapter power preference (default 'high-performance'). */
  readonly powerPreference?: GPUPowerPreference;
}

/** Adapter identity as reported by WebGPU. */
export interface GpuAdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

/** Counts of host <-> device traffic of one GpuContext (see docs/gpu.md). */
export interface TransferLedger {
  /** Bytes written from the host into device buffers (data, tables, parameters, constants). */
  readonly uploadedBytes: number;
  /** Bytes copied back from the device to the host. */
  readonly readBytes: number;
  /** Read-backs: host waits for GPU results (one per `read`, however many buffers it copies). */
  readonly readbacks: number;
  /** Queue submissions. */
  readonly submits: number;
}

/**
 * The ledger as one log line, as `p3ts prove --stats` and the bench print it.
 * @param l a ledger (or the difference of two)
 * @returns `gpu-ledger: uploaded=<bytes> read=<bytes> readbacks=<n> submits=<n>`
 * @example formatGpuLedger(ctx.ledger()) // 'gpu-ledger: uploaded=393216 read=562011 readbacks=20 submits=31'
 */
export function formatGpuLedger(l: TransferLedger): string {
  return `gpu-ledger: uploaded=${l.uploadedBytes} read=${l.readBytes} readbacks=${l.readbacks} submits=${l.submits}`;
}

/**
 * The traffic between two ledger snapshots.
 * @param after the later snapshot
 * @param before the earlier snapshot
 * @returns after - before, field by field
 */
export function ledgerDelta(after: TransferLedger, before: TransferLedger): TransferLedger {
  return {
    uploadedBytes: after.uploadedBytes - before.uploadedBytes,
    readBytes: after.readBytes - before.readBytes,
    readbacks: after.readbacks - before.readbacks,
    submits: after.submits - before.submits,
  };
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** Limits requested at the adapter's maximum (the defaults are far too small for LDE buffers). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/**
 * Races a promise against a timer.
 * @param p the awaited operation
 * @param ms limit in milliseconds
 * @param what name for the error message
 * @returns p's value
 * @throws {GpuError} code 'timeout' if the limit passes first
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GpuError(GpuErrorCode.timeout, `${what} timed out after ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function isDevice(x: GPU | GPUDevice): x is GPUDevice {
  return typeof (x as GPUDevice).createBuffer === 'function';
}

/** One WebGPU device and its helpers. Create with `GpuContext.create`. */
export class GpuContext {
  /** The device; do not use after close(). */
  readonly device: GPUDevice;
  /** The adapter identity ('llvmpipe' for lavapipe). */
  readonly adapterInfo: GpuAdapterSummary;
  /** Per-wait timeout in milliseconds. */
  readonly timeoutMs: number;
  private gpu: GPU | undefined;
  private readonly logger: GpuLogger;
  private lostReason: string | undefined;
  private closed = false;
  private uploadedBytes = 0;
  private readBytes = 0;
  private readbacks = 0;
  private submits = 0;

  private constructor(
    gpu: GPU | undefined,
    device: GPUDevice,
    info: GpuAdapterSummary,
    opts: GpuContextOptions,
  ) {
    this.gpu = gpu;
    this.device = device;
    this.adapterInfo = info;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.logger = opts.logger ?? NOOP_LOGGER;
    device.lost.then(
      (info) => {
        if (this.closed) return;
        this.lostReason = `${info.reason}: ${info.message}`;
        this.logger.warn({ reason: info.reason, message: info.message }, 'webgpu device lost');
      },
      () => {},
    );
  }

  /**
   * Opens a device from a GPU (or wraps a caller's device), requesting the adapter's limits.
   * @param source a GPU (e.g. Dawn's `create([])`), a GPUDevice, or undefined for `navigator.gpu`
   * @param opts timeout, logger, power preference
   * @returns the context
   * @throws {GpuError} code 'no-adapter' if no GPU or adapter exists, 'timeout' if a request hangs
   * @example const ctx = await GpuContext.create(await loadDawnGpu());
   */
  static async create(source?: GPU | GPUDevice, opts: GpuContextOptions = {}): Promise<GpuContext> {
    const ms = opts.timeoutMs ?? 120_000;
    if (source !== undefined && isDevice(source)) {
      const info = source.adapterInfo;
      return new GpuContext(undefined, source, summarize(info), opts);
    }
    const gpu = source ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (gpu === undefined)
      throw new GpuError(GpuErrorCode.noAdapter, 'no WebGPU implementation (no GPU object)');
    const adapter = await withTimeout(
      gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' }),
      ms,
      'requestAdapter',
    );
    if (adapter === null) throw new GpuError(GpuErrorCode.noAdapter, 'requestAdapter returned no adapter');
    const requiredLimits: Record<string, number> = {};
    const lim = adapter.limits as unknown as Record<string, number>;
    for (const k of WANTED_LIMITS) if (typeof lim[k] === 'number') requiredLimits[k] = lim[k];
    const device = await withTimeout(adapter.requestDevice({ requiredLimits }), ms, 'requestDevice');
    return new GpuContext(gpu, device, summarize(adapter.info), opts);
  }

  /**
   * A snapshot of the transfer ledger (counts since the context was created).
   * @returns uploaded and read bytes, read-backs, submits
   */
  ledger(): TransferLedger {
    return {
      uploadedBytes: this.uploadedBytes,
      readBytes: this.readBytes,
      readbacks: this.readbacks,
      submits: this.submits,
    };
  }

  /**
   * Writes host words into a buffer (the one place uploads happen; counted in the ledger).
   * @param buffer destination (needs COPY_DST)
   * @param offset byte offset in the destination
   * @param data the words
   * @throws {GpuError} 'device-lost' or 'closed'
   */
  write(buffer: GPUBuffer, offset: number, data: Uint32Array): void {
    this.check();
    if (data.length === 0) return;
    this.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
    this.uploadedBytes += data.byteLength;
  }

  /** The device's limits. */
  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** True once the device is lost or the context closed. */
  get unusable(): boolean {
    return this.closed || this.lostReason !== undefined;
  }

  /**
   * Throws if the device is lost or the context closed.
   * @throws {GpuError} code 'device-lost' or 'closed'
   */
  check(): void {
    if (this.closed) throw new GpuError(GpuErrorCode.closed, 'GpuContext is closed');
    if (this.lostReason !== undefined)
      throw new GpuError(GpuErrorCode.deviceLost, `device lost (${this.lostReason})`);
  }

  /**
   * A compute pipeline from WGSL, cached per device under `key`.
   * @param key cache key; must determine the code
   * @param code builds the WGSL source (called on a miss only)
   * @returns the pipeline
   * @throws {GpuError} code 'validation' if the WGSL or pipeline is invalid
   */
  async pipeline(key: string, code: () => string): Promise<GPUComputePipeline> {
    this.check();
    let cache = pipelineCache.get(this.device);
    if (cache === undefined) {
      cache = new Map();
      pipelineCache.set(this.device, cache);
    }
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: code(), label: key });
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
      label: key,
    });
    const err = await withTimeout(device.popErrorScope(), this.timeoutMs, 'popErrorScope');
    if (err !== null) throw new GpuError(GpuErrorCode.validation, `pipeline ${key}: ${err.message}`);
    cache.set(key, pipeline);
    return pipeline;
  }

  /**
   * Creates a buffer, checking the device limits first and trapping out-of-memory.
   * @param size bytes (rounded up to a multiple of 4)
   * @param usage BufferUsage flags
   * @param label debug label
   * @returns the buffer
   * @throws {GpuError} code 'too-large' above maxBufferSize (or the binding limit for STORAGE),
   *   'out-of-memory' if the allocation fails
   */
  async createBuffer(size: number, usage: number, label: string): Promise<GPUBuffer> {
    this.check();
    const bytes = Math.max(4, Math.ceil(size / 4) * 4);
    const lim = this.device.limits;
    if (bytes > lim.maxBufferSize) {
      throw new GpuError(
        GpuErrorCode.tooLarge,
        `${label}: ${bytes} bytes > maxBufferSize ${lim.maxBufferSize}`,
      );
    }
    if ((usage & BufferUsage.STORAGE) !== 0 && bytes > lim.maxStorageBufferBindingSize) {
      throw new GpuError(
        GpuErrorCode.tooLarge,
        `${label}: ${bytes} bytes > maxStorageBufferBindingSize ${lim.maxStorageBufferBindingSize}`,
      );
    }
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const buffer = device.createBuffer({ size: bytes, usage, label });
    const verr = await withTimeout(device.popErrorScope(), this.timeoutMs, 'popErrorScope');
    const oerr = await withTimeout(device.popErrorScope(), this.timeoutMs, 'popErrorScope');
    if (oerr !== null || verr !== null) {
      buffer.destroy();
      if (oerr !== null) throw new GpuError(GpuErrorCode.outOfMemory, `${label}: ${oerr.message}`);
      throw new GpuError(GpuErrorCode.validation, `${label}: ${verr?.message}`);
    }
    return buffer;
  }

  /**
   * A storage buffer holding `data` (COPY_SRC | COPY_DST | STORAGE).
   * @param data words to upload
   * @param label debug label
   * @returns the buffer
   * @throws {GpuError} as createBuffer
   */
  async upload(data: Uint32Array, label: string): Promise<GPUBuffer> {
    const b = await this.createBuffer(
      data.byteLength,
      BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      label,
    );
    this.write(b, 0, data);
    return b;
  }

  /**
   * Submits command buffers inside validation / out-of-memory scopes. Does not wait for the work:
   * the queue runs it before anything submitted later, so a later `read` sees its results.
   * @param commands finished command buffers
   * @param what name for errors
   * @throws {GpuError} 'validation', 'out-of-memory', 'device-lost' or 'timeout'
   */
  async submit(commands: GPUCommandBuffer[], what: string): Promise<void> {
    this.check();
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    device.queue.submit(commands);
    this.submits++;
    const verr = await withTimeout(device.popErrorScope(), this.timeoutMs, 'popErrorScope');
    const oerr = await withTimeout(device.popErrorScope(), this.timeoutMs, 'popErrorScope');
    if (oerr !== null) throw new GpuError(GpuErrorCode.outOfMemory, `${what}: ${oerr.message}`);
    if (verr !== null) throw new GpuError(GpuErrorCode.validation, `${what}: ${verr.message}`);
    this.check();
  }

  /**
   * Reads words back from buffers (which need COPY_SRC), in one submission.
   * @param parts buffer, byte offset, byte size (multiples of 4)
   * @returns one fresh Uint32Array per part
   * @throws {GpuError} as submit, or 'timeout' if mapAsync hangs
   */
  async read(parts: readonly { buffer: GPUBuffer; offset: number; size: number }[]): Promise<Uint32Array[]> {
    this.check();
    let total = 0;
    for (const p of parts) total += p.size;
    const out: Uint32Array[] = [];
    if (total === 0) return parts.map(() => new Uint32Array(0));
    const staging = await this.createBuffer(total, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'readback');
    try {
      const enc = this.device.createCommandEncoder();
      let at = 0;
      for (const p of parts) {
        if (p.size > 0) enc.copyBufferToBuffer(p.buffer, p.offset, staging, at, p.size);
        at += p.size;
      }
      await this.submit([enc.finish()], 'readback');
      this.readbacks++;
      this.readBytes += total;
      try {
        await withTimeout(
          staging.mapAsync(MAP_MODE_READ, 0, Math.ceil(total / 4) * 4),
          this.timeoutMs,
          'mapAsync',
        );
      } catch (e) {
        if (e instanceof GpuError) throw e;
        this.check();
        // mapAsync fails only when the device or the buffer is gone
        throw new GpuError(GpuErrorCode.deviceLost, `mapAsync failed: ${e instanceof Error ? e.message : e}`);
      }
      this.check();
      const mapped = new Uint32Array(staging.getMappedRange(0, Math.ceil(total / 4) * 4));
      at = 0;
      for (const p of parts) {
        out.push(mapped.slice(at / 4, (at + p.size) / 4));
        at += p.size;
      }
      staging.unmap();
    } finally {
      staging.destroy();
    }
    return out;
  }

  /** Destroys the device and drops the GPU object; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    pipelineCache.delete(this.device);
    try {
      this.device.destroy();
    } catch {
      // already destroyed by the caller
    }
    this.gpu = undefined;
  }

  /** The GPU object this context opened its device from (undefined for a caller's device or after close). */
  get gpuObject(): GPU | undefined {
    return this.gpu;
  }
}

function summarize(info: GPUAdapterInfo | undefined): GpuAdapterSummary {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}
