/**
 * Poseidon2 permutation over BabyBear, widths 16 and 24, S-box x^7, 4 + 4 full rounds and
 * 13 / 21 partial rounds (docs/protocol.md §3). Mirrors Plonky3/Plonky3:poseidon2/src/{lib,external,
 * internal}.rs and baby-bear/src/poseidon2.rs (v0.6.2): external layer = the [2,3,1,1] circulant
 * M4 on each 4-chunk plus the column sums; internal layer = all-ones + diag(V).
 *
 * The round constants are configuration (docs/protocol.md §3.5): `createPoseidon2(constants)` builds a permutation
 * for one constant set; `POSEIDON2_CONSTANT_SETS` names the sets our presets may use, and
 * `constantSetDigest` gives each a stable identifier for the configuration digest.
 *
 * Two JavaScript paths compute the same permutation. `permute` permutes one state with small step functions
 * (width 16 takes its partial rounds from the generated kernel, on locals with the diagonal
 * applied by shifts; width 24 and `permuteTraced` use the generic step functions); V8 optimizes these within a few thousand calls,
 * which keeps a fresh verifier fast. `permuteMany` permutes a batch: from KERNEL_MIN_BATCH states
 * on it runs the generated width-16 kernel ./poseidon2-kernel16.ts (rounds on 16 locals, lazily
 * reduced S-box products: about 1.5x the throughput once optimized, but slower to optimize).
 * Leaf hashing (`hashRows`), Merkle layers (`compressLayer`) and grinding batch their states;
 * single-state hashing (`hashConcat`, `compressInto`, the challenger's duplex) takes `permute`.
 * The clear statement of the permutation is the BigInt reference test/hash/ref-poseidon2.ts;
 * test/hash/poseidon2.test.ts and test/hash/poseidon2-wasm.test.ts check every path against it.
 *
 * Width 16 runs in WebAssembly where the runtime allows it (./poseidon2-wasm.ts, 128-bit SIMD):
 * `permute` and `permuteMany` alike, i.e. Merkle paths in the verifier, the challenger,
 * `hashConcat`, leaf hashing, Merkle layers and grinding. Why: a fresh verifier hashes ~8,900
 * single states, and the step functions start in V8's interpreter (in a fresh Node 20 process the
 * first 500 permutations take 15-18 ms, against 1.7-2.9 ms in wasm) and TurboFan compiles them
 * again into each caller it inlines them into, while wasm is compiled on instantiation (~2 ms for
 * module and instance, the module once per process, an instance per constant set). Warm it is
 * faster too (bench/hash.bench.ts machine, Node 20, 4096 states): ~0.8 us per state, single or
 * batched, against 2.3-2.7 us for the step functions and 1.5 us for the batch kernel. Where
 * WebAssembly or SIMD is missing or compilation is refused (construction throws, e.g. a
 * Content-Security-Policy without 'wasm-unsafe-eval'), the JavaScript paths above run;
 * `createPoseidon2(c, { wasm: false })` forces them and `{ wasm: true }` insists on the module
 * (tests compare the two).
 *
 * Invariants: neither path allocates or uses BigInt; outputs are canonical (inputs up to
 * 2^32 - 1 are taken mod P by the first linear layer).
 */
import { P } from '../field/babybear.ts';
import {
  INTERNAL_DIAG_16,
  INTERNAL_DIAG_24,
  POSEIDON2_DEFAULT_16,
  POSEIDON2_SMALLRNG_SEED1_16,
} from './poseidon2-constants.ts';
import { partialRounds16, permute16 } from './poseidon2-kernel16.ts';
import { NODE_CACHE_SLOTS, type Poseidon2Wasm, wasmPoseidon2Of } from './poseidon2-wasm.ts';
import { spongeConcat } from './sponge.ts';
import type { Poseidon2Constants } from './types.ts';

/** Full rounds on each side of the partial rounds. */
export const HALF_FULL_ROUNDS = 4;

