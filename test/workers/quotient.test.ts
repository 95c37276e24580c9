/**
 * Quotient evaluation split across a pool (ParallelCpuBackend.evalQuotient, quotient jobs with a
 * structured-cloned compiled AIR) equals evalFoldedQuotient on all rows of the quotient domain,
 * with the trace on Q built independently (cosetLde by 2^lqc), for the Fibonacci and Poseidon2
 * AIRs on random traces (xorshift32, seeds in the titles), at blowups below and above 2^lqc, with
 * in-thread workers (the comlink/MessageChannel path clones the jobs like a real worker would).
 */
import { describe, expect, it } from 'vitest';
import type { Air } from '../../src/air/air.ts';
import { periodicOnCoset, selectorsOnCoset } from '../../src/air/domain.ts';
import { evalFoldedQuotient } from '../../src/air/eval.ts';
import { compileAir } from '../../src/air/program.ts';
import { fibonacciAir } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air } from '../../src/circuits/poseidon2-air.ts';
import { GENERATOR } from '../../src/field/babybear.ts';
import { cosetLde } from '../../src/field/dft.ts';
import { matrix } from '../../src/field/matrix.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { getConfig } from '../../src/stark/config.ts';
import { randomFelts } from '../helpers/random.ts';

const random = randomFelts;

describe('ParallelCpuBackend.evalQuotient = evalFoldedQuotient', () => {
  const cases: [string, () => Air, number, number, number][] = [
    ['fibonacci, 2^10 rows, blowup 2, seed 3', fibonacciAir, 10, 1, 3],
    ['fibonacci, 2^8 rows, blowup 8, seed 5', fibonacciAir, 8, 3, 5],
    [
      'poseidon2 (1 perm/row), 2^6 rows, blowup 2, seed 4',
      () => createPoseidon2Air({ permsPerRow: 1 }),
      6,
      1,
      4,
    ],
    [
      'poseidon2 (1 perm/row), 2^6 rows, blowup 16, seed 6',
      () => createPoseidon2Air({ permsPerRow: 1 }),
      6,
      4,
      6,
    ],
  ];
  for (const [name, mk, k, logBlowup, seed] of cases) {
    it(name, async () => {
      const air = mk();
      const c = compileAir(air);
      const logQ = k + c.logQuotientChunks;
      const rows = 2 ** logQ;
      const evals = matrix(random(seed, air.width << k), air.width);
      const trace = cosetLde(evals, c.logQuotientChunks, GENERATOR);
      const publics = random(seed + 1, air.numPublicValues);
      const selectors = selectorsOnCoset(k, GENERATOR, logQ);
      const periodic = (air.periodicColumns ?? []).map((col) => periodicOnCoset(col, k, GENERATOR, logQ));
      const inputs = { trace, nextOffset: 2 ** c.logQuotientChunks, publics, selectors, periodic };
      const alpha = random(seed + 2, 4);
      const ref = evalFoldedQuotient(c, inputs, alpha, new Uint32Array(4 * rows));
      const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 3 });
      const backend = new ParallelCpuBackend(pool, getConfig('c100'), { minParallelRows: 1 });
      const committed = await backend.ldeAndCommit([evals], logBlowup, [GENERATOR]);
      const got = await backend.evalQuotient(committed, { compiled: c, logN: k, publics }, alpha);
      pool.close();
      expect(got.length).toBe(rows);
      expect(Buffer.from(got.values.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
    });
  }
});
