/**
 * Degree-4 binomial extension EF = F_p[X] / (X^4 - 11) of BabyBear (docs/protocol.md §2.5).
 *
 * Mirrors Plonky3/Plonky3:field/src/extension/binomial_extension.rs with the BabyBear parameters of
 * baby-bear/src/extension.rs (v0.6.2). The element c0 + c1 X + c2 X^2 + c3 X^3 is stored as the
 * four canonical base elements [c0, c1, c2, c3], either as a Uint32Array of length 4 or at a
 * stride of 4 inside a larger array.
 *
 * Two API layers:
 * - convenience functions (`ext4Mul(a, b)` ...) that return a fresh Uint32Array(4);
 * - hot-loop variants (`ext4MulInto(out, o, a, ia, b, ib)` ...) that read a[ia..ia+4),
 *   b[ib..ib+4) and write out[o..o+4). Inputs are read before the output is written, so out may
 *   alias a or b at the same offset.
 *
 * Invariant: every coefficient taken or returned is canonical. No BigInt in hot code.
 */

import { type Felt, FieldError, mul, P, reduceDouble, TWO_ADIC_GENERATORS, TWO_ADICITY } from './babybear.ts';

/** Extension element as 4 consecutive base elements (a0 + a1 x + a2 x^2 + a3 x^3, x^4 = 11). */
export type Ext4 = Uint32Array;

/** The binomial constant: X^4 = EXT_W. */
export const EXT_W = 11;
/** Extension degree. */
export const EXT_DEGREE = 4;
/** W^((p-1)/4), so that X^p = DTH_ROOT * X (the Frobenius). */
export const DTH_ROOT = 1728404513;
/** Two-adicity of |EF*| = p^4 - 1. */
export const EXT_TWO_ADICITY = 29;
/** Plonky3's generator of EF*: 8 + X. */
export const EXT_GENERATOR: Readonly<Ext4> = Uint32Array.of(8, 1, 0, 0);

// ---------------------------------------------------------------- hot-loop variants

/** out[o..o+4) = f(a[ia..ia+4), b[ib..ib+4)): the buffer form of a binary operation. */
export type IntoBinary = (
  out: Uint32Array,
  o: number,
  a: Uint32Array,
  ia: number,
  b: Uint32Array,
  ib: number,
) => void;
/** out[o..o+4) = f(a[ia..ia+4)): the buffer form of a unary operation. */
export type IntoUnary = (out: Uint32Array, o: number, a: Uint32Array, ia: number) => void;
/** out[o..o+4) = f(a[ia..ia+4), s) for a canonical base element s: the buffer form. */
export type IntoBase = (out: Uint32Array, o: number, a: Uint32Array, ia: number, s: Felt) => void;

/**
 * out[o..o+4) = a[ia..ia+4) * b[ib..ib+4) in EF (schoolbook, then X^4 = 11):
 *   r0 = a0 b0 + 11 (a1 b3 + a2 b2 + a3 b1)   r1 = a0 b1 + a1 b0 + 11 (a2 b3 + a3 b2)
 *   r2 = a0 b2 + a1 b1 + a2 b0 + 11 a3 b3      r3 = a0 b3 + a1 b2 + a2 b1 + a3 b0
 * Each r_k is computed exactly in doubles by splitting b into 16-bit halves, then reduced twice.
 * (About 3x faster than 16 separate `mul` calls in bench/primitives.bench.ts; that clear form is
 * `clearExt4MulInto` in test/ref/field-ref.ts.)
 */
