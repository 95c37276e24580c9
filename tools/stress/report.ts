/**
 * The stress report: its JSON shape (schema `p3ts-stress-report/1`), machine details, the
 * acceptance verdict (thresholds, failures, accepted tampered proofs, internal invariants) and
 * the acceptance table printed by `p3ts stress` and `p3ts analyze`. Successor of the runbook's
 * scripts/analyze_simnet.py; no Plonky3 counterpart.
 * Invariant: `verdictOf` depends only on the report's numbers, so analysing a stored report gives
 * the verdict the run gave.
 */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { ProvePhases } from '../../src/stark/prove.ts';
import type { Scenario } from './scenario.ts';
import { type Summary, summarize } from './stats.ts';

/** Machine details recorded with every report. */
export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly git: string;
}

/**
 * A finished report: the fields every run records (schema, scenario, provers, start, duration,
 * machine) around the run's own results, with the verdict.
 * @param run scenario (with its file name), provers, start time and performance.now() at start
 * @param results families, tamper, failures and, for queue scenarios, the queue phases
 * @returns the report
 */
export function finishReport(
  run: {
    readonly scenario: Scenario;
    readonly file?: string;
    readonly provers: StressReport['provers'];
    readonly started: Date;
    readonly t0: number;
  },
  results: Pick<StressReport, 'families' | 'tamper' | 'failures' | 'queue'>,
): StressReport {
  const partial = {
    schema: 'p3ts-stress-report/1' as const,
    scenario: { ...run.scenario, ...(run.file ? { file: run.file } : {}) },
    provers: run.provers,
    startedAt: run.started.toISOString(),
    durationMs: Math.round(performance.now() - run.t0),
    machine: machineInfo(),
    ...results,
  };
  return { ...partial, verdict: verdictOf(partial) };
}

/**
 * Node version, CPU, memory and git revision of this run.
 * @returns the machine details
 */
export function machineInfo(): MachineInfo {
  let git = 'nogit';
  try {
    git = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  const c = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuModel: c[0]?.model ?? 'unknown',
    cores: c.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    git,
  };
}

/** Counters of tamper attempts. */
export interface TamperCounts {
  attempts: number;
  rejected: number;
  accepted: number;
  /** Rejections with code INTERNAL_INVARIANT, or a verifier that threw. */
  internal: number;
}

/** Per-family results. */
export interface FamilyReport {
  readonly name: string;
  readonly size: string;
  readonly logRows: number;
  readonly width: number;
  readonly circuitId: string;
  readonly proofs: number;
  readonly failures: number;
  readonly proveMs: Summary;
  readonly verifyMs: Summary;
  readonly proofBytes: Summary;
  /** Verification latency of the tampered inputs of this family. */
  readonly tamperVerifyMs: Summary;
  /** Mean phase timings of the valid proofs. */
  readonly phasesMeanMs: Omit<ProvePhases, 'ledger'> | null;
  readonly thresholds: { readonly proveP95Ms?: number; readonly verifyP95Ms?: number };
  readonly tamper: TamperCounts;
  /** Raw samples (ms) for plots, in completion order. */
  readonly samples: { readonly proveMs: readonly number[]; readonly verifyMs: readonly number[] };
}

/** One failure of the honest path (prover error or a valid proof rejected). */
export interface FailureRecord {
  readonly family: string;
  readonly index: number;
  readonly stage: 'prove' | 'verify';
  readonly message: string;
}

/** A tamper case that did not behave as its catalogue entry says. */
export interface TamperNote {
  readonly family: string;
  readonly variant: string;
  readonly id: string;
  readonly code: string;
  readonly expected?: readonly string[];
  readonly detail?: string;
}

/** Tamper results of the whole run. */
export interface TamperReport extends TamperCounts {
  /** Cases that did not apply to a proof, or left it unchanged. */
  skipped: number;
  /** Rejections whose code is outside the case's expected set (informational). */
  codeMismatches: number;
  readonly byClass: Record<string, TamperCounts>;
  /** `production` (the scenario preset) and `no-pow` (both PoW values 0). */
  readonly byVariant: Record<string, TamperCounts>;
  /** Rejection-code histogram. */
  readonly codes: Record<string, number>;
  /** Codes per case id (random mutations pooled under `R.random`). */
  readonly cases: Record<string, Record<string, number>>;
  /** Every accepted tampered input (must stay empty). */
  readonly acceptedCases: TamperNote[];
  /** Internal invariants, and the first 50 code mismatches. */
  readonly notes: TamperNote[];
  verifyMs: Summary;
}

