/** Seeded random field elements for tests (the project's one xorshift32, src/field/rng.ts; seeds in the titles). */
import { P } from '../../src/field/babybear.ts';
import { xorshift32 } from '../../src/field/rng.ts';

/**
 * n canonical elements from xorshift32 words reduced mod P.
 * @param seed the seed (printed in each test's title)
 * @param n how many
 * @returns the elements
 */
export function randomFelts(seed: number, n: number): Uint32Array {
  const next = xorshift32(seed);
  const v = new Uint32Array(n);
  for (let i = 0; i < n; i++) v[i] = next() % P;
  return v;
}
