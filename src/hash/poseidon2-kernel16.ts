// generated, do not edit
// by scripts/gen-poseidon2-kernel.ts
/**
 * The width-16 Poseidon2 permutation with its rounds on 16 locals (Plonky3/Plonky3:poseidon2/
 * src/lib.rs, baby-bear/src/poseidon2.rs, v0.6.2): the batch twin of `permute` in ./poseidon2.ts.
 * Same rounds, same constants, same results on every input. Four functions rather than one:
 * V8 optimizes small functions sooner, at the same steady-state speed (bench/hash.bench.ts).
 *
 * Arithmetic (every value an integer held exactly in a double or an int32):
 * - lazy product of a, b < 2^32: e = a*b/P in doubles is within 2^-18 of the truth (a*b < 2^64),
 *   so q = trunc(e - 1/8) is floor(a*b/P) or one less and a*b - q*P lies in [0, 2P); it is
 *   computed mod 2^32 by imul (|0 and imul wrap mod 2^32) and read back by >>> 0 (2P < 2^32).
 *   S-box inputs s + rc (< 2P) and all S-box products stay in [0, 2P), so every product input
 *   is below 2^32.
 * - reduction of a linear-layer sum t < 2^38: r = t - floor(t/P)*P is off by at most one P,
 *   then one correction each way; linear-layer outputs are canonical.
 * - internal layer: sum of all 16 (one unreduced S-box output < 2P plus 15 canonical < 17P),
 *   plus V[i]*s[i] by shifts: x / 2^k = hi - lo * 15 * 2^(27-k) for x = hi * 2^k + lo, since
 *   2^-k = -15 * 2^(27-k) mod P; every t lies in (-4P, 21P).
 * Inputs may be any u32 (the first linear layer reduces them); outputs are canonical.
 * P (0x78000001, field/babybear.ts) is a literal in each function: V8 folds local constants, while
 * module bindings are reloaded and type-checked on every use in optimized code.
 */

