/**
 * The registry of every built-in circuit: Fibonacci, the Poseidon2 AIR (8 permutations per row,
 * the CLI's and upstream benchmark's shape) and the five families. Loaded through
 * `loadCircuitRegistry` (src/circuits/registry.ts) so the browser verifier keeps it in a chunk of
 * its own. Also `getBuiltinAir`, the CLI's lookup of the two benchmark AIRs by name.
 *
 * No Plonky3 counterpart. Invariant: ids are `circuitIdOf(air)` of the AIRs they build.
 */
import { type Air, AirError } from '../air/air.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import { FAMILIES, FAMILY_NAMES } from './families.ts';
import { fibonacciAir } from './fibonacci.ts';
import { createPoseidon2Air } from './poseidon2-air.ts';
import {
  type CircuitRegistry,
  createCircuitRegistry,
  FIBONACCI_CIRCUIT,
  type RegisteredCircuit,
} from './registry.ts';

/** The Poseidon2 AIR as the CLI proves it (`poseidon2@1`, 8 permutations per row). */
export const POSEIDON2_CIRCUIT: RegisteredCircuit = Object.freeze({
  id: 'poseidon2@1',
  summary: "Plonky3's vectorized Poseidon2 AIR, 8 permutations per row",
  air: (constants: Poseidon2ConstantSetName): Air => createPoseidon2Air({ constants, permsPerRow: 8 }),
});

/** The five families (`<family>@1`), in report order. */
export const FAMILY_CIRCUITS: readonly RegisteredCircuit[] = Object.freeze(
  FAMILY_NAMES.map(
    (name): RegisteredCircuit =>
      Object.freeze({
        id: `${name}@1`,
        summary: FAMILIES[name].summary,
        air: (constants: Poseidon2ConstantSetName): Air => FAMILIES[name].air({ constants }),
      }),
  ),
);

/** Every built-in circuit: fibonacci@1, poseidon2@1, then the families. */
export const CIRCUIT_REGISTRY: CircuitRegistry = createCircuitRegistry([
  FIBONACCI_CIRCUIT,
  POSEIDON2_CIRCUIT,
  ...FAMILY_CIRCUITS,
]);

/** Options understood by `getBuiltinAir`; each AIR ignores the ones it does not use. */
export interface BuiltinAirOptions {
  /** poseidon2: constant set name (default 'default'). */
  readonly constants?: Poseidon2ConstantSetName;
  /** poseidon2: permutations per row (default 8). */
  readonly permsPerRow?: number;
}

/** Names accepted by `getBuiltinAir`. */
export const BUILTIN_AIRS: readonly string[] = Object.freeze(['fibonacci', 'poseidon2']);

/**
 * Looks up a built-in AIR by name (the CLI's `--air`).
 * @param name 'fibonacci' or 'poseidon2'
 * @param opts AIR-specific options
 * @returns the AIR
 * @throws {AirError} for an unknown name
 * @example
 * const air = getBuiltinAir('poseidon2', { permsPerRow: 8 });
 */
export function getBuiltinAir(name: string, opts: BuiltinAirOptions = {}): Air {
  switch (name) {
    case 'fibonacci':
      return fibonacciAir();
    case 'poseidon2':
      return createPoseidon2Air({ constants: opts.constants, permsPerRow: opts.permsPerRow });
    default:
      throw new AirError(`unknown built-in AIR '${name}' (known: ${BUILTIN_AIRS.join(', ')})`);
  }
}
