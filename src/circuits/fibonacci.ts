/**
 * The Fibonacci AIR of upstream's uni-stark tests and golden proof (docs/protocol.md §14).
 *
 * Mirrors Plonky3/Plonky3:uni-stark/tests/fib_air.rs (FibonacciAir, generate_trace_rows) at v0.6.2.
 * Width 2 (left, right), public values [a, b, x], degree hint 2. Constraints, in this order:
 * isFirstRow*(left - a), isFirstRow*(right - b), isTransition*(right - next.left),
 * isTransition*(left + right - next.right), isLastRow*(right - x).
 */

import { type Air, AirError, windowAir } from '../air/air.ts';
import { add, P } from '../field/babybear.ts';
import { type Matrix, matrix } from '../field/matrix.ts';

/** Main trace width of the Fibonacci AIR. */
export const FIBONACCI_WIDTH = 2;

/**
 * Upstream's FibonacciAir.
 * @returns the AIR (name 'fibonacci')
 * @example
 * const air = fibonacciAir();
 * const trace = generateFibonacciTrace(0, 1, 8); // publics [0, 1, 21]
 */
export function fibonacciAir(): Air {
  return windowAir(
    { name: 'fibonacci', width: FIBONACCI_WIDTH, numPublicValues: 3, maxConstraintDegree: 2 },
    (b, [left, right], [nextLeft, nextRight], [a, bv, x]) => {
      const first = b.whenFirstRow();
      first.assertEq(left, a);
      first.assertEq(right, bv);
      const trans = b.whenTransition();
      trans.assertEq(right, nextLeft);
      trans.assertEq(b.add(left, right), nextRight);
      b.whenLastRow().assertEq(right, x);
    },
  );
}

/**
 * Fibonacci trace: row 0 = (a, b), row i = (right, left + right) of row i - 1.
 * @param a first value (reduced mod P)
 * @param b second value (reduced mod P)
 * @param n rows, a power of two
 * @returns the n x 2 trace
 * @throws {AirError} if n is not a power of two
 */
export function generateFibonacciTrace(a: number, b: number, n: number): Matrix {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0)
    throw new AirError(`trace height ${n} is not a power of two`);
  const v = new Uint32Array(2 * n);
  v[0] = a % P;
  v[1] = b % P;
  for (let i = 1; i < n; i++) {
    v[2 * i] = v[2 * i - 1];
    v[2 * i + 1] = add(v[2 * i - 2], v[2 * i - 1]);
  }
  return matrix(v, FIBONACCI_WIDTH);
}

/**
 * The public values [a, b, x] matching `generateFibonacciTrace(a, b, n)`: x = right of the last row.
 * @param a first value
 * @param b second value
 * @param n rows
 * @returns [a, b, x]
 */
export function fibonacciPublicValues(a: number, b: number, n: number): Uint32Array {
  const t = generateFibonacciTrace(a, b, n);
  return Uint32Array.of(a % P, b % P, t.values[2 * n - 1]);
}
