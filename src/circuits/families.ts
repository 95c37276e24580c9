/**
 * The registry of the five circuit families a node loads (runbook: transaction, state, pruning,
 * uptime, consensus). Each family builds `{ air, trace, publicValues }` from plain JSON input.
 *
 * No Plonky3 counterpart. Invariant: `FAMILY_NAMES` order is the order of reports, the cache
 * manifest and the expected-digest table.
 */
import type { Air } from '../air/air.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import { CONSENSUS_SUMMARY, consensusSpec } from './consensus.ts';
import type { CircuitFamily, FamilySize } from './family-kit.ts';
import { defineFamily, FamilyInputError } from './family-kit.ts';
import { PRUNING_SUMMARY, pruningSpec } from './pruning.ts';
import { STATE_SUMMARY, stateSpec } from './state.ts';
import { TX_SUMMARY, transactionSpec } from './transaction.ts';
import { UPTIME_SUMMARY, uptimeSpec } from './uptime.ts';

export type {
  BuildOptions,
  CircuitFamily,
  FamilyAirOptions,
  FamilySize,
  FamilyStatement,
} from './family-kit.ts';
export { FamilyInputError } from './family-kit.ts';

/** The family names, in report order. */
export const FAMILY_NAMES: readonly ['transaction', 'state', 'pruning', 'uptime', 'consensus'] =
  Object.freeze(['transaction', 'state', 'pruning', 'uptime', 'consensus'] as const);

/** A family name. */
export type FamilyName = (typeof FAMILY_NAMES)[number];

/** The size profiles. */
export const FAMILY_SIZES: readonly FamilySize[] = Object.freeze(['production', 'test'] as const);

/** The families by name. */
export const FAMILIES: Readonly<Record<FamilyName, CircuitFamily>> = Object.freeze({
  transaction: defineFamily('transaction', TX_SUMMARY, transactionSpec),
  state: defineFamily('state', STATE_SUMMARY, stateSpec),
  pruning: defineFamily('pruning', PRUNING_SUMMARY, pruningSpec),
  uptime: defineFamily('uptime', UPTIME_SUMMARY, uptimeSpec),
  consensus: defineFamily('consensus', CONSENSUS_SUMMARY, consensusSpec),
});

/** The transaction family's witness builder (`FAMILIES.transaction.build`). */
export const buildTransaction: CircuitFamily['build'] = FAMILIES.transaction.build;
/** The transaction family's sample input (`FAMILIES.transaction.sampleInput`). */
export const sampleTransactionInput: CircuitFamily['sampleInput'] = FAMILIES.transaction.sampleInput;
/** The state family's witness builder (`FAMILIES.state.build`). */
export const buildState: CircuitFamily['build'] = FAMILIES.state.build;
/** The state family's sample input (`FAMILIES.state.sampleInput`). */
export const sampleStateInput: CircuitFamily['sampleInput'] = FAMILIES.state.sampleInput;
/** The pruning family's witness builder (`FAMILIES.pruning.build`). */
export const buildPruning: CircuitFamily['build'] = FAMILIES.pruning.build;
/** The pruning family's sample input (`FAMILIES.pruning.sampleInput`). */
export const samplePruningInput: CircuitFamily['sampleInput'] = FAMILIES.pruning.sampleInput;
/** The uptime family's witness builder (`FAMILIES.uptime.build`). */
export const buildUptime: CircuitFamily['build'] = FAMILIES.uptime.build;
/** The uptime family's sample input (`FAMILIES.uptime.sampleInput`). */
export const sampleUptimeInput: CircuitFamily['sampleInput'] = FAMILIES.uptime.sampleInput;
/** The consensus family's witness builder (`FAMILIES.consensus.build`). */
export const buildConsensus: CircuitFamily['build'] = FAMILIES.consensus.build;
/** The consensus family's sample input (`FAMILIES.consensus.sampleInput`). */
export const sampleConsensusInput: CircuitFamily['sampleInput'] = FAMILIES.consensus.sampleInput;

/**
 * Whether a string names a family.
 * @param name the candidate
 * @returns true for one of FAMILY_NAMES
 */
export function isFamilyName(name: string): name is FamilyName {
  return (FAMILY_NAMES as readonly string[]).includes(name);
}

/**
 * Looks up a family.
 * @param name the family name
 * @returns the family
 * @throws {FamilyInputError} for an unknown name
 * @example
 * const { air, trace, publicValues } = getFamily('consensus').build(getFamily('consensus').sampleInput('test'), { size: 'test' });
 */
export function getFamily(name: string): CircuitFamily {
  if (!isFamilyName(name))
    throw new FamilyInputError(name, '', `unknown circuit family (known: ${FAMILY_NAMES.join(', ')})`);
  return FAMILIES[name];
}

const AIRS = new Map<string, Air>();

/**
 * The AIR of a family under a constant set, built once per process: the same object for the same
 * family and constants, so the compiled-AIR cache (air/program.ts compileAirCached) is hit across
 * proofs and verifications. The one AIR-object cache of the package: the worker's prove job, the
 * parameter cache's digests and the queue use it.
 * @param family the family name
 * @param constants the Poseidon2 constant set of the hash-based families
 * @returns the AIR
 * @throws {FamilyInputError} for an unknown family
 */
export function cachedFamilyAir(family: string, constants: Poseidon2ConstantSetName): Air {
  const key = `${family}/${constants}`;
  let air = AIRS.get(key);
  if (air === undefined) {
    air = getFamily(family).air({ constants });
    AIRS.set(key, air);
  }
  return air;
}
