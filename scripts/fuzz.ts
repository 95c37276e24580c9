/**
 * `npm run fuzz -- [--time SEC | --inputs N] [--ci] [--workers N] [--seed N] [--slow-ms MS]
 *                  [--out DIR] [--examples]`
 * Fuzzes `verify` (both wire formats) with structure-aware mutations of valid proofs
 * (test/fuzz/verify-fuzz.ts) on worker threads, prints inputs/s and the outcome counts as it goes,
 * and saves every finding (an accepted tampered input, a throw, INTERNAL_INVARIANT, an unknown
 * code, or an input slower than --slow-ms) under test/fuzz/regressions/ for the replay test.
 *
 *   npm run fuzz -- --time 600              ten minutes
 *   npm run fuzz -- --inputs 100000 --ci    the CI slice: one summary line, exit 1 on any finding
 *   npm run fuzz -- --examples              (re)writes the hand-picked example inputs
 *
 * Exit codes: 0 no findings, 1 findings, 2 usage error.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  applyPlan,
  buildSeeds,
  checkInput,
  emptyCounts,
  type FuzzCounts,
  type FuzzInput,
  fuzzLoop,
  type Plan,
  type RegressionFile,
  toRegression,
} from '../test/fuzz/verify-fuzz.ts';

interface Job {
  readonly index: number;
  readonly fcSeed: number;
  readonly inputs: number;
  readonly deadlineEpochMs: number;
  readonly slowMs: number;
}
type Msg =
  | { readonly type: 'progress'; readonly index: number; readonly counts: FuzzCounts }
  | {
      readonly type: 'done';
      readonly index: number;
      readonly counts: FuzzCounts;
      readonly findings: { kind: string; note: string; file: RegressionFile }[];
    }
  | { readonly type: 'error'; readonly index: number; readonly message: string };

const HELP = `usage: npm run fuzz -- [--time SEC | --inputs N] [--ci] [--workers N] [--seed N] [--slow-ms MS] [--out DIR] [--examples]`;

async function worker(job: Job): Promise<void> {
  const post = (m: Msg): void => parentPort?.postMessage(m);
  try {
    const { seeds, donors } = await buildSeeds();
    const deadline = performance.now() + (job.deadlineEpochMs - Date.now());
    let last = 0;
    const { counts, findings } = fuzzLoop({
      seeds,
      donors,
      fcSeed: job.fcSeed,
      inputs: job.inputs,
      deadline,
      slowMs: job.slowMs,
      onBatch: (c) => {
        if (performance.now() - last > 1000) {
          last = performance.now();
          post({ type: 'progress', index: job.index, counts: c });
        }
      },
    });
    post({
      type: 'done',
      index: job.index,
      counts,
      findings: findings.map((f) => ({
        kind: f.kind,
        note: `${f.kind}: ${f.outcome.code} ${f.outcome.detail} (${f.outcome.ms.toFixed(0)} ms)`,
        file: toRegression(f.input, f.kind, `fuzz finding: ${f.outcome.code} ${f.outcome.detail}`, {
          plan: f.plan,
        }),
      })),
    });
  } catch (e) {
    post({
      type: 'error',
      index: job.index,
      message: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  }
}

function merge(into: FuzzCounts, c: FuzzCounts): void {
  for (const k of [
    'inputs',
    'rejected',
    'identical',
    'accepted',
    'threw',
    'internal',
    'unknownCode',
    'slow',
  ] as const)
    into[k] += c[k];
  into.maxMs = Math.max(into.maxMs, c.maxMs);
  for (const [code, n] of Object.entries(c.codes)) into.codes[code] = (into.codes[code] ?? 0) + n;
}

const saveName = (f: RegressionFile): string =>
  `${f.kind}-${f.seed}-${f.format}-${createHash('sha256').update(f.bytesHex).update(f.publicValues.join(',')).digest('hex').slice(0, 12)}.json`;

/** Hand-picked inputs for the replay test: one per mutation family, each with its code at save time. */
async function writeExamples(out: string): Promise<number> {
  const { seeds, donors } = await buildSeeds();
  const examples: [string, Plan][] = [
    [
      'inflated length prefix (2^53 - 1) in the postcard body',
      { seed: 0, envelope: false, ops: [['inflateLength', 3, 11, 0]] },
    ],
    ['10-byte varint length (2^64 - 1)', { seed: 2, envelope: true, ops: [['inflateLength', 7, 12, 0]] }],
    ['padded (non-minimal) varint', { seed: 1, envelope: false, ops: [['nonCanonicalVarint', 40, 0, 0]] }],
    ['field element = p', { seed: 1, envelope: true, ops: [['fieldValue', 17, 0, 0]] }],
    ['two 8-token runs (digests) swapped', { seed: 1, envelope: false, ops: [['swapRuns', 3, 60, 2]] }],
    ['a run spliced in from another valid proof', { seed: 0, envelope: true, ops: [['splice', 4, 100, 3]] }],
    ['body truncated', { seed: 2, envelope: false, ops: [['truncate', 500, 0, 0]] }],
    ['envelope body length + 1', { seed: 0, envelope: true, ops: [['envelope', 3, 0, 0]] }],
    ['envelope with another configuration digest', { seed: 0, envelope: true, ops: [['envelope', 1, 1, 0]] }],
    ['public value appended', { seed: 2, envelope: true, ops: [['publics', 2, 0, 5]] }],
    [
      'a canonical field element changed (no PoW)',
      { seed: 1, envelope: false, ops: [['fieldValue', 0, 7, 12345]] },
    ],
    ['a public value + 1 (PoW)', { seed: 0, envelope: true, ops: [['publics', 0, 2, 0]] }],
    [
      'a run of another valid proof of the same AIR spliced in',
      { seed: 1, envelope: false, ops: [['splice', 5, 39, 2]] },
    ],
  ];
  mkdirSync(out, { recursive: true });
  let n = 0;
  for (const [note, plan] of examples) {
    const input: FuzzInput = applyPlan(plan, seeds, donors);
    const r = checkInput(input, seeds[plan.seed]);
    if (r.kind !== 'rejected') throw new Error(`example '${note}' was not rejected: ${r.kind} ${r.code}`);
    const file = toRegression(input, 'example', note, { plan, expectCode: r.code });
    writeFileSync(join(out, saveName(file)), `${JSON.stringify(file, null, 1)}\n`);
    console.log(`  ${r.code.padEnd(28)} ${note}`);
    n++;
  }
  return n;
}

