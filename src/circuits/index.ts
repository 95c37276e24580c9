/**
 * Registry of the built-in AIRs, by circuit id base: 'fibonacci' (upstream's uni-stark test AIR)
 * and 'poseidon2' (upstream's VectorizedPoseidon2Air). Used by the CLI.
 */

import { type Air, AirError } from '../air/air.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import { fibonacciAir } from './fibonacci.ts';
import { createPoseidon2Air } from './poseidon2-air.ts';

export * from './fibonacci.ts';
export * from './poseidon2-air.ts';

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
 * Looks up a built-in AIR by name.
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
