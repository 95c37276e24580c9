/**
 * The proof queue's consumer: a BullMQ Worker that takes proof jobs (proof-queue.ts), proves each
 * on the worker pool (src/worker/prove-job.ts) so its own event loop stays free to renew
 * job locks, verifies the proof with the production verifier, and returns it as the job's result
 * (stored under the queue's retention policy). Run one per machine with `p3ts worker`.
 *
 * No Plonky3 counterpart. Invariants:
 * - a statement that does not hold (BAD_INPUT, STATEMENT_FALSE) or a refused preset fails the job
 *   at once (BullMQ UnrecoverableError): retrying cannot help;
 * - a proof that does not verify is never stored: the attempt fails and is retried with backoff;
 * - a worker killed mid-proof leaves its job locked until `lockDurationMs`; then the stalled check
 *   of any worker moves it back to waiting and another worker proves it;
 * - `close()` drains: no new job is taken, the running ones finish and are stored.
 * A worker limited to some families hands jobs of other families back (delayed by `bounceMs`).
 */
import { hostname } from 'node:os';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { FAMILY_NAMES, type FamilyName } from '../../circuits/families.ts';
import { type Logger, noopLogger } from '../../runtime/logger.ts';
import type { WorkerPool } from '../../runtime/workers/pool.ts';
import { getConfig, PRESETS, type StarkConfig } from '../../stark/config.ts';
import { wrapEnvelope } from '../../stark/envelope.ts';
import { compiledFor, verify } from '../../stark/verify.ts';
import type { WorkerApi } from '../../worker/api.ts';
import { type ProveJob, type ProveJobOutcome, statementAir } from '../../worker/prove-job.ts';
import type { NodeMetrics } from '../metrics.ts';
import {
  DEFAULT_QUEUE_NAME,
  formatFailedReason,
  type ProofJobData,
  type ProofJobResult,
} from './proof-queue.ts';
import { QueueConfigError, redisConnection } from './redis-url.ts';

/** Proves one job: the pool (default) or an in-process backend such as WebGPU. */
export type ProveRunner = (job: ProveJob) => Promise<ProveJobOutcome>;

/**
 * A runner that proves on a worker pool (one whole proof per pool worker).
 * @param pool the pool (src/runtime/workers/node-spawn.ts createNodeWorkerPool)
 * @returns the runner
 */
export function poolRunner(pool: WorkerPool<WorkerApi>): ProveRunner {
  return async (job) => (await pool.run('prove', [job], { label: 'prove' }))[0];
}

/**
 * Wraps a proved job's body in its envelope and verifies it with the production verifier, as a
 * worker does before it stores a proof (and the warm-up does with its samples).
 * @param statement the job's statement
 * @param config the job's configuration
 * @param out the prove job's successful outcome
 * @returns the envelope, the verification result and its time in ms
 */
export function verifyOutcome(
  statement: ProveJob['statement'],
  config: StarkConfig,
  out: Extract<ProveJobOutcome, { ok: true }>,
): { proof: Uint8Array; result: ReturnType<typeof verify>; verifyMs: number } {
  const proof = wrapEnvelope(out.body, out.circuitId, config);
  const air = statementAir(statement, config);
  const t0 = performance.now();
  const result = verify(air, proof, out.publicValues, config, {
    compiled: compiledFor(air),
    allowInsecure: config.insecure,
  });
  return { proof, result, verifyMs: performance.now() - t0 };
}

/** Options of `startProofWorker`. */
export interface ProofWorkerOptions {
  /** `redis://HOST:PORT/DB`. */
  readonly url: string;
  /** Proves the jobs (see poolRunner). */
  readonly prove: ProveRunner;
  /** BullMQ queue name (default DEFAULT_QUEUE_NAME). */
  readonly queueName?: string;
  /** This worker's name in logs, results and metrics (default `<hostname>:<pid>`). */
  readonly name?: string;
  /** Jobs proved at once (default 1; match the pool size). */
  readonly concurrency?: number;
  /** Families this worker proves (default all). */
  readonly families?: readonly FamilyName[];
  /** Whether jobs under a test-only preset are proved (default false: they fail PRESET_REFUSED). */
  readonly allowInsecure?: boolean;
  /** A job's lock lasts this long and is renewed at half of it (default 30000 ms). */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30000 ms). */
  readonly stalledIntervalMs?: number;
  /** Stalls (worker deaths) a job survives before it fails (default 2). */
  readonly maxStalledCount?: number;
  /** Delay before a job of a family this worker does not serve is offered again (default 1000 ms). */
  readonly bounceMs?: number;
  readonly metrics?: NodeMetrics;
  readonly logger?: Logger;
}

/** A running proof worker. */
export interface ProofWorker {
  readonly name: string;
  /** Jobs completed by this worker. */
  readonly completed: number;
  /** Stops taking jobs, finishes the running ones, closes the connection (idempotent). */
  close(): Promise<void>;
}

