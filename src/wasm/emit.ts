/**
 * A small WebAssembly binary emitter: the opcodes (WebAssembly core specification, binary format),
 * LEB128, sections, and `Body`, a code emitter for one function with the BabyBear helpers the
 * modules share (modular addition, Montgomery multiplication with R = 2^32, and their i32x4 forms).
 * Used by src/hash/poseidon2-wasm.ts (the permutation, Merkle paths, the sponge) and
 * src/fri/round-wasm.ts (a FRI verifier's arity-2 rounds); the emitted bytes are deterministic.
 */
import { P } from '../field/babybear.ts';

// Opcodes (WebAssembly core specification, binary format).
export const I32 = 0x7f;
export const I64 = 0x7e;
export const LOOP = 0x03;
export const VOID = 0x40;
export const END = 0x0b;
export const BR_IF = 0x0d;
export const CALL = 0x10;
export const SELECT = 0x1b;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const I32_LOAD = 0x28;
export const I32_STORE = 0x36;
export const I32_CONST = 0x41;
export const I64_CONST = 0x42;
export const I32_NE = 0x47;
export const I32_GE_U = 0x4f;
export const I32_LT_S = 0x48;
export const I32_LT_U = 0x49;
export const I32_OR = 0x72;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I64_ADD = 0x7c;
export const I64_MUL = 0x7e;
export const I64_SHR_U = 0x88;
export const I32_WRAP_I64 = 0xa7;
export const I64_EXTEND_I32_U = 0xad;
export const V128 = 0x7b;
export const BLOCK = 0x02;
export const IF = 0x04;
export const BR = 0x0c;
export const I32_EQ = 0x46;
export const I32_EQZ = 0x45;
export const I32_AND = 0x71;
export const I32_SHR_U = 0x76;
export const I32_XOR = 0x73;
export const I32_SHL = 0x74;
export const I32_GT_S = 0x4a;
export const ELSE = 0x05;
export const RETURN = 0x0f;
// SIMD opcodes follow the 0xfd prefix (LEB128).
export const V128_LOAD = 0x00;
export const V128_STORE = 0x0b;
export const I8X16_SHUFFLE = 0x0d;
export const I32X4_SPLAT = 0x11;
export const I32X4_EXTRACT_LANE = 0x1b;
export const I32X4_REPLACE_LANE = 0x1c;
export const I32X4_EQ = 0x37;
export const V128_AND = 0x4e;
export const I32X4_ALL_TRUE = 0xa3;
export const I32X4_ADD = 0xae;
export const I32X4_SUB = 0xb1;
export const I32X4_MUL = 0xb5;
export const I32X4_MIN_U = 0xb7;
export const I64X2_ADD = 0xce;
export const I64X2_EXTMUL_LOW_I32X4_U = 0xde;
export const I64X2_EXTMUL_HIGH_I32X4_U = 0xdf;

