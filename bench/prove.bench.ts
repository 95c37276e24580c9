/**
 * Prove suite: end-to-end uni-stark proving and verification under the production preset c100
 * (= Plonky3's create_benchmark_fri_params: log_blowup 1, 100 queries, 16 query PoW bits) for
 * the Fibonacci AIR at 2^16, 2^18, 2^20 rows and the Poseidon2 AIR (8 permutations per row) at
 * 2^10 .. 2^14 rows; --quick runs Fibonacci 2^16 and Poseidon2 2^10 only; PLONKY3_PROVE_BENCH_FIB and
 * PLONKY3_PROVE_BENCH_POSEIDON2 ("16,18": log2 rows) override the sizes. Per case: prove ms,
 * verify ms, proof size (postcard body bytes) and the prove phases reported by opts.onPhases
 * (trace LDE + commit, quotient, quotient commit, FRI/open). Trace generation is outside the
 * timed call, as in Plonky3's figures.
 *
 * Fibonacci 2^16 is also proved on two threads (ParallelCpuBackend: one worker + the calling
 * thread, warmed up, byte-identical to the one-thread proof).
 *
 * The Plonky3 v0.6.2 figures recorded with the CPU-path issue (bench/reference/
 * plonky3-v0.6.2-recorded.json: Fibonacci 2^16 prove/verify, Poseidon2 AIR 2^13 prove) are
 * printed beside the rows they measure. Older Plonky3 figures (source: bench/reference/plonky3-v0.4.0-benchmarks.json,
 * "Plonky3 v0.4.0 Rust build on this machine kind"): uni_stark_fib (rows 2^16, 2^18, 2^20),
 * uni_stark_poseidon2_air (16384 and 65536 permutations = 2^11 and 2^13 rows), and the tracing
 * spans of prove_phase_breakdown_native_1thread for the phase rows (Fibonacci 2^18, 2^20).
 *
 * With a hardware WebGPU adapter (not lavapipe/llvmpipe/SwiftShader unless
 * PLONKY3_BENCH_PROVE_WEBGPU=1; never when it is 0) the Fibonacci cases are also proved with the
 * WebGPU backend: rows `cpu ...` and `webgpu ...` pair up for `--compare cpu,webgpu`.
 * No Plonky3 file is mirrored here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Air } from '../src/air/air.ts';
import {
  createPoseidon2Air,
  fibonacciAir,
  fibonacciPublicValues,
  generateFibonacciTrace,
  generatePoseidon2Trace,
} from '../src/circuits/index.ts';
import type { Matrix } from '../src/field/matrix.ts';
import { POSEIDON2_DEFAULT_16 } from '../src/hash/poseidon2-constants.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { ParallelCpuBackend } from '../src/runtime/parallel.ts';
import { createNodeWorkerPool } from '../src/runtime/workers/node-spawn.ts';
import { getConfig } from '../src/stark/config.ts';
import { type ProvePhases, prove } from '../src/stark/prove.ts';
import { compiledFor, verify } from '../src/stark/verify.ts';
import {
  type BenchOptions,
  type BenchRow,
  buildWorkerBundle,
  formatValue,
  PLONKY3_REFERENCE_FILE,
  type Plonky3Row,
  plonky3Reference,
  plonky3V062,
  type ReferenceFigure,
} from './lib.ts';

const SUITE = 'prove';

interface Case {
  readonly label: string;
  readonly bench: 'uni_stark_fib' | 'uni_stark_poseidon2_air';
  readonly logRows: number;
  readonly air: Air;
  readonly trace: () => Matrix;
  readonly publics: ArrayLike<number>;
}

const PHASES: readonly [Exclude<keyof ProvePhases, 'ledger'>, string, string][] = [
  ['traceCommit', 'trace LDE+commit', 'commit to trace data'],
  ['quotient', 'quotient', 'quotient_values'],
  ['quotientCommit', 'quotient commit', 'commit to quotient poly chunks'],
  ['open', 'FRI/open', 'open'],
];

/** Matches a reference row of the same benchmark and size. */
function refMatch(c: Case): (r: Plonky3Row) => boolean {
  return (r) =>
    r.bench === c.bench &&
    (c.bench === 'uni_stark_fib' ? r.rows === 2 ** c.logRows : r.trace_rows === 2 ** c.logRows);
}

