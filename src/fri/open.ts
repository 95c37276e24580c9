/**
 * The CPU specification of the PCS opening arithmetic (docs/protocol.md §8.6 steps 1 and 3), mirroring
 * Plonky3/Plonky3:fri/src/two_adic_pcs.rs (open): barycentric evaluation of a committed LDE at
 * an out-of-domain point, and the reduced-opening vectors per height. The backends run these
 * (CpuBackend whole, ParallelCpuBackend on row ranges); the WGSL kernels are checked against them.
 *
 * Invariant: every function works on row ranges so that any split of the rows gives the same
 * field elements (the arithmetic is exact).
 */
import { add, exp, GENERATOR, inverse, mul, P, reduceDouble, twoAdicGenerator } from '../field/babybear.ts';
import { bitReverseTable } from '../field/bit-reverse.ts';
import { ext4BatchInverse, ext4MulBaseInto, ext4MulInto, ext4SubInto } from '../field/ext4.ts';
import type { Matrix } from '../field/matrix.ts';
import { height } from '../field/matrix.ts';

/** Terms per lazy double sum: 64 products below 2^47 stay below 2^53, so the sum is exact. */
const LAZY_TERMS = 64;

/**
 * Splits the 4 components of an EF element into 16-bit halves: dst[2j] = floor(x_j / 2^16),
 * dst[2j + 1] = x_j mod 2^16 (x_j = dst[2j] * 2^16 + dst[2j + 1]).
 */
function splitExt(src: Uint32Array, so: number, dst: Float64Array, d0 = 0): void {
  for (let j = 0; j < 4; j++) {
    const x = src[so + j];
    dst[d0 + 2 * j] = x >>> 16;
    dst[d0 + 2 * j + 1] = x & 0xffff;
  }
}

/** (hi * 2^16 + lo) mod P for exact lazy sums hi, lo < 2^53. */
function joinLazy(hi: number, lo: number): number {
  return reduceDouble(reduceDouble(hi) * 65536 + reduceDouble(lo));
}

/**
 * Unscaled barycentric sums of every column of a committed LDE at an EF point z, over the
 * natural indices [start, end) of its first n = height/2^b rows (the values on GEN * H_n in
 * bit-reversed order): sum_i f(x_i) x_i / (z - x_i), x_i = GEN g_n^i. Summing the ranges of a
 * split and applying `scaleBarycentric` gives `evaluateLdeAt`, so workers can share the rows.
 * @param values the LDE's row-major values
 * @param width the LDE's width
 * @param logBlowup log2 of the blowup
 * @param z the EF point (not on the coset)
 * @param start first natural index
 * @param end one past the last natural index
 * @returns 4 sums per column
 * @throws {FieldError} if z lies on the coset
 */
