/**
 * The width-16 Poseidon2 permutation as a small WebAssembly module, emitted by the code below
 * (no toolchain dependency; `npm run gen` stores its bytes in src/wasm/modules.generated.ts, which
 * the runtime compiles, and test/wasm/modules.test.ts checks they are current). Same
 * permutation as ./poseidon2.ts (Plonky3/Plonky3:poseidon2/src/{external,internal}.rs,
 * baby-bear/src/poseidon2.rs, v0.6.2), which stays the clear statement; the BigInt reference is
 * test/hash/ref-poseidon2.ts and test/hash/poseidon2-wasm.test.ts checks all three agree.
 *
 * Why: a fresh verifier process hashes ~10,000 single states. In JavaScript the first few hundred
 * run in V8's interpreter (in a fresh Node 20 process the first 500 take 15-18 ms, against 1.7-2.9
 * ms here) and TurboFan compiles the permutation again into every caller it inlines it into. A
 * wasm function is compiled on instantiation (Liftoff; TurboFan tiers it up in the background
 * after a few hundred calls) and cannot be inlined into JavaScript. Warm, one state costs
 * ~0.8 us here (copies included) against ~2.4 us for the step functions and ~1.5 us per state for
 * the generated JavaScript batch kernel. A scalar (i64, no SIMD) form of this module measured
 * 1.7 us: the 128-bit SIMD lanes carry most of the gain.
 *
 * Layout: the state is four vectors v_j = (s_j, s_(4+j), s_(8+j), s_(12+j)), so lane c of v_0..v_3
 * is the c-th 4-chunk: M4 runs on all chunks at once with vector additions, a column sum is the
 * sum of one vector's lanes (two lane rotations), the internal layer's sum is that of all four, and
 * the partial rounds' S-box works on lane 0 of v_0 with scalar code. The JavaScript side writes the
 * state, the full-round constants and the diagonal in this order.
 *
 * Arithmetic: Montgomery form with R = 2^32 (the state is converted on entry and back on exit; the
 * constants are written in Montgomery form by `wasmPoseidon2Of`). montmul(a, b) for a < 2^32 and
 * b < P: t = a b < 2^32 P, m = (t mod 2^32) (-P^-1) mod 2^32, u = (t + m P) / 2^32 < 2P, one
 * conditional subtraction; in vectors, the 64-bit products of lanes 0,1 and 2,3 (i64x2.extmul),
 * the low and high halves gathered by shuffles, and the subtraction as min_u(u, u - P) (u - P
 * wraps above u when u < P). Additions of two canonical values are < 2^32, then the same min_u.
 * Inputs up to 2^32 - 1 are taken mod P by the entry conversion montmul(x, R^2), like the
 * JavaScript path. Every value between steps is canonical, so the output is canonical after the
 * exit conversion montmul(x, 1).
 *
 * Functions: scale(base, k) multiplies the state in memory by k (the conversions); permute(base)
 * the permutation (exported), one loop over the 8 full rounds with the external layer written once,
 * the full rounds' S-box written once inline (a loop over the four vectors), and the 13 partial
 * rounds entered at round 4.
 *
 * Memory (PAGES pages, declared by the module, never grown, so a view on it stays valid), byte
 * offsets: initial full-round constants 0..256 and terminal 256..512 (round k's four vectors at
 * 64 k), internal constants 512..564, internal diagonal 576..640, the state 640..704 (and the
 * further states of a batch up to the end of the first page); page 1: a Merkle path's running
 * digest at 65536, its siblings from 65600 (WASM_PATH_MAX of them), then a leaf hash's input;
 * page 2 is left to modules that import this memory (src/fri/round-wasm.ts); from page 3 the node
 * cache.
 *
 * Merkle paths: `compressPath` compresses a running digest along a path's siblings in one call
 * (each level compress(acc, sib) or compress(sib, acc) by the index bit, through the node cache
 * from a given level), and `sponge` leaf-hashes a row, so a verifier's opening costs two crossings
 * into wasm and no JavaScript per level.
 *
 * The module is ~3.4 KB: browsers compile it synchronously (Chromium refuses synchronous
 * compilation above 4 KB on the main thread; test/hash/poseidon2-wasm.test.ts checks the size).
 * Where WebAssembly or its SIMD instructions (Chrome 91, Firefox 89, Safari 16.4, every Node this
 * package supports) are missing, or compilation is forbidden (a Content-Security-Policy without
 * 'wasm-unsafe-eval'), `wasmPoseidon2Of` returns null and callers keep the JavaScript permutation.
 */