/** Plonky3's tracing span `span` (depth 2) for Fibonacci at 2^logRows, AVX-512 1 thread, ms. */
function phaseReference(c: Case, span: string): ReferenceFigure[] {
  if (c.bench !== 'uni_stark_fib') return [];
  const breakdown = phaseRuns();
  const run = breakdown.find((r) => r.rows === 2 ** c.logRows);
  const s = run?.spans_in_exit_order.find((x) => x.depth === 2 && x.span === span);
  return s ? [{ value: s.s * 1000, unit: 'ms', label: 'AVX-512 1T span' }] : [];
}

interface PhaseRun {
  readonly rows: number;
  readonly spans_in_exit_order: readonly {
    readonly depth: number;
    readonly s: number;
    readonly span: string;
  }[];
}

let phaseCache: PhaseRun[] | null = null;
function phaseRuns(): PhaseRun[] {
  if (phaseCache === null) {
    phaseCache = [];
    try {
      // plonky3Runs() exposes results_main_run only; the phase spans sit beside it in the same file
      const raw = JSON.parse(readFileSync(PLONKY3_REFERENCE_FILE, 'utf8')) as {
        prove_phase_breakdown_native_1thread?: { runs?: PhaseRun[] };
      };
      phaseCache = raw.prove_phase_breakdown_native_1thread?.runs ?? [];
    } catch {
      phaseCache = [];
    }
  }
  return phaseCache;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

async function measureCase(
  c: Case,
  backendName: 'cpu' | 'webgpu',
  backend: Backend | undefined,
  reps: number,
  opts: BenchOptions,
): Promise<BenchRow[]> {
  const config = getConfig('c100');
  const trace = c.trace();
  const compiled = compiledFor(c.air);
  const proveMs: number[] = [];
  const phases: ProvePhases[] = [];
  let body: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    body = await prove(c.air, trace, c.publics, config, {
      compiled,
      backend,
      onPhases: (p) => phases.push(p),
    });
    proveMs.push(performance.now() - t0);
  }
  const verifyMs: number[] = [];
  // warm verify: the median of 10 in this process (the first of them pays the JIT warm-up)
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = verify(c.air, body, c.publics, config, { format: 'postcard', compiled });
    verifyMs.push(performance.now() - t0);
    if (!r.ok) throw new Error(`prove bench: ${c.label} did not verify: ${r.code} ${r.detail}`);
  }
  const match = refMatch(c);
  const v062Case = `${c.bench === 'uni_stark_fib' ? 'fibonacci' : 'poseidon2'} 2^${c.logRows}`;
  const ref = (
    pick: (r: Plonky3Row) => number | undefined,
    unit: string,
    what?: 'prove' | 'verify',
  ): ReferenceFigure[] | undefined =>
    backendName === 'cpu'
      ? [...plonky3Reference(match, pick, unit), ...(what ? plonky3V062(`${v062Case} ${what}`) : [])]
      : undefined;
  const name = `${backendName} ${c.label}`;
  const n = 2 ** c.logRows;
  const rows: BenchRow[] = [
    {
      suite: SUITE,
      name: `${name} prove`,
      n,
      unit: 'ms',
      value: median(proveMs),
      samples: reps,
      reference: ref((r) => Number(r.prove_median_s) * 1000, 'ms', 'prove'),
      note: 'preset c100',
    },
    {
      suite: SUITE,
      name: `${name} verify`,
      n,
      unit: 'ms',
      value: median(verifyMs),
      samples: verifyMs.length,
      reference: ref((r) => Number(r.verify_median_s) * 1000, 'ms', 'verify'),
    },
    {
      suite: SUITE,
      name: `${name} proof size`,
      n,
      unit: 'bytes',
      value: body.length,
      reference: ref((r) => Number(r.proof_bytes_postcard), 'bytes'),
    },
  ];
  for (const [key, label, span] of PHASES) {
    rows.push({
      suite: SUITE,
      name: `${name} phase ${label}`,
      n,
      unit: 'ms',
      value: median(phases.map((p) => p[key])),
      samples: phases.length,
      reference: backendName === 'cpu' ? phaseReference(c, span) : undefined,
    });
  }
  if (backendName === 'cpu' && c.bench === 'uni_stark_fib') {
    const cold = coldVerifyMs(c, body, opts.quick ? 1 : 7);
    rows.push({
      suite: SUITE,
      name: `${name} verify, fresh process`,
      n,
      unit: 'ms',
      value: median(cold),
      samples: cold.length,
      reference: plonky3V062(`${v062Case} verify`),
      note: 'the time `p3ts verify` prints, each run a new node process',
    });
  }
  opts.log(
    `  ${name}: prove ${formatValue(median(proveMs))} ms, verify ${formatValue(median(verifyMs))} ms, ${body.length} bytes`,
  );
  return rows;
}

