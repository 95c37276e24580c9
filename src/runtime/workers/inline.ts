/**
 * In-thread "workers": each is a MessageChannel whose far port serves an API object (default the
 * kernel jobs, kernelApi; src/worker/api.ts workerApi adds the whole-proof job) through comlink
 * in the calling thread. Exercises the pool and the comlink protocol without threads (tests,
 * environments without workers); it gives no parallelism.
 */
import { expose } from 'comlink';
import { kernelApi } from './api.ts';
import type { WorkerSpawner } from './pool.ts';

/**
 * A spawner of in-thread workers.
 * @param api the object the workers serve (default kernelApi)
 * @returns a WorkerSpawner for WorkerPool
 */
export function inThreadSpawner(api: object = kernelApi): WorkerSpawner {
  return () => {
    const { port1, port2 } = new MessageChannel();
    expose(api, port2);
    return {
      endpoint: port1,
      terminate(): void {
        port1.close();
        port2.close();
      },
      onFailure(): void {},
    };
  };
}
