/**
 * Radix-2 NTT over the columns of row-major BabyBear matrices, coset low-degree extension in natural and
 * committed (bit-reversed) order, and barycentric evaluation of the columns at an extension point.
 *
 * Mirrors the conventions of Plonky3/Plonky3:dft/src/traits.rs (TwoAdicSubgroupDft: dft_batch,
 * idft_batch, coset_dft_batch, coset_lde_batch) and dft/src/radix_2_dit.rs, and the interpolation of
 * Plonky3/Plonky3:interpolation/src/lib.rs (interpolate_coset), v0.6.2. Spec: docs/protocol.md §7, §8.4,
 * docs/protocol.md §8.6 step 1.
 *
 * - DFT of size n = 2^k: Y[j] = sum_i X[i] g_k^(i j), natural order in and out; g_k = twoAdicGenerator(k).
 * - coset_lde(evals, addedBits, shift): coefficients = IDFT(evals), coefficient i times shift^i,
 *   zero-pad to N = n 2^addedBits, DFT of size N. Output row j = f(shift g_K^j).
 * - The committed layout is the coset LDE with rows bit-reversed; `cosetLdeBitReversed` produces it
 *   directly, because the decimation-in-frequency kernel used here takes natural order in and leaves
 *   bit-reversed order out.
 *
 * Butterflies act on whole rows so the inner loop runs over the row (contiguous memory). Twiddle
 * tables are cached per (logN, direction). Invariant: inputs are canonical; inputs are never mutated
 * unless a function's name says InPlace. No BigInt anywhere.
 */

import { exp, type Felt, FieldError, inverse, mul, P, TWO_ADICITY, twoAdicGenerator } from './babybear.ts';
import { bitReverseRowsInPlace, bitReverseTable, log2Strict } from './bit-reverse.ts';
import { type Ext4, ext4BatchInverse, ext4Exp } from './ext4.ts';
import type { Matrix } from './matrix.ts';

const INV_P = 1 / P;

const twiddleCache = new Map<number, Uint32Array>();

/**
 * Cached twiddles w^j for j < 2^(logN-1), w = g_logN (forward) or g_logN^-1 (inverse).
 * @param logN transform size log, 1..27
 * @param inverseRoot true for the inverse root
 * @returns a shared table of 2^(logN-1) elements (do not modify)
 * @throws {FieldError} if logN is outside 0..27
 */
export function getTwiddles(logN: number, inverseRoot = false): Uint32Array {
  const key = inverseRoot ? -1 - logN : logN;
  let t = twiddleCache.get(key);
  if (t === undefined) {
    const g = twoAdicGenerator(logN);
    const w = inverseRoot ? exp(g, P - 2) : g;
    const half = logN === 0 ? 0 : 2 ** (logN - 1);
    t = new Uint32Array(half);
    let acc = 1;
    for (let j = 0; j < half; j++) {
      t[j] = acc;
      acc = mul(acc, w);
    }
    twiddleCache.set(key, t);
  }
  return t;
}

/** d * w mod P for int32 d in [0, P), twiddle w in [0, P) and wf = w / P; branchless int32. */
function mulTw(d: number, w: number, wf: number): number {
  // d * w < 2^62: q is within one of floor(d w / P), so the int32 remainder r lies in (-P, 2P)
  // and is exact modulo 2^32; the two masked corrections bring it into [0, P).
  const q = (d * wf) | 0;
  let r = (Math.imul(d, w) - Math.imul(q, P)) | 0;
  r += (r >> 31) & P;
  r -= P;
  return r + ((r >> 31) & P);
}

/**
 * Decimation-in-frequency NTT over the columns of a row-major matrix, in place:
 * natural-order input, bit-reversed output (row rev(j) holds Y[j] = sum_i X[i] w^(i j)).
 * Radix-4 passes (two layers each), with one radix-2 layer first when the layer count is odd.
 * The clear radix-2 form is `refNttDifRadix2` in test/ref/dft-ref.ts.
 * @param values row-major values, height a power of two (2^logN rows)
 * @param width row length (> 0)
 * @param inverseRoot use the inverse root (no 1/n scaling)
 * @param nonzeroRows rows at index >= nonzeroRows are known to be zero (a power of two <= height);
 *   lets the zero-padded LDE skip work. Defaults to the height.
 * @throws {RangeError} if the height is not a power of two
 * @throws {FieldError} if the height exceeds 2^27
 */
