/**
 * Primitives suite: BabyBear batch multiplication, extension multiplication, and the coset LDE at
 * blowup 2 (the PCS commit layout) on 2^16 x 8 and 2^20 x 8 matrices, single thread.
 * Plonky3 figures are printed beside the LDE rows (Radix2DitParallel, `coset_lde_blowup2_median_s`).
 */

import { batchMul, GENERATOR, P } from '../src/field/babybear.ts';
import { cosetLdeBitReversed, dft } from '../src/field/dft.ts';
import { ext4MulInto } from '../src/field/ext4.ts';
import { matrix } from '../src/field/matrix.ts';
import { type BenchCase, type BenchOptions, type BenchRow, measure, plonky3Reference } from './lib.ts';

/** Deterministic canonical values (xorshift32). */
function fill(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) % P;
  }
  return out;
}

/**
 * Runs the primitives suite.
 * @param opts suite options
 * @returns one row per case
 */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const nMul = 1 << 16;
  const a = fill(nMul, 1);
  const b = fill(nMul, 2);
  const out = new Uint32Array(nMul);
  const ea = fill(4 * nMul, 3);
  const eb = fill(4 * nMul, 4);
  const eout = new Uint32Array(4 * nMul);
  const cases: BenchCase[] = [
    {
      name: 'babybear batchMul',
      n: nMul,
      unit: 'ns/element',
      elementsPerCall: nMul,
      fn: () => batchMul(out, a, b),
    },
    {
      name: 'ext4 mul (ext4MulInto loop)',
      n: nMul,
      unit: 'ns/element',
      elementsPerCall: nMul,
      fn: () => {
        for (let i = 0; i < 4 * nMul; i += 4) ext4MulInto(eout, i, ea, i, eb, i);
      },
    },
  ];
  for (const logRows of opts.quick ? [16] : [16, 20]) {
    const rows = 2 ** logRows;
    const m = matrix(fill(rows * 8, 10 + logRows), 8);
    cases.push({
      name: `coset LDE bit-reversed 2^${logRows} x 8, blowup 2`,
      n: rows,
      unit: 'ms',
      heavy: logRows >= 18,
      fn: () => cosetLdeBitReversed(m, 1, GENERATOR),
      reference: plonky3Reference(
        (r) => r.bench === 'dft' && r.rows === rows && r.cols === 8 && r.impl === 'Radix2DitParallel',
        (r) =>
          typeof r.coset_lde_blowup2_median_s === 'number' ? r.coset_lde_blowup2_median_s * 1000 : undefined,
        'ms',
      ),
      note: 'includes the output allocation; Plonky3 figure includes one matrix clone',
    });
  }
  if (!opts.quick) {
    const rows = 2 ** 16;
    const m64 = matrix(fill(rows * 64, 77), 64);
    cases.push({
      name: 'coset LDE bit-reversed 2^16 x 64, blowup 2',
      n: rows,
      unit: 'ms',
      heavy: true,
      fn: () => cosetLdeBitReversed(m64, 1, GENERATOR),
      reference: plonky3Reference(
        (r) => r.bench === 'dft' && r.rows === rows && r.cols === 64 && r.impl === 'Radix2DitParallel',
        (r) =>
          typeof r.coset_lde_blowup2_median_s === 'number' ? r.coset_lde_blowup2_median_s * 1000 : undefined,
        'ms',
      ),
    });
    const big = 2 ** 20;
    const m20 = matrix(fill(big * 8, 99), 8);
    cases.push({
      name: 'dft 2^20 x 8 (natural order)',
      n: big,
      unit: 'ms',
      heavy: true,
      fn: () => dft(m20),
      reference: plonky3Reference(
        (r) => r.bench === 'dft' && r.rows === big && r.cols === 8 && r.impl === 'Radix2DitParallel',
        (r) => (typeof r.dft_median_s === 'number' ? r.dft_median_s * 1000 : undefined),
        'ms',
      ),
    });
  }
  return measure('primitives', cases, opts);
}
