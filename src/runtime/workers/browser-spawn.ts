/**
 * Web Worker spawning for the pool in browsers: module workers running dist/browser/worker.js
 * (scripts/build.mjs builds it from src/worker/browser-entry.ts). SharedArrayBuffer needs a
 * cross-origin-isolated page (COOP: same-origin, COEP: require-corp).
 */
import type { WorkerSpawner } from './pool.ts';
import { WorkerPool } from './pool.ts';

/**
 * A spawner of module Web Workers.
 * @param url URL of the worker bundle (dist/browser/worker.js)
 * @returns a WorkerSpawner for WorkerPool
 */
export function browserWorkerSpawner(url: string | URL): WorkerSpawner {
  return () => {
    const w = new Worker(url, { type: 'module' });
    return {
      endpoint: w,
      terminate: () => w.terminate(),
      onFailure(cb: (err: Error) => void): void {
        w.addEventListener('error', (e) => cb(new Error(`worker error: ${e.message}`)));
      },
    };
  };
}

/**
 * A pool of Web Workers, sized navigator.hardwareConcurrency unless `size` is given.
 * @param opts worker bundle URL and size
 * @returns the pool
 * @throws {Error} when SharedArrayBuffer is unavailable (page not cross-origin isolated)
 */
export function createBrowserWorkerPool(opts: {
  readonly workerUrl: string | URL;
  readonly size?: number;
}): WorkerPool {
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new Error(
      'SharedArrayBuffer is unavailable: serve the page with COOP same-origin and COEP require-corp',
    );
  }
  return new WorkerPool({ spawn: browserWorkerSpawner(opts.workerUrl), size: opts.size });
}
