/**
 * `plonky3-ts/circuits`: the built-in AIRs and their witness builders, browser-safe. Upstream's
 * Fibonacci AIR and vectorized Poseidon2 AIR with their trace generators; the five circuit
 * families a node proves (transaction, state, pruning, uptime, consensus), each with its AIR,
 * `build(input)` witness builder and sample input; and the registry of all of them by circuit id
 * (`CIRCUIT_REGISTRY`, ids `fibonacci@1`, `poseidon2@1`, `<family>@1`), which `verifyEnvelope`
 * of `plonky3-ts/verify` uses to verify an envelope proof by the id it carries.
 *
 * @example
 * import { getFamily } from 'plonky3-ts/circuits';
 * const fam = getFamily('consensus');
 * const { air, trace, publicValues } = fam.build(fam.sampleInput('test'), { size: 'test' });
 */
export type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
export type { BuiltinAirOptions } from './builtin-registry.ts';
export {
  BUILTIN_AIRS,
  CIRCUIT_REGISTRY,
  FAMILY_CIRCUITS,
  getBuiltinAir,
  POSEIDON2_CIRCUIT,
} from './builtin-registry.ts';
export { CONSENSUS_WIDTH, consensusAir } from './consensus.ts';
export type {
  BuildOptions,
  CircuitFamily,
  FamilyAirOptions,
  FamilyName,
  FamilySize,
  FamilyStatement,
} from './families.ts';
export {
  buildConsensus,
  buildPruning,
  buildState,
  buildTransaction,
  buildUptime,
  FAMILIES,
  FAMILY_NAMES,
  FAMILY_SIZES,
  FamilyInputError,
  getFamily,
  isFamilyName,
  sampleConsensusInput,
  samplePruningInput,
  sampleStateInput,
  sampleTransactionInput,
  sampleUptimeInput,
} from './families.ts';
export {
  FIBONACCI_WIDTH,
  fibonacciAir,
  fibonacciPublicValues,
  generateFibonacciTrace,
} from './fibonacci.ts';
export type { Poseidon2Air, Poseidon2AirOptions } from './poseidon2-air.ts';
export {
  createPoseidon2Air,
  generatePoseidon2Trace,
  POSEIDON2_AIR_DEGREE,
  POSEIDON2_COLS_PER_PERM,
  poseidon2AirInputs,
  poseidon2OutputColumn,
} from './poseidon2-air.ts';
export { pruningAir } from './pruning.ts';
export type { CircuitRegistry, RegisteredCircuit } from './registry.ts';
export {
  CircuitRegistryError,
  createCircuitRegistry,
  FIBONACCI_CIRCUIT,
  loadCircuitRegistry,
} from './registry.ts';
export { stateAir } from './state.ts';
export { TX_WIDTH, transactionAir } from './transaction.ts';
export { UPTIME_WIDTH, uptimeAir } from './uptime.ts';
