/**
 * The browser prover, bundled by scripts/build.mjs to dist/browser/plonky3-prove.js (ESM).
 * `BrowserProver` builds a built-in statement (Fibonacci, the Poseidon2 AIR or one of the five
 * families), proves it and returns the envelope proof. It proves on WebGPU when `navigator.gpu`
 * (or the `GPU` / `GPUDevice` passed in) gives an adapter; else on the Web Worker pool
 * (dist/browser/worker.js), which needs a cross-origin-isolated page (COOP same-origin, COEP
 * require-corp) for SharedArrayBuffer; else on the calling thread. When the pool is skipped
 * because the page is not isolated, it says so in a `notice` event and on the console.
 * Progress comes as `progress` events (a `CustomEvent<ProverProgress>`) in every mode.
 *
 * No Plonky3 counterpart. Invariant: the proof bytes do not depend on the mode: every backend
 * gives what `prove` with `CpuBackend` gives in Node for the same statement
 * (test/browser/prover.test.ts checks it in Chromium).
 */

import type { Air } from '../air/air.ts';
import type { FamilySize } from '../circuits/families.ts';
import { FAMILY_NAMES, getFamily, isFamilyName } from '../circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../circuits/poseidon2-air.ts';
import { CodedError } from '../error-kinds.ts';
import type { Matrix } from '../field/matrix.ts';
import { permSetOf } from '../hash/poseidon2.ts';
import type { Backend } from '../runtime/backend.ts';
import { createCpuBackend } from '../runtime/cpu.ts';
import type { GpuLogger } from '../runtime/gpu-context.ts';
import { ParallelCpuBackend } from '../runtime/parallel.ts';
import { FallbackBackend, selectBackend } from '../runtime/select.ts';
import { createBrowserWorkerPool } from '../runtime/workers/browser-spawn.ts';
import type { WorkerPool } from '../runtime/workers/pool.ts';
import type { StarkConfig } from '../stark/config.ts';
import { DEFAULT_PRESET, getConfig } from '../stark/config.ts';
import { wrapEnvelope } from '../stark/envelope.ts';
import { permFor } from '../stark/instance.ts';
import type { ProvePhases } from '../stark/prove.ts';
import { prove } from '../stark/prove.ts';
import { circuitIdOf } from '../stark/verify.ts';

export { CIRCUIT_REGISTRY } from '../circuits/builtin-registry.ts';
export { FAMILY_NAMES } from '../circuits/families.ts';
export { getConfig, PRESETS } from '../stark/config.ts';
export { verifyEnvelope } from '../stark/verify-envelope.ts';

/** Where a proof is computed: `auto` picks WebGPU, then the worker pool, then the calling thread. */
export const ProverMode = { auto: 'auto', webgpu: 'webgpu', workers: 'workers', main: 'main' } as const;
export type ProverMode = (typeof ProverMode)[keyof typeof ProverMode];

/** The backend a proof actually used. */
export type UsedBackend = 'webgpu' | 'workers' | 'main';

/** Circuits the browser prover builds: the two benchmark AIRs and the five families. */
export const PROVER_CIRCUITS: readonly string[] = Object.freeze(['fibonacci', 'poseidon2', ...FAMILY_NAMES]);

/** What to prove. */
export interface BrowserProveRequest {
  /** `fibonacci`, `poseidon2` or a family name (`transaction`, `state`, `pruning`, `uptime`, `consensus`). */
  readonly circuit: string;
  /** fibonacci and poseidon2: log2 of the trace height (default 10 and 4). */
  readonly logRows?: number;
  /** Families: size profile (default `test`). */
  readonly size?: FamilySize;
  /** Families: the JSON input (default the family's sample input for the size). */
  readonly input?: unknown;
  /** Preset name (default c100). */
  readonly preset?: string;
}

/** One progress step. */
export interface ProverProgress {
  /** `witness`, `backend`, `prove`, `jobs` (worker pool jobs of one pool run), `done`. */
  readonly stage: 'witness' | 'backend' | 'prove' | 'jobs' | 'done';
  /** A line for people. */
  readonly message: string;
  /** Jobs finished in the current pool run (stage `jobs`). */
  readonly done?: number;
  /** Jobs of the current pool run (stage `jobs`). */
  readonly total?: number;
}

