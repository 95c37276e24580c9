/**
 * The WebAssembly arity-2 FRI round (src/fri/round-wasm.ts) against the generic round of the
 * verifier: the row of the folded value and its sibling, `verifyBatch` on a real commitment of
 * the pairs of a random vector, and `foldRow` (src/fri/fold.ts). Both constant sets, several tree
 * heights, every position; a changed sibling, path element, root or index is refused with the
 * verifyBatch code, a path of another length too; the module is valid and under 4 KB.
 */
import { describe, expect, it } from 'vitest';
import { P } from '../../src/field/babybear.ts';
import { matrix } from '../../src/field/matrix.ts';
import { foldRow } from '../../src/fri/fold.ts';
import { friRoundWasmBytes, wasmFriRoundOf } from '../../src/fri/round-wasm.ts';
import { POSEIDON2_CONSTANT_SETS, poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import { wasmConstantsOf } from '../../src/hash/poseidon2-wasm.ts';
import { commitMatrices, MerkleError, openBatch, verifyBatch } from '../../src/merkle/mmcs.ts';
import { randomFelts } from '../helpers/random.ts';

const SETS = ['default', 'smallrng-seed-1'] as const;

/** The MerkleError code of f(), or 'ok'. */
function code(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof MerkleError) return e.code;
    throw e;
  }
}

it('the module is valid and under 4 KB (browsers compile it synchronously)', () => {
  const b = friRoundWasmBytes();
  expect(WebAssembly.validate(b)).toBe(true);
  expect(b.length).toBeLessThan(4096);
});

for (const name of SETS) {
  describe(`${name}: friRound == row + verifyBatch + foldRow`, () => {
    const perm = poseidon2ForSet(name);
    const fri = wasmFriRoundOf(wasmConstantsOf(POSEIDON2_CONSTANT_SETS[name]));
    it('is available here (Node has WebAssembly)', () => expect(fri).not.toBeNull());
    if (fri === null) return;

    for (const lh of [0, 1, 3, 8, 12]) {
      it(`a layer of 2^${lh + 1} values (rounds 0..2, every position, tampering)`, () => {
        // Three layers (rounds) of this height: round r commits the pairs of vector r.
        const vecs = [0, 1, 2].map((r) => randomFelts(1000 * lh + 10 * r + name.length, 4 * 2 ** (lh + 1)));
        const trees = vecs.map((v) => commitMatrices({ perm }, [matrix(v, 8)]));
        const betas = [0, 1, 2].map((r) => randomFelts(77 + r + lh, 4));
        fri.begin(
          trees.map((t) => t.root),
          betas,
        );
        const idxs =
          lh <= 3 ? [...Array(2 ** (lh + 1)).keys()] : randomFelts(5 + lh, 12).map((x) => x % 2 ** (lh + 1));
        const e = new Uint32Array(4);
        const want = new Uint32Array(4);
        for (const [k, idx] of idxs.entries()) {
          const r = k % 3;
          const v = vecs[r];
          const j = idx >> 1;
          const row = v.slice(8 * j, 8 * j + 8);
          const sib = v.slice(4 * (idx ^ 1), 4 * (idx ^ 1) + 4);
          const path = openBatch(trees[r], j).proof;
          // The generic round: verifyBatch accepts, foldRow folds.
          expect(
            code(() => verifyBatch({ perm }, trees[r].root, [{ width: 8, height: 2 ** lh }], j, [row], path)),
          ).toBe('ok');
          foldRow(row, 1, lh, j, betas[r], want);
          fri.setE(v.subarray(4 * idx, 4 * idx + 4));
          fri.round(r, sib, path, lh, idx);
          fri.getE(e);
          expect(Array.from(e), `round ${r} index ${idx}`).toEqual(Array.from(want));
          // Tampering: the sibling value, a path element, another round's root, the index.
          const bad = sib.slice();
          bad[k % 4] = (bad[k % 4] + 1) % P;
          fri.setE(v.subarray(4 * idx, 4 * idx + 4));
          expect(code(() => fri.round(r, bad, path, lh, idx))).toBe('MERKLE_ROOT_MISMATCH');
          if (lh > 0) {
            const badPath = path.slice();
            badPath[k % badPath.length] ^= 1;
            expect(code(() => fri.round(r, sib, badPath, lh, idx))).toBe('MERKLE_ROOT_MISMATCH');
            expect(code(() => fri.round(r, sib, path.slice(8), lh, idx))).toBe('MERKLE_PATH_LENGTH');
          }
          expect(code(() => fri.round((r + 1) % 3, sib, path, lh, idx))).toBe('MERKLE_ROOT_MISMATCH');
          expect(
            code(() => fri.round(r, sib, Uint32Array.from([...path, 1, 2, 3, 4, 5, 6, 7, 8]), lh, idx)),
          ).toBe('MERKLE_PATH_LENGTH');
          if (lh > 0) expect(code(() => fri.round(r, sib, path, lh, idx ^ 2))).toBe('MERKLE_ROOT_MISMATCH');
        }
      });
    }

    it('rejects arguments outside its range with a RangeError', () => {
      fri.begin([new Uint32Array(8)], [new Uint32Array(4)]);
      expect(() => fri.round(1, new Uint32Array(4), new Uint32Array(8), 1, 0)).toThrow(RangeError);
      expect(() => fri.round(0, new Uint32Array(4), new Uint32Array(8), 1, 4)).toThrow(RangeError);
      expect(() => fri.round(0, new Uint32Array(4), new Uint32Array(8 * 31), 31, 0)).toThrow(RangeError);
      expect(() => fri.begin([new Uint32Array(8)], [])).toThrow(RangeError);
    });
  });
}
