/**
 * The statements the backend byte-identity tests prove on every backend (test/runtime/proofs.test.ts,
 * test/gpu/proofs.test.ts): Fibonacci 2^10 and 2^14 under c100 and plonky3-fixture, the Poseidon2 AIR
 * at 2^6 rows, a degree-5 AIR whose quotient needs its own trace LDE (lqc 2 > logBlowup 1), and every
 * circuit family at test size, in that order.
 */
import type { Air } from '../../src/air/air.ts';
import { FAMILIES, FAMILY_NAMES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import type { Matrix } from '../../src/field/matrix.ts';
import { getConfig, type StarkConfig } from '../../src/stark/config.ts';
import { quinticAir, quinticTrace } from './quintic-air.ts';

/** One statement: its name, AIR, trace, public values and configuration. */
export interface Statement {
  readonly name: string;
  readonly air: Air;
  readonly trace: Matrix;
  readonly publics: readonly number[];
  readonly config: StarkConfig;
}

/** Fibonacci from (0, 1) over 2^logN rows under a named preset. */
export const fibStatement = (logN: number, preset: string): Statement => {
  const n = 2 ** logN;
  return {
    name: `Fibonacci 2^${logN}, ${preset}`,
    air: fibonacciAir(),
    trace: generateFibonacciTrace(0, 1, n),
    publics: [...fibonacciPublicValues(0, 1, n)],
    config: getConfig(preset),
  };
};

/** Builds the statements (fresh traces each call). */
export function proofStatements(): Statement[] {
  const p2 = createPoseidon2Air({ permsPerRow: 1 });
  const q = quinticTrace(3, 64);
  const out: Statement[] = [
    fibStatement(10, 'c100'),
    fibStatement(10, 'plonky3-fixture'),
    fibStatement(14, 'c100'),
    fibStatement(14, 'plonky3-fixture'),
    {
      name: 'Poseidon2 AIR 2^6, c100',
      air: p2,
      trace: generatePoseidon2Trace(p2, { seed: 5 }, 64),
      publics: [],
      config: getConfig('c100'),
    },
    {
      name: 'degree-5 AIR 2^6 (lqc 2 > logBlowup 1), c100',
      air: quinticAir(),
      trace: q.trace,
      publics: q.publics,
      config: getConfig('c100'),
    },
  ];
  for (const name of FAMILY_NAMES) {
    const f = FAMILIES[name];
    const st = f.build(f.sampleInput('test'), { size: 'test' });
    out.push({
      name: `family ${name} (test size), c100`,
      air: st.air,
      trace: st.trace,
      publics: [...st.publicValues],
      config: getConfig('c100'),
    });
  }
  return out;
}