/** A proof made in the browser. */
export interface BrowserProof {
  /** The envelope proof (circuit id, configuration digest, Plonky3 postcard body). */
  readonly proof: Uint8Array;
  /** The statement's public values. */
  readonly publicValues: Uint32Array;
  /** The envelope's circuit id, e.g. `fibonacci@1`. */
  readonly circuitId: string;
  /** The preset name. */
  readonly preset: string;
  /** Log2 of the trace height. */
  readonly logRows: number;
  /** Where it was proved. */
  readonly backend: UsedBackend;
  /** WebGPU: the adapter. */
  readonly adapter?: string;
  /** WebGPU: operations run on the GPU, and those that fell back to the CPU. */
  readonly gpuOps?: number;
  readonly fallbacks?: number;
  /** Worker pool: jobs run by the pool (workers and calling thread). */
  readonly poolJobs?: number;
  /** Wall time of witness generation plus proving, ms. */
  readonly ms: number;
  /** Phase timings of `prove`. */
  readonly phases?: ProvePhases;
  /** Why a faster mode was not used, e.g. the page is not cross-origin isolated. */
  readonly notices: readonly string[];
}

/** Options of `BrowserProver`. */
export interface BrowserProverOptions {
  /** Mode (default auto). */
  readonly mode?: ProverMode;
  /** The GPU or device to use (default `navigator.gpu`). */
  readonly gpu?: GPU | GPUDevice;
  /** URL of dist/browser/worker.js (default `./worker.js` next to this bundle). */
  readonly workerUrl?: string | URL;
  /** Workers in the pool (default navigator.hardwareConcurrency - 1, at least 1). */
  readonly workers?: number;
  /** Below this many LDE rows the pool leaves the work on the calling thread (default 2^12). */
  readonly minParallelRows?: number;
  /** Receives every progress step (as well as the `progress` events). */
  readonly onProgress?: (p: ProverProgress) => void;
}

/** Codes of `BrowserProverError`. */
export const BrowserProverErrorCode = {
  notCrossOriginIsolated: 'NOT_CROSS_ORIGIN_ISOLATED',
  noWebGpuAdapter: 'NO_WEBGPU_ADAPTER',
  unknownCircuit: 'UNKNOWN_CIRCUIT',
  badRequest: 'BAD_REQUEST',
  closed: 'CLOSED',
} as const;
export type BrowserProverErrorCode = (typeof BrowserProverErrorCode)[keyof typeof BrowserProverErrorCode];

/** A prove request that cannot run as asked. */
export class BrowserProverError extends CodedError<BrowserProverErrorCode> {
  override readonly name = 'BrowserProverError';
}

/** The message for a page without cross-origin isolation. */
export const NOT_ISOLATED_MESSAGE: string =
  'the Web Worker pool needs a cross-origin-isolated page (SharedArrayBuffer): serve it with ' +
  'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

/** Whether the page can share memory with workers. */
export function isCrossOriginIsolated(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
}

/** A built statement. */
export interface BrowserStatement {
  readonly air: Air;
  readonly trace: Matrix;
  readonly publicValues: Uint32Array;
  readonly logRows: number;
}

function checkLogRows(logRows: number, max: number): number {
  if (!Number.isInteger(logRows) || logRows < 1 || logRows > max)
    throw new BrowserProverError('BAD_REQUEST', `logRows ${logRows} outside 1..${max}`);
  return logRows;
}

/**
 * Builds the statement of a request, as the CLI does: Fibonacci from (0, 1); the Poseidon2 AIR
 * with 8 permutations per row on upstream's SmallRng(1) inputs; a family from its input.
 * @param req the request
 * @param config the configuration (its Poseidon2 constant set is the AIR's)
 * @returns AIR, trace and public values
 * @throws {BrowserProverError} for an unknown circuit or a bad size
 * @throws {FamilyInputError} for a malformed family input
 */
