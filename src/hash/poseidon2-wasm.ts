/**
 * The width-16 Poseidon2 permutation as a small WebAssembly module, emitted at run time by the
 * code below (no build step, no binary in the repository, no toolchain dependency). Same
 * permutation as ./poseidon2.ts (Plonky3/Plonky3:poseidon2/src/{external,internal}.rs,
 * baby-bear/src/poseidon2.rs, v0.6.2), which stays the clear statement; the BigInt reference is
 * test/hash/ref-poseidon2.ts and test/hash/poseidon2-wasm.test.ts checks all three agree.
 *
 * Why: a fresh verifier process hashes ~9,000 single states. In JavaScript the first few hundred
 * run in V8's interpreter (~150 us each, against ~2 us once optimized) and TurboFan compiles the
 * permutation again into every caller it inlines it into. A wasm function is compiled on
 * instantiation (Liftoff) and runs at machine speed from the first call.
 *
 * Arithmetic: Montgomery form with R = 2^32 inside the module (the state is converted on entry and
 * back on exit; the constants are written in Montgomery form by `wasmPoseidon2Of`). montmul(a, b)
 * for a, b < P: t = a b < 2^62, m = (t mod 2^32) (-P^-1) mod 2^32, u = (t + m P) / 2^32 < 2P, one
 * conditional subtraction. Additions of two canonical values are < 2^32 (unsigned), one
 * conditional subtraction. Inputs up to 2^32 - 1 are taken mod P by the entry conversion
 * (montmul(x, R^2) with x R^2 < P 2^32), like the JavaScript path.
 *
 * Memory (one 64 KiB page, never grown), byte offsets: state 0..64, initial round constants
 * 64..320, terminal 320..576, internal 576..628, internal diagonal 640..704.
 *
 * The module is 2-3 KB: browsers compile it synchronously (Chromium refuses synchronous
 * compilation above 4 KB on the main thread). Where WebAssembly is missing or forbidden (a
 * Content-Security-Policy without 'wasm-unsafe-eval'), `wasmPoseidon2Of` returns null and callers
 * keep the JavaScript permutation.
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

const STATE = 0;
const RC_INIT = 64;
const RC_TERM = 320;
const RC_INT = 576;
const DIAG = 640;

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
  get(l: number): this {
    this.code.push(LOCAL_GET);
    uleb(this.code, l);
    return this;
  }
  set(l: number): this {
    this.code.push(LOCAL_SET);
    uleb(this.code, l);
    return this;
  }
  tee(l: number): this {
    this.code.push(LOCAL_TEE);
    uleb(this.code, l);
    return this;
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
  load(offset: number): this {
    this.code.push(I32_LOAD, 2);
    uleb(this.code, offset);
    return this;
  }
  store(offset: number): this {
    this.code.push(I32_STORE, 2);
    uleb(this.code, offset);
    return this;
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
const F_SBOX = 0;
const F_EXTERNAL = 1;
const F_FULL = 2;
const F_PERMUTE = 3;

/** sbox(x) = x^7 in Montgomery form. Locals: 0 x, 1 x2, 2 x3, 3 u, 4 t (i64). */
function sboxBody(): Body {
  const b = new Body();
  b.get(0).get(0).montMul(4, 3).set(1);
  b.get(1).get(0).montMul(4, 3).set(2);
  b.get(1).get(1).montMul(4, 3).get(2).montMul(4, 3); // x4 * x3
  return b;
}

/**
 * External linear layer on the state in memory: M4 = [2,3,1,1]-circulant on each 4-chunk, then
 * each output plus its column's sum. Locals: 0..15 the state, 16..19 column sums, 20..25 M4
 * temporaries, 26 scratch.
 */
function externalBody(): Body {
  const b = new Body();
  const S = 26;
  const add = (x: number, y: number, into: number): void => {
    b.get(x).get(y).addMod(S).set(into);
  };
  for (let i = 0; i < 16; i++)
    b.i32(0)
      .load(STATE + 4 * i)
      .set(i);
  for (let c = 0; c < 16; c += 4) {
    const [a0, a1, a2, a3] = [c, c + 1, c + 2, c + 3];
    const [t01, t23, t0123, t01123, t01233, dbl] = [20, 21, 22, 23, 24, 25];
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
    add(k, k + 4, 16 + k);
    add(16 + k, k + 8, 16 + k);
    add(16 + k, k + 12, 16 + k);
  }
  for (let i = 0; i < 16; i++) {
    b.i32(0);
    b.get(i)
      .get(16 + (i % 4))
      .addMod(S);
    b.store(STATE + 4 * i);
  }
  return b;
}

