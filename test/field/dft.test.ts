/**
 * DFT / coset LDE: every case of test/vectors/reference/dft_babybear.json, the committed trace LDE of
 * test/vectors/uni_stark_fib_fixture_v0.6.2.json, and naive O(n^2) BigInt references at small sizes.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FieldError, GENERATOR, mul, twoAdicGenerator } from '../../src/field/babybear.ts';
import { bitReverseRows } from '../../src/field/bit-reverse.ts';
import {
  cosetDft,
  cosetLde,
  cosetLdeBitReversed,
  dft,
  getTwiddles,
  idft,
  interpolateColumnsAtExt,
  lde,
  nttDifInPlace,
} from '../../src/field/dft.ts';
import { matrix } from '../../src/field/matrix.ts';
import { randomFelts } from '../helpers/random.ts';
import { refNttDifRadix2 } from '../ref/dft-ref.ts';
import {
  refDftColumns,
  refEvalColumns,
  refEvalColumnsAtExt,
  refIdftColumns,
  refPow,
  refReverseBits,
} from '../ref/field-ref.ts';

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const DFT = load('reference/dft_babybear.json');
const FIB = load('uni_stark_fib_fixture_v0.6.2.json');

const col = (xs: number[]) => matrix(Uint32Array.from(xs), 1);
const arr = (m: { values: Uint32Array }): number[] => Array.from(m.values);

/** Deterministic pseudo-random matrix (xorshift32, printed seed). */
const randomMatrix = (h: number, w: number, seed: number): Uint32Array => randomFelts(seed, h * w);

describe('reference/dft_babybear.json', () => {
  const c = DFT.column;
  const shift: number = DFT.conventions.shift;
  it('reference/dft_babybear.json conventions.shift is GENERATOR = 31', () => {
    expect(shift).toBe(GENERATOR);
  });
  it('reference/dft_babybear.json column.dft', () => {
    expect(arr(dft(col(c.input)))).toEqual(c.dft);
  });
  it('reference/dft_babybear.json column.idft', () => {
    expect(arr(idft(col(c.input)))).toEqual(c.idft);
  });
  it('reference/dft_babybear.json column.coset_dft_shift_g', () => {
    expect(arr(cosetDft(col(c.input), shift))).toEqual(c.coset_dft_shift_g);
  });
  it('reference/dft_babybear.json column.lde_added_bits_1_no_shift', () => {
    expect(arr(lde(col(c.input), 1))).toEqual(c.lde_added_bits_1_no_shift);
  });
  it('reference/dft_babybear.json column.coset_lde_added_bits_1 and _2', () => {
    expect(arr(cosetLde(col(c.input), 1, shift))).toEqual(c.coset_lde_added_bits_1);
    expect(arr(cosetLde(col(c.input), 2, shift))).toEqual(c.coset_lde_added_bits_2);
  });
  it('reference/dft_babybear.json column.coset_lde_added_bits_1_bitrev', () => {
    expect(arr(cosetLdeBitReversed(col(c.input), 1, shift))).toEqual(c.coset_lde_added_bits_1_bitrev);
  });
  it('reference/dft_babybear.json matrix_16x2.dft_row_major', () => {
    const m = matrix(Uint32Array.from(DFT.matrix_16x2.input_row_major), 2);
    expect(arr(dft(m))).toEqual(DFT.matrix_16x2.dft_row_major);
  });
  it('reference/dft_babybear.json matrix_16x2.coset_lde_added_bits_1_row_major', () => {
    const m = matrix(Uint32Array.from(DFT.matrix_16x2.input_row_major), 2);
    expect(arr(cosetLde(m, 1, shift))).toEqual(DFT.matrix_16x2.coset_lde_added_bits_1_row_major);
    expect(arr(cosetLdeBitReversed(m, 1, shift))).toEqual(
      arr(bitReverseRows(matrix(Uint32Array.from(DFT.matrix_16x2.coset_lde_added_bits_1_row_major), 2))),
    );
  });
});

describe('uni_stark_fib_fixture_v0.6.2.json', () => {
  it('uni_stark_fib_fixture_v0.6.2.json valid_for_v0.4.0_too.trace_lde_bit_reversed: 8-row Fibonacci trace, logBlowup 2, shift 31', () => {
    const trace = new Uint32Array(16);
    let a = 0;
    let b = 1;
    for (let i = 0; i < 8; i++) {
      trace[2 * i] = a;
      trace[2 * i + 1] = b;
      [a, b] = [b, a + b];
    }
    const rows: number[][] = FIB['valid_for_v0.4.0_too'].trace_lde_bit_reversed.rows;
    expect(rows.length).toBe(32);
    const got = cosetLdeBitReversed(matrix(trace, 2), 2, GENERATOR);
    expect(got.width).toBe(2);
    expect(arr(got)).toEqual(rows.flat());
  });
});

