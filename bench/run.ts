/**
 * Benchmark runner: `npm run bench -- [--suite NAME]... [--quick] [--baseline FILE] [--out FILE]
 * [--compare A,B] [--markdown] [--from FILE]`.
 * Runs the registered suites, prints a table (with the recorded Plonky3 figures where a suite
 * supplies them and the ratio of ours to each, and ratios against a baseline results file), and
 * writes JSON to bench/results/<YYYY-MM-DD>-<git short sha>.json unless --out says otherwise.
 * --compare cpu,webgpu pairs rows of one suite named `cpu <case>` and `webgpu <case>` measured in
 * this run and prints their ratio; --markdown prints the tables as markdown, one per suite;
 * --from FILE runs nothing and prints the tables of a committed results file (the README's tables
 * are `npm run bench -- --markdown --from FILE [--suite NAME]`), naming the file under each table.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BenchOptions,
  type BenchRow,
  formatValue,
  gitShortSha,
  machineInfo,
  PLONKY3_REFERENCE_CITATION,
  PLONKY3_V062_CITATION,
  referenceRatios,
} from './lib.ts';

/** A registered suite: a name and a loader for a module exporting `run`. */
interface SuiteEntry {
  readonly name: string;
  /** Loads the suite module; resolves to null when the module does not exist yet. */
  readonly load: () => Promise<SuiteModule | null>;
}

type SuiteModule = { run: (opts: BenchOptions) => Promise<BenchRow[]> };

/**
 * Imports bench/<name>.bench.ts if it exists, else null. scripts/run-ts.mjs bundles with esbuild,
 * which includes every file matching the template below at bundle time.
 */
async function optional(name: string): Promise<SuiteModule | null> {
  if (!existsSync(resolve(`bench/${name}.bench.ts`))) return null;
  return (await import(`./${name}.bench.ts`)) as SuiteModule;
}

// ---- suite registry: one line per suite. Add new suites here. ----
const SUITES: readonly SuiteEntry[] = [
  { name: 'primitives', load: async () => import('./primitives.bench.ts') },
  // hash: Poseidon2 + Merkle rows (bench/hash.bench.ts, owned by the hash engineer); skipped until it exists.
  { name: 'hash', load: () => optional('hash') },
  // prove: end-to-end proving (bench/prove.bench.ts); skipped until it exists.
  { name: 'prove', load: () => optional('prove') },
  // gpu: WebGPU kernels vs CPU (bench/gpu.bench.ts); skipped until it exists.
  { name: 'gpu', load: () => optional('gpu') },
  // workers: 2^18 Fibonacci proof at 1, 2 and N workers vs CpuBackend (bench/workers.bench.ts).
  { name: 'workers', load: () => optional('workers') },
  { name: 'browser', load: () => optional('browser') },
];
// ---- end of suite registry ----

interface ResultsFile {
  readonly date: string;
  readonly git: string;
  readonly quick: boolean;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly referenceCitation: string;
  readonly rows: readonly BenchRow[];
}

