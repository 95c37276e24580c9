/**
 * The width-16 Poseidon2 permutation as a small WebAssembly module, emitted at run time by the
 * code below (no build step, no binary in the repository, no toolchain dependency). Same
 * permutation as ./poseidon2.ts (Plonky3/Plonky3:poseidon2/src/{external,internal}.rs,
 * baby-bear/src/poseidon2.rs, v0.6.2), which stays the clear statement; the BigInt reference is
 * test/hash/ref-poseidon2.ts and test/hash/poseidon2-wasm.test.ts checks all three agree.
 *
 * Why: a fresh verifier process hashes ~8,900 single states. In JavaScript the first few hundred
 * run in V8's interpreter (in a fresh Node 20 process the first 500 take 15-18 ms, against ~2.3 ms
 * here) and TurboFan compiles the permutation again into every caller it inlines it into. A wasm
 * function is compiled on instantiation (Liftoff; TurboFan tiers it up in the background after a
 * few hundred calls) and cannot be inlined into JavaScript. Warm, one state costs ~1.7 us here
 * (copies included) against ~2.4 us for the step functions; the generated JavaScript batch kernel
 * (~1.5 us) stays faster for batches, so the module has no batch entry.
 *
 * Arithmetic: Montgomery form with R = 2^32 inside the module (the state is converted on entry and
 * back on exit; the constants are written in Montgomery form by `wasmPoseidon2Of`). montmul(a, b)
 * for a, b < P: t = a b < 2^62, m = (t mod 2^32) (-P^-1) mod 2^32, u = (t + m P) / 2^32 < 2P, one
 * conditional subtraction. Additions of two canonical values are < 2^32 (unsigned), one
 * conditional subtraction. Inputs up to 2^32 - 1 are taken mod P by the entry conversion
 * (montmul(x, R^2) with x R^2 < P 2^32), like the JavaScript path. Every value between steps is
 * canonical (Montgomery form), so the output is canonical after the exit conversion montmul(x, 1).
 *
 * Functions: external(base) is the external linear layer of the state at byte address base;
 * full(base, c) four full rounds with constants from byte address c, the S-box written inline;
 * permute(base) the whole permutation (exported). Calls stay inside the module: a wasm call is
 * cheap, and the S-box is inline because it runs 141 times per permutation.
 *
 * Memory (one 64 KiB page, declared by the module, never grown, so a view on it stays valid), byte
 * offsets: initial round constants 0..256, terminal 256..512, internal 512..564, internal
 * diagonal 576..640, the state 640..704.
 *
 * The module is ~3.4 KB: browsers compile it synchronously (Chromium refuses synchronous
 * compilation above 4 KB on the main thread; test/hash/poseidon2-wasm.test.ts checks the size).
 * Where WebAssembly is missing or forbidden (a Content-Security-Policy without
 * 'wasm-unsafe-eval'), `wasmPoseidon2Of` returns null and callers keep the JavaScript permutation.
 */
import { MONTY_R, mul, P } from '../field/babybear.ts';

// Opcodes (WebAssembly core specification, binary format).
const I32 = 0x7f;
const I64 = 0x7e;
const LOOP = 0x03;
const VOID = 0x40;
const END = 0x0b;
const BR_IF = 0x0d;
const CALL = 0x10;
const SELECT = 0x1b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_LOAD = 0x28;
const I32_STORE = 0x36;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const I32_NE = 0x47;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I64_ADD = 0x7c;
const I64_MUL = 0x7e;
const I64_SHR_U = 0x88;
const I32_WRAP_I64 = 0xa7;
const I64_EXTEND_I32_U = 0xad;

// Memory layout (one 64 KiB page, never grown), byte offsets: the constants, then the state.
const RC_INIT = 0;
const RC_TERM = 256;
const RC_INT = 512;
const DIAG = 576;
const STATE = 640;

