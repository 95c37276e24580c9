/**
 * Worker jobs, in-thread: LDE column ranges and Merkle node ranges reassemble exactly what the
 * CPU reference gives (cosetLdeBitReversed, commitMatrices of src/merkle/mmcs.ts), including
 * mixed-height injection. Seeds are fixed and printed in the titles.
 */
import { describe, expect, it } from 'vitest';
import { GENERATOR } from '../../src/field/babybear.ts';
import { cosetLdeBitReversed } from '../../src/field/dft.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import { poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import { commitMatrices } from '../../src/merkle/mmcs.ts';
import {
  type MerkleJob,
  runLdeJob,
  runMerkleJob,
  type SharedMatrix,
  shareView,
} from '../../src/runtime/workers/tasks.ts';
import { randomFelts } from '../helpers/random.ts';

/** xorshift32 matrix of canonical elements. */
function randomMatrix(seed: number, rows: number, width: number): Matrix {
  return matrix(randomFelts(seed, rows * width), width);
}

const shared = (m: Matrix): Uint32Array => {
  const v = new Uint32Array(new SharedArrayBuffer(4 * m.values.length));
  v.set(m.values);
  return v;
};

describe('runLdeJob (seed 7)', () => {
  for (const [rows, width, logBlowup, ranges] of [
    [
      64,
      5,
      1,
      [
        [0, 2],
        [2, 3],
        [3, 5],
      ],
    ],
    [256, 4, 2, [[0, 4]]],
    [
      32,
      3,
      3,
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    ],
  ] as const) {
    it(`${rows}x${width}, blowup 2^${logBlowup}, columns ${JSON.stringify(ranges)} = cosetLdeBitReversed`, () => {
      const m = randomMatrix(7 + rows + width, rows, width);
      const src = shareView(shared(m));
      const dst = new Uint32Array(new SharedArrayBuffer(4 * rows * width * 2 ** logBlowup));
      for (const [c0, c1] of ranges) {
        runLdeJob({ src, width, colStart: c0, colEnd: c1, logBlowup, shift: GENERATOR, dst: shareView(dst) });
      }
      expect(
        Buffer.from(dst.buffer).equals(
          Buffer.from(cosetLdeBitReversed(m, logBlowup, GENERATOR).values.buffer),
        ),
      ).toBe(true);
    });
  }

  it('rejects an empty or out-of-range column range', () => {
    const m = randomMatrix(1, 8, 2);
    const job = {
      src: shareView(shared(m)),
      width: 2,
      logBlowup: 1,
      shift: 1,
      dst: shareView(new Uint32Array(32)),
    };
    expect(() => runLdeJob({ ...job, colStart: 1, colEnd: 1 })).toThrow(RangeError);
    expect(() => runLdeJob({ ...job, colStart: 0, colEnd: 3 })).toThrow(RangeError);
  });
});

describe('runMerkleJob (seed 11) = commitMatrices', () => {
  const perm = poseidon2ForSet('default');

  function splitTree(mats: Matrix[], jobsCount: number): { layers: Uint32Array[]; root: Uint32Array } {
    const heights = mats.map((m) => m.values.length / m.width);
    const H = Math.max(...heights);
    const L = Math.log2(H);
    const order = heights.map((_, i) => i).sort((a, b) => heights[b] - heights[a]);
    const sm = (i: number): SharedMatrix => ({ values: shareView(shared(mats[i])), width: mats[i].width });
    const layers = Array.from(
      { length: L + 1 },
      (_, l) => new Uint32Array(new SharedArrayBuffer(32 * (H >> l))),
    );
    const byLevel = Array.from({ length: L + 1 }, (_, level) =>
      order.filter((i) => heights[i] === H >> level).map(sm),
    );
    const span = H / jobsCount;
    const s = Math.log2(span);
    const base: Omit<MerkleJob, 'start' | 'end'> = {
      tree: {
        perm: 'default',
        matrices: byLevel,
        layers: layers.map(shareView),
      },
      levelFrom: 0,
      levelTo: s,
    };
    // run jobs in reverse order: results must not depend on the order
    for (let j = jobsCount - 1; j >= 0; j--) runMerkleJob({ ...base, start: j * span, end: (j + 1) * span });
    if (s < L) runMerkleJob({ ...base, levelFrom: s + 1, levelTo: L, start: 0, end: jobsCount / 2 });
    return { layers, root: layers[L].slice(0, 8) };
  }

  for (const jobs of [1, 2, 4, 16]) {
    it(`uniform 64-row matrices (widths 3, 8, 1), ${jobs} jobs: every layer equal`, () => {
      const mats = [randomMatrix(11, 64, 3), randomMatrix(12, 64, 8), randomMatrix(13, 64, 1)];
      const ref = commitMatrices({ perm }, mats);
      const got = splitTree(mats, jobs);
      expect(got.layers.length).toBe(ref.layers.length);
      for (let i = 0; i < got.layers.length; i++)
        expect(Array.from(got.layers[i])).toEqual(Array.from(ref.layers[i]));
      expect(Array.from(got.root)).toEqual(Array.from(ref.root));
    });
  }

  for (const jobs of [1, 4, 8]) {
    it(`mixed heights 32/32/8/4/1 with injection, ${jobs} jobs: root and layers equal`, () => {
      const mats = [
        randomMatrix(21, 8, 2),
        randomMatrix(22, 32, 4),
        randomMatrix(23, 4, 9),
        randomMatrix(24, 32, 1),
        randomMatrix(25, 1, 3),
      ];
      const ref = commitMatrices({ perm }, mats);
      const got = splitTree(mats, jobs);
      for (let i = 0; i < got.layers.length; i++)
        expect(Array.from(got.layers[i])).toEqual(Array.from(ref.layers[i]));
    });
  }

  it('rejects a node range not aligned to its subtree', () => {
    const m = randomMatrix(1, 8, 1);
    const layers = [32, 16, 8, 4].map((n) => shareView(new Uint32Array(n * 2)));
    expect(() =>
      runMerkleJob({
        tree: {
          perm: 'default',
          matrices: [[{ values: shareView(m.values), width: 1 }], [], [], []],
          layers,
        },
        levelFrom: 0,
        levelTo: 2,
        start: 2,
        end: 6,
      }),
    ).toThrow(RangeError);
  });
});
