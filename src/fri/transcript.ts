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
}

/** Observes each EF value of a flat list (4 coefficients each, c0 first). */
export function observeExtList(ch: Challenger, xs: Uint32Array): void {
  ch.observeSlice(xs);
}
