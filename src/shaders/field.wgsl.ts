/**
 * BabyBear and degree-4 extension arithmetic in WGSL (no 64-bit integers): Montgomery multiplication
 * with R = 2^32, the high word of 32x32 products emulated with 16-bit limbs, and m*P's high word by
 * shifts (P = 2^31 - 2^27 + 1). CPU twins: src/field/babybear.ts (mul, add, sub, halve) and
 * src/field/ext4.ts (ext4MulInto). Mirrors the Montgomery reduction of
 * Plonky3/Plonky3:monty-31/src/utils.rs (monty_reduce) in 32-bit pieces.
 *
 * Invariants: every value in a buffer is canonical (in [0, P)); Montgomery form (x * 2^32 mod P)
 * exists only inside a kernel. mont_mul(a, b) = a * b * 2^-32 mod P for a, b < P, so
 * mont_mul(x, toMontgomery(c)) = x * c mod P with x canonical: twiddles and constants are uploaded
 * in Montgomery form and the data stays canonical.
 */
import { MONTY_R, mul, P } from '../field/babybear.ts';
import { EXT_W } from '../field/ext4.ts';
import { ext4Wgsl } from './ext4.wgsl.ts';

/** P^-1 mod 2^32 (Plonky3's MONTY_MU for BabyBear). */
export const MONTY_MU = 0x88000001;
/** R^2 mod P: mont_mul(x, R2) turns canonical x into Montgomery form. */
export const MONTY_R2: number = mul(MONTY_R, MONTY_R);
/** W = 11 in Montgomery form. */
const EXT_W_MONT: number = mul(EXT_W, MONTY_R);

/** WGSL helpers: bb_add, bb_sub, bb_halve, mulhi, mont_mul, to_mont, from_mont, bb_mul, ext_mul. */
export const babyBearWgsl: string = /* wgsl */ `
const P: u32 = ${P}u;
const MONTY_MU: u32 = ${MONTY_MU}u;
const MONTY_R2: u32 = ${MONTY_R2}u;
const HALF_P1: u32 = ${(P + 1) / 2}u;
const EXT_W_MONT: u32 = ${EXT_W_MONT}u;

fn bb_add(a: u32, b: u32) -> u32 {
  let s = a + b; // < 2^32: a, b < 2^31
  return select(s, s - P, s >= P);
}

fn bb_sub(a: u32, b: u32) -> u32 {
  return select(a - b, a - b + P, a < b);
}

fn bb_halve(a: u32) -> u32 {
  return (a >> 1u) + select(0u, HALF_P1, (a & 1u) == 1u);
}

// High word of the 64-bit product a * b.
fn mulhi(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu); // < 3 * 2^16
  return hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

// High word of m * P = m * 2^31 - m * 2^27 + m (never negative).
fn mulhi_p(m: u32) -> u32 {
  let lo1 = m << 31u;
  let lo2 = m << 27u;
  let lo = lo1 - lo2;
  var hi = (m >> 1u) - (m >> 5u) - select(0u, 1u, lo1 < lo2);
  let lo3 = lo + m;
  hi = hi + select(0u, 1u, lo3 < lo);
  return hi;
}

// a * b * 2^-32 mod P for a, b < P: (t - m P) / 2^32 with m = t * P^-1 mod 2^32; the low words cancel.
fn mont_mul(a: u32, b: u32) -> u32 {
  let m = (a * b) * MONTY_MU;
  let th = mulhi(a, b); // < 2^30
  let uh = mulhi_p(m); // < P
  return select(th - uh, th - uh + P, th < uh);
}

fn to_mont(a: u32) -> u32 {
  return mont_mul(a, MONTY_R2);
}

fn from_mont(a: u32) -> u32 {
  return mont_mul(a, 1u);
}

// Canonical product of canonical a, b.
fn bb_mul(a: u32, b: u32) -> u32 {
  return mont_mul(mont_mul(a, b), MONTY_R2);
}

// Extension product (X^4 = 11) of canonical a and of b given in Montgomery form; canonical result.
fn ext_mul_mont(a: vec4<u32>, bm: vec4<u32>) -> vec4<u32> {
  let r0 = bb_add(mont_mul(a.x, bm.x),
    mont_mul(bb_add(bb_add(mont_mul(a.y, bm.w), mont_mul(a.z, bm.z)), mont_mul(a.w, bm.y)), EXT_W_MONT));
  let r1 = bb_add(bb_add(mont_mul(a.x, bm.y), mont_mul(a.y, bm.x)),
    mont_mul(bb_add(mont_mul(a.z, bm.w), mont_mul(a.w, bm.z)), EXT_W_MONT));
  let r2 = bb_add(bb_add(bb_add(mont_mul(a.x, bm.z), mont_mul(a.y, bm.y)), mont_mul(a.z, bm.x)),
    mont_mul(mont_mul(a.w, bm.w), EXT_W_MONT));
  let r3 = bb_add(bb_add(mont_mul(a.x, bm.w), mont_mul(a.y, bm.z)), bb_add(mont_mul(a.z, bm.y), mont_mul(a.w, bm.x)));
  return vec4<u32>(r0, r1, r2, r3);
}

fn ext_to_mont(a: vec4<u32>) -> vec4<u32> {
  return vec4<u32>(to_mont(a.x), to_mont(a.y), to_mont(a.z), to_mont(a.w));
}

fn ext_add(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  return vec4<u32>(bb_add(a.x, b.x), bb_add(a.y, b.y), bb_add(a.z, b.z), bb_add(a.w, b.w));
}

fn ext_sub(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  return vec4<u32>(bb_sub(a.x, b.x), bb_sub(a.y, b.y), bb_sub(a.z, b.z), bb_sub(a.w, b.w));
}
`;

