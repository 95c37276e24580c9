/** Shared hash types. A digest is 8 canonical BabyBear elements (Poseidon2-16, rate 8). */
export type Digest = Uint32Array;
/** Elements per digest. */
export const DIGEST_ELEMS = 8;

/**
 * One Poseidon2 round-constant set for one width (Plonky3's ExternalLayerConstants plus the
 * internal constants). All values are canonical BabyBear elements.
 */
export interface Poseidon2Constants {
  /** State width t: 16 or 24. */
  readonly width: number;
  /** RC_init: 4 rows of `width` constants, added before the S-box of the initial full rounds. */
  readonly externalInitial: readonly (readonly number[])[];
  /** RC_term: 4 rows of `width` constants for the terminal full rounds. */
  readonly externalTerminal: readonly (readonly number[])[];
  /** RC_int: one constant per partial round (13 for width 16, 21 for width 24). */
  readonly internal: readonly number[];
}
