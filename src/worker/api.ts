/**
 * The object a pool worker exposes through comlink: the kernel jobs of src/runtime
 * (ParallelCpuBackend's LDE, Merkle, quotient, evaluation, reduction and grinding ranges) plus
 * the whole-proof job (prove-job.ts). It backs the Node worker_threads entry (node-entry.ts,
 * dist/worker.js), the browser Web Worker entry (browser-entry.ts, dist/browser/worker.js) and
 * in-thread pools in tests. It lives above src/runtime: the prove job builds statements and
 * proves them with src/stark, and src/runtime imports neither (docs/backend.md, "Layering").
 */
import { type KernelApi, kernelApi } from '../runtime/workers/api.ts';
import { type ProveJob, type ProveJobOutcome, runProveJob } from './prove-job.ts';

/** Methods a pool worker serves: the kernel jobs and the whole-proof job. */
export interface WorkerApi extends KernelApi {
  /** Builds, checks and proves one whole statement (prove-job.ts). */
  prove(job: ProveJob): Promise<ProveJobOutcome>;
}

/** The method names of WorkerApi. */
export type WorkerMethod = keyof WorkerApi;

/** The worker-side implementation. */
export const workerApi: WorkerApi = { ...kernelApi, prove: (job) => runProveJob(job) };
