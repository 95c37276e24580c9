/**
 * Bit reversal of indices, slices and matrix rows, plus exact base-2 logarithms.
 *
 * Mirrors Plonky3/Plonky3:util/src/lib.rs (reverse_bits_len, reverse_slice_index_bits, log2_strict_usize,
 * log2_ceil_usize) and matrix/src/bitrev.rs (bit_reverse_rows), v0.6.2.
 *
 * Invariant: lengths passed to the slice and row functions are powers of two (0 and 1 included);
 * anything else throws RangeError. Per-logN index tables are cached in a Map.
 */

import type { Matrix } from './matrix.ts';

/**
 * Reverses the low `bits` bits of x (Plonky3's reverse_bits_len).
 * @param x index, 0 <= x < 2^bits
 * @param bits number of bits, 0..32
 * @returns the bit-reversed index
 */
export function reverseBitsLen(x: number, bits: number): number {
  if (bits === 0) return 0;
  let v = x >>> 0;
  // Reverse all 32 bits, then shift down.
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> (32 - bits);
}

/**
 * log2 of n, which must be a power of two (Plonky3's log2_strict_usize).
 * @param n a power of two, 1 <= n <= 2^52
 * @returns k with 2^k = n
 * @throws {RangeError} if n is not a power of two
 */
export function log2Strict(n: number): number {
  const k = log2CeilUsize(n);
  if (n < 1 || 2 ** k !== n) throw new RangeError(`log2Strict: ${n} is not a power of two`);
  return k;
}

/**
 * Smallest k with 2^k >= n (Plonky3's log2_ceil_usize); 0 for n <= 1.
 * @param n non-negative safe integer
 * @returns ceil(log2(n))
 */
export function log2CeilUsize(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

const revTables = new Map<number, Uint32Array>();

/**
 * Cached table t with t[i] = reverseBitsLen(i, logN), for i < 2^logN.
 * @param logN table size log, 0..27
 * @returns a shared table (do not modify)
 */
export function bitReverseTable(logN: number): Uint32Array {
  let t = revTables.get(logN);
  if (t === undefined) {
    const n = 2 ** logN;
    t = new Uint32Array(n);
    // t[i] from t[i >> 1]: reversing i shifts the reversal of i >> 1 down by one and puts bit 0 on top.
    const top = logN === 0 ? 0 : 2 ** (logN - 1);
    for (let i = 1; i < n; i++) t[i] = (t[i >>> 1] >>> 1) | ((i & 1) === 1 ? top : 0);
    revTables.set(logN, t);
  }
  return t;
}

/**
 * Permutes xs in place so that element i moves to position rev(i) (Plonky3's reverse_slice_index_bits).
 * @param xs array whose length is a power of two (or 0)
 * @returns xs
 * @throws {RangeError} if the length is not a power of two
 */
export function reverseSliceIndexBits<T extends Uint32Array | number[]>(xs: T): T {
  const n = xs.length;
  if (n <= 1) return xs;
  const t = bitReverseTable(log2Strict(n));
  for (let i = 0; i < n; i++) {
    const j = t[i];
    if (i < j) {
      const tmp = xs[i];
      xs[i] = xs[j];
      xs[j] = tmp;
    }
  }
  return xs;
}

/**
 * Permutes the rows of a row-major matrix in place: row i moves to row rev(i).
 * @param m matrix whose height is a power of two (or 0)
 * @returns m
 * @throws {RangeError} if the height is not a power of two
 */
export function bitReverseRowsInPlace(m: Matrix): Matrix {
  const w = m.width;
  const v = m.values;
  const h = w === 0 ? 0 : v.length / w;
  if (h <= 1) return m;
  const t = bitReverseTable(log2Strict(h));
  for (let i = 0; i < h; i++) {
    const j = t[i];
    if (i < j) {
      const a = i * w;
      const b = j * w;
      for (let c = 0; c < w; c++) {
        const tmp = v[a + c];
        v[a + c] = v[b + c];
        v[b + c] = tmp;
      }
    }
  }
  return m;
}

/**
 * Bit-reverses the rows of a row-major matrix into a fresh matrix (Plonky3's bit_reverse_rows).
 * @param m matrix whose height is a power of two (or 0)
 * @returns a new matrix whose row rev(i) is row i of m
 * @throws {RangeError} if the height is not a power of two
 */
export function bitReverseRows(m: Matrix): Matrix {
  const w = m.width;
  const v = m.values;
  const h = w === 0 ? 0 : v.length / w;
  const out = new Uint32Array(v.length);
  if (h <= 1) {
    out.set(v);
    return { values: out, width: w };
  }
  const t = bitReverseTable(log2Strict(h));
  for (let i = 0; i < h; i++) {
    const src = t[i] * w;
    const dst = i * w;
    for (let c = 0; c < w; c++) out[dst + c] = v[src + c];
  }
  return { values: out, width: w };
}
