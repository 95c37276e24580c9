/**
 * A FRI verifier's arity-2 round (docs/protocol.md §9.5, §9.7) as a small WebAssembly module:
 * the opened row's leaf hash, its Merkle path, the root check and the fold, in one call. Same
 * computation as the generic round of ./verifier.ts (the row, `verifyBatch`, `foldRow` of
 * ./fold.ts), which stays the clear statement and runs wherever this module cannot (no
 * WebAssembly, another arity); test/fri/round-wasm.test.ts checks the two agree.
 *
 * Why: a fresh verifier runs 100 queries x 16 rounds of this for a Fibonacci 2^16 proof, and in
 * JavaScript the round's code runs interpreted until V8 has compiled it (its optimized code is
 * ready only near the end of the verification); a wasm function is compiled when instantiated.
 *
 * The module imports a width-16 Poseidon2 instance's memory and its `sponge` and `compressPath`
 * (src/hash/poseidon2-wasm.ts; each round instance has its own Poseidon2 instance) and uses its
 * page WASM_IMPORTER_PAGE: E the folded value (4 words, canonical), SIB the sibling value, ROW
 * the row, the constants 1/2 and 1 in Montgomery form, GEN the two-adic generators g_0 .. g_27
 * (Montgomery form), per round i its commitment root at ROOTS + 32 i and its beta matrix at
 * BMAT + 64 i, D scratch. The path goes where compressPath reads it (WASM_PATH_SIBS).
 * Like the Poseidon2 module it is small enough (under 4 KB) for browsers to compile synchronously.
 */
import { halve, MONTY_R, mul, P, TWO_ADIC_GENERATORS, TWO_ADICITY } from '../field/babybear.ts';
import { EXT_W } from '../field/ext4.ts';
import type { Poseidon2Perm } from '../hash/poseidon2.ts';
import {
  type Poseidon2WasmConstants,
  SHARED_LOG_NODES,
  WASM_IMPORTER_PAGE,
  WASM_PATH_ACC,
  WASM_PATH_MAX,
  WASM_PATH_SIBS,
  wasmConstantsOf,
  wasmPoseidon2Of,
} from '../hash/poseidon2-wasm.ts';
import type { Digest, Poseidon2Constants } from '../hash/types.ts';
import { MerkleError, MerkleErrorCode } from '../merkle/mmcs.ts';
import {
  BLOCK,
  Body,
  BR_IF,
  CALL,
  END,
  funcCode,
  I32,
  I32_ADD,
  I32_AND,
  I32_EQZ,
  I32_GE_U,
  I32_LT_S,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_SUB,
  I32X4_ALL_TRUE,
  I32X4_EQ,
  I64,
  IF,
  LOOP,
  lazyModule,
  moduleBinary,
  RETURN,
  SELECT,
  section,
  V128_AND,
  VOID,
  vec,
  wasmName,
} from '../wasm/emit.ts';
import { FRI_ROUND_WASM_BASE64 } from '../wasm/modules.generated.ts';

const FRI = WASM_IMPORTER_PAGE;
const FRI_E = FRI;
const FRI_SIB = FRI + 16;
const FRI_ROW = FRI + 32;
const FRI_HALF = FRI + 64;
const FRI_ONE = FRI + 68;
const FRI_GEN = FRI + 128;
const FRI_ROOTS = FRI + 256;
/** The most FRI rounds one verification may have here (global heights are at most 2^27). */
export const WASM_FRI_MAX_ROUNDS = 32;
const FRI_BMAT = FRI_ROOTS + 32 * WASM_FRI_MAX_ROUNDS;
const FRI_D = FRI_BMAT + 64 * WASM_FRI_MAX_ROUNDS;

// Function indices: the imports first.
const F_SPONGE = 0;
const F_COMPRESS_PATH = 1;

/** [a, b] -> a - b mod P for canonical a, b: a + P - b < 2P, then one conditional subtraction. */
function subMod(b: Body, x: number, y: number, s: number): Body {
  b.set(y).set(x).get(x).i32(P).op(I32_ADD).get(y).op(I32_SUB).set(s);
  return b.get(s).i32(P).op(I32_SUB).get(s).get(s).i32(P).op(I32_GE_U, SELECT);
}

