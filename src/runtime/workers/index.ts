/**
 * The worker pool, browser-safe parts (Node spawning: ./node-spawn.ts).
 */
export type { KernelApi, KernelMethod } from './api.ts';
export { kernelApi } from './api.ts';
export { browserWorkerSpawner, createBrowserWorkerPool } from './browser-spawn.ts';
export type { NodePortLike } from './endpoint.ts';
export { nodeEndpoint } from './endpoint.ts';
export { inThreadSpawner } from './inline.ts';
export type {
  JobOf,
  PoolProgress,
  ResultOf,
  RunOptions,
  WorkerHandle,
  WorkerPoolOptions,
  WorkerSpawner,
} from './pool.ts';
export { defaultPoolSize, PoolClosedError, WorkerPool } from './pool.ts';
export type {
  EvalJob,
  LdeJob,
  MerkleJob,
  PortableCompiledAir,
  QuotientJob,
  ReduceJob,
  ReduceTerm,
  SharedMatrix,
  SharedMerkleTree,
  SharedView,
} from './tasks.ts';
export {
  portableCompiledAir,
  runEvalJob,
  runLdeJob,
  runMerkleJob,
  runQuotientJob,
  runReduceJob,
  shareView,
  viewOf,
} from './tasks.ts';