/**
 * Batches of at least this many width-16 states run the generated kernel; smaller ones run
 * `permute`. In a fresh process the small step functions reach full speed sooner: 8000
 * permutations from a cold start took 80-155 ms with `permute` against 130-280 ms with the
 * kernel (same-machine A/B, loaded 2-core x86-64, Node 20), and single states are what a
 * verifier hashes. Steady-state rates of both are in bench/hash.bench.ts.
 */
export const KERNEL_MIN_BATCH = 8;

/** A Poseidon2 permutation for one width and one constant set. */
export interface Poseidon2Perm {
  /** State width (16 or 24). */
  readonly width: number;
  /** The constant set this permutation was built from. */
  readonly constants: Poseidon2Constants;
  /**
   * Permutes `state[offset .. offset + width)` in place (one state: WebAssembly for width 16 where
   * available, else small step functions).
   * @param state canonical elements
   * @param offset start of the state inside `state` (default 0)
   */
  permute(state: Uint32Array, offset?: number): void;
  /**
   * Permutes `count` consecutive states `states[offset + k * width ..)` in place; each result
   * equals `permute`'s. Width 16 runs in WebAssembly where available, else from KERNEL_MIN_BATCH
   * states on the generated kernel.
   * @param states canonical elements (u32 inputs are taken mod P)
   * @param offset start of the first state
   * @param count number of states
   */
  permuteMany(states: Uint32Array, offset: number, count: number): void;
  /**
   * Width 16: walks a Merkle path from a node towards the root. For i = from .. to - 1, with
   * b the lowest bit of the node index (index, then index >> 1, ...):
   * acc = compress(acc, siblings[i]) when b = 0, compress(siblings[i], acc) when b = 1, where
   * compress(l, r) = Perm16(l || r)[0..8) (TruncatedPermutation, docs/protocol.md §4.2). One
   * call into WebAssembly for the whole path where available, else `permute` per level.
   * The levels i >= cacheFrom go through a node cache: a direct-mapped table of recent
   * compressions, keyed by their inputs and used only when both inputs equal the stored ones
   * word for word, so the result is the same with or without it (a verifier's queries share the
   * nodes near the root; pass Infinity where nothing is shared).
   * @param acc the 8-element running digest, updated in place
   * @param siblings the path's digests, flat: sibling i is siblings[8i .. 8i + 8)
   * @param from first sibling
   * @param to one past the last sibling
   * @param index the node index at level `from` (a non-negative safe integer)
   * @param cacheFrom the first sibling whose compression goes through the node cache
   * @throws {RangeError} for width 24, siblings[8 from .. 8 to) out of range, or an index that is
   *   not a non-negative safe integer
   */
  compressPath(
    acc: Uint32Array,
    siblings: Uint32Array,
    from: number,
    to: number,
    index: number,
    cacheFrom: number,
  ): void;
  /**
   * Width 16: the leaf hash (PaddingFreeSponge, rate 8, overwrite mode, docs/protocol.md §4.1)
   * of the concatenation of rows, into out[outOff .. outOff + 8). One call into WebAssembly where
   * available (inputs up to WASM_SPONGE_MAX elements), else ./sponge.ts `spongeConcat`.
   * @param rows canonical row slices, in hashing order
   * @param out digest buffer
   * @param outOff offset in `out`
   * @throws {RangeError} for width 24
   */
  hashConcat(rows: readonly Uint32Array[], out: Uint32Array, outOff: number): void;
}

// Hot-path notes. Every helper here is void and takes only arrays and small integers: a
// non-inlined function returning a double above 2^30 boxes it in a heap number, which measured
// several times slower. So multiplications and reductions are written out in place:
//   mul:    the double estimate e of a*b/P (a*b < 2^62) is within 2^-20 of the truth, so
//           q = trunc(e - 2^-18) is floor(a*b/P) or one less and r = a*b - q*P lies in [0, 2P);
//           t = r - P in [-P, P) is exact in int32 (imul wraps mod 2^32), and t + (P & (t >> 31))
//           is the canonical result (STYLE.md `mul`, with a biased quotient: one correction);
//   reduce: for an integer-valued double |t| < 2^37, r = t - floor(t/P)*P is off by at most one P
//           (only at exact multiples), then one conditional correction.
// The clear statement of each step is the BigInt reference test/hash/ref-poseidon2.ts.

