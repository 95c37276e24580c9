/**
 * The WebAssembly width-16 permutation (src/hash/poseidon2-wasm.ts) against the BigInt reference
 * (test/hash/ref-poseidon2.ts), the upstream vectors and the JavaScript step functions, for both
 * constant sets, on edge and seeded random states (inputs up to 2^32 - 1, which both paths take
 * mod P), single states and batches; a wrong constant in the module's memory is caught; the module's size (Chromium compiles
 * at most 4 KB synchronously); and the fallback to JavaScript where WebAssembly is missing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { P } from '../../src/field/babybear.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS } from '../../src/hash/poseidon2.ts';
import { INTERNAL_DIAG_16 } from '../../src/hash/poseidon2-constants.ts';
import {
  poseidon2WasmBytes,
  WASM_BATCH_MAX,
  WASM_WORDS,
  wasmPoseidon2Of,
} from '../../src/hash/poseidon2-wasm.ts';
import type { Poseidon2Constants } from '../../src/hash/types.ts';
import { refPermute } from './ref-poseidon2.ts';
import { loadVector } from './vectors.ts';

const REF = loadVector('reference/poseidon2_babybear.json');
const SMALL = loadVector('reference/poseidon2_babybear_smallrng_seed1.json');
const EDGES = [0, 1, 2, P - 1, P, P + 1, 2 ** 31, 2 ** 32 - 1];
const SETS = ['default', 'smallrng-seed-1'] as const;

/**
 * Seeded xorshift32 states: first one state per edge value (all 16 words equal), then random
 * words, every tenth state drawn from the edge values only.
 */
function states(n: number, seed: number): Uint32Array[] {
  let x = seed >>> 0;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const out: Uint32Array[] = EDGES.map((e) => new Uint32Array(16).fill(e));
  for (let k = out.length; k < n; k++) {
    const s = new Uint32Array(16);
    for (let i = 0; i < 16; i++) s[i] = k % 10 === 0 ? EDGES[next() % EDGES.length] : next();
    out.push(s);
  }
  return out;
}

const ref = (c: Poseidon2Constants, input: Uint32Array): number[] =>
  refPermute(
    c,
    INTERNAL_DIAG_16,
    Array.from(input, (v) => v % P),
  );

/** The module's view of a constant set (what the Poseidon2 class hands it). */
const wasmConstants = (c: Poseidon2Constants) => ({
  rcInit: Uint32Array.from(c.externalInitial.flat()),
  rcTerm: Uint32Array.from(c.externalTerminal.flat()),
  rcInt: Uint32Array.from(c.internal),
  diag: Uint32Array.from(INTERNAL_DIAG_16),
});

const permuted = (perm: { permute(s: Uint32Array, o?: number): void }, input: Uint32Array): number[] => {
  const s = input.slice();
  perm.permute(s);
  return Array.from(s);
};