export function nttDifInPlace(
  values: Uint32Array,
  width: number,
  inverseRoot = false,
  nonzeroRows = -1,
): void {
  const n = values.length / width;
  const logN = log2Strict(n);
  if (logN > TWO_ADICITY) throw new FieldError(`ntt: size 2^${logN} exceeds two-adicity ${TWO_ADICITY}`);
  if (n === 1) return;
  // Canonical values are < 2^31, so an Int32Array view reads the same numbers and keeps V8 in int32.
  const v = new Int32Array(values.buffer, values.byteOffset, values.length);
  const tw = getTwiddles(logN, inverseRoot);
  const halfN = n >>> 1;
  const nz = nonzeroRows < 0 || nonzeroRows > n ? n : nonzeroRows;
  let h = halfN;
  // Expansion layers: the second half of every block is zero, (x, 0) -> (x, x w^j); only the first
  // nz rows of each block are live.
  for (; h >= nz; h >>>= 1) {
    const stride = n / (2 * h);
    for (let start = 0; start < n; start += 2 * h) {
      for (let j = 0; j < nz; j++) {
        const w = tw[j * stride] | 0;
        const wf = w * INV_P;
        const x = (start + j) * width;
        const y = x + h * width;
        if (j === 0) for (let c = 0; c < width; c++) v[y + c] = v[x + c];
        else for (let c = 0; c < width; c++) v[y + c] = mulTw(v[x + c], w, wf);
      }
    }
  }
  if (h === 0) return;
  // Remaining layers: log2(2h). One radix-2 layer if that count is odd.
  if ((log2Strict(2 * h) & 1) === 1) {
    const stride = n / (2 * h);
    for (let start = 0; start < n; start += 2 * h) {
      for (let j = 0; j < h; j++) {
        const w = tw[j * stride] | 0;
        const wf = w * INV_P;
        const x = (start + j) * width;
        const y = x + h * width;
        for (let c = 0; c < width; c++) {
          const a = v[x + c];
          const b = v[y + c];
          const s = a + b - P;
          v[x + c] = s + ((s >> 31) & P);
          const d = a - b;
          v[y + c] = j === 0 ? d + ((d >> 31) & P) : mulTw(d + ((d >> 31) & P), w, wf);
        }
      }
    }
    h >>>= 1;
  }
  // Radix-4 passes over blocks of 2h rows split in quarters x0..x3 of q = h/2 rows:
  //   y0 = (x0 + x2) + (x1 + x3)            y1 = ((x0 + x2) - (x1 + x3)) w^2j
  //   y2 = ((x0 - x2) + i (x1 - x3)) w^j    y3 = ((x0 - x2) - i (x1 - x3)) w^3j
  // with w the block root and i = w^q = tw[n/4] a fourth root of unity.
  const im = tw[n >>> 2] | 0;
  const imf = im * INV_P;
  for (; h >= 2; h >>>= 2) {
    const q = h >>> 1;
    const block = 2 * h;
    const stride = n / block;
    const qw = q * width;
    for (let start = 0; start < n; start += block) {
      for (let j = 0; j < q; j++) {
        const e1 = j * stride;
        const e3 = 3 * e1;
        const w1 = tw[e1] | 0;
        const w2 = tw[2 * e1] | 0;
        const w3 = (e3 < halfN ? tw[e3] : P - tw[e3 - halfN]) | 0;
        const w1f = w1 * INV_P;
        const w2f = w2 * INV_P;
        const w3f = w3 * INV_P;
        const o0 = (start + j) * width;
        const o1 = o0 + qw;
        const o2 = o1 + qw;
        const o3 = o2 + qw;
        for (let c = 0; c < width; c++) {
          const x0 = v[o0 + c];
          const x1 = v[o1 + c];
          const x2 = v[o2 + c];
          const x3 = v[o3 + c];
          let a0 = x0 + x2 - P;
          a0 += (a0 >> 31) & P;
          let a1 = x1 + x3 - P;
          a1 += (a1 >> 31) & P;
          let a2 = x0 - x2;
          a2 += (a2 >> 31) & P;
          let a3 = x1 - x3;
          a3 = mulTw(a3 + ((a3 >> 31) & P), im, imf);
          let y0 = a0 + a1 - P;
          y0 += (y0 >> 31) & P;
          let y1 = a0 - a1;
          y1 += (y1 >> 31) & P;
          let y2 = a2 + a3 - P;
          y2 += (y2 >> 31) & P;
          let y3 = a2 - a3;
          y3 += (y3 >> 31) & P;
          v[o0 + c] = y0;
          if (j === 0) {
            v[o1 + c] = y1;
            v[o2 + c] = y2;
            v[o3 + c] = y3;
          } else {
            v[o1 + c] = mulTw(y1, w2, w2f);
            v[o2 + c] = mulTw(y2, w1, w1f);
            v[o3 + c] = mulTw(y3, w3, w3f);
          }
        }
      }
    }
  }
}