/**
 * Verifies a Fibonacci proof with the CLI in fresh node processes (cold JIT, cold caches).
 * @param c the case (a Fibonacci statement)
 * @param body the postcard proof
 * @param runs number of processes
 * @returns the verify times the CLI printed, ms
 */
function coldVerifyMs(c: Case, body: Uint8Array, runs: number): number[] {
  mkdirSync('.tmp/bench-prove', { recursive: true });
  const file = `.tmp/bench-prove/fibonacci-${c.logRows}.postcard`;
  writeFileSync(file, body);
  const args = [
    'scripts/run-ts.mjs',
    'src/cli/main.ts',
    'verify',
    '--air',
    'fibonacci',
    '--log-rows',
    String(c.logRows),
    '--config',
    'c100',
    '--format',
    'postcard',
    '--public',
    Array.from(c.publics).join(','),
    file,
  ];
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const text = execFileSync(process.execPath, args, { encoding: 'utf8' });
    const m = /accepted \(([0-9.]+) ms\)/.exec(text);
    if (m === null) throw new Error(`prove bench: fresh-process verify said: ${text.trim()}`);
    out.push(Number(m[1]));
  }
  return out;
}

/**
 * The case proved with ParallelCpuBackend on one worker plus the calling thread (two threads),
 * the pool warmed up first (each worker compiles on its own), median of 3; the proof must be
 * byte-identical to the one-thread proof.
 * @param c the case
 * @param opts logger
 * @returns the row, against the recorded Plonky3 v0.6.2 one-thread figures
 */
async function twoThreadRow(c: Case, opts: BenchOptions): Promise<BenchRow> {
  const workerUrl = await buildWorkerBundle();
  const config = getConfig('c100');
  const pool = createNodeWorkerPool({ size: 1, workerUrl });
  try {
    const backend = new ParallelCpuBackend(pool, config, {});
    const trace = c.trace();
    const compiled = compiledFor(c.air);
    const small = generateFibonacciTrace(0, 1, 1 << 12);
    await prove(c.air, small, fibonacciPublicValues(0, 1, 1 << 12), config, { backend });
    const one = await prove(c.air, trace, c.publics, config, { compiled });
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const body = await prove(c.air, trace, c.publics, config, { compiled, backend });
      ms.push(performance.now() - t0);
      if (body.length !== one.length || !body.every((b, k) => b === one[k]))
        throw new Error(`prove bench: ${c.label} on two threads differs from the one-thread proof`);
    }
    opts.log(`  cpu ${c.label}, 2 threads: prove ${formatValue(median(ms))} ms`);
    return {
      suite: SUITE,
      name: `cpu ${c.label} prove, 2 threads`,
      n: 2 ** c.logRows,
      unit: 'ms',
      value: median(ms),
      samples: ms.length,
      reference: plonky3V062(`fibonacci 2^${c.logRows} prove`),
      note: 'ParallelCpuBackend: 1 worker + the calling thread, warmed up; byte-identical to the 1-thread proof',
    };
  } finally {
    await pool.close();
  }
}

