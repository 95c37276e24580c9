/**
 * BabyBear prime field F_p, p = 2^31 - 2^27 + 1, on canonical integers in [0, p).
 *
 * Mirrors Plonky3/Plonky3:baby-bear/src/baby_bear.rs and monty-31/src/monty_31.rs (v0.6.2).
 * Plonky3 stores elements in Montgomery form; that form is only observable on the wire
 * (postcard) and in RNG-derived constants, so here every value is canonical and the
 * Montgomery conversion exists only for the codec (`toMontgomery` / `fromMontgomery`).
 *
 * Invariant: every exported function takes and returns canonical values. No BigInt in hot code.
 */

/** A BabyBear element: canonical integer in [0, P). An alias for readability, not a brand. */
export type Felt = number;

/** The modulus 2^31 - 2^27 + 1 = 15 * 2^27 + 1. */
export const P = 0x78000001;
/** Two-adicity of P - 1. */
export const TWO_ADICITY = 27;
/** Plonky3's fixed multiplicative generator (the coset shift of every committed LDE). */
export const GENERATOR = 31;
const INV_P = 1 / P;

/**
 * Plonky3's fixed two-adic generator table: entry b has order exactly 2^b,
 * entry 27 = 0x1a427a41 and entry b = (entry b+1)^2. Not derived from GENERATOR.
 */
export const TWO_ADIC_GENERATORS: readonly number[] = Object.freeze([
  1, 2013265920, 1728404513, 1592366214, 196396260, 760005850, 1721589904, 397765732, 1732600167, 1753498361,
  341742893, 1340477990, 1282623253, 298008106, 1657000625, 2009781145, 1421947380, 1286330022, 1559589183,
  1049899240, 195061667, 414040701, 570250684, 1267047229, 1003846038, 1149491290, 975630072, 440564289,
]);

/** Thrown for arithmetic that has no answer (inverse of zero, generator out of range). */
export class FieldError extends Error {
  override readonly name = 'FieldError';
}

/**
 * Reduces a non-negative integer-valued double below 2^53 mod P (lazy sums of products: the
 * extension multiply, the quotient's accumulators).
 * @param x an integer in [0, 2^53)
 * @returns x mod P
 */
export function reduceDouble(x: number): Felt {
  // x < 2^53: q is within one of floor(x / P) and q * P < 2^53 is exact.
  const q = Math.floor(x * INV_P);
  let r = x - q * P;
  if (r < 0) r += P;
  else if (r >= P) r -= P;
  return r;
}

/**
 * a*b mod P for canonical a, b.
 * @param a canonical element
 * @param b canonical element
 * @returns canonical product
 */
export function mul(a: Felt, b: Felt): Felt {
  // a*b < 2^62: the double estimate e of a*b/P is within 2^-20 of the true quotient, so the
  // biased q = trunc(e - 2^-18) is floor(a*b/P) or one less, a*b - q*P - P lies in [-P, P) and
  // int32 arithmetic (imul wraps mod 2^32) holds it exactly; one branch-free correction follows.
  // Clear form: q = floor(a*b/P); r = a*b - q*P; r < 0 ? r + P : r >= P ? r - P : r (STYLE.md).
  const q = (a * b * INV_P - MUL_BIAS) | 0;
  const r = (Math.imul(a, b) - Math.imul(q, P) - P) | 0;
  return (r + (P & (r >> 31))) | 0;
}

const MUL_BIAS = 2 ** -18;

/** a + b mod P. */
export function add(a: Felt, b: Felt): Felt {
  const s = a + b;
  return s >= P ? s - P : s;
}

/** a - b mod P. */
export function sub(a: Felt, b: Felt): Felt {
  const s = a - b;
  return s < 0 ? s + P : s;
}

/** -a mod P. */
export function neg(a: Felt): Felt {
  return a === 0 ? 0 : P - a;
}

/** a^2 mod P. */
export function square(a: Felt): Felt {
  return mul(a, a);
}

/** 2a mod P. */
export function double(a: Felt): Felt {
  return add(a, a);
}

/** a / 2 mod P (a true field halving, not a shift). */
export function halve(a: Felt): Felt {
  // (P + 1) / 2 is the inverse of 2; odd a: (a + P) / 2 < 2^31 stays exact.
  return (a & 1) === 0 ? a / 2 : (a + P) / 2;
}

/**
 * a^e mod P by square-and-multiply.
 * @param a canonical base
 * @param e non-negative exponent; a safe integer (up to 2^53 - 1)
 */
export function exp(a: Felt, e: number): Felt {
  let result = 1;
  let base = a;
  let k = e;
  while (k > 0) {
    if (k % 2 === 1) result = mul(result, base);
    base = mul(base, base);
    k = Math.floor(k / 2);
  }
  return result;
}

/** a^e mod P for a BigInt exponent (one-time constant derivation only). */
export function expBig(a: Felt, e: bigint): Felt {
  let result = 1;
  let base = a;
  let k = e;
  while (k > 0n) {
    if ((k & 1n) === 1n) result = mul(result, base);
    base = mul(base, base);
    k >>= 1n;
  }
  return result;
}

/**
 * Multiplicative inverse.
 * @throws {FieldError} if a = 0
 */
export function inverse(a: Felt): Felt {
  if (a === 0) throw new FieldError('inverse of zero');
  return exp(a, P - 2);
}

/**
 * Montgomery's batch inversion: out[i] = 1 / xs[i].
 * @param xs non-zero canonical elements
 * @param out optional output buffer (may alias xs)
 * @throws {FieldError} if any element is zero
 */