/**
 * friRound(i, lh, idx) -> 1, or 0 when the Merkle root differs: one arity-2 round of the FRI
 * verifier (docs/protocol.md §9.5, src/fri/verifier.ts), with the folded value E, the sibling
 * value SIB and the path at WASM_PATH_SIBS (lh digests) in memory. The row is (E, SIB) when idx is
 * even, else (SIB, E); its leaf hash, walked up the path from node idx >> 1 (through the node
 * cache from the level of at most 1024 nodes), must equal root i. Then, with j = idx >> 1 and
 * r = rev_lh(j), s = (1/2) g_(lh+1)^-r (the two-adic power as the product of g_(lh+1-b) over the
 * set bits b of 2^(lh+1) - r), E = (row_0 + row_1) / 2 + (row_0 - row_1) s beta: values stay
 * canonical and every constant is in Montgomery form, so montmul(value, constant) is the plain
 * product; beta's product is d beta_k = sum_i montmul(d_i, BMAT[k][i]), the matrix holding beta_(k-i)
 * for i <= k and 11 beta_(k-i+4) above (X^4 = 11).
 * Locals (i32): 3 scratch, 4 j, 5 r, 6 x, 7 b, 8 t, 9 u, 10 s, 11 k, 12 acc, 13 y, 14 z; 15 i64.
 */
function friRoundBody(): Body {
  const b = new Body();
  const [J, R, X, BIT, T, U, S, K, ACC, Y, Z, T64] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  // The row: E at the even position.
  b.i32(0).i32(FRI_SIB).i32(FRI_E).get(2).i32(1).op(I32_AND, SELECT).vload(0).vstore(FRI_ROW);
  b.i32(0)
    .i32(FRI_E)
    .i32(FRI_SIB)
    .get(2)
    .i32(1)
    .op(I32_AND, SELECT)
    .vload(0)
    .vstore(FRI_ROW + 16);
  b.i32(FRI_ROW).i32(8).i32(WASM_PATH_ACC).op(CALL, F_SPONGE);
  b.get(2).i32(1).op(I32_SHR_U).set(J);
  b.get(1)
    .i32(SHARED_LOG_NODES + 1)
    .op(I32_SUB)
    .set(3);
  b.i32(WASM_PATH_ACC).i32(WASM_PATH_SIBS).get(1).get(J).i32(0).get(3).get(3).i32(0).op(I32_LT_S, SELECT);
  b.op(CALL, F_COMPRESS_PATH);
  b.get(0).i32(5).op(I32_SHL).set(3); // root i at FRI_ROOTS + 32 i
  b.i32(0).vload(WASM_PATH_ACC).get(3).vload(FRI_ROOTS).simd(I32X4_EQ);
  b.i32(0)
    .vload(WASM_PATH_ACC + 16)
    .get(3)
    .vload(FRI_ROOTS + 16)
    .simd(I32X4_EQ)
    .simd(V128_AND);
  b.simd(I32X4_ALL_TRUE).op(I32_EQZ, IF, VOID).i32(0).op(RETURN, END);
  // r = rev_lh(j)
  b.i32(0).set(R).get(1).set(BIT);
  b.code.push(BLOCK, VOID);
  b.get(BIT).op(I32_EQZ, BR_IF, 0);
  b.code.push(LOOP, VOID);
  b.get(R).i32(1).op(I32_SHL).get(J).i32(1).op(I32_AND, I32_OR).set(R);
  b.get(J).i32(1).op(I32_SHR_U).set(J);
  b.get(BIT).i32(1).op(I32_SUB).tee(BIT).op(BR_IF, 0, END, END);
  // t = g_(lh+1)^-r: x = (2^(lh+1) - r) mod 2^(lh+1); t = product of g_(lh+1-b) over x's bits.
  b.i32(1).get(1).i32(1).op(I32_ADD).op(I32_SHL).tee(Y).get(R).op(I32_SUB);
  b.get(Y).i32(1).op(I32_SUB).op(I32_AND).set(X);
  b.i32(0).load(FRI_ONE).set(T).get(1).i32(1).op(I32_ADD).set(BIT); // BIT: the generator index
  b.code.push(BLOCK, VOID);
  b.get(X).op(I32_EQZ, BR_IF, 0);
  b.code.push(LOOP, VOID);
  b.get(X).i32(1).op(I32_AND, IF, VOID);
  b.get(T).get(BIT).i32(2).op(I32_SHL).load(FRI_GEN).montMul(T64, U).set(T);
  b.op(END);
  b.get(BIT).i32(1).op(I32_SUB).set(BIT);
  b.get(X).i32(1).op(I32_SHR_U).tee(X).op(BR_IF, 0, END, END);
  b.get(T).i32(0).load(FRI_HALF).montMul(T64, U).set(S);
  // E_c = (row_c + row_(4+c)) / 2; D_c = (row_c - row_(4+c)) s.
  b.i32(0).set(K);
  b.loop(K, 4, 16, () => {
    b.get(K);
    b.get(K)
      .load(FRI_ROW)
      .get(K)
      .load(FRI_ROW + 16)
      .addMod(Y)
      .i32(0)
      .load(FRI_HALF)
      .montMul(T64, U);
    b.store(FRI_E);
    b.get(K);
    b.get(K)
      .load(FRI_ROW)
      .get(K)
      .load(FRI_ROW + 16);
    subMod(b, Y, Z, U).get(S).montMul(T64, U).store(FRI_D);
  });
  // E_k += sum_i montmul(D_i, BMAT[k][i]) of round i's matrix.
  b.get(0).i32(6).op(I32_SHL).set(3); // round i's matrix at FRI_BMAT + 64 i
  b.i32(0).set(K);
  b.loop(K, 4, 16, () => {
    b.get(K).load(FRI_E).set(ACC);
    for (let i = 0; i < 4; i++) {
      b.get(ACC)
        .i32(0)
        .load(FRI_D + 4 * i);
      b.get(3)
        .get(K)
        .i32(2)
        .op(I32_SHL)
        .op(I32_ADD)
        .load(FRI_BMAT + 4 * i);
      b.montMul(T64, U).addMod(Y).set(ACC);
    }
    b.get(K).get(ACC).store(FRI_E);
  });
  b.i32(1);
  return b;
}

