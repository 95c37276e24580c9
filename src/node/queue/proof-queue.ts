/**
 * The proof queue (producer side): BullMQ on Redis. Each proof request becomes one job whose id
 * is the SHA-256 of (circuit id, configuration digest, witness input) (job-id.ts), so a
 * resubmitted request finds its job instead of being proved twice. Jobs carry the family, its JSON
 * input, the preset and the size profile; a family's priority orders the jobs waiting (consensus
 * first by default). Workers (proof-worker.ts) prove, verify and store the result with the
 * retention policy set here.
 *
 * No Plonky3 counterpart. Invariants: jobs retry with exponential backoff, except poison inputs
 * (statements that do not hold), which workers fail at once; completed and failed jobs are removed
 * after the retention age or count, so Redis does not grow without bound.
 */
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FAMILY_NAMES, type FamilyName, type FamilySize, isFamilyName } from '../../circuits/families.ts';
import { getConfig, PRESETS, type StarkConfig } from '../../stark/config.ts';
import { configDigest } from '../../stark/envelope.ts';
import { circuitIdOf } from '../../stark/verify.ts';
import { statementAir } from '../../worker/prove-job.ts';
import { proofJobId } from './job-id.ts';
import { QueueConfigError, redisConnection } from './redis-url.ts';

/** The default BullMQ queue name. */
export const DEFAULT_QUEUE_NAME = 'p3ts-proofs';

/** Default family priorities (BullMQ: 1 is taken first): consensus first. */
export const DEFAULT_FAMILY_PRIORITIES: Readonly<Record<FamilyName, number>> = Object.freeze({
  consensus: 1,
  transaction: 2,
  state: 3,
  uptime: 4,
  pruning: 5,
});

/** The data of one proof job. */
export interface ProofJobData {
  readonly family: FamilyName;
  readonly input: unknown;
  /** Preset name (src/stark/config.ts PRESETS). */
  readonly preset: string;
  readonly size: FamilySize;
}

/** What a worker stores for a completed job. */
export interface ProofJobResult {
  /** The envelope proof, base64. */
  readonly proof: string;
  readonly publicValues: number[];
  readonly circuitId: string;
  readonly bytes: number;
  readonly proveMs: number;
  /** Time of the worker's own verification of the proof before it was stored. */
  readonly verifyMs: number;
  /** The worker that proved it. */
  readonly worker: string;
}

/** Why a job failed: a typed code (BAD_INPUT, STATEMENT_FALSE, PRESET_REFUSED, PROVER_FAILED, ...). */
export interface ProofJobError {
  readonly code: string;
  readonly message: string;
  /** JSON path of the offending input field, for BAD_INPUT. */
  readonly field?: string;
}

/** BullMQ states a proof job can be in. */
export type ProofJobState =
  | 'waiting'
  | 'prioritized'
  | 'delayed'
  | 'active'
  | 'completed'
  | 'failed'
  | 'waiting-children'
  | 'unknown';

/** The state of one job, with its result or error once finished. */
export interface ProofJobStatus {
  readonly id: string;
  readonly family: FamilyName;
  readonly state: ProofJobState;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly enqueuedAt: number;
  readonly finishedAt?: number;
  readonly result?: ProofJobResult;
  readonly error?: ProofJobError;
}

/** The answer to `submit`. */
export interface SubmitResult {
  readonly id: string;
  readonly state: ProofJobState;
  /** True when a job with this id was already there (nothing new was enqueued). */
  readonly duplicate: boolean;
}

/** Jobs per state (waiting includes BullMQ's `prioritized`). */
export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}

/** How long finished jobs stay in Redis. */
export interface RetentionPolicy {
  /** Completed jobs (and their proofs) are removed after this many seconds (default 86400). */
  readonly completedAgeSec: number;
  /** ... or when more than this many completed jobs are kept (default 10000). */
  readonly completedCount: number;
  /** Failed jobs are removed after this many seconds (default 7 days). */
  readonly failedAgeSec: number;
}

/** The default retention: one day or 10000 completed jobs, failed jobs a week. */
export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({
  completedAgeSec: 86_400,
  completedCount: 10_000,
  failedAgeSec: 7 * 86_400,
});

/** Options of `createProofQueue`. */
export interface ProofQueueOptions {
  /** `redis://HOST:PORT/DB`. */
  readonly url: string;
  /** BullMQ queue name (default DEFAULT_QUEUE_NAME). */
  readonly name?: string;
  /** Preset of every job (default c100). */
  readonly preset?: string;
  /** Size profile of every job (default production). */
  readonly size?: FamilySize;
  /** Family priorities (1 first); missing families take DEFAULT_FAMILY_PRIORITIES. */
  readonly priorities?: Partial<Record<FamilyName, number>>;
  /** Attempts per job, first included (default 3). */
  readonly attempts?: number;
  /** First retry delay in ms, doubled each time (default 2000). */
  readonly backoffMs?: number;
  readonly retention?: Partial<RetentionPolicy>;
}

/** The producer side of the proof queue. */
export interface ProofQueue {
  readonly name: string;
  readonly preset: string;
  readonly size: FamilySize;
  /** The BullMQ queue (for tools such as bull-board). */
  readonly queue: Queue<ProofJobData, ProofJobResult>;
  /**
   * The id a request would get.
   * @throws {QueueConfigError} for an unknown family
   */
  jobId(family: FamilyName, input: unknown): string;
  /**
   * Enqueues a proof request, or finds the job already there.
   * @throws {QueueConfigError} for an unknown family
   */
  submit(family: FamilyName, input: unknown): Promise<SubmitResult>;
  /** The job's state, result or error; null for an unknown (or expired) id. */
  status(id: string): Promise<ProofJobStatus | null>;
  /** Jobs per state. */
  counts(): Promise<QueueCounts>;
  /** Closes the connection (idempotent). */
  close(): Promise<void>;
}

