/**
 * `plonky3-ts/node`: the Node-only operations API. Node configuration (`node.toml`), the parameter
 * cache with preload and inspection, the proof cache, preflight, Prometheus metrics, health, the
 * proof engine and the HTTP proof service, the pino logger, the Dawn loader for WebGPU in Node,
 * backend selection, the worker_threads pool, and the proof queue (`createProofQueue`,
 * `startProofWorker`: BullMQ on Redis). The browser-safe API is `plonky3-ts`; this
 * entry may import node:* and prom-client. Helpers these modules use among themselves (atomic
 * file writes, checksums, histogram buckets) are not exported.
 *
 * No Plonky3 counterpart.
 *
 * @example
 * import { createStarkEngine, loadNodeConfig } from 'plonky3-ts/node';
 * const cfg = loadNodeConfig('node.toml');
 * const engine = createStarkEngine({ preset: cfg.securityPreset, size: 'production', families: ['consensus'] });
 */

export { FallbackBackend, selectBackend } from '../runtime/select.ts';
export {
  createNodeWorkerPool,
  defaultNodeWorkerUrl,
  nodeWorkerSpawner,
  WORKER_BUNDLE_ENV,
} from '../runtime/workers/node-spawn.ts';
export type { WorkerApi } from '../worker/api.ts';
export type { ProveJob, ProveJobOutcome, StatementSpec } from '../worker/prove-job.ts';
export { PoisonCode, runProveJob } from '../worker/prove-job.ts';
export type {
  CacheManifest,
  CacheProblem,
  CacheReport,
  ExpectedDigests,
  FamilyParams,
  PreloadOptions,
  PreloadResult,
  ProofCacheOptions,
} from './cache.ts';
export {
  airDigest,
  CACHE_FORMAT_VERSION,
  CacheIntegrityError,
  CacheProblemKind,
  canaryFileName,
  computeExpectedDigests,
  constantSetOf,
  inspectCache,
  MANIFEST_FILE,
  ProofCache,
  paramsFileName,
  preloadCache,
  REFERENCE_TAG,
  StorageError,
} from './cache.ts';
export type { NodeConfig } from './config.ts';
export {
  ConfigError,
  defaultNodeConfig,
  LOG_LEVELS,
  loadNodeConfig,
  parseNodeConfig,
  validateNodeConfig,
} from './config.ts';
export type { ProofEngine, ProveOutcome, StarkEngineOptions } from './engine.ts';
export { createStarkEngine, proofSegments, tamperedVariants } from './engine.ts';
export { loadDawnGpu } from './gpu.ts';
export type { GpuStatus, HealthInit, Plonky3Health } from './health.ts';
export { HealthTracker } from './health.ts';
export type { NodeLoggerOptions } from './log.ts';
export { createNodeLogger } from './log.ts';
export type { NodeMetricsOptions, ProofSegments } from './metrics.ts';
export { NodeMetrics, PROOF_BACKEND_LABEL, VERIFY_BACKEND_LABEL } from './metrics.ts';
export { createPoolEngine, type PoolEngineOptions } from './pool-engine.ts';
export type {
  CanaryResult,
  PreflightOptions,
  PreflightProblem,
  PreflightReport,
} from './preflight.ts';
export { formatPreflightReport, probeGpu, runPreflight } from './preflight.ts';
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
export type { WarmUpOptions, WarmUpReport } from './queue/warmup.ts';
export { warmUpProver } from './queue/warmup.ts';
export type { ServiceOptions } from './service.ts';
export { ProofService } from './service.ts';
