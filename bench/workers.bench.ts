/**
 * Worker-pool speed-up: one Fibonacci proof (preset c100, 2^18 rows; 2^14 with --quick) proved
 * with CpuBackend on the calling thread and with ParallelCpuBackend on 1, 2 and N =
 * os.availableParallelism() worker_threads, each with the calling thread taking a share of the
 * jobs (the default) and idle (useCallingThread: false, the old behaviour), in the same run, rounds interleaved so that load
 * drift hits every configuration alike (PLONKY3_BENCH_ROUNDS, default 2; the best round is reported). Every pool is warmed up with a 2^12 proof first (each
 * worker JIT-compiles on its own), and every timed proof is checked byte-identical to the
 * CpuBackend proof. No Plonky3 file is mirrored here.
 *
 * Suite contract of bench/lib.ts; standalone: node scripts/run-ts.mjs bench/workers.bench.ts [--quick]
 */
import { availableParallelism, loadavg } from 'node:os';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../src/circuits/fibonacci.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { CpuBackend } from '../src/runtime/cpu.ts';
import { ParallelCpuBackend } from '../src/runtime/parallel.ts';
import { createNodeWorkerPool } from '../src/runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../src/runtime/workers/pool.ts';
import { getConfig } from '../src/stark/config.ts';
import { mmcsFor } from '../src/stark/instance.ts';
import { type ProvePhases, prove } from '../src/stark/prove.ts';
import { type BenchOptions, type BenchRow, buildWorkerBundle } from './lib.ts';

const SUITE = 'workers';

const best = (xs: number[]): number => Math.min(...xs);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs the suite.
 * @param opts quick mode and logger
 * @returns one row per configuration (ms) and the speed-ups (x)
 */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const logN = opts.quick ? 14 : 18;
  const rounds = opts.quick ? 1 : Number(process.env.PLONKY3_BENCH_ROUNDS ?? 2);
  const config = getConfig('c100');
  const air = fibonacciAir();
  const n = 2 ** logN;
  const trace = generateFibonacciTrace(0, 1, n);
  const publics = fibonacciPublicValues(0, 1, n);
  const warm = { trace: generateFibonacciTrace(0, 1, 4096), publics: fibonacciPublicValues(0, 1, 4096) };
  const workerUrl = await buildWorkerBundle();
  const cores = availableParallelism();
  const sizes = [...new Set([1, 2, cores])];

  const configs: {
    name: string;
    size: number;
    backend: Backend;
    pool: WorkerPool | null;
    par: ParallelCpuBackend | null;
  }[] = [
    {
      name: 'CpuBackend (calling thread)',
      size: 0,
      backend: new CpuBackend(mmcsFor(config)),
      pool: null,
      par: null,
    },
  ];
  for (const size of sizes) {
    for (const caller of [false, true]) {
      const pool = createNodeWorkerPool({ size, workerUrl });
      const par = new ParallelCpuBackend(pool, config, { useCallingThread: caller });
      configs.push({
        name: `ParallelCpuBackend, ${size} worker${size > 1 ? 's' : ''}${caller ? ' + calling thread' : ', caller idle'}`,
        size,
        backend: par,
        pool,
        par,
      });
    }
  }
  const times = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  const cpuTimes = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  const poolShare = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  const load0 = loadavg()[0];
  const phases = new Map<string, ProvePhases>();
  let reference: Buffer | null = null;
  try {
    for (const c of configs) await prove(air, warm.trace, warm.publics, config, { backend: c.backend });
    for (let r = 0; r < rounds; r++) {
      for (const c of configs) {
        c.par?.resetStats();
        const u0 = process.cpuUsage();
        const t0 = performance.now();
        const bytes = Buffer.from(
          await prove(air, trace, publics, config, {
            backend: c.backend,
            onPhases: (p) => phases.set(c.name, p),
          }),
        );
        const ms = performance.now() - t0;
        const u = process.cpuUsage(u0);
        cpuTimes.get(c.name)?.push((u.user + u.system) / 1000);
        if (c.par) poolShare.get(c.name)?.push(c.par.stats.poolMs / ms);
        reference ??= bytes;
        if (!bytes.equals(reference))
          throw new Error(`${c.name}: proof bytes differ from the CpuBackend proof`);
        times.get(c.name)?.push(ms);
        opts.log(
          `  round ${r + 1}/${rounds} ${c.name}: ${ms.toFixed(0)} ms wall, ${((u.user + u.system) / 1000).toFixed(0)} ms CPU (all threads), load ${loadavg()[0].toFixed(1)}`,
        );
      }
    }
  } finally {
    for (const c of configs) {
      c.backend.close();
      c.pool?.close();
    }
  }

  const rows: BenchRow[] = [];
  // best of the rounds: on a shared machine the minimum is the least-disturbed estimate
  const med = (name: string): number => best(times.get(name) ?? []);
  const cpuMs = med(configs[0].name);
  const oneMs = med(configs[1].name);
  const load1 = loadavg()[0];
  // Amdahl bound from the 1-worker run: the share of its wall time spent waiting for the pool.
  const share1 = median(poolShare.get(configs[1].name) ?? [0]);
  const bound = (k: number): number => 1 / (1 - share1 + share1 / k);
  for (const c of configs) {
    const ms = med(c.name);
    const p = phases.get(c.name);
    rows.push({
      suite: SUITE,
      name: `prove fib 2^${logN} c100, ${c.name}`,
      n,
      unit: 'ms',
      value: ms,
      samples: times.get(c.name)?.length,
      note:
        `best of ${rounds} (median ${median(times.get(c.name) ?? []).toFixed(0)} ms); ${(cpuMs / ms).toFixed(2)}x vs CpuBackend` +
        (c.size > 0
          ? `, ${(oneMs / ms).toFixed(2)}x vs 1 worker (caller idle), pool share ${(100 * median(poolShare.get(c.name) ?? [0])).toFixed(0)}%`
          : '') +
        `; CPU ${median(cpuTimes.get(c.name) ?? []).toFixed(0)} ms (all threads)` +
        (p
          ? `; phases ms: trace ${p.traceCommit.toFixed(0)}, quotient ${p.quotient.toFixed(0)}, quotient commit ${p.quotientCommit.toFixed(0)}, open ${p.open.toFixed(0)}`
          : ''),
    });
  }
  for (const c of configs.slice(1)) {
    rows.push({
      suite: SUITE,
      name: `speed-up fib 2^${logN}, ${c.name} vs CpuBackend`,
      unit: 'x',
      value: cpuMs / med(c.name),
      note:
        c === configs[1]
          ? `${cores} cores (os.availableParallelism), load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}; target >= 1.7x on 2 cores`
          : `${(oneMs / med(c.name)).toFixed(2)}x vs ${configs[1].name} (Amdahl bound from its pool share ${(100 * share1).toFixed(0)}% at ${c.size + (c.par?.usesCallingThread ? 1 : 0)} threads: ${bound(c.size + (c.par?.usesCallingThread ? 1 : 0)).toFixed(2)}x)`,
    });
  }
  return rows;
}

const self = process.argv[1] ?? '';
if (self.endsWith('workers.bench.ts')) {
  const rows = await run({
    quick: process.argv.includes('--quick'),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  for (const r of rows)
    console.log(
      `${r.name}: ${r.value.toFixed(r.unit === 'x' ? 2 : 0)} ${r.unit}${r.note ? `  (${r.note})` : ''}`,
    );
}
