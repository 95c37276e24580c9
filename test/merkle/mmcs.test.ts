import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { P } from '../../src/field/babybear.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS, poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import {
  commitMatrices,
  dimsOf,
  flattenExt,
  type MatrixDims,
  type MerkleConfig,
  MerkleError,
  type MerkleErrorCode,
  openBatch,
  unflattenExt,
  verifyBatch,
} from '../../src/merkle/mmcs.ts';
import { loadVector, u32 } from '../hash/vectors.ts';
import { randomFelts } from '../helpers/random.ts';

const REF = loadVector('reference/merkle_babybear_poseidon2.json');
const FIX = loadVector('uni_stark_fib_fixture_v0.6.2.json');
const DEF: MerkleConfig = { perm: poseidon2ForSet('default') };
const RNG1: MerkleConfig = { perm: poseidon2ForSet('smallrng-seed-1') };

function fromRows(rows: number[][], width: number): Matrix {
  return matrix(u32(rows.flat()), width);
}

/** Runs verifyBatch and returns 'ok' or the MerkleError code; any other throw fails the test. */
function verdict(
  cfg: MerkleConfig,
  root: Uint32Array,
  dims: readonly MatrixDims[],
  index: number,
  opened: readonly Uint32Array[],
  proof: Uint32Array,
): 'ok' | MerkleErrorCode {
  try {
    verifyBatch(cfg, root, dims, index, opened, proof);
    return 'ok';
  } catch (e) {
    if (e instanceof MerkleError) return e.code;
    throw e;
  }
}

const chunk8 = (a: Uint32Array): number[][] => {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += 8) out.push(Array.from(a.subarray(i, i + 8)));
  return out;
};

describe('MerkleTreeMmcs: reference/merkle_babybear_poseidon2.json', () => {
  for (const c of REF.cases) {
    it(`case '${c.name}': every layer, root, opening, verification, tampered opening`, () => {
      const mats = c.matrices.map((m: { rows: number[][]; width: number }) => fromRows(m.rows, m.width));
      const tree = commitMatrices(DEF, mats);
      expect(tree.layers.length).toBe(c.layers.length);
      for (let k = 0; k < c.layers.length; k++) {
        expect(chunk8(tree.layers[k]), `layer ${k}`).toEqual(c.layers[k]);
      }
      expect(Array.from(tree.root)).toEqual(c.root);
      const idx = Number(c.opening.index);
      const { openedValues, proof } = openBatch(tree, idx);
      expect(openedValues.map((r) => Array.from(r))).toEqual(c.opening.opened_values);
      expect(chunk8(proof)).toEqual(c.opening.proof_siblings);
      const dims = dimsOf(mats);
      const root = u32(c.root);
      expect(verdict(DEF, root, dims, idx, openedValues, proof)).toBe('ok');
      const bad = openedValues.map((r) => r.slice());
      bad[0][0] = (bad[0][0] + 1) % P;
      expect(verdict(DEF, root, dims, idx, bad, proof)).toBe('MERKLE_ROOT_MISMATCH');
    });
  }
});

describe('MerkleTreeMmcs: uni_stark_fib_fixture_v0.6.2.json', () => {
  it('valid_for_v0.4.0_too.trace_lde_bit_reversed (32x2) commits to trace_commitment_root under smallrng-seed-1', () => {
    const v = FIX['valid_for_v0.4.0_too'];
    const tree = commitMatrices(RNG1, [fromRows(v.trace_lde_bit_reversed.rows, 2)]);
    expect(Array.from(tree.root)).toEqual(v.trace_commitment_root);
    expect(Array.from(tree.root)).toEqual(FIX.decoded.commitments.trace[0]);
  });
});