/** A tamper report with nothing counted yet (filled by the harness; empty in queue runs). */
export function emptyTamperReport(): TamperReport {
  return {
    attempts: 0,
    rejected: 0,
    accepted: 0,
    internal: 0,
    skipped: 0,
    codeMismatches: 0,
    byClass: {},
    byVariant: {},
    codes: {},
    cases: {},
    acceptedCases: [],
    notes: [],
    verifyMs: summarize([]),
  };
}

/** One phase of a queue scenario: N worker processes proving every job of the run. */
export interface QueuePhaseReport {
  /** Worker processes. */
  readonly workers: number;
  /** Pool workers per process. */
  readonly concurrency: number;
  /** Jobs submitted. */
  readonly proofs: number;
  /** Jobs completed (a stored, verified proof). */
  readonly completed: number;
  /** Jobs that ended failed. */
  readonly failed: number;
  /** Jobs neither completed nor failed when the phase ended. */
  readonly lost: number;
  /** Completion records beyond the first for the same job id (must be 0). */
  readonly duplicated: number;
  /** Stored proofs the harness's own verification rejected (must be 0). */
  readonly verifyFailures: number;
  /** First submit to last completion, ms. */
  readonly durationMs: number;
  /** Completed proofs per second over durationMs. */
  readonly throughput: number;
  /** End-to-end latency per job (enqueue -> done), ms. */
  readonly latencyMs: Summary;
  /** Jobs completed per worker process. */
  readonly perWorker: Readonly<Record<string, number>>;
}

/** The queue part of a report (scenario mode `queue`). */
export interface QueueReport {
  /** `spawn` or the Redis URL used. */
  readonly redis: string;
  readonly phases: readonly QueuePhaseReport[];
  /** Throughput of the last phase / the first (null with one phase). */
  readonly speedup: number | null;
  readonly minSpeedup?: number;
}

/** The report file. */
export interface StressReport {
  readonly schema: 'p3ts-stress-report/1';
  /** The scenario run, with the file it was read from (when it came from one). */
  readonly scenario: Scenario & { readonly file?: string };
  /** Which provers ran (worker_threads, main-thread or queue-workers), how many, and a note. */
  readonly provers: { readonly kind: string; readonly size: number; readonly note?: string };
  /** Start of the run (ISO 8601). */
  readonly startedAt: string;
  /** Wall time of the whole run, ms. */
  readonly durationMs: number;
  readonly machine: MachineInfo;
  /** Per-family proofs, timings and sizes, in scenario order. */
  readonly families: readonly FamilyReport[];
  /** Tamper attempts and their outcomes (all zero in queue runs). */
  readonly tamper: TamperReport;
  /** Every proof or verification that failed. */
  readonly failures: readonly FailureRecord[];
  /** Queue scenarios: per-phase throughput, latency and job accounting. */
  readonly queue?: QueueReport;
  readonly verdict: Verdict;
}

/** Pass or fail, with every reason for a failure. */
export interface Verdict {
  readonly pass: boolean;
  readonly reasons: readonly string[];
}

/**
 * The acceptance verdict of a report.
 * @param r the report (its verdict field is ignored)
 * @returns pass/fail and the reasons
 */
export function verdictOf(r: Omit<StressReport, 'verdict'>): Verdict {
  const reasons: string[] = [];
  for (const f of r.families) {
    const pt = f.thresholds.proveP95Ms;
    if (pt !== undefined && f.proveMs.p95 !== null && f.proveMs.p95 > pt)
      reasons.push(`${f.name}: prove p95 ${f.proveMs.p95.toFixed(1)} ms > threshold ${pt} ms`);
    const vt = f.thresholds.verifyP95Ms;
    if (vt !== undefined && f.verifyMs.p95 !== null && f.verifyMs.p95 > vt)
      reasons.push(`${f.name}: verify p95 ${f.verifyMs.p95.toFixed(1)} ms > threshold ${vt} ms`);
  }
  if (r.failures.length > r.scenario.thresholds.maxFailures)
    reasons.push(
      `${r.failures.length} honest-path failures > max_failures ${r.scenario.thresholds.maxFailures}`,
    );
  if (r.tamper.accepted > 0) reasons.push(`${r.tamper.accepted} tampered proofs ACCEPTED`);
  if (r.queue) {
    for (const p of r.queue.phases) {
      const at = `queue phase ${p.workers} worker(s)`;
      if (p.lost > 0) reasons.push(`${at}: ${p.lost} jobs lost`);
      if (p.duplicated > 0) reasons.push(`${at}: ${p.duplicated} duplicated results`);
      if (p.verifyFailures > 0) reasons.push(`${at}: ${p.verifyFailures} stored proofs do not verify`);
    }
    const q = r.queue;
    if (q.minSpeedup !== undefined && q.speedup !== null && q.speedup < q.minSpeedup)
      reasons.push(`queue speedup ${q.speedup.toFixed(2)}x < min_speedup ${q.minSpeedup}x`);
  }
  if (r.tamper.internal > 0) reasons.push(`${r.tamper.internal} internal invariants tripped`);
  return { pass: reasons.length === 0, reasons };
}

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? '-' : v.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(header), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The acceptance table: per-family latencies and sizes against thresholds, the tamper summary
 * per class, and the verdict.
 * @param r the report
 * @returns printable text
 */
