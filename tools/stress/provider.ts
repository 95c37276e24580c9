/**
 * Statement providers for the stress harness: given a family spec and a proof index, the AIR,
 * trace and public values to prove. The default provider serves the five circuit families
 * (src/circuits/families.ts, sample inputs of the chosen size profile) and the built-in AIRs
 * `fibonacci` and `poseidon2` (src/circuits/index.ts, explicit `log_rows`). Tests may plug their
 * own provider (main-thread mode only: worker provers always use the default provider).
 *
 * No Plonky3 counterpart. Invariant: `air(spec)` returns the same AIR object for the same spec,
 * so the verifier's compiled-AIR cache is hit across proofs.
 */
import type { Air } from '../../src/air/air.ts';
import { type FamilyName, getFamily, isFamilyName } from '../../src/circuits/families.ts';
import type { Matrix } from '../../src/field/matrix.ts';
import { getConfig } from '../../src/stark/config.ts';
import { buildStatement, type StatementSpec, statementAir } from '../../src/worker/prove-job.ts';
import type { FamilySpec } from './scenario.ts';

/** One statement to prove. */
export interface StressStatement {
  readonly air: Air;
  readonly trace: Matrix;
  readonly publicValues: ArrayLike<number>;
}

/** Where the harness gets its statements. */
export interface StatementProvider {
  /**
   * The AIR of a family spec (stable object per spec).
   * @throws {Error} for an unknown family
   */
  air(spec: FamilySpec): Air;
  /**
   * The statement of proof number `index` of a family spec.
   * @throws {Error} for an unknown family or a bad size
   */
  statement(spec: FamilySpec, index: number): StressStatement;
}

/** Names the default provider knows besides the circuit families. */
export const BUILTIN_STRESS_AIRS: readonly string[] = Object.freeze(['fibonacci', 'poseidon2']);

/** Default log2 rows of the built-in AIRs per size profile. */
const BUILTIN_LOG_ROWS = {
  fibonacci: { production: 10, test: 4 },
  poseidon2: { production: 8, test: 3 },
} as const;

function logRowsOf(spec: FamilySpec, dflt: { production: number; test: number }): number {
  return spec.logRows ?? dflt[spec.size];
}

/**
 * The worker-pool statement (src/worker/prove-job.ts) of proof `index` of a spec: the
 * same statement the default provider builds.
 * @param spec the family spec
 * @param index the proof index
 * @returns the statement spec
 * @throws {Error} for an unknown family or log_rows on a family
 */
export function statementSpecOf(spec: FamilySpec, index: number): StatementSpec {
  if (spec.name === 'fibonacci' || spec.name === 'poseidon2')
    return { kind: spec.name, logRows: logRowsOf(spec, BUILTIN_LOG_ROWS[spec.name]), index };
  if (!isFamilyName(spec.name))
    throw new Error(
      `unknown family '${spec.name}' (known: transaction, state, pruning, uptime, consensus, ${BUILTIN_STRESS_AIRS.join(', ')})`,
    );
  if (spec.logRows !== undefined)
    throw new Error(`family '${spec.name}' takes size = "production"|"test", not log_rows`);
  return {
    kind: 'family',
    family: spec.name,
    input: getFamily(spec.name).sampleInput(spec.size),
    size: spec.size,
  };
}

/**
 * The default provider: circuit families by name, plus fibonacci (rows 2^log_rows, default 2^10 /
 * 2^4, publics [index, 1, x]) and poseidon2 (default 2^8 / 2^3 rows, seed = index + 1).
 * @returns a provider with per-spec AIR caching
 * @example
 * const p = defaultProvider();
 * const st = p.statement({ name: 'consensus', size: 'test', weight: 1 }, 0);
 */
export function defaultProvider(): StatementProvider {
  const config = getConfig(); // the default constant set, as the families' own defaults
  const air = (spec: FamilySpec): Air => {
    if (spec.name !== 'fibonacci' && spec.name !== 'poseidon2' && !isFamilyName(spec.name))
      throw new Error(
        `unknown family '${spec.name}' (known: transaction, state, pruning, uptime, consensus, ${BUILTIN_STRESS_AIRS.join(', ')})`,
      );
    const kind = spec.name === 'fibonacci' || spec.name === 'poseidon2' ? spec.name : 'family';
    return kind === 'family'
      ? statementAir({ kind, family: spec.name as FamilyName, input: null, size: spec.size }, config)
      : statementAir({ kind, logRows: 0, index: 0 }, config);
  };
  return {
    air,
    statement: (spec, index) => buildStatement(statementSpecOf(spec, index), config),
  };
}