import { MONTY_R, mul } from '../field/babybear.ts';
import {
  BLOCK,
  Body,
  BR,
  BR_IF,
  CALL,
  ELSE,
  END,
  funcCode,
  I32,
  I32_ADD,
  I32_AND,
  I32_EQ,
  I32_EQZ,
  I32_GT_S,
  I32_MUL,
  I32_SHL,
  I32_SHR_U,
  I32_SUB,
  I32_XOR,
  I32X4_ALL_TRUE,
  I32X4_EQ,
  I32X4_EXTRACT_LANE,
  I32X4_REPLACE_LANE,
  I32X4_SPLAT,
  I64,
  IF,
  LOOP,
  lazyModule,
  moduleBinary,
  RETURN,
  SELECT,
  section,
  type V,
  V128,
  V128_AND,
  VOID,
  vec,
  wasmName,
} from '../wasm/emit.ts';
import { POSEIDON2_WASM_BASE64 } from '../wasm/modules.generated.ts';
import type { Poseidon2Perm } from './poseidon2.ts';
import { INTERNAL_DIAG_16 } from './poseidon2-constants.ts';
import type { Poseidon2Constants } from './types.ts';

// Memory layout (PAGES pages, never grown), byte offsets: the constants, then the state.
const RC_INIT = 0;
const RC_TERM = 256;
const RC_INT = 512;
const DIAG = 576;
const STATE = 640;
/** The most states one call into the module permutes: those that fit from STATE to the page end. */
export const WASM_BATCH_MAX: number = (65536 - STATE) / 64;
// The second page holds Merkle path work: the running digest, then up to PATH_MAX siblings.
const PATH_ACC = 65536;
const PATH_SIBS = PATH_ACC + 64;
/**
 * The most path levels one call into the module compresses: the index bits of 30 levels fit an
 * i32 whatever the index (any safe integer), and real paths are shorter (heights up to 2^27).
 */
export const WASM_PATH_MAX = 30;
/**
 * Merkle levels of at most 2^SHARED_LOG_NODES nodes are where a verifier's queries share nodes
 * (src/merkle/mmcs.ts): friRound sends them through the node cache, as verifyBatch does.
 */
export const SHARED_LOG_NODES = 10;
// After the siblings, up to the end of page 2: the input of a leaf hash.
const SPONGE_IN = PATH_SIBS + 32 * WASM_PATH_MAX;
/** The most elements one call into the module leaf-hashes (SPONGE_IN to the end of page 2). */
export const WASM_SPONGE_MAX: number = (2 * 65536 - SPONGE_IN) / 4;
/**
 * The node cache (pages 2 ..): NODE_CACHE_SLOTS entries of 128 bytes, direct-mapped by the low
 * bits of left[0] xor right[1]. An entry: left (8 words), right (8), compress(left, right) (8),
 * a valid word; it is used only when both inputs equal the stored ones word for word.
 */
const NODE_CACHE = 3 * 65536;
/** Entries in the node cache (a power of two). */
export const NODE_CACHE_SLOTS = 8192;
const PAGES = 3 + (NODE_CACHE_SLOTS * 128) / 65536;
/**
 * Byte address of page 2, which this module leaves to modules that import its memory and
 * functions (src/fri/round-wasm.ts); 64 KiB.
 */
