/**
 * Provers of the stress harness. Two kinds:
 * - `worker_threads`: the package's worker pool (src/runtime/workers, dist/worker.js), one whole
 *   proof per pool worker (the `prove` job of prove-job.ts); a worker that crashes fails its job
 *   and is replaced, so a run never hangs. Without a worker bundle (a checkout that was not built
 *   and no PLONKY3_WORKER_BUNDLE), `createProverPool` falls back to the main thread and says why;
 * - `main-thread`: concurrent async jobs on the main thread. Proving is CPU-bound and
 *   synchronous between its awaits, so these jobs effectively run one after another.
 * Verification always runs on the main thread, as a node's verifier would.
 *
 * No Plonky3 counterpart. Invariants: each worker holds at most one job; `close()` is idempotent.
 */
import { createNodeWorkerPool } from '../../src/runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../src/runtime/workers/pool.ts';
import type { StarkConfig } from '../../src/stark/config.ts';
import type { ProvePhases } from '../../src/stark/prove.ts';
import { prove } from '../../src/stark/prove.ts';
import type { WorkerApi } from '../../src/worker/api.ts';
import { type StatementProvider, statementSpecOf } from './provider.ts';
import type { FamilySpec } from './scenario.ts';

/** A proving job. */
export interface ProveJob {
  readonly spec: FamilySpec;
  readonly index: number;
  readonly config: StarkConfig;
}

/** The outcome of a proving job. */
export interface ProveResult {
  readonly body: Uint8Array;
  readonly publicValues: readonly number[];
  /** Wall time of `prove` (statement building excluded), ms. */
  readonly proveMs: number;
  readonly phases: ProvePhases | null;
}

/** A set of provers. */
export interface ProverPool {
  readonly kind: 'worker_threads' | 'main-thread';
  /** Number of concurrent jobs. */
  readonly size: number;
  /** Why a worker pool was not used, if one was asked for. */
  readonly note?: string;
  /**
   * Proves one job.
   * @throws {Error} when the prover fails or its worker dies
   */
  prove(job: ProveJob): Promise<ProveResult>;
  /** Stops the workers (idempotent). */
  close(): Promise<void>;
}

/**
 * A main-thread pool: jobs are async calls of `prove` on this thread.
 * @param provider statement source
 * @param size concurrency (jobs in flight)
 * @returns the pool
 */
export function createMainThreadPool(provider: StatementProvider, size: number): ProverPool {
  return {
    kind: 'main-thread',
    size,
    async prove(job: ProveJob): Promise<ProveResult> {
      const st = provider.statement(job.spec, job.index);
      let phases: ProvePhases | null = null;
      const t0 = performance.now();
      const body = await prove(st.air, st.trace, st.publicValues, job.config, {
        onPhases: (p) => {
          phases = p;
        },
      });
      return { body, publicValues: Array.from(st.publicValues), proveMs: performance.now() - t0, phases };
    },
    close: async () => {},
  };
}

/** Options of `createProverPool`. */
export interface ProverPoolOptions {
  /** The worker bundle (default: dist/worker.js or $PLONKY3_WORKER_BUNDLE). */
  readonly workerUrl?: string | URL;
}

/**
 * A pool of `size` worker_threads provers on the package's worker pool, or a main-thread pool
 * (with `note`) when no worker bundle is found.
 * @param provider statement source of the fallback (workers build the default provider's statements)
 * @param size number of workers
 * @param opts the worker bundle
 * @returns the pool
 */
export function createProverPool(
  provider: StatementProvider,
  size: number,
  opts: ProverPoolOptions = {},
): ProverPool {
  let pool: WorkerPool<WorkerApi>;
  try {
    pool = createNodeWorkerPool<WorkerApi>({ size, workerUrl: opts.workerUrl });
  } catch (e) {
    const note = `worker_threads unavailable (${e instanceof Error ? e.message : String(e)}); proving on the main thread`;
    return { ...createMainThreadPool(provider, size), note };
  }
  return {
    kind: 'worker_threads',
    size,
    async prove(job: ProveJob): Promise<ProveResult> {
      const statement = statementSpecOf(job.spec, job.index);
      const [out] = await pool.run('prove', [{ statement, config: job.config }], { label: job.spec.name });
      if (!out.ok) throw new Error(`${out.code}: ${out.message}`);
      return { body: out.body, publicValues: out.publicValues, proveMs: out.proveMs, phases: out.phases };
    },
    async close(): Promise<void> {
      pool.close();
    },
  };
}