export function barycentricSums(
  values: Uint32Array,
  width: number,
  logBlowup: number,
  z: ArrayLike<number>,
  start: number,
  end: number,
): Uint32Array {
  const w = width;
  const n = values.length / w / 2 ** logBlowup;
  const logN = Math.log2(n);
  const g = twoAdicGenerator(logN);
  const rev = bitReverseTable(logN);
  const len = end - start;
  // d_k = z - x_k, then w_k = x_k / d_k.
  const xs = new Uint32Array(len);
  const d = new Uint32Array(4 * len);
  let x = mul(GENERATOR, exp(g, start));
  for (let k = 0; k < len; k++) {
    xs[k] = x;
    d[4 * k] = z[0] >= x ? z[0] - x : z[0] + P - x;
    d[4 * k + 1] = z[1];
    d[4 * k + 2] = z[2];
    d[4 * k + 3] = z[3];
    x = mul(x, g);
  }
  const wts = ext4BatchInverse(d, d);
  for (let k = 0; k < len; k++) ext4MulBaseInto(wts, 4 * k, wts, 4 * k, xs[k]);
  // Lazy sums: each weight component w = hi * 2^16 + lo (hi < 2^15, lo < 2^16), so f * hi and
  // f * lo (f < 2^31) are below 2^47 and LAZY_TERMS of them add up exactly in a double; the
  // column sums are reduced into `out` every LAZY_TERMS rows.
  const out = new Uint32Array(4 * w);
  const lazy = new Float64Array(8 * w);
  const parts = new Float64Array(8);
  for (let k0 = 0; k0 < len; k0 += LAZY_TERMS) {
    const k1 = Math.min(len, k0 + LAZY_TERMS);
    for (let k = k0; k < k1; k++) {
      const r = rev[start + k] * w; // natural index i sits at bit-reversed row rev(i)
      splitExt(wts, 4 * k, parts);
      const h0 = parts[0];
      const l0 = parts[1];
      const h1 = parts[2];
      const l1 = parts[3];
      const h2 = parts[4];
      const l2 = parts[5];
      const h3 = parts[6];
      const l3 = parts[7];
      for (let c = 0; c < w; c++) {
        const f = values[r + c];
        const o = 8 * c;
        lazy[o] += f * h0;
        lazy[o + 1] += f * l0;
        lazy[o + 2] += f * h1;
        lazy[o + 3] += f * l1;
        lazy[o + 4] += f * h2;
        lazy[o + 5] += f * l2;
        lazy[o + 6] += f * h3;
        lazy[o + 7] += f * l3;
      }
    }
    for (let j = 0; j < 4 * w; j++) {
      out[j] = add(out[j], joinLazy(lazy[2 * j], lazy[2 * j + 1]));
      lazy[2 * j] = 0;
      lazy[2 * j + 1] = 0;
    }
  }
  return out;
}

/**
 * Multiplies barycentric sums (4 per column) in place by (z^n - s^n) / (n s^n), s = GEN.
 * @param sums the sums of `barycentricSums` over all n rows
 * @param n the coset size
 * @param z the EF point
 * @returns sums, now the column values at z
 */
export function scaleBarycentric(sums: Uint32Array, n: number, z: ArrayLike<number>): Uint32Array {
  const sn = exp(GENERATOR, n);
  const zn = Uint32Array.from(z);
  for (let k = 0; k < Math.log2(n); k++) ext4MulInto(zn, 0, zn, 0, zn, 0);
  zn[0] = zn[0] >= sn ? zn[0] - sn : zn[0] + P - sn;
  ext4MulBaseInto(zn, 0, zn, 0, inverse(mul(n % P, sn)));
  for (let c = 0; c < sums.length / 4; c++) ext4MulInto(sums, 4 * c, sums, 4 * c, zn, 0);
  return sums;
}

/**
 * Evaluates every column of a committed LDE at an EF point z, from its first n = height/2^b
 * rows, by the barycentric formula f(z) = (z^n - s^n) / (n s^n) * sum_i f(x_i) x_i / (z - x_i).
 * @returns flat EF values, one per column
 */
export function evaluateLdeAt(lde: Matrix, logBlowup: number, z: Uint32Array): Uint32Array {
  const n = height(lde) >>> logBlowup;
  return scaleBarycentric(barycentricSums(lde.values, lde.width, logBlowup, z, 0, n), n, z);
}

/** One opened (matrix, point) pair of a height, in PCS order (PCS open step 3). */
export interface ReduceTerm {
  /** Index into the height's matrices. */
  readonly matrix: number;
  readonly z: ArrayLike<number>;
  /** alpha^k, k = the running column offset of this height. */
  readonly alphaPowK: ArrayLike<number>;
  /** sum_c alpha^c y_c of the claimed values at z. */
  readonly yComb: ArrayLike<number>;
}

/** The matrices of one committed height and their terms. */
export interface HeightGroup {
  readonly matrices: Matrix[];
  readonly terms: ReduceTerm[];
}

/**
 * Groups every opened (matrix, point) pair by committed height, in PCS order, with its power of
 * alpha (restarting at 0 per height, counting across rounds, matrices, points and columns) and
 * sum_c alpha^c y_c (docs/protocol.md §8.6 step 3).
 * @param rounds per round: committed matrices, their points and claimed values
 * @param alpha the batching challenge
 * @returns alpha^c for c up to the widest matrix (4 per power) and the groups by log height
 */
