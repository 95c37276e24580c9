/**
 * Node-only operations API (`plonky3-ts/node`): configuration, parameter cache, preflight,
 * metrics, health, the proof engine and the HTTP service, the pino logger and the Dawn loader.
 * The browser-safe API is src/index.ts; this entry may import node:* and prom-client.
 *
 * No Plonky3 counterpart.
 */

export { FallbackBackend, selectBackend } from '../runtime/select.ts';
export {
  createNodeWorkerPool,
  defaultNodeWorkerUrl,
  nodeWorkerSpawner,
} from '../runtime/workers/node-spawn.ts';
export * from './cache.ts';
export * from './config.ts';
export * from './engine.ts';
export * from './gpu.ts';
export * from './health.ts';
export * from './log.ts';
export * from './metrics.ts';
export * from './preflight.ts';
export * from './service.ts';