/** A WebGPU backend on a hardware adapter, or null (with the reason logged). */
async function webgpuBackend(opts: BenchOptions): Promise<(Backend & { close?: () => void }) | null> {
  const want = process.env.PLONKY3_BENCH_PROVE_WEBGPU;
  if (want === '0') return null;
  try {
    const { loadDawnGpu } = await import('../src/node/gpu.ts');
    const { GpuContext } = await import('../src/runtime/gpu-context.ts');
    const { WebGpuBackend } = await import('../src/runtime/webgpu.ts');
    const g = await loadDawnGpu();
    if (g === undefined) return null;
    const ctx = await GpuContext.create(g, { timeoutMs: 600_000 });
    const b = new WebGpuBackend(ctx, { constants: POSEIDON2_DEFAULT_16 });
    if (/lavapipe|llvmpipe|swiftshader/i.test(b.adapterName) && want !== '1') {
      opts.log(
        `  prove: webgpu skipped on software adapter ${b.adapterName} (PLONKY3_BENCH_PROVE_WEBGPU=1 forces it)`,
      );
      b.close();
      return null;
    }
    opts.log(`  prove: webgpu adapter ${b.adapterName}`);
    return b;
  } catch (e) {
    opts.log(`  prove: webgpu unavailable (${e instanceof Error ? e.message : String(e)})`);
    return null;
  }
}

/**
 * Runs the prove suite.
 * @param opts quick flag and progress logger
 * @returns rows: prove/verify ms, proof bytes and phase ms per AIR and size (cpu, and webgpu when present)
 */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const sizes = (env: string | undefined, dflt: number[]): number[] =>
    env === undefined || env.trim() === '' ? dflt : env.split(',').map((x) => Number.parseInt(x, 10));
  const fibSizes = sizes(process.env.PLONKY3_PROVE_BENCH_FIB, opts.quick ? [16] : [16, 18, 20]);
  const p2Sizes = sizes(process.env.PLONKY3_PROVE_BENCH_POSEIDON2, opts.quick ? [10] : [10, 11, 12, 13, 14]);
  const fib = fibonacciAir();
  const p2 = createPoseidon2Air();
  const cases: Case[] = [
    ...fibSizes.map(
      (k): Case => ({
        label: `fibonacci 2^${k}`,
        bench: 'uni_stark_fib',
        logRows: k,
        air: fib,
        trace: () => generateFibonacciTrace(0, 1, 2 ** k),
        publics: fibonacciPublicValues(0, 1, 2 ** k),
      }),
    ),
    ...p2Sizes.map(
      (k): Case => ({
        label: `poseidon2 2^${k} (${2 ** k * p2.permsPerRow} perms)`,
        bench: 'uni_stark_poseidon2_air',
        logRows: k,
        air: p2,
        trace: () => generatePoseidon2Trace(p2, { seed: 1 }, 2 ** k),
        publics: [],
      }),
    ),
  ];
  // warm-up (JIT) on small statements, untimed
  await prove(
    fib,
    generateFibonacciTrace(0, 1, 1 << 10),
    fibonacciPublicValues(0, 1, 1 << 10),
    getConfig('c100'),
  );
  await prove(p2, generatePoseidon2Trace(p2, { seed: 1 }, 1 << 4), [], getConfig('c100'));
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const reps = opts.quick || c.logRows >= (c.bench === 'uni_stark_fib' ? 18 : 12) ? 1 : 3;
    rows.push(...(await measureCase(c, 'cpu', undefined, reps, opts)));
  }
  const fib16 = cases.find((x) => x.bench === 'uni_stark_fib' && x.logRows === 16);
  if (fib16 !== undefined) rows.push(await twoThreadRow(fib16, opts));
  const gpu = await webgpuBackend(opts);
  if (gpu !== null) {
    try {
      for (const c of cases.filter((x) => x.bench === 'uni_stark_fib')) {
        try {
          rows.push(...(await measureCase(c, 'webgpu', gpu, 1, opts)));
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          opts.log(`  webgpu ${c.label}: failed: ${msg}`);
          rows.push({
            suite: SUITE,
            name: `error webgpu ${c.label}`,
            unit: 'ms',
            value: Number.NaN,
            note: msg,
          });
        }
      }
    } finally {
      gpu.close?.();
    }
  }
  return rows;
}
