/**
 * FRI folding over the extension field (docs/protocol.md §9.4, §9.5), mirroring
 * Plonky3/Plonky3:fri/src/two_adic_pcs.rs (TwoAdicFriFolding::fold_row / fold_matrix).
 *
 * Vectors are EF values stored flat (4 coefficients each) in bit-reversed order of the
 * subgroup H_{2^L}: entry i is the value at g_L^rev_L(i), so entries 2i and 2i+1 hold f(x)
 * and f(-x). Folding by 2 maps f to f_e(x^2) + beta * f_o(x^2).
 *
 * `foldVector` is the CPU twin of the WGSL fold kernel.
 */
import { halve, inverse, mul, twoAdicGenerator, twoAdicPowInv } from '../field/babybear.ts';
import { reverseBitsLen, reverseSliceIndexBits } from '../field/bit-reverse.ts';
import { idft } from '../field/dft.ts';
import { ext4AddInto, ext4MulBaseInto, ext4MulInto, ext4SquareInto, ext4SubInto } from '../field/ext4.ts';
import { matrix } from '../field/matrix.ts';

const halfInvCache = new Map<number, Uint32Array>();

/** For m = 2^lm pairs: t[i] = g_(lm+1)^-rev_lm(i) / 2, cached per lm. */
export function foldTwiddles(lm: number): Uint32Array {
  let t = halfInvCache.get(lm);
  if (t) return t;
  const m = 1 << lm;
  const gInv = inverse(twoAdicGenerator(lm + 1));
  const pows = new Uint32Array(m);
  let acc = halve(1);
  for (let i = 0; i < m; i++) {
    pows[i] = acc;
    acc = mul(acc, gInv);
  }
  t = new Uint32Array(m);
  for (let i = 0; i < m; i++) t[i] = pows[reverseBitsLen(i, lm)];
  halfInvCache.set(lm, t);
  return t;
}

/**
 * One arity-2 fold of a flat EF vector of 2m values: out[i] = (lo+hi)/2 + beta (lo-hi) t[i].
 * @param v flat EF vector, length 8m
 * @param beta EF challenge
 * @returns flat EF vector of m values
 */
export function foldVectorArity2(v: Uint32Array, beta: Uint32Array): Uint32Array {
  const m = v.length / 8;
  const lm = Math.log2(m);
  const t = foldTwiddles(lm);
  const out = new Uint32Array(4 * m);
  const s = new Uint32Array(4);
  const d = new Uint32Array(4);
  for (let i = 0; i < m; i++) {
    const lo = 8 * i;
    const hi = lo + 4;
    ext4AddInto(s, 0, v, lo, v, hi);
    ext4MulBaseInto(s, 0, s, 0, halve(1));
    ext4SubInto(d, 0, v, lo, v, hi);
    ext4MulBaseInto(d, 0, d, 0, t[i]);
    ext4MulInto(d, 0, d, 0, beta, 0);
    ext4AddInto(out, 4 * i, s, 0, d, 0);
  }
  return out;
}

/**
 * Folds a flat EF vector by 2^logArity: logArity successive arity-2 folds with challenges
 * beta, beta^2, beta^4, ... (docs/protocol.md §9.4).
 */
export function foldVector(v: Uint32Array, beta: Uint32Array, logArity: number): Uint32Array {
  let cur = v;
  const b = Uint32Array.from(beta);
  for (let k = 0; k < logArity; k++) {
    cur = foldVectorArity2(cur, b);
    ext4SquareInto(b, 0, b, 0);
  }
  return cur;
}

/**
 * The roll-in of a folded vector: folded += beta^(2^logArity) * rollIn, in place (docs/protocol.md §9.4; the
 * reduced opening of the next height joins the fold).
 * @param folded the folded vector, flat EF
 * @param rollIn a flat EF vector of the same length
 * @param beta the round's challenge
 * @param logArity log2 of the arity
 * @throws {RangeError} if the lengths differ
 */
