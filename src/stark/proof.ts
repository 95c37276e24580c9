/**
 * Proof types of uni-stark with the two-adic FRI PCS, field for field in Plonky3 v0.6.2's
 * serialization order (Plonky3/Plonky3:uni-stark/src/proof.rs, fri/src/proof.rs,
 * commit/src/mmcs.rs for BatchOpening). Caps hold exactly one digest (cap height 0), so a
 * commitment is stored as its single root digest.
 *
 * Extension elements are stored flat: an `Ext4` list of length k is a Uint32Array of 4k
 * canonical coefficients.
 */
import type { Digest } from '../hash/types.ts';

/** Commitments of a proof: trace and quotient roots; `random` is ZK only (always null here). */
export interface Commitments {
  readonly trace: Digest;
  readonly quotientChunks: Digest;
  readonly random: Digest | null;
}

/** Opened values at zeta (and zeta * g for the next row), flat EF lists. */
export interface OpenedValues {
  readonly traceLocal: Uint32Array;
  readonly traceNext: Uint32Array | null;
  readonly preprocessedLocal: Uint32Array | null;
  readonly preprocessedNext: Uint32Array | null;
  /** One flat list of 4 EF values (16 coefficients) per quotient chunk. */
  readonly quotientChunks: readonly Uint32Array[];
  readonly random: Uint32Array | null;
}

/** An MMCS batch opening: one row per matrix (caller order) and the sibling path. */
export interface BatchOpening {
  readonly openedValues: readonly Uint32Array[];
  readonly openingProof: readonly Digest[];
}

/** One FRI folding step of a query. */
export interface CommitPhaseProofStep {
  readonly logArity: number;
  /** 2^logArity - 1 EF values, flat. */
  readonly siblingValues: Uint32Array;
  readonly openingProof: readonly Digest[];
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

/** A uni-stark proof. */
export interface Proof {
  readonly commitments: Commitments;
  readonly openedValues: OpenedValues;
  readonly openingProof: FriProof;
  readonly degreeBits: number;
}
