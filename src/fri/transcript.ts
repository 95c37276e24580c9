/**
 * The challenger surface that FRI and uni-stark use (Plonky3's FieldChallenger,
 * CanObserve, CanSampleBits, GrindingChallenger). src/challenger/duplex.ts implements it.
 */

/** What the protocol needs from a Fiat–Shamir challenger. */
export interface Challenger {
  observe(x: number): void;
  observeSlice(xs: ArrayLike<number>): void;
  sampleExt(): Uint32Array;
  sampleBits(bits: number): number;
  grind(bits: number): number;
  checkWitness(bits: number, witness: number): boolean;
  /** Optional: the candidate-test state of §6.4, so a backend can grind in parallel. */
  powTemplate?(): { state: Uint32Array; slot: number; rate: number };
}

/** The smallest-witness search a backend may run in parallel (Backend.grind). */
export type GrindFn = (
  template: { state: Uint32Array; slot: number; rate: number },
  bits: number,
) => Promise<number>;

/**
 * Proof-of-work grinding with the smallest witness (§6.4): on the backend when it offers a
 * parallel search and the challenger exposes its template, else on the challenger; either way
 * the witness is then applied with `checkWitness`.
 * @param ch the challenger
 * @param bits PoW bits (0 returns 0 and observes nothing)
 * @param grind the backend's search, if any
 * @returns the witness
 * @throws {Error} if the backend's witness fails the challenger's check
 */
export async function grindWith(ch: Challenger, bits: number, grind?: GrindFn): Promise<number> {
  if (bits === 0 || !grind || !ch.powTemplate) return ch.grind(bits);
  const w = await grind(ch.powTemplate(), bits);
  if (!ch.checkWitness(bits, w)) throw new Error(`grind: backend witness ${w} fails the check`);
  return w;
}
