/**
 * Poseidon2 AIR: proves Poseidon2 (BabyBear, width 16, x^7 S-box) permutations, several per row.
 *
 * Mirrors Plonky3/Plonky3:poseidon2-air/src/{air.rs, columns.rs, generation.rs, vectorized.rs}
 * (VectorizedPoseidon2Air<BabyBear, _, 16, 7, 1, 4, 13, VECTOR_LEN>) at v0.6.2: the same column
 * layout, constraint order, degree hint and "never reads the next row" declaration, so a trace and
 * its quotient match upstream's for the same constants and inputs.
 *
 * Column layout of one permutation (298 columns; permutation p of a row starts at p * 298):
 *   inputs[16]
 *   4 x beginning full round: sbox[16] (committed x^3), post[16] (state after the round)
 *   13 x partial round:       sbox (committed x^3 of lane 0), post_sbox (x^7 of lane 0)
 *   4 x ending full round:    sbox[16], post[16]            (the last post[16] is the output)
 * Constraints per S-box: x3 - x^3 with x = state + rc, and the S-box output is x3^2 * x (degree 3).
 * Per full round: 16 S-box constraints, then 16 constraints state_i - post_i after the external
 * layer. Per partial round: the S-box constraint, then (x3^2 * x) - post_sbox.
 */

