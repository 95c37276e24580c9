/**
 * A test AIR of degree 5 (quotient degree 4, so log_quotient_chunks = 2, above a blowup of 2):
 * x' = x^5 + p(row) on transitions, with a periodic column p of length 4, x_0 = public 0 and the
 * last x = public 1. It exercises the quotient's own coset LDE of the trace (lqc > logBlowup).
 */
import type { Air, AirBuilder } from '../../src/air/air.ts';
import { add, mul } from '../../src/field/babybear.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';

const PERIODIC = Uint32Array.of(1, 2, 3, 4);

/** The AIR. */
export function quinticAir(): Air {
  return {
    name: 'test-quintic',
    width: 1,
    numPublicValues: 2,
    periodicColumns: [PERIODIC],
    eval(b: AirBuilder): void {
      const [x] = b.main.local;
      const [nx] = b.main.next;
      const [p] = b.periodic;
      b.whenFirstRow().assertEq(x, b.publicValues[0]);
      b.whenTransition().assertEq(nx, b.add(b.mul(b.cube(x), b.square(x)), p));
      b.whenLastRow().assertEq(x, b.publicValues[1]);
    },
  };
}

/** An honest trace of n rows from x_0 and its public values. */
export function quinticTrace(x0: number, n: number): { trace: Matrix; publics: number[] } {
  const v = new Uint32Array(n);
  v[0] = x0;
  for (let i = 1; i < n; i++) {
    const x = v[i - 1];
    const x2 = mul(x, x);
    v[i] = add(mul(mul(x2, x2), x), PERIODIC[(i - 1) % 4]);
  }
  return { trace: matrix(v, 1), publics: [x0, v[n - 1]] };
}
