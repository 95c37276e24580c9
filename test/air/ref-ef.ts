/**
 * Slow BigInt references for the AIR tests: base and extension (X^4 - 11) arithmetic written
 * independently of src/field, used to check selectors, folding and evaluators.
 */

export const PB = 2013265921n;
const W = 11n;

export const fadd = (a: bigint, b: bigint): bigint => (a + b) % PB;
export const fsub = (a: bigint, b: bigint): bigint => (((a - b) % PB) + PB) % PB;
export const fmul = (a: bigint, b: bigint): bigint => (a * b) % PB;
export function fpow(a: bigint, e: bigint): bigint {
  let r = 1n;
  let x = ((a % PB) + PB) % PB;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % PB;
    x = (x * x) % PB;
    k >>= 1n;
  }
  return r;
}
export const finv = (a: bigint): bigint => fpow(a, PB - 2n);

export type E = [bigint, bigint, bigint, bigint];
export const e = (v: ArrayLike<number>): E => [BigInt(v[0]), BigInt(v[1]), BigInt(v[2]), BigInt(v[3])];
export const eb = (x: bigint | number): E => [BigInt(x) % PB, 0n, 0n, 0n];
export const toU32 = (x: E): Uint32Array => Uint32Array.from(x.map(Number));
export const eadd = (a: E, b: E): E => [
  fadd(a[0], b[0]),
  fadd(a[1], b[1]),
  fadd(a[2], b[2]),
  fadd(a[3], b[3]),
];
export const esub = (a: E, b: E): E => [
  fsub(a[0], b[0]),
  fsub(a[1], b[1]),
  fsub(a[2], b[2]),
  fsub(a[3], b[3]),
];
export function emul(a: E, b: E): E {
  const r = [0n, 0n, 0n, 0n, 0n, 0n, 0n];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) r[i + j] += a[i] * b[j];
  return [(r[0] + W * r[4]) % PB, (r[1] + W * r[5]) % PB, (r[2] + W * r[6]) % PB, r[3] % PB];
}
export function epow(a: E, e0: bigint): E {
  let r: E = [1n, 0n, 0n, 0n];
  let x = a;
  let k = e0;
  while (k > 0n) {
    if (k & 1n) r = emul(r, x);
    x = emul(x, x);
    k >>= 1n;
  }
  return r;
}
/** a^(p^4 - 2). */
export const einv = (a: E): E => epow(a, PB ** 4n - 2n);
