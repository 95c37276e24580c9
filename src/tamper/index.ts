/**
 * The tamper catalogue of docs/verifier-hardening.md §4: every class of mutation of a valid
 * proof, each case named (`A4.bad-magic`) with the rejection codes it must produce. One module
 * owns it; its users pick what they run:
 *   - test/stark/tamper.test.ts runs every case, the prefix sweep and the bit-flip sweep on
 *     upstream's golden proof and on our no-PoW proof;
 *   - the stress harness (`p3ts stress`) runs the cases of the scenario's classes, plus class R
 *     (`randomCases`), against every circuit family;
 *   - the node's preflight canary (src/node/engine.ts) runs `CANARY_TAMPERS`, which need only the
 *     envelope bytes.
 *
 * Classes A (decoding.ts), B, C, K (statement.ts) and D to I (openings.ts) are cases here, and
 * so are the canary's mutations (classes A and L). The sweeps of classes L and M are generators
 * (`prefixes`, `bitFlips`), and class R (`randomCases`) draws from the caller's generator. J
 * (forced challenges, test/stark/codes.test.ts), B3 to B5 (verifier options and configuration)
 * and H4, H6 (unit tests of `verifyBatch`) are not mutations of proof bytes and stay with the
 * tests that name them.
 *
 * No Plonky3 counterpart (upstream's tamper tests live in fri/tests and uni-stark/tests).
 * Imports src/stark and src/field only; nothing in the library imports it except src/node.
 */
import { xorshift32 } from '../field/rng.ts';
import { bytesCase, env, envelopeOf, type TamperCase } from './case.ts';
import { CANARY_TAMPERS, CLASS_A } from './decoding.ts';
import { CLASS_D, CLASS_E, CLASS_F, CLASS_G, CLASS_H, CLASS_I } from './openings.ts';
import { CLASS_B, CLASS_C, CLASS_K } from './statement.ts';

export {
  isUnchanged,
  type TamperBase,
  type TamperCase,
  type TamperInput,
  verifyTamperInput,
} from './case.ts';
export { bitFlips, CANARY_TAMPERS, type EnvelopeTamper, prefixes } from './decoding.ts';
export { type BodyOffsets, bodyOffsets } from './layout.ts';

/** The canary's mutations as cases on a base (class A ones run in the harness too). */
const CANARY_CASES: readonly TamperCase[] = CANARY_TAMPERS.map((t) =>
  bytesCase(t.id, t.expect, (b) => env(b, b.body, { bytes: t.mutate(envelopeOf(b)) })),
);

/** Every named case, classes A to L, in order. */
export const TAMPER_CATALOGUE: readonly TamperCase[] = Object.freeze([
  ...CLASS_A,
  ...CLASS_B,
  ...CLASS_C,
  ...CLASS_D,
  ...CLASS_E,
  ...CLASS_F,
  ...CLASS_G,
  ...CLASS_H,
  ...CLASS_I,
  ...CLASS_K,
  ...CANARY_CASES,
]);

/**
 * A seeded xorshift32 generator of floats in [0, 1).
 * @param seed any integer (0 is replaced by 1)
 * @returns the generator
 */
export function seededRng(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 2 ** 32;
}

/**
 * Class R: `count` random mutations of the enveloped proof, each changing 1 to 5 random bytes
 * (xor with a random non-zero mask).
 * @param count number of cases
 * @returns the cases (ids R.random-0 ...)
 */
export function randomCases(count: number): TamperCase[] {
  const out: TamperCase[] = [];
  for (let k = 0; k < count; k++) {
    out.push({
      id: `R.random-${k}`,
      cls: 'R',
      apply(b, rng) {
        const e = envelopeOf(b);
        const n = 1 + Math.floor(rng() * 5);
        for (let i = 0; i < n; i++) e[Math.floor(rng() * e.length)] ^= 1 + Math.floor(rng() * 255);
        return env(b, b.body, { bytes: e });
      },
    });
  }
  return out;
}
