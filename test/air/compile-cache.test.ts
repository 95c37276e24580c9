import { describe, expect, it } from 'vitest';
import type { Air, AirBuilder } from '../../src/air/air.ts';
import { compileAir, compileAirCached } from '../../src/air/symbolic.ts';
import { fibonacciAir } from '../../src/circuits/fibonacci.ts';

/** A mutable toy AIR: x0 * x1 = pub0 on every row, with fields a test may edit. */
interface ToyAir {
  name: string;
  width: number;
  numPublicValues: number;
  maxConstraintDegree?: number;
  mainNextRowColumns?: number[];
  periodicColumns?: Uint32Array[];
  eval(b: AirBuilder): void;
}

function toy(): ToyAir {
  return {
    name: 'toy',
    width: 2,
    numPublicValues: 1,
    mainNextRowColumns: [],
    eval(b: AirBuilder): void {
      b.assertEq(b.mul(b.main.local[0], b.main.local[1]), b.publicValues[0]);
    },
  };
}

describe('compileAirCached', () => {
  it('returns the same compilation for the same unchanged AIR, and equals compileAir', () => {
    const air = fibonacciAir();
    const a = compileAirCached(air);
    expect(compileAirCached(air)).toBe(a);
    const fresh = compileAir(air);
    expect(Array.from(a.program)).toEqual(Array.from(fresh.program));
    expect(a.constraintDegrees).toEqual(fresh.constraintDegrees);
  });

  it('a different AIR object with equal fields gets its own entry', () => {
    const a = fibonacciAir();
    const b = fibonacciAir();
    expect(compileAirCached(a)).not.toBe(compileAirCached(b));
    expect(compileAirCached(b).air).toBe(b);
  });

  it('every edit of a field the compilation reads recompiles, never a stale hit', () => {
    const air = toy();
    const edits: [string, (a: ToyAir) => void, (c: ReturnType<typeof compileAir>) => void][] = [
      ['width', (a) => (a.width = 3), (c) => expect(c.width).toBe(3)],
      ['numPublicValues', (a) => (a.numPublicValues = 2), (c) => expect(c.numPublicValues).toBe(2)],
      ['maxConstraintDegree', (a) => (a.maxConstraintDegree = 5), (c) => expect(c.maxDegree).toBe(5)],
      [
        'eval replaced',
        (a) => {
          a.eval = (b: AirBuilder): void => {
            b.assertZero(b.mul(b.mul(b.main.local[0], b.main.local[0]), b.main.local[0]));
          };
        },
        (c) => expect(c.inferredDegree).toBe(3),
      ],
      [
        'next-row list edited in place',
        (a) => a.mainNextRowColumns?.push(1),
        (c) => expect(c.readsNext).toBe(true),
      ],
      [
        'periodic column added',
        (a) => (a.periodicColumns = [Uint32Array.of(1, 2)]),
        (c) => expect(c.numPeriodic).toBe(1),
      ],
      [
        'periodic column replaced in place',
        (a) => {
          if (a.periodicColumns) a.periodicColumns[0] = Uint32Array.of(1, 2, 3, 4);
        },
        (c) => expect(c.air.periodicColumns?.[0].length).toBe(4),
      ],
      ['name', (a) => (a.name = 'toy2'), (c) => expect(c.air.name).toBe('toy2')],
    ];
    let prev = compileAirCached(air as Air);
    for (const [label, edit, check] of edits) {
      edit(air);
      const next = compileAirCached(air as Air);
      expect(next, label).not.toBe(prev);
      check(next);
      expect(compileAirCached(air as Air), `${label}: cached after the edit`).toBe(next);
      prev = next;
    }
  });

  it('a failing compilation is not cached: fixing the AIR compiles it', () => {
    const air = toy();
    air.eval = (b: AirBuilder): void => {
      b.assertZero(b.main.next[0]);
    };
    expect(() => compileAirCached(air as Air)).toThrow();
    air.mainNextRowColumns = [0];
    expect(compileAirCached(air as Air).usesNext).toBe(true);
  });
});
