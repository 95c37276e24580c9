/**
 * One-shot GPU check for a lent NVIDIA machine (no Node or npm there; see scripts/device-check.sh):
 * bundled by esbuild with `webgpu` external, it prints the adapter and limits, runs every kernel
 * against its CPU twin at moderate sizes, then the CPU-vs-WebGPU benchmark (bench/gpu.bench.ts,
 * sizes from PLONKY3_GPU_BENCH_SIZES, default 16x64,20x64), and prints one JSON document
 * (also written to $OUT/device-check.json when OUT is set). Exit code 1 if any check fails.
 * Not a vitest file (no .test.ts suffix): it runs stand-alone under plain Node.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from '../../bench/lib.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import { GENERATOR, mul, P } from '../../src/field/babybear.ts';
import { cosetLdeBitReversed } from '../../src/field/dft.ts';
import type { Matrix } from '../../src/field/matrix.ts';
import { foldVectorArity2 } from '../../src/fri/fold.ts';
import { createPoseidon2 } from '../../src/hash/poseidon2.ts';
import { POSEIDON2_DEFAULT_16 } from '../../src/hash/poseidon2-constants.ts';
import { hashRows } from '../../src/hash/sponge.ts';
import { commitMatrices } from '../../src/merkle/mmcs.ts';
import { loadDawnGpu } from '../../src/node/gpu.ts';
import type { TransferLedger } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { formatGpuLedger, GpuContext } from '../../src/runtime/gpu-context.ts';
import { FallbackBackend } from '../../src/runtime/select.ts';
import { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { FieldOp } from '../../src/shaders/field.wgsl.ts';
import { getConfig } from '../../src/stark/config.ts';
import { mmcsFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { verify } from '../../src/stark/verify.ts';
import { randomFelts, rng } from './gpu-env-core.ts';
import { kernelsOf } from './kernel-harness.ts';

interface Check {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

const same = (a: Uint32Array, b: Uint32Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

async function main(): Promise<number> {
  if (process.env.PLONKY3_GPU_BENCH_SIZES === undefined) process.env.PLONKY3_GPU_BENCH_SIZES = '16x64,20x64';
  const t0 = performance.now();
  const gpuObj = await loadDawnGpu();
  if (gpuObj === undefined) throw new Error('webgpu (Dawn) could not be loaded');
  const ctx = await GpuContext.create(gpuObj, { timeoutMs: 300_000 });
  const lim = ctx.limits;
  const adapter = {
    ...ctx.adapterInfo,
    maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
    maxBufferSize: lim.maxBufferSize,
    maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
  };
  console.error(`adapter: ${JSON.stringify(adapter)}`);
  const gpu = new WebGpuBackend(ctx, { constants: POSEIDON2_DEFAULT_16 });
  const perm = createPoseidon2(POSEIDON2_DEFAULT_16);
  const cpu = new CpuBackend({ perm });
  const r = rng(42);
  const checks: Check[] = [];
  const check = async (name: string, fn: () => Promise<boolean>): Promise<void> => {
    const s = performance.now();
    try {
      const ok = await fn();
      checks.push({ name, ok, ms: performance.now() - s });
    } catch (e) {
      checks.push({ name, ok: false, ms: performance.now() - s, detail: String(e) });
    }
    const c = checks[checks.length - 1];
    console.error(
      `${c.ok ? 'PASS' : 'FAIL'} ${name} (${c.ms.toFixed(0)} ms)${c.detail ? `: ${c.detail}` : ''}`,
    );
  };

  await check('field mul 2^20 random pairs + edges', async () => {
    const a = randomFelts(r, 1 << 20);
    const b = randomFelts(r, 1 << 20);
    a.set([0, 1, P - 1, P - 1]);
    b.set([P - 1, P - 1, P - 1, 1]);
    const g = await kernelsOf(gpu).fieldOp(FieldOp.mul, a, b);
    for (let i = 0; i < a.length; i++) if (g[i] !== mul(a[i], b[i])) return false;
    return true;
  });
  await check('poseidon2-16 permute 2^14 states', async () => {
    const s = randomFelts(r, 16 << 14);
    const g = await kernelsOf(gpu).permuteStates(s);
    const c = s.slice();
    for (let k = 0; k < 1 << 14; k++) perm.permute(c, 16 * k);
    return same(g, c);
  });
  await check('hashRows widths 3+8+13, 2^12 rows', async () => {
    const ms = [3, 8, 13].map((w) => ({ values: randomFelts(r, w << 12), width: w }));
    return same(await kernelsOf(gpu).hashRows(ms), hashRows(perm, ms));
  });
  for (const [logH, w, lb] of [
    [14, 16, 1],
    [10, 64, 2],
    [16, 4, 3],
  ]) {
    await check(`coset LDE 2^${logH} x ${w} blowup 2^${lb}`, async () => {
      const m: Matrix = { values: randomFelts(r, w << logH), width: w };
      return same(
        (await kernelsOf(gpu).cosetLdeBitReversed(m, lb, GENERATOR)).values,
        cosetLdeBitReversed(m, lb, GENERATOR).values,
      );
    });
  }
  await check('commit mixed heights 2^14x8, 2^12x5, 2^14x3, 2^3x2', async () => {
    const ms = [
      [14, 8],
      [12, 5],
      [14, 3],
      [3, 2],
    ].map(([l, w]) => ({ values: randomFelts(r, w << l), width: w }));
    const g = await kernelsOf(gpu).commit(ms, [12345]);
    const c = commitMatrices({ perm }, ms);
    const [o1] = g.openings;
    const o2 = c.layers[0].slice(8 * (12345 ^ 1), 8 * (12345 ^ 1) + 8);
    return same(g.root, c.root) && same(o1.proof.subarray(0, 8), o2);
  });
  await check('ldeAndCommit 2^13 x 32 + 2^13 x 7 vs CpuBackend', async () => {
    const ev = [32, 7].map((w) => ({ values: randomFelts(r, w << 13), width: w }));
    const sh = [GENERATOR, mul(GENERATOR, 3)];
    const g = await gpu.ldeAndCommit(ev, 1, sh);
    const c = await cpu.ldeAndCommit(ev, 1, sh);
    const [x] = await gpu.openRows(g, [777]);
    const [y] = await cpu.openRows(c, [777]);
    gpu.release(g);
    return same(g.root, c.root) && same(x.openedValues[1], y.openedValues[1]);
  });
  await check('FRI fold arity 2, 2^16 pairs', async () => {
    const v = randomFelts(r, 8 << 16);
    const beta = randomFelts(r, 4);
    return same(await kernelsOf(gpu).foldArity2(v, beta), foldVectorArity2(v, beta));
  });
  gpu.close();

  const rows = await timedCases(gpuObj, cpu);
  const failed = checks.filter((c) => !c.ok).length;
  const doc = {
    adapter,
    node: process.version,
    checks,
    checksPassed: checks.length - failed,
    checksFailed: failed,
    bench: rows,
    totalSeconds: (performance.now() - t0) / 1000,
  };
  const json = JSON.stringify(doc, null, 2);
  console.log(json);
  console.log('\n| case | cpu ms | webgpu ms | cpu/webgpu |\n|---|---|---|---|');
  for (const row of rows.filter((x) => x.name.startsWith('ratio '))) {
    const base = row.name.slice('ratio cpu/webgpu '.length);
    const c = rows.find((x) => x.name === `cpu ${base}`)?.value ?? Number.NaN;
    const g = rows.find((x) => x.name === `webgpu ${base}`)?.value ?? Number.NaN;
    console.log(`| ${base} | ${c.toFixed(1)} | ${g.toFixed(1)} | ${row.value.toFixed(1)}x |`);
  }
  if (process.env.OUT) writeFileSync(join(process.env.OUT, 'device-check.json'), `${json}\n`);
  return failed === 0 ? 0 : 1;
}

/**
 * One-shot timings for the lent machine (each heavy CPU case runs once: a 2^20 x 64 LDE + Merkle
 * takes tens of seconds on one CPU thread). GPU timings include upload and readback; the GPU runs
 * once to warm its pipelines, then is timed twice (the better run is kept). Whole proofs are
 * Fibonacci under preset c100, CPU vs WebGPU, with the proof bytes compared.
 */
