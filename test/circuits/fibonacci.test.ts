import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConstraintError, checkConstraints } from '../../src/air/check.ts';
import { selectorsAtPoint, selectorsOnCoset } from '../../src/air/domain.ts';
import { evalFoldedAtPoint, evalFoldedQuotient } from '../../src/air/eval.ts';
import { compileAir } from '../../src/air/program.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { matrix } from '../../src/field/matrix.ts';
import { type E, e, eadd, eb, einv, emul, esub, fmul, fpow, toU32 } from '../air/ref-ef.ts';

const FIXTURE = 'uni_stark_fib_fixture_v0.6.2.json';
const fx = JSON.parse(readFileSync(new URL(`../vectors/${FIXTURE}`, import.meta.url), 'utf8'));
const u32 = (v: number[]): Uint32Array => Uint32Array.from(v);

describe('FibonacciAir', () => {
  it('trace for n = 8 from (0, 1) ends with x = 21 and satisfies the checker', () => {
    const t = generateFibonacciTrace(0, 1, 8);
    expect(Array.from(t.values)).toEqual([0, 1, 1, 1, 1, 2, 2, 3, 3, 5, 5, 8, 8, 13, 13, 21]);
    expect(Array.from(fibonacciPublicValues(0, 1, 8))).toEqual([0, 1, 21]);
    checkConstraints(fibonacciAir(), t, [0, 1, 21]);
  });
  it('symbolic degrees [2, 2, 1, 1, 2], hint 2, lqc = 0, reads next', () => {
    const c = compileAir(fibonacciAir());
    expect(c.constraintDegrees).toEqual([2, 2, 1, 1, 2]);
    expect(c.maxDegree).toBe(2);
    expect(c.logQuotientChunks).toBe(0);
    expect(c.numQuotientChunks).toBe(1);
    expect(c.readsNext).toBe(true);
  });
  it('the checker names the row and constraint of a broken trace', () => {
    const t = generateFibonacciTrace(0, 1, 8);
    const bad = matrix(Uint32Array.from(t.values), 2);
    bad.values[2 * 5 + 1] += 1; // row 5 right: breaks transition 4 -> 5 (constraint 3)
    try {
      checkConstraints(fibonacciAir(), bad, [0, 1, 21]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConstraintError);
      expect((err as ConstraintError).row).toBe(4);
      expect((err as ConstraintError).constraint).toBe(3);
      expect((err as Error).message).toMatch(/row 4/);
    }
    expect(() => checkConstraints(fibonacciAir(), t, [0, 1, 22])).toThrow(/constraint 4 fails on row 7/);
    expect(() => checkConstraints(fibonacciAir(), t, [1, 1, 21])).toThrow(/constraint 0 fails on row 0/);
  });
  it('one-row trace: transition constraints are off, first and last row both apply', () => {
    checkConstraints(fibonacciAir(), generateFibonacciTrace(3, 4, 1), [3, 4, 4]);
    expect(() => checkConstraints(fibonacciAir(), generateFibonacciTrace(3, 4, 1), [3, 4, 5])).toThrow(
      ConstraintError,
    );
  });
});

describe(`golden proof ${FIXTURE}`, () => {
  const ov = fx.decoded.opened_values;
  const alpha = u32(fx.derived_challenges.alpha);
  const zeta = u32(fx.derived_challenges.zeta);
  const c = compileAir(fibonacciAir());
  /** Qz = sum_e X^e * quotient_chunks[0][e] (one chunk). */
  const qz = (): E => {
    let acc: E = [0n, 0n, 0n, 0n];
    const chunk = ov.quotient_chunks[0] as number[][];
    for (let k = 0; k < 4; k++) {
      const basis: E = [0n, 0n, 0n, 0n];
      basis[k] = 1n;
      acc = eadd(acc, emul(basis, e(chunk[k])));
    }
    return acc;
  };
  it('verifier OOD identity: folded(zeta) * invVanishing(zeta) = recomposed quotient (decoded.opened_values, derived_challenges)', () => {
    const sels = selectorsAtPoint(3, zeta);
    const folded = evalFoldedAtPoint(
      c,
      {
        local: ov.trace_local.map(u32),
        next: ov.trace_next.map(u32),
        publics: fx.config.public_values,
        selectors: sels,
      },
      alpha,
    );
    expect(Array.from(toU32(emul(e(folded), e(sels.invVanishing))))).toEqual(Array.from(toU32(qz())));
  });
  it('prover quotient on GEN*H_8 from trace_lde_bit_reversed interpolates to the opened quotient at zeta', () => {
    const lde = fx['valid_for_v0.4.0_too'].trace_lde_bit_reversed.rows as number[][];
    // First |Q| = 8 committed rows, bit-reversed, are the trace on GEN*H_8 in natural order (docs/protocol.md §8.5).
    const rev3 = (i: number): number => ((i & 1) << 2) | (i & 2) | ((i >> 2) & 1);
    const vals = new Uint32Array(16);
    for (let j = 0; j < 8; j++) vals.set(lde[rev3(j)], 2 * j);
    const q = evalFoldedQuotient(
      c,
      {
        trace: matrix(vals, 2),
        nextOffset: 1,
        publics: fx.config.public_values,
        selectors: selectorsOnCoset(3, 31, 3),
      },
      alpha,
    );
    // Lagrange interpolation of q on x_j = 31 * g_3^j, evaluated at zeta (BigInt reference).
    const g = fpow(0x1a427a41n, 2n ** 24n);
    const xs = Array.from({ length: 8 }, (_, j) => fmul(31n, fpow(g, BigInt(j))));
    let acc: E = [0n, 0n, 0n, 0n];
    for (let j = 0; j < 8; j++) {
      let term: E = e(q.subarray(4 * j, 4 * j + 4));
      for (let i = 0; i < 8; i++) {
        if (i === j) continue;
        term = emul(
          term,
          emul(esub(e(zeta), eb(xs[i])), einv(eb((xs[j] - xs[i] + 2013265921n) % 2013265921n))),
        );
      }
      acc = eadd(acc, term);
    }
    expect(Array.from(toU32(acc))).toEqual(Array.from(toU32(qz())));
  });
});
