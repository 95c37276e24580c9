/**
 * Node-only operations API (`plonky3-ts/node`): configuration, parameter cache, preflight,
 * metrics, health, the proof engine and the HTTP service, the pino logger and the Dawn loader,
 * the worker pool, and the proof queue (`createProofQueue`, `startProofWorker`: BullMQ on Redis).
 * The browser-safe API is src/index.ts; this entry may import node:* and prom-client.
 *
 * No Plonky3 counterpart.
 */

export { FallbackBackend, selectBackend } from '../runtime/select.ts';
export {
  createNodeWorkerPool,
  defaultNodeWorkerUrl,
  nodeWorkerSpawner,
  WORKER_BUNDLE_ENV,
} from '../runtime/workers/node-spawn.ts';
export type {
  ProveJob,
  ProveJobOutcome,
  StatementSpec,
} from '../runtime/workers/prove-job.ts';
export { PoisonCode, runProveJob } from '../runtime/workers/prove-job.ts';
export * from './cache.ts';
export * from './config.ts';
export * from './engine.ts';
export * from './gpu.ts';
export * from './health.ts';
export * from './log.ts';
export * from './metrics.ts';
export { createPoolEngine, type PoolEngineOptions } from './pool-engine.ts';
export * from './preflight.ts';
export { canonicalJson, proofJobId } from './queue/job-id.ts';
export { variedSampleInput } from './queue/load.ts';
export type {
  ProofJobData,
  ProofJobError,
  ProofJobResult,
  ProofJobState,
  ProofJobStatus,
  ProofQueue,
  ProofQueueOptions,
  QueueCounts,
  RetentionPolicy,
  SubmitResult,
} from './queue/proof-queue.ts';
export {
  createProofQueue,
  DEFAULT_FAMILY_PRIORITIES,
  DEFAULT_QUEUE_NAME,
  DEFAULT_RETENTION,
} from './queue/proof-queue.ts';
export type { ProofWorker, ProofWorkerOptions, ProveRunner } from './queue/proof-worker.ts';
export { poolRunner, startProofWorker } from './queue/proof-worker.ts';
export { parseRedisUrl, QueueConfigError } from './queue/redis-url.ts';
export * from './service.ts';