/**
 * Four full rounds with constants from byte address c (param 0): add the constant, S-box, then
 * the external layer. Locals: 0 c, 1 round, 2 o (state byte offset), 3 scratch.
 */
function fullBody(): Body {
  const b = new Body();
  b.i32(0).set(1);
  b.loop(1, 1, 4, () => {
    b.i32(0).set(2);
    b.loop(2, 4, 64, () => {
      b.get(2);
      b.get(2).load(STATE).get(0).load(0).addMod(3).op(CALL, F_SBOX);
      b.store(STATE);
      b.get(0).i32(4).op(I32_ADD).set(0);
    });
    b.op(CALL, F_EXTERNAL);
  });
  return b;
}

/**
 * The permutation of the state in memory. Locals: 0 round, 1 o, 2 sum, 3 scratch, 4 u, 5 t (i64).
 */
function permuteBody(): Body {
  const b = new Body();
  // To Montgomery form: montmul(x, R^2) = x R mod P, for any u32 x.
  b.i32(0).set(1);
  b.loop(1, 4, 64, () => {
    b.get(1);
    b.get(1).load(STATE).i32(R2).montMul(5, 4);
    b.store(STATE);
  });
  b.op(CALL, F_EXTERNAL);
  b.i32(RC_INIT).op(CALL, F_FULL);
  // 13 partial rounds: s0 = sbox(s0 + rc), then s_i = sum + diag_i s_i.
  b.i32(0).set(0);
  b.loop(0, 1, 13, () => {
    b.i32(0);
    b.i32(0).load(STATE).get(0).i32(4).op(I32_MUL).load(RC_INT).addMod(3).op(CALL, F_SBOX);
    b.store(STATE);
    b.i32(0).set(2).i32(0).set(1);
    b.loop(1, 4, 64, () => {
      b.get(2).get(1).load(STATE).addMod(3).set(2);
    });
    b.i32(0).set(1);
    b.loop(1, 4, 64, () => {
      b.get(1);
      b.get(2).get(1).load(DIAG).get(1).load(STATE).montMul(5, 4).addMod(3);
      b.store(STATE);
    });
  });
  b.i32(RC_TERM).op(CALL, F_FULL);
  // Back to canonical form: montmul(x, 1).
  b.i32(0).set(1);
  b.loop(1, 4, 64, () => {
    b.get(1);
    b.get(1).load(STATE).i32(1).montMul(5, 4);
    b.store(STATE);
  });
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
    [0x60, ...vec([[I32]]), ...vec([[I32]])], // 0: (i32) -> i32
    [0x60, ...vec([]), ...vec([])], // 1: () -> ()
    [0x60, ...vec([[I32]]), ...vec([])], // 2: (i32) -> ()
  ];
  const funcs = [0, 1, 2, 1]; // sbox, external, full, permute
  const codes = [
    funcCode(sboxBody(), [
      [3, I32],
      [1, I64],
    ]),
    funcCode(externalBody(), [[27, I32]]),
    funcCode(fullBody(), [[3, I32]]),
    funcCode(permuteBody(), [
      [5, I32],
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

/**
 * A single-state width-16 permutation backed by its own module instance, or null where
 * WebAssembly is unavailable or refused.
 * @param c the constant set (canonical values)
 * @returns permute(state, offset): permutes state[offset .. offset + 16) in place, or null
 */
export function wasmPoseidon2Of(
  c: Poseidon2WasmConstants,
): ((state: Uint32Array, offset: number) => void) | null {
  const mod = moduleOrNull();
  if (mod === null) return null;
  let inst: WebAssembly.Instance;
  try {
    inst = new WebAssembly.Instance(mod, {});
  } catch {
    return null;
  }
  const ex = inst.exports as { memory: WebAssembly.Memory; permute: () => void };
  const mem = new Uint32Array(ex.memory.buffer); // one page, never grown: the view stays valid
  const put = (at: number, xs: Uint32Array): void => {
    for (let i = 0; i < xs.length; i++) mem[at / 4 + i] = mul(xs[i], MONTY_R);
  };
  put(RC_INIT, c.rcInit);
  put(RC_TERM, c.rcTerm);
  put(RC_INT, c.rcInt);
  put(DIAG, c.diag);
  const run = ex.permute;
  return (state: Uint32Array, offset: number): void => {
    for (let i = 0; i < 16; i++) mem[i] = state[offset + i];
    run();
    for (let i = 0; i < 16; i++) state[offset + i] = mem[i];
  };
}