export function buildStatement(req: BrowserProveRequest, config: StarkConfig): BrowserStatement {
  const cs = permSetOf(config.constants);
  const max = config.maxLogTraceHeight;
  if (req.circuit === 'fibonacci') {
    const k = checkLogRows(req.logRows ?? 10, max);
    const n = 2 ** k;
    return {
      air: fibonacciAir(),
      trace: generateFibonacciTrace(0, 1, n),
      publicValues: fibonacciPublicValues(0, 1, n),
      logRows: k,
    };
  }
  if (req.circuit === 'poseidon2') {
    const k = checkLogRows(req.logRows ?? 4, max);
    const air = createPoseidon2Air({ constants: cs, permsPerRow: 8 });
    return {
      air,
      trace: generatePoseidon2Trace(air, { seed: 1 }, 2 ** k),
      publicValues: new Uint32Array(0),
      logRows: k,
    };
  }
  if (isFamilyName(req.circuit)) {
    const fam = getFamily(req.circuit);
    const size = req.size ?? 'test';
    if (size !== 'test' && size !== 'production')
      throw new BrowserProverError('BAD_REQUEST', `size '${String(size)}' is not test or production`);
    const st = fam.build(req.input ?? fam.sampleInput(size), { size, constants: cs });
    return { ...st, logRows: Math.log2(st.trace.values.length / st.trace.width) };
  }
  throw new BrowserProverError(
    'UNKNOWN_CIRCUIT',
    `unknown circuit '${req.circuit}' (known: ${PROVER_CIRCUITS.join(', ')})`,
  );
}

/** The calling thread's macrotask boundary, so the page can paint a progress step. */
const yieldToPage = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Proves built-in statements in a browser page on WebGPU, a Web Worker pool or the calling
 * thread. Dispatches `progress` (`CustomEvent<ProverProgress>`) and `notice`
 * (`CustomEvent<string>`) events. Owns its worker pool: call `close()` when done.
 * @example
 * import { BrowserProver } from './plonky3-prove.js';
 * const prover = new BrowserProver();
 * prover.addEventListener('progress', (e) => console.log(e.detail.message));
 * const { proof, publicValues, backend, ms } = await prover.prove({ circuit: 'fibonacci', logRows: 10 });
 */
export class BrowserProver extends EventTarget {
  readonly #opts: BrowserProverOptions;
  #pool: WorkerPool | undefined;
  #closed = false;

  /** @param opts mode, GPU, worker URL and pool size, progress callback */
  constructor(opts: BrowserProverOptions = {}) {
    super();
    this.#opts = opts;
  }