export function reduceTerms(
  rounds: readonly {
    readonly matrices: readonly Matrix[];
    readonly points: readonly (readonly Uint32Array[])[];
    readonly values: readonly (readonly Uint32Array[])[];
  }[],
  alpha: Uint32Array,
): { alphaPows: Uint32Array; groups: Map<number, HeightGroup> } {
  const maxWidth = Math.max(...rounds.flatMap((r) => r.matrices.map((m) => m.width)));
  const alphaPows = new Uint32Array(4 * (maxWidth + 1));
  alphaPows[0] = 1;
  for (let c = 1; c <= maxWidth; c++) ext4MulInto(alphaPows, 4 * c, alphaPows, 4 * (c - 1), alpha, 0);
  const groups = new Map<number, HeightGroup>();
  const offsets = new Map<number, number>();
  const t = new Uint32Array(4);
  for (const r of rounds) {
    r.matrices.forEach((m, mi) => {
      const h = Math.log2(height(m));
      let g = groups.get(h);
      if (!g) {
        g = { matrices: [], terms: [] };
        groups.set(h, g);
      }
      let idx = g.matrices.indexOf(m);
      if (idx < 0) idx = g.matrices.push(m) - 1;
      for (let pi = 0; pi < r.points[mi].length; pi++) {
        const y = r.values[mi][pi];
        const yComb = new Uint32Array(4);
        for (let c = 0; c < m.width; c++) {
          ext4MulInto(t, 0, y, 4 * c, alphaPows, 4 * c);
          addExt(yComb, 0, t, 0);
        }
        const k = offsets.get(h) ?? 0;
        const alphaPowK = Uint32Array.of(1, 0, 0, 0);
        powExtInto(alphaPowK, alpha, k);
        offsets.set(h, k + m.width);
        g.terms.push({ matrix: idx, z: r.points[mi][pi], alphaPowK, yComb });
      }
    });
  }
  return { alphaPows, groups };
}

/**
 * Adds to `acc` (4 per row, bit-reversed rows of height 2^h) the terms' contributions for the
 * natural indices i in [start, end): acc[rev(i)] += alpha^k (yComb - sum_c alpha^c M[rev(i)][c])
 * / (z - x_i), x_i = GEN g_h^i. Ranges of a split can run anywhere (workers share `acc`).
 * @param h log height
 * @param matrices the height's matrices (values and width; rows bit-reversed)
 * @param alphaPows alpha^c, 4 per power
 * @param terms the height's terms
 * @param acc the reduced-opening vector
 * @param start first natural index
 * @param end one past the last
 */
