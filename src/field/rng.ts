/**
 * The one seeded pseudo-random generator of the project: xorshift32 (Marsaglia, shifts 13, 17, 5).
 * Used for deterministic sample inputs, tamper cases and test data; never for secrets or for
 * anything the protocol derives (challenges come from the challenger).
 *
 * No Plonky3 counterpart (Plonky3's tests use `rand::SmallRng`, which this does not reproduce).
 */

/**
 * A seeded xorshift32 stream of 32-bit words.
 * @param seed any integer; its low 32 bits seed the state (0 is replaced by 1)
 * @returns a function giving the next word in [0, 2^32)
 * @example
 * const next = xorshift32(7); const word = next();
 */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