export function batchInverse(xs: Uint32Array, out: Uint32Array = new Uint32Array(xs.length)): Uint32Array {
  const n = xs.length;
  if (n === 0) return out;
  const prefix = new Uint32Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (x === 0) throw new FieldError(`batch inverse: element ${i} is zero`);
    prefix[i] = acc;
    acc = mul(acc, x);
  }
  let inv = inverse(acc);
  for (let i = n - 1; i >= 0; i--) {
    const x = xs[i];
    out[i] = mul(inv, prefix[i]);
    inv = mul(inv, x);
  }
  return out;
}

/**
 * Plonky3's two_adic_generator(bits): an element of order exactly 2^bits.
 * @throws {FieldError} if bits is not an integer in 0..27
 */
export function twoAdicGenerator(bits: number): Felt {
  if (!Number.isInteger(bits) || bits < 0 || bits > TWO_ADICITY) {
    throw new FieldError(`two-adic generator: bits ${bits} outside 0..${TWO_ADICITY}`);
  }
  return TWO_ADIC_GENERATORS[bits];
}

/**
 * g^e for g = twoAdicGenerator(logN) and an exponent below 2^logN, without squarings: since
 * g_n^(2^i) = g_(n-i), g^e is the product of g_(logN-i) over the set bits i of e, at most logN
 * multiplications (exp(g, e) takes up to 2 logN). The verifier's query points and FRI folding
 * use it once per query and round, where those multiplications run before V8 has optimized them.
 * @param logN log2 of the generator's order, 0..27
 * @param e exponent, an integer in [0, 2^logN)
 * @returns g_logN^e
 * @throws {FieldError} if logN or e is out of range
 */
export function twoAdicPow(logN: number, e: number): Felt {
  checkTwoAdicExponent(logN, e);
  return twoAdicPowChecked(logN, e);
}

/** twoAdicPow after its range check. */
function twoAdicPowChecked(logN: number, e: number): Felt {
  let r = 1;
  for (let i = 0, k = e; k !== 0; i++, k >>>= 1) if ((k & 1) !== 0) r = mul(r, TWO_ADIC_GENERATORS[logN - i]);
  return r;
}

/**
 * g^-e for g = twoAdicGenerator(logN): g^(2^logN - e), so no inversion is needed.
 * @param logN log2 of the generator's order, 0..27
 * @param e exponent, an integer in [0, 2^logN)
 * @returns g_logN^-e
 * @throws {FieldError} if logN or e is out of range
 */
export function twoAdicPowInv(logN: number, e: number): Felt {
  checkTwoAdicExponent(logN, e);
  return e === 0 ? 1 : twoAdicPowChecked(logN, 2 ** logN - e); // 2^logN - e is in range too
}

function checkTwoAdicExponent(logN: number, e: number): void {
  if (
    !Number.isInteger(logN) ||
    logN < 0 ||
    logN > TWO_ADICITY ||
    !Number.isInteger(e) ||
    e < 0 ||
    e >= 2 ** logN
  ) {
    throw new FieldError(`two-adic power: exponent ${e} outside 0..2^${logN}`);
  }
}

/**
 * ceil_log2(n): the smallest k with 2^k >= n (0 for n <= 1), as Plonky3's `log2_ceil_usize`.
 * @param n a non-negative safe integer
 * @returns k
 */
export function ceilLog2(n: number): number {
  // One instruction for integers n in [2, 2^31]: n - 1 has 32 - clz32(n - 1) significant bits. (The loop
  // below costs log2 n iterations, and the Merkle verifier asks several times per path level.)
  if (n >= 2 && n <= 2 ** 31 && n >>> 0 === n) return 32 - Math.clz32(n - 1);
  let k = 0;
  let p = 1;
  while (p < n) {
    p *= 2;
    k++;
  }
  return k;
}

/** Reduces any safe non-negative integer (e.g. a usize from the transcript) mod P. */
export function fromU64(n: number): Felt {
  return n % P;
}

/** 2^32 mod P, Montgomery's R. */
export const MONTY_R = 268435454;
/** 2^-32 mod P. */
export const MONTY_R_INV = 943718400;

/** Canonical x to its Montgomery form x * 2^32 mod P (the u32 Plonky3 serializes). */
export function toMontgomery(x: Felt): number {
  return mul(x, MONTY_R);
}

/** Montgomery form m (must be < P) to the canonical value m * 2^-32 mod P. */
export function fromMontgomery(m: number): Felt {
  return mul(m, MONTY_R_INV);
}

/**
 * Reduces any integer given as a BigInt (u64, i64 or wider) into [0, P) (one-time use, not hot).
 * @param n any integer
 * @returns n mod P, canonical
 */
export function fromBigInt(n: bigint): Felt {
  const r = n % 2013265921n;
  return Number(r < 0n ? r + 2013265921n : r);
}

/**
 * Elementwise product out[i] = a[i] * b[i] over Uint32Arrays of canonical elements.
 * @param out output buffer (may alias a or b); its length sets the count
 * @param a first operands
 * @param b second operands
 * @returns out
 */
export function batchMul(out: Uint32Array, a: Uint32Array, b: Uint32Array): Uint32Array {
  const n = out.length;
  // Local constants: module bindings are re-checked on every use in optimized loops.
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  const bias = 2 ** -18;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    // Same reduction as mul(), inlined (biased quotient, branch-free correction).
    const q = (x * y * invP - bias) | 0;
    const r = (Math.imul(x, y) - Math.imul(q, p) - p) | 0;
    out[i] = (r + (p & (r >> 31))) | 0;
  }
  return out;
}
