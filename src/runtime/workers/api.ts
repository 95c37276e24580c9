/**
 * The object a pool worker exposes through comlink: one method per kind of job (tasks.ts), plus
 * `ping` and the test hook `spin`. The same object backs the Node worker_threads entry, the
 * browser Web Worker entry and the in-thread spawner used by tests.
 */

import { type ProveJob, type ProveJobOutcome, runProveJob } from './prove-job.ts';
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

/** Methods a pool worker serves; each takes one structured-clonable job. */
export interface WorkerApi {
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
  /** Builds, checks and proves one whole statement (prove-job.ts). */
  prove(job: ProveJob): Promise<ProveJobOutcome>;
  /** Busy-waits `ms` milliseconds (tests: cancellation and progress); returns `ms`. */
  spin(ms: number): number;
}

/** The method names of WorkerApi. */
export type WorkerMethod = keyof WorkerApi;

/** The worker-side implementation. */
export const workerApi: WorkerApi = {
  ping: () => 1,
  lde: (job) => runLdeJob(job),
  merkle: (job) => runMerkleJob(job),
  quotient: (job) => runQuotientJob(job),
  evalAt: (job) => runEvalJob(job),
  reduce: (job) => runReduceJob(job),
  grind: (job) => runGrindJob(job),
  prove: (job) => runProveJob(job),
  spin(ms) {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // busy: a real CPU-bound job
    }
    return ms;
  },
};
