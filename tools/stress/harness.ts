/**
 * The stress harness (successor of the runbook's `simnet`): proves the scenario's statements
 * with a pool of provers, verifies each valid proof on the main thread with the production
 * verifier (envelope format), then runs the tamper catalogue (tamper.ts) against the first
 * proofs of every family, under the scenario preset and, when asked, under the same preset with
 * both PoW values 0 (docs/verifier-hardening.md §4 "(T)" classes, so the deeper checks fire first).
 *
 * No Plonky3 counterpart. Invariants: every tampered input that verifies is counted as accepted
 * and fails the verdict; a verifier exception or an INTERNAL_INVARIANT rejection counts as an
 * internal invariant, never as a clean rejection.
 */
import type { Air } from '../../src/air/air.ts';
import type { NodeMetrics } from '../../src/node/metrics.ts';
import { getConfig, type StarkConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import type { ProvePhases } from '../../src/stark/prove.ts';
import { circuitIdOf, compiledFor, verify } from '../../src/stark/verify.ts';
import {
  isUnchanged,
  randomCases,
  seededRng,
  TAMPER_CATALOGUE,
  type TamperBase,
  type TamperCase,
} from '../../src/tamper/index.ts';
import { createMainThreadPool, createProverPool, type ProverPool } from './prover-pool.ts';
import { defaultProvider, type StatementProvider } from './provider.ts';
import {
  emptyTamperReport,
  type FailureRecord,
  type FamilyReport,
  finishReport,
  type StressReport,
  type TamperCounts,
  type TamperReport,
} from './report.ts';
import { allocateProofs, type FamilySpec, type Scenario } from './scenario.ts';
import { summarize } from './stats.ts';

/** Progress of a run. */

/**
 * The harness verifies deliberately weakened configurations (the no-PoW variant, B1's one-item
 * changes) and test presets named by a scenario: those run in the verifier's test mode. A shipped
 * production preset, unmodified, gets the full policy (floor checks included).
 */
const testMode = (c: StarkConfig): boolean => c.insecure || c.name.includes('+');

export interface StressProgress {
  readonly phase: 'prove' | 'tamper';
  readonly done: number;
  readonly total: number;
  /** Items per second in this phase. */
  readonly rate: number;
  /** Estimated ms left in this phase. */
  readonly etaMs: number;
}

/** Options of `runStress`. */
export interface StressOptions {
  /** Statement source (default: circuit families + built-in AIRs). Forces main-thread provers. */
  readonly provider?: StatementProvider;
  /** Progress callback (called at most every `progressEveryMs`, and at each phase end). */
  readonly onProgress?: (p: StressProgress) => void;
  readonly progressEveryMs?: number;
  /** Scenario file name recorded in the report. */
  readonly file?: string;
  /**
   * Optional Prometheus sink (src/node/metrics.ts): valid proofs go to observeProve/observeVerify,
   * tampered inputs to verifier_result_total and verifier_tamper_accepted_total. The harness does
   * not need it.
   */
  readonly metrics?: NodeMetrics;
  /** The pool's worker bundle (default dist/worker.js or $PLONKY3_WORKER_BUNDLE). */
  readonly workerUrl?: string | URL;
  /** Extra tamper cases run after the catalogue (tests: a case the verifier must accept proves the counters work). */
  readonly extraCases?: readonly TamperCase[];
}

const zero = (): TamperCounts => ({ attempts: 0, rejected: 0, accepted: 0, internal: 0 });

function ticker(phase: StressProgress['phase'], total: number, opts: StressOptions): (done: number) => void {
  const t0 = performance.now();
  let last = 0;
  return (done: number): void => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (done < total && now - last < (opts.progressEveryMs ?? 1000)) return;
    last = now;
    const el = (now - t0) / 1000;
    const rate = el > 0 ? done / el : 0;
    opts.onProgress({ phase, done, total, rate, etaMs: rate > 0 ? ((total - done) / rate) * 1000 : 0 });
  };
}

interface FamilyState {
  readonly spec: FamilySpec;
  readonly air: Air;
  readonly proofs: number;
  readonly prove: number[];
  readonly verify: number[];
  readonly sizes: number[];
  readonly tamperVerify: number[];
  readonly phases: ProvePhases[];
  readonly bases: { index: number; body: Uint8Array; publicValues: readonly number[]; config: StarkConfig }[];
  failures: number;
  readonly tamper: TamperCounts;
  logRows: number;
}

/**
 * Runs a scenario.
 * @param scenario the parsed scenario
 * @param opts provider, progress callback
 * @returns the report, verdict included
 * @throws {Error} for an unknown family or preset (before any proving)
 * @example
 * const report = await runStress(parseScenario(text), { onProgress: (p) => console.error(p.done) });
 */
