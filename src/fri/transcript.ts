/**
 * The challenger surface that FRI and uni-stark use (Plonky3's FieldChallenger,
 * CanObserve, CanSampleBits, GrindingChallenger). src/challenger/duplex.ts implements it.
 * Proof-of-work searches run on the Backend (its `grind`); the challenger supplies the
 * candidate-test state and checks the witness, so the transcript is the challenger's alone.
 */
import type { Backend, PowTemplate } from '../runtime/backend.ts';

/** What the protocol needs from a Fiat–Shamir challenger. */
export interface Challenger {
  observe(x: number): void;
  observeSlice(xs: ArrayLike<number>): void;
  sampleExt(): Uint32Array;
  sampleBits(bits: number): number;
  grind(bits: number): number;
  checkWitness(bits: number, witness: number): boolean;
  /** The candidate-test state of docs/protocol.md §6.4 (DuplexChallenger.powTemplate), read without side effects. */
  powTemplate(): PowTemplate;
}

/**
 * Proof-of-work grinding with the smallest witness (docs/protocol.md §6.4): the backend searches the
 * challenger's template, then the challenger applies the witness with `checkWitness`.
 * @param ch the challenger
 * @param bits PoW bits (0 returns 0 and observes nothing)
 * @param backend runs the search
 * @returns the witness
 * @throws {Error} if the backend's witness fails the challenger's check
 */
export async function grindWith(ch: Challenger, bits: number, backend: Backend): Promise<number> {
  if (bits === 0) return ch.grind(0);
  const w = await backend.grind(ch.powTemplate(), bits);
  if (!ch.checkWitness(bits, w)) throw new Error(`grind: backend witness ${w} fails the check`);
  return w;
}
