/**
 * worker_threads spawning for the pool in Node: workers run the esbuild bundle dist/worker.js
 * (src/worker/node-entry.ts), found next to the calling bundle or in the package's dist/. Pool size
 * defaults to os.availableParallelism(). Imports node:* (Node-only; see src/worker/node-entry.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KernelApi } from './api.ts';
import { nodeEndpoint } from './endpoint.ts';
import type { WorkerSpawner } from './pool.ts';
import { type PoolApi, WorkerPool } from './pool.ts';

/** Environment variable naming the worker bundle (tests and `node scripts/run-ts.mjs` runs). */
export const WORKER_BUNDLE_ENV = 'PLONKY3_WORKER_BUNDLE';

/**
 * Where dist/worker.js is: $PLONKY3_WORKER_BUNDLE when set, next to this module when bundled
 * into dist/ (cli.js, worker.js), two levels up from dist/runtime/workers/, the repository's
 * dist/ when running from src/, or dist/ under the working directory (`node scripts/run-ts.mjs`).
 * @returns the first existing candidate
 * @throws {Error} when none exists (run `npm run build`, or pass workerUrl)
 */
export function defaultNodeWorkerUrl(): URL {
  const env = process.env[WORKER_BUNDLE_ENV];
  if (env !== undefined && env !== '') {
    if (!existsSync(env)) throw new Error(`${WORKER_BUNDLE_ENV}=${env}: no such file`);
    return pathToFileURL(resolve(env));
  }
  const candidates = [
    new URL('./worker.js', import.meta.url),
    new URL('../../worker.js', import.meta.url),
    new URL('../../../dist/worker.js', import.meta.url),
    pathToFileURL(resolve('dist/worker.js')),
  ];
  for (const u of candidates) if (existsSync(fileURLToPath(u))) return u;
  throw new Error(
    `worker bundle not found (tried ${candidates.map((u) => u.pathname).join(', ')}); run npm run build or set ${WORKER_BUNDLE_ENV}`,
  );
}

/**
 * A spawner of worker_threads workers running the pool's worker bundle.
 * @param workerUrl the bundle (default defaultNodeWorkerUrl())
 * @returns a WorkerSpawner for WorkerPool
 * @throws {Error} when no bundle is found
 */
export function nodeWorkerSpawner(workerUrl?: string | URL): WorkerSpawner {
  const url = workerUrl ?? defaultNodeWorkerUrl();
  return () => {
    const w = new Worker(url);
    const failures: ((err: Error) => void)[] = [];
    let exited = false;
    const fire = (err: Error): void => {
      for (const cb of failures) cb(err);
    };
    w.on('error', (e) => fire(e instanceof Error ? e : new Error(String(e))));
    w.on('exit', (code) => {
      exited = true;
      fire(new Error(`worker exited with code ${code}`));
    });
    return {
      endpoint: nodeEndpoint(w),
      terminate(): void {
        failures.length = 0;
        if (!exited) void w.terminate();
      },
      onFailure(cb: (err: Error) => void): void {
        failures.push(cb);
      },
      ref: () => w.ref(),
      unref: () => w.unref(),
    };
  };
}

/** Options of createNodeWorkerPool. */
export interface NodeWorkerPoolOptions {
  /** Number of workers; default os.availableParallelism(). */
  readonly size?: number;
  /** The worker bundle; default defaultNodeWorkerUrl(). */
  readonly workerUrl?: string | URL;
}

/**
 * A pool of worker_threads workers. dist/worker.js serves the kernel jobs and the whole-proof job:
 * callers that run `prove` jobs type the pool `createNodeWorkerPool<WorkerApi>()` (src/worker/api.ts).
 * @param opts size and worker bundle
 * @returns the pool (close it when done)
 * @throws {Error} when no worker bundle is found
 * @example
 * const pool = createNodeWorkerPool({ size: 2 });
 * const backend = new ParallelCpuBackend(pool, getConfig('c100'));
 */
export function createNodeWorkerPool<Api extends PoolApi = KernelApi>(
  opts: NodeWorkerPoolOptions = {},
): WorkerPool<Api> {
  return new WorkerPool<Api>({
    spawn: nodeWorkerSpawner(opts.workerUrl),
    size: opts.size ?? availableParallelism(),
  });
}
