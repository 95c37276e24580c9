import { describe, expect, it } from 'vitest';
import type { Air } from '../../src/air/air.ts';
import { ConstraintError, checkConstraints } from '../../src/air/check.ts';
import { periodicColumnsOnCoset, periodicValuesAtPoint } from '../../src/air/domain.ts';
import { compileAir } from '../../src/air/program.ts';
import { matrix } from '../../src/field/matrix.ts';

const periodicAir: Air = {
  name: 'periodic',
  width: 2,
  numPublicValues: 1,
  periodicColumns: [Uint32Array.of(7, 8, 9, 10)],
  eval(b) {
    b.assertEq(b.main.local[0], b.periodic[0]);
    b.whenTransition().assertEq(b.main.next[1], b.add(b.main.local[1], b.main.local[0]));
    b.whenFirstRow().assertZero(b.main.local[1]);
    b.whenLastRow().assertEq(b.main.local[1], b.publicValues[0]);
  },
};

function periodicTrace(n: number): { trace: Uint32Array; last: number } {
  const v = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    v[2 * i] = 7 + (i % 4);
    if (i > 0) v[2 * i + 1] = v[2 * i - 1] + v[2 * i - 2];
  }
  return { trace: v, last: v[2 * n - 1] };
}

describe('checkConstraints', () => {
  it('accepts a valid trace with periodic columns tiled over the rows', () => {
    const { trace, last } = periodicTrace(8);
    checkConstraints(periodicAir, matrix(trace, 2), [last]);
  });
  it('names the lowest failing row, then the lowest constraint index, with a description', () => {
    const { trace, last } = periodicTrace(8);
    trace[2 * 6] += 1; // periodic mismatch on row 6 (constraint 0) and transition 6 -> 7 (constraint 1)
    const err = (() => {
      try {
        checkConstraints(periodicAir, matrix(trace, 2), [last]);
      } catch (e) {
        return e as ConstraintError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(ConstraintError);
    expect(err.row).toBe(6);
    expect(err.constraint).toBe(0);
    expect(err.message).toContain('(local[0] - periodic[0])');
  });
  it('rejects a wrong public-value count and a non-power-of-two height', () => {
    const { trace } = periodicTrace(8);
    expect(() => checkConstraints(periodicAir, matrix(trace, 2), [])).toThrow(/public values/);
    expect(() => checkConstraints(periodicAir, matrix(trace.subarray(0, 12), 2), [0])).toThrow(
      /power of two/,
    );
  });
  it('periodic helpers return one value per column', () => {
    const c = compileAir(periodicAir);
    expect(periodicValuesAtPoint(c.air.periodicColumns, 3, Uint32Array.of(5, 6, 7, 8)).length).toBe(4);
    const cols = periodicColumnsOnCoset(c.air.periodicColumns, 3, 31, 4);
    expect(cols.length).toBe(1);
    expect(cols[0].length).toBe(8);
  });
});
