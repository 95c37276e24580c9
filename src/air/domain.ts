/**
 * The trace domain's selectors (docs/protocol.md §8.2) and periodic columns (docs/protocol.md §8.3), at one extension point
 * (verifier) and over a coset of the quotient domain (prover). Prover, verifier and every backend
 * take them from here.
 *
 * Mirrors Plonky3/Plonky3:commit/src/domain.rs (selectors_at_point, selectors_on_coset,
 * vanishing_poly_at_point) at v0.6.2, and the periodic-column evaluation of uni-stark.
 *
 * Invariants: all inputs and outputs are canonical; selectors are unnormalized (is_first_row(1) = n).
 */

import { batchInverse, exp, inverse, mul, sub, twoAdicGenerator } from '../field/babybear.ts';
import {
  type Ext4,
  ext4AddInto,
  ext4BatchInverse,
  ext4InverseInto,
  ext4MulBaseInto,
  ext4MulInto,
  ext4SubInto,
} from '../field/ext4.ts';
import { AirError } from './air.ts';

/** Unnormalized Lagrange selectors at one extension point (docs/protocol.md §8.2). */
export interface PointSelectors {
  /** Z_T(x) / (x - 1). */
  readonly isFirstRow: Ext4;
  /** Z_T(x) / (x - g^-1). */
  readonly isLastRow: Ext4;
  /** x - g^-1. */
  readonly isTransition: Ext4;
  /** 1 / Z_T(x). */
  readonly invVanishing: Ext4;
}

/** Selector columns over a coset, natural order (docs/protocol.md §8.2). */
export interface CosetSelectors {
  /** Z_T(x) / (x - 1) per point. */
  readonly isFirstRow: Uint32Array;
  /** Z_T(x) / (x - g^-1) per point. */
  readonly isLastRow: Uint32Array;
  /** x - g^-1 per point. */
  readonly isTransition: Uint32Array;
  /** 1 / Z_T(x) per point. */
  readonly invVanishing: Uint32Array;
}

function checkLog(name: string, v: number, max = 27): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new AirError(`${name} ${v} outside 0..${max}`);
}

/**
 * Z_D(x) = (x / shift)^|D| - 1 of the coset D = shift * H_(2^logSize) at an EF point.
 * @param x the point
 * @param shift the coset shift (non-zero)
 * @param logSize log2 of |D|
 * @returns Z_D(x) in EF
 */
export function vanishingAtPoint(x: Ext4, shift: number, logSize: number): Ext4 {
  const t = new Uint32Array(4);
  ext4MulBaseInto(t, 0, x, 0, inverse(shift));
  for (let i = 0; i < logSize; i++) ext4MulInto(t, 0, t, 0, t, 0);
  t[0] = sub(t[0], 1);
  return t;
}

/**
 * Z_D(y) of the coset D = shift * H_(2^logSize) at a base point y.
 * @param y the point
 * @param shift the coset shift (non-zero)
 * @param logSize log2 of |D|
 * @returns Z_D(y)
 */
export function vanishingAtBase(y: number, shift: number, logSize: number): number {
  let t = mul(y, inverse(shift));
  for (let i = 0; i < logSize; i++) t = mul(t, t);
  return sub(t, 1);
}

/**
 * One period of Z_H(x) = x^n - 1 over the coset shift * H_(2^logQ), natural order: the values
 * shift^n (g_Q^n)^j - 1 repeat with period 2^(logQ - logN), so entry j serves every point j' = j
 * mod the period.
 * @param logN log2 of n = |H|
 * @param shift the coset shift
 * @param logQ log2 of the coset size, >= logN
 * @returns the 2^(logQ - logN) values
 */
export function vanishingOnCoset(logN: number, shift: number, logQ: number): Uint32Array {
  const n = 2 ** logN;
  const period = 2 ** (logQ - logN);
  const zs = new Uint32Array(period);
  const step = exp(twoAdicGenerator(logQ), n);
  let t = exp(shift, n);
  for (let j = 0; j < period; j++) {
    zs[j] = sub(t, 1);
    t = mul(t, step);
  }
  return zs;
}

/**
 * Selectors of the trace domain (1, logN) at an extension point (verifier side).
 * @param logN log2 of the trace height
 * @param zeta the point (must lie outside H_n)
 * @returns the four selector values
 * @throws {AirError} for a bad logN; FieldError if zeta lies in H_n
 */