export const WASM_IMPORTER_PAGE: number = 2 * 65536;
/** Byte addresses of compressPath's running digest and its siblings (for importing modules). */
export const WASM_PATH_ACC: number = PATH_ACC;
export const WASM_PATH_SIBS: number = PATH_SIBS;

const R2 = mul(MONTY_R, MONTY_R);

// Function indices.
const F_SCALE = 0;
const F_PERMUTE = 1;
const F_PERMUTE_MANY = 2;
const F_COMPRESS = 3;
const F_COMPRESS_PATH = 4;
const F_COMPRESS_CACHED = 5;
const F_SPONGE = 6;

/** The seven v128 locals the vector helpers use, from local `first`. */
const vLocals = (first: number): V => ({
  p: first,
  n: first + 1,
  s: first + 2,
  a: first + 3,
  b: first + 4,
  lo: first + 5,
  hi: first + 6,
});

/** scale(base, k): the four vectors at base multiplied by k lane-wise (Montgomery conversions). */
function scaleBody(): Body {
  const b = new Body();
  const v = vLocals(3); // 0 base, 1 k, 2 end (i32); 3.. v128
  b.get(0).i32(64).op(I32_ADD).set(2);
  b.splats(v);
  b.loopTo(0, 16, 2, () => {
    b.get(0);
    b.get(0).vload(0).get(1).simd(I32X4_SPLAT).mul4(v);
    b.vstore(0);
  });
  return b;
}

/**
 * The permutation of the state at byte address base (param 0), held as four vectors v_j = (s_j,
 * s_4+j, s_8+j, s_12+j): lane c of v_0..v_3 is the c-th 4-chunk, so M4 runs on all four chunks at
 * once and a column sum is the sum of one vector's lanes. The round loop runs k = 0..8: the
 * external layer, then (k < 8) the constants of round k at byte 64 k (RC_INIT then RC_TERM), the
 * S-box; the 13 partial rounds run at k = 4. i32 locals: 1 k, 2 r, 3 s0, 4 x2, 5 x3, 6 u;
 * i64: 7 t; v128: 8..11 v_0..v_3, 12.. V, then 19..23 M4 temporaries.
 */
