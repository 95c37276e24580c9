/**
 * FRI proof types, field for field in Plonky3 v0.6.2's serialization order
 * (Plonky3/Plonky3:fri/src/proof.rs, commit/src/mmcs.rs for BatchOpening). Extension elements
 * are stored flat (4 canonical coefficients each).
 */
import type { Digest } from '../hash/types.ts';

/**
 * An MMCS batch opening: one row per matrix (caller order) and the sibling path, its digests
 * (leaf level first, 8 elements each) in one flat array of 8 * path length elements.
 */
export interface BatchOpening {
  readonly openedValues: readonly Uint32Array[];
  readonly openingProof: Uint32Array;
}

/** One FRI folding step of a query. */
export interface CommitPhaseProofStep {
  readonly logArity: number;
  /** 2^logArity - 1 EF values, flat. */
  readonly siblingValues: Uint32Array;
  /** The sibling path, flat (as BatchOpening.openingProof). */
  readonly openingProof: Uint32Array;
}

/** The openings of one FRI query. */
export interface QueryProof {
  readonly inputProof: readonly BatchOpening[];
  readonly commitPhaseOpenings: readonly CommitPhaseProofStep[];
}

/** The FRI proof (TwoAdicFriPcs opening proof). */
export interface FriProof {
  readonly commitPhaseCommits: readonly Digest[];
  readonly commitPowWitnesses: readonly number[];
  readonly queryProofs: readonly QueryProof[];
  /** Final polynomial coefficients, EF, c_0 first, flat. */
  readonly finalPoly: Uint32Array;
  readonly queryPowWitness: number;
}