export const ext4MulInto: IntoBinary = (out, o, a, ia, b, ib) => {
  const a0 = a[ia];
  const a1 = a[ia + 1];
  const a2 = a[ia + 2];
  const a3 = a[ia + 3];
  const b0 = b[ib];
  const b1 = b[ib + 1];
  const b2 = b[ib + 2];
  const b3 = b[ib + 3];
  // a_k < P < 2^30.91, 11 a_k < 2^34.38; high halves < 2^15, low halves < 2^16.
  const a1w = EXT_W * a1;
  const a2w = EXT_W * a2;
  const a3w = EXT_W * a3;
  const b0h = b0 >>> 16;
  const b1h = b1 >>> 16;
  const b2h = b2 >>> 16;
  const b3h = b3 >>> 16;
  const b0l = b0 & 0xffff;
  const b1l = b1 & 0xffff;
  const b2l = b2 & 0xffff;
  const b3l = b3 & 0xffff;
  // High sums < 2^46 + 3 * 2^49.4 < 2^51, low sums < 2^47 + 3 * 2^50.4 < 2^52.1: exact doubles.
  // After reducing the high sum, h * 2^16 + low < 2^47 + 2^52.1 < 2^53: exact again.
  const h0 = reduceDouble(a0 * b0h + a1w * b3h + a2w * b2h + a3w * b1h);
  const l0 = a0 * b0l + a1w * b3l + a2w * b2l + a3w * b1l;
  const h1 = reduceDouble(a0 * b1h + a1 * b0h + a2w * b3h + a3w * b2h);
  const l1 = a0 * b1l + a1 * b0l + a2w * b3l + a3w * b2l;
  const h2 = reduceDouble(a0 * b2h + a1 * b1h + a2 * b0h + a3w * b3h);
  const l2 = a0 * b2l + a1 * b1l + a2 * b0l + a3w * b3l;
  const h3 = reduceDouble(a0 * b3h + a1 * b2h + a2 * b1h + a3 * b0h);
  const l3 = a0 * b3l + a1 * b2l + a2 * b1l + a3 * b0l;
  out[o] = reduceDouble(h0 * 65536 + l0);
  out[o + 1] = reduceDouble(h1 * 65536 + l1);
  out[o + 2] = reduceDouble(h2 * 65536 + l2);
  out[o + 3] = reduceDouble(h3 * 65536 + l3);
};

/**
 * out[o..o+4) = a^2 in EF.
 */
export const ext4SquareInto: IntoUnary = (out, o, a, ia) => {
  const a0 = a[ia];
  const a1 = a[ia + 1];
  const a2 = a[ia + 2];
  const a3 = a[ia + 3];
  const r0 = mul(a0, a0) + EXT_W * (2 * mul(a1, a3) + mul(a2, a2));
  const r1 = 2 * (mul(a0, a1) + EXT_W * mul(a2, a3));
  const r2 = 2 * mul(a0, a2) + mul(a1, a1) + EXT_W * mul(a3, a3);
  const r3 = 2 * (mul(a0, a3) + mul(a1, a2));
  out[o] = reduceDouble(r0);
  out[o + 1] = reduceDouble(r1);
  out[o + 2] = reduceDouble(r2);
  out[o + 3] = reduceDouble(r3);
};

/**
 * out[o..o+4) = a + b in EF.
 */
export const ext4AddInto: IntoBinary = (out, o, a, ia, b, ib) => {
  for (let k = 0; k < 4; k++) {
    const s = a[ia + k] + b[ib + k];
    out[o + k] = s >= P ? s - P : s;
  }
};

/**
 * out[o..o+4) = a - b in EF.
 */
export const ext4SubInto: IntoBinary = (out, o, a, ia, b, ib) => {
  for (let k = 0; k < 4; k++) {
    const s = a[ia + k] - b[ib + k];
    out[o + k] = s < 0 ? s + P : s;
  }
};

/**
 * out[o..o+4) = -a in EF.
 */
export const ext4NegInto: IntoUnary = (out, o, a, ia) => {
  for (let k = 0; k < 4; k++) {
    const x = a[ia + k];
    out[o + k] = x === 0 ? 0 : P - x;
  }
};

/**
 * out[o..o+4) = a * s for a base scalar s.
 */
