/**
 * Shared benchmark plumbing (tinybench): the suite contract, a timing helper that turns tinybench
 * latencies into rows, machine details, and the Plonky3 reference figures printed beside ours.
 *
 * A suite is a module exporting `run(opts: BenchOptions): Promise<BenchRow[]>`; bench/run.ts lists
 * the suites. Inputs must be built outside the timed functions. No Plonky3 file is mirrored here.
 */

import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';

/** Options every suite receives. */
export interface BenchOptions {
  /** Short budgets and the smallest sizes only (CI smoke run). */
  readonly quick: boolean;
  /** Progress lines go here (stderr by default). */
  readonly log: (msg: string) => void;
}

/** A Plonky3 figure printed beside one of ours. */
export interface ReferenceFigure {
  readonly value: number;
  readonly unit: string;
  /** Which build/threads, e.g. 'scalar 1 thread'. */
  readonly label: string;
}

/** One measured figure. */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  /** Problem size (elements, rows, permutations...) when meaningful. */
  readonly n?: number;
  /** 'ns/element', 'ms', 'ops/s', ... */
  readonly unit: string;
  /** The figure, in unit (median of the samples for latencies). */
  readonly value: number;
  /** Relative margin of error of the mean latency, percent. */
  readonly rme?: number;
  /** Number of timed samples. */
  readonly samples?: number;
  /** Equivalent Plonky3 figures, if any. */
  readonly reference?: readonly ReferenceFigure[];
  readonly note?: string;
}

/** A timed case for `measure`. */
export interface BenchCase {
  readonly name: string;
  /** The timed function (inputs prepared outside). */
  readonly fn: () => unknown;
  readonly n?: number;
  /** 'ms' (per call) or 'ns/element' (per call divided by elementsPerCall). */
  readonly unit: 'ms' | 'ns/element';
  /** Elements per call, for 'ns/element'. */
  readonly elementsPerCall?: number;
  /** Heavy cases (> 100 ms per call) run fewer iterations. */
  readonly heavy?: boolean;
  readonly reference?: readonly ReferenceFigure[];
  readonly note?: string;
}

/**
 * Times each case with tinybench, one after another, and returns one row per case.
 * @param suite suite name written into each row
 * @param cases cases to time
 * @param opts suite options
 * @returns rows with the median latency in the case's unit
 */
export async function measure(
  suite: string,
  cases: readonly BenchCase[],
  opts: BenchOptions,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const bench = new Bench({
      name: `${suite}/${c.name}`,
      time: opts.quick ? 100 : c.heavy ? 2000 : 1000,
      warmupTime: opts.quick ? 20 : 100,
      iterations: opts.quick ? 2 : c.heavy ? 5 : 20,
      warmupIterations: c.heavy || opts.quick ? 1 : 5,
    });
    bench.add(c.name, c.fn);
    await bench.run();
    const r = bench.tasks[0].result;
    if (r.state !== 'completed') {
      const err = r.state === 'errored' ? String(r.error) : r.state;
      throw new Error(`bench ${suite}/${c.name}: ${err}`);
    }
    const ms = r.latency.p50;
    const value = c.unit === 'ms' ? ms : (ms * 1e6) / (c.elementsPerCall ?? 1);
    const row: BenchRow = {
      suite,
      name: c.name,
      n: c.n,
      unit: c.unit,
      value,
      rme: r.latency.rme,
      samples: r.latency.samples?.length ?? r.totalTime / Math.max(r.period, 1e-9),
      reference: c.reference,
      note: c.note,
    };
    opts.log(`  ${suite}/${c.name}: ${formatValue(value)} ${c.unit}`);
    rows.push(row);
  }
  return rows;
}

/** Formats a figure with 3 significant digits (more for large values). */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

/** Machine details recorded with every results file. */
export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memGiB: number;
  /** 1-minute load average when the run started (other processes on the machine skew timings). */
  readonly loadAvg1?: number;
}

/** Node version, CPU model, core count and memory of this machine. */
export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpuModel: c[0]?.model ?? 'unknown',
    cores: c.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAvg1: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** Short git sha of HEAD, or 'nogit'. */
export function gitShortSha(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'nogit';
  }
}

/**
 * Builds the Node worker bundle (scripts/build.mjs buildNodeWorker) for the suites that prove on a
 * worker pool.
 * @returns the worker entry's path
 */
export async function buildWorkerBundle(): Promise<string> {
  const mod = (await import(pathToFileURL(resolve('scripts/build.mjs')).href)) as {
    buildNodeWorker(o: { outfile: string }): Promise<string>;
  };
  return mod.buildNodeWorker({ outfile: resolve('.tmp/bench-worker/worker.js') });
}

/** Where the Plonky3 reference figures live, and how to cite them. */
export const PLONKY3_REFERENCE_FILE = 'bench/reference/plonky3-v0.4.0-benchmarks.json';
/** Citation printed with every reference figure. */
export const PLONKY3_REFERENCE_CITATION =
  'Plonky3 v0.4.0 Rust build on this machine kind, vectors/reference/benchmarks.json (copied to bench/reference/plonky3-v0.4.0-benchmarks.json)';

