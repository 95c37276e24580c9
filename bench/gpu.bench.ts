/**
 * CPU vs WebGPU in one process on the same inputs: whole proofs (CpuBackend against the
 * device-resident WebGpuBackend, same bytes checked, with the transfer ledger of the GPU proof),
 * then the coset LDE (committed bit-reversed order, upload and read-back included) and LDE + Merkle
 * commit (upload and root read-back; the LDE stays on the device) at several sizes. Prints the
 * adapter, the CPU/GPU ratio per case and one `gpu-ledger:` line per proof. GPU times exclude
 * pipeline compilation (one warm-up call).
 *
 * Proofs: --quick proves Fibonacci 2^10 (c100); otherwise Fibonacci 2^14 (c100) and the Poseidon2
 * AIR 2^6 rows, or the list in PLONKY3_GPU_BENCH_PROOFS ("fib:20,p2:16": AIR and log2 rows).
 * Kernel sizes: --quick uses 2^10 x 8; otherwise 2^12 x 16, 2^14 x 32, 2^16 x 64, or the list in
 * PLONKY3_GPU_BENCH_SIZES ("20x64,18x64": log2 rows x columns). No Plonky3 file is mirrored here.
 */

import type { Air } from '../src/air/air.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../src/circuits/poseidon2-air.ts';
import { GENERATOR } from '../src/field/babybear.ts';
import { cosetLdeBitReversed } from '../src/field/dft.ts';
import type { Matrix } from '../src/field/matrix.ts';
import { createPoseidon2 } from '../src/hash/poseidon2.ts';
import { POSEIDON2_DEFAULT_16 } from '../src/hash/poseidon2-constants.ts';
import { loadDawnGpu } from '../src/node/gpu.ts';
import type { TransferLedger } from '../src/runtime/backend.ts';
import { CpuBackend, createCpuBackend } from '../src/runtime/cpu.ts';
import { formatGpuLedger, GpuContext } from '../src/runtime/gpu-context.ts';
import { WebGpuBackend } from '../src/runtime/webgpu.ts';
import { getConfig } from '../src/stark/config.ts';
import { prove } from '../src/stark/prove.ts';
import type { BenchOptions, BenchRow } from './lib.ts';

const SUITE = 'gpu';
const LOG_BLOWUP = 1;

/** Parses "20x64,18x64" into [logRows, width] pairs. */
function parseSizes(s: string | undefined, quick: boolean): [number, number][] {
  if (s !== undefined && s.trim() !== '') {
    return s.split(',').map((p) => {
      const [a, b] = p.split('x').map(Number);
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new RangeError(`bad size ${p}`);
      return [a, b];
    });
  }
  return quick
    ? [[10, 8]]
    : [
        [12, 16],
        [14, 32],
        [16, 64],
      ];
}

async function timeMs(fn: () => Promise<unknown> | unknown, reps: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

function randomMatrix(logRows: number, width: number, seed: number): Matrix {
  const n = width << logRows;
  const v = new Uint32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    v[i] = x % 0x78000001;
  }
  return { values: v, width };
}