/** A typed job failure: BullMQ stores `CODE[field]: message` as the failedReason. */
class JobFailure extends Error {
  constructor(code: string, message: string, field?: string) {
    super(formatFailedReason({ code, message, ...(field !== undefined ? { field } : {}) }));
  }
}

/**
 * Starts a proof worker.
 * @param opts queue URL, runner, concurrency, families, lock timing, metrics, logger
 * @returns the worker (call close() to drain)
 * @throws {QueueConfigError} for a malformed URL, family or option
 * @example
 * const pool = createNodeWorkerPool({ size: 2 });
 * const w = startProofWorker({ url: 'redis://127.0.0.1:6379/0', prove: poolRunner(pool), concurrency: 2 });
 * process.once('SIGTERM', () => void w.close().then(() => pool.close()));
 */
export function startProofWorker(opts: ProofWorkerOptions): ProofWorker {
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const logger = opts.logger ?? noopLogger;
  const families = new Set<string>(opts.families ?? FAMILY_NAMES);
  for (const f of families)
    if (!(FAMILY_NAMES as readonly string[]).includes(f))
      throw new QueueConfigError(`unknown circuit family '${f}' (known: ${FAMILY_NAMES.join(', ')})`);
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new QueueConfigError(`concurrency must be a positive integer, got ${concurrency}`);
  const bounceMs = opts.bounceMs ?? 1000;
  const metrics = opts.metrics;
  let completed = 0;

  const processor = async (
    job: Job<ProofJobData, ProofJobResult>,
    token?: string,
  ): Promise<ProofJobResult> => {
    const d = job.data;
    if (!families.has(d.family)) {
      await job.moveToDelayed(Date.now() + bounceMs, token);
      throw new DelayedError();
    }
    if (!Object.hasOwn(PRESETS, d.preset))
      throw new UnrecoverableError(new JobFailure('PRESET_REFUSED', `unknown preset '${d.preset}'`).message);
    const config = getConfig(d.preset);
    if (config.insecure && !opts.allowInsecure)
      throw new UnrecoverableError(
        new JobFailure('PRESET_REFUSED', `'${d.preset}' is a test-only preset (worker not in insecure mode)`)
          .message,
      );
    const statement = { kind: 'family', family: d.family, input: d.input, size: d.size } as const;
    logger.info(
      { jobId: job.id, family: d.family, attempt: job.attemptsMade + 1, worker: name },
      'job started',
    );
    const out = await opts.prove({ statement, config });
    if (!out.ok)
      throw new UnrecoverableError(new JobFailure(out.code, out.message, out.field || undefined).message);
    const { proof, result: v, verifyMs } = verifyOutcome(statement, config, out);
    if (!v.ok) {
      metrics?.proveFailed(d.family, 'SELF_VERIFY_FAILED');
      throw new JobFailure('SELF_VERIFY_FAILED', `${v.code}: ${v.detail}`);
    }
    metrics?.observeProve(d.family, out.proveMs / 1000, proof.length);
    return {
      proof: Buffer.from(proof).toString('base64'),
      publicValues: out.publicValues,
      circuitId: out.circuitId,
      bytes: proof.length,
      proveMs: Math.round(out.proveMs),
      verifyMs: Math.round(verifyMs),
      worker: name,
    };
  };

  const connection: Redis = redisConnection(opts.url);
  const worker = new Worker<ProofJobData, ProofJobResult>(opts.queueName ?? DEFAULT_QUEUE_NAME, processor, {
    connection,
    concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
    name,
  });
  worker.on('completed', (job) => {
    completed++;
    const latency = ((job.finishedOn ?? Date.now()) - job.timestamp) / 1000;
    metrics?.observeQueueJob(job.data.family, name, 'completed', latency);
    logger.info(
      {
        jobId: job.id,
        family: job.data.family,
        worker: name,
        attempts: job.attemptsMade,
        latencyMs: Math.round(latency * 1000),
        proveMs: job.returnvalue?.proveMs,
      },
      'job completed',
    );
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.finishedOn !== undefined;
    metrics?.observeQueueJob(job.data.family, name, final ? 'failed' : 'retried');
    if (final) metrics?.proveFailed(job.data.family, err.message.split(/[[:]/)[0] || 'PROVER_FAILED');
    logger.warn(
      {
        jobId: job.id,
        family: job.data.family,
        worker: name,
        attempts: job.attemptsMade,
        final,
        err: err.message,
      },
      final ? 'job failed' : 'job attempt failed, will retry',
    );
  });
  worker.on('stalled', (jobId) => logger.warn({ jobId, worker: name }, 'stalled job moved back to waiting'));
  worker.on('error', (err) => logger.error({ worker: name, err: err.message }, 'worker error'));

  let closing: Promise<void> | undefined;
  return {
    name,
    get completed(): number {
      return completed;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        logger.info({ worker: name }, 'draining: finishing running jobs, taking no new one');
        await worker.close();
        await connection.quit().catch(() => undefined);
        logger.info({ worker: name, completed }, 'worker stopped');
      })();
      return closing;
    },
  };
}
