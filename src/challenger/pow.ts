/**
 * The proof-of-work search of docs/protocol.md §6.4 on a candidate-test state (Plonky3/Plonky3:challenger/src/
 * grinding_challenger.rs, grind): the CPU specification of Backend.grind, of the parallel grind jobs and
 * of DuplexChallenger.grind. Imports nothing, so every backend can use it.
 */

/** What the search needs of the permutation (Poseidon2Perm, ChallengerPermutation). */
export interface PowPermutation {
  /** Permutes states[offset + k * width ..) in place for k < count. */
  permuteMany(states: Uint32Array, offset: number, count: number): void;
}

/** Candidates permuted together (Poseidon2Perm.permuteMany); the first hit in order still wins. */
const POW_BATCH = 64;

/** A candidate-test state: the template state, the candidate's slot and the sponge rate. */
export interface PowSearchTemplate {
  readonly state: Uint32Array;
  readonly slot: number;
  readonly rate: number;
}

/**
 * The smallest valid proof-of-work candidate in [start, end) for a template (docs/protocol.md §6.4):
 * with w in `slot`, the permuted state's element rate - 1 has its low `bits` bits zero.
 *
 * Clear form: `for (w = start; w < end; w++) { s = template; s[slot] = w; permute(s); if ok return w }`.
 * Here candidates are permuted in batches of POW_BATCH and scanned in order, so the answer is the same.
 * @param perm the challenger's permutation
 * @param template the candidate-test state
 * @param bits PoW bits, 1..30
 * @param start first candidate
 * @param end one past the last candidate
 * @returns the witness, or -1 when the range holds none
 */
export function powWitnessSearch(
  perm: PowPermutation,
  template: PowSearchTemplate,
  bits: number,
  start: number,
  end: number,
): number {
  const { state: base, slot, rate } = template;
  const width = base.length;
  const out = rate - 1;
  const mask = 2 ** bits - 1;
  const s = new Uint32Array(width * POW_BATCH);
  for (let w0 = start; w0 < end; w0 += POW_BATCH) {
    const count = Math.min(POW_BATCH, end - w0);
    for (let k = 0; k < count; k++) {
      s.set(base, k * width);
      s[k * width + slot] = w0 + k;
    }
    perm.permuteMany(s, 0, count);
    for (let k = 0; k < count; k++) if ((s[k * width + out] & mask) === 0) return w0 + k;
  }
  return -1;
}