async function main(): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: process.argv.slice(2),
      options: {
        time: { type: 'string' },
        inputs: { type: 'string' },
        ci: { type: 'boolean' },
        workers: { type: 'string' },
        seed: { type: 'string' },
        'slow-ms': { type: 'string' },
        out: { type: 'string', default: 'test/fuzz/regressions' },
        examples: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const num = (k: string, dflt: number, lo: number): number => {
    const s = v[k];
    if (s === undefined) return dflt;
    if (typeof s !== 'string' || !/^\d+$/.test(s) || Number(s) < lo)
      throw new Error(`--${k} expects an integer >= ${lo}`);
    return Number(s);
  };
  let time: number;
  let inputs: number;
  let workers: number;
  let seed: number;
  let slowMs: number;
  try {
    inputs = num('inputs', v.time === undefined ? 100_000 : Number.MAX_SAFE_INTEGER, 1);
    time = num('time', v.inputs === undefined ? 60 : 24 * 3600, 1);
    workers = num('workers', Math.max(1, Math.min(availableParallelism(), 8)), 1);
    seed = num('seed', Date.now() % 2 ** 31, 0);
    slowMs = num('slow-ms', 5000, 1);
  } catch (e) {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}\n${HELP}`);
    return 2;
  }
  const out = resolve(String(v.out));
  if (v.examples) {
    const n = await writeExamples(out);
    console.log(`wrote ${n} examples to ${out}`);
    return 0;
  }
  const t0 = Date.now();
  const deadlineEpochMs = t0 + time * 1000;
  const per = Math.ceil(inputs / workers);
  const progress = new Map<number, FuzzCounts>();
  const total = emptyCounts();
  const findings: { kind: string; note: string; file: RegressionFile }[] = [];
  const errors: string[] = [];
  const line = (c: FuzzCounts): string => {
    const s = (Date.now() - t0) / 1000;
    const m = c.inputs - c.identical;
    return `${m} mutated inputs in ${s.toFixed(1)} s (${(m / Math.max(s, 1e-3)).toFixed(0)}/s): rejected ${c.rejected}, accepted ${c.accepted}, threw ${c.threw}, internal ${c.internal}, unknown codes ${c.unknownCode}, slow ${c.slow}, slowest ${c.maxMs.toFixed(0)} ms (plus ${c.identical} plans that cancelled out)`;
  };
  console.log(
    `fuzz: verify, envelope + postcard, ${workers} worker(s), seed ${seed}, ${v.inputs !== undefined ? `${inputs} inputs` : ''}${v.inputs !== undefined && v.time !== undefined ? ' or ' : ''}${v.time !== undefined || v.inputs === undefined ? `${time} s` : ''}`,
  );
  const ticker = v.ci
    ? undefined
    : setInterval(() => {
        const c = emptyCounts();
        for (const p of progress.values()) merge(c, p);
        console.log(`  ${line(c)}`);
      }, 5000);
  await Promise.all(
    Array.from({ length: workers }, (_, index) => {
      const job: Job = {
        index,
        fcSeed: (seed + index * 1_000_003) | 0,
        inputs: per,
        deadlineEpochMs,
        slowMs,
      };
      return new Promise<void>((done) => {
        const w = new Worker(new URL(import.meta.url), { workerData: job });
        w.on('message', (m: Msg) => {
          if (m.type === 'progress') progress.set(m.index, m.counts);
          else if (m.type === 'done') {
            progress.set(m.index, m.counts);
            merge(total, m.counts);
            findings.push(...m.findings);
          } else errors.push(`worker ${m.index}: ${m.message}`);
        });
        w.on('error', (e) => errors.push(`worker ${index}: ${e.message}`));
        w.on('exit', () => done());
      });
    }),
  );
  if (ticker) clearInterval(ticker);
  for (const f of findings) {
    mkdirSync(out, { recursive: true });
    const name = saveName(f.file);
    writeFileSync(join(out, name), `${JSON.stringify(f.file, null, 1)}\n`);
    console.log(`FINDING ${f.note} -> ${join(out, name)}`);
  }
  for (const e of errors) console.error(`fuzz: ${e}`);
  if (!v.ci) {
    const top = Object.entries(total.codes).sort((a, b) => b[1] - a[1]);
    console.log('codes:');
    for (const [code, n] of top) console.log(`  ${code.padEnd(34)} ${n}`);
  }
  console.log(
    `fuzz ${findings.length === 0 && errors.length === 0 ? 'PASSED' : 'FAILED'}: ${line(total)}; findings ${findings.length}`,
  );
  return findings.length === 0 && errors.length === 0 ? 0 : 1;
}

if (isMainThread) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    },
  );
} else {
  void worker(workerData as Job);
}
