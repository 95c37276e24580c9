import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/field/matrix.ts';
import { compress, compressInto, compressLayer } from '../../src/hash/compress.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS, poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import { WASM_SPONGE_MAX } from '../../src/hash/poseidon2-wasm.ts';
import { hashConcat, hashRange, hashRows, hashSlice } from '../../src/hash/sponge.ts';
import { loadVector, u32 } from './vectors.ts';

const V = loadVector('poseidon2_babybear.json');
const REF = loadVector('reference/poseidon2_babybear.json');
const SMALL = loadVector('reference/poseidon2_babybear_smallrng_seed1.json');
const DEF = poseidon2ForSet('default');
const RNG1 = poseidon2ForSet('smallrng-seed-1');

describe('PaddingFreeSponge<16,8,8>', () => {
  for (const c of REF.padding_free_sponge.cases) {
    it(`reference/poseidon2_babybear.json padding_free_sponge length ${c.input.length}`, () => {
      expect(Array.from(hashSlice(DEF, u32(c.input)))).toEqual(c.digest);
    });
  }

  for (const key of ['sponge_hash_0_to_1', 'sponge_hash_0_to_7', 'sponge_hash_0_to_9']) {
    it(`reference/poseidon2_babybear_smallrng_seed1.json ${key}`, () => {
      const n = Number(key.split('_to_')[1]) + 1;
      expect(Array.from(hashSlice(RNG1, u32([...Array(n).keys()])))).toEqual(SMALL[key]);
    });
  }

  // Poseidon2Perm.hashConcat: one wasm call (WASM) or spongeConcat (JS), rows split anywhere.
  const WASM = createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: true });
  const JS = createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: false });
  for (const c of REF.padding_free_sponge.cases) {
    it(`hashConcat, wasm and JavaScript, rows split 1/2/3 ways: padding_free_sponge length ${c.input.length}`, () => {
      const x = u32(c.input);
      const cuts = [
        [x],
        [x.subarray(0, x.length >> 1), x.subarray(x.length >> 1)],
        [x.subarray(0, 1), new Uint32Array(0), x.subarray(1)],
      ];
      for (const rows of cuts) {
        for (const perm of [WASM, JS]) {
          const out = new Uint32Array(10).fill(7);
          hashConcat(perm, rows, out, 1);
          expect(Array.from(out.subarray(1, 9))).toEqual(c.digest);
          expect([out[0], out[9]]).toEqual([7, 7]);
        }
      }
    });
  }
  it('hashConcat above WASM_SPONGE_MAX elements (the JavaScript sponge then) equals hashSlice', () => {
    const n = WASM_SPONGE_MAX + 5;
    const x = Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) % 0x78000001);
    const want = Array.from(hashSlice(JS, x));
    expect(Array.from(hashConcat(WASM, [x.subarray(0, 3), x.subarray(3)]))).toEqual(want);
    expect(Array.from(hashConcat(WASM, [x.subarray(0, WASM_SPONGE_MAX)]))).toEqual(
      Array.from(hashSlice(JS, x.subarray(0, WASM_SPONGE_MAX))),
    );
  });

  const ex = V.sponge_and_compression_examples;
  for (const [set, perm] of [
    ['smallrng_seed1_width16', RNG1],
    ['default_width16', DEF],
  ] as const) {
    for (const [name, c] of Object.entries(ex[set]) as [string, Record<string, number[]>][]) {
      it(`poseidon2_babybear.json sponge_and_compression_examples.${set}.${name}`, () => {
        if (name.startsWith('compress')) {
          expect(Array.from(compress(perm, u32(c.left), u32(c.right)))).toEqual(c.output);
        } else {
          expect(Array.from(hashSlice(perm, u32(c.input)))).toEqual(c.output);
        }
      });
    }
  }

  it('hashSlice / hashRange honour offsets', () => {
    const input = u32([...Array(17).keys()].map((i) => i + 1));
    const out = new Uint32Array(20).fill(9);
    hashSlice(DEF, input, out, 3);
    const c17 = REF.padding_free_sponge.cases.find((c: { input: number[] }) => c.input.length === 17);
    expect(Array.from(out.subarray(3, 11))).toEqual(c17.digest);
    expect(out[2]).toBe(9);
    expect(out[11]).toBe(9);
    const padded = new Uint32Array(30);
    padded.set(input, 5);
    const out2 = new Uint32Array(8);
    hashRange(DEF, padded, 5, 17, out2, 0);
    expect(Array.from(out2)).toEqual(c17.digest);
  });

  it('hashRows and hashConcat equal hashSlice of the concatenated rows (widths 3+5+9, 0+8)', () => {
    const h = 5;
    const mk = (w: number, base: number) => matrix(u32([...Array(w * h).keys()].map((i) => base + i)), w);
    const mats = [mk(3, 100), mk(5, 1000), mk(9, 5000)];
    const out = hashRows(DEF, mats);
    for (let r = 0; r < h; r++) {
      const rows = mats.map((m) => m.values.subarray(r * m.width, (r + 1) * m.width));
      const cat = new Uint32Array(17);
      let o = 0;
      for (const row of rows) {
        cat.set(row, o);
        o += row.length;
      }
      const want = Array.from(hashSlice(DEF, cat));
      expect(Array.from(out.subarray(8 * r, 8 * r + 8))).toEqual(want);
      expect(Array.from(hashConcat(DEF, rows))).toEqual(want);
    }
    const eight = hashRows(DEF, [mk(8, 0)]);
    expect(Array.from(eight.subarray(0, 8))).toEqual(ex.default_width16.hash_0_to_7.output);
    expect(() => hashRows(DEF, [mk(3, 0), matrix(new Uint32Array(8), 4)])).toThrow(RangeError);
  });
});

