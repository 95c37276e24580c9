/**
 * Slow BigInt references for BabyBear, its degree-4 extension (X^4 - 11), bit reversal and the DFT/LDE.
 * Written directly from docs/protocol.md §2, §7 (naive O(n^2) transforms), independent of src/field
 * except clearExt4MulInto, the readable twin of the optimised ext4 kernel, which uses the base `mul`.
 * Invariant: inputs and outputs are canonical numbers; BigInt only inside.
 */

import { mul } from '../../src/field/babybear.ts';

/** The modulus as a BigInt. */
export const P_BIG = 2013265921n;
const P_NUM = 2013265921;

/** a*b mod p via BigInt. */
export function refMul(a: number, b: number): number {
  return Number((BigInt(a) * BigInt(b)) % P_BIG);
}

/** a+b mod p. */
export function refAdd(a: number, b: number): number {
  return Number((BigInt(a) + BigInt(b)) % P_BIG);
}

/** a-b mod p. */
export function refSub(a: number, b: number): number {
  return Number((((BigInt(a) - BigInt(b)) % P_BIG) + P_BIG) % P_BIG);
}

/** a^e mod p (BigInt exponent). */
export function refPow(a: number, e: bigint): number {
  let r = 1n;
  let b = BigInt(a) % P_BIG;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * b) % P_BIG;
    b = (b * b) % P_BIG;
    k >>= 1n;
  }
  return Number(r);
}

/** 1/a mod p by Fermat. */
export function refInv(a: number): number {
  if (a % P_NUM === 0) throw new Error('ref inverse of zero');
  return refPow(a, P_BIG - 2n);
}

/** Any integer (BigInt) reduced into [0, p). */
export function refReduce(n: bigint): number {
  return Number(((n % P_BIG) + P_BIG) % P_BIG);
}

/**
 * The clear formulation of src/field/ext4.ts ext4MulInto: 16 reduced base products, sums reduced once.
 * Kept as the readable twin of the optimised kernel; uses the library's checked base `mul`.
 */
export function clearExt4MulInto(
  out: Uint32Array,
  o: number,
  a: Uint32Array,
  ia: number,
  b: Uint32Array,
  ib: number,
): void {
  const [a0, a1, a2, a3] = [a[ia], a[ia + 1], a[ia + 2], a[ia + 3]];
  const [b0, b1, b2, b3] = [b[ib], b[ib + 1], b[ib + 2], b[ib + 3]];
  const r0 = mul(a0, b0) + 11 * (mul(a1, b3) + mul(a2, b2) + mul(a3, b1));
  const r1 = mul(a0, b1) + mul(a1, b0) + 11 * (mul(a2, b3) + mul(a3, b2));
  const r2 = mul(a0, b2) + mul(a1, b1) + mul(a2, b0) + 11 * mul(a3, b3);
  const r3 = mul(a0, b3) + mul(a1, b2) + mul(a2, b1) + mul(a3, b0);
  out[o] = r0 % P_NUM;
  out[o + 1] = r1 % P_NUM;
  out[o + 2] = r2 % P_NUM;
  out[o + 3] = r3 % P_NUM;
}

/** Extension product, schoolbook then X^4 = 11, all in BigInt. */
export function refExtMul(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const prod = new Array<bigint>(7).fill(0n);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) prod[i + j] += BigInt(a[i]) * BigInt(b[j]);
  const out: number[] = [];
  for (let k = 0; k < 4; k++) out.push(refReduce(prod[k] + (k + 4 < 7 ? 11n * prod[k + 4] : 0n)));
  return out;
}

/** Extension power a^e by square-and-multiply on refExtMul. */
export function refExtPow(a: ArrayLike<number>, e: bigint): number[] {
  let r = [1, 0, 0, 0];
  let b = Array.from(a);
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = refExtMul(r, b);
    b = refExtMul(b, b);
    k >>= 1n;
  }
  return r;
}

/** Extension inverse as a^(p^4 - 2). */
export function refExtInv(a: ArrayLike<number>): number[] {
  return refExtPow(a, P_BIG ** 4n - 2n);
}

/** Reverses the low `bits` bits of x, one bit at a time. */
export function refReverseBits(x: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) if ((x >>> i) & 1) r |= 1 << (bits - 1 - i);
  return r >>> 0;
}

/**
 * Naive column DFT of a row-major matrix: out[j][c] = sum_i m[i][c] * root^(i j), root of order n.
 * @param values row-major values
 * @param width row length
 * @param root an element of order exactly height
 */
export function refDftColumns(values: ArrayLike<number>, width: number, root: number): number[] {
  const n = values.length / width;
  const out: number[] = new Array(values.length).fill(0);
  for (let j = 0; j < n; j++) {
    const x = BigInt(refPow(root, BigInt(j)));
    for (let c = 0; c < width; c++) {
      // Horner in x over column c.
      let acc = 0n;
      for (let i = n - 1; i >= 0; i--) acc = (acc * x + BigInt(values[i * width + c])) % P_BIG;
      out[j * width + c] = Number(acc);
    }
  }
  return out;
}

/**
 * Naive evaluation of the polynomials with coefficient rows `coeffs` at the points `xs` (base field).
 * @param coeffs row-major coefficients, row i = coefficient of x^i
 * @param width row length
 * @param xs points
 */
export function refEvalColumns(coeffs: ArrayLike<number>, width: number, xs: readonly number[]): number[] {
  const n = coeffs.length / width;
  const out: number[] = [];
  for (const x0 of xs) {
    const x = BigInt(x0);
    for (let c = 0; c < width; c++) {
      let acc = 0n;
      for (let i = n - 1; i >= 0; i--) acc = (acc * x + BigInt(coeffs[i * width + c])) % P_BIG;
      out.push(Number(acc));
    }
  }
  return out;
}

/**
 * Naive evaluation of base-field coefficient columns at an extension point z (Horner in EF).
 * @returns width * 4 values, column c at offset 4c
 */
export function refEvalColumnsAtExt(
  coeffs: ArrayLike<number>,
  width: number,
  z: ArrayLike<number>,
): number[] {
  const n = coeffs.length / width;
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    let acc = [0, 0, 0, 0];
    for (let i = n - 1; i >= 0; i--) {
      acc = refExtMul(acc, z);
      acc[0] = refAdd(acc[0], coeffs[i * width + c]);
    }
    out.push(...acc);
  }
  return out;
}

/**
 * Naive inverse: coefficients from evaluations on the subgroup of order n = height.
 * @param root an element of order exactly height
 */
export function refIdftColumns(values: ArrayLike<number>, width: number, root: number): number[] {
  const n = values.length / width;
  const y = refDftColumns(values, width, refInv(root));
  const nInv = refInv(n);
  return y.map((v) => refMul(v, nInv));
}