/**
 * The module's bytes (deterministic).
 * @returns a WebAssembly binary importing `p2.memory`, `p2.sponge`, `p2.compressPath` and
 *   exporting `friRound`
 */
export function friRoundWasmBytes(): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])], // 0: sponge
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])], // 1: compressPath
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])], // 2: friRound
  ];
  const imports = [
    [...wasmName('p2'), ...wasmName('memory'), 0x02, 0x00, FRI / 65536 + 1], // memory, min pages up to ours
    [...wasmName('p2'), ...wasmName('sponge'), 0x00, 0],
    [...wasmName('p2'), ...wasmName('compressPath'), 0x00, 1],
  ];
  const code = funcCode(friRoundBody(), [
    [12, I32],
    [1, I64],
  ]);
  return moduleBinary([
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec([[2]])),
    ...section(7, vec([[...wasmName('friRound'), 0x00, 2]])),
    ...section(10, vec([code])),
  ]);
}

/** The compiled module (once per process), or null where WebAssembly is unavailable or refused. */
const moduleOrNull = lazyModule(FRI_ROUND_WASM_BASE64);

/** A FRI verifier's arity-2 rounds in WebAssembly, for one Poseidon2 constant set. */
export interface FriRoundWasm {
  /**
   * Starts a verification: the commitment root and the challenge beta of every round.
   * @throws {RangeError} above WASM_FRI_MAX_ROUNDS rounds or for lists of different lengths
   */
  begin(roots: readonly Digest[], betas: readonly Uint32Array[]): void;
  /** Sets the folded value (4 canonical words) a query starts from. */
  setE(e: Uint32Array): void;
  /** Writes the folded value to out[0 .. 4). */
  getE(out: Uint32Array): void;
  /**
   * Round i of a query (./verifier.ts step 13 with log arity 1): the row of the folded value and
   * `sib` at position idx mod 2 must open root i at node floor(idx / 2) of a tree of 2^lh leaves
   * along `path` (lh flat digests); then the folded value becomes the row folded with beta i.
   * @param i round
   * @param sib the sibling value (4 words)
   * @param path the Merkle path, flat
   * @param lh log2 of the folded height (the tree's height)
   * @param idx the query's index before the round
   * @throws {MerkleError} MERKLE_PATH_LENGTH for a path of another length, MERKLE_ROOT_MISMATCH
   */
  round(i: number, sib: Uint32Array, path: Uint32Array, lh: number, idx: number): void;
}