export const ext4MulBaseInto: IntoBase = (out, o, a, ia, s) => {
  out[o] = mul(a[ia], s);
  out[o + 1] = mul(a[ia + 1], s);
  out[o + 2] = mul(a[ia + 2], s);
  out[o + 3] = mul(a[ia + 3], s);
};

/**
 * out[o..o+4) = a + s for a base scalar s (only the constant coefficient changes).
 */
export const ext4AddBaseInto: IntoBase = (out, o, a, ia, s) => {
  const t = a[ia] + s;
  out[o] = t >= P ? t - P : t;
  out[o + 1] = a[ia + 1];
  out[o + 2] = a[ia + 2];
  out[o + 3] = a[ia + 3];
};

/**
 * out[o..o+4) = 1 / a, via the norm: a * a(-X) lies in F[X^2], whose norm to F is one base inverse.
 * @throws {FieldError} if a = 0
 */
export const ext4InverseInto: IntoUnary = (out, o, a, ia) => {
  const a0 = a[ia];
  const a1 = a[ia + 1];
  const a2 = a[ia + 2];
  const a3 = a[ia + 3];
  // c = a(X) a(-X) = c0 + c2 X^2 with
  //   c0 = a0^2 + 11 a2^2 - 2*11 a1 a3,  c2 = 2 a0 a2 - a1^2 - 11 a3^2.
  const c0 = reduceDouble(mul(a0, a0) + EXT_W * mul(a2, a2) + (P - mul(a1, a3)) * (2 * EXT_W));
  const c2 = reduceDouble(2 * mul(a0, a2) + (P - mul(a1, a1)) + EXT_W * (P - mul(a3, a3)));
  // norm = c0^2 - 11 c2^2 in F; zero only when a = 0 (X^4 - 11 is irreducible).
  const norm = reduceDouble(mul(c0, c0) + EXT_W * (P - mul(c2, c2)));
  if (norm === 0) throw new FieldError('ext4 inverse of zero');
  const nInv = baseInverse(norm);
  // 1/c = (c0 - c2 X^2) / norm;  1/a = a(-X) / c.
  const d0 = mul(c0, nInv);
  const d2 = c2 === 0 ? 0 : mul(P - c2, nInv);
  // a(-X) = (a0, -a1, a2, -a3); multiply by (d0 + d2 X^2), X^4 = 11.
  const n1 = a1 === 0 ? 0 : P - a1;
  const n3 = a3 === 0 ? 0 : P - a3;
  out[o] = reduceDouble(mul(a0, d0) + EXT_W * mul(a2, d2));
  out[o + 1] = reduceDouble(mul(n1, d0) + EXT_W * mul(n3, d2));
  out[o + 2] = reduceDouble(mul(a2, d0) + mul(a0, d2));
  out[o + 3] = reduceDouble(mul(n3, d0) + mul(n1, d2));
};

function baseInverse(x: Felt): Felt {
  // x^(P-2) by square-and-multiply; x != 0.
  let result = 1;
  let base = x;
  let k = P - 2;
  while (k > 0) {
    if (k & 1) result = mul(result, base);
    base = mul(base, base);
    k >>>= 1;
  }
  return result;
}

/**
 * Montgomery batch inversion over a stride-4 array: out[4i..4i+4) = 1 / xs[4i..4i+4).
 * @param xs n extension elements at stride 4 (length 4n), all non-zero
 * @param out optional output buffer of the same length (may alias xs)
 * @returns out
 * @throws {FieldError} if any element is zero or the length is not a multiple of 4
 */