function permuteBody(): Body {
  const b = new Body();
  const vs = [8, 9, 10, 11];
  const v = vLocals(12);
  const [t01, t23, t0123, t01123, t01233] = [19, 20, 21, 22, 23];
  b.get(0).i32(R2).op(CALL, F_SCALE); // to Montgomery form: x R^2 / R = x R mod P, any u32 x
  b.splats(v);
  for (let j = 0; j < 4; j++)
    b.get(0)
      .vload(16 * j)
      .set(vs[j]);
  const add = (x: number, y: number, into: number): void => {
    b.get(x).get(y).add4(v).set(into);
  };
  b.i32(0).set(1);
  b.code.push(BLOCK, VOID, LOOP, VOID);
  // External layer: M4 on the chunks, then each vector plus the sum of its lanes.
  add(vs[0], vs[1], t01);
  add(vs[2], vs[3], t23);
  add(t01, t23, t0123);
  add(t0123, vs[1], t01123);
  add(t0123, vs[3], t01233);
  add(vs[0], vs[0], vs[0]);
  add(t01233, vs[0], vs[3]); // 3a + b + c + 2d
  add(vs[2], vs[2], vs[2]);
  add(t01123, vs[2], vs[1]); // a + 2b + 3c + d
  add(t01123, t01, vs[0]); // 2a + 3b + c + d
  add(t01233, t23, vs[2]); // a + b + 2c + 3d
  for (const x of vs) b.get(x).get(x).hsum4(v, v.a).add4(v).set(x);
  b.get(1).i32(8).op(I32_EQ, BR_IF, 1);
  b.get(1).i32(4).op(I32_EQ, IF, VOID);
  // 13 partial rounds: s0 = sbox(s0 + rc) on lane 0 of v_0, then s_i = sum + diag_i s_i.
  b.i32(0).set(2);
  b.loop(2, 1, 13, () => {
    b.get(vs[0]).get(vs[0]).simd(I32X4_EXTRACT_LANE);
    b.code.push(0);
    b.get(2).i32(4).op(I32_MUL).load(RC_INT).addMod(3).sbox(3, 4, 5, 7, 6);
    b.simd(I32X4_REPLACE_LANE);
    b.code.push(0);
    b.set(vs[0]);
    b.get(vs[0]).get(vs[1]).add4(v).get(vs[2]).get(vs[3]).add4(v).add4(v).hsum4(v, v.a).set(t01);
    for (let j = 0; j < 4; j++) {
      b.get(t01)
        .i32(0)
        .vload(DIAG + 16 * j)
        .get(vs[j])
        .mul4(v)
        .add4(v)
        .set(vs[j]);
    }
  });
  b.code.push(END);
  // Full round k: constants, S-box, on the vectors spilled to base (one loop over the four, so
  // the S-box is written once, inline: Liftoff, V8's first wasm tier, does not inline calls):
  // x = v_j + rc (round k's vector j at byte 64 k + 16 j), x2 = x x, x3 = x2 x, x^7 = x2 x2 x3.
  for (let j = 0; j < 4; j++)
    b.get(0)
      .get(vs[j])
      .vstore(16 * j);
  b.i32(0).set(2);
  b.loop(2, 16, 64, () => {
    b.get(0).get(2).op(I32_ADD);
    b.get(0).get(2).op(I32_ADD).vload(0);
    b.get(1).i32(64).op(I32_MUL).get(2).op(I32_ADD).vload(0).add4(v);
    b.tee(t01).get(t01).mul4(v).tee(t23).get(t01).mul4(v).set(t0123);
    b.get(t23).get(t23).mul4(v).get(t0123).mul4(v).vstore(0);
  });
  for (let j = 0; j < 4; j++)
    b.get(0)
      .vload(16 * j)
      .set(vs[j]);
  b.get(1).i32(1).op(I32_ADD).set(1).op(BR, 0, END, END);
  for (let j = 0; j < 4; j++)
    b.get(0)
      .get(vs[j])
      .vstore(16 * j);
  b.get(0).i32(1).op(CALL, F_SCALE); // back to canonical form
  return b;
}

/** permuteMany(base, count >= 1): permute(base), permute(base + 64), ... count states. */
function permuteManyBody(): Body {
  const b = new Body();
  b.code.push(LOOP, VOID);
  b.get(0).op(CALL, F_PERMUTE);
  b.get(0).i32(64).op(I32_ADD).set(0);
  b.get(1).i32(1).op(I32_SUB).tee(1).op(BR_IF, 0, END);
  return b;
}

/**
 * Writes the state's first 8 elements (the digest) to the 8 words at the address in local `out`:
 * element j at STATE + 16 j, element 4 + j at STATE + 16 j + 4 (the vector layout).
 */
function digestOut(b: Body, out: number): Body {
  for (let j = 0; j < 4; j++) {
    b.get(out)
      .i32(0)
      .load(STATE + 16 * j)
      .store(4 * j);
    b.get(out)
      .i32(0)
      .load(STATE + 16 * j + 4)
      .store(16 + 4 * j);
  }
  return b;
}

/**
 * compress(out, left, right): the digest at out = Perm16(left || right)[0..8) (TruncatedPermutation,
 * docs/protocol.md §4.2), digests as 8 words in natural order at byte addresses. All 16 inputs are
 * read into the state before out is written, so out may alias left or right. Element i of the
 * state sits at word 4 (i mod 4) + floor(i / 4) (see permuteBody): left[j] at STATE + 16 j,
 * left[4 + j] at + 4, right[j] at + 8, right[4 + j] at + 12.
 */
