/**
 * The stress harness's queue scenario (mode `queue`): for each phase of `queue.workers` (e.g.
 * [1, 2]) start that many `p3ts worker` processes against one Redis (a private redis-server by
 * default), submit every proof of the scenario to a fresh BullMQ queue, wait until each job has
 * completed or failed, verify every stored proof on this thread, then drain the workers (SIGTERM).
 * The report gives per phase: throughput (first submit to last completion), end-to-end latency
 * p50/p95 (enqueue to stored proof), and jobs lost, duplicated (two completion records for one
 * job id) or failed; and the throughput ratio of the last phase to the first, measured in one run.
 *
 * No Plonky3 counterpart. Invariants: phases run one after another on the same inputs (distinct
 * honest variants per proof, load.ts), so their ratio compares like with like; every child
 * process started here is stopped before the run returns.
 */
import { randomBytes } from 'node:crypto';
import { FAMILIES, type FamilyName, isFamilyName } from '../../src/circuits/families.ts';
import { variedSampleInput } from '../../src/node/queue/load.ts';
import { createProofQueue } from '../../src/node/queue/proof-queue.ts';
import { type RedisServer, startRedisServer } from '../../src/node/queue/redis-process.ts';
import {
  spawnWorkerProcess,
  type WorkerLogRecord,
  type WorkerProcess,
} from '../../src/node/queue/worker-process.ts';
import { getConfig } from '../../src/stark/config.ts';
import { compiledFor, verify } from '../../src/stark/verify.ts';
import { statementAir } from '../../src/worker/prove-job.ts';
import {
  emptyTamperReport,
  type FamilyReport,
  finishReport,
  type QueuePhaseReport,
  type StressReport,
  type TamperReport,
} from './report.ts';
import { allocateProofs, type Scenario } from './scenario.ts';
import { summarize } from './stats.ts';

/** Options of `runQueueStress`. */
export interface QueueStressOptions {
  /** argv prefix of the CLI for the worker processes (default worker-process.ts cliArgv()). */
  readonly cli?: readonly string[];
  /** Scenario file name recorded in the report. */
  readonly file?: string;
  /** Progress lines (phase starts, completions). */
  readonly onProgress?: (line: string) => void;
  /** Environment of the worker processes (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Per-phase timeout for all jobs to finish (default 30 min). */
  readonly phaseTimeoutMs?: number;
}