/** External linear layer E (docs/protocol.md §3.2) on s[o .. o+w): M4 on each 4-chunk plus the column sums. */
function externalLinear(s: Uint32Array, o: number, w: number): void {
  // Local constants: module bindings are reloaded and type-checked on every use in optimized code.
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let k = o; k < o + w; k += 4) {
    t0 += s[k];
    t1 += s[k + 1];
    t2 += s[k + 2];
    t3 += s[k + 3];
  }
  // M4 is linear, so the column sums of the M4 outputs are M4 * (t0..t3). t_k < 6P, u_k < 42P,
  // M4 output + u_k < 49P < 2^37.
  const u0 = 2 * t0 + 3 * t1 + t2 + t3;
  const u1 = t0 + 2 * t1 + 3 * t2 + t3;
  const u2 = t0 + t1 + 2 * t2 + 3 * t3;
  const u3 = 3 * t0 + t1 + t2 + 2 * t3;
  let t = 0;
  let r = 0;
  for (let k = o; k < o + w; k += 4) {
    const a = s[k];
    const b = s[k + 1];
    const c = s[k + 2];
    const d = s[k + 3];
    t = 2 * a + 3 * b + c + d + u0;
    r = t - Math.floor(t * invP) * p;
    s[k] = r >= p ? r - p : r < 0 ? r + p : r;
    t = a + 2 * b + 3 * c + d + u1;
    r = t - Math.floor(t * invP) * p;
    s[k + 1] = r >= p ? r - p : r < 0 ? r + p : r;
    t = a + b + 2 * c + 3 * d + u2;
    r = t - Math.floor(t * invP) * p;
    s[k + 2] = r >= p ? r - p : r < 0 ? r + p : r;
    t = 3 * a + b + c + 2 * d + u3;
    r = t - Math.floor(t * invP) * p;
    s[k + 3] = r >= p ? r - p : r < 0 ? r + p : r;
  }
}

/** S-box layer of a full round: s[o+i] = (s[o+i] + rc[ro+i])^7 for i < w. */
function sboxLayer(s: Uint32Array, o: number, w: number, rc: Uint32Array, ro: number): void {
  // Two independent S-box chains per iteration (about 10% faster than one, measured A/B).
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  const bias = 2 ** -18;
  let q = 0;
  let r = 0;
  let u = 0;
  let v = 0;
  for (let i = 0; i < w; i += 2) {
    let x = s[o + i] + rc[ro + i];
    x = (x - p) | 0;
    x = (x + (p & (x >> 31))) | 0;
    let y = s[o + i + 1] + rc[ro + i + 1];
    y = (y - p) | 0;
    y = (y + (p & (y >> 31))) | 0;
    q = (x * x * invP - bias) | 0;
    u = (y * y * invP - bias) | 0;
    r = (Math.imul(x, x) - Math.imul(q, p) - p) | 0;
    v = (Math.imul(y, y) - Math.imul(u, p) - p) | 0;
    const x2 = (r + (p & (r >> 31))) | 0;
    const y2 = (v + (p & (v >> 31))) | 0;
    q = (x2 * x * invP - bias) | 0;
    u = (y2 * y * invP - bias) | 0;
    r = (Math.imul(x2, x) - Math.imul(q, p) - p) | 0;
    v = (Math.imul(y2, y) - Math.imul(u, p) - p) | 0;
    const x3 = (r + (p & (r >> 31))) | 0;
    const y3 = (v + (p & (v >> 31))) | 0;
    q = (x2 * x2 * invP - bias) | 0;
    u = (y2 * y2 * invP - bias) | 0;
    r = (Math.imul(x2, x2) - Math.imul(q, p) - p) | 0;
    v = (Math.imul(y2, y2) - Math.imul(u, p) - p) | 0;
    const x4 = (r + (p & (r >> 31))) | 0;
    const y4 = (v + (p & (v >> 31))) | 0;
    q = (x3 * x4 * invP - bias) | 0;
    u = (y3 * y4 * invP - bias) | 0;
    r = (Math.imul(x3, x4) - Math.imul(q, p) - p) | 0;
    v = (Math.imul(y3, y4) - Math.imul(u, p) - p) | 0;
    s[o + i] = (r + (p & (r >> 31))) | 0;
    s[o + i + 1] = (v + (p & (v >> 31))) | 0;
  }
}