/**
 * The arity-2 FRI rounds on their own instances of the Poseidon2 module and this one.
 * @param c the width-16 constant set of the Merkle trees
 * @returns the rounds, or null where WebAssembly is unavailable or refused
 */
export function wasmFriRoundOf(c: Poseidon2WasmConstants): FriRoundWasm | null {
  const mod = moduleOrNull();
  const p2 = mod === null ? null : wasmPoseidon2Of(c);
  if (mod === null || p2 === null) return null;
  let run: (i: number, lh: number, idx: number) => number;
  try {
    const inst = new WebAssembly.Instance(mod, { p2: p2.exports });
    run = inst.exports.friRound as (i: number, lh: number, idx: number) => number;
  } catch {
    return null;
  }
  const mem = p2.memory;
  const w = (addr: number): number => addr / 4;
  const mont = (x: number): number => mul(x, MONTY_R);
  mem[w(FRI_HALF)] = mont(halve(1));
  mem[w(FRI_ONE)] = mont(1);
  for (let k = 0; k <= TWO_ADICITY; k++) mem[w(FRI_GEN) + k] = mont(TWO_ADIC_GENERATORS[k]);
  let rounds = 0;
  return {
    begin(roots: readonly Digest[], betas: readonly Uint32Array[]): void {
      if (roots.length !== betas.length || roots.length > WASM_FRI_MAX_ROUNDS)
        throw new RangeError(`friRound: ${roots.length} roots, ${betas.length} challenges`);
      rounds = roots.length;
      for (let i = 0; i < rounds; i++) {
        mem.set(roots[i], w(FRI_ROOTS) + 8 * i);
        // BMAT[k][i] = beta_(k-i) for i <= k, 11 beta_(k-i+4) above (X^4 = 11), Montgomery form.
        const m = w(FRI_BMAT) + 16 * i;
        for (let k = 0; k < 4; k++)
          for (let t = 0; t < 4; t++)
            mem[m + 4 * k + t] = t <= k ? mont(betas[i][k - t]) : mont(mul(EXT_W, betas[i][k - t + 4]));
      }
    },
    setE(e: Uint32Array): void {
      for (let t = 0; t < 4; t++) mem[w(FRI_E) + t] = e[t];
    },
    getE(out: Uint32Array): void {
      for (let t = 0; t < 4; t++) out[t] = mem[w(FRI_E) + t];
    },
    round(i: number, sib: Uint32Array, path: Uint32Array, lh: number, idx: number): void {
      if (!(i >= 0 && i < rounds) || !(lh >= 0 && lh <= WASM_PATH_MAX) || !(idx >= 0 && idx < 2 ** (lh + 1)))
        throw new RangeError(`friRound: round ${i}, height 2^${lh}, index ${idx}`);
      if (!(path instanceof Uint32Array) || path.length !== 8 * lh) {
        throw new MerkleError(
          MerkleErrorCode.pathLength,
          `path has ${path instanceof Uint32Array ? `${path.length / 8} siblings` : 'no sibling array'}, expected ${lh}`,
        );
      }
      for (let t = 0; t < 4; t++) mem[w(FRI_SIB) + t] = sib[t];
      mem.set(path, w(WASM_PATH_SIBS));
      if (run(i, lh, idx) !== 1) throw new MerkleError(MerkleErrorCode.rootMismatch, 'computed root differs');
    },
  };
}

const kernels = new WeakMap<Poseidon2Constants, FriRoundWasm | null>();

/**
 * The (cached) arity-2 FRI rounds for a Merkle permutation's constant set.
 * @param perm the Merkle trees' permutation
 * @returns the rounds, or null for a width other than 16 or where WebAssembly is unavailable
 */
export function friRoundFor(perm: Poseidon2Perm): FriRoundWasm | null {
  const c = perm.constants;
  let k = kernels.get(c);
  if (k === undefined) {
    k = c.width === 16 ? wasmFriRoundOf(wasmConstantsOf(c)) : null;
    kernels.set(c, k);
  }
  return k;
}