export async function runStress(scenario: Scenario, opts: StressOptions = {}): Promise<StressReport> {
  if (scenario.mode === 'queue')
    throw new Error(
      `scenario ${scenario.name} is a queue scenario: run it with runQueueStress (queue-run.ts)`,
    );
  const started = new Date();
  const t0 = performance.now();
  const provider = opts.provider ?? defaultProvider();
  const config = getConfig(scenario.preset);
  const noPow = getConfig(scenario.preset, {
    ...config.fri,
    commitPowBits: 0,
    queryPowBits: 0,
    constants: config.constants,
  });
  const counts = allocateProofs(scenario.families, scenario.proofs);
  const fams: FamilyState[] = scenario.families.map((spec, i) => {
    const air = provider.air(spec);
    compiledFor(air);
    return {
      spec,
      air,
      proofs: counts[i],
      prove: [],
      verify: [],
      sizes: [],
      tamperVerify: [],
      phases: [],
      bases: [],
      failures: 0,
      tamper: zero(),
      logRows: 0,
    };
  });
  const failures: FailureRecord[] = [];

  // ---- prove and verify the valid proofs ----
  type Job = { fam: FamilyState; index: number; variant: 'production' | 'no-pow' };
  const jobs: Job[] = [];
  const maxCount = Math.max(...counts);
  for (let k = 0; k < maxCount; k++)
    for (const f of fams) if (k < f.proofs) jobs.push({ fam: f, index: k, variant: 'production' });
  if (scenario.tamper.noPowVariant && scenario.tamper.basesPerFamily > 0)
    for (const f of fams) if (f.proofs > 0) jobs.push({ fam: f, index: 0, variant: 'no-pow' });

  const pool: ProverPool =
    scenario.mode === 'threads' && opts.provider === undefined
      ? createProverPool(provider, scenario.concurrency, { workerUrl: opts.workerUrl })
      : createMainThreadPool(provider, scenario.concurrency);
  const tick = ticker('prove', jobs.length, opts);
  let done = 0;
  const noPowBases: { fam: FamilyState; base: FamilyState['bases'][number] }[] = [];
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const f = job.fam;
        const cfg = job.variant === 'production' ? config : noPow;
        try {
          const r = await pool.prove({ spec: f.spec, index: job.index, config: cfg });
          const bytes = wrapEnvelope(r.body, circuitIdOf(f.air), cfg);
          const tv = performance.now();
          const res = verify(f.air, bytes, r.publicValues, cfg, { allowInsecure: testMode(cfg) });
          const verifyMs = performance.now() - tv;
          if (job.variant === 'no-pow') {
            if (res.ok)
              noPowBases.push({
                fam: f,
                base: { index: job.index, body: r.body, publicValues: r.publicValues, config: cfg },
              });
            else
              failures.push({
                family: f.spec.name,
                index: job.index,
                stage: 'verify',
                message: `no-pow variant: ${res.code}`,
              });
          } else if (!res.ok) {
            f.failures++;
            failures.push({
              family: f.spec.name,
              index: job.index,
              stage: 'verify',
              message: `${res.code}: ${res.detail}`,
            });
          } else {
            f.prove.push(r.proveMs);
            f.verify.push(verifyMs);
            f.sizes.push(bytes.length);
            f.logRows = r.body[r.body.length - 1] & 0x7f; // degree_bits, the last (one-byte) varint
            opts.metrics?.observeProve(f.spec.name, r.proveMs / 1000, bytes.length);
            opts.metrics?.observeVerify(
              f.spec.name,
              verifyMs / 1000,
              'OK',
              segments(bytes, r.body, r.publicValues),
            );
            if (r.phases) f.phases.push(r.phases);
            if (f.bases.length < scenario.tamper.basesPerFamily)
              f.bases.push({ index: job.index, body: r.body, publicValues: r.publicValues, config });
          }
        } catch (e) {
          if (job.variant === 'production') f.failures++;
          opts.metrics?.proveFailed(f.spec.name, 'PROVER_ERROR');
          failures.push({
            family: f.spec.name,
            index: job.index,
            stage: 'prove',
            message: e instanceof Error ? e.message : String(e),
          });
        }
        tick(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, pool.size) }, lane));
  } finally {
    await pool.close();
  }

  // ---- tamper ----
  const classes = new Set(scenario.tamper.classes);
  const catalogue: TamperCase[] = TAMPER_CATALOGUE.filter((c) => classes.has(c.cls));
  if (classes.has('R')) catalogue.push(...randomCases(scenario.tamper.randomFlips));
  catalogue.push(...(opts.extraCases ?? []));
  const work: { fam: FamilyState; base: FamilyState['bases'][number]; variant: string }[] = [];
  for (const f of fams) for (const b of f.bases) work.push({ fam: f, base: b, variant: 'production' });
  for (const { fam, base } of noPowBases) work.push({ fam, base, variant: 'no-pow' });
  const tamper: TamperReport = emptyTamperReport();
  const allTamperMs: number[] = [];
  const rng = seededRng(scenario.seed);
  const tickT = ticker('tamper', work.length * catalogue.length, opts);
  let doneT = 0;
  for (const w of work) {
    const f = w.fam;
    const other = fams.find((g) => g.air.name !== f.air.name)?.air ?? null;
    const needTrace = classes.has('K');
    const base: TamperBase = {
      air: f.air,
      otherAir: other,
      body: w.base.body,
      publicValues: w.base.publicValues,
      config: w.base.config,
      trace: needTrace ? provider.statement(f.spec, w.base.index).trace : null,
    };
    for (const c of catalogue) {
      tickT(++doneT);
      let input: Awaited<ReturnType<TamperCase['apply']>>;
      try {
        input = await c.apply(base, rng);
      } catch {
        input = null;
      }
      if (input === null || isUnchanged(base, input)) {
        tamper.skipped++;
        continue;
      }
      const byClass = (tamper.byClass[c.cls] ??= zero());
      const byVariant = (tamper.byVariant[w.variant] ??= zero());
      const bump = (k: keyof TamperCounts): void => {
        tamper[k]++;
        byClass[k]++;
        byVariant[k]++;
        f.tamper[k]++;
      };
      bump('attempts');
      const tv = performance.now();
      let code: string;
      let detail = '';
      try {
        const r = verify(input.air, input.bytes, input.publicValues, input.config, {
          format: input.format,
          knownCircuits: input.knownCircuits,
          allowInsecure: testMode(input.config),
        });
        code = r.ok ? 'OK' : r.code;
        if (!r.ok) detail = r.detail;
      } catch (e) {
        code = 'THROWN';
        detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      const ms = performance.now() - tv;
      f.tamperVerify.push(ms);
      allTamperMs.push(ms);
      tamper.codes[code] = (tamper.codes[code] ?? 0) + 1;
      const perCase = (tamper.cases[c.cls === 'R' ? 'R.random' : c.id] ??= {});
      perCase[code] = (perCase[code] ?? 0) + 1;
      const note = { family: f.spec.name, variant: w.variant, id: c.id, code };
      if (opts.metrics) {
        const m = opts.metrics;
        const result = code === 'OK' ? 'accepted' : 'rejected';
        m.verifierResults.inc({ result, code: code === 'THROWN' ? 'INTERNAL_INVARIANT' : code });
        if (code === 'OK') m.tamperAccepted.inc({ proof_kind: f.spec.name });
        if (code === 'INTERNAL_INVARIANT' || code === 'THROWN') m.verifierInternalErrors.inc();
      }
      if (code === 'OK') {
        bump('accepted');
        tamper.acceptedCases.push(note);
      } else if (code === 'INTERNAL_INVARIANT' || code === 'THROWN') {
        bump('internal');
        tamper.notes.push({ ...note, detail });
      } else {
        bump('rejected');
        if (c.expect !== undefined && !c.expect.includes(code as never)) {
          tamper.codeMismatches++;
          if (tamper.notes.length < 50) tamper.notes.push({ ...note, expected: c.expect, detail });
        }
      }
    }
  }
  if (doneT === 0) tickT(0);
  tamper.verifyMs = summarize(allTamperMs);

  const families: FamilyReport[] = fams.map((f) => {
    const c = compiledFor(f.air);
    const mean = (k: Exclude<keyof ProvePhases, 'ledger'>): number =>
      f.phases.length
        ? Math.round((f.phases.reduce((s, p) => s + p[k], 0) / f.phases.length) * 1000) / 1000
        : 0;
    return {
      name: f.spec.name,
      size: f.spec.logRows === undefined ? f.spec.size : `2^${f.spec.logRows}`,
      logRows: f.logRows,
      width: c.width,
      circuitId: circuitIdOf(f.air),
      proofs: f.proofs,
      failures: f.failures,
      proveMs: summarize(f.prove),
      verifyMs: summarize(f.verify),
      proofBytes: summarize(f.sizes),
      tamperVerifyMs: summarize(f.tamperVerify),
      phasesMeanMs: f.phases.length
        ? {
            traceCommit: mean('traceCommit'),
            quotient: mean('quotient'),
            quotientCommit: mean('quotientCommit'),
            open: mean('open'),
            total: mean('total'),
          }
        : null,
      thresholds: {
        proveP95Ms: f.spec.proveP95Ms ?? scenario.thresholds.proveP95Ms,
        verifyP95Ms: f.spec.verifyP95Ms ?? scenario.thresholds.verifyP95Ms,
      },
      tamper: f.tamper,
      samples: { proveMs: f.prove.map(r3), verifyMs: f.verify.map(r3) },
    };
  });
  return finishReport(
    {
      scenario,
      file: opts.file,
      provers: { kind: pool.kind, size: pool.size, ...(pool.note ? { note: pool.note } : {}) },
      started,
      t0,
    },
    { families, tamper, failures },
  );
}

/** Segment sizes of an enveloped proof for observeVerify. */
function segments(envelope: Uint8Array, body: Uint8Array, publics: readonly number[]) {
  return {
    totalBytes: envelope.length,
    paramsBytes: envelope.length - body.length,
    publicInputsBytes: 4 * publics.length,
    payloadBytes: body.length,
  };
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;