const same = (a: Uint32Array, b: Uint32Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Runs the suite.
 * @param opts quick flag and progress logger
 * @returns rows: cpu ms, gpu ms and the cpu/gpu ratio per operation and size (empty without an adapter)
 */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const gpuObj = await loadDawnGpu();
  let ctx: GpuContext;
  try {
    if (gpuObj === undefined) throw new Error('webgpu not loadable');
    ctx = await GpuContext.create(gpuObj, { timeoutMs: 600_000 });
  } catch (e) {
    opts.log(`  gpu: skipped, no WebGPU adapter (${e instanceof Error ? e.message : String(e)})`);
    return [];
  }
  const gpu = new WebGpuBackend(ctx, { constants: POSEIDON2_DEFAULT_16 });
  const cpu = new CpuBackend({ perm: createPoseidon2(POSEIDON2_DEFAULT_16) });
  const adapter = gpu.adapterName;
  opts.log(`  gpu: adapter ${adapter}`);
  const rows: BenchRow[] = [];
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  try {
    for (const [air, logRows] of parseProofs(env.PLONKY3_GPU_BENCH_PROOFS, opts.quick)) {
      try {
        await benchProof(gpu, air, logRows, opts, rows, adapter);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        opts.log(`  gpu: proof ${air} 2^${logRows} failed: ${msg}`);
        rows.push({
          suite: SUITE,
          name: `error prove ${air} 2^${logRows}`,
          unit: 'ms',
          value: Number.NaN,
          note: msg,
        });
      }
    }
    for (const [logRows, width] of parseSizes(env.PLONKY3_GPU_BENCH_SIZES, opts.quick)) {
      try {
        await benchSize(gpu, cpu, logRows, width, opts, rows, adapter);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        opts.log(`  gpu: 2^${logRows} x ${width} failed: ${msg}`);
        rows.push({
          suite: SUITE,
          name: `error 2^${logRows} x ${width}`,
          unit: 'ms',
          value: Number.NaN,
          note: msg,
        });
      }
    }
  } finally {
    gpu.close();
  }
  return rows;
}

/** Parses "fib:14,p2:6" into [air, logRows] pairs. */
function parseProofs(s: string | undefined, quick: boolean): ['fib' | 'p2', number][] {
  if (s !== undefined && s.trim() !== '') {
    return s.split(',').map((p) => {
      const [a, b] = p.split(':');
      const l = Number(b);
      if ((a !== 'fib' && a !== 'p2') || !Number.isInteger(l)) throw new RangeError(`bad proof ${p}`);
      return [a, l];
    });
  }
  return quick
    ? [['fib', 10]]
    : [
        ['fib', 14],
        ['p2', 6],
      ];
}

/** Whole proofs (c100) on CpuBackend and on the resident WebGpuBackend: times, ratio, ledger. */
async function benchProof(
  gpu: WebGpuBackend,
  which: 'fib' | 'p2',
  logRows: number,
  opts: BenchOptions,
  rows: BenchRow[],
  adapter: string,
): Promise<void> {
  const config = getConfig('c100');
  const n = 2 ** logRows;
  let air: Air;
  let trace: Matrix;
  let publics: number[];
  if (which === 'fib') {
    air = fibonacciAir();
    trace = generateFibonacciTrace(0, 1, n);
    publics = [...fibonacciPublicValues(0, 1, n)];
  } else {
    const p2 = createPoseidon2Air({ constants: 'default' });
    air = p2;
    trace = generatePoseidon2Trace(p2, { seed: 1 }, n);
    publics = [];
  }
  const label = `prove ${which === 'fib' ? 'fibonacci' : 'poseidon2-air'} 2^${logRows} c100`;
  let ledger: TransferLedger | undefined;
  const warm = await prove(air, trace, publics, config, { backend: gpu }); // compiles the pipelines
  let t = performance.now();
  const a = await prove(air, trace, publics, config, { backend: createCpuBackend(config) });
  const cpuMs = performance.now() - t;
  t = performance.now();
  const b = await prove(air, trace, publics, config, {
    backend: gpu,
    onPhases: (p) => {
      ledger = p.ledger;
    },
  });
  const gpuMs = performance.now() - t;
  if (!same(Uint32Array.from(a), Uint32Array.from(b)) || !same(Uint32Array.from(a), Uint32Array.from(warm)))
    throw new Error(`gpu bench: proof bytes differ at ${label}`);
  rows.push(...triple(label, n, cpuMs, gpuMs, adapter));
  const l = ledger as TransferLedger;
  const note = `${formatGpuLedger(l)} proof=${b.length} trace=${trace.values.byteLength}`;
  rows.push(
    { suite: SUITE, name: `ledger uploaded ${label}`, n, unit: 'bytes', value: l.uploadedBytes, note },
    { suite: SUITE, name: `ledger read ${label}`, n, unit: 'bytes', value: l.readBytes, note },
    { suite: SUITE, name: `ledger readbacks ${label}`, n, unit: 'count', value: l.readbacks, note },
    { suite: SUITE, name: `ledger submits ${label}`, n, unit: 'count', value: l.submits, note },
  );
  opts.log(
    `  ${label}: cpu ${cpuMs.toFixed(0)} ms, webgpu ${gpuMs.toFixed(0)} ms, x${(cpuMs / gpuMs).toFixed(2)}`,
  );
  opts.log(`  ${note}`);
}