function heightOf(m: Matrix): number {
  if (m.width <= 0 || m.values.length % m.width !== 0) {
    throw new RangeError(`dft: ${m.values.length} values do not form rows of width ${m.width}`);
  }
  return m.values.length / m.width;
}

/** Multiplies row i of values by s0 * s^i, in place. */
function scaleRowsByPowers(values: Uint32Array, width: number, s0: Felt, s: Felt): void {
  const n = values.length / width;
  let f = s0;
  for (let i = 0; i < n; i++) {
    const o = i * width;
    for (let c = 0; c < width; c++) values[o + c] = mul(values[o + c], f);
    f = mul(f, s);
  }
}

/**
 * Column-wise DFT, natural order in and out: out[j] = sum_i m[i] g^(i j).
 * @param m matrix of coefficients (height a power of two, <= 2^27)
 * @returns a new matrix of evaluations on H
 * @throws {RangeError} if the height is not a power of two
 * @example dft(matrix(Uint32Array.of(1, 2, 3, 4), 1))
 */
export function dft(m: Matrix): Matrix {
  heightOf(m);
  const out: Matrix = { values: Uint32Array.from(m.values), width: m.width };
  nttDifInPlace(out.values, out.width);
  return bitReverseRowsInPlace(out);
}

/**
 * Column-wise inverse DFT, natural order in and out: coefficients from evaluations on H.
 * @param m matrix of evaluations on H (height a power of two, <= 2^27)
 * @returns a new matrix of coefficients
 * @throws {RangeError} if the height is not a power of two
 */
export function idft(m: Matrix): Matrix {
  const n = heightOf(m);
  const out: Matrix = { values: Uint32Array.from(m.values), width: m.width };
  nttDifInPlace(out.values, out.width, true);
  bitReverseRowsInPlace(out);
  if (n > 1) scaleRowsByPowers(out.values, out.width, inverse(n % P), 1);
  return out;
}

/**
 * Column-wise coset DFT: out[i] = sum_j m[j] (shift g^i)^j.
 * @param m matrix of coefficients (height a power of two)
 * @param shift coset shift
 * @returns a new matrix of evaluations on shift * H, natural order
 * @throws {RangeError} if the height is not a power of two
 */
export function cosetDft(m: Matrix, shift: Felt): Matrix {
  heightOf(m);
  const out: Matrix = { values: Uint32Array.from(m.values), width: m.width };
  scaleRowsByPowers(out.values, out.width, 1, shift);
  nttDifInPlace(out.values, out.width);
  return bitReverseRowsInPlace(out);
}

