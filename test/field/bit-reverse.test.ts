/**
 * Bit reversal and base-2 logs: every case of test/vectors/bit_reversal.json plus a bit-by-bit reference.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bitReverseRows,
  bitReverseRowsInPlace,
  bitReverseTable,
  log2CeilUsize,
  log2Strict,
  reverseBitsLen,
  reverseSliceIndexBits,
} from '../../src/field/bit-reverse.ts';
import { matrix } from '../../src/field/matrix.ts';
import { refReverseBits } from '../ref/field-ref.ts';

const BR = JSON.parse(readFileSync(new URL('../vectors/bit_reversal.json', import.meta.url), 'utf8'));

describe('bit_reversal.json', () => {
  it.each(BR.reverse_bits_len as { x: number; bits: number; out: number }[])(
    'bit_reversal.json reverse_bits_len: x=$x bits=$bits -> $out',
    ({ x, bits, out }) => {
      expect(reverseBitsLen(x, bits)).toBe(out);
    },
  );
  it('bit_reversal.json reverse_slice_index_bits[0]: [10,20,30,40] -> [10,30,20,40]', () => {
    const c = BR.reverse_slice_index_bits[0];
    expect(Array.from(reverseSliceIndexBits(Uint32Array.from(c.input)))).toEqual(c.output);
    expect(reverseSliceIndexBits([...c.input])).toEqual(c.output);
  });
  it('bit_reversal.json reverse_slice_index_bits[1]: range(256), element i moves to position rev8(i)', () => {
    const c = BR.reverse_slice_index_bits[1];
    expect(c.input).toBe('range(256)');
    const xs = Uint32Array.from({ length: 256 }, (_, i) => i);
    reverseSliceIndexBits(xs);
    for (let i = 0; i < 256; i++) expect(xs[refReverseBits(i, 8)]).toBe(i);
  });
});

describe('bit reversal vs bit-by-bit reference', () => {
  it('reverseBitsLen for bits 0..27 on sample indices', () => {
    for (let bits = 0; bits <= 27; bits++) {
      const n = 2 ** bits;
      for (const x of [0, 1, 2, 3, n >>> 1, n - 1, Math.floor(n / 3), 12345 % n]) {
        if (x < n) expect(reverseBitsLen(x, bits)).toBe(refReverseBits(x, bits));
      }
    }
    expect(reverseBitsLen(1, 32)).toBe(2 ** 31);
  });
  it('bitReverseTable matches reverseBitsLen for logN 0..12', () => {
    for (let k = 0; k <= 12; k++) {
      const t = bitReverseTable(k);
      expect(t.length).toBe(2 ** k);
      for (let i = 0; i < t.length; i++) expect(t[i]).toBe(refReverseBits(i, k));
    }
  });
  it('bitReverseRows (copy and in place) moves row i to row rev(i), for widths 1, 3, 8', () => {
    for (const w of [1, 3, 8]) {
      for (const h of [1, 2, 4, 32]) {
        const m = matrix(
          Uint32Array.from({ length: h * w }, (_, k) => k),
          w,
        );
        const copy = bitReverseRows(m);
        const k = Math.log2(h);
        for (let i = 0; i < h; i++)
          for (let c = 0; c < w; c++) expect(copy.values[refReverseBits(i, k) * w + c]).toBe(i * w + c);
        for (let k2 = 0; k2 < h * w; k2++) expect(m.values[k2]).toBe(k2);
        bitReverseRowsInPlace(m);
        expect(m.values).toEqual(copy.values);
      }
    }
  });
  it('log2Strict and log2CeilUsize', () => {
    expect(log2Strict(1)).toBe(0);
    expect(log2Strict(2 ** 20)).toBe(20);
    expect(() => log2Strict(3)).toThrow(RangeError);
    expect(() => log2Strict(0)).toThrow(RangeError);
    expect(() => reverseSliceIndexBits(new Uint32Array(6))).toThrow(RangeError);
    expect([0, 1, 2, 3, 4, 5, 8, 9].map(log2CeilUsize)).toEqual([0, 0, 1, 2, 2, 3, 3, 4]);
  });
});