export function reduceRange(
  h: number,
  matrices: readonly { readonly values: Uint32Array; readonly width: number }[],
  alphaPows: Uint32Array,
  terms: readonly ReduceTerm[],
  acc: Uint32Array,
  start: number,
  end: number,
): void {
  const g = twoAdicGenerator(h);
  const rev = bitReverseTable(h);
  const len = end - start;
  // mComb[k] = sum_c alpha^c M[rev(start + k)][c], per matrix
  const mComb = matrices.map((m) => {
    const v = m.values;
    const w = m.width;
    const out = new Uint32Array(4 * len);
    // Lazy row sums as in barycentricSums: alpha^c split into 16-bit halves, products summed in
    // doubles and reduced every LAZY_TERMS columns.
    const ap = new Float64Array(8 * w);
    for (let c = 0; c < w; c++) splitExt(alphaPows, 4 * c, ap, 8 * c);
    for (let k = 0; k < len; k++) {
      const base = rev[start + k] * w;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c0 = 0; c0 < w; c0 += LAZY_TERMS) {
        const c1 = Math.min(w, c0 + LAZY_TERMS);
        let h0 = 0;
        let l0 = 0;
        let h1 = 0;
        let l1 = 0;
        let h2 = 0;
        let l2 = 0;
        let h3 = 0;
        let l3 = 0;
        for (let c = c0; c < c1; c++) {
          const f = v[base + c];
          const o = 8 * c;
          h0 += f * ap[o];
          l0 += f * ap[o + 1];
          h1 += f * ap[o + 2];
          l1 += f * ap[o + 3];
          h2 += f * ap[o + 4];
          l2 += f * ap[o + 5];
          h3 += f * ap[o + 6];
          l3 += f * ap[o + 7];
        }
        s0 = add(s0, joinLazy(h0, l0));
        s1 = add(s1, joinLazy(h1, l1));
        s2 = add(s2, joinLazy(h2, l2));
        s3 = add(s3, joinLazy(h3, l3));
      }
      out[4 * k] = s0;
      out[4 * k + 1] = s1;
      out[4 * k + 2] = s2;
      out[4 * k + 3] = s3;
    }
    return out;
  });
  const xs = new Uint32Array(len);
  let x = mul(GENERATOR, exp(g, start));
  for (let k = 0; k < len; k++) {
    xs[k] = x;
    x = mul(x, g);
  }
  const t = new Uint32Array(4);
  const aw = new Uint32Array(4);
  const y = new Uint32Array(4);
  // 1 / (z - x_k) per distinct point (the trace and quotient rounds share zeta)
  const invs = new Map<string, Uint32Array>();
  for (const term of terms) {
    const z = term.z;
    const key = `${z[0]},${z[1]},${z[2]},${z[3]}`;
    let inv = invs.get(key);
    if (!inv) {
      const d = new Uint32Array(4 * len);
      for (let k = 0; k < len; k++) {
        const xk = xs[k];
        d[4 * k] = z[0] >= xk ? z[0] - xk : z[0] + P - xk;
        d[4 * k + 1] = z[1];
        d[4 * k + 2] = z[2];
        d[4 * k + 3] = z[3];
      }
      inv = ext4BatchInverse(d, d);
      invs.set(key, inv);
    }
    for (let e = 0; e < 4; e++) {
      aw[e] = term.alphaPowK[e];
      y[e] = term.yComb[e];
    }
    const mc = mComb[term.matrix];
    for (let k = 0; k < len; k++) {
      const o = 4 * k;
      ext4SubInto(t, 0, y, 0, mc, o);
      ext4MulInto(t, 0, t, 0, inv, o);
      ext4MulInto(t, 0, t, 0, aw, 0);
      addExt(acc, 4 * rev[start + k], t, 0);
    }
  }
}

function addExt(out: Uint32Array, o: number, a: Uint32Array, ia: number): void {
  out[o] = add(out[o], a[ia]);
  out[o + 1] = add(out[o + 1], a[ia + 1]);
  out[o + 2] = add(out[o + 2], a[ia + 2]);
  out[o + 3] = add(out[o + 3], a[ia + 3]);
}

function powExtInto(out: Uint32Array, base: Uint32Array, e: number): void {
  const b = Uint32Array.from(base);
  let k = e;
  while (k > 0) {
    if (k & 1) ext4MulInto(out, 0, out, 0, b, 0);
    ext4MulInto(b, 0, b, 0, b, 0);
    k >>>= 1;
  }
}

/**
 * The reduced-opening vectors of PCS open step 3, all rows on the calling thread.
 * @param rounds per round: committed matrices, their points and claimed values
 * @param alpha the batching challenge
 * @returns log height to vector (4 per row, bit-reversed rows)
 */
export function reduceOpenings(
  rounds: Parameters<typeof reduceTerms>[0],
  alpha: Uint32Array,
): Map<number, Uint32Array> {
  const { alphaPows, groups } = reduceTerms(rounds, alpha);
  const ro = new Map<number, Uint32Array>();
  for (const [h, g] of groups) {
    const acc = new Uint32Array(4 * 2 ** h);
    reduceRange(h, g.matrices, alphaPows, g.terms, acc, 0, 2 ** h);
    ro.set(h, acc);
  }
  return ro;
}