import { type Air, type AirBuilder, AirError, type Expr } from '../air/air.ts';
import { fromMontgomery, mul, P } from '../field/babybear.ts';
import { type Matrix, matrix } from '../field/matrix.ts';
import { POSEIDON2_CONSTANT_SETS, type Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import { INTERNAL_DIAG_16 } from '../hash/poseidon2-constants.ts';
import { splitMix64 } from '../hash/poseidon2-rng.ts';
import type { Poseidon2Constants } from '../hash/types.ts';

/** Poseidon2 state width handled by this AIR. */
export const POSEIDON2_AIR_WIDTH = 16;
/** Half the number of full rounds. */
export const POSEIDON2_HALF_FULL_ROUNDS = 4;
/** Partial rounds for width 16. */
export const POSEIDON2_PARTIAL_ROUNDS = 13;
/** Columns of one permutation: 16 + 2 * 4 * (16 + 16) + 13 * 2. */
export const POSEIDON2_COLS_PER_PERM: number =
  POSEIDON2_AIR_WIDTH +
  2 * POSEIDON2_HALF_FULL_ROUNDS * 2 * POSEIDON2_AIR_WIDTH +
  2 * POSEIDON2_PARTIAL_ROUNDS;
/** Upstream's constraint degree for (SBOX_DEGREE 7, SBOX_REGISTERS 1). */
export const POSEIDON2_AIR_DEGREE = 3;

/** Options of `createPoseidon2Air`. */
export interface Poseidon2AirOptions {
  /** Round constants: a set or a set name (default 'default'). Width must be 16. */
  readonly constants?: Poseidon2Constants | Poseidon2ConstantSetName;
  /** Permutations per row, upstream's VECTOR_LEN (default 8, as upstream's benchmark). */
  readonly permsPerRow?: number;
}

/** The Poseidon2 AIR with its parameters. */
export interface Poseidon2Air extends Air {
  /** The round constants. */
  readonly constants: Poseidon2Constants;
  /** Permutations per row. */
  readonly permsPerRow: number;
}

const W = POSEIDON2_AIR_WIDTH;

/**
 * Creates the vectorized Poseidon2 AIR.
 * @param opts constants and permutations per row
 * @returns the AIR (name 'poseidon2', no public values, degree hint 3, never reads the next row)
 * @throws {AirError} for a constant set of another width or a bad permsPerRow
 * @example
 * const air = createPoseidon2Air({ constants: 'default', permsPerRow: 8 });
 * const trace = generatePoseidon2Trace(air, { seed: 1 }, 1 << 10); // 8192 permutations
 */
export function createPoseidon2Air(opts: Poseidon2AirOptions = {}): Poseidon2Air {
  const cs = opts.constants ?? 'default';
  const constants = typeof cs === 'string' ? POSEIDON2_CONSTANT_SETS[cs] : cs;
  if (constants === undefined) throw new AirError(`unknown Poseidon2 constant set ${String(cs)}`);
  if (
    constants.width !== W ||
    constants.externalInitial.length !== POSEIDON2_HALF_FULL_ROUNDS ||
    constants.externalTerminal.length !== POSEIDON2_HALF_FULL_ROUNDS ||
    constants.internal.length !== POSEIDON2_PARTIAL_ROUNDS
  ) {
    throw new AirError('Poseidon2 AIR: constants must be a width-16 set (4 + 4 full rounds, 13 partial)');
  }
  const permsPerRow = opts.permsPerRow ?? 8;
  if (!Number.isInteger(permsPerRow) || permsPerRow < 1) throw new AirError(`bad permsPerRow ${permsPerRow}`);
  return {
    name: 'poseidon2',
    width: POSEIDON2_COLS_PER_PERM * permsPerRow,
    numPublicValues: 0,
    maxConstraintDegree: POSEIDON2_AIR_DEGREE,
    mainNextRowColumns: [],
    constants,
    permsPerRow,
    eval(b: AirBuilder): void {
      for (let p = 0; p < permsPerRow; p++) evalPerm(b, constants, p * POSEIDON2_COLS_PER_PERM);
    },
  };
}

/** M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] on lanes k..k+3, symbolic. */
function mat4Expr(b: AirBuilder, s: Expr[], k: number): void {
  const x0 = s[k];
  const x1 = s[k + 1];
  const x2 = s[k + 2];
  const x3 = s[k + 3];
  const t01 = b.add(x0, x1);
  const t23 = b.add(x2, x3);
  const t0123 = b.add(t01, t23);
  const t01123 = b.add(t0123, x1);
  const t01233 = b.add(t0123, x3);
  s[k] = b.add(t01123, t01); // 2x0 + 3x1 + x2 + x3
  s[k + 1] = b.add(t01123, b.add(x2, x2)); // x0 + 2x1 + 3x2 + x3
  s[k + 2] = b.add(t01233, t23); // x0 + x1 + 2x2 + 3x3
  s[k + 3] = b.add(t01233, b.add(x0, x0)); // 3x0 + x1 + x2 + 2x3
}

/** External linear layer E (docs/protocol.md §3.2), symbolic. */
function externalExpr(b: AirBuilder, s: Expr[]): void {
  for (let k = 0; k < W; k += 4) mat4Expr(b, s, k);
  const sums: Expr[] = [];
  for (let k = 0; k < 4; k++) sums.push(b.sum([s[k], s[k + 4], s[k + 8], s[k + 12]]));
  for (let i = 0; i < W; i++) s[i] = b.add(s[i], sums[i & 3]);
}

/** Internal linear layer I (docs/protocol.md §3.3), symbolic. */
function internalExpr(b: AirBuilder, s: Expr[]): void {
  const sum = b.sum(s);
  for (let i = 0; i < W; i++) s[i] = b.add(b.mul(s[i], INTERNAL_DIAG_16[i]), sum);
}

/** S-box with one register: asserts x3 = x^3 and returns x3^2 * x. */
function sboxExpr(b: AirBuilder, x: Expr, x3: Expr): Expr {
  b.assertEq(x3, b.cube(x));
  return b.mul(b.square(x3), x);
}

function evalPerm(b: AirBuilder, c: Poseidon2Constants, o: number): void {
  const v = b.main.local;
  const s: Expr[] = [];
  for (let i = 0; i < W; i++) s.push(v[o + i]);
  let col = o + W;
  externalExpr(b, s);
  const full = (rc: readonly number[]): void => {
    for (let i = 0; i < W; i++) s[i] = sboxExpr(b, b.add(s[i], rc[i]), v[col + i]);
    externalExpr(b, s);
    for (let i = 0; i < W; i++) {
      const post = v[col + W + i];
      b.assertEq(s[i], post);
      s[i] = post;
    }
    col += 2 * W;
  };
  for (let r = 0; r < POSEIDON2_HALF_FULL_ROUNDS; r++) full(c.externalInitial[r]);
  for (let r = 0; r < POSEIDON2_PARTIAL_ROUNDS; r++) {
    const y = sboxExpr(b, b.add(s[0], c.internal[r]), v[col]);
    b.assertEq(y, v[col + 1]);
    s[0] = v[col + 1];
    internalExpr(b, s);
    col += 2;
  }
  for (let r = 0; r < POSEIDON2_HALF_FULL_ROUNDS; r++) full(c.externalTerminal[r]);
}

// ---------------------------------------------------------------- trace generation (base field)

const INV_P = 1 / P;

/** x mod P for an integer-valued double 0 <= x < 2^40 (faster than %). */
function red(x: number): number {
  const r = x - Math.floor(x * INV_P) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/** External linear layer on s[o..o+16) in place. Sums of at most 7 canonical values < 2^34. */
function externalLayer(s: Uint32Array, o: number): void {
  for (let k = o; k < o + W; k += 4) {
    const x0 = s[k];
    const x1 = s[k + 1];
    const x2 = s[k + 2];
    const x3 = s[k + 3];
    const t01 = x0 + x1;
    const t23 = x2 + x3;
    const t0123 = t01 + t23;
    const t01123 = t0123 + x1;
    const t01233 = t0123 + x3;
    s[k] = red(t01123 + t01);
    s[k + 1] = red(t01123 + 2 * x2);
    s[k + 2] = red(t01233 + t23);
    s[k + 3] = red(t01233 + 2 * x0);
  }
  const s0 = s[o] + s[o + 4] + s[o + 8] + s[o + 12];
  const s1 = s[o + 1] + s[o + 5] + s[o + 9] + s[o + 13];
  const s2 = s[o + 2] + s[o + 6] + s[o + 10] + s[o + 14];
  const s3 = s[o + 3] + s[o + 7] + s[o + 11] + s[o + 15];
  for (let i = 0; i < W; i += 4) {
    s[o + i] = red(s[o + i] + s0);
    s[o + i + 1] = red(s[o + i + 1] + s1);
    s[o + i + 2] = red(s[o + i + 2] + s2);
    s[o + i + 3] = red(s[o + i + 3] + s3);
  }
}

const DIAG = Uint32Array.from(INTERNAL_DIAG_16);

/** Internal linear layer on s[o..o+16) in place. */
function internalLayer(s: Uint32Array, o: number): void {
  let sum = 0;
  for (let i = 0; i < W; i++) sum += s[o + i];
  sum = red(sum);
  for (let i = 0; i < W; i++) s[o + i] = red(mul(s[o + i], DIAG[i]) + sum);
}

/** One full round on st: S-box registers to out[col..col+16), post state to out[col+16..col+32). */
function fullRound(out: Uint32Array, col: number, st: Uint32Array, rc: readonly number[]): void {
  for (let i = 0; i < W; i++) {
    const x = red(st[i] + rc[i]);
    const x3 = mul(mul(x, x), x);
    out[col + i] = x3;
    st[i] = mul(mul(x3, x3), x);
  }
  externalLayer(st, 0);
  for (let i = 0; i < W; i++) out[col + W + i] = st[i];
}

/** Fills the 298 columns of one permutation at out[o..) from the input at inp[io..io+16). */
function fillPerm(
  out: Uint32Array,
  o: number,
  inp: Uint32Array,
  io: number,
  c: Poseidon2Constants,
  st: Uint32Array,
): void {
  for (let i = 0; i < W; i++) {
    const x = inp[io + i];
    if (x >= P) throw new AirError(`Poseidon2 input ${x} is not canonical`);
    out[o + i] = x;
    st[i] = x;
  }
  let col = o + W;
  externalLayer(st, 0);
  for (let r = 0; r < POSEIDON2_HALF_FULL_ROUNDS; r++, col += 2 * W)
    fullRound(out, col, st, c.externalInitial[r]);
  for (let r = 0; r < POSEIDON2_PARTIAL_ROUNDS; r++, col += 2) {
    const x = red(st[0] + c.internal[r]);
    const x3 = mul(mul(x, x), x);
    st[0] = mul(mul(x3, x3), x);
    out[col] = x3;
    out[col + 1] = st[0];
    internalLayer(st, 0);
  }
  for (let r = 0; r < POSEIDON2_HALF_FULL_ROUNDS; r++, col += 2 * W)
    fullRound(out, col, st, c.externalTerminal[r]);
}

/** Xoshiro256++ (rand 0.10 SmallRng) on 32-bit halves: next_u32 = high half of next_u64. */
function fastSmallRngU32(seed: bigint): () => number {
  const sm = splitMix64(seed);
  // s[2i] = high half, s[2i + 1] = low half of state word i.
  const s = new Uint32Array(8);
  for (let i = 0; i < 4; i++) {
    const v = sm();
    s[2 * i] = Number(v >> 32n);
    s[2 * i + 1] = Number(v & 0xffffffffn);
  }
  return () => {
    // sum = s0 + s3; rot = rotl(sum, 23); res = rot + s0 (only the high half is returned)
    const lo = s[1] + s[7];
    const sumLo = lo >>> 0;
    const sumHi = (s[0] + s[6] + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    const rotHi = ((sumHi << 23) | (sumLo >>> 9)) >>> 0;
    const rotLo = ((sumLo << 23) | (sumHi >>> 9)) >>> 0;
    const resHi = (rotHi + s[0] + (rotLo + s[1] > 0xffffffff ? 1 : 0)) >>> 0;
    const tHi = ((s[2] << 17) | (s[3] >>> 15)) >>> 0;
    const tLo = (s[3] << 17) >>> 0;
    s[4] ^= s[0]; // s2 ^= s0
    s[5] ^= s[1];
    s[6] ^= s[2]; // s3 ^= s1
    s[7] ^= s[3];
    s[2] ^= s[4]; // s1 ^= s2
    s[3] ^= s[5];
    s[0] ^= s[6]; // s0 ^= s3
    s[1] ^= s[7];
    s[4] ^= tHi; // s2 ^= t
    s[5] ^= tLo;
    // s3 = rotl(s3, 45) = rotl(swap halves, 13)
    const h = s[7];
    const l = s[6];
    s[6] = ((h << 13) | (l >>> 19)) >>> 0;
    s[7] = ((l << 13) | (h >>> 19)) >>> 0;
    return resHi;
  };
}

/**
 * Upstream's benchmark inputs: `count` states drawn from SmallRng::seed_from_u64(seed) as
 * `rng.random::<[F; 16]>()` (generate_vectorized_trace_rows uses seed 1).
 * @param seed the SmallRng seed
 * @param count number of permutations
 * @returns 16 * count canonical elements
 */
export function poseidon2AirInputs(seed: number | bigint, count: number): Uint32Array {
  const next = fastSmallRngU32(BigInt(seed));
  const out = new Uint32Array(W * count);
  for (let i = 0; i < out.length; i++) {
    // StandardUniform for MontyField31: 31 random bits, rejected unless < P, read as Montgomery form.
    let v = next() >>> 1;
    while (v >= P) v = next() >>> 1;
    out[i] = fromMontgomery(v);
  }
  return out;
}

/**
 * Generates the trace: rows * permsPerRow permutations, permutation k in row floor(k / permsPerRow).
 * @param air the AIR from `createPoseidon2Air`
 * @param source explicit inputs (16 per permutation, flat) or a SmallRng seed (upstream uses 1)
 * @param rows trace height, a power of two
 * @returns the trace matrix
 * @throws {AirError} for a bad height or input length
 */
export function generatePoseidon2Trace(
  air: Poseidon2Air,
  source: { readonly inputs: Uint32Array } | { readonly seed: number | bigint },
  rows: number,
): Matrix {
  if (!Number.isInteger(rows) || rows < 1 || (rows & (rows - 1)) !== 0) {
    throw new AirError(`trace height ${rows} is not a power of two`);
  }
  const count = rows * air.permsPerRow;
  const inputs = 'inputs' in source ? source.inputs : poseidon2AirInputs(source.seed, count);
  if (inputs.length !== W * count) {
    throw new AirError(
      `expected ${W * count} input elements for ${count} permutations, got ${inputs.length}`,
    );
  }
  const values = new Uint32Array(rows * air.width);
  const st = new Uint32Array(W);
  for (let k = 0; k < count; k++)
    fillPerm(values, k * POSEIDON2_COLS_PER_PERM, inputs, k * W, air.constants, st);
  return matrix(values, air.width);
}

/**
 * Column of output lane i of permutation p within a row (the last full round's post state).
 * @param p permutation index within the row
 * @param i lane 0..15
 * @returns the column index
 */
export function poseidon2OutputColumn(p: number, i: number): number {
  return (p + 1) * POSEIDON2_COLS_PER_PERM - W + i;
}