/** One raw row of the Plonky3 benchmarks file (results_main_run.<build>_threads<k>[i]). */
export interface Plonky3Row {
  readonly bench: string;
  readonly [key: string]: unknown;
}

/** The runs of the reference file: key like 'default_threads1' (scalar), 'avx2_threads1', 'native_threads1'. */
export type Plonky3Runs = Readonly<Record<string, readonly Plonky3Row[]>>;

let plonky3Cache: Plonky3Runs | null = null;

/**
 * Loads results_main_run of the Plonky3 reference file (cached); empty if the file is missing.
 * @returns runs keyed by build and thread count
 */
export function plonky3Runs(): Plonky3Runs {
  if (plonky3Cache === null) {
    try {
      const raw = JSON.parse(readFileSync(PLONKY3_REFERENCE_FILE, 'utf8')) as {
        results_main_run?: Plonky3Runs;
      };
      plonky3Cache = raw.results_main_run ?? {};
    } catch {
      plonky3Cache = {};
    }
  }
  return plonky3Cache;
}

const BUILD_LABELS: Readonly<Record<string, string>> = {
  default_threads1: 'scalar 1T',
  avx2_threads1: 'AVX2 1T',
  native_threads1: 'AVX-512 1T',
  default_threads2: 'scalar 2T',
  avx2_threads2: 'AVX2 2T',
  native_threads2: 'AVX-512 2T',
};

/**
 * Picks reference figures: for each single-thread build, the first row matching `match`, mapped by `pick`.
 * @param match selects the row (e.g. bench === 'dft' && rows === 2^20 && impl === 'Radix2DitParallel')
 * @param pick the figure in our unit, or undefined to skip
 * @param unit unit of the figure
 * @param runs which runs to search (default: the three single-thread builds)
 * @returns figures labelled by build
 */
export function plonky3Reference(
  match: (r: Plonky3Row) => boolean,
  pick: (r: Plonky3Row) => number | undefined,
  unit: string,
  runs: readonly string[] = ['default_threads1', 'avx2_threads1', 'native_threads1'],
): ReferenceFigure[] {
  const all = plonky3Runs();
  const out: ReferenceFigure[] = [];
  for (const key of runs) {
    const row = all[key]?.find(match);
    const v = row === undefined ? undefined : pick(row);
    if (v !== undefined && Number.isFinite(v)) out.push({ value: v, unit, label: BUILD_LABELS[key] ?? key });
  }
  return out;
}

/** The Plonky3 v0.6.2 figures recorded with the CPU-path issue (one thread, c100), and how to cite them. */
export const PLONKY3_V062_FILE = 'bench/reference/plonky3-v0.6.2-recorded.json';
/** Citation printed with the v0.6.2 figures. */
export const PLONKY3_V062_CITATION =
  'Plonky3 v0.6.2 built from its tag, measured beside plonky3-ts on this machine kind and recorded with the CPU-path issue (bench/reference/plonky3-v0.6.2-recorded.json)';

interface V062Figure {
  readonly case: string;
  readonly build: string;
  readonly threads: number;
  readonly ms: number;
}

let v062Cache: readonly V062Figure[] | null = null;

/**
 * The recorded Plonky3 v0.6.2 figures of one case, labelled `v0.6.2 scalar 1T` etc. (ms); none
 * if the file is missing.
 * @param caseName e.g. 'fibonacci 2^16 prove'
 * @returns the figures
 */
export function plonky3V062(caseName: string): ReferenceFigure[] {
  if (v062Cache === null) {
    try {
      v062Cache = (JSON.parse(readFileSync(PLONKY3_V062_FILE, 'utf8')) as { figures: V062Figure[] }).figures;
    } catch {
      v062Cache = [];
    }
  }
  return v062Cache
    .filter((f) => f.case === caseName)
    .map((f) => ({ value: f.ms, unit: 'ms', label: `v0.6.2 ${f.build} ${f.threads}T` }));
}

/** Units where a larger figure is better; for the rest (times, sizes) smaller is better. */
const HIGHER_IS_BETTER: ReadonlySet<string> = new Set(['ops/s', 'x']);

/**
 * Ours against each recorded Plonky3 figure, as a cost ratio (>1: ours is slower or larger):
 * ours / theirs for times and sizes, theirs / ours for rates.
 * @param r a row
 * @returns e.g. 'scalar 1T 2.31x; AVX2 1T 9.80x', or '' without figures
 */
export function referenceRatios(r: BenchRow): string {
  return (r.reference ?? [])
    .filter((f) => f.unit === r.unit && f.value > 0 && r.value > 0)
    .map((f) => {
      const ratio = HIGHER_IS_BETTER.has(r.unit) ? f.value / r.value : r.value / f.value;
      return `${f.label} ${ratio.toFixed(2)}x`;
    })
    .join('; ');
}