function today(): string {
  const d = new Date();
  const pad = (x: number): string => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Prints aligned columns, or a markdown table when `markdown`. */
function printColumns(lines: string[][], markdown: boolean, rightAligned: number): void {
  if (markdown) {
    const esc = (c: string): string => c.replace(/\|/g, '\\|');
    console.log(`| ${lines[0].map(esc).join(' | ')} |`);
    console.log(`| ${lines[0].map((_, i) => (i === rightAligned ? '---:' : '---')).join(' | ')} |`);
    for (const l of lines.slice(1)) console.log(`| ${l.map(esc).join(' | ')} |`);
    return;
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const [k, l] of lines.entries()) {
    console.log(
      l.map((cell, i) => (i === rightAligned ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  '),
    );
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/**
 * Prints A/B ratios of rows measured in this run: rows `A <case>` and `B <case>` of the same suite
 * and unit (e.g. --compare cpu,webgpu).
 */
function printCompare(rows: readonly BenchRow[], a: string, b: string, markdown: boolean): void {
  const lines: string[][] = [['suite', 'case', a, b, `${a}/${b}`, 'unit']];
  for (const r of rows) {
    if (!r.name.startsWith(`${a} `)) continue;
    const rest = r.name.slice(a.length + 1);
    const o = rows.find((x) => x.suite === r.suite && x.name === `${b} ${rest}` && x.unit === r.unit);
    if (o === undefined) continue;
    lines.push([
      r.suite,
      rest,
      formatValue(r.value),
      formatValue(o.value),
      `${(r.value / o.value).toFixed(2)}x`,
      r.unit,
    ]);
  }
  console.log(`\n${a} vs ${b}, measured in this run:`);
  if (lines.length === 1) {
    console.log(
      `  no pairs of rows named '${a} <case>' and '${b} <case>' (is the ${b} path available here?)`,
    );
    return;
  }
  printColumns(lines, markdown, 4);
}

function printTable(
  rows: readonly BenchRow[],
  baseline: Map<string, BenchRow> | null,
  markdown = false,
): void {
  const header = [
    'suite',
    'case',
    'value',
    'unit',
    '±%',
    'Plonky3 (same machine kind; v0.4.0 unless labelled v0.6.2)',
    'ours vs Plonky3 (cost, >1 = slower)',
  ];
  if (baseline) header.push('vs baseline');
  const lines: string[][] = [header];
  for (const r of rows) {
    const ref = (r.reference ?? []).map((f) => `${f.label} ${formatValue(f.value)} ${f.unit}`).join('; ');
    const line = [
      r.suite,
      r.name,
      formatValue(r.value),
      r.unit,
      r.rme === undefined ? '' : r.rme.toFixed(1),
      ref,
      referenceRatios(r),
    ];
    if (baseline) {
      const b = baseline.get(`${r.suite}/${r.name}`);
      line.push(b === undefined || b.unit !== r.unit ? '-' : `${(r.value / b.value).toFixed(2)}x`);
    }
    lines.push(line);
  }
  printColumns(lines, markdown, 2);
  if (rows.some((r) => (r.reference ?? []).length > 0))
    console.log(`\nReference figures: ${PLONKY3_REFERENCE_CITATION}; v0.6.2: ${PLONKY3_V062_CITATION}.`);
  const notes = rows.filter((r) => r.note !== undefined).map((r) => `${r.name}: ${r.note}`);
  if (notes.length > 0) console.log(`\nNotes: ${notes.join('; ')}.`);
}

/** The line naming a results file under its table(s). */
function sourceLine(path: string, f: ResultsFile): string {
  const m = f.machine;
  const load = m.loadAvg1 === undefined ? '' : `, load average ${m.loadAvg1} at start`;
  return `Data: \`${path}\` (git ${f.git}, ${f.date.slice(0, 10)}${f.quick ? ', quick run' : ''}; ${m.cpuModel} x${m.cores}, node ${m.node}${load}).`;
}

/**
 * Prints the tables of a committed results file (one per suite), each followed by the file it
 * came from. Runs nothing.
 * @param path results file (bench/results/*.json)
 * @param suites only these suites (default: every suite in the file)
 * @param markdown markdown tables
 * @param compare optional A,B row-prefix pair, as --compare
 */
function printFromFile(
  path: string,
  suites: readonly string[] | undefined,
  markdown: boolean,
  compare: string | undefined,
): void {
  const file = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  if (!Array.isArray(file.rows)) throw new Error(`${path}: not a results file (no rows)`);
  const names = [...new Set(file.rows.map((r) => r.suite))].filter(
    (n) => suites === undefined || suites.includes(n),
  );
  if (names.length === 0) throw new Error(`${path}: no rows for suite(s) ${suites?.join(', ')}`);
  for (const name of names) {
    const rows = file.rows.filter((r) => r.suite === name);
    if (markdown) console.log(`\n#### ${name}\n`);
    printTable(rows, null, markdown);
    if (compare !== undefined) {
      const [a, b] = compare.split(',').map((x) => x.trim());
      if (a && b) printCompare(rows, a, b, markdown);
    }
    console.log(`\n${sourceLine(path, file)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      baseline: { type: 'string' },
      out: { type: 'string' },
      compare: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      from: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      `usage: npm run bench -- [--suite NAME]... [--quick] [--baseline FILE] [--out FILE] [--compare A,B] [--markdown] [--from FILE]\nsuites: ${SUITES.map((s) => s.name).join(', ')}`,
    );
    return;
  }
  if (values.from !== undefined) {
    printFromFile(values.from, values.suite, values.markdown ?? false, values.compare);
    return;
  }
  const wanted = values.suite ?? SUITES.map((s) => s.name);
  const unknown = wanted.filter((w) => !SUITES.some((s) => s.name === w));
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(', ')}`);
  const opts: BenchOptions = { quick: values.quick ?? false, log: (m) => process.stderr.write(`${m}\n`) };
  const machine = machineInfo();
  const git = gitShortSha(); // the code measured: read before the run, in case HEAD moves meanwhile
  opts.log(
    `node ${machine.node}, ${machine.cpuModel} x${machine.cores}, load average ${machine.loadAvg1}${opts.quick ? ', quick' : ''}`,
  );
  const rows: BenchRow[] = [];
  for (const s of SUITES) {
    if (!wanted.includes(s.name)) continue;
    const mod = await s.load();
    if (mod === null) {
      opts.log(`suite ${s.name}: module not present, skipped`);
      continue;
    }
    opts.log(`suite ${s.name}:`);
    rows.push(...(await mod.run(opts)));
  }
  let baseline: Map<string, BenchRow> | null = null;
  if (values.baseline) {
    const b = JSON.parse(readFileSync(values.baseline, 'utf8')) as ResultsFile;
    baseline = new Map(b.rows.map((r) => [`${r.suite}/${r.name}`, r]));
  }
  console.log('');
  const markdown = values.markdown ?? false;
  for (const name of [...new Set(rows.map((r) => r.suite))]) {
    if (markdown) console.log(`\n#### ${name}\n`);
    printTable(
      rows.filter((r) => r.suite === name),
      baseline,
      markdown,
    );
  }
  if (values.compare !== undefined) {
    const [a, b] = values.compare.split(',').map((x) => x.trim());
    if (!a || !b) throw new Error('--compare expects two row prefixes, e.g. cpu,webgpu');
    printCompare(rows, a, b, values.markdown ?? false);
  }
  const out = values.out ?? `bench/results/${today()}-${git}.json`;
  const file: ResultsFile = {
    date: new Date().toISOString(),
    git,
    quick: opts.quick,
    machine,
    referenceCitation: PLONKY3_REFERENCE_CITATION,
    rows,
  };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