export function selectorsAtPoint(logN: number, zeta: Ext4): PointSelectors {
  checkLog('logN', logN);
  const one = Uint32Array.of(1, 0, 0, 0);
  const z = new Uint32Array(4);
  z.set(zeta.subarray(0, 4));
  for (let i = 0; i < logN; i++) ext4MulInto(z, 0, z, 0, z, 0);
  ext4SubInto(z, 0, z, 0, one, 0); // Z_T(zeta) = zeta^n - 1
  const gInv = inverse(twoAdicGenerator(logN));
  const trans = Uint32Array.from(zeta.subarray(0, 4));
  trans[0] = sub(trans[0], gInv);
  const invVanishing = new Uint32Array(4);
  ext4InverseInto(invVanishing, 0, z, 0);
  if (logN === 0) {
    // n = 1: g = 1, Z_T(x) = x - 1, so both row selectors are identically 1.
    return { isFirstRow: one, isLastRow: Uint32Array.of(1, 0, 0, 0), isTransition: trans, invVanishing };
  }
  const xm1 = Uint32Array.from(zeta.subarray(0, 4));
  xm1[0] = sub(xm1[0], 1);
  const dens = new Uint32Array(8);
  dens.set(xm1, 0);
  dens.set(trans, 4);
  ext4BatchInverse(dens, dens);
  const isFirstRow = new Uint32Array(4);
  const isLastRow = new Uint32Array(4);
  ext4MulInto(isFirstRow, 0, z, 0, dens, 0);
  ext4MulInto(isLastRow, 0, z, 0, dens, 4);
  return { isFirstRow, isLastRow, isTransition: trans, invVanishing };
}

/**
 * Selectors of the trace domain (1, logN) at every point of the coset shift * H_(2^logQ)
 * (prover side), natural order: point j is shift * g_logQ^j.
 * @param logN log2 of the trace height
 * @param shift coset shift (GEN for the quotient domain); the coset must miss H_n
 * @param logQ log2 of the coset size, >= logN
 * @returns full-length columns (2^logQ entries each)
 * @throws {AirError} for bad sizes; FieldError if the coset meets H_n
 */
export function selectorsOnCoset(logN: number, shift: number, logQ: number): CosetSelectors {
  checkLog('logN', logN);
  checkLog('logQ', logQ);
  if (logQ < logN) throw new AirError(`selectorsOnCoset: logQ ${logQ} < logN ${logN}`);
  const q = 2 ** logQ;
  const n = 2 ** logN;
  const gQ = twoAdicGenerator(logQ);
  const gInv = inverse(twoAdicGenerator(logN));
  const xs = new Uint32Array(q);
  let x = shift;
  for (let j = 0; j < q; j++) {
    xs[j] = x;
    x = mul(x, gQ);
  }
  const period = q / n;
  const zs = vanishingOnCoset(logN, shift, logQ);
  const invZ = batchInverse(zs);
  const isTransition = new Uint32Array(q);
  const invVanishing = new Uint32Array(q);
  const isFirstRow = new Uint32Array(q);
  const isLastRow = new Uint32Array(q);
  const mask = period - 1;
  for (let j = 0; j < q; j++) {
    isTransition[j] = sub(xs[j], gInv);
    invVanishing[j] = invZ[j & mask];
  }
  if (logN === 0) {
    isFirstRow.fill(1);
    isLastRow.fill(1);
    return { isFirstRow, isLastRow, isTransition, invVanishing };
  }
  const dens = new Uint32Array(2 * q);
  for (let j = 0; j < q; j++) {
    dens[j] = sub(xs[j], 1);
    dens[q + j] = isTransition[j];
  }
  batchInverse(dens, dens);
  for (let j = 0; j < q; j++) {
    const z = zs[j & mask];
    isFirstRow[j] = mul(z, dens[j]);
    isLastRow[j] = mul(z, dens[q + j]);
  }
  return { isFirstRow, isLastRow, isTransition, invVanishing };
}

function checkPeriodicLength(p: number, logN: number): void {
  if (p === 0 || (p & (p - 1)) !== 0 || p > 2 ** logN) {
    throw new AirError(`periodic column length ${p} is not a power of two <= 2^${logN}`);
  }
}

/**
 * Value at zeta of a periodic column's polynomial P(x) = Q(x^(n/p)) (docs/protocol.md §8.3; verifier side).
 * @param col the column's p values (p a power of two dividing n)
 * @param logN log2 of the trace height
 * @param zeta the point
 * @returns Q(zeta^(n/p)) in EF
 * @throws {AirError} if the length is not a power of two or exceeds n
 */
export function periodicAtPoint(col: Uint32Array, logN: number, zeta: Ext4): Ext4 {
  const p = col.length;
  checkPeriodicLength(p, logN);
  const y = Uint32Array.from(zeta.subarray(0, 4));
  const logP = Math.log2(p);
  for (let i = logP; i < logN; i++) ext4MulInto(y, 0, y, 0, y, 0);
  return interpolateAt(col, y);
}

