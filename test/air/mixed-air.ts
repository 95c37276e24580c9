/** An AIR touching every node kind of the register program: next rows, publics, periodic columns, every selector, uniform and constant roots. Shared by the CPU evaluator and GPU quotient tests. */
import type { Air, AirBuilder } from '../../src/air/air.ts';

export const mixedAir: Air = {
  name: 'mixed',
  width: 4,
  numPublicValues: 2,
  periodicColumns: [Uint32Array.of(1, 2), Uint32Array.of(3, 4, 5, 6)],
  eval(b: AirBuilder) {
    const [x, y, z, t] = b.main.local;
    const [nx, ny] = b.main.next;
    const [p0, p1] = b.publicValues;
    const [q0, q1] = b.periodic;
    b.whenFirstRow().assertEq(x, p0);
    b.whenTransition().assertEq(b.add(x, b.mul(y, z)), nx);
    b.assertBool(t);
    b.whenLastRow().assertEq(b.cube(y), b.sub(p1, ny));
    b.assertZero(b.mul(q0, b.sub(z, q1)));
    b.assertEq(p0, 5); // uniform root
    b.assertZero(b.mul(x, 0)); // constant root
    b.when(b.neg(t)).assertZero(b.sub(3, b.square(x)));
    b.assertZero(b.sub(b.mul(p1, 2), t));
  },
};