export function rollInto(
  folded: Uint32Array,
  rollIn: Uint32Array,
  beta: Uint32Array,
  logArity: number,
): void {
  if (rollIn.length !== folded.length) throw new RangeError('foldFri: roll-in length differs');
  const bp = Uint32Array.from(beta);
  for (let k = 0; k < logArity; k++) ext4SquareInto(bp, 0, bp, 0);
  const tmp = new Uint32Array(4);
  for (let i = 0; i < folded.length; i += 4) {
    ext4MulInto(tmp, 0, rollIn, i, bp, 0);
    ext4AddInto(folded, i, folded, i, tmp, 0);
  }
}

/**
 * The final polynomial's coefficients from the head of the last folded vector (its first
 * 2^logFinalPolyLen values, bit-reversed order): bring them to natural order, then IDFT.
 * @param vals the vector (or at least its head), flat EF
 * @param logFinalPolyLen log2 of the final polynomial's length
 * @returns 4 * 2^logFinalPolyLen coefficient words
 * @throws {RangeError} if the vector is shorter than the polynomial
 */
export function finalPolyFromEvals(vals: Uint32Array, logFinalPolyLen: number): Uint32Array {
  const n = 1 << logFinalPolyLen;
  if (4 * n > vals.length) throw new RangeError('finalPoly: vector shorter than the final polynomial');
  const idx = reverseSliceIndexBits(Array.from({ length: n }, (_, i) => i));
  const rows = new Uint32Array(4 * n);
  for (let i = 0; i < n; i++) rows.set(vals.subarray(4 * idx[i], 4 * idx[i] + 4), 4 * i);
  return idft(matrix(rows, 4)).values;
}

/**
 * The verifier's fold of one opened row (docs/protocol.md §9.5): the row holds the 2^a values of group j of a
 * vector of log-length lh + a; writes the row's interpolant evaluated at beta to `out`.
 * @param row flat EF row of 2^a values
 * @param logArity a
 * @param lh folded log-height (log-length after the fold)
 * @param j group index (< 2^lh)
 * @param beta EF challenge
 * @param out receives the folded EF value (4 words); must not alias row
 */
export function foldRow(
  row: Uint32Array,
  logArity: number,
  lh: number,
  j: number,
  beta: Uint32Array,
  out: Uint32Array,
): void {
  // x of pair u at level k (2^(a-k) values, coset s_k * H): s_k * g_(a-k)^rev_(a-k-1)(u), with
  // s_0 = g_(lh+a)^rev_lh(j) and s_(k+1) = s_k^2, so s_k = g_(lh+a-k)^rev_lh(j). The fold needs
  // only (1/2)/x = (1/2) * g_(lh+a-k)^-rev_lh(j) * g_(a-k)^-rev_(a-k-1)(u): two-adic powers, no
  // inversion (the same field value as halve(1) * inverse(x)).
  let cur = row;
  const r = reverseBitsLen(j, lh);
  const b = FOLD_BETA;
  b.set(beta);
  const sum = FOLD_SUM;
  const diff = FOLD_DIFF;
  const half = halve(1);
  for (let k = 0; k < logArity; k++) {
    const bits = logArity - k;
    const m = 1 << (bits - 1);
    const sInvHalf = mul(half, twoAdicPowInv(lh + bits, r));
    // The last level (m = 1) writes the result; an arity-2 fold allocates nothing.
    const next = m === 1 ? out : new Uint32Array(4 * m);
    for (let u = 0; u < m; u++) {
      const lo = 8 * u;
      ext4AddInto(sum, 0, cur, lo, cur, lo + 4);
      ext4MulBaseInto(sum, 0, sum, 0, half);
      ext4SubInto(diff, 0, cur, lo, cur, lo + 4);
      ext4MulBaseInto(diff, 0, diff, 0, mul(sInvHalf, twoAdicPowInv(bits, reverseBitsLen(u, bits - 1))));
      ext4MulInto(diff, 0, diff, 0, b, 0);
      ext4AddInto(next, 4 * u, sum, 0, diff, 0);
    }
    cur = next;
    ext4SquareInto(b, 0, b, 0);
  }
}

// foldRow's scratch (it calls nothing that folds, so one set per module instance serves every call).
const FOLD_BETA = new Uint32Array(4);
const FOLD_SUM = new Uint32Array(4);
const FOLD_DIFF = new Uint32Array(4);
