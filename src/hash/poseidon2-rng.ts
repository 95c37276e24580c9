/**
 * Derivation of RNG-seeded Poseidon2 round constants, bit-exact with Plonky3's
 * `Poseidon2::new_from_rng_128` (Plonky3/Plonky3:poseidon2/src/lib.rs, v0.6.2) fed by
 * rand 0.10's `SmallRng::seed_from_u64` (Xoshiro256++) or rand_xoshiro's `Xoroshiro128Plus`.
 *
 * One-time constant derivation only (docs/protocol.md §3.6): uses BigInt and is never on a hot
 * path. The generator script (scripts/gen-poseidon2-constants.ts) ships its output as data.
 *
 * Invariant: every u64 operation wraps mod 2^64 (masked with MASK64).
 */
import { fromMontgomery, P } from '../field/babybear.ts';
import type { Poseidon2Constants } from './types.ts';

const MASK64 = (1n << 64n) - 1n;

/** A 64-bit generator: each call returns the next u64 as a BigInt in [0, 2^64). */
export type NextU64 = () => bigint;

function rotl64(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (64n - k))) & MASK64;
}

/**
 * SplitMix64 stream starting from `seed` (rand_core's seed_from_u64 expansion).
 * @param seed the u64 seed
 * @returns a function returning consecutive SplitMix64 outputs
 */
export function splitMix64(seed: bigint): NextU64 {
  let x = seed & MASK64;
  return () => {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
}

/**
 * rand 0.10 `SmallRng::seed_from_u64(seed)` on 64-bit targets (Xoshiro256++).
 * @param seed the u64 seed
 * @returns next_u64 of the generator
 */
export function smallRng(seed: bigint): NextU64 {
  const sm = splitMix64(seed);
  let s0 = sm();
  let s1 = sm();
  let s2 = sm();
  let s3 = sm();
  return () => {
    const res = (rotl64((s0 + s3) & MASK64, 23n) + s0) & MASK64;
    const t = (s1 << 17n) & MASK64;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl64(s3, 45n);
    return res;
  };
}

/**
 * rand_xoshiro `Xoroshiro128Plus::seed_from_u64(seed)` (Plonky3's Poseidon2 unit-test KATs).
 * @param seed the u64 seed
 * @returns next_u64 of the generator
 */
export function xoroshiro128Plus(seed: bigint): NextU64 {
  const sm = splitMix64(seed);
  let s0 = sm();
  let s1 = sm();
  return () => {
    const r = (s0 + s1) & MASK64;
    s1 ^= s0;
    s0 = rotl64(s0, 24n) ^ s1 ^ ((s1 << 16n) & MASK64);
    s1 = rotl64(s1, 37n);
    return r;
  };
}

/**
 * Draws one field element the way Plonky3's `StandardUniform` does for MontyField31:
 * rejection-sample 31 bits (`next_u32() >> 1`) below P, read as a Montgomery form.
 * @param next the u64 generator (next_u32 = high half of next_u64)
 * @returns a canonical element
 */
export function sampleMontyElement(next: NextU64): number {
  for (;;) {
    const v = Number(next() >> 33n);
    if (v < P) return fromMontgomery(v);
  }
}

/** Partial-round count of BabyBear Poseidon2 for a width (13 for 16, 21 for 24). */
export function partialRounds(width: number): number {
  if (width === 16) return 13;
  if (width === 24) return 21;
  throw new RangeError(`Poseidon2: unsupported width ${width}`);
}

/**
 * `new_from_rng_128` draw order: 4 rows of `width` (initial), 4 rows (terminal), then the
 * partial-round constants.
 * @param next the u64 generator, advanced in place
 * @param width 16 or 24
 * @returns the constant set
 * @throws {RangeError} for an unsupported width
 */
export function constantsFromRng(next: NextU64, width: number): Poseidon2Constants {
  const rounds = partialRounds(width);
  const row = (): number[] => {
    const r: number[] = [];
    for (let i = 0; i < width; i++) r.push(sampleMontyElement(next));
    return r;
  };
  const externalInitial = [row(), row(), row(), row()];
  const externalTerminal = [row(), row(), row(), row()];
  const internal: number[] = [];
  for (let i = 0; i < rounds; i++) internal.push(sampleMontyElement(next));
  return { width, externalInitial, externalTerminal, internal };
}