/** Random commitment: max height H (1..40), a random subset of its ladder heights, widths 1..11. */
const treeArb = fc
  .record({
    maxH: fc.integer({ min: 1, max: 40 }),
    picks: fc.array(fc.record({ level: fc.nat(6), width: fc.integer({ min: 1, max: 11 }) }), {
      minLength: 0,
      maxLength: 4,
    }),
    topWidth: fc.integer({ min: 1, max: 11 }),
    seed: fc.integer(),
    shuffle: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
    index: fc.nat(),
  })
  .map(({ maxH, picks, topWidth, seed, shuffle, index }) => {
    const logH = Math.ceil(Math.log2(maxH));
    const ladder = (d: number): number => Math.ceil(maxH / 2 ** d);
    const shapes = [
      { h: maxH, w: topWidth },
      ...picks.map((p) => ({ h: ladder(p.level % (logH + 1)), w: p.width })),
    ];
    // Fisher-Yates with the given randoms: caller order is arbitrary.
    for (let i = shapes.length - 1; i > 0; i--) {
      const j = shuffle[i % 5] % (i + 1);
      [shapes[i], shapes[j]] = [shapes[j], shapes[i]];
    }
    let x = seed >>> 0;
    const next = (): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % P;
    };
    const mats = shapes.map(({ h, w }) => {
      const vals = new Uint32Array(h * w);
      for (let i = 0; i < vals.length; i++) vals[i] = next();
      return { values: vals, width: w, h };
    });
    return { maxH, mats, index: index % maxH };
  });

function build(t: { mats: { values: Uint32Array; width: number; h: number }[] }): {
  mats: Matrix[];
  dims: MatrixDims[];
} {
  const mats = t.mats.map((m) => matrix(m.values, m.width));
  return { mats, dims: dimsOf(mats) };
}