function compressBody(): Body {
  const b = new Body();
  for (let j = 0; j < 4; j++) {
    b.i32(0)
      .get(1)
      .load(4 * j)
      .store(STATE + 16 * j);
    b.i32(0)
      .get(1)
      .load(16 + 4 * j)
      .store(STATE + 16 * j + 4);
    b.i32(0)
      .get(2)
      .load(4 * j)
      .store(STATE + 16 * j + 8);
    b.i32(0)
      .get(2)
      .load(16 + 4 * j)
      .store(STATE + 16 * j + 12);
  }
  b.i32(STATE).op(CALL, F_PERMUTE);
  return digestOut(b, 0);
}

/**
 * compressCached(out, left, right): compress through the node cache. A hit (valid entry, both
 * inputs equal word for word) copies the stored result; a miss stores the inputs (before out,
 * which may alias them, is written), compresses, and stores the result. Local 3: the entry.
 */
function compressCachedBody(): Body {
  const b = new Body();
  b.get(1).load(0).get(2).load(4).op(I32_XOR);
  b.i32(NODE_CACHE_SLOTS - 1)
    .op(I32_AND)
    .i32(7)
    .op(I32_SHL)
    .i32(NODE_CACHE)
    .op(I32_ADD)
    .set(3);
  b.code.push(BLOCK, VOID);
  b.get(3).load(96).op(I32_EQZ, BR_IF, 0);
  b.get(1).vload(0).get(3).vload(0).simd(I32X4_EQ);
  b.get(1).vload(16).get(3).vload(16).simd(I32X4_EQ).simd(V128_AND);
  b.get(2).vload(0).get(3).vload(32).simd(I32X4_EQ).simd(V128_AND);
  b.get(2).vload(16).get(3).vload(48).simd(I32X4_EQ).simd(V128_AND);
  b.simd(I32X4_ALL_TRUE).op(I32_EQZ, BR_IF, 0);
  b.get(0).get(3).vload(64).vstore(0);
  b.get(0).get(3).vload(80).vstore(16);
  b.op(RETURN, END);
  b.get(3).get(1).vload(0).vstore(0);
  b.get(3).get(1).vload(16).vstore(16);
  b.get(3).get(2).vload(0).vstore(32);
  b.get(3).get(2).vload(16).vstore(48);
  b.get(0).get(1).get(2).op(CALL, F_COMPRESS);
  b.get(3).get(0).vload(0).vstore(64);
  b.get(3).get(0).vload(16).vstore(80);
  b.get(3).i32(1).store(96);
  return b;
}

/**
 * compressPath(acc, sibs, levels, index, cacheFrom): for each of `levels` siblings at sibs,
 * sibs + 32, ...: acc = compress(acc, sib) when index is even, compress(sib, acc) when odd, then
 * index >>= 1 (a Merkle path from a node towards the root); the levels from the cacheFrom-th on
 * go through the node cache. levels = 0 leaves acc unchanged. Locals: 5 left, 6 right.
 */
function compressPathBody(): Body {
  const b = new Body();
  b.code.push(BLOCK, VOID);
  b.get(2).op(I32_EQZ, BR_IF, 0);
  b.code.push(LOOP, VOID);
  b.get(1).get(0).get(3).i32(1).op(I32_AND, SELECT).set(5); // left: odd index -> the sibling
  b.get(0).get(1).get(3).i32(1).op(I32_AND, SELECT).set(6); // right: odd index -> acc
  b.get(4).i32(0).op(I32_GT_S, IF, VOID);
  b.get(0).get(5).get(6).op(CALL, F_COMPRESS);
  b.op(ELSE);
  b.get(0).get(5).get(6).op(CALL, F_COMPRESS_CACHED);
  b.op(END);
  b.get(4).i32(1).op(I32_SUB).set(4);
  b.get(1).i32(32).op(I32_ADD).set(1);
  b.get(3).i32(1).op(I32_SHR_U).set(3);
  b.get(2).i32(1).op(I32_SUB).tee(2).op(BR_IF, 0, END, END);
  return b;
}