/** Appends the unsigned LEB128 of n to out. */
export function uleb(out: number[], n: number): number[] {
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
export function sleb(out: number[], n: number): number[] {
  let v = n;
  for (;;) {
    const b = ((v % 128) + 128) % 128;
    v = Math.floor(v / 128);
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A WebAssembly vector: its length, then the items. */
export const vec = (items: number[][]): number[] => uleb([], items.length).concat(...items);
/** A section: its id, its byte length, then the body. */
export const section = (id: number, body: number[]): number[] => uleb([id], body.length).concat(body);

/** -P^-1 mod 2^32 as an int32, by Newton's iteration (each step doubles the correct low bits). */
export function negPInv(): number {
  let inv = P; // correct to 3 bits: P is odd
  for (let i = 0; i < 5; i++) inv = Math.imul(inv, 2 - Math.imul(P, inv));
  return -inv | 0;
}

/** The v128 locals the vector helpers use: p = splat(P), n = splat(-P^-1), the rest scratch. */
export interface V {
  readonly p: number;
  readonly n: number;
  readonly s: number;
  readonly a: number;
  readonly b: number;
  readonly lo: number;
  readonly hi: number;
}

/** Code emitter for one function body: locals are numbered params first. */
export class Body {
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
  /** A SIMD instruction (0xfd prefix). */
  simd(op: number): this {
    this.code.push(0xfd);
    uleb(this.code, op);
    return this;
  }
  /** v128.load / v128.store with alignment 2^4 and a constant byte offset. */
  vload(offset: number): this {
    return this.simd(V128_LOAD).imm(4, offset);
  }
  vstore(offset: number): this {
    return this.simd(V128_STORE).imm(4, offset);
  }
  /** i8x16.shuffle of the two vectors on the stack, by 32-bit lanes (0..3 first, 4..7 second). */
  shuffle32(lanes: readonly number[]): this {
    this.simd(I8X16_SHUFFLE);
    for (const l of lanes) this.code.push(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
    return this;
  }
  /** [a, b] -> a + b mod P lane-wise, canonical a, b: min_u(s, s - P) with s = a + b < 2^32. */
  add4(v: V): this {
    this.simd(I32X4_ADD).tee(v.s).get(v.s).get(v.p).simd(I32X4_SUB);
    return this.simd(I32X4_MIN_U);
  }
  /**
   * [a, b] -> montmul(a, b) lane-wise, for a < 2^32 and b < P (so each a b < 2^32 P): the 64-bit
   * products of lanes 0,1 and 2,3, m from their low halves, the high halves of t + m P (< 2P), then
   * min_u(u, u - P).
   */
  mul4(v: V): this {
    this.set(v.b).tee(v.a).get(v.b).simd(I64X2_EXTMUL_LOW_I32X4_U).set(v.lo);
    this.get(v.a).get(v.b).simd(I64X2_EXTMUL_HIGH_I32X4_U).set(v.hi);
    this.get(v.lo).get(v.hi).shuffle32([0, 2, 4, 6]).get(v.n).simd(I32X4_MUL).set(v.a);
    this.get(v.lo).get(v.a).get(v.p).simd(I64X2_EXTMUL_LOW_I32X4_U).simd(I64X2_ADD);
    this.get(v.hi).get(v.a).get(v.p).simd(I64X2_EXTMUL_HIGH_I32X4_U).simd(I64X2_ADD);
    this.shuffle32([1, 3, 5, 7]).tee(v.a).get(v.a).get(v.p).simd(I32X4_SUB);
    return this.simd(I32X4_MIN_U);
  }
  /** [w] -> every lane the sum mod P of w's lanes (two rotations and additions). */
  hsum4(v: V, w: number): this {
    this.tee(w).get(w).get(w).shuffle32([2, 3, 0, 1]).add4(v).tee(w);
    return this.get(w).get(w).shuffle32([1, 0, 3, 2]).add4(v);
  }
  /** Sets v.p and v.n to P and -P^-1 mod 2^32 in every lane. */
  splats(v: V): this {
    this.i32(P).simd(I32X4_SPLAT).set(v.p);
    return this.i32(NEG_P_INV).simd(I32X4_SPLAT).set(v.n);
  }
  /** A counted loop: body(), then l += step until l === end (runs at least once). */
  loop(l: number, step: number, end: number, body: () => void): this {
    this.code.push(LOOP, VOID);
    body();
    this.get(l).i32(step).op(I32_ADD).tee(l).i32(end).op(I32_NE, BR_IF, 0, END);
    return this;
  }
}

/** -P^-1 mod 2^32 as an int32 (the Montgomery reduction constant). */
export const NEG_P_INV: number = negPInv();

/** Function body with its local declarations (runs of one type). */
export function funcCode(body: Body, locals: [number, number][]): number[] {
  const bytes = uleb([], locals.length);
  for (const [n, t] of locals) uleb(bytes, n).push(t);
  const code = bytes.concat(body.code, [END]);
  return uleb([], code.length).concat(code);
}

/**
 * A module's bytes from their base64 (src/wasm/modules.generated.ts; atob is in every browser and
 * in Node 16+).
 * @param base64 the bytes, base64
 * @returns the bytes
 */
export function bytesOfBase64(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * A module compiled from its base64 bytes on first use and kept: null where WebAssembly is
 * unavailable or compilation is refused (e.g. a Content-Security-Policy without
 * 'wasm-unsafe-eval'), so that callers take their JavaScript path.
 * @param base64 the module's bytes (src/wasm/modules.generated.ts)
 * @returns the getter
 */
export function lazyModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(bytesOfBase64(base64)) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/** A name (import module, field, export): its UTF-8 length, then its bytes (ASCII here). */
export const wasmName = (s: string): number[] =>
  uleb([], s.length).concat([...s].map((ch) => ch.charCodeAt(0)));

/**
 * A module binary: the magic `\0asm` and version 1, then the given section bytes.
 * @param sections the sections' bytes, in section order
 * @returns the module's bytes
 */
export function moduleBinary(sections: number[]): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections]);
}
