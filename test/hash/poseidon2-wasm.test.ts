/**
 * The WebAssembly width-16 permutation (src/hash/poseidon2-wasm.ts) against the BigInt reference
 * and the JavaScript step functions, for both constant sets, on edge and seeded random states
 * (inputs up to 2^32 - 1, which both paths take mod P); the module's size (Chromium compiles at
 * most 4 KB synchronously); and the fallback to JavaScript where WebAssembly is missing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { P } from '../../src/field/babybear.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS } from '../../src/hash/poseidon2.ts';
import { INTERNAL_DIAG_16 } from '../../src/hash/poseidon2-constants.ts';
import { poseidon2WasmBytes } from '../../src/hash/poseidon2-wasm.ts';
import { refPermute } from './ref-poseidon2.ts';

const EDGES = [0, 1, 2, P - 1, P, P + 1, 2 ** 31, 2 ** 32 - 1];

/** Seeded xorshift32 states: 16 words each, every tenth state built from the edge values. */
function states(n: number, seed: number): Uint32Array[] {
  let x = seed >>> 0;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const out: Uint32Array[] = [];
  for (let k = 0; k < n; k++) {
    const s = new Uint32Array(16);
    for (let i = 0; i < 16; i++) s[i] = k % 10 === 0 ? EDGES[next() % EDGES.length] : next();
    out.push(s);
  }
  return out;
}

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

  for (const name of ['default', 'smallrng-seed-1'] as const) {
    it(`${name}: equals the BigInt reference and the JavaScript path on 1000 states`, () => {
      const c = POSEIDON2_CONSTANT_SETS[name];
      const wasm = createPoseidon2(c);
      const js = createPoseidon2(c, { wasm: false });
      for (const input of states(1000, name === 'default' ? 1 : 2)) {
        const a = input.slice();
        const b = input.slice();
        wasm.permute(a);
        js.permute(b);
        expect(Array.from(a)).toEqual(Array.from(b));
      }
      for (const input of states(50, 3)) {
        const a = input.slice();
        wasm.permute(a);
        const canonical = Array.from(input, (v) => v % P);
        expect(Array.from(a)).toEqual(refPermute(c, INTERNAL_DIAG_16, canonical));
      }
    });
  }

  it('permutes at an offset and leaves the rest of the array alone', () => {
    const perm = createPoseidon2(POSEIDON2_CONSTANT_SETS.default);
    const buf = new Uint32Array(40).fill(7);
    const s = states(1, 9)[0];
    buf.set(s, 11);
    perm.permute(buf, 11);
    const want = s.slice();
    createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: false }).permute(want);
    expect(Array.from(buf.subarray(11, 27))).toEqual(Array.from(want));
    expect([...buf.subarray(0, 11), ...buf.subarray(27)].every((v) => v === 7)).toBe(true);
  });

  it('the comparison can fail: the two constant sets give different permutations', () => {
    const a = states(1, 4)[0];
    const b = a.slice();
    createPoseidon2(POSEIDON2_CONSTANT_SETS.default).permute(a);
    createPoseidon2(POSEIDON2_CONSTANT_SETS['smallrng-seed-1'], { wasm: false }).permute(b);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('without WebAssembly the permutation falls back to JavaScript, same results', async () => {
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
    const a = states(1, 5)[0];
    const b = a.slice();
    p.createPoseidon2(c).permute(a);
    vi.unstubAllGlobals();
    createPoseidon2(c, { wasm: false }).permute(b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