/** The external linear layer on s[o .. o + 16) (the layer before the first round). */
function externalLinear16(s: Uint32Array, o: number): void {
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  let r = 0;
  let t = 0;
  let s0 = s[o + 0];
  let s1 = s[o + 1];
  let s2 = s[o + 2];
  let s3 = s[o + 3];
  let s4 = s[o + 4];
  let s5 = s[o + 5];
  let s6 = s[o + 6];
  let s7 = s[o + 7];
  let s8 = s[o + 8];
  let s9 = s[o + 9];
  let s10 = s[o + 10];
  let s11 = s[o + 11];
  let s12 = s[o + 12];
  let s13 = s[o + 13];
  let s14 = s[o + 14];
  let s15 = s[o + 15];
  const m0a = 2 * s0 + 3 * s1 + s2 + s3;
  const m0b = s0 + 2 * s1 + 3 * s2 + s3;
  const m0c = s0 + s1 + 2 * s2 + 3 * s3;
  const m0d = 3 * s0 + s1 + s2 + 2 * s3;
  const m1a = 2 * s4 + 3 * s5 + s6 + s7;
  const m1b = s4 + 2 * s5 + 3 * s6 + s7;
  const m1c = s4 + s5 + 2 * s6 + 3 * s7;
  const m1d = 3 * s4 + s5 + s6 + 2 * s7;
  const m2a = 2 * s8 + 3 * s9 + s10 + s11;
  const m2b = s8 + 2 * s9 + 3 * s10 + s11;
  const m2c = s8 + s9 + 2 * s10 + 3 * s11;
  const m2d = 3 * s8 + s9 + s10 + 2 * s11;
  const m3a = 2 * s12 + 3 * s13 + s14 + s15;
  const m3b = s12 + 2 * s13 + 3 * s14 + s15;
  const m3c = s12 + s13 + 2 * s14 + 3 * s15;
  const m3d = 3 * s12 + s13 + s14 + 2 * s15;
  const ua = m0a + m1a + m2a + m3a;
  const ub = m0b + m1b + m2b + m3b;
  const uc = m0c + m1c + m2c + m3c;
  const ud = m0d + m1d + m2d + m3d;
  t = m0a + ua;
  r = t - Math.floor(t * invP) * p;
  s0 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m0b + ub;
  r = t - Math.floor(t * invP) * p;
  s1 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m0c + uc;
  r = t - Math.floor(t * invP) * p;
  s2 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m0d + ud;
  r = t - Math.floor(t * invP) * p;
  s3 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m1a + ua;
  r = t - Math.floor(t * invP) * p;
  s4 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m1b + ub;
  r = t - Math.floor(t * invP) * p;
  s5 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m1c + uc;
  r = t - Math.floor(t * invP) * p;
  s6 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m1d + ud;
  r = t - Math.floor(t * invP) * p;
  s7 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m2a + ua;
  r = t - Math.floor(t * invP) * p;
  s8 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m2b + ub;
  r = t - Math.floor(t * invP) * p;
  s9 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m2c + uc;
  r = t - Math.floor(t * invP) * p;
  s10 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m2d + ud;
  r = t - Math.floor(t * invP) * p;
  s11 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m3a + ua;
  r = t - Math.floor(t * invP) * p;
  s12 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m3b + ub;
  r = t - Math.floor(t * invP) * p;
  s13 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m3c + uc;
  r = t - Math.floor(t * invP) * p;
  s14 = r >= p ? r - p : r < 0 ? r + p : r;
  t = m3d + ud;
  r = t - Math.floor(t * invP) * p;
  s15 = r >= p ? r - p : r < 0 ? r + p : r;
  s[o + 0] = s0;
  s[o + 1] = s1;
  s[o + 2] = s2;
  s[o + 3] = s3;
  s[o + 4] = s4;
  s[o + 5] = s5;
  s[o + 6] = s6;
  s[o + 7] = s7;
  s[o + 8] = s8;
  s[o + 9] = s9;
  s[o + 10] = s10;
  s[o + 11] = s11;
  s[o + 12] = s12;
  s[o + 13] = s13;
  s[o + 14] = s14;
  s[o + 15] = s15;
}

