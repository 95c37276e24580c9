/**
 * Per-configuration objects shared by prover and verifier: the Poseidon2 permutation of the
 * configuration's constant set, the Merkle configuration and a fresh challenger.
 * Permutations are cached per constant set (they are immutable).
 */
import { DuplexChallenger } from '../challenger/duplex.ts';
import type { Poseidon2Perm } from '../hash/poseidon2.ts';
import { poseidon2ForSet } from '../hash/poseidon2.ts';
import type { MerkleConfig } from '../merkle/mmcs.ts';
import { permSetOf, type StarkConfig } from './config.ts';

const perms = new Map<string, Poseidon2Perm>();

/** The width-16 Poseidon2 permutation of a configuration. */
export function permFor(config: StarkConfig): Poseidon2Perm {
  let p = perms.get(config.constants);
  if (!p) {
    p = poseidon2ForSet(permSetOf(config.constants));
    perms.set(config.constants, p);
  }
  return p;
}

/** The MMCS configuration (leaf hash and compression from one permutation). */
export function mmcsFor(config: StarkConfig): MerkleConfig {
  return { perm: permFor(config) };
}

/** A fresh challenger: all-zero state, empty buffers, nothing pre-observed (docs/protocol.md §6.3). */
export function challengerFor(config: StarkConfig): DuplexChallenger {
  return new DuplexChallenger(permFor(config));
}