/**
 * sponge(in, len, out): PaddingFreeSponge<16, 8, 8> (docs/protocol.md §4.1) of the len words at
 * in, digest to the 8 words at out: the state starts at zero; each input word overwrites state
 * element pos (at STATE + 16 (pos mod 4) + 4 floor(pos / 4), the vector layout), and at pos = 8
 * the state is permuted and pos = 0; a partly filled last block is permuted too; len = 0 gives
 * eight zeros. Locals: 3 pos.
 */
function spongeBody(): Body {
  const b = new Body();
  for (let j = 0; j < 4; j++)
    b.i32(0)
      .i32(0)
      .simd(I32X4_SPLAT)
      .vstore(STATE + 16 * j);
  b.code.push(BLOCK, VOID);
  b.get(1).op(I32_EQZ, BR_IF, 0);
  b.code.push(LOOP, VOID);
  b.get(3).i32(3).op(I32_AND).i32(4).op(I32_SHL).get(3).i32(2).op(I32_SHR_U).i32(2).op(I32_SHL).op(I32_ADD);
  b.get(0).load(0).store(STATE);
  b.get(0).i32(4).op(I32_ADD).set(0);
  b.get(3).i32(1).op(I32_ADD).tee(3).i32(8).op(I32_EQ, IF, VOID);
  b.i32(STATE).op(CALL, F_PERMUTE).i32(0).set(3);
  b.op(END);
  b.get(1).i32(1).op(I32_SUB).tee(1).op(BR_IF, 0, END, END);
  b.get(3).op(IF, VOID).i32(STATE).op(CALL, F_PERMUTE).op(END);
  return digestOut(b, 2);
}

/**
 * The module's bytes (deterministic; test/hash/poseidon2-wasm.test.ts decodes them).
 * @returns a WebAssembly binary exporting `memory` and `permute`
 */
export function poseidon2WasmBytes(): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, ...vec([[I32], [I32]]), ...vec([])], // 0: (i32, i32) -> ()
    [0x60, ...vec([[I32]]), ...vec([])], // 1: (i32) -> ()
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])], // 2: (i32, i32, i32) -> ()
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])], // 3: (i32 x 5) -> ()
  ];
  // scale, permute, permuteMany, compress, compressPath, compressCached, sponge
  const funcs = [0, 1, 0, 2, 3, 2, 2];
  const codes = [
    funcCode(scaleBody(), [
      [1, I32],
      [7, V128],
    ]),
    funcCode(permuteBody(), [
      [6, I32],
      [1, I64],
      [16, V128],
    ]),
    funcCode(permuteManyBody(), []),
    funcCode(compressBody(), []),
    funcCode(compressPathBody(), [[2, I32]]),
    funcCode(compressCachedBody(), [[1, I32]]),
    funcCode(spongeBody(), [[1, I32]]),
  ];
  return moduleBinary([
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((f) => [f]))),
    ...section(5, vec([[0x00, PAGES]])), // memory 0: min PAGES pages, no max
    ...section(
      7,
      vec([
        [...wasmName('memory'), 0x02, 0],
        [...wasmName('permute'), 0x00, F_PERMUTE],
        [...wasmName('permuteMany'), 0x00, F_PERMUTE_MANY],
        [...wasmName('compressPath'), 0x00, F_COMPRESS_PATH],
        [...wasmName('sponge'), 0x00, F_SPONGE],
      ]),
    ),
    ...section(10, vec(codes)),
  ]);
}

/** The compiled module (once per process), or null where WebAssembly is unavailable or refused. */
const moduleOrNull = lazyModule(POSEIDON2_WASM_BASE64);

/** The round constants of one width-16 constant set, canonical, as the JavaScript path holds them. */
export interface Poseidon2WasmConstants {
  /** 4 x 16 initial external round constants, row-major. */
  readonly rcInit: Uint32Array;
  /** 4 x 16 terminal external round constants, row-major. */
  readonly rcTerm: Uint32Array;
  /** 13 internal round constants. */
  readonly rcInt: Uint32Array;
  /** The 16 internal diagonal entries. */
  readonly diag: Uint32Array;
}