/** Coset LDE with bit-reversed output rows (the committed layout). */
function ldeBitReversedValues(m: Matrix, addedBits: number, shift: Felt): Uint32Array {
  const n = heightOf(m);
  const width = m.width;
  const logn = log2Strict(n);
  if (!Number.isInteger(addedBits) || addedBits < 0 || logn + addedBits > TWO_ADICITY) {
    throw new FieldError(`coset LDE: 2^${logn} rows with ${addedBits} added bits exceeds 2^${TWO_ADICITY}`);
  }
  const bigN = n * 2 ** addedBits;
  // 1. Unscaled inverse NTT: tmp row rev(i) = n * coeff_i.
  const tmp = Uint32Array.from(m.values);
  nttDifInPlace(tmp, width, true);
  // 2. out row i = coeff_i * shift^i (the 1/n folds into the same factor); rows >= n stay zero.
  const out = new Uint32Array(bigN * width);
  const rev = bitReverseTable(logn);
  let f = n === 1 ? 1 : inverse(n);
  for (let i = 0; i < n; i++) {
    const src = rev[i] * width;
    const dst = i * width;
    for (let c = 0; c < width; c++) out[dst + c] = mul(tmp[src + c], f);
    f = mul(f, shift);
  }
  // 3. Forward NTT of size N on natural-order coefficients leaves bit-reversed evaluations.
  nttDifInPlace(out, width, false, n);
  return out;
}

/**
 * Coset low-degree extension, natural order: row j = f(shift * g_K^j), K = log2(height) + addedBits,
 * where column f has the given evaluations on the subgroup H (docs/protocol.md §7).
 * @param m evaluations on H, natural order (height a power of two)
 * @param addedBits log2 of the blowup
 * @param shift coset shift
 * @returns a new matrix of height * 2^addedBits rows
 * @throws {RangeError} if the height is not a power of two
 * @throws {FieldError} if the extended size exceeds 2^27
 */
export function cosetLde(m: Matrix, addedBits: number, shift: Felt): Matrix {
  const out: Matrix = { values: ldeBitReversedValues(m, addedBits, shift), width: m.width };
  return bitReverseRowsInPlace(out);
}

/**
 * Low-degree extension on the subgroup itself (shift 1), natural order.
 * @param m evaluations on H, natural order
 * @param addedBits log2 of the blowup
 * @returns a new matrix of height * 2^addedBits rows
 * @throws {RangeError} if the height is not a power of two
 */
export function lde(m: Matrix, addedBits: number): Matrix {
  return cosetLde(m, addedBits, 1);
}

/**
 * The PCS committed layout: bit_reverse_rows(coset_lde(m, logBlowup, shift)), computed without a
 * separate permutation pass. Row j = f(shift * g_K^rev_K(j)).
 * @param m evaluations on H, natural order (height a power of two)
 * @param logBlowup log2 of the blowup
 * @param shift coset shift (GEN / domain shift for the PCS, docs/protocol.md §8.4)
 * @returns a new matrix of height * 2^logBlowup rows
 * @throws {RangeError} if the height is not a power of two
 * @throws {FieldError} if the extended size exceeds 2^27
 * @example cosetLdeBitReversed(trace, 1, GENERATOR)
 */
export function cosetLdeBitReversed(m: Matrix, logBlowup: number, shift: Felt): Matrix {
  return { values: ldeBitReversedValues(m, logBlowup, shift), width: m.width };
}

/**
 * Evaluates each column's interpolant at an extension point (barycentric formula on a coset).
 * Row i of evals is f(shift * g^i) (natural order) or f(shift * g^rev(i)) (bitReversedRows); the
 * result is f_c(z) for each column c, where f_c has degree < height:
 *   f(z) = (z^n - shift^n) / (n shift^(n-1)) * sum_i g^i f(shift g^i) / (z - shift g^i).
 * @param evals evaluations on shift * H (height n, a power of two)
 * @param shift coset shift (non-zero)
 * @param z evaluation point, not in shift * H
 * @param bitReversedRows true if row i holds the point with exponent rev(i), as in the committed layout
 * @returns width * 4 values: column c's value at z at offset 4c
 * @throws {FieldError} if z lies in shift * H or shift = 0
 * @throws {RangeError} if the height is not a power of two
 */