async function benchSize(
  gpu: WebGpuBackend,
  cpu: CpuBackend,
  logRows: number,
  width: number,
  opts: BenchOptions,
  rows: BenchRow[],
  adapter: string,
): Promise<void> {
  const m = randomMatrix(logRows, width, logRows * 1000 + width);
  const label = `2^${logRows} x ${width}, blowup ${2 ** LOG_BLOWUP}`;
  const n = width << (logRows + LOG_BLOWUP);
  const cpuReps = logRows >= 16 || opts.quick ? 1 : 3;
  const gpuReps = opts.quick ? 2 : 5;

  // LDE alone
  const gl = await gpu.kernels.cosetLdeBitReversed(m, LOG_BLOWUP, GENERATOR); // warm-up + check
  const tl = performance.now();
  const cl = cosetLdeBitReversed(m, LOG_BLOWUP, GENERATOR);
  const firstLde = performance.now() - tl;
  if (!same(gl.values, cl.values)) throw new Error(`gpu bench: LDE mismatch at ${label}`);
  const cpuLde =
    cpuReps === 1 ? firstLde : await timeMs(() => cosetLdeBitReversed(m, LOG_BLOWUP, GENERATOR), cpuReps);
  const gpuLde = await timeMs(() => gpu.kernels.cosetLdeBitReversed(m, LOG_BLOWUP, GENERATOR), gpuReps);
  rows.push(...triple(`lde ${label}`, n, cpuLde, gpuLde, adapter));
  opts.log(
    `  lde ${label}: cpu ${cpuLde.toFixed(1)} ms, gpu ${gpuLde.toFixed(1)} ms, x${(cpuLde / gpuLde).toFixed(1)}`,
  );

  // LDE + Merkle commit
  const gc = await gpu.ldeAndCommit([m], LOG_BLOWUP, [GENERATOR]);
  gpu.release(gc);
  const t0 = performance.now();
  const cc = await cpu.ldeAndCommit([m], LOG_BLOWUP, [GENERATOR]);
  const firstCpu = performance.now() - t0;
  if (!same(gc.root, cc.root)) throw new Error(`gpu bench: root mismatch at ${label}`);
  const cpuCommit =
    cpuReps === 1 ? firstCpu : await timeMs(() => cpu.ldeAndCommit([m], LOG_BLOWUP, [GENERATOR]), cpuReps);
  const gpuCommit = await timeMs(
    async () => gpu.release(await gpu.ldeAndCommit([m], LOG_BLOWUP, [GENERATOR])),
    gpuReps,
  );
  rows.push(...triple(`lde+merkle ${label}`, n, cpuCommit, gpuCommit, adapter));
  opts.log(
    `  lde+merkle ${label}: cpu ${cpuCommit.toFixed(1)} ms, gpu ${gpuCommit.toFixed(1)} ms, x${(cpuCommit / gpuCommit).toFixed(1)}`,
  );
}

function triple(name: string, n: number, cpuMs: number, gpuMs: number, adapter: string): BenchRow[] {
  return [
    { suite: SUITE, name: `cpu ${name}`, n, unit: 'ms', value: cpuMs },
    { suite: SUITE, name: `webgpu ${name}`, n, unit: 'ms', value: gpuMs, note: adapter },
    { suite: SUITE, name: `ratio cpu/webgpu ${name}`, n, unit: 'x', value: cpuMs / gpuMs, note: adapter },
  ];
}