/** One full round: add rc[ro ..], S-box every element, external layer. */
function fullRound(s: Uint32Array, o: number, w: number, rc: Uint32Array, ro: number): void {
  sboxLayer(s, o, w, rc, ro);
  externalLinear(s, o, w);
}

/** One partial round (any width): add c to s[0], S-box s[0], internal layer sum + diag[i] * s[i]. */
function partialRound(s: Uint32Array, o: number, w: number, c: number, diag: Uint32Array): void {
  // Local constants: module bindings are reloaded and type-checked on every use in optimized code.
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  const bias = 2 ** -18;
  let q = 0;
  let r = 0;
  let t = 0;
  let x = s[o] + c;
  if (x >= p) x -= p;
  q = (x * x * invP - bias) | 0;
  r = (Math.imul(x, x) - Math.imul(q, p) - p) | 0;
  const x2 = (r + (p & (r >> 31))) | 0;
  q = (x2 * x * invP - bias) | 0;
  r = (Math.imul(x2, x) - Math.imul(q, p) - p) | 0;
  const x3 = (r + (p & (r >> 31))) | 0;
  q = (x2 * x2 * invP - bias) | 0;
  r = (Math.imul(x2, x2) - Math.imul(q, p) - p) | 0;
  const x4 = (r + (p & (r >> 31))) | 0;
  q = (x3 * x4 * invP - bias) | 0;
  r = (Math.imul(x3, x4) - Math.imul(q, p) - p) | 0;
  const x7 = (r + (p & (r >> 31))) | 0;
  s[o] = x7;
  let sum = 0;
  for (let i = 0; i < w; i++) sum += s[o + i]; // < 24P < 2^36
  t = sum;
  r = t - Math.floor(t * invP) * p;
  sum = r >= p ? r - p : r < 0 ? r + p : r;
  for (let i = 0; i < w; i++) {
    const a = diag[i];
    const b = s[o + i];
    q = (a * b * invP - bias) | 0;
    r = (Math.imul(a, b) - Math.imul(q, p) - p) | 0;
    const m = (r + (p & (r >> 31))) | 0;
    const y = sum + m;
    s[o + i] = y >= p ? y - p : y;
  }
}

function flatten(rows: readonly (readonly number[])[], w: number, name: string): Uint32Array {
  if (rows.length !== HALF_FULL_ROUNDS) throw new RangeError(`Poseidon2: ${name} must have 4 rows`);
  const out = new Uint32Array(HALF_FULL_ROUNDS * w);
  for (let r = 0; r < HALF_FULL_ROUNDS; r++) {
    if (rows[r].length !== w) throw new RangeError(`Poseidon2: ${name}[${r}] must have ${w} entries`);
    out.set(rows[r], r * w);
  }
  return out;
}

function checkCanonical(xs: Uint32Array, name: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] >= P) throw new RangeError(`Poseidon2: ${name} constant ${i} is not canonical`);
  }
}

class Poseidon2 implements Poseidon2Perm {
  readonly width: number;
  readonly constants: Poseidon2Constants;
  readonly rcInit: Uint32Array;
  readonly rcTerm: Uint32Array;
  readonly rcInt: Uint32Array;
  readonly diag: Uint32Array;
  /** The round constants as doubles, for the width-16 kernel. */
  readonly rcInitF: Float64Array;
  readonly rcTermF: Float64Array;
  readonly rcIntF: Float64Array;
  /** Width 16: the WebAssembly permutation (./poseidon2-wasm.ts), or null. */
  readonly wasm: Poseidon2Wasm | null;
  /** compressPath's state on the JavaScript path. */
  readonly #pathState = new Uint32Array(16);
  /** compressPath's node cache on the JavaScript path (NODE_CACHE_SLOTS entries of 32 words). */
  #nodeCache: Uint32Array | null = null;

