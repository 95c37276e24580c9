/**
 * In-thread "workers": each is a MessageChannel whose far port serves workerApi through comlink
 * in the calling thread. Exercises the pool and the comlink protocol without threads (tests,
 * environments without workers); it gives no parallelism.
 */
import { expose } from 'comlink';
import { workerApi } from './api.ts';
import type { WorkerSpawner } from './pool.ts';

/**
 * A spawner of in-thread workers.
 * @returns a WorkerSpawner for WorkerPool
 */
export function inThreadSpawner(): WorkerSpawner {
  return () => {
    const { port1, port2 } = new MessageChannel();
    expose(workerApi, port2);
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