export function acceptanceTable(r: StressReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `scenario ${r.scenario.name} (preset ${r.scenario.preset}, ${r.provers.size} ${r.provers.kind} provers) on ${m.cpuModel} x${m.cores}, node ${m.node}, git ${m.git}`,
  );
  out.push(`started ${r.startedAt}, ${(r.durationMs / 1000).toFixed(1)} s`);
  out.push('');
  out.push(
    table(
      [
        'family',
        'rows',
        'proofs',
        'fail',
        'prove p50',
        'p95',
        'p99',
        'limit',
        'verify p50',
        'p95',
        'p99',
        'limit',
        'size KiB',
        'ok',
      ],
      r.families.map((f) => {
        const pOk = f.thresholds.proveP95Ms === undefined || (f.proveMs.p95 ?? 0) <= f.thresholds.proveP95Ms;
        const vOk =
          f.thresholds.verifyP95Ms === undefined || (f.verifyMs.p95 ?? 0) <= f.thresholds.verifyP95Ms;
        return [
          f.name,
          `2^${f.logRows}`,
          String(f.proofs),
          String(f.failures),
          fmt(f.proveMs.p50),
          fmt(f.proveMs.p95),
          fmt(f.proveMs.p99),
          fmt(f.thresholds.proveP95Ms, 0),
          fmt(f.verifyMs.p50),
          fmt(f.verifyMs.p95),
          fmt(f.verifyMs.p99),
          fmt(f.thresholds.verifyP95Ms, 0),
          fmt(f.proofBytes.p50 === null ? null : f.proofBytes.p50 / 1024),
          pOk && vOk && f.failures === 0 ? 'yes' : 'NO',
        ];
      }),
    ),
  );
  out.push('(latencies in ms; limit = p95 threshold)');
  out.push('');
  if (r.queue) {
    const q = r.queue;
    out.push(
      table(
        [
          'workers',
          'x conc',
          'jobs',
          'done',
          'failed',
          'lost',
          'dup',
          'bad',
          'secs',
          'proofs/s',
          'e2e p50',
          'p95',
        ],
        q.phases.map((p) => [
          String(p.workers),
          String(p.concurrency),
          String(p.proofs),
          String(p.completed),
          String(p.failed),
          String(p.lost),
          String(p.duplicated),
          String(p.verifyFailures),
          fmt(p.durationMs / 1000),
          fmt(p.throughput, 2),
          fmt(p.latencyMs.p50, 0),
          fmt(p.latencyMs.p95, 0),
        ]),
      ),
    );
    out.push(
      `queue (redis ${q.redis}): throughput ratio last/first ${q.speedup === null ? '-' : `${q.speedup.toFixed(2)}x`}${q.minSpeedup !== undefined ? ` (required ${q.minSpeedup}x)` : ''}; e2e = enqueue -> stored proof, ms; bad = stored proofs that failed verification`,
    );
    out.push('');
  }
  const t = r.tamper;
  const classes = Object.keys(t.byClass).sort();
  out.push(
    table(
      ['tamper class', 'attempts', 'rejected', 'accepted', 'internal'],
      [
        ...classes.map((c) => {
          const x = t.byClass[c];
          return [c, String(x.attempts), String(x.rejected), String(x.accepted), String(x.internal)];
        }),
        ...Object.entries(t.byVariant).map(([v, x]) => [
          `(${v})`,
          String(x.attempts),
          String(x.rejected),
          String(x.accepted),
          String(x.internal),
        ]),
        ['total', String(t.attempts), String(t.rejected), String(t.accepted), String(t.internal)],
      ],
    ),
  );
  out.push(
    `tamper verify latency ms: p50 ${fmt(t.verifyMs.p50)}  p95 ${fmt(t.verifyMs.p95)}  p99 ${fmt(t.verifyMs.p99)}; skipped (not applicable) ${t.skipped}; code mismatches ${t.codeMismatches}`,
  );
  const top = Object.entries(t.codes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  out.push(`rejection codes (top): ${top}`);
  for (const a of t.acceptedCases) out.push(`ACCEPTED: ${a.family} ${a.variant} ${a.id}`);
  out.push('');
  out.push(r.verdict.pass ? 'VERDICT: PASS' : `VERDICT: FAIL\n  - ${r.verdict.reasons.join('\n  - ')}`);
  return out.join('\n');
}