  constructor(constants: Poseidon2Constants, useWasm: boolean) {
    const w = constants.width;
    if (w !== 16 && w !== 24) throw new RangeError(`Poseidon2: unsupported width ${w}`);
    const rounds = w === 16 ? 13 : 21;
    if (constants.internal.length !== rounds) {
      throw new RangeError(`Poseidon2: width ${w} needs ${rounds} internal constants`);
    }
    this.width = w;
    this.constants = constants;
    this.rcInit = flatten(constants.externalInitial, w, 'externalInitial');
    this.rcTerm = flatten(constants.externalTerminal, w, 'externalTerminal');
    this.rcInt = Uint32Array.from(constants.internal);
    this.diag = Uint32Array.from(w === 16 ? INTERNAL_DIAG_16 : INTERNAL_DIAG_24);
    checkCanonical(this.rcInit, 'externalInitial');
    checkCanonical(this.rcTerm, 'externalTerminal');
    checkCanonical(this.rcInt, 'internal');
    this.rcInitF = Float64Array.from(this.rcInit);
    this.rcTermF = Float64Array.from(this.rcTerm);
    this.rcIntF = Float64Array.from(this.rcInt);
    this.wasm = w === 16 && useWasm ? wasmPoseidon2Of(this) : null;
  }

  permute(state: Uint32Array, offset = 0): void {
    if (this.wasm !== null) {
      this.wasm.permute(state, offset);
      return;
    }
    const w = this.width;
    const rcInit = this.rcInit;
    const rcTerm = this.rcTerm;
    const rcInt = this.rcInt;
    const diag = this.diag;
    externalLinear(state, offset, w);
    for (let r = 0; r < HALF_FULL_ROUNDS; r++) fullRound(state, offset, w, rcInit, r * w);
    if (w === 16) {
      partialRounds16(state, offset, this.rcIntF);
    } else {
      const rp = rcInt.length;
      for (let r = 0; r < rp; r++) partialRound(state, offset, w, rcInt[r], diag);
    }
    for (let r = 0; r < HALF_FULL_ROUNDS; r++) fullRound(state, offset, w, rcTerm, r * w);
  }

  permuteMany(states: Uint32Array, offset: number, count: number): void {
    if (this.wasm !== null) {
      this.wasm.permuteMany(states, offset, count);
      return;
    }
    const w = this.width;
    if (w === 16 && count >= KERNEL_MIN_BATCH) {
      const rcInit = this.rcInitF;
      const rcTerm = this.rcTermF;
      const rcInt = this.rcIntF;
      for (let k = 0; k < count; k++) permute16(states, offset + 16 * k, rcInit, rcTerm, rcInt);
    } else {
      for (let k = 0; k < count; k++) this.permute(states, offset + w * k);
    }
  }

  compressPath(
    acc: Uint32Array,
    siblings: Uint32Array,
    from: number,
    to: number,
    index: number,
    cacheFrom: number,
  ): void {
    if (this.width !== 16)
      throw new RangeError(`compressPath needs a width-16 permutation, got ${this.width}`);
    if (this.wasm !== null) {
      this.wasm.compressPath(acc, siblings, from, to, index, cacheFrom);
      return;
    }
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
      throw new RangeError(`compressPath: siblings ${from}..${to} outside a path of ${siblings.length / 8}`);
    const st = this.#pathState;
    let idx = index;
    for (let i = from; i < to; i++) {
      const odd = idx % 2 === 1;
      for (let j = 0; j < 8; j++) {
        st[j] = odd ? siblings[8 * i + j] : acc[j];
        st[8 + j] = odd ? acc[j] : siblings[8 * i + j];
      }
      if (i >= cacheFrom) this.#compressCached(st, acc);
      else {
        this.permute(st, 0);
        for (let j = 0; j < 8; j++) acc[j] = st[j];
      }
      idx = Math.floor(idx / 2);
    }
  }

