/**
 * PCS-open work split across a pool (in-thread workers, so jobs are structured-cloned as with
 * threads): ParallelCpuBackend.evaluateAt equals evaluateLdeAt of src/fri/open.ts, and
 * reduceOpenings equals a per-element reference of PCS open step 3 written with single ext4
 * inversions (no batching, no ranges). Random inputs from xorshift32, seeds in titles.
 */
import { describe, expect, it } from 'vitest';
import { GENERATOR, mul, twoAdicGenerator } from '../../src/field/babybear.ts';
import { bitReverseTable } from '../../src/field/bit-reverse.ts';
import { cosetLdeBitReversed } from '../../src/field/dft.ts';
import { ext4Add, ext4Exp, ext4FromBase, ext4Inverse, ext4Mul, ext4Sub } from '../../src/field/ext4.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import { evaluateLdeAt } from '../../src/fri/open.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { getConfig } from '../../src/stark/config.ts';
import { randomFelts } from '../helpers/random.ts';

const random = randomFelts;
const evals = (seed: number, logN: number, w: number): Matrix => matrix(random(seed, w << logN), w);
const lde = (seed: number, logN: number, w: number): Matrix =>
  cosetLdeBitReversed(evals(seed, logN, w), 1, GENERATOR);

function backend(): { b: ParallelCpuBackend; pool: WorkerPool } {
  const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 3 });
  return { b: new ParallelCpuBackend(pool, getConfig('c100'), { minParallelRows: 1 }), pool };
}

describe('ParallelCpuBackend PCS-open helpers', () => {
  it('evaluateAt = evaluateLdeAt (2^9 x 3 trace, blowup 2, seed 41)', async () => {
    const m = lde(41, 9, 3);
    const z = random(42, 4);
    const { b, pool } = backend();
    const committed = await b.ldeAndCommit([evals(41, 9, 3)], 1, [GENERATOR]);
    const got = await b.evaluateAt(committed, 1, [[z]]);
    pool.close();
    expect(Array.from(got[0][0])).toEqual(Array.from(evaluateLdeAt(m, 1, z)));
  });

  it('reduceOpenings = per-element reference (two rounds, heights 2^10 and 2^9, seeds 51-59)', async () => {
    const rounds = [
      {
        matrices: [lde(51, 9, 2)],
        points: [[random(52, 4), random(53, 4)]],
        values: [[random(54, 8), random(55, 8)]],
      },
      {
        matrices: [lde(56, 9, 4), lde(57, 8, 3)],
        points: [[random(58, 4)], [random(59, 4)]],
        values: [[random(60, 16)], [random(61, 12)]],
      },
    ];
    const alpha = random(62, 4);
    const { b, pool } = backend();
    const handles = [
      await b.ldeAndCommit([evals(51, 9, 2)], 1, [GENERATOR]),
      await b.ldeAndCommit([evals(56, 9, 4), evals(57, 8, 3)], 1, [GENERATOR, GENERATOR]),
    ];
    const vectors = await b.reduceOpenings(
      rounds.map((r, i) => ({ committed: handles[i], points: r.points, values: r.values })),
      alpha,
    );
    pool.close();
    const got = new Map(vectors.map((v) => [Math.log2(v.length), v.values]));
    expect(vectors.map((v) => v.length)).toEqual([1024, 512]);
    // reference: ro[h][j] = sum over terms of alpha^k (sum_c alpha^c (y_c - M[j][c])) / (z - x_j)
    const offsets = new Map<number, number>();
    const ref = new Map<number, Uint32Array[]>();
    for (const r of rounds) {
      r.matrices.forEach((m, mi) => {
        const rows = m.values.length / m.width;
        const h = Math.log2(rows);
        if (!ref.has(h))
          ref.set(
            h,
            Array.from({ length: rows }, () => ext4FromBase(0)),
          );
        const acc = ref.get(h) as Uint32Array[];
        const rev = bitReverseTable(h);
        const g = twoAdicGenerator(h);
        r.points[mi].forEach((z, pi) => {
          const k = offsets.get(h) ?? 0;
          offsets.set(h, k + m.width);
          const ak = ext4Exp(alpha, k);
          let x = GENERATOR;
          for (let i = 0; i < rows; i++) {
            const j = rev[i];
            let s = ext4FromBase(0);
            for (let c = 0; c < m.width; c++) {
              const y = r.values[mi][pi].subarray(4 * c, 4 * c + 4);
              const diff = ext4Sub(y, ext4FromBase(m.values[j * m.width + c]));
              s = ext4Add(s, ext4Mul(ext4Exp(alpha, c), diff));
            }
            const term = ext4Mul(ak, ext4Mul(s, ext4Inverse(ext4Sub(z, ext4FromBase(x)))));
            acc[j] = ext4Add(acc[j], term);
            x = mul(x, g);
          }
        });
      });
    }
    expect([...got.keys()].sort()).toEqual([...ref.keys()].sort());
    for (const [h, rows] of ref) {
      const flat = new Uint32Array(4 * rows.length);
      for (let j = 0; j < rows.length; j++) flat.set(rows[j], 4 * j);
      expect(Array.from(got.get(h) as Uint32Array), `height 2^${h}`).toEqual(Array.from(flat));
    }
  });
});