  /**
   * Builds and proves a statement.
   * @param req circuit, size, preset
   * @returns the envelope proof, its public values, the backend used and the time
   * @throws {BrowserProverError} NOT_CROSS_ORIGIN_ISOLATED (mode workers on a page that is not
   *   isolated), NO_WEBGPU_ADAPTER (mode webgpu without an adapter), UNKNOWN_CIRCUIT, BAD_REQUEST
   */
  async prove(req: BrowserProveRequest): Promise<BrowserProof> {
    if (this.#closed) throw new BrowserProverError('CLOSED', 'the prover is closed');
    const config = getConfig(req.preset ?? DEFAULT_PRESET);
    const t0 = performance.now();
    this.#progress({ stage: 'witness', message: `building the ${req.circuit} witness` });
    await yieldToPage();
    const st = buildStatement(req, config);
    const notices: string[] = [];
    const chosen = await this.#backendFor(config, notices);
    let poolJobs = 0;
    const backend =
      chosen.used === 'workers'
        ? new ParallelCpuBackend(this.#workerPool(), config, {
            minParallelRows: this.#opts.minParallelRows,
            onProgress: (p) => {
              poolJobs++;
              this.#progress({
                stage: 'jobs',
                message: `${p.label}: ${p.done}/${p.total} jobs`,
                done: p.done,
                total: p.total,
              });
            },
          })
        : chosen.backend;
    this.#progress({
      stage: 'prove',
      message: `proving 2^${st.logRows} rows of ${circuitIdOf(st.air)} under ${config.name} on ${chosen.used}`,
    });
    await yieldToPage();
    let phases: ProvePhases | undefined;
    try {
      const body = await prove(st.air, st.trace, st.publicValues, config, {
        backend,
        onPhases: (p) => {
          phases = p;
        },
      });
      const circuitId = circuitIdOf(st.air);
      const proof = wrapEnvelope(body, circuitId, config);
      const ms = performance.now() - t0;
      const gpu =
        backend instanceof FallbackBackend
          ? { adapter: backend.gpu.adapterName, gpuOps: backend.gpuOps, fallbacks: backend.fallbacks }
          : {};
      this.#progress({ stage: 'done', message: `${proof.length} bytes in ${ms.toFixed(0)} ms` });
      return {
        proof,
        publicValues: st.publicValues,
        circuitId,
        preset: config.name,
        logRows: st.logRows,
        backend: chosen.used,
        ...gpu,
        ...(chosen.used === 'workers' ? { poolJobs } : {}),
        ms,
        phases,
        notices,
      };
    } finally {
      // Releases the GPU device (opened per proof); the worker pool stays for the next proof.
      backend.close();
    }
  }

  /** Closes the worker pool; idempotent. */
  close(): void {
    this.#closed = true;
    this.#pool?.close();
    this.#pool = undefined;
  }

  #progress(p: ProverProgress): void {
    this.#opts.onProgress?.(p);
    this.dispatchEvent(new CustomEvent('progress', { detail: p }));
  }

  #notice(notices: string[], text: string): void {
    notices.push(text);
    console.warn(`plonky3-prove: ${text}`);
    this.dispatchEvent(new CustomEvent('notice', { detail: text }));
  }

  #workerPool(): WorkerPool {
    if (!this.#pool) {
      const hc = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
        ?.hardwareConcurrency;
      const size = this.#opts.workers ?? Math.max(1, (hc ?? 2) - 1);
      const workerUrl = this.#opts.workerUrl ?? new URL('./worker.js', import.meta.url);
      this.#pool = createBrowserWorkerPool({ workerUrl, size });
    }
    return this.#pool;
  }

  async #backendFor(
    config: StarkConfig,
    notices: string[],
  ): Promise<{ used: UsedBackend; backend: Backend }> {
    const mode = this.#opts.mode ?? 'auto';
    const cpu = createCpuBackend(config);
    if (mode === 'main') return { used: 'main', backend: cpu };
    if (mode === 'workers' && !isCrossOriginIsolated())
      throw new BrowserProverError('NOT_CROSS_ORIGIN_ISOLATED', NOT_ISOLATED_MESSAGE);
    if (mode === 'auto' || mode === 'webgpu') {
      const gpu = this.#opts.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
      let reason = 'no WebGPU (navigator.gpu is missing)';
      if (gpu !== undefined) {
        const logger: GpuLogger = {
          info: (o) => {
            const r = (o as { reason?: unknown }).reason;
            if (typeof r === 'string') reason = r;
          },
          warn: (o, msg) => console.warn(`plonky3-prove: ${msg ?? ''}`, o),
        };
        this.#progress({ stage: 'backend', message: 'requesting a WebGPU adapter' });
        const b = await selectBackend({
          useGpuAcceleration: true,
          cpu,
          constants: permFor(config).constants,
          gpu,
          logger,
        });
        if (b !== cpu) {
          this.#progress({ stage: 'backend', message: `WebGPU adapter: ${gpuName(b)}` });
          return { used: 'webgpu', backend: b };
        }
      }
      if (mode === 'webgpu')
        throw new BrowserProverError('NO_WEBGPU_ADAPTER', `WebGPU unavailable: ${reason}`);
      this.#progress({ stage: 'backend', message: `WebGPU unavailable: ${reason}` });
    }
    if (isCrossOriginIsolated()) {
      this.#progress({ stage: 'backend', message: 'using the Web Worker pool' });
      return { used: 'workers', backend: cpu };
    }
    this.#notice(notices, `${NOT_ISOLATED_MESSAGE}; proving on the calling thread`);
    return { used: 'main', backend: cpu };
  }
}

const gpuName = (b: Backend): string => (b instanceof FallbackBackend ? b.gpu.adapterName : b.kind);