/** Q(y) for the polynomial Q of degree < p with Q(w^j) = col[j], w = g_(log p), y in EF. */
function interpolateAt(col: Uint32Array, y: Ext4): Ext4 {
  const p = col.length;
  if (p === 1) return Uint32Array.of(col[0], 0, 0, 0);
  const w = twoAdicGenerator(Math.log2(p));
  // Barycentric: Q(y) = (y^p - 1) / p * sum_j col[j] w^j / (y - w^j), or col[j] if y = w^j.
  const diffs = new Uint32Array(4 * p);
  let wj = 1;
  for (let j = 0; j < p; j++) {
    diffs[4 * j] = sub(y[0], wj);
    diffs[4 * j + 1] = y[1];
    diffs[4 * j + 2] = y[2];
    diffs[4 * j + 3] = y[3];
    if (diffs[4 * j] === 0 && y[1] === 0 && y[2] === 0 && y[3] === 0) return Uint32Array.of(col[j], 0, 0, 0);
    wj = mul(wj, w);
  }
  ext4BatchInverse(diffs, diffs);
  const acc = new Uint32Array(4);
  const term = new Uint32Array(4);
  wj = 1;
  for (let j = 0; j < p; j++) {
    const s = mul(col[j], wj);
    for (let k = 0; k < 4; k++) term[k] = mul(diffs[4 * j + k], s);
    ext4AddInto(acc, 0, acc, 0, term, 0);
    wj = mul(wj, w);
  }
  const yp = Uint32Array.from(y);
  for (let i = 1; i < p; i *= 2) ext4MulInto(yp, 0, yp, 0, yp, 0);
  yp[0] = sub(yp[0], 1);
  ext4MulInto(acc, 0, acc, 0, yp, 0);
  const pInv = inverse(p);
  for (let k = 0; k < 4; k++) acc[k] = mul(acc[k], pInv);
  return acc;
}

/**
 * A periodic column on the coset shift * H_(2^logQ) (prover side). The values repeat with period
 * m = p * 2^(logQ - logN); the result holds one period: entry j is Q((shift g_logQ^j)^(n/p)), and
 * point j of the coset takes entry j mod m. Naive O(m p) interpolation: meant for short columns.
 * @param col the column's p values
 * @param logN log2 of the trace height
 * @param shift the coset shift
 * @param logQ log2 of the coset size, >= logN
 * @returns the m-entry period
 * @throws {AirError} for bad lengths or sizes
 */
export function periodicOnCoset(col: Uint32Array, logN: number, shift: number, logQ: number): Uint32Array {
  const p = col.length;
  checkPeriodicLength(p, logN);
  if (logQ < logN) throw new AirError(`periodicOnCoset: logQ ${logQ} < logN ${logN}`);
  const ratio = 2 ** logN / p;
  const m = p * 2 ** (logQ - logN);
  const out = new Uint32Array(m);
  const gm = exp(twoAdicGenerator(logQ), ratio); // order m
  let y = exp(shift, ratio);
  const yv = new Uint32Array(4);
  for (let j = 0; j < m; j++) {
    yv[0] = y;
    out[j] = interpolateAt(col, yv)[0];
    y = mul(y, gm);
  }
  return out;
}

/**
 * Every periodic column of the AIR at zeta (verifier; docs/protocol.md §10.5 step 9 checks lengths first).
 * @param periodicColumns the AIR's periodic columns (`air.periodicColumns`)
 * @param logN log2 of the trace height
 * @param zeta the point
 * @returns flat EF values, 4 per column, ready for `PointInputs.periodic`
 * @throws {AirError} if a column is not of power-of-two length <= n
 */
export function periodicValuesAtPoint(
  periodicColumns: readonly Uint32Array[] | undefined,
  logN: number,
  zeta: Ext4,
): Uint32Array {
  const cols = periodicColumns ?? [];
  const out = new Uint32Array(4 * cols.length);
  for (let i = 0; i < cols.length; i++) out.set(periodicAtPoint(cols[i], logN, zeta), 4 * i);
  return out;
}

/**
 * Every periodic column of the AIR on the coset shift * H_(2^logQ) (prover), each one period long.
 * @param periodicColumns the AIR's periodic columns (`air.periodicColumns`)
 * @param logN log2 of the trace height
 * @param shift coset shift
 * @param logQ log2 of the coset size
 * @returns columns ready for `QuotientInputs.periodic`
 * @throws {AirError} for bad lengths or sizes
 */
export function periodicColumnsOnCoset(
  periodicColumns: readonly Uint32Array[] | undefined,
  logN: number,
  shift: number,
  logQ: number,
): Uint32Array[] {
  return (periodicColumns ?? []).map((col) => periodicOnCoset(col, logN, shift, logQ));
}