  hashConcat(rows: readonly Uint32Array[], out: Uint32Array, outOff: number): void {
    if (this.width !== 16) throw new RangeError(`hashConcat needs a width-16 permutation, got ${this.width}`);
    if (this.wasm?.hashConcat(rows, out, outOff)) return;
    spongeConcat(this, rows, out, outOff);
  }

  /** out = Perm16(st)[0..8) through the node cache (the layout of ./poseidon2-wasm.ts's). */
  #compressCached(st: Uint32Array, out: Uint32Array): void {
    if (this.#nodeCache === null) this.#nodeCache = new Uint32Array(32 * NODE_CACHE_SLOTS);
    const cache = this.#nodeCache;
    const e = 32 * ((st[0] ^ st[9]) & (NODE_CACHE_SLOTS - 1));
    let hit = cache[e + 24] === 1;
    for (let j = 0; j < 16 && hit; j++) hit = cache[e + j] === st[j];
    if (hit) {
      for (let j = 0; j < 8; j++) out[j] = cache[e + 16 + j];
      return;
    }
    for (let j = 0; j < 16; j++) cache[e + j] = st[j];
    this.permute(st, 0);
    for (let j = 0; j < 8; j++) out[j] = cache[e + 16 + j] = st[j];
    cache[e + 24] = 1;
  }
}

/**
 * Builds the Poseidon2 permutation of one constant set.
 * @param constants a width-16 or width-24 constant set (canonical values)
 * @param opts which path width-16 single states take: by default WebAssembly where it is
 *   available, else the JavaScript step functions; `wasm: false` forces the step functions and
 *   `wasm: true` the module (tests compare the two; callers leave it unset)
 * @returns the permutation
 * @throws {RangeError} on an unsupported width, wrong row counts or non-canonical constants
 * @throws {Error} with `wasm: true` when WebAssembly is unavailable or refused
 * @example
 * const perm = createPoseidon2(POSEIDON2_CONSTANT_SETS.default);
 * const s = new Uint32Array(16); perm.permute(s);
 */
export function createPoseidon2(constants: Poseidon2Constants, opts: { wasm?: boolean } = {}): Poseidon2Perm {
  const perm = new Poseidon2(constants, opts.wasm !== false);
  if (opts.wasm === true && perm.wasm === null && perm.width === 16)
    throw new Error('Poseidon2: WebAssembly is unavailable here');
  return perm;
}

/**
 * Permutes like `perm.permute`, reporting the state after every step (kernel debugging and the
 * round-by-round trace test). Step names: `initial external linear layer`,
 * `after initial external round r`, `after internal round r`, `after terminal external round r`.
 * @param perm a permutation from `createPoseidon2`
 * @param state width elements, permuted in place
 * @param onStep called with the step name and a copy of the state
 */
export function permuteTraced(
  perm: Poseidon2Perm,
  state: Uint32Array,
  onStep: (step: string, state: Uint32Array) => void,
): void {
  const p = perm instanceof Poseidon2 ? perm : new Poseidon2(perm.constants, false);
  const w = p.width;
  externalLinear(state, 0, w);
  onStep('initial external linear layer', state.slice(0, w));
  for (let r = 0; r < HALF_FULL_ROUNDS; r++) {
    fullRound(state, 0, w, p.rcInit, r * w);
    onStep(`after initial external round ${r}`, state.slice(0, w));
  }
  for (let r = 0; r < p.rcInt.length; r++) {
    partialRound(state, 0, w, p.rcInt[r], p.diag);
    onStep(`after internal round ${r}`, state.slice(0, w));
  }
  for (let r = 0; r < HALF_FULL_ROUNDS; r++) {
    fullRound(state, 0, w, p.rcTerm, r * w);
    onStep(`after terminal external round ${r}`, state.slice(0, w));
  }
}

/** Names of the width-16 constant sets a configuration may select (docs/protocol.md §3.5). */
export type Poseidon2ConstantSetName = 'default' | 'smallrng-seed-1';

/** Names of the Poseidon2 constant sets of a configuration (StarkConfig.constants, docs/protocol.md §3.5). */
export const ConstantSet = { default: 'default', rngSeed1: 'rng-seed-1' } as const;
export type ConstantSet = (typeof ConstantSet)[keyof typeof ConstantSet];