/**
 * Parses a BullMQ failedReason written by proof-worker.ts (`CODE[field]: message`).
 * @param reason the failedReason
 * @returns the typed error (code PROVER_FAILED when the reason has no code)
 */
export function parseFailedReason(reason: string): ProofJobError {
  const m = /^([A-Z][A-Z0-9_]+)(?:\[([^\]]*)\])?: ([\s\S]*)$/.exec(reason);
  if (!m) return { code: 'PROVER_FAILED', message: reason };
  return { code: m[1], message: m[3], ...(m[2] !== undefined ? { field: m[2] } : {}) };
}

/**
 * Formats a typed error as a BullMQ failedReason (parseFailedReason reads it back).
 * @param e the error
 * @returns `CODE[field]: message`
 */
export function formatFailedReason(e: ProofJobError): string {
  return `${e.code}${e.field !== undefined ? `[${e.field.replace(/\]/g, ')')}]` : ''}: ${e.message}`;
}

function positiveInt(v: number | undefined, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1)
    throw new QueueConfigError(`${what} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Checks a preset name and returns its configuration.
 * @throws {QueueConfigError} for an unknown preset
 */
function presetConfig(preset: string): StarkConfig {
  if (!Object.hasOwn(PRESETS, preset))
    throw new QueueConfigError(`unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`);
  return getConfig(preset);
}

/**
 * Opens the proof queue on Redis.
 * @param opts URL, queue name, preset, size, priorities, retries, retention
 * @returns the queue (close it when done)
 * @throws {QueueConfigError} for a malformed URL, preset, priority or option
 * @example
 * const q = createProofQueue({ url: 'redis://127.0.0.1:6379/0', size: 'test' });
 * const { id } = await q.submit('consensus', FAMILIES.consensus.sampleInput('test'));
 * const st = await q.status(id); // { state: 'waiting' | ... | 'completed', result }
 */
export function createProofQueue(opts: ProofQueueOptions): ProofQueue {
  const name = opts.name ?? DEFAULT_QUEUE_NAME;
  const preset = opts.preset ?? 'c100';
  const size = opts.size ?? 'production';
  const config = presetConfig(preset);
  const digestHex = Buffer.from(configDigest(config)).toString('hex');
  const priorities: Record<string, number> = { ...DEFAULT_FAMILY_PRIORITIES };
  for (const [f, p] of Object.entries(opts.priorities ?? {})) {
    if (!isFamilyName(f)) throw new QueueConfigError(`priority for unknown family '${f}'`);
    priorities[f] = positiveInt(p, `priority of ${f}`, 1);
  }
  const attempts = positiveInt(opts.attempts, 'attempts', 3);
  const backoffMs = positiveInt(opts.backoffMs, 'backoffMs', 2000);
  const retention = { ...DEFAULT_RETENTION, ...opts.retention };
  const connection: Redis = redisConnection(opts.url);
  const queue = new Queue<ProofJobData, ProofJobResult>(name, { connection });
  const jobOpts = (family: FamilyName, id: string): JobsOptions => ({
    jobId: id,
    priority: priorities[family],
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { age: retention.completedAgeSec, count: retention.completedCount },
    removeOnFail: { age: retention.failedAgeSec },
  });
  const jobId = (family: FamilyName, input: unknown): string => {
    if (!isFamilyName(family))
      throw new QueueConfigError(`unknown circuit family '${family}' (known: ${FAMILY_NAMES.join(', ')})`);
    const air = statementAir({ kind: 'family', family, input: null, size }, config);
    return proofJobId(circuitIdOf(air), digestHex, input);
  };
  let closed: Promise<void> | undefined;
  return {
    name,
    preset,
    size,
    queue,
    jobId,
    async submit(family: FamilyName, input: unknown): Promise<SubmitResult> {
      const id = jobId(family, input);
      const existing = await queue.getJob(id);
      if (existing) return { id, state: (await existing.getState()) as ProofJobState, duplicate: true };
      const job = await queue.add(family, { family, input, preset, size }, jobOpts(family, id));
      // add() with an id already present (a concurrent submit) returns that job unchanged
      const state = (await job.getState()) as ProofJobState;
      return { id, state, duplicate: false };
    },
    async status(id: string): Promise<ProofJobStatus | null> {
      if (!/^[0-9a-f]{64}$/.test(id)) return null;
      // The state first, then the job: a job read before it completes and a state read after
      // would say 'completed' without its result (BullMQ stores both in one step).
      const state = (await queue.getJobState(id)) as ProofJobState | 'unknown';
      const job = await queue.getJob(id);
      if (!job || state === 'unknown') return null;
      return {
        id,
        family: job.data.family,
        state,
        attempts: job.attemptsMade,
        enqueuedAt: job.timestamp,
        ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
        ...(state === 'completed' && job.returnvalue ? { result: job.returnvalue } : {}),
        ...(job.failedReason ? { error: parseFailedReason(job.failedReason) } : {}),
      };
    },
    async counts(): Promise<QueueCounts> {
      const c = await queue.getJobCounts(
        'waiting',
        'prioritized',
        'active',
        'delayed',
        'failed',
        'completed',
      );
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
      };
    },
    close(): Promise<void> {
      closed ??= (async () => {
        await queue.close();
        await connection.quit().catch(() => undefined);
      })();
      return closed;
    },
  };
}