/** One module instance holding one constant set. */
export interface Poseidon2Wasm {
  /**
   * The instance's exports, for a module that imports them (src/fri/round-wasm.ts): its memory
   * (page WASM_IMPORTER_PAGE is the importer's), `sponge(in, len, out)` and
   * `compressPath(acc, sibs, levels, index, cacheFrom)` on byte addresses.
   */
  readonly exports: WebAssembly.Exports;
  /** Permutes state[offset .. offset + 16) in place (words up to 2^32 - 1, taken mod P). */
  permute(state: Uint32Array, offset: number): void;
  /** Permutes count >= 0 consecutive states from offset in place, WASM_BATCH_MAX per call into wasm. */
  permuteMany(states: Uint32Array, offset: number, count: number): void;
  /**
   * acc = the Merkle path compression of acc along siblings[from .. to) (Poseidon2Perm.compressPath).
   * @throws {RangeError} when siblings[8 from .. 8 to) is out of range or index is not a
   *   non-negative safe integer
   */
  readonly compressPath: Poseidon2Perm['compressPath'];
  /**
   * out[outOff .. + 8) = the leaf hash of the concatenation of rows (Poseidon2Perm.hashConcat), in
   * one call; false (nothing written) when the rows hold more than WASM_SPONGE_MAX elements.
   */
  hashConcat(rows: readonly Uint32Array[], out: Uint32Array, outOff: number): boolean;
  /**
   * The instance's memory as words: constants in Montgomery form at WASM_WORDS (tests overwrite
   * one to show a wrong constant is caught). Never grown, so the view stays valid.
   */
  readonly memory: Uint32Array;
}

/** Word offsets of the constants in `Poseidon2Wasm.memory`. */
export const WASM_WORDS: {
  readonly rcInit: number;
  readonly rcTerm: number;
  readonly rcInt: number;
  readonly diag: number;
} = { rcInit: RC_INIT / 4, rcTerm: RC_TERM / 4, rcInt: RC_INT / 4, diag: DIAG / 4 };

/**
 * The module's view of a width-16 constant set (what the Poseidon2 class holds as well).
 * @param c a width-16 constant set
 * @returns its round constants flat and the internal diagonal
 * @throws {RangeError} for another width
 */
export function wasmConstantsOf(c: Poseidon2Constants): Poseidon2WasmConstants {
  if (c.width !== 16) throw new RangeError(`the wasm permutation has width 16, not ${c.width}`);
  return {
    rcInit: Uint32Array.from(c.externalInitial.flat()),
    rcTerm: Uint32Array.from(c.externalTerminal.flat()),
    rcInt: Uint32Array.from(c.internal),
    diag: Uint32Array.from(INTERNAL_DIAG_16),
  };
}

/**
 * A width-16 permutation backed by its own instance of the (shared, compiled once) module.
 * @param c the constant set (canonical values)
 * @returns the instance, or null where WebAssembly is unavailable or refused
 */
