/**
 * Poseidon2 BabyBear constant sets as canonical field elements (Plonky3/Plonky3:baby-bear/src/poseidon2.rs,
 * v0.6.2). `default` = BABYBEAR_POSEIDON2_RC_16/24_*; `smallrng-seed-1` = new_from_rng_128(SmallRng::seed_from_u64(1)).
 * The numbers are data: ./poseidon2-constants.json, written by scripts/gen-poseidon2-constants.ts
 * from test/vectors/poseidon2_babybear.json (default sets, internal diagonals) and from the
 * SmallRng(1) derivation of docs/protocol.md §3.6; test/hash/poseidon2.test.ts checks every set
 * against the vector file.
 */
import data from './poseidon2-constants.json' with { type: 'json' };
import type { Poseidon2Constants } from './types.ts';

/** Internal-layer diagonal V for width 16 (true field values, docs/protocol.md §3.3). */
export const INTERNAL_DIAG_16: readonly number[] = data.internalDiag16;

/** Internal-layer diagonal V for width 24 (true field values, docs/protocol.md §3.3). */
export const INTERNAL_DIAG_24: readonly number[] = data.internalDiag24;

/** The `default` width-16 set (default_babybear_poseidon2_16), used by the production presets. */
export const POSEIDON2_DEFAULT_16: Poseidon2Constants = data.default16;

/** The `default` width-24 set (default_babybear_poseidon2_24). */
export const POSEIDON2_DEFAULT_24: Poseidon2Constants = data.default24;

/** The `smallrng-seed-1` width-16 set (upstream uni-stark tests, golden proof). */
export const POSEIDON2_SMALLRNG_SEED1_16: Poseidon2Constants = data.smallrngSeed1_16;

/** Width-24 set drawn from the same SmallRng(1) right after the width-16 set. */
export const POSEIDON2_SMALLRNG_SEED1_24_AFTER_16: Poseidon2Constants = data.smallrngSeed1_24After16;
