/**
 * The proof-of-work search of docs/protocol.md §6.4 on a candidate-test state (Plonky3/Plonky3:challenger/src/
 * grinding_challenger.rs, grind): the CPU specification of Backend.grind and of the parallel grind
 * jobs. Imports only the hash layer, so every backend can use it.
 */
import type { Poseidon2Perm } from '../hash/poseidon2.ts';

/**
 * The smallest valid proof-of-work candidate in [start, end) for a template (docs/protocol.md §6.4), searched
 * sequentially: the CPU specification of Backend.grind (over [0, P)) and of its parallel jobs.
 * @param perm the challenger's permutation
 * @param template the candidate-test state
 * @param bits PoW bits, 1..30
 * @param start first candidate
 * @param end one past the last candidate
 * @returns the witness, or -1 when the range holds none
 */
export function powWitnessSearch(
  perm: Poseidon2Perm,
  template: { readonly state: Uint32Array; readonly slot: number; readonly rate: number },
  bits: number,
  start: number,
  end: number,
): number {
  const base = template.state;
  const s = new Uint32Array(base.length);
  const mask = 2 ** bits - 1;
  const out = template.rate - 1;
  for (let w = start; w < end; w++) {
    s.set(base);
    s[template.slot] = w;
    perm.permute(s, 0);
    if ((s[out] & mask) === 0) return w;
  }
  return -1;
}
