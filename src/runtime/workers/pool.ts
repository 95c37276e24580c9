/**
 * WorkerPool: a fixed number of workers (worker_threads in Node, Web Workers in browsers, or
 * in-thread MessageChannel peers in tests) driven through comlink. Jobs of one `run` are queued
 * and handed to idle workers; their data lives in SharedArrayBuffer (the jobs carry views, not
 * copies). Cancellation through AbortSignal (queued jobs are dropped, workers busy with the run
 * are terminated and respawned on demand), `progress` events per finished job, idempotent
 * close(). With `runLocal`, the calling thread takes jobs from the same queue too (one job per
 * macrotask, so finished workers are handed new jobs in between): on a machine with k cores a pool
 * of k - 1 workers plus the caller keeps every core busy. No Plonky3 counterpart (Plonky3 uses
 * rayon, whose calling thread also works); the split of work is in tasks.ts.
 *
 * Browser-safe: no node: import. Node spawning lives in node-spawn.ts.
 */
import { type Endpoint, type Remote, wrap } from 'comlink';
import type { KernelApi } from './api.ts';

/** A started worker as the pool sees it. */
export interface WorkerHandle {
  /** The comlink endpoint of the worker. */
  readonly endpoint: Endpoint;
  /** Stops the worker now (running work is lost). */
  terminate(): void;
  /** Registers a callback for a crash / unexpected exit. */
  onFailure(cb: (err: Error) => void): void;
  /** Keep the host process alive while busy (Node). */
  ref?(): void;
  /** Let the host process exit while idle (Node). */
  unref?(): void;
}

/** Starts one worker. */
export type WorkerSpawner = () => WorkerHandle;

/**
 * What a pool's workers serve: methods that take one structured-clonable job. The kernel jobs
 * are KernelApi (api.ts); the worker bundles add the whole-proof job (src/worker/api.ts).
 */
export type PoolApi = object;
/** The method names of an API (its string keys). */
export type MethodOf<Api extends PoolApi> = keyof Api & string;
/** The job type of a worker method. */
export type JobOf<M extends MethodOf<Api>, Api extends PoolApi = KernelApi> = Api[M] extends (
  job: infer J,
) => unknown
  ? J
  : never;
/** The result type of a worker method (a promise-returning method's settled value). */
export type ResultOf<M extends MethodOf<Api>, Api extends PoolApi = KernelApi> = Api[M] extends (
  job: never,
) => infer R
  ? Awaited<R>
  : never;

/** Detail of a `progress` event: jobs finished out of the run's total. */
export interface PoolProgress {
  readonly label: string;
  readonly method: string;
  readonly done: number;
  readonly total: number;
}

/** Options of one `run`. */
export interface RunOptions {
  /** Aborting rejects the run with `signal.reason` and stops its work. */
  readonly signal?: AbortSignal;
  /** Name of the run in progress events (default: the method name). */
  readonly label?: string;
  /** Called after each finished job (as well as the pool's `progress` event). */
  readonly onProgress?: (p: PoolProgress) => void;
  /**
   * Runs one job on the calling thread (e.g. `workerApi[method]`). When given, the caller takes
   * jobs from the run's queue as well, one per macrotask, between worker completions. A job
   * running on the caller cannot be interrupted: abort and close take effect after it.
   */
  readonly runLocal?: (job: never) => unknown;
}