describe('MerkleTreeMmcs: round trips and tampering (fast-check, mixed and non-power-of-two heights)', () => {
  it('open/verify round trip; each tamper rejected with its code', () => {
    fc.assert(
      fc.property(treeArb, (t) => {
        const { mats, dims } = build(t);
        const tree = commitMatrices(DEF, mats);
        const { openedValues, proof } = openBatch(tree, t.index);
        const root = tree.root;
        expect(verdict(DEF, root, dims, t.index, openedValues, proof)).toBe('ok');
        expect(proof.length).toBe(8 * Math.ceil(Math.log2(t.maxH)));
        // value
        const mi = openedValues.findIndex((r) => r.length > 0);
        const bad = openedValues.map((r) => r.slice());
        bad[mi][bad[mi].length - 1] = (bad[mi][bad[mi].length - 1] + 1) % P;
        expect(verdict(DEF, root, dims, t.index, bad, proof)).toBe('MERKLE_ROOT_MISMATCH');
        // sibling
        if (proof.length > 0) {
          const sp = proof.slice();
          sp[sp.length - 8 + 3] ^= 1; // element 3 of the last sibling
          expect(verdict(DEF, root, dims, t.index, openedValues, sp)).toBe('MERKLE_ROOT_MISMATCH');
        }
        // root
        const r2 = root.slice();
        r2[7] = (r2[7] + 1) % P;
        expect(verdict(DEF, r2, dims, t.index, openedValues, proof)).toBe('MERKLE_ROOT_MISMATCH');
        // index: another leaf, or out of range
        if (t.maxH > 1) {
          const other = (t.index ^ 1) < t.maxH ? t.index ^ 1 : t.index - 1;
          expect(verdict(DEF, root, dims, other, openedValues, proof)).toBe('MERKLE_ROOT_MISMATCH');
        }
        for (const idx of [t.maxH, t.maxH + 1, 2 ** 32, -1, 0.5, Number.NaN, 2 ** 53]) {
          expect(verdict(DEF, root, dims, idx, openedValues, proof)).toBe('MERKLE_INDEX_OUT_OF_RANGE');
        }
        // width: one longer, one shorter
        const longer = openedValues.map((r) => r.slice());
        longer[mi] = Uint32Array.from([...longer[mi], 0]);
        expect(verdict(DEF, root, dims, t.index, longer, proof)).toBe('MERKLE_ROW_WIDTH');
        const shorter = openedValues.map((r) => r.slice());
        shorter[mi] = shorter[mi].slice(1);
        expect(verdict(DEF, root, dims, t.index, shorter, proof)).toBe('MERKLE_ROW_WIDTH');
        // path length: one short, one long
        if (proof.length > 0) {
          expect(verdict(DEF, root, dims, t.index, openedValues, proof.slice(8))).toBe('MERKLE_PATH_LENGTH');
        }
        const long = Uint32Array.from([...proof, ...root]);
        expect(verdict(DEF, root, dims, t.index, openedValues, long)).toBe('MERKLE_PATH_LENGTH');
        if (proof.length > 0) {
          // not whole digests: one element short, one over
          expect(verdict(DEF, root, dims, t.index, openedValues, proof.slice(1))).toBe('MERKLE_PATH_LENGTH');
          const over = Uint32Array.from([...proof, 0]);
          expect(verdict(DEF, root, dims, t.index, openedValues, over)).toBe('MERKLE_PATH_LENGTH');
        }
        // batch size
        expect(verdict(DEF, root, dims, t.index, openedValues.slice(1), proof)).toBe('MERKLE_BATCH_SIZE');
        expect(verdict(DEF, root, dims.slice(1), t.index, openedValues, proof)).toBe('MERKLE_BATCH_SIZE');
        // empty batch
        expect(verdict(DEF, root, [], t.index, [], proof)).toBe('MERKLE_INCOMPATIBLE_HEIGHTS');
      }),
      { numRuns: 120, seed: 424242 },
    );
  });

  it('an element moved between two same-height matrices keeps the digest but fails MERKLE_ROW_WIDTH (H3)', () => {
    const a = matrix(u32([...Array(16 * 3).keys()]), 3);
    const b = matrix(u32([...Array(16 * 5).keys()].map((i) => 1000 + i)), 5);
    const tree = commitMatrices(DEF, [a, b]);
    const { openedValues, proof } = openBatch(tree, 9);
    const moved = [Uint32Array.from([...openedValues[0], openedValues[1][0]]), openedValues[1].slice(1)];
    expect(verdict(DEF, tree.root, dimsOf([a, b]), 9, moved, proof)).toBe('MERKLE_ROW_WIDTH');
    // the same move with the dims moved too verifies: the width check is what stops it
    const movedDims = [
      { width: 4, height: 16 },
      { width: 4, height: 16 },
    ];
    expect(verdict(DEF, tree.root, movedDims, 9, moved, proof)).toBe('ok');
  });

  it('non-ladder heights: commit and verify reject with MERKLE_INCOMPATIBLE_HEIGHTS (H6)', () => {
    const m8 = matrix(new Uint32Array(8 * 2), 2);
    const m3 = matrix(new Uint32Array(3 * 2), 2);
    expect(() => commitMatrices(DEF, [m8, m3])).toThrow(MerkleError);
    expect(() => commitMatrices(DEF, [])).toThrow(MerkleError);
    const tree = commitMatrices(DEF, [m8]);
    const { openedValues, proof } = openBatch(tree, 2);
    const dims = [
      { width: 2, height: 8 },
      { width: 2, height: 3 },
    ];
    expect(verdict(DEF, tree.root, dims, 2, [...openedValues, new Uint32Array(2)], proof)).toBe(
      'MERKLE_INCOMPATIBLE_HEIGHTS',
    );
    for (const h of [0, -8, 8.5, Number.NaN, 2 ** 60]) {
      expect(verdict(DEF, tree.root, [{ width: 2, height: h }], 2, openedValues, proof)).toMatch(/^MERKLE_/);
    }
    expect(() => openBatch(tree, 8)).toThrow(MerkleError);
  });

  it('verifyBatch throws nothing but MerkleError on arbitrary input', () => {
    const tree = commitMatrices(DEF, [matrix(u32([...Array(32).keys()]), 4)]);
    const anyArr = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.array(fc.nat(), { maxLength: 9 }).map((a) => Uint32Array.from(a)),
      fc.constant(tree.root),
    );
    const dimArb = fc.oneof(
      fc.record({ width: fc.integer({ min: -2, max: 6 }), height: fc.integer({ min: -2, max: 10 }) }),
      fc.constant(null),
      fc.record({ width: fc.double(), height: fc.double() }),
    );
    fc.assert(
      fc.property(
        fc.array(dimArb, { maxLength: 3 }),
        fc.oneof(fc.integer({ min: -3, max: 2 ** 33 }), fc.double()),
        fc.array(anyArr, { maxLength: 3 }),
        fc.oneof(
          anyArr,
          fc.array(fc.nat(), { maxLength: 40 }).map((a) => Uint32Array.from(a)),
          fc.array(anyArr),
        ),
        anyArr,
        (dims, index, opened, proof, root) => {
          verdict(
            DEF,
            root as Uint32Array,
            dims as MatrixDims[],
            index,
            opened as Uint32Array[],
            proof as Uint32Array,
          );
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('flattenExt / unflattenExt: an EF matrix is its base matrix of width 4w (docs/protocol.md §5.6)', () => {
    const vals = u32([...Array(4 * 3 * 8).keys()]);
    const m = flattenExt(vals, 3);
    expect(m.width).toBe(12);
    const tree = commitMatrices(DEF, [m]);
    const { openedValues } = openBatch(tree, 5);
    const ext = unflattenExt(openedValues[0]);
    expect(ext.length).toBe(3);
    expect(Array.from(ext[1])).toEqual([64, 65, 66, 67]);
    expect(() => flattenExt(vals, 5)).toThrow(RangeError);
    expect(() => unflattenExt(new Uint32Array(5))).toThrow(RangeError);
  });
});

describe("shared openings: the node cache gives verifyBatch's verdicts without it (seed 23)", () => {
  // Mixed heights (an injection at level 2), many openings of one tree sharing nodes near the
  // root and whole paths; each opening is checked through the node cache after honest ones filled
  // it, on the wasm permutation (DEF) and on the JavaScript one (its own cache).
  const mats = [matrix(randomFelts(23, 64 * 3), 3), matrix(randomFelts(24, 16 * 2), 2)];
  const tree = commitMatrices(DEF, mats);
  const dims = dimsOf(mats);
  const root = tree.layers[tree.layers.length - 1].slice(0, 8);
  const JS: MerkleConfig = { perm: createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: false }) };

  it.each([
    ['wasm', DEF],
    ['JavaScript', JS],
  ])(
    '%s: honest openings verify; a changed row, sibling or index is rejected as without the cache',
    (_, cfg) => {
      const next = randomFelts(25, 400);
      let checked = 0;
      for (let k = 0; k < 200; k++) {
        const index = next[2 * k] % 64;
        const { openedValues, proof } = openBatch(tree, index);
        expect(verdict(DEF, root, dims, index, openedValues, proof)).toBe('ok');
        verifyBatch(cfg, root, dims, index, openedValues, proof, true);
        // One change per case: an opened value, a sibling at any level (shared ones included), the index.
        const kind = next[2 * k + 1] % 3;
        const opened = openedValues.map((r) => r.slice());
        const sibs = proof.slice();
        let idx = index;
        if (kind === 0) opened[k % 2][0] = (opened[k % 2][0] + 1) % P;
        else if (kind === 1) sibs[8 * (k % (sibs.length / 8)) + (k % 8)] ^= 1;
        else idx = (index + 1 + (k % 63)) % 64;
        const want = verdict(DEF, root, dims, idx, opened, sibs);
        let got: string = 'ok';
        try {
          verifyBatch(cfg, root, dims, idx, opened, sibs, true);
        } catch (e) {
          if (!(e instanceof MerkleError)) throw e;
          got = e.code;
        }
        expect(got, `case ${k} (kind ${kind})`).toBe(want);
        expect(want).toBe('MERKLE_ROOT_MISMATCH');
        // The honest opening still verifies through the cache after a tampered one went through it.
        verifyBatch(cfg, root, dims, index, openedValues, proof, true);
        checked++;
      }
      expect(checked).toBe(200);
    },
  );
});