export function ext4BatchInverse(
  xs: Uint32Array,
  out: Uint32Array = new Uint32Array(xs.length),
): Uint32Array {
  const len = xs.length;
  if (len % 4 !== 0) throw new FieldError(`ext4 batch inverse: length ${len} is not a multiple of 4`);
  if (len === 0) return out;
  const prefix = new Uint32Array(len);
  const acc = Uint32Array.of(1, 0, 0, 0);
  for (let i = 0; i < len; i += 4) {
    if (xs[i] === 0 && xs[i + 1] === 0 && xs[i + 2] === 0 && xs[i + 3] === 0) {
      throw new FieldError(`ext4 batch inverse: element ${i / 4} is zero`);
    }
    prefix[i] = acc[0];
    prefix[i + 1] = acc[1];
    prefix[i + 2] = acc[2];
    prefix[i + 3] = acc[3];
    ext4MulInto(acc, 0, acc, 0, xs, i);
  }
  const inv = new Uint32Array(4);
  ext4InverseInto(inv, 0, acc, 0);
  const x = new Uint32Array(4);
  for (let i = len - 4; i >= 0; i -= 4) {
    x[0] = xs[i];
    x[1] = xs[i + 1];
    x[2] = xs[i + 2];
    x[3] = xs[i + 3];
    ext4MulInto(out, i, inv, 0, prefix, i);
    ext4MulInto(inv, 0, inv, 0, x, 0);
  }
  return out;
}

// ---------------------------------------------------------------- convenience functions

/** The zero element [0, 0, 0, 0] (fresh array). */
export function ext4Zero(): Ext4 {
  return new Uint32Array(4);
}

/** The one element [1, 0, 0, 0] (fresh array). */
export function ext4One(): Ext4 {
  return Uint32Array.of(1, 0, 0, 0);
}

/**
 * Embeds a base element as [x, 0, 0, 0].
 * @param x canonical base element
 * @returns a fresh extension element
 */
export function ext4FromBase(x: Felt): Ext4 {
  return Uint32Array.of(x, 0, 0, 0);
}

/**
 * Builds an extension element from its coefficients [c0, c1, c2, c3].
 * @param c four canonical coefficients
 * @returns a fresh extension element
 * @throws {FieldError} if c does not have 4 canonical entries
 */
export function ext4From(c: ArrayLike<number>): Ext4 {
  if (c.length !== 4) throw new FieldError(`ext4: expected 4 coefficients, got ${c.length}`);
  const out = new Uint32Array(4);
  for (let k = 0; k < 4; k++) {
    const x = c[k];
    if (!Number.isInteger(x) || x < 0 || x >= P) throw new FieldError(`ext4: coefficient ${x} not canonical`);
    out[k] = x;
  }
  return out;
}

/** The fresh-result form of a binary Into function (the convenience forms below; hot code calls the Into forms). */
function freshBinary(f: IntoBinary): (a: Ext4, b: Ext4) => Ext4 {
  return (a, b) => {
    const out = new Uint32Array(4);
    f(out, 0, a, 0, b, 0);
    return out;
  };
}

/** The fresh-result form of a unary Into function. */
function freshUnary(f: IntoUnary): (a: Ext4) => Ext4 {
  return (a) => {
    const out = new Uint32Array(4);
    f(out, 0, a, 0);
    return out;
  };
}

/** The fresh-result form of an Into function with a base scalar. */
function freshBase(f: IntoBase): (a: Ext4, s: Felt) => Ext4 {
  return (a, s) => {
    const out = new Uint32Array(4);
    f(out, 0, a, 0, s);
    return out;
  };
}

/** The basis element X^i as a fresh extension element (0 <= i < 4). */
export function ext4Basis(i: number): Ext4 {
  const out = new Uint32Array(4);
  out[i] = 1;
  return out;
}

/** a + b (fresh result). */
export const ext4Add: (a: Ext4, b: Ext4) => Ext4 = /* @__PURE__ */ freshBinary(ext4AddInto);

/** a - b (fresh result). */
export const ext4Sub: (a: Ext4, b: Ext4) => Ext4 = /* @__PURE__ */ freshBinary(ext4SubInto);

/** -a (fresh result). */
export const ext4Neg: (a: Ext4) => Ext4 = /* @__PURE__ */ freshUnary(ext4NegInto);

