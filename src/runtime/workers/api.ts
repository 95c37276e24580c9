/**
 * The kernel jobs a pool worker serves through comlink: one method per kind of job (tasks.ts),
 * plus `ping` and the test hook `spin`. ParallelCpuBackend needs only these. The worker bundles
 * (src/worker/) serve this object extended with the whole-proof job (src/worker/api.ts), which
 * lives above src/runtime because it builds and proves statements with src/stark.
 */

import {
  type EvalJob,
  type GrindJob,
  type LdeJob,
  type MerkleJob,
  type QuotientJob,
  type ReduceJob,
  runEvalJob,
  runGrindJob,
  runLdeJob,
  runMerkleJob,
  runQuotientJob,
  runReduceJob,
} from './tasks.ts';

/** Kernel methods a pool worker serves; each takes one structured-clonable job. */
export interface KernelApi {
  /** Returns 1 (liveness check). */
  ping(job: null): number;
  /** Runs an LDE column-range job. */
  lde(job: LdeJob): void;
  /** Runs a Merkle node-range job. */
  merkle(job: MerkleJob): void;
  /** Runs a quotient row-range job. */
  quotient(job: QuotientJob): void;
  /** Runs a barycentric partial-sum job; returns 4 * width partial sums. */
  evalAt(job: EvalJob): Uint32Array;
  /** Runs a reduced-opening row-range job. */
  reduce(job: ReduceJob): void;
  /** Tests a range of proof-of-work candidates; the smallest valid one or -1. */
  grind(job: GrindJob): number;
  /** Busy-waits `ms` milliseconds (tests: cancellation and progress); returns `ms`. */
  spin(ms: number): number;
}

/** The kernel method names. */
export type KernelMethod = keyof KernelApi;

/** The worker-side implementation of the kernel jobs. */
export const kernelApi: KernelApi = {
  ping: () => 1,
  lde: (job) => runLdeJob(job),
  merkle: (job) => runMerkleJob(job),
  quotient: (job) => runQuotientJob(job),
  evalAt: (job) => runEvalJob(job),
  reduce: (job) => runReduceJob(job),
  grind: (job) => runGrindJob(job),
  spin(ms) {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // busy: a real CPU-bound job
    }
    return ms;
  },
};