/** Runs `f` on a later macrotask (after pending worker messages): setImmediate, else setTimeout. */
const nextMacrotask: (f: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (f) => (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(f)
    : (f) => setTimeout(f, 0);

/** Options of the pool. */
export interface WorkerPoolOptions {
  /** Starts a worker (see nodeWorkerSpawner, browserWorkerSpawner, inThreadSpawner). */
  readonly spawn: WorkerSpawner;
  /** Number of workers; default `defaultPoolSize()`. */
  readonly size?: number;
}

/** Thrown by `run` on a closed pool, and by runs still queued when the pool closes. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}

/**
 * The default pool size: navigator.hardwareConcurrency where there is one, else 1
 * (Node callers use createNodeWorkerPool, which takes os.availableParallelism()).
 * @returns a positive integer
 */
export function defaultPoolSize(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

interface RunState {
  failed: boolean;
  /** The caller works on this run: its workers get a second job queued (see #pump). */
  readonly prefetch: boolean;
}

interface Task {
  readonly method: string;
  readonly job: unknown;
  readonly run: RunState;
  readonly ok: (v: unknown) => void;
  readonly fail: (e: unknown) => void;
}

interface Slot {
  readonly handle: WorkerHandle;
  readonly remote: Remote<Record<string, (job: unknown) => unknown>>;
  /** Jobs sent and not answered, oldest first (the worker runs them in order). */
  tasks: Task[];
  dead: boolean;
}

/**
 * A pool of workers serving the jobs of `Api` (default the kernel jobs; pools of the worker
 * bundles are `WorkerPool<WorkerApi>`, src/worker/api.ts, which adds the whole-proof job). The
 * type parameter only types `run`: the spawner decides what the workers really serve.
 * @example
 * const pool = createNodeWorkerPool({ size: 2 });
 * pool.addEventListener('progress', (e) => console.log((e as CustomEvent<PoolProgress>).detail));
 * await pool.run('ping', [null, null]);
 * pool.close();
 */
export class WorkerPool<Api extends PoolApi = KernelApi> extends EventTarget {
  /** Number of workers. */
  readonly size: number;
  #spawn: WorkerSpawner;
  #slots: (Slot | null)[];
  #queue: Task[] = [];
  #closed = false;

  /**
   * @param opts spawner and size
   * @throws {RangeError} for a size that is not a positive integer
   */
  constructor(opts: WorkerPoolOptions) {
    super();
    const size = opts.size ?? defaultPoolSize();
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`worker pool size ${size} is not a positive integer`);
    this.size = size;
    this.#spawn = opts.spawn;
    this.#slots = new Array<Slot | null>(size).fill(null);
  }

  /** True after close(). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Workers currently started (they start on demand and after a cancellation). */
  get started(): number {
    return this.#slots.filter((s) => s !== null).length;
  }

  /**
   * Runs one job per element of `jobs` on the workers and returns the results in job order.
   * @param method the method of `Api`
   * @param jobs its jobs (structured-clonable; SharedArrayBuffer views are shared, not copied)
   * @param opts signal, label, progress callback
   * @returns the results, in the order of `jobs`
   * @throws {PoolClosedError} if the pool is (or gets) closed
   * @throws the abort reason when `opts.signal` aborts; the first job error otherwise
   */
  run<M extends MethodOf<Api>>(
    method: M,
    jobs: readonly JobOf<M, Api>[],
    opts: RunOptions = {},
  ): Promise<ResultOf<M, Api>[]> {
    if (this.#closed) return Promise.reject(new PoolClosedError('worker pool is closed'));
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const total = jobs.length;
    if (total === 0) return Promise.resolve([]);
    const label = opts.label ?? method;
    return new Promise<ResultOf<M, Api>[]>((resolve, reject) => {
      const results = new Array<ResultOf<M, Api>>(total);
      const run: RunState = { failed: false, prefetch: opts.runLocal !== undefined };
      let done = 0;
      const onAbort = (): void => fail(abortReason(signal as AbortSignal));
      const fail = (e: unknown): void => {
        if (run.failed) return;
        run.failed = true;
        signal?.removeEventListener('abort', onAbort);
        this.#cancelRun(run);
        reject(e);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (let i = 0; i < total; i++) {
        this.#queue.push({
          method,
          job: jobs[i],
          run,
          ok: (v) => {
            if (run.failed) return;
            results[i] = v as ResultOf<M, Api>;
            done++;
            const detail: PoolProgress = { label, method, done, total };
            opts.onProgress?.(detail);
            this.dispatchEvent(new CustomEvent<PoolProgress>('progress', { detail }));
            if (done === total) {
              signal?.removeEventListener('abort', onAbort);
              resolve(results);
            }
          },
          fail,
        });
      }
      this.#pump();
      const local = opts.runLocal as ((job: unknown) => unknown) | undefined;
      if (local) this.#runOnCaller(run, local);
    });
  }

  /** The caller's share of a run: takes the run's next queued job, runs it, yields, repeats. */
  #runOnCaller(run: RunState, local: (job: unknown) => unknown): void {
    const step = (): void => {
      if (run.failed || this.#closed) return;
      const i = this.#queue.findIndex((t) => t.run === run);
      if (i < 0) return;
      const t = this.#queue.splice(i, 1)[0];
      let v: unknown;
      try {
        v = local(t.job);
      } catch (e) {
        t.fail(e);
        return;
      }
      t.ok(v);
      nextMacrotask(step);
    };
    step();
  }

  /** Stops every worker and rejects queued runs with PoolClosedError; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const queued = this.#queue;
    this.#queue = [];
    const err = new PoolClosedError('worker pool closed');
    for (let i = 0; i < this.#slots.length; i++) {
      const s = this.#slots[i];
      this.#slots[i] = null;
      if (!s) continue;
      s.dead = true;
      s.handle.terminate();
      for (const t of s.tasks) t.fail(err);
    }
    for (const t of queued) t.fail(err);
  }

  #cancelRun(run: RunState): void {
    this.#queue = this.#queue.filter((t) => t.run !== run);
    for (let i = 0; i < this.#slots.length; i++) {
      const s = this.#slots[i];
      if (s?.tasks.some((t) => t.run === run)) {
        s.dead = true;
        this.#slots[i] = null;
        s.handle.terminate();
        // jobs of other runs queued behind on this worker go back to the front of the queue
        const others = s.tasks.filter((t) => t.run !== run);
        s.tasks = [];
        this.#queue.unshift(...others);
      }
    }
    this.#pump();
  }

  #startSlot(i: number): Slot {
    const handle = this.#spawn();
    const slot: Slot = { handle, remote: wrap(handle.endpoint), tasks: [], dead: false };
    handle.onFailure((err) => {
      if (slot.dead) return;
      slot.dead = true;
      if (this.#slots[i] === slot) this.#slots[i] = null;
      const ts = slot.tasks;
      slot.tasks = [];
      for (const t of ts) t.fail(err);
      this.#pump();
    });
    handle.unref?.();
    this.#slots[i] = slot;
    return slot;
  }

  #pump(): void {
    if (this.#closed) return;
    for (let i = 0; i < this.#slots.length && this.#queue.length > 0; i++) {
      const slot = this.#slots[i] ?? this.#startSlot(i);
      // One job in flight per worker; two while the caller works on the run too: the caller's
      // event loop is blocked during its own jobs, so a worker that only got its next job from
      // the event loop would idle until the caller's job ends.
      while (this.#queue.length > 0) {
        const n = slot.tasks.length;
        if (n >= 2 || (n === 1 && !(slot.tasks[0].run.prefetch && this.#queue[0].run.prefetch))) break;
        const t = this.#queue.shift() as Task;
        slot.tasks.push(t);
        if (n === 0) slot.handle.ref?.();
        const call = slot.remote[t.method] as (job: unknown) => Promise<unknown>;
        call(t.job).then(
          (v) => this.#finish(slot, t, () => t.ok(v)),
          (e) => this.#finish(slot, t, () => t.fail(e)),
        );
      }
    }
  }

  #finish(slot: Slot, t: Task, settle: () => void): void {
    const k = slot.tasks.indexOf(t);
    if (k < 0) return; // cancelled or crashed meanwhile
    slot.tasks.splice(k, 1);
    if (slot.tasks.length === 0) slot.handle.unref?.();
    settle();
    this.#pump();
  }
}
