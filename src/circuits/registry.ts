/**
 * Circuit registries: which AIR a circuit id names, so a verifier can check an envelope proof by
 * the id it carries (`verifyEnvelope` in src/stark/verify-envelope.ts). An entry builds its AIR
 * for a Poseidon2 constant set, because the hash-based AIRs (poseidon2, state, pruning) use the
 * constant set of the configuration the proof was made under.
 *
 * This module holds the registry type, `createCircuitRegistry`, the Fibonacci entry and
 * `loadCircuitRegistry`, which imports the full registry (src/circuits/builtin-registry.ts: the
 * Poseidon2 AIR and the five families) on demand. Bundlers split that import into its own chunk,
 * so a page that registers only Fibonacci never downloads the other AIRs.
 *
 * No Plonky3 counterpart. Invariant: an entry's `id` equals `circuitIdOf(entry.air(cs))` for
 * every constant set (test/circuits/registry.test.ts), so the envelope check inside `verify`
 * agrees with the lookup.
 */
import type { Air } from '../air/air.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import { fibonacciAir } from './fibonacci.ts';

/** One circuit a registry knows. */
export interface RegisteredCircuit {
  /** The circuit id carried by its envelopes, e.g. `consensus@1`. */
  readonly id: string;
  /** One line for listings. */
  readonly summary: string;
  /**
   * The AIR of this circuit.
   * @param constants the Poseidon2 constant set of the proof's configuration
   */
  air(constants: Poseidon2ConstantSetName): Air;
}

/** Circuits by id. */
export interface CircuitRegistry {
  /** The registered ids, in registration order. */
  readonly ids: readonly string[];
  /**
   * The circuit with this id.
   * @param id a circuit id
   * @returns the entry, or undefined when the id is not registered
   */
  get(id: string): RegisteredCircuit | undefined;
}

/** Thrown by `createCircuitRegistry` for a duplicate id (a programming error, not proof data). */
export class CircuitRegistryError extends Error {
  override readonly name = 'CircuitRegistryError';
}

/**
 * Builds a registry from entries.
 * @param circuits the entries; ids must be distinct
 * @returns the registry (frozen)
 * @throws {CircuitRegistryError} for a duplicate id
 * @example
 * const registry = createCircuitRegistry([FIBONACCI_CIRCUIT]);
 * const r = verifyEnvelope(bytes, [0, 1, 21], { registry });
 */
export function createCircuitRegistry(circuits: readonly RegisteredCircuit[]): CircuitRegistry {
  const byId = new Map<string, RegisteredCircuit>();
  for (const c of circuits) {
    if (byId.has(c.id)) throw new CircuitRegistryError(`duplicate circuit id '${c.id}'`);
    byId.set(c.id, c);
  }
  const ids = Object.freeze([...byId.keys()]);
  return Object.freeze({
    ids,
    get: (id: string): RegisteredCircuit | undefined => byId.get(id),
  });
}

/** Upstream's Fibonacci AIR (`fibonacci@1`, no hashing: the same AIR for every constant set). */
export const FIBONACCI_CIRCUIT: RegisteredCircuit = Object.freeze({
  id: 'fibonacci@1',
  summary: "Plonky3's uni-stark test AIR: publics [a, b, x], x the last right value",
  air: (_constants: Poseidon2ConstantSetName): Air => fibonacciAir(),
});

/**
 * Loads the registry of every built-in circuit (Fibonacci, the Poseidon2 AIR, the five
 * families) through a dynamic import, a separate chunk in the browser bundle.
 * @returns the registry
 * @example
 * const registry = await loadCircuitRegistry();
 * verifyEnvelope(bytes, publicValues, { registry });
 */
export async function loadCircuitRegistry(): Promise<CircuitRegistry> {
  const m = await import('./builtin-registry.ts');
  return m.CIRCUIT_REGISTRY;
}