describe('TruncatedPermutation<16,2,8>', () => {
  it('reference/poseidon2_babybear.json truncated_permutation_compress', () => {
    const c = REF.truncated_permutation_compress;
    expect(Array.from(compress(DEF, u32(c.left), u32(c.right)))).toEqual(c.output);
  });

  it('compressInto with offsets and aliasing output', () => {
    const c = REF.truncated_permutation_compress;
    const buf = new Uint32Array(32);
    buf.set(c.left, 3);
    buf.set(c.right, 20);
    compressInto(DEF, buf, 3, buf, 3, buf, 20);
    expect(Array.from(buf.subarray(3, 11))).toEqual(c.output);
  });
});

describe('compressLayer (batched Merkle layer)', () => {
  it('equals compressInto pair by pair across several batches, at offsets, leaving the rest alone', () => {
    const perm = poseidon2ForSet('default');
    const count = 600;
    const input = new Uint32Array(5 + 16 * count);
    for (let i = 0; i < input.length; i++) input[i] = (i * 2654435761) % 0x78000001;
    const out = new Uint32Array(3 + 8 * count + 2).fill(9);
    compressLayer(perm, input, 5, out, 3, count);
    const want = new Uint32Array(8 * count);
    for (let i = 0; i < count; i++) compressInto(perm, want, 8 * i, input, 5 + 16 * i, input, 5 + 16 * i + 8);
    expect(Array.from(out.subarray(3, 3 + 8 * count))).toEqual(Array.from(want));
    expect([out[2], out[3 + 8 * count]]).toEqual([9, 9]);
  });
});

describe('hashRows (rows hashed in batches)', () => {
  it('equals hashConcat of each concatenated row, for 150 rows (several batches) of widths 3, 13, 8', () => {
    const perm = poseidon2ForSet('default');
    const h = 150;
    const widths = [3, 13, 8];
    const mats = widths.map((w, m) => {
      const v = new Uint32Array(h * w);
      for (let i = 0; i < v.length; i++) v[i] = (i * 2246822519 + m * 3266489917) % 0x78000001;
      return matrix(v, w);
    });
    const got = hashRows(perm, mats, new Uint32Array(8 * h + 4), 4);
    for (let r = 0; r < h; r++) {
      const want = hashConcat(
        perm,
        mats.map((m) => m.values.subarray(r * m.width, (r + 1) * m.width)),
      );
      expect(Array.from(got.subarray(4 + 8 * r, 12 + 8 * r))).toEqual(Array.from(want));
    }
  });
});
