/**
 * Proof types of uni-stark with the two-adic FRI PCS, field for field in Plonky3 v0.6.2's
 * serialization order (Plonky3/Plonky3:uni-stark/src/proof.rs, fri/src/proof.rs,
 * commit/src/mmcs.rs for BatchOpening). Caps hold exactly one digest (cap height 0), so a
 * commitment is stored as its single root digest.
 *
 * Extension elements are stored flat: an `Ext4` list of length k is a Uint32Array of 4k
 * canonical coefficients.
 */
import type { FriProof } from '../fri/proof.ts';
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

export type { BatchOpening, CommitPhaseProofStep, FriProof, QueryProof } from '../fri/proof.ts';

/** A uni-stark proof. */
export interface Proof {
  readonly commitments: Commitments;
  readonly openedValues: OpenedValues;
  readonly openingProof: FriProof;
  readonly degreeBits: number;
}
