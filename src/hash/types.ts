/** Shared hash types. A digest is 8 canonical BabyBear elements (Poseidon2-16, rate 8). */
export type Digest = Uint32Array;
/** Elements per digest. */
export const DIGEST_ELEMS = 8;
