/**
 * Poseidon2Perm.compressPath (a Merkle path walked in one call) against the BigInt reference
 * compression compress(l, r) = Perm16(l || r)[0..8) (test/hash/ref-poseidon2.ts), on the
 * WebAssembly and the JavaScript path, both constant sets: paths longer than one call into the
 * module (WASM_PATH_MAX), indices above 2^31, every cacheFrom; the node cache under colliding
 * entries and near-misses (one word differs); and the argument errors.
 */
import { describe, expect, it } from 'vitest';
import { P } from '../../src/field/babybear.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS } from '../../src/hash/poseidon2.ts';
import { INTERNAL_DIAG_16, POSEIDON2_DEFAULT_24 } from '../../src/hash/poseidon2-constants.ts';
import { NODE_CACHE_SLOTS, WASM_PATH_MAX } from '../../src/hash/poseidon2-wasm.ts';
import type { Poseidon2Constants } from '../../src/hash/types.ts';
import { randomFelts } from '../helpers/random.ts';
import { refPermute } from './ref-poseidon2.ts';

const SETS = ['default', 'smallrng-seed-1'] as const;

const refCompress = (c: Poseidon2Constants, l: ArrayLike<number>, r: ArrayLike<number>): number[] =>
  refPermute(c, INTERNAL_DIAG_16, [...Array.from(l), ...Array.from(r)]).slice(0, 8);

/** The path by the reference: acc = compress(acc, sib) or compress(sib, acc) by the index bits. */
function refPath(c: Poseidon2Constants, acc: number[], sibs: Uint32Array, index: number): number[] {
  let a = acc;
  let idx = index;
  for (let i = 0; i < sibs.length; i += 8) {
    const s = sibs.subarray(i, i + 8);
    a = idx % 2 === 0 ? refCompress(c, a, s) : refCompress(c, s, a);
    idx = Math.floor(idx / 2);
  }
  return a;
}

/** n random digests, flat (the path layout compressPath takes). */
const digests = (seed: number, n: number): Uint32Array => randomFelts(seed, 8 * n);

for (const name of SETS) {
  const c = POSEIDON2_CONSTANT_SETS[name];
  for (const wasm of [true, false]) {
    describe(`${name}, ${wasm ? 'wasm' : 'JavaScript'}: compressPath`, () => {
      it('equals the reference path for lengths 0..35, large indices and every cacheFrom', () => {
        const perm = createPoseidon2(c, { wasm });
        const cases: [number, number, number][] = [
          [0, 5, 0],
          [1, 1, 0],
          [3, 6, Infinity],
          [17, 0x1abcd, 4],
          [WASM_PATH_MAX, 2 ** 30 - 1, 0],
          [WASM_PATH_MAX + 1, 2 ** 31 + 5, 29],
          [35, 2 ** 40 + 2 ** 33 + 7, 31],
        ];
        cases.forEach(([len, index, cacheFrom], k) => {
          const sibs = digests(100 + k, len + 2);
          const acc0 = randomFelts(200 + k, 8);
          const want = refPath(c, Array.from(acc0), sibs.subarray(8, 8 * (len + 1)), index);
          for (const cf of [cacheFrom, 0, Infinity]) {
            const acc = acc0.slice();
            perm.compressPath(acc, sibs, 1, len + 1, index, cf);
            expect(Array.from(acc), `case ${k}, cacheFrom ${cf}`).toEqual(want);
          }
        });
      });

      it('the node cache: colliding slots and one-word differences are recomputed, repeats hit', () => {
        const perm = createPoseidon2(c, { wasm });
        const base = randomFelts(7, 16);
        // Variants of (left, right) in the same slot: left[0] xor right[1] keeps its low bits.
        const variants: Uint32Array[] = [base];
        for (let w = 0; w < 16; w++) {
          const v = base.slice();
          if (w === 0 || w === 9) {
            v[0] = (v[0] + NODE_CACHE_SLOTS) % P; // same low bits of left[0] and right[1]
            v[9] = (v[9] + NODE_CACHE_SLOTS) % P;
          } else {
            v[w] = (v[w] + 1) % P;
          }
          variants.push(v);
        }
        for (let round = 0; round < 2; round++) {
          for (const v of variants) {
            const acc = v.slice(0, 8);
            perm.compressPath(acc, v.slice(8, 16), 0, 1, 0, 0);
            expect(Array.from(acc)).toEqual(refCompress(c, v.subarray(0, 8), v.subarray(8, 16)));
            // The same node as the right child (odd index) is another entry.
            const acc2 = v.slice(8, 16);
            perm.compressPath(acc2, v.slice(0, 8), 0, 1, 1, 0);
            expect(Array.from(acc2)).toEqual(refCompress(c, v.subarray(0, 8), v.subarray(8, 16)));
          }
        }
        // An all-zero node is not mistaken for an empty entry.
        const z = new Uint32Array(8);
        perm.compressPath(z, new Uint32Array(8), 0, 1, 0, 0);
        expect(Array.from(z)).toEqual(refCompress(c, new Uint32Array(8), new Uint32Array(8)));
      });

      it('rejects a sibling range outside the path and an index that is not a non-negative safe integer', () => {
        const perm = createPoseidon2(c, { wasm });
        const acc = new Uint32Array(8);
        expect(() => perm.compressPath(acc, new Uint32Array(7), 0, 1, 0, 0)).toThrow(RangeError);
        expect(() => perm.compressPath(acc, new Uint32Array(16), 1, 3, 0, Infinity)).toThrow(RangeError);
        expect(() => perm.compressPath(acc, new Uint32Array(16), 2, 1, 0, Infinity)).toThrow(RangeError);
        expect(() => perm.compressPath(acc, new Uint32Array(16), -1, 1, 0, Infinity)).toThrow(RangeError);
        expect(() => perm.compressPath(acc, new Uint32Array(16), 0.5, 1, 0, Infinity)).toThrow(RangeError);
        for (const bad of [-1, 0.5, Number.NaN, 2 ** 53]) {
          expect(() => perm.compressPath(acc, new Uint32Array(8), 0, 1, bad, 0)).toThrow(RangeError);
        }
        expect(Array.from(acc)).toEqual(new Array(8).fill(0)); // nothing written
      });
    });
  }
}

it('compressPath needs width 16', () => {
  const perm = createPoseidon2(POSEIDON2_DEFAULT_24);
  expect(() => perm.compressPath(new Uint32Array(8), new Uint32Array(0), 0, 0, 0, 0)).toThrow(/width-16/);
});
