import { describe, expect, it } from 'vitest';
import { ConstraintError, checkConstraints } from '../../src/air/check.ts';
import { selectorsOnCoset } from '../../src/air/domain.ts';
import { evalFoldedAtPoint, evalFoldedQuotient } from '../../src/air/eval.ts';
import { compileAir } from '../../src/air/program.ts';
import { BUILTIN_AIRS, getBuiltinAir } from '../../src/circuits/index.ts';
import {
  createPoseidon2Air,
  generatePoseidon2Trace,
  POSEIDON2_COLS_PER_PERM,
  poseidon2AirInputs,
  poseidon2OutputColumn,
} from '../../src/circuits/poseidon2-air.ts';
import { matrix } from '../../src/field/matrix.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS } from '../../src/hash/poseidon2.ts';
import { sampleMontyElement, smallRng } from '../../src/hash/poseidon2-rng.ts';

describe('Poseidon2 AIR (VectorizedPoseidon2Air<16, 7, 1, 4, 13>)', () => {
  it('has upstream shape: 298 columns per permutation, 282 constraints each, degree 3, lqc 1, no next row', () => {
    const air = createPoseidon2Air({ permsPerRow: 2 });
    expect(POSEIDON2_COLS_PER_PERM).toBe(298);
    expect(air.width).toBe(596);
    const c = compileAir(air);
    expect(c.constraints.length).toBe(2 * 282);
    expect(c.inferredDegree).toBe(3);
    expect(c.maxDegree).toBe(3);
    expect(c.logQuotientChunks).toBe(1);
    expect(c.readsNext).toBe(false);
    expect(c.usesNext).toBe(false);
  });
  for (const set of ['default', 'smallrng-seed-1'] as const) {
    it(`trace (${set} constants) satisfies the checker and its outputs equal the CPU permutation`, () => {
      const air = createPoseidon2Air({ constants: set, permsPerRow: 3 });
      const rows = 4;
      const inputs = poseidon2AirInputs(1, rows * 3);
      const trace = generatePoseidon2Trace(air, { inputs }, rows);
      checkConstraints(air, trace, []);
      const perm = createPoseidon2(POSEIDON2_CONSTANT_SETS[set]);
      for (let k = 0; k < rows * 3; k++) {
        const s = inputs.slice(16 * k, 16 * k + 16);
        perm.permute(s);
        const row = Math.floor(k / 3);
        const got = Array.from(
          { length: 16 },
          (_, i) => trace.values[row * air.width + poseidon2OutputColumn(k % 3, i)],
        );
        expect(got).toEqual(Array.from(s));
      }
    });
  }
  it('poseidon2AirInputs equals the BigInt SmallRng + StandardUniform sampler for seeds 1 and 2^40+3', () => {
    for (const seed of [1n, 2n ** 40n + 3n]) {
      const next = smallRng(seed);
      const want = Array.from({ length: 16 * 40 }, () => sampleMontyElement(next));
      expect(Array.from(poseidon2AirInputs(seed, 40))).toEqual(want);
    }
  });
  it('seeded traces use the SmallRng(1) inputs like upstream generate_vectorized_trace_rows', () => {
    const air = createPoseidon2Air({ permsPerRow: 1 });
    const a = generatePoseidon2Trace(air, { seed: 1 }, 2);
    const b = generatePoseidon2Trace(air, { inputs: poseidon2AirInputs(1, 2) }, 2);
    expect(a.values).toEqual(b.values);
  });
  it('the checker catches a corrupted S-box register and a corrupted partial round', () => {
    const air = createPoseidon2Air({ permsPerRow: 2 });
    const trace = generatePoseidon2Trace(air, { seed: 7 }, 2);
    const bad = matrix(Uint32Array.from(trace.values), air.width);
    // Row 1, permutation 1, first full round, sbox register of lane 5: constraint 282 + 5.
    bad.values[air.width + 298 + 16 + 5] ^= 1;
    expect(() => checkConstraints(air, bad, [])).toThrow(ConstraintError);
    try {
      checkConstraints(air, bad, []);
    } catch (err) {
      expect((err as ConstraintError).row).toBe(1);
      expect((err as ConstraintError).constraint).toBe(282 + 5);
    }
    const bad2 = matrix(Uint32Array.from(trace.values), air.width);
    // Row 0, permutation 0, post_sbox of partial round 2 (column 16 + 128 + 2*2 + 1): constraint 128 + 2*2 + 1.
    bad2.values[16 + 128 + 5] = (bad2.values[16 + 128 + 5] + 1) % 2013265921;
    try {
      checkConstraints(air, bad2, []);
      expect.unreachable();
    } catch (err) {
      expect((err as ConstraintError).row).toBe(0);
      expect((err as ConstraintError).constraint).toBe(128 + 5);
    }
  });
  it('the folded quotient of a valid trace vanishes on the trace domain rows (H_n, normalized selectors)', () => {
    // Sanity on the evaluator with a large AIR: all constraints are 0 on a valid trace.
    const air = createPoseidon2Air({ permsPerRow: 1 });
    const c = compileAir(air);
    const trace = generatePoseidon2Trace(air, { seed: 3 }, 4);
    const ones = new Uint32Array(4).fill(1);
    const q = evalFoldedQuotient(
      c,
      { trace, nextOffset: 0, publics: [], selectors: { ...selectorsOnCoset(2, 31, 2), invVanishing: ones } },
      Uint32Array.of(3, 1, 4, 1),
    );
    expect(Array.from(q).every((x) => x === 0)).toBe(true);
  });
});

describe('Poseidon2 AIR evaluators', () => {
  it('register program (prover) and DAG evaluation (verifier) agree on random rows', () => {
    const air = createPoseidon2Air({ permsPerRow: 2 });
    const c = compileAir(air);
    let x = 99;
    const rnd = (): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % 2013265921;
    };
    const rows = 4;
    const trace = matrix(Uint32Array.from({ length: rows * air.width }, rnd), air.width);
    const col = (): Uint32Array => Uint32Array.from({ length: rows }, rnd);
    const selectors = {
      isFirstRow: col(),
      isLastRow: col(),
      isTransition: col(),
      invVanishing: Uint32Array.of(1),
    };
    const alpha = Uint32Array.of(rnd(), rnd(), rnd(), rnd());
    const q = evalFoldedQuotient(c, { trace, nextOffset: 1, publics: [], selectors }, alpha, undefined, {
      blockSize: 3,
    });
    const emb = (v: number): Uint32Array => Uint32Array.of(v, 0, 0, 0);
    for (let j = 0; j < rows; j++) {
      const local = Array.from(trace.values.subarray(j * air.width, (j + 1) * air.width), emb);
      const sel = {
        isFirstRow: emb(selectors.isFirstRow[j]),
        isLastRow: emb(selectors.isLastRow[j]),
        isTransition: emb(selectors.isTransition[j]),
      };
      const v = evalFoldedAtPoint(c, { local, next: null, publics: [], selectors: sel }, alpha);
      expect(Array.from(q.subarray(4 * j, 4 * j + 4))).toEqual(Array.from(v));
    }
  });
});

describe('getBuiltinAir', () => {
  it('knows fibonacci and poseidon2 and rejects others', () => {
    expect(BUILTIN_AIRS).toEqual(['fibonacci', 'poseidon2']);
    expect(getBuiltinAir('fibonacci').width).toBe(2);
    expect(getBuiltinAir('poseidon2', { permsPerRow: 4 }).width).toBe(4 * 298);
    expect(() => getBuiltinAir('nope')).toThrow(/unknown built-in AIR/);
  });
});
