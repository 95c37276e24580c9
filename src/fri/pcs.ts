/**
 * TwoAdicFriPcs, prover side (spec/plonky3.md §8.4-§8.6), mirroring
 * Plonky3/Plonky3:fri/src/two_adic_pcs.rs at v0.6.2: commit = coset LDE (shift GEN / domain
 * shift, rows bit-reversed) + Merkle; open = evaluate every matrix at its points, observe the
 * values, sample the batching challenge, build one reduced-opening vector per height, run FRI.
 *
 * The hot steps (LDE, Merkle) go through the Backend; the rest is CPU code on host copies.
 */
import { add, exp, GENERATOR, inverse, mul, twoAdicGenerator } from '../field/babybear.ts';
import { bitReverseTable } from '../field/bit-reverse.ts';
import {
  ext4BatchInverse,
  ext4InverseInto,
  ext4MulBaseInto,
  ext4MulInto,
  ext4SubInto,
} from '../field/ext4.ts';
import type { Matrix } from '../field/matrix.ts';
import { height } from '../field/matrix.ts';
import type { Backend, CommittedMatrices } from '../runtime/backend.ts';
import type { FriParams } from '../stark/config.ts';
import type { BatchOpening, FriProof } from '../stark/proof.ts';
import { proveFri } from './prover.ts';
import type { Challenger } from './transcript.ts';

/** A multiplicative coset domain (shift, logSize) (TwoAdicMultiplicativeCoset). */
export interface Domain {
  readonly shift: number;
  readonly logSize: number;
}

/**
 * Commits matrices given as natural-order evaluations on their domains (§8.4).
 * @param backend the hot-path implementation
 * @param params FRI parameters (log blowup)
 * @param evals per matrix: its domain and evaluations
 */
export function pcsCommit(
  backend: Backend,
  params: FriParams,
  evals: readonly { domain: Domain; values: Matrix }[],
): Promise<CommittedMatrices> {
  const shifts = evals.map((e) => mul(GENERATOR, inverse(e.domain.shift)));
  return backend.ldeAndCommit(
    evals.map((e) => e.values),
    params.logBlowup,
    shifts,
  );
}

/** A round to open: the committed tree and, per matrix, the EF points. */
export interface OpenRound {
  readonly committed: CommittedMatrices;
  readonly points: readonly (readonly Uint32Array[])[];
}

/**
 * Evaluates every column of a committed LDE at an EF point z, from its first n = height/2^b
 * rows (the values on GEN * H_n in bit-reversed order), by the barycentric formula
 * f(z) = (z^n - s^n) / (n s^n) * sum_i f(x_i) x_i / (z - x_i), x_i = s g^i, s = GEN.
 * @returns flat EF values, one per column
 */
