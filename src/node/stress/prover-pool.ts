/**
 * Provers of the stress harness. Two kinds:
 * - `worker_threads`: one Node worker per slot, running worker-entry.ts bundled on the fly with
 *   esbuild into .tmp/stress/ (esbuild is a dev dependency; without it, or without the source
 *   file, `createProverPool` falls back to the main thread and says why);
 * - `main-thread`: concurrent async jobs on the main thread. Proving is CPU-bound and
 *   synchronous between its awaits, so these jobs effectively run one after another.
 * Verification always runs on the main thread, as a node's verifier would.
 *
 * No Plonky3 counterpart. Invariants: each worker holds at most one job; `close()` is idempotent.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StarkConfig } from '../../stark/config.ts';
import type { ProvePhases } from '../../stark/prove.ts';
import { prove } from '../../stark/prove.ts';
import type { StatementProvider } from './provider.ts';
import type { FamilySpec } from './scenario.ts';

/** A proving job. */
export interface ProveJob {
  readonly spec: FamilySpec;
  readonly index: number;
  readonly config: StarkConfig;
}

/** The outcome of a proving job. */
export interface ProveResult {
  readonly body: Uint8Array;
  readonly publicValues: readonly number[];
  /** Wall time of `prove` (statement building excluded), ms. */
  readonly proveMs: number;
  readonly phases: ProvePhases | null;
}

/** Message to a worker. */
export interface WorkerRequest extends ProveJob {
  readonly id: number;
}

/** Message from a worker. */
export type WorkerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly body: Uint8Array;
      readonly publicValues: readonly number[];
      readonly proveMs: number;
      readonly phases: ProvePhases | null;
    }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A set of provers. */
export interface ProverPool {
  readonly kind: 'worker_threads' | 'main-thread';
  /** Number of concurrent jobs. */
  readonly size: number;
  /** Why a worker pool was not used, if one was asked for. */
  readonly note?: string;
  /**
   * Proves one job.
   * @throws {Error} when the prover fails
   */
  prove(job: ProveJob): Promise<ProveResult>;
  /** Stops the workers (idempotent). */
  close(): Promise<void>;
}

/**
 * A main-thread pool: jobs are async calls of `prove` on this thread.
 * @param provider statement source
 * @param size concurrency (jobs in flight)
 * @returns the pool
 */
export function createMainThreadPool(provider: StatementProvider, size: number): ProverPool {
  return {
    kind: 'main-thread',
    size,
    async prove(job: ProveJob): Promise<ProveResult> {
      const st = provider.statement(job.spec, job.index);
      let phases: ProvePhases | null = null;
      const t0 = performance.now();
      const body = await prove(st.air, st.trace, st.publicValues, job.config, {
        onPhases: (p) => {
          phases = p;
        },
      });
      return { body, publicValues: Array.from(st.publicValues), proveMs: performance.now() - t0, phases };
    },
    close: async () => {},
  };
}

function workerSource(): string | null {
  const candidates = [
    fileURLToPath(new URL('./worker-entry.ts', import.meta.url)),
    resolve('src/node/stress/worker-entry.ts'),
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

/**
 * Bundles worker-entry.ts with esbuild into .tmp/stress/.
 * @returns the bundle path
 * @throws {Error} when the source or esbuild is missing
 */
export async function buildWorkerBundle(): Promise<string> {
  const src = workerSource();
  if (src === null)
    throw new Error('src/node/stress/worker-entry.ts not found (run from the repository root)');
  const esbuild = await import('esbuild');
  const outDir = resolve('.tmp/stress');
  mkdirSync(outDir, { recursive: true });
  const outfile = resolve(outDir, `worker-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [src],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}

interface Slot {
  readonly worker: Worker;
  busy: boolean;
}

/**
 * A pool of `size` worker_threads provers, or a main-thread pool (with `note`) when the worker
 * bundle cannot be built.
 * @param provider statement source of the fallback (workers use the default provider)
 * @param size number of workers
 * @returns the pool
 */
export async function createProverPool(provider: StatementProvider, size: number): Promise<ProverPool> {
  let bundle: string;
  try {
    bundle = await buildWorkerBundle();
  } catch (e) {
    const note = `worker_threads unavailable (${e instanceof Error ? e.message : String(e)}); proving on the main thread`;
    return { ...createMainThreadPool(provider, size), note };
  }
  const slots: Slot[] = [];
  const pending = new Map<
    number,
    { resolve: (r: ProveResult) => void; reject: (e: Error) => void; slot: Slot }
  >();
  const waiters: ((s: Slot) => void)[] = [];
  let nextId = 1;
  let closed = false;
  const release = (slot: Slot): void => {
    const w = waiters.shift();
    if (w) w(slot);
    else slot.busy = false;
  };
  for (let i = 0; i < size; i++) {
    const worker = new Worker(bundle);
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: WorkerReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      release(p.slot);
      if (m.ok)
        p.resolve({ body: m.body, publicValues: m.publicValues, proveMs: m.proveMs, phases: m.phases });
      else p.reject(new Error(m.error));
    });
    worker.on('error', (e) => {
      for (const [id, p] of pending) {
        if (p.slot === slot) {
          pending.delete(id);
          p.reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
    slots.push(slot);
  }
  const acquire = (): Promise<Slot> => {
    const free = slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((r) => waiters.push(r));
  };
  return {
    kind: 'worker_threads',
    size,
    async prove(job: ProveJob): Promise<ProveResult> {
      if (closed) throw new Error('prover pool is closed');
      const slot = await acquire();
      const id = nextId++;
      return new Promise<ProveResult>((res, rej) => {
        pending.set(id, { resolve: res, reject: rej, slot });
        const req: WorkerRequest = { id, spec: job.spec, index: job.index, config: job.config };
        slot.worker.postMessage(req);
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      rmSync(bundle, { force: true });
    },
  };
}