/** Appends the unsigned LEB128 of n to out. */
function uleb(out: number[], n: number): number[] {
  let v = n;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Appends the signed LEB128 of a safe integer to out. */
function sleb(out: number[], n: number): number[] {
  let v = n;
  for (;;) {
    const b = ((v % 128) + 128) % 128;
    v = Math.floor(v / 128);
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const vec = (items: number[][]): number[] => uleb([], items.length).concat(...items);
const section = (id: number, body: number[]): number[] => uleb([id], body.length).concat(body);

/** -P^-1 mod 2^32 as an int32, by Newton's iteration (each step doubles the correct low bits). */
function negPInv(): number {
  let inv = P; // correct to 3 bits: P is odd
  for (let i = 0; i < 5; i++) inv = Math.imul(inv, 2 - Math.imul(P, inv));
  return -inv | 0;
}

/** Code emitter for one function body: locals are numbered params first. */
class Body {
  readonly code: number[] = [];
  /** An opcode with one unsigned immediate (a local index, a memory offset after its alignment). */
  private imm(opcode: number, n: number): this {
    this.code.push(opcode);
    uleb(this.code, n);
    return this;
  }
  get(l: number): this {
    return this.imm(LOCAL_GET, l);
  }
  set(l: number): this {
    return this.imm(LOCAL_SET, l);
  }
  tee(l: number): this {
    return this.imm(LOCAL_TEE, l);
  }
  i32(v: number): this {
    this.code.push(I32_CONST);
    sleb(this.code, v | 0);
    return this;
  }
  op(...ops: number[]): this {
    for (let i = 0; i < ops.length; i++) this.code.push(ops[i]);
    return this;
  }
  /** i32.load with alignment 2^2 and a constant byte offset. */
  load(offset: number): this {
    return this.op(I32_LOAD).imm(2, offset);
  }
  /** i32.store with alignment 2^2 and a constant byte offset. */
  store(offset: number): this {
    return this.op(I32_STORE).imm(2, offset);
  }
  /** [a, b] -> a + b mod P, for canonical a, b (the sum is < 2^32); uses scratch local s. */
  addMod(s: number): this {
    this.op(I32_ADD).set(s);
    return this.get(s).i32(P).op(I32_SUB).get(s).get(s).i32(P).op(I32_GE_U, SELECT);
  }
  /** [a, b] -> montmul(a, b); uses scratch locals t (i64) and u (i32). */
  montMul(t: number, u: number): this {
    this.op(I64_EXTEND_I32_U).set(t).op(I64_EXTEND_I32_U).get(t).op(I64_MUL).tee(t);
    this.op(I32_WRAP_I64).i32(NEG_P_INV).op(I32_MUL, I64_EXTEND_I32_U);
    this.code.push(I64_CONST);
    sleb(this.code, P);
    this.op(I64_MUL).get(t).op(I64_ADD);
    this.code.push(I64_CONST, 32);
    this.op(I64_SHR_U, I32_WRAP_I64).set(u);
    return this.get(u).i32(P).op(I32_SUB).get(u).get(u).i32(P).op(I32_GE_U, SELECT);
  }
  /**
   * [x] -> x^7 (Montgomery form), inline: x2 = x x, x3 = x2 x, x^7 = (x2 x2) x3. Locals: x, x2, x3
   * (i32) are scratch, and t (i64), u (i32) for montMul.
   */
  sbox(x: number, x2: number, x3: number, t: number, u: number): this {
    this.tee(x).get(x).montMul(t, u).tee(x2).get(x).montMul(t, u).set(x3);
    return this.get(x2).get(x2).montMul(t, u).get(x3).montMul(t, u);
  }
  /** A loop: body(), then l += step until l === the value of local end (runs at least once). */
  loopTo(l: number, step: number, end: number, body: () => void): this {
    this.code.push(LOOP, VOID);
    body();
    this.get(l).i32(step).op(I32_ADD).tee(l).get(end).op(I32_NE, BR_IF, 0, END);
    return this;
  }
  /** A counted loop: body(), then l += step until l === end (runs at least once). */
  loop(l: number, step: number, end: number, body: () => void): this {
    this.code.push(LOOP, VOID);
    body();
    this.get(l).i32(step).op(I32_ADD).tee(l).i32(end).op(I32_NE, BR_IF, 0, END);
    return this;
  }
}

const NEG_P_INV = negPInv();
const R2 = mul(MONTY_R, MONTY_R);

// Function indices.
const F_EXTERNAL = 0;
const F_FULL = 1;
const F_PERMUTE = 2;

/**
 * External linear layer on the state at byte address base (param 0): M4 = [2,3,1,1]-circulant on
 * each 4-chunk, then each output plus its column's sum. Locals: 1..16 the state, 17..20 column
 * sums, 21..26 M4 temporaries, 27 scratch.
 */
function externalBody(): Body {
  const b = new Body();
  const S = 27;
  const s = (i: number): number => 1 + i;
  const add = (x: number, y: number, into: number): void => {
    b.get(x).get(y).addMod(S).set(into);
  };
  for (let i = 0; i < 16; i++)
    b.get(0)
      .load(4 * i)
      .set(s(i));
  for (let c = 0; c < 16; c += 4) {
    const [a0, a1, a2, a3] = [s(c), s(c + 1), s(c + 2), s(c + 3)];
    const [t01, t23, t0123, t01123, t01233, dbl] = [21, 22, 23, 24, 25, 26];
    add(a0, a1, t01);
    add(a2, a3, t23);
    add(t01, t23, t0123);
    add(t0123, a1, t01123);
    add(t0123, a3, t01233);
    add(a0, a0, dbl);
    add(t01233, dbl, a3); // 3a + b + c + 2d
    add(a2, a2, dbl);
    add(t01123, dbl, a1); // a + 2b + 3c + d
    add(t01123, t01, a0); // 2a + 3b + c + d
    add(t01233, t23, a2); // a + b + 2c + 3d
  }
  for (let k = 0; k < 4; k++) {
    add(s(k), s(k + 4), 17 + k);
    add(17 + k, s(k + 8), 17 + k);
    add(17 + k, s(k + 12), 17 + k);
  }
  for (let i = 0; i < 16; i++) {
    b.get(0);
    b.get(s(i))
      .get(17 + (i % 4))
      .addMod(S);
    b.store(4 * i);
  }
  return b;
}

/**
 * Four full rounds on the state at byte address base (param 0) with constants from byte address c
 * (param 1): add the constant, S-box (inline), then the external layer. Locals: 2 round, 3 o (the
 * lane's address), 4 end (base + 64), 5 scratch, 6 x2, 7 x3, 8 u, 9 t (i64).
 */
function fullBody(): Body {
  const b = new Body();
  b.get(0).i32(64).op(I32_ADD).set(4);
  b.i32(0).set(2);
  b.loop(2, 1, 4, () => {
    b.get(0).set(3);
    b.loopTo(3, 4, 4, () => {
      b.get(3);
      b.get(3).load(0).get(1).load(0).addMod(5).sbox(5, 6, 7, 9, 8);
      b.store(0);
      b.get(1).i32(4).op(I32_ADD).set(1);
    });
    b.get(0).op(CALL, F_EXTERNAL);
  });
  return b;
}

/** Inside permuteBody: s_i = montmul(s_i, k) for the 16 lanes (locals as there). */
function eachLane(b: Body, k: number): void {
  b.get(0).set(2);
  b.loopTo(2, 4, 3, () => {
    b.get(2);
    b.get(2).load(0).i32(k).montMul(9, 8);
    b.store(0);
  });
}

/**
 * The permutation of the state at byte address base (param 0). Locals: 1 round, 2 o (a lane's
 * address), 3 end (base + 64), 4 sum, 5 scratch, 6 x2, 7 x3, 8 u, 9 t (i64).
 */
function permuteBody(): Body {
  const b = new Body();
  b.get(0).i32(64).op(I32_ADD).set(3);
  // To Montgomery form: montmul(x, R^2) = x R mod P, for any u32 x (x R^2 < 2^32 P, so < 2P before
  // the conditional subtraction).
  eachLane(b, R2);
  b.get(0).op(CALL, F_EXTERNAL);
  b.get(0).i32(RC_INIT).op(CALL, F_FULL);
  // 13 partial rounds: s0 = sbox(s0 + rc), then s_i = sum + diag_i s_i.
  b.i32(0).set(1);
  b.loop(1, 1, 13, () => {
    b.get(0);
    b.get(0).load(0).get(1).i32(4).op(I32_MUL).load(RC_INT).addMod(5).sbox(5, 6, 7, 9, 8);
    b.store(0);
    b.i32(0).set(4).get(0).set(2);
    b.loopTo(2, 4, 3, () => {
      b.get(4).get(2).load(0).addMod(5).set(4);
    });
    b.get(0).set(2);
    b.loopTo(2, 4, 3, () => {
      b.get(2);
      b.get(4).get(2).get(0).op(I32_SUB).load(DIAG).get(2).load(0).montMul(9, 8).addMod(5);
      b.store(0);
    });
  });
  b.get(0).i32(RC_TERM).op(CALL, F_FULL);
  eachLane(b, 1); // back to canonical form: montmul(x, 1)
  return b;
}

/** Function body with its local declarations (runs of one type). */
function funcCode(body: Body, locals: [number, number][]): number[] {
  const bytes = uleb([], locals.length);
  for (const [n, t] of locals) uleb(bytes, n).push(t);
  const code = bytes.concat(body.code, [END]);
  return uleb([], code.length).concat(code);
}

/**
 * The module's bytes (deterministic; test/hash/poseidon2-wasm.test.ts decodes them).
 * @returns a WebAssembly binary exporting `memory` and `permute`
 */
export function poseidon2WasmBytes(): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, ...vec([[I32]]), ...vec([])], // 0: (i32) -> ()
    [0x60, ...vec([[I32], [I32]]), ...vec([])], // 1: (i32, i32) -> ()
  ];
  const funcs = [0, 1, 0]; // external, full, permute
  const codes = [
    funcCode(externalBody(), [[27, I32]]),
    funcCode(fullBody(), [
      [7, I32],
      [1, I64],
    ]),
    funcCode(permuteBody(), [
      [8, I32],
      [1, I64],
    ]),
  ];
  const name = (s: string): number[] => uleb([], s.length).concat([...s].map((ch) => ch.charCodeAt(0)));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((f) => [f]))),
    ...section(5, vec([[0x00, 1]])), // memory 0: min 1 page, no max
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        [...name('permute'), 0x00, F_PERMUTE],
      ]),
    ),
    ...section(10, vec(codes)),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function moduleOrNull(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(poseidon2WasmBytes()) : null;
    } catch {
      compiled = null; // e.g. a Content-Security-Policy without 'wasm-unsafe-eval'
    }
  }
  return compiled;
}

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
  /** Permutes state[offset .. offset + 16) in place (words up to 2^32 - 1, taken mod P). */
  permute(state: Uint32Array, offset: number): void;
  /**
   * The instance's memory as words: constants in Montgomery form at WASM_WORDS (tests overwrite
   * one to show a wrong constant is caught). One page, never grown, so the view stays valid.
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
  const ex = inst.exports as { memory: WebAssembly.Memory; permute: (base: number) => void };
  const mem = new Uint32Array(ex.memory.buffer);
  const put = (at: number, xs: Uint32Array): void => {
    for (let i = 0; i < xs.length; i++) mem[at / 4 + i] = mul(xs[i], MONTY_R);
  };
  put(RC_INIT, c.rcInit);
  put(RC_TERM, c.rcTerm);
  put(RC_INT, c.rcInt);
  put(DIAG, c.diag);
  const run = ex.permute;
  const at = STATE / 4;
  return {
    memory: mem,
    permute(state: Uint32Array, offset: number): void {
      for (let i = 0; i < 16; i++) mem[at + i] = state[offset + i];
      run(STATE);
      for (let i = 0; i < 16; i++) state[offset + i] = mem[at + i];
    },
  };
}