export function evaluateLdeAt(lde: Matrix, logBlowup: number, z: Uint32Array): Uint32Array {
  const w = lde.width;
  const n = height(lde) >>> logBlowup;
  const logN = Math.log2(n);
  const g = twoAdicGenerator(logN);
  const rev = bitReverseTable(logN);
  // d_i = z - x_i, then w_i = x_i / d_i.
  const xs = new Uint32Array(n);
  const d = new Uint32Array(4 * n);
  let x = GENERATOR;
  for (let i = 0; i < n; i++) {
    xs[i] = x;
    d[4 * i] = z[0] >= x ? z[0] - x : z[0] + 0x78000001 - x;
    d[4 * i + 1] = z[1];
    d[4 * i + 2] = z[2];
    d[4 * i + 3] = z[3];
    x = mul(x, g);
  }
  const wts = ext4BatchInverse(d, d);
  for (let i = 0; i < n; i++) ext4MulBaseInto(wts, 4 * i, wts, 4 * i, xs[i]);
  // sums over rows, per column: unreduced EF x base would overflow, so reduce per product.
  const out = new Uint32Array(4 * w);
  const vals = lde.values;
  for (let i = 0; i < n; i++) {
    const r = rev[i] * w; // natural index i sits at bit-reversed row rev(i)
    const w0 = wts[4 * i];
    const w1 = wts[4 * i + 1];
    const w2 = wts[4 * i + 2];
    const w3 = wts[4 * i + 3];
    for (let c = 0; c < w; c++) {
      const f = vals[r + c];
      const o = 4 * c;
      out[o] = add(out[o], mul(f, w0));
      out[o + 1] = add(out[o + 1], mul(f, w1));
      out[o + 2] = add(out[o + 2], mul(f, w2));
      out[o + 3] = add(out[o + 3], mul(f, w3));
    }
  }
  // scale = (z^n - s^n) / (n s^n)
  const sn = exp(GENERATOR, n);
  const zn = Uint32Array.from(z);
  for (let k = 0; k < logN; k++) ext4MulInto(zn, 0, zn, 0, zn, 0);
  zn[0] = zn[0] >= sn ? zn[0] - sn : zn[0] + 0x78000001 - sn;
  ext4MulBaseInto(zn, 0, zn, 0, inverse(mul(n % 0x78000001, sn)));
  for (let c = 0; c < w; c++) ext4MulInto(out, 4 * c, out, 4 * c, zn, 0);
  return out;
}

/**
 * Opens committed rounds at their points and proves it with FRI (§8.6).
 * @returns the opened values [round][matrix][point] (flat EF per column) and the FRI proof
 */
export async function pcsOpen(
  backend: Backend,
  params: FriParams,
  rounds: readonly OpenRound[],
  challenger: Challenger,
): Promise<{ openedValues: Uint32Array[][][]; proof: FriProof }> {
  // 1. Evaluate and observe.
  const openedValues: Uint32Array[][][] = [];
  for (const r of rounds) {
    const perMatrix: Uint32Array[][] = [];
    for (let mi = 0; mi < r.committed.matrices.length; mi++) {
      const m = r.committed.matrices[mi];
      const perPoint: Uint32Array[] = [];
      for (const z of r.points[mi]) {
        const y = backend.evaluateAt
          ? await backend.evaluateAt(m, params.logBlowup, z)
          : evaluateLdeAt(m, params.logBlowup, z);
        challenger.observeSlice(y);
        perPoint.push(y);
      }
      perMatrix.push(perPoint);
    }
    openedValues.push(perMatrix);
  }
  // 2.
  const alpha = challenger.sampleExt();
  // 3. Reduced openings per height.
  const ro = backend.reduceOpenings
    ? await backend.reduceOpenings(
        rounds.map((r, ri) => ({
          matrices: r.committed.matrices,
          points: r.points,
          values: openedValues[ri],
        })),
        alpha,
      )
    : reduceOpeningsCpu(rounds, openedValues, alpha);
  const heights = [...ro.keys()].sort((a, b) => b - a);
  const inputs = heights.map((h) => ro.get(h)!);
  const L = heights[0];
  const openInput = (index: number): BatchOpening[] =>
    rounds.map((r) => {
      const maxH = Math.max(...r.committed.matrices.map((m) => Math.log2(height(m))));
      const { openedValues: ov, proof } = r.committed.openBatch(index >>> (L - maxH));
      return { openedValues: ov, openingProof: proof };
    });
  const proof = await proveFri(params, inputs, challenger, backend, openInput);
  return { openedValues, proof };
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

/** mComb[j] = sum_c alpha^c M[j][c] (EF), for every row j. */
function combineRows(m: Matrix, alphaPows: Uint32Array): Uint32Array {
  const rows = height(m);
  const w = m.width;
  const out = new Uint32Array(4 * rows);
  const v = m.values;
  for (let j = 0; j < rows; j++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = j * w;
    for (let c = 0; c < w; c++) {
      const f = v[base + c];
      const o = 4 * c;
      s0 = add(s0, mul(f, alphaPows[o]));
      s1 = add(s1, mul(f, alphaPows[o + 1]));
      s2 = add(s2, mul(f, alphaPows[o + 2]));
      s3 = add(s3, mul(f, alphaPows[o + 3]));
    }
    out[4 * j] = s0;
    out[4 * j + 1] = s1;
    out[4 * j + 2] = s2;
    out[4 * j + 3] = s3;
  }
  return out;
}

/** inv[j] = 1 / (z - x_j), x_j = GEN * g_h^rev_h(j), for j < 2^h. */
function invZMinusX(z: Uint32Array, h: number): Uint32Array {
  const n = 2 ** h;
  const g = twoAdicGenerator(h);
  const rev = bitReverseTable(h);
  const d = new Uint32Array(4 * n);
  let x = GENERATOR;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    d[4 * j] = z[0] >= x ? z[0] - x : z[0] + 0x78000001 - x;
    d[4 * j + 1] = z[1];
    d[4 * j + 2] = z[2];
    d[4 * j + 3] = z[3];
    x = mul(x, g);
  }
  return ext4BatchInverse(d, d);
}

