/**
 * Degree-4 extension arithmetic (X^4 = 11) and base-field powers and inverses in WGSL, on canonical
 * values. CPU twins: src/field/ext4.ts (ext4MulInto, ext4InverseInto, ext4SquareInto) and
 * src/field/babybear.ts (exp, inverse). Mirrors Plonky3/Plonky3:field/src/extension/binomial_extension.rs
 * (BinomialExtensionField inverse via the norm, as in the CPU twin).
 *
 * Invariants: needs babyBearWgsl; every argument and result is canonical; the inverse of 0 is 0
 * (callers never invert 0: the points they invert lie off the domains).
 */
import { P } from '../field/babybear.ts';
import { EXT_W } from '../field/ext4.ts';

/** WGSL: bb_pow, bb_inv, ext_mul, ext_square, ext_mul_base, ext_inv (canonical in, canonical out). */
export const ext4Wgsl: string = /* wgsl */ `
const EXT_W: u32 = ${EXT_W}u;

// a^e for canonical a, by square-and-multiply in Montgomery form.
fn bb_pow(a: u32, e: u32) -> u32 {
  var r = to_mont(1u);
  var b = to_mont(a);
  var k = e;
  loop {
    if (k == 0u) { break; }
    if ((k & 1u) == 1u) { r = mont_mul(r, b); }
    b = mont_mul(b, b);
    k = k >> 1u;
  }
  return from_mont(r);
}

// 1 / a = a^(P - 2) (0 for a = 0).
fn bb_inv(a: u32) -> u32 {
  return bb_pow(a, ${P - 2}u);
}

fn ext_mul(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  return ext_mul_mont(a, ext_to_mont(b));
}

fn ext_square(a: vec4<u32>) -> vec4<u32> {
  return ext_mul_mont(a, ext_to_mont(a));
}

fn ext_mul_base(a: vec4<u32>, s: u32) -> vec4<u32> {
  let m = to_mont(s);
  return vec4<u32>(mont_mul(a.x, m), mont_mul(a.y, m), mont_mul(a.z, m), mont_mul(a.w, m));
}

fn bb_neg(a: u32) -> u32 {
  return select(P - a, 0u, a == 0u);
}

// 1 / a via the norm: c = a(X) a(-X) = c0 + c2 X^2, norm = c0^2 - 11 c2^2, 1/a = a(-X) (c0 - c2 X^2) / norm.
fn ext_inv(a: vec4<u32>) -> vec4<u32> {
  let w = EXT_W;
  let c0 = bb_sub(bb_add(bb_mul(a.x, a.x), bb_mul(w, bb_mul(a.z, a.z))), bb_mul(2u * w, bb_mul(a.y, a.w)));
  let c2 = bb_sub(bb_sub(bb_mul(2u, bb_mul(a.x, a.z)), bb_mul(a.y, a.y)), bb_mul(w, bb_mul(a.w, a.w)));
  let norm = bb_sub(bb_mul(c0, c0), bb_mul(w, bb_mul(c2, c2)));
  let ni = bb_inv(norm);
  let d0 = bb_mul(c0, ni);
  let d2 = bb_mul(bb_neg(c2), ni);
  let n1 = bb_neg(a.y);
  let n3 = bb_neg(a.w);
  return vec4<u32>(
    bb_add(bb_mul(a.x, d0), bb_mul(w, bb_mul(a.z, d2))),
    bb_add(bb_mul(n1, d0), bb_mul(w, bb_mul(n3, d2))),
    bb_add(bb_mul(a.z, d0), bb_mul(a.x, d2)),
    bb_add(bb_mul(n3, d0), bb_mul(n1, d2)));
}
`;