describe('Poseidon2-16 in WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the module is valid and under 4 KB', () => {
    const bytes = poseidon2WasmBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(4096);
  });

  it('the default permutation is the wasm one here (Node has WebAssembly); { wasm: true } insists on it', () => {
    const c = POSEIDON2_CONSTANT_SETS.default;
    expect(wasmPoseidon2Of(wasmConstants(c))).not.toBeNull();
    expect((createPoseidon2(c) as unknown as { wasm: unknown }).wasm).not.toBeNull();
    expect((createPoseidon2(c, { wasm: false }) as unknown as { wasm: unknown }).wasm).toBeNull();
  });

  it('known answers: the upstream vectors, on the wasm and the JavaScript path', () => {
    for (const wasm of [true, false]) {
      const perm = createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm });
      for (const v of REF.width16) expect(permuted(perm, Uint32Array.from(v.input))).toEqual(v.output);
      const small = createPoseidon2(POSEIDON2_CONSTANT_SETS['smallrng-seed-1'], { wasm });
      expect(permuted(small, new Uint32Array(16))).toEqual(SMALL.permutation_of_zeros);
    }
  });

  for (const name of SETS) {
    it(`${name}: wasm == JavaScript == BigInt reference on 1000 edge and random u32 states`, () => {
      const c = POSEIDON2_CONSTANT_SETS[name];
      const wasm = createPoseidon2(c, { wasm: true });
      const js = createPoseidon2(c, { wasm: false });
      for (const input of states(1000, name === 'default' ? 1 : 2)) {
        const want = ref(c, input);
        expect(permuted(wasm, input)).toEqual(want);
        expect(permuted(js, input)).toEqual(want);
      }
    });
  }

  for (const name of SETS) {
    it(`${name}: permuteMany on both paths (wasm: chunks of WASM_BATCH_MAX; JavaScript: the batch kernel) == BigInt reference`, () => {
      const c = POSEIDON2_CONSTANT_SETS[name];
      const n = 2 * WASM_BATCH_MAX + 3; // three calls into the module, the last of 3 states
      const input = states(n, name === 'default' ? 11 : 12);
      const want = input.map((x) => ref(c, x));
      for (const wasm of [true, false]) {
        const perm = createPoseidon2(c, { wasm });
        const buf = new Uint32Array(5 + 16 * n + 4).fill(9);
        for (let k = 0; k < n; k++) buf.set(input[k], 5 + 16 * k);
        perm.permuteMany(buf, 5, n);
        for (let k = 0; k < n; k++)
          expect(Array.from(buf.subarray(5 + 16 * k, 21 + 16 * k))).toEqual(want[k]);
        expect([...buf.subarray(0, 5), ...buf.subarray(5 + 16 * n)].every((v) => v === 9)).toBe(true);
        perm.permuteMany(buf, 5, 0); // nothing to do
        expect(Array.from(buf.subarray(5, 21))).toEqual(want[0]);
      }
    });
  }

  it('a wrong constant anywhere in the module memory changes the output (the comparison can fail)', () => {
    const c = POSEIDON2_CONSTANT_SETS.default;
    const w = wasmPoseidon2Of(wasmConstants(c));
    if (w === null) throw new Error('no WebAssembly');
    const input = states(9, 7)[8];
    const want = ref(c, input);
    const run = (): number[] => {
      const s = input.slice();
      w.permute(s, 0);
      return Array.from(s);
    };
    expect(run()).toEqual(want);
    for (const word of [
      WASM_WORDS.rcInit + 5,
      WASM_WORDS.rcTerm + 63,
      WASM_WORDS.rcInt + 12,
      WASM_WORDS.diag + 9,
    ]) {
      const saved = w.memory[word];
      w.memory[word] = (saved + 1) % P;
      expect(run(), `word ${word}`).not.toEqual(want);
      w.memory[word] = saved;
      expect(run()).toEqual(want);
    }
  });

  it('permutes at an offset and leaves the rest of the array alone', () => {
    const perm = createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: true });
    const buf = new Uint32Array(40).fill(7);
    const s = states(9, 9)[8];
    buf.set(s, 11);
    perm.permute(buf, 11);
    expect(Array.from(buf.subarray(11, 27))).toEqual(ref(POSEIDON2_CONSTANT_SETS.default, s));
    expect([...buf.subarray(0, 11), ...buf.subarray(27)].every((v) => v === 7)).toBe(true);
  });

  it('instances of the two constant sets keep their own constants', () => {
    const a = createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: true });
    const b = createPoseidon2(POSEIDON2_CONSTANT_SETS['smallrng-seed-1'], { wasm: true });
    const input = states(9, 4)[8];
    expect(permuted(a, input)).toEqual(ref(POSEIDON2_CONSTANT_SETS.default, input));
    expect(permuted(b, input)).toEqual(ref(POSEIDON2_CONSTANT_SETS['smallrng-seed-1'], input));
    expect(permuted(a, input)).not.toEqual(permuted(b, input));
  });

  it('without WebAssembly the permutation falls back to JavaScript (same results); { wasm: true } throws', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules();
    const w = await import('../../src/hash/poseidon2-wasm.ts');
    const p = await import('../../src/hash/poseidon2.ts');
    const c = p.POSEIDON2_CONSTANT_SETS.default;
    expect(
      w.wasmPoseidon2Of({
        rcInit: new Uint32Array(64),
        rcTerm: new Uint32Array(64),
        rcInt: new Uint32Array(13),
        diag: new Uint32Array(16),
      }),
    ).toBeNull();
    const fallback = p.createPoseidon2(c);
    expect((fallback as unknown as { wasm: unknown }).wasm).toBeNull();
    expect(() => p.createPoseidon2(c, { wasm: true })).toThrow(/WebAssembly is unavailable/);
    const input = states(9, 5)[8];
    expect(permuted(fallback, input)).toEqual(ref(c, input));
  });

  it('a runtime that refuses to compile (CSP without wasm-unsafe-eval) falls back the same way', async () => {
    class Refused {
      constructor() {
        throw new Error('WebAssembly.Module(): Refused to compile or instantiate WebAssembly module');
      }
    }
    vi.stubGlobal('WebAssembly', { ...WebAssembly, Module: Refused });
    vi.resetModules();
    const p = await import('../../src/hash/poseidon2.ts');
    const c = p.POSEIDON2_CONSTANT_SETS.default;
    const perm = p.createPoseidon2(c);
    expect((perm as unknown as { wasm: unknown }).wasm).toBeNull();
    const input = states(9, 6)[8];
    expect(permuted(perm, input)).toEqual(ref(c, input));
  });
});