export function wasmPoseidon2Of(c: Poseidon2WasmConstants): Poseidon2Wasm | null {
  const mod = moduleOrNull();
  if (mod === null) return null;
  let inst: WebAssembly.Instance;
  try {
    inst = new WebAssembly.Instance(mod, {});
  } catch {
    return null;
  }
  const ex = inst.exports as {
    memory: WebAssembly.Memory;
    permute: (base: number) => void;
    permuteMany: (base: number, count: number) => void;
    compressPath: (acc: number, sibs: number, levels: number, index: number, cacheFrom: number) => void;
    sponge: (input: number, len: number, out: number) => void;
  };
  const mem = new Uint32Array(ex.memory.buffer);
  // Full-round constants and the diagonal in the state's vector order: element i of a row of 16
  // at word 4 (i mod 4) + floor(i / 4), like the state (see permuteBody).
  const put = (at: number, xs: Uint32Array, vectors: boolean): void => {
    for (let i = 0; i < xs.length; i++) {
      const w = vectors ? (i & ~15) + 4 * (i & 3) + ((i >> 2) & 3) : i;
      mem[at / 4 + w] = mul(xs[i], MONTY_R);
    }
  };
  put(RC_INIT, c.rcInit, true);
  put(RC_TERM, c.rcTerm, true);
  put(RC_INT, c.rcInt, false);
  put(DIAG, c.diag, true);
  const run = ex.permute;
  const runMany = ex.permuteMany;
  const runPath = ex.compressPath;
  const runSponge = ex.sponge;
  const spongeAt = SPONGE_IN / 4;
  const at = STATE / 4;
  const accAt = PATH_ACC / 4;
  const sibsAt = PATH_SIBS / 4;
  return {
    exports: inst.exports,
    memory: mem,
    permute(state: Uint32Array, offset: number): void {
      for (let i = 0; i < 16; i++) mem[at + 4 * (i & 3) + (i >> 2)] = state[offset + i];
      run(STATE);
      for (let i = 0; i < 16; i++) state[offset + i] = mem[at + 4 * (i & 3) + (i >> 2)];
    },
    permuteMany(states: Uint32Array, offset: number, count: number): void {
      for (let done = 0; done < count; done += WASM_BATCH_MAX) {
        const n = Math.min(WASM_BATCH_MAX, count - done);
        const from = offset + 16 * done;
        for (let k = 0; k < n; k++)
          for (let i = 0; i < 16; i++) mem[at + 16 * k + 4 * (i & 3) + (i >> 2)] = states[from + 16 * k + i];
        runMany(STATE, n);
        for (let k = 0; k < n; k++)
          for (let i = 0; i < 16; i++) states[from + 16 * k + i] = mem[at + 16 * k + 4 * (i & 3) + (i >> 2)];
      }
    },
    compressPath(
      acc: Uint32Array,
      siblings: Uint32Array,
      from: number,
      to: number,
      index: number,
      cacheFrom: number,
    ): void {
      if (!Number.isSafeInteger(index) || index < 0)
        throw new RangeError(`compressPath: index ${index} is not a non-negative safe integer`);
      if (
        !(
          Number.isInteger(from) &&
          Number.isInteger(to) &&
          from >= 0 &&
          from <= to &&
          8 * to <= siblings.length
        )
      )
        throw new RangeError(
          `compressPath: siblings ${from}..${to} outside a path of ${siblings.length / 8}`,
        );
      for (let j = 0; j < 8; j++) mem[accAt + j] = acc[j];
      let idx = index;
      for (let i0 = from; i0 < to; i0 += WASM_PATH_MAX) {
        const n = Math.min(WASM_PATH_MAX, to - i0);
        mem.set(siblings.subarray(8 * i0, 8 * (i0 + n)), sibsAt);
        const cf = Math.max(0, Math.min(n, cacheFrom - i0));
        runPath(PATH_ACC, PATH_SIBS, n, idx % 2 ** WASM_PATH_MAX, cf);
        idx = Math.floor(idx / 2 ** n);
      }
      for (let j = 0; j < 8; j++) acc[j] = mem[accAt + j];
    },
    hashConcat(rows: readonly Uint32Array[], out: Uint32Array, outOff: number): boolean {
      let len = 0;
      for (let m = 0; m < rows.length; m++) len += rows[m].length;
      if (len > WASM_SPONGE_MAX) return false;
      let at2 = spongeAt;
      for (let m = 0; m < rows.length; m++) {
        mem.set(rows[m], at2);
        at2 += rows[m].length;
      }
      runSponge(SPONGE_IN, len, PATH_ACC);
      for (let j = 0; j < 8; j++) out[outOff + j] = mem[accAt + j];
      return true;
    },
  };
}