/** Four full rounds: S-box (s + rc)^7 on every lane, then the external layer; rc is 4 x 16. */
function fullRounds16(s: Uint32Array, o: number, rc: Float64Array): void {
  // Local constants: module bindings are reloaded and type-checked on every use in optimized code.
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  const bias = 0.125;
  let q = 0;
  let r = 0;
  let t = 0;
  let s0 = s[o + 0];
  let s1 = s[o + 1];
  let s2 = s[o + 2];
  let s3 = s[o + 3];
  let s4 = s[o + 4];
  let s5 = s[o + 5];
  let s6 = s[o + 6];
  let s7 = s[o + 7];
  let s8 = s[o + 8];
  let s9 = s[o + 9];
  let s10 = s[o + 10];
  let s11 = s[o + 11];
  let s12 = s[o + 12];
  let s13 = s[o + 13];
  let s14 = s[o + 14];
  let s15 = s[o + 15];
  for (let k = 0; k < 64; k += 16) {
    const x0 = s0 + rc[k + 0];
    let a0 = 0;
    let b0 = 0;
    let c0 = 0;
    q = (x0 * x0 * invP - bias) | 0;
    a0 = (Math.imul(x0, x0) - Math.imul(q, p)) >>> 0;
    q = (a0 * x0 * invP - bias) | 0;
    b0 = (Math.imul(a0, x0) - Math.imul(q, p)) >>> 0;
    q = (a0 * a0 * invP - bias) | 0;
    c0 = (Math.imul(a0, a0) - Math.imul(q, p)) >>> 0;
    q = (b0 * c0 * invP - bias) | 0;
    a0 = (Math.imul(b0, c0) - Math.imul(q, p)) >>> 0;
    const x1 = s1 + rc[k + 1];
    let a1 = 0;
    let b1 = 0;
    let c1 = 0;
    q = (x1 * x1 * invP - bias) | 0;
    a1 = (Math.imul(x1, x1) - Math.imul(q, p)) >>> 0;
    q = (a1 * x1 * invP - bias) | 0;
    b1 = (Math.imul(a1, x1) - Math.imul(q, p)) >>> 0;
    q = (a1 * a1 * invP - bias) | 0;
    c1 = (Math.imul(a1, a1) - Math.imul(q, p)) >>> 0;
    q = (b1 * c1 * invP - bias) | 0;
    a1 = (Math.imul(b1, c1) - Math.imul(q, p)) >>> 0;
    const x2 = s2 + rc[k + 2];
    let a2 = 0;
    let b2 = 0;
    let c2 = 0;
    q = (x2 * x2 * invP - bias) | 0;
    a2 = (Math.imul(x2, x2) - Math.imul(q, p)) >>> 0;
    q = (a2 * x2 * invP - bias) | 0;
    b2 = (Math.imul(a2, x2) - Math.imul(q, p)) >>> 0;
    q = (a2 * a2 * invP - bias) | 0;
    c2 = (Math.imul(a2, a2) - Math.imul(q, p)) >>> 0;
    q = (b2 * c2 * invP - bias) | 0;
    a2 = (Math.imul(b2, c2) - Math.imul(q, p)) >>> 0;
    const x3 = s3 + rc[k + 3];
    let a3 = 0;
    let b3 = 0;
    let c3 = 0;
    q = (x3 * x3 * invP - bias) | 0;
    a3 = (Math.imul(x3, x3) - Math.imul(q, p)) >>> 0;
    q = (a3 * x3 * invP - bias) | 0;
    b3 = (Math.imul(a3, x3) - Math.imul(q, p)) >>> 0;
    q = (a3 * a3 * invP - bias) | 0;
    c3 = (Math.imul(a3, a3) - Math.imul(q, p)) >>> 0;
    q = (b3 * c3 * invP - bias) | 0;
    a3 = (Math.imul(b3, c3) - Math.imul(q, p)) >>> 0;
    const x4 = s4 + rc[k + 4];
    let a4 = 0;
    let b4 = 0;
    let c4 = 0;
    q = (x4 * x4 * invP - bias) | 0;
    a4 = (Math.imul(x4, x4) - Math.imul(q, p)) >>> 0;
    q = (a4 * x4 * invP - bias) | 0;
    b4 = (Math.imul(a4, x4) - Math.imul(q, p)) >>> 0;
    q = (a4 * a4 * invP - bias) | 0;
    c4 = (Math.imul(a4, a4) - Math.imul(q, p)) >>> 0;
    q = (b4 * c4 * invP - bias) | 0;
    a4 = (Math.imul(b4, c4) - Math.imul(q, p)) >>> 0;
    const x5 = s5 + rc[k + 5];
    let a5 = 0;
    let b5 = 0;
    let c5 = 0;
    q = (x5 * x5 * invP - bias) | 0;
    a5 = (Math.imul(x5, x5) - Math.imul(q, p)) >>> 0;
    q = (a5 * x5 * invP - bias) | 0;
    b5 = (Math.imul(a5, x5) - Math.imul(q, p)) >>> 0;
    q = (a5 * a5 * invP - bias) | 0;
    c5 = (Math.imul(a5, a5) - Math.imul(q, p)) >>> 0;
    q = (b5 * c5 * invP - bias) | 0;
    a5 = (Math.imul(b5, c5) - Math.imul(q, p)) >>> 0;
    const x6 = s6 + rc[k + 6];
    let a6 = 0;
    let b6 = 0;
    let c6 = 0;
    q = (x6 * x6 * invP - bias) | 0;
    a6 = (Math.imul(x6, x6) - Math.imul(q, p)) >>> 0;
    q = (a6 * x6 * invP - bias) | 0;
    b6 = (Math.imul(a6, x6) - Math.imul(q, p)) >>> 0;
    q = (a6 * a6 * invP - bias) | 0;
    c6 = (Math.imul(a6, a6) - Math.imul(q, p)) >>> 0;
    q = (b6 * c6 * invP - bias) | 0;
    a6 = (Math.imul(b6, c6) - Math.imul(q, p)) >>> 0;
    const x7 = s7 + rc[k + 7];
    let a7 = 0;
    let b7 = 0;
    let c7 = 0;
    q = (x7 * x7 * invP - bias) | 0;
    a7 = (Math.imul(x7, x7) - Math.imul(q, p)) >>> 0;
    q = (a7 * x7 * invP - bias) | 0;
    b7 = (Math.imul(a7, x7) - Math.imul(q, p)) >>> 0;
    q = (a7 * a7 * invP - bias) | 0;
    c7 = (Math.imul(a7, a7) - Math.imul(q, p)) >>> 0;
    q = (b7 * c7 * invP - bias) | 0;
    a7 = (Math.imul(b7, c7) - Math.imul(q, p)) >>> 0;
    const x8 = s8 + rc[k + 8];
    let a8 = 0;
    let b8 = 0;
    let c8 = 0;
    q = (x8 * x8 * invP - bias) | 0;
    a8 = (Math.imul(x8, x8) - Math.imul(q, p)) >>> 0;
    q = (a8 * x8 * invP - bias) | 0;
    b8 = (Math.imul(a8, x8) - Math.imul(q, p)) >>> 0;
    q = (a8 * a8 * invP - bias) | 0;
    c8 = (Math.imul(a8, a8) - Math.imul(q, p)) >>> 0;
    q = (b8 * c8 * invP - bias) | 0;
    a8 = (Math.imul(b8, c8) - Math.imul(q, p)) >>> 0;
    const x9 = s9 + rc[k + 9];
    let a9 = 0;
    let b9 = 0;
    let c9 = 0;
    q = (x9 * x9 * invP - bias) | 0;
    a9 = (Math.imul(x9, x9) - Math.imul(q, p)) >>> 0;
    q = (a9 * x9 * invP - bias) | 0;
    b9 = (Math.imul(a9, x9) - Math.imul(q, p)) >>> 0;
    q = (a9 * a9 * invP - bias) | 0;
    c9 = (Math.imul(a9, a9) - Math.imul(q, p)) >>> 0;
    q = (b9 * c9 * invP - bias) | 0;
    a9 = (Math.imul(b9, c9) - Math.imul(q, p)) >>> 0;
    const x10 = s10 + rc[k + 10];
    let a10 = 0;
    let b10 = 0;
    let c10 = 0;
    q = (x10 * x10 * invP - bias) | 0;
    a10 = (Math.imul(x10, x10) - Math.imul(q, p)) >>> 0;
    q = (a10 * x10 * invP - bias) | 0;
    b10 = (Math.imul(a10, x10) - Math.imul(q, p)) >>> 0;
    q = (a10 * a10 * invP - bias) | 0;
    c10 = (Math.imul(a10, a10) - Math.imul(q, p)) >>> 0;
    q = (b10 * c10 * invP - bias) | 0;
    a10 = (Math.imul(b10, c10) - Math.imul(q, p)) >>> 0;
    const x11 = s11 + rc[k + 11];
    let a11 = 0;
    let b11 = 0;
    let c11 = 0;
    q = (x11 * x11 * invP - bias) | 0;
    a11 = (Math.imul(x11, x11) - Math.imul(q, p)) >>> 0;
    q = (a11 * x11 * invP - bias) | 0;
    b11 = (Math.imul(a11, x11) - Math.imul(q, p)) >>> 0;
    q = (a11 * a11 * invP - bias) | 0;
    c11 = (Math.imul(a11, a11) - Math.imul(q, p)) >>> 0;
    q = (b11 * c11 * invP - bias) | 0;
    a11 = (Math.imul(b11, c11) - Math.imul(q, p)) >>> 0;
    const x12 = s12 + rc[k + 12];
    let a12 = 0;
    let b12 = 0;
    let c12 = 0;
    q = (x12 * x12 * invP - bias) | 0;
    a12 = (Math.imul(x12, x12) - Math.imul(q, p)) >>> 0;
    q = (a12 * x12 * invP - bias) | 0;
    b12 = (Math.imul(a12, x12) - Math.imul(q, p)) >>> 0;
    q = (a12 * a12 * invP - bias) | 0;
    c12 = (Math.imul(a12, a12) - Math.imul(q, p)) >>> 0;
    q = (b12 * c12 * invP - bias) | 0;
    a12 = (Math.imul(b12, c12) - Math.imul(q, p)) >>> 0;
    const x13 = s13 + rc[k + 13];
    let a13 = 0;
    let b13 = 0;
    let c13 = 0;
    q = (x13 * x13 * invP - bias) | 0;
    a13 = (Math.imul(x13, x13) - Math.imul(q, p)) >>> 0;
    q = (a13 * x13 * invP - bias) | 0;
    b13 = (Math.imul(a13, x13) - Math.imul(q, p)) >>> 0;
    q = (a13 * a13 * invP - bias) | 0;
    c13 = (Math.imul(a13, a13) - Math.imul(q, p)) >>> 0;
    q = (b13 * c13 * invP - bias) | 0;
    a13 = (Math.imul(b13, c13) - Math.imul(q, p)) >>> 0;
    const x14 = s14 + rc[k + 14];
    let a14 = 0;
    let b14 = 0;
    let c14 = 0;
    q = (x14 * x14 * invP - bias) | 0;
    a14 = (Math.imul(x14, x14) - Math.imul(q, p)) >>> 0;
    q = (a14 * x14 * invP - bias) | 0;
    b14 = (Math.imul(a14, x14) - Math.imul(q, p)) >>> 0;
    q = (a14 * a14 * invP - bias) | 0;
    c14 = (Math.imul(a14, a14) - Math.imul(q, p)) >>> 0;
    q = (b14 * c14 * invP - bias) | 0;
    a14 = (Math.imul(b14, c14) - Math.imul(q, p)) >>> 0;
    const x15 = s15 + rc[k + 15];
    let a15 = 0;
    let b15 = 0;
    let c15 = 0;
    q = (x15 * x15 * invP - bias) | 0;
    a15 = (Math.imul(x15, x15) - Math.imul(q, p)) >>> 0;
    q = (a15 * x15 * invP - bias) | 0;
    b15 = (Math.imul(a15, x15) - Math.imul(q, p)) >>> 0;
    q = (a15 * a15 * invP - bias) | 0;
    c15 = (Math.imul(a15, a15) - Math.imul(q, p)) >>> 0;
    q = (b15 * c15 * invP - bias) | 0;
    a15 = (Math.imul(b15, c15) - Math.imul(q, p)) >>> 0;
    const m0a = 2 * a0 + 3 * a1 + a2 + a3;
    const m0b = a0 + 2 * a1 + 3 * a2 + a3;
    const m0c = a0 + a1 + 2 * a2 + 3 * a3;
    const m0d = 3 * a0 + a1 + a2 + 2 * a3;
    const m1a = 2 * a4 + 3 * a5 + a6 + a7;
    const m1b = a4 + 2 * a5 + 3 * a6 + a7;
    const m1c = a4 + a5 + 2 * a6 + 3 * a7;
    const m1d = 3 * a4 + a5 + a6 + 2 * a7;
    const m2a = 2 * a8 + 3 * a9 + a10 + a11;
    const m2b = a8 + 2 * a9 + 3 * a10 + a11;
    const m2c = a8 + a9 + 2 * a10 + 3 * a11;
    const m2d = 3 * a8 + a9 + a10 + 2 * a11;
    const m3a = 2 * a12 + 3 * a13 + a14 + a15;
    const m3b = a12 + 2 * a13 + 3 * a14 + a15;
    const m3c = a12 + a13 + 2 * a14 + 3 * a15;
    const m3d = 3 * a12 + a13 + a14 + 2 * a15;
    const ua = m0a + m1a + m2a + m3a;
    const ub = m0b + m1b + m2b + m3b;
    const uc = m0c + m1c + m2c + m3c;
    const ud = m0d + m1d + m2d + m3d;
    t = m0a + ua;
    r = t - Math.floor(t * invP) * p;
    s0 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m0b + ub;
    r = t - Math.floor(t * invP) * p;
    s1 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m0c + uc;
    r = t - Math.floor(t * invP) * p;
    s2 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m0d + ud;
    r = t - Math.floor(t * invP) * p;
    s3 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m1a + ua;
    r = t - Math.floor(t * invP) * p;
    s4 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m1b + ub;
    r = t - Math.floor(t * invP) * p;
    s5 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m1c + uc;
    r = t - Math.floor(t * invP) * p;
    s6 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m1d + ud;
    r = t - Math.floor(t * invP) * p;
    s7 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m2a + ua;
    r = t - Math.floor(t * invP) * p;
    s8 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m2b + ub;
    r = t - Math.floor(t * invP) * p;
    s9 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m2c + uc;
    r = t - Math.floor(t * invP) * p;
    s10 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m2d + ud;
    r = t - Math.floor(t * invP) * p;
    s11 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m3a + ua;
    r = t - Math.floor(t * invP) * p;
    s12 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m3b + ub;
    r = t - Math.floor(t * invP) * p;
    s13 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m3c + uc;
    r = t - Math.floor(t * invP) * p;
    s14 = r >= p ? r - p : r < 0 ? r + p : r;
    t = m3d + ud;
    r = t - Math.floor(t * invP) * p;
    s15 = r >= p ? r - p : r < 0 ? r + p : r;
  }
  s[o + 0] = s0;
  s[o + 1] = s1;
  s[o + 2] = s2;
  s[o + 3] = s3;
  s[o + 4] = s4;
  s[o + 5] = s5;
  s[o + 6] = s6;
  s[o + 7] = s7;
  s[o + 8] = s8;
  s[o + 9] = s9;
  s[o + 10] = s10;
  s[o + 11] = s11;
  s[o + 12] = s12;
  s[o + 13] = s13;
  s[o + 14] = s14;
  s[o + 15] = s15;
}