interface FamilyAcc {
  prove: number[];
  verify: number[];
  sizes: number[];
  proofs: number;
  failures: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a queue scenario.
 * @param scenario a scenario with mode `queue` and circuit families only
 * @param opts CLI, file name, progress, timeout
 * @returns the report (verdict included)
 * @throws {Error} for a scenario that is not a queue scenario, a non-family AIR, or a worker
 *   process that does not start
 */
export async function runQueueStress(
  scenario: Scenario,
  opts: QueueStressOptions = {},
): Promise<StressReport> {
  const q = scenario.queue;
  if (scenario.mode !== 'queue' || !q) throw new Error(`scenario ${scenario.name} is not a queue scenario`);
  for (const f of scenario.families)
    if (!isFamilyName(f.name) || f.logRows !== undefined)
      throw new Error(`queue scenarios prove circuit families only (got '${f.name}')`);
  const started = new Date();
  const t0 = performance.now();
  const config = getConfig(scenario.preset);
  const counts = allocateProofs(scenario.families, scenario.proofs);
  const jobs: { family: FamilyName; k: number }[] = [];
  for (let k = 0; k < Math.max(...counts); k++)
    scenario.families.forEach((f, i) => {
      if (k < counts[i]) jobs.push({ family: f.name as FamilyName, k });
    });
  const acc = new Map<string, FamilyAcc>(
    scenario.families.map((f, i) => [
      f.name,
      { prove: [], verify: [], sizes: [], proofs: counts[i], failures: 0 },
    ]),
  );
  const say = opts.onProgress ?? (() => {});
  let redis: RedisServer | undefined;
  const url = q.redis === 'spawn' ? (redis = await startRedisServer()).url : q.redis;
  const phases: QueuePhaseReport[] = [];
  const failures: StressReport['failures'][number][] = [];
  try {
    for (const n of q.workers) {
      const name = `p3ts-stress-${n}w-${randomBytes(4).toString('hex')}`;
      const size = scenario.families[0].size;
      const queue = createProofQueue({
        url,
        name,
        preset: scenario.preset,
        size,
        attempts: 2,
        backoffMs: 500,
      });
      const records: (WorkerLogRecord & { from: string })[] = [];
      const procs: WorkerProcess[] = [];
      const exited: string[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const wname = `w${i + 1}`;
          const p = spawnWorkerProcess({
            cli: opts.cli,
            url,
            name: wname,
            args: [
              '--queue-name',
              name,
              '--gpu',
              'off',
              '--concurrency',
              String(q.concurrency),
              ...(config.insecure ? ['--allow-insecure'] : []),
              '--log-level',
              'info',
            ],
            onRecord: (r) => records.push({ ...r, from: wname }),
            onText: (l) => say(`[${wname}] ${l}`),
          });
          void p.exited.then((code) => exited.push(`${wname} (exit ${code})`));
          procs.push(p);
        }
        const up = Date.now();
        while (records.filter((r) => r.msg === 'worker started').length < n) {
          if (Date.now() - up > 120_000) throw new Error(`worker processes did not start within 120 s`);
          if (exited.length > 0)
            throw new Error(`worker process ended before it started: ${exited.join(', ')}`);
          await sleep(50);
        }
        say(`[queue] phase: ${n} worker process(es) x ${q.concurrency}, ${jobs.length} jobs`);
        const ids = new Map<string, FamilyName>();
        const tSubmit = Date.now();
        for (const j of jobs) {
          const r = await queue.submit(j.family, variedSampleInput(j.family, size, j.k));
          ids.set(r.id, j.family);
        }
        const deadline = Date.now() + (opts.phaseTimeoutMs ?? 30 * 60_000);
        let c = await queue.counts();
        while (c.completed + c.failed < ids.size && Date.now() < deadline) {
          await sleep(100);
          c = await queue.counts();
        }
        // drain the workers first, so every log line they wrote has been read
        await Promise.all(procs.map((p) => p.stop(120_000)));
        const completions = records.filter((r) => r.msg === 'job completed');
        let tLast = tSubmit;
        const seen = new Map<string, number>();
        for (const r of completions) seen.set(String(r.jobId), (seen.get(String(r.jobId)) ?? 0) + 1);
        const duplicated = [...seen.values()].reduce((s, v) => s + v - 1, 0);
        const latency: number[] = [];
        let verifyFailures = 0;
        let completed = 0;
        let failed = 0;
        for (const [id, family] of ids) {
          const st = await queue.status(id);
          const a = acc.get(family) as FamilyAcc;
          if (st?.state === 'failed') {
            failed++;
            a.failures++;
            failures.push({
              family,
              index: 0,
              stage: 'prove',
              message: `${st.error?.code}: ${st.error?.message}`,
            });
            continue;
          }
          if (st?.state !== 'completed' || !st.result) continue;
          completed++;
          tLast = Math.max(tLast, st.finishedAt ?? 0);
          latency.push((st.finishedAt ?? 0) - st.enqueuedAt);
          const air = statementAir({ kind: 'family', family, input: null, size }, config);
          const proof = new Uint8Array(Buffer.from(st.result.proof, 'base64'));
          const tv = performance.now();
          const v = verify(air, proof, st.result.publicValues, config, {
            compiled: compiledFor(air),
            allowInsecure: config.insecure, // the scenario chose the preset
          });
          const vms = performance.now() - tv;
          if (!v.ok) {
            verifyFailures++;
            failures.push({ family, index: 0, stage: 'verify', message: `${v.code}: ${v.detail}` });
            continue;
          }
          a.prove.push(st.result.proveMs);
          a.verify.push(vms);
          a.sizes.push(st.result.bytes);
        }
        const durationMs = Math.max(1, tLast - tSubmit);
        const perWorker: Record<string, number> = {};
        for (const r of completions) perWorker[r.from] = (perWorker[r.from] ?? 0) + 1;
        const phase: QueuePhaseReport = {
          workers: n,
          concurrency: q.concurrency,
          proofs: ids.size,
          completed,
          failed,
          lost: ids.size - completed - failed,
          duplicated,
          verifyFailures,
          durationMs,
          throughput: Math.round((completed / (durationMs / 1000)) * 1000) / 1000,
          latencyMs: summarize(latency),
          perWorker,
        };
        phases.push(phase);
        say(
          `[queue] ${n} worker(s): ${completed}/${ids.size} in ${(durationMs / 1000).toFixed(1)} s = ${phase.throughput.toFixed(2)} proofs/s`,
        );
      } finally {
        await Promise.all(procs.map((p) => p.stop(120_000)));
        await queue.queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
    }
  } finally {
    await redis?.stop();
  }
  const first = phases[0];
  const last = phases[phases.length - 1];
  const speedup =
    phases.length > 1 && first.throughput > 0
      ? Math.round((last.throughput / first.throughput) * 1000) / 1000
      : null;
  const families: FamilyReport[] = scenario.families.map((f) => {
    const a = acc.get(f.name) as FamilyAcc;
    const air = statementAir(
      { kind: 'family', family: f.name as FamilyName, input: null, size: f.size },
      config,
    );
    return {
      name: f.name,
      size: f.size,
      logRows: FAMILIES[f.name as FamilyName].logRows[f.size],
      width: compiledFor(air).width,
      circuitId: `${f.name}@1`,
      proofs: a.proofs * phases.length,
      failures: a.failures,
      proveMs: summarize(a.prove),
      verifyMs: summarize(a.verify),
      proofBytes: summarize(a.sizes),
      tamperVerifyMs: summarize([]),
      phasesMeanMs: null,
      thresholds: {
        proveP95Ms: f.proveP95Ms ?? scenario.thresholds.proveP95Ms,
        verifyP95Ms: f.verifyP95Ms ?? scenario.thresholds.verifyP95Ms,
      },
      tamper: { attempts: 0, rejected: 0, accepted: 0, internal: 0 },
      samples: { proveMs: a.prove, verifyMs: a.verify },
    };
  });
  const tamper: TamperReport = emptyTamperReport();
  return finishReport(
    {
      scenario,
      file: opts.file,
      provers: {
        kind: 'queue-workers',
        size: Math.max(...q.workers) * q.concurrency,
        note: `p3ts worker processes per phase: ${q.workers.join(', ')} (x ${q.concurrency} pool workers each)`,
      },
      started,
      t0,
    },
    {
      families,
      tamper,
      failures,
      queue: {
        redis: q.redis,
        phases,
        speedup,
        ...(q.minSpeedup !== undefined ? { minSpeedup: q.minSpeedup } : {}),
      },
    },
  );
}