/** Inverse of one EF element (re-exported for the stark prover). */
export function extInverse(a: Uint32Array): Uint32Array {
  const out = new Uint32Array(4);
  ext4InverseInto(out, 0, a, 0);
  return out;
}

function reduceOpeningsCpu(
  rounds: readonly OpenRound[],
  openedValues: Uint32Array[][][],
  alpha: Uint32Array,
): Map<number, Uint32Array> {
  const ro = new Map<number, Uint32Array>();
  const alphaPowIndex = new Map<number, number>();
  const invCache = new Map<string, Uint32Array>();
  const maxWidth = Math.max(...rounds.flatMap((r) => r.committed.matrices.map((m) => m.width)));
  const alphaPows = new Uint32Array(4 * (maxWidth + 1));
  alphaPows[0] = 1;
  for (let c = 1; c <= maxWidth; c++) ext4MulInto(alphaPows, 4 * c, alphaPows, 4 * (c - 1), alpha, 0);
  const alphaW = new Uint32Array(4);
  const yComb = new Uint32Array(4);
  const t = new Uint32Array(4);
  rounds.forEach((r, ri) => {
    r.committed.matrices.forEach((m, mi) => {
      const rows = height(m);
      const h = Math.log2(rows);
      let acc = ro.get(h);
      if (!acc) {
        acc = new Uint32Array(4 * rows);
        ro.set(h, acc);
      }
      const w = m.width;
      const mComb = combineRows(m, alphaPows);
      for (let pi = 0; pi < r.points[mi].length; pi++) {
        const z = r.points[mi][pi];
        const k = alphaPowIndex.get(h) ?? 0;
        alphaPowIndex.set(h, k + w);
        // alpha^k
        alphaW.set([1, 0, 0, 0]);
        powExtInto(alphaW, alpha, k);
        // yComb = sum_c alpha^c y_c
        yComb.fill(0);
        const y = openedValues[ri][mi][pi];
        for (let c = 0; c < w; c++) {
          ext4MulInto(t, 0, y, 4 * c, alphaPows, 4 * c);
          addExt(yComb, 0, t, 0);
        }
        const key = `${h}:${z.join(',')}`;
        let inv = invCache.get(key);
        if (!inv) {
          inv = invZMinusX(z, h);
          invCache.set(key, inv);
        }
        for (let j = 0; j < rows; j++) {
          // acc[j] += alpha^k * (yComb - mComb[j]) * inv[j]
          ext4SubInto(t, 0, yComb, 0, mComb, 4 * j);
          ext4MulInto(t, 0, t, 0, inv, 4 * j);
          ext4MulInto(t, 0, t, 0, alphaW, 0);
          addExt(acc, 4 * j, t, 0);
        }
      }
    });
  });
  return ro;
}