describe('DFT vs naive O(n^2) reference', () => {
  for (const w of [1, 2, 3, 8]) {
    for (const logN of [0, 1, 2, 3, 5, 6]) {
      it(`dft / idft / coset LDE, 2^${logN} x ${w} (seed ${logN * 100 + w})`, () => {
        const n = 2 ** logN;
        const vals = randomMatrix(n, w, logN * 100 + w);
        const m = matrix(vals, w);
        const g = twoAdicGenerator(logN);
        expect(arr(dft(m))).toEqual(refDftColumns(vals, w, g));
        const coeffs = refIdftColumns(vals, w, g);
        expect(arr(idft(m))).toEqual(coeffs);
        expect(arr(dft(idft(m)))).toEqual(Array.from(vals));
        const shift = 7;
        expect(arr(cosetDft(m, shift))).toEqual(
          refEvalColumns(
            vals,
            w,
            Array.from({ length: n }, (_, i) => mul(shift, refPow(g, BigInt(i)))),
          ),
        );
        for (const added of [0, 1, 2]) {
          const bigN = n * 2 ** added;
          const gK = twoAdicGenerator(logN + added);
          const xs = Array.from({ length: bigN }, (_, j) => mul(GENERATOR, refPow(gK, BigInt(j))));
          const want = refEvalColumns(coeffs, w, xs);
          expect(arr(cosetLde(m, added, GENERATOR)), `added ${added}`).toEqual(want);
          const br = cosetLdeBitReversed(m, added, GENERATOR);
          const k = logN + added;
          for (let j = 0; j < bigN; j++)
            for (let c = 0; c < w; c++) expect(br.values[j * w + c]).toBe(want[refReverseBits(j, k) * w + c]);
        }
        // input never mutated
        expect(Array.from(m.values)).toEqual(Array.from(randomMatrix(n, w, logN * 100 + w)));
      });
    }
  }
  it('radix-4 kernel matches the clear radix-2 DIF for logN 0..9, widths 1, 2, 5, both directions', () => {
    for (let logN = 0; logN <= 9; logN++) {
      for (const w of [1, 2, 5]) {
        for (const inv of [false, true]) {
          const vals = randomMatrix(2 ** logN, w, 7 * logN + w);
          const want = Uint32Array.from(vals);
          refNttDifRadix2(want, w, inv);
          nttDifInPlace(vals, w, inv);
          expect(Array.from(vals), `2^${logN} x ${w} inverse=${inv}`).toEqual(Array.from(want));
        }
      }
    }
  });
  it('zero-padded kernel (nonzeroRows) matches the full kernel', () => {
    for (const [logN, logNz] of [
      [4, 0],
      [4, 2],
      [7, 3],
      [8, 5],
    ]) {
      const w = 3;
      const vals = new Uint32Array(2 ** logN * w);
      vals.set(randomMatrix(2 ** logNz, w, logN + logNz));
      const full = Uint32Array.from(vals);
      nttDifInPlace(full, w);
      nttDifInPlace(vals, w, false, 2 ** logNz);
      expect(Array.from(vals)).toEqual(Array.from(full));
    }
  });
  it('twiddles: forward and inverse tables are reciprocal powers', () => {
    const f = getTwiddles(5);
    const inv = getTwiddles(5, true);
    expect(f.length).toBe(16);
    for (let j = 0; j < 16; j++) expect(mul(f[j], inv[j])).toBe(1);
    expect(f[1]).toBe(twoAdicGenerator(5));
  });
  it('rejects non-power-of-two heights and oversized LDEs', () => {
    expect(() => dft(matrix(new Uint32Array(6), 1))).toThrow(RangeError);
    expect(() => cosetLde(matrix(new Uint32Array(4), 1), 26, GENERATOR)).toThrow(FieldError);
  });
});

describe('interpolateColumnsAtExt', () => {
  const z = Uint32Array.of(123456789, 987654321, 5, 77);
  for (const [logN, w] of [
    [0, 1],
    [1, 2],
    [3, 3],
    [5, 2],
  ]) {
    it(`matches Horner on the coefficients, 2^${logN} x ${w}, natural and bit-reversed rows`, () => {
      const n = 2 ** logN;
      const coeffs = randomMatrix(n, w, 999 + logN);
      const want = refEvalColumnsAtExt(coeffs, w, z);
      const g = twoAdicGenerator(logN);
      for (const shift of [1, GENERATOR, 12345]) {
        const xs = Array.from({ length: n }, (_, i) => mul(shift, refPow(g, BigInt(i))));
        const evals = matrix(Uint32Array.from(refEvalColumns(coeffs, w, xs)), w);
        expect(Array.from(interpolateColumnsAtExt(evals, shift, z)), `shift ${shift}`).toEqual(want);
        expect(Array.from(interpolateColumnsAtExt(bitReverseRows(evals), shift, z, true))).toEqual(want);
      }
    });
  }
  it('opens the committed layout: first n rows of the bit-reversed LDE are GEN * H_n in bit-reversed order', () => {
    const n = 8;
    const w = 2;
    const evals = randomMatrix(n, w, 4242);
    const coeffs = refIdftColumns(evals, w, twoAdicGenerator(3));
    const committed = cosetLdeBitReversed(matrix(evals, w), 2, GENERATOR);
    const firstRows = matrix(committed.values.slice(0, n * w), w);
    expect(Array.from(interpolateColumnsAtExt(firstRows, GENERATOR, z, true))).toEqual(
      refEvalColumnsAtExt(coeffs, w, z),
    );
  });
  it('throws FieldError when z lies in the coset', () => {
    const evals = matrix(randomMatrix(4, 1, 1), 1);
    expect(() => interpolateColumnsAtExt(evals, GENERATOR, Uint32Array.of(GENERATOR, 0, 0, 0))).toThrow(
      FieldError,
    );
  });
});