/**
 * The Poseidon2 constant-set name of a configuration's constants: the one place that maps
 * `rng-seed-1` (Plonky3's SmallRng seed 1) to the permutation table `smallrng-seed-1`.
 * @param constants the configuration's constant set
 * @returns 'default' or 'smallrng-seed-1'
 */
export function permSetOf(constants: ConstantSet): Poseidon2ConstantSetName {
  return constants === 'rng-seed-1' ? 'smallrng-seed-1' : 'default';
}

/** The width-16 constant sets by name: `default` (production) and `smallrng-seed-1` (upstream fixtures). */
export const POSEIDON2_CONSTANT_SETS: Readonly<Record<Poseidon2ConstantSetName, Poseidon2Constants>> =
  Object.freeze({
    default: POSEIDON2_DEFAULT_16,
    'smallrng-seed-1': POSEIDON2_SMALLRNG_SEED1_16,
  });

const PERM_CACHE = new Map<string, Poseidon2Perm>();

/**
 * The (cached) width-16 permutation of a named constant set.
 * @param name a key of POSEIDON2_CONSTANT_SETS
 * @returns the shared permutation instance
 * @throws {RangeError} for an unknown name
 */
export function poseidon2ForSet(name: Poseidon2ConstantSetName): Poseidon2Perm {
  let perm = PERM_CACHE.get(name);
  if (perm === undefined) {
    if (!Object.hasOwn(POSEIDON2_CONSTANT_SETS, name)) {
      throw new RangeError(`unknown Poseidon2 constant set ${String(name)}`);
    }
    perm = poseidon2Of(POSEIDON2_CONSTANT_SETS[name]);
    PERM_CACHE.set(name, perm);
  }
  return perm;
}

const PERM_BY_CONSTANTS = new WeakMap<Poseidon2Constants, Poseidon2Perm>();

/**
 * The (cached) permutation of a constant set object: one instance, and for width 16 one
 * WebAssembly instance (about 1.2 MB of memory with its node cache), per set for the life of the
 * set, instead of one per call of `createPoseidon2`.
 * @param constants a width-16 or width-24 constant set
 * @returns the shared permutation instance
 * @throws {RangeError} as createPoseidon2
 */
export function poseidon2Of(constants: Poseidon2Constants): Poseidon2Perm {
  let perm = PERM_BY_CONSTANTS.get(constants);
  if (perm === undefined) {
    perm = createPoseidon2(constants);
    PERM_BY_CONSTANTS.set(constants, perm);
  }
  return perm;
}

/**
 * Stable digest of a constant set, for the configuration digest of the proof envelope.
 *
 * Definition (version 1): the sequence
 * `[width, 4, 4, RP, RC_init row-major, RC_term row-major, RC_int, V]` (canonical values, V the
 * internal diagonal of that width) is hashed with the overwrite sponge of docs/protocol.md §4.1 (rate 8, zero
 * initial state) under the `default` width-16 permutation; the 8 output elements are written
 * as 8 lower-case hex digits each (big-endian), giving 64 characters.
 * @param constants the constant set
 * @returns 64 lower-case hex characters
 */
export function constantSetDigest(constants: Poseidon2Constants): string {
  const w = constants.width;
  const seq: number[] = [w, HALF_FULL_ROUNDS, HALF_FULL_ROUNDS, constants.internal.length];
  for (const row of constants.externalInitial) seq.push(...row);
  for (const row of constants.externalTerminal) seq.push(...row);
  seq.push(...constants.internal);
  seq.push(...(w === 24 ? INTERNAL_DIAG_24 : INTERNAL_DIAG_16));
  const perm = poseidon2ForSet('default');
  const st = new Uint32Array(16);
  for (let i = 0; i < seq.length; i += 8) {
    for (let j = 0; j < 8 && i + j < seq.length; j++) st[j] = seq[i + j] % P;
    perm.permute(st);
  }
  let hex = '';
  for (let i = 0; i < 8; i++) hex += st[i].toString(16).padStart(8, '0');
  return hex;
}