/** a * b (fresh result). */
export const ext4Mul: (a: Ext4, b: Ext4) => Ext4 = /* @__PURE__ */ freshBinary(ext4MulInto);

/** a^2 (fresh result). */
export const ext4Square: (a: Ext4) => Ext4 = /* @__PURE__ */ freshUnary(ext4SquareInto);

/** a * s for a base scalar s (fresh result). */
export const ext4MulBase: (a: Ext4, s: Felt) => Ext4 = /* @__PURE__ */ freshBase(ext4MulBaseInto);

/** a + s for a base scalar s (fresh result). */
export const ext4AddBase: (a: Ext4, s: Felt) => Ext4 = /* @__PURE__ */ freshBase(ext4AddBaseInto);

/**
 * 1 / a (fresh result).
 * @throws {FieldError} if a = 0
 */
export const ext4Inverse: (a: Ext4) => Ext4 = /* @__PURE__ */ freshUnary(ext4InverseInto);

/**
 * a / b (fresh result).
 * @throws {FieldError} if b = 0
 */
export function ext4Div(a: Ext4, b: Ext4): Ext4 {
  const out = new Uint32Array(4);
  ext4InverseInto(out, 0, b, 0);
  ext4MulInto(out, 0, out, 0, a, 0);
  return out;
}

/**
 * a^e by square-and-multiply.
 * @param a base
 * @param e non-negative exponent: a safe integer or a bigint
 * @returns a fresh extension element
 */
export function ext4Exp(a: Ext4, e: number | bigint): Ext4 {
  const result = Uint32Array.of(1, 0, 0, 0);
  const base = Uint32Array.from(a.subarray(0, 4));
  if (typeof e === 'bigint') {
    let k = e;
    while (k > 0n) {
      if ((k & 1n) === 1n) ext4MulInto(result, 0, result, 0, base, 0);
      ext4SquareInto(base, 0, base, 0);
      k >>= 1n;
    }
    return result;
  }
  let k = e;
  while (k > 0) {
    if (k % 2 === 1) ext4MulInto(result, 0, result, 0, base, 0);
    ext4SquareInto(base, 0, base, 0);
    k = Math.floor(k / 2);
  }
  return result;
}

/** a^p: coefficient i is multiplied by DTH_ROOT^i (since X^p = DTH_ROOT * X). Fresh result. */
export function ext4Frobenius(a: Ext4): Ext4 {
  const d1 = DTH_ROOT;
  const d2 = mul(d1, d1);
  const d3 = mul(d2, d1);
  return Uint32Array.of(a[0], mul(a[1], d1), mul(a[2], d2), mul(a[3], d3));
}

/** Coefficient-wise equality of two extension elements. */
export function ext4Equals(a: Ext4, b: Ext4): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** True when a = 0. */
export function ext4IsZero(a: Ext4): boolean {
  return a[0] === 0 && a[1] === 0 && a[2] === 0 && a[3] === 0;
}

/**
 * Plonky3's ext_two_adic_generator(bits): an element of order exactly 2^bits in EF.
 * bits <= 27 embed the base table; 28 and 29 are fixed extension elements.
 * @param bits integer in 0..29
 * @returns a fresh extension element
 * @throws {FieldError} if bits is outside 0..29
 */
export function ext4TwoAdicGenerator(bits: number): Ext4 {
  if (!Number.isInteger(bits) || bits < 0 || bits > EXT_TWO_ADICITY) {
    throw new FieldError(`ext4 two-adic generator: bits ${bits} outside 0..${EXT_TWO_ADICITY}`);
  }
  if (bits <= TWO_ADICITY) return Uint32Array.of(TWO_ADIC_GENERATORS[bits], 0, 0, 0);
  return bits === 28 ? Uint32Array.of(0, 0, 1996171314, 0) : Uint32Array.of(0, 0, 0, 124907976);
}