async function timedCases(gpuObj: GPU, cpu: CpuBackend): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const push = (name: string, value: number, unit: string): void => {
    rows.push({ suite: 'gpu', name, unit, value } as BenchRow);
    console.error(`${name}: ${value.toFixed(1)} ${unit}`);
  };
  const ctx = await GpuContext.create(gpuObj, { timeoutMs: 300_000 });
  const gpu = new WebGpuBackend(ctx, { constants: POSEIDON2_DEFAULT_16 });
  const r = rng(7);
  const sizes = (process.env.PLONKY3_GPU_BENCH_SIZES ?? '16x64,20x64').split(',');
  for (const sz of sizes) {
    const [lh, w] = sz.split('x').map(Number);
    const m: Matrix = { values: randomFelts(r, w << lh), width: w };
    const name = `LDE + Merkle 2^${lh} x ${w} blowup 2`;
    try {
      let t = performance.now();
      const c = await cpu.ldeAndCommit([m], 1, [GENERATOR]);
      const cpuMs = performance.now() - t;
      await gpu.ldeAndCommit([m], 1, [GENERATOR]);
      let best = Number.POSITIVE_INFINITY;
      let root = c.root;
      for (let i = 0; i < 2; i++) {
        t = performance.now();
        const g = await gpu.ldeAndCommit([m], 1, [GENERATOR]);
        best = Math.min(best, performance.now() - t);
        root = g.root;
        gpu.release(g);
      }
      push(`cpu ${name}`, cpuMs, 'ms');
      push(`webgpu ${name}`, best, 'ms');
      push(`ratio cpu/webgpu ${name}`, cpuMs / best, 'x');
      push(`same root ${name}`, same(c.root, root) ? 1 : 0, 'bool');
    } catch (e) {
      console.error(`${name}: ${e}`);
    }
  }
  gpu.close();
  const cfg = getConfig('c100');
  const proofs: { which: string; lh: number }[] = [
    ...(process.env.PLONKY3_GPU_PROOF_SIZES ?? '16,20')
      .split(',')
      .map((x) => ({ which: 'fib', lh: Number(x) })),
    ...(process.env.PLONKY3_GPU_P2_SIZES ?? '12,16').split(',').map((x) => ({ which: 'p2', lh: Number(x) })),
  ];
  for (const { which, lh } of proofs) {
    const name = `prove ${which === 'fib' ? 'Fibonacci' : 'Poseidon2 AIR'} 2^${lh} c100`;
    try {
      const n = 2 ** lh;
      const p2 = createPoseidon2Air({ constants: 'default' });
      const air = which === 'fib' ? fibonacciAir() : p2;
      const trace =
        which === 'fib' ? generateFibonacciTrace(0, 1, n) : generatePoseidon2Trace(p2, { seed: 1 }, n);
      const pub = which === 'fib' ? fibonacciPublicValues(0, 1, n) : [];
      let t = performance.now();
      const cpuBytes = await prove(air, trace, pub, cfg, { backend: cpu });
      const cpuMs = performance.now() - t;
      const gctx = await GpuContext.create(gpuObj, { timeoutMs: 300_000 });
      const fb = new FallbackBackend(
        new WebGpuBackend(gctx, { constants: POSEIDON2_DEFAULT_16, ownsContext: true }),
        new CpuBackend(mmcsFor(cfg)),
      );
      // warm-up: compiles the pipelines of this AIR
      await prove(air, trace, pub, cfg, { backend: fb });
      let ledger: TransferLedger | undefined;
      t = performance.now();
      const gpuBytes = await prove(air, trace, pub, cfg, {
        backend: fb,
        onPhases: (p) => {
          ledger = p.ledger;
        },
      });
      const gpuMs = performance.now() - t;
      if (ledger !== undefined) {
        console.error(`${name}: ${formatGpuLedger(ledger)} proof=${gpuBytes.length}`);
        push(`ledger uploaded ${name}`, ledger.uploadedBytes, 'bytes');
        push(`ledger read ${name}`, ledger.readBytes, 'bytes');
        push(`ledger readbacks ${name}`, ledger.readbacks, 'count');
        push(`ledger submits ${name}`, ledger.submits, 'count');
      }
      const v = verify(air, gpuBytes, pub, cfg, { format: 'postcard' });
      push(`cpu ${name}`, cpuMs, 'ms');
      push(`webgpu ${name}`, gpuMs, 'ms');
      push(`ratio cpu/webgpu ${name}`, cpuMs / gpuMs, 'x');
      push(
        `identical bytes ${name}`,
        same(Uint32Array.from(cpuBytes), Uint32Array.from(gpuBytes)) ? 1 : 0,
        'bool',
      );
      push(`verified ${name}`, v.ok ? 1 : 0, 'bool');
      push(`gpu fallbacks ${name}`, fb.fallbacks, 'count');
      fb.close();
    } catch (e) {
      console.error(`${name}: ${e}`);
    }
  }
  return rows;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