export function interpolateColumnsAtExt(
  evals: Matrix,
  shift: Felt,
  z: Ext4,
  bitReversedRows = false,
): Uint32Array {
  const n = heightOf(evals);
  const width = evals.width;
  const logn = log2Strict(n);
  if (shift === 0) throw new FieldError('interpolate: zero coset shift');
  const g = twoAdicGenerator(logn);
  const rev = bitReversedRows ? bitReverseTable(logn) : null;
  // Natural powers g^e, e < n.
  const pows = new Uint32Array(n);
  let acc = 1;
  for (let e = 0; e < n; e++) {
    pows[e] = acc;
    acc = mul(acc, g);
  }
  // denominators z - shift g^e(i), then their inverses.
  const den = new Uint32Array(4 * n);
  const z0 = z[0];
  for (let i = 0; i < n; i++) {
    const x = mul(shift, pows[rev === null ? i : rev[i]]);
    const d = z0 - x;
    den[4 * i] = d < 0 ? d + P : d;
    den[4 * i + 1] = z[1];
    den[4 * i + 2] = z[2];
    den[4 * i + 3] = z[3];
  }
  try {
    ext4BatchInverse(den, den);
  } catch (e) {
    if (e instanceof FieldError) throw new FieldError('interpolate: point lies in the coset');
    throw e;
  }
  // weights w_i = g^e(i) / (z - x_i); sums accumulate unreduced (each term < 2^31, <= 2^21 terms).
  const sums = new Float64Array(4 * width);
  const vals = evals.values;
  const REDUCE_EVERY = 1 << 21;
  for (let i = 0; i < n; i++) {
    const ge = pows[rev === null ? i : rev[i]];
    const w0 = mul(den[4 * i], ge);
    const w1 = mul(den[4 * i + 1], ge);
    const w2 = mul(den[4 * i + 2], ge);
    const w3 = mul(den[4 * i + 3], ge);
    const o = i * width;
    for (let c = 0; c < width; c++) {
      const v = vals[o + c];
      const k = 4 * c;
      sums[k] += mul(w0, v);
      sums[k + 1] += mul(w1, v);
      sums[k + 2] += mul(w2, v);
      sums[k + 3] += mul(w3, v);
    }
    if ((i + 1) % REDUCE_EVERY === 0) for (let k = 0; k < sums.length; k++) sums[k] %= P;
  }
  // scale = (z^n - shift^n) / (n shift^(n-1))
  const zn = ext4Exp(z, n);
  const sn1 = exp(shift, n - 1);
  const sn = mul(sn1, shift);
  const d0 = zn[0] - sn;
  const scaleInv = inverse(mul(n % P, sn1));
  const s0 = mul(d0 < 0 ? d0 + P : d0, scaleInv);
  const s1 = mul(zn[1], scaleInv);
  const s2 = mul(zn[2], scaleInv);
  const s3 = mul(zn[3], scaleInv);
  const out = new Uint32Array(4 * width);
  for (let c = 0; c < width; c++) {
    const k = 4 * c;
    const a0 = sums[k] % P;
    const a1 = sums[k + 1] % P;
    const a2 = sums[k + 2] % P;
    const a3 = sums[k + 3] % P;
    // (a * s) in EF, X^4 = 11; sums of 4 reduced products, 3 scaled by 11, stay < 2^36.
    out[k] = (mul(a0, s0) + 11 * (mul(a1, s3) + mul(a2, s2) + mul(a3, s1))) % P;
    out[k + 1] = (mul(a0, s1) + mul(a1, s0) + 11 * (mul(a2, s3) + mul(a3, s2))) % P;
    out[k + 2] = (mul(a0, s2) + mul(a1, s1) + mul(a2, s0) + 11 * mul(a3, s3)) % P;
    out[k + 3] = (mul(a0, s3) + mul(a1, s2) + mul(a2, s1) + mul(a3, s0)) % P;
  }
  return out;
}