/** Operations of the field test kernel. */
export const FieldOp = { add: 0, sub: 1, mul: 2, halve: 3, extMul: 4, inv: 5, extInv: 6 } as const;
export type FieldOp = (typeof FieldOp)[keyof typeof FieldOp];

/** Dispatch-width helper shared by kernels: a linear invocation index from a 2-D grid. */
export const linearIdWgsl = (wg: number): string => /* wgsl */ `
fn linear_id(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * ${wg}u;
}
`;

/**
 * Element-wise field-op kernel (tests the arithmetic against the CPU twins).
 * Bindings: 0 a, 1 b, 2 out (array<u32>), 3 params {n, op}. extMul and extInv treat the arrays as
 * EF (4 words); inv and extInv ignore b.
 * @param c workgroup size
 * @returns WGSL source
 */
export const fieldOpWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${ext4Wgsl}
${linearIdWgsl(c.wg)}
struct Params { n: u32, op: u32 }
@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_id(gid, nwg);
  if (i >= params.n) { return; }
  switch params.op {
    case ${FieldOp.add}u: { out[i] = bb_add(a[i], b[i]); }
    case ${FieldOp.sub}u: { out[i] = bb_sub(a[i], b[i]); }
    case ${FieldOp.mul}u: { out[i] = bb_mul(a[i], b[i]); }
    case ${FieldOp.halve}u: { out[i] = bb_halve(a[i]); }
    case ${FieldOp.inv}u: { out[i] = bb_inv(a[i]); }
    case ${FieldOp.extInv}u: {
      let r = ext_inv(vec4<u32>(a[4u * i], a[4u * i + 1u], a[4u * i + 2u], a[4u * i + 3u]));
      out[4u * i] = r.x; out[4u * i + 1u] = r.y; out[4u * i + 2u] = r.z; out[4u * i + 3u] = r.w;
    }
    default: {
      let x = vec4<u32>(a[4u * i], a[4u * i + 1u], a[4u * i + 2u], a[4u * i + 3u]);
      let y = vec4<u32>(b[4u * i], b[4u * i + 1u], b[4u * i + 2u], b[4u * i + 3u]);
      let r = ext_mul_mont(x, ext_to_mont(y));
      out[4u * i] = r.x; out[4u * i + 1u] = r.y; out[4u * i + 2u] = r.z; out[4u * i + 3u] = r.w;
    }
  }
}
`;