/**
 * The partial rounds: S-box on lane 0, then sum + V[i] * s[i] with V applied by shifts. Also the
 * partial rounds of the single-state `permute` (./poseidon2.ts): canonical in, canonical out.
 * @param s states
 * @param o offset of the state
 * @param rcInt the 13 internal round constants
 */
export function partialRounds16(s: Uint32Array, o: number, rcInt: Float64Array): void {
  // Local constants: module bindings are reloaded and type-checked on every use in optimized code.
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  const bias = 0.125;
  let q = 0;
  let r = 0;
  let t = 0;
  let s0 = s[o + 0];
  let s1 = s[o + 1];
  let s2 = s[o + 2];
  let s3 = s[o + 3];
  let s4 = s[o + 4];
  let s5 = s[o + 5];
  let s6 = s[o + 6];
  let s7 = s[o + 7];
  let s8 = s[o + 8];
  let s9 = s[o + 9];
  let s10 = s[o + 10];
  let s11 = s[o + 11];
  let s12 = s[o + 12];
  let s13 = s[o + 13];
  let s14 = s[o + 14];
  let s15 = s[o + 15];
  const n = rcInt.length;
  for (let k = 0; k < n; k++) {
    const x = s0 + rcInt[k];
    let x2 = 0;
    let x3 = 0;
    let x4 = 0;
    let x7 = 0;
    q = (x * x * invP - bias) | 0;
    x2 = (Math.imul(x, x) - Math.imul(q, p)) >>> 0;
    q = (x2 * x * invP - bias) | 0;
    x3 = (Math.imul(x2, x) - Math.imul(q, p)) >>> 0;
    q = (x2 * x2 * invP - bias) | 0;
    x4 = (Math.imul(x2, x2) - Math.imul(q, p)) >>> 0;
    q = (x3 * x4 * invP - bias) | 0;
    x7 = (Math.imul(x3, x4) - Math.imul(q, p)) >>> 0;
    // s1..s15 do not depend on this S-box, so their tree sum overlaps with it
    const sum =
      x7 + (s1 + s2 + (s3 + s4) + (s5 + s6 + (s7 + s8)) + (s9 + s10 + (s11 + s12) + (s13 + s14 + s15)));
    t = sum - 2 * x7;
    r = t - Math.floor(t * invP) * p;
    s0 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + s1;
    r = t - Math.floor(t * invP) * p;
    s1 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + 2 * s2;
    r = t - Math.floor(t * invP) * p;
    s2 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + (s3 >>> 1) - (s3 & 1) * 15 * 2 ** 26;
    r = t - Math.floor(t * invP) * p;
    s3 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + 3 * s4;
    r = t - Math.floor(t * invP) * p;
    s4 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + 4 * s5;
    r = t - Math.floor(t * invP) * p;
    s5 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum - (s6 >>> 1) + (s6 & 1) * 15 * 2 ** 26;
    r = t - Math.floor(t * invP) * p;
    s6 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum - 3 * s7;
    r = t - Math.floor(t * invP) * p;
    s7 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum - 4 * s8;
    r = t - Math.floor(t * invP) * p;
    s8 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + (s9 >>> 8) - (s9 & 0xff) * 15 * 2 ** 19;
    r = t - Math.floor(t * invP) * p;
    s9 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + (s10 >>> 2) - (s10 & 0x3) * 15 * 2 ** 25;
    r = t - Math.floor(t * invP) * p;
    s10 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + (s11 >>> 3) - (s11 & 0x7) * 15 * 2 ** 24;
    r = t - Math.floor(t * invP) * p;
    s11 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum + (s12 >>> 27) - (s12 & 0x7ffffff) * 15;
    r = t - Math.floor(t * invP) * p;
    s12 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum - (s13 >>> 8) + (s13 & 0xff) * 15 * 2 ** 19;
    r = t - Math.floor(t * invP) * p;
    s13 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum - (s14 >>> 4) + (s14 & 0xf) * 15 * 2 ** 23;
    r = t - Math.floor(t * invP) * p;
    s14 = r >= p ? r - p : r < 0 ? r + p : r;
    t = sum - (s15 >>> 27) + (s15 & 0x7ffffff) * 15;
    r = t - Math.floor(t * invP) * p;
    s15 = r >= p ? r - p : r < 0 ? r + p : r;
  }
  s[o + 0] = s0;
  s[o + 1] = s1;
  s[o + 2] = s2;
  s[o + 3] = s3;
  s[o + 4] = s4;
  s[o + 5] = s5;
  s[o + 6] = s6;
  s[o + 7] = s7;
  s[o + 8] = s8;
  s[o + 9] = s9;
  s[o + 10] = s10;
  s[o + 11] = s11;
  s[o + 12] = s12;
  s[o + 13] = s13;
  s[o + 14] = s14;
  s[o + 15] = s15;
}

/**
 * Permutes s[o .. o + 16) in place.
 * @param s states
 * @param o offset of the state
 * @param rcInit 4 x 16 initial external round constants, row-major
 * @param rcTerm 4 x 16 terminal external round constants, row-major
 * @param rcInt the 13 internal round constants
 */
export function permute16(
  s: Uint32Array,
  o: number,
  rcInit: Float64Array,
  rcTerm: Float64Array,
  rcInt: Float64Array,
): void {
  externalLinear16(s, o);
  fullRounds16(s, o, rcInit);
  partialRounds16(s, o, rcInt);
  fullRounds16(s, o, rcTerm);
}
