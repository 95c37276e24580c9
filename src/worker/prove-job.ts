/**
 * The whole-proof job of the worker pool: builds one statement (a circuit family from its JSON
 * input, or a built-in AIR of the stress harness), checks that it holds, proves it and returns
 * the postcard body with the public values and timings. The service, the queue workers, the
 * stress harness and `p3ts prove --workers` run it on pool workers so that proving never blocks
 * the caller's event loop.
 *
 * No Plonky3 counterpart (Plonky3 proves on the caller's thread, Plonky3/Plonky3:uni-stark/src/prover.rs).
 * Invariants: a statement that does not hold (FamilyInputError from the witness builder, or a
 * constraint that does not vanish) is answered as a typed `ok: false` outcome, never thrown, so
 * its code and field survive the worker boundary; anything else thrown is a prover failure.
 * The AIR of a statement is the one `statementAir` returns, cached per family and constant set,
 * so the compiled-AIR cache of src/stark is hit across jobs.
 */
import type { Air } from '../air/air.ts';
import { AirError } from '../air/air.ts';
import { ConstraintError, checkConstraints } from '../air/check.ts';
import {
  cachedFamilyAir,
  FAMILIES,
  FamilyInputError,
  type FamilyName,
  type FamilySize,
} from '../circuits/families.ts';
import {
  createPoseidon2Air,
  fibonacciAir,
  fibonacciPublicValues,
  generateFibonacciTrace,
  generatePoseidon2Trace,
  type Poseidon2Air,
} from '../circuits/index.ts';
import type { Matrix } from '../field/matrix.ts';
import type { Backend } from '../runtime/backend.ts';
import { constantSetOf, type StarkConfig } from '../stark/config.ts';
import { type ProvePhases, prove } from '../stark/prove.ts';
import { circuitIdOf, compiledFor } from '../stark/verify.ts';

/** A circuit-family statement: the family's JSON input at a size profile. */
export interface FamilyStatementSpec {
  readonly kind: 'family';
  readonly family: FamilyName;
  readonly input: unknown;
  readonly size: FamilySize;
}

/**
 * A built-in AIR statement of the stress harness: fibonacci (rows 2^logRows, publics
 * [index, 1, x]) or poseidon2 (2^logRows rows, seed index + 1).
 */
export interface BuiltinStatementSpec {
  readonly kind: 'fibonacci' | 'poseidon2';
  readonly logRows: number;
  readonly index: number;
}

/** What a prove job proves. */
export type StatementSpec = FamilyStatementSpec | BuiltinStatementSpec;

/** One whole-proof job (structured-clonable). */
export interface ProveJob {
  readonly statement: StatementSpec;
  readonly config: StarkConfig;
}

/** Codes of statements that do not hold: proving them again cannot succeed. */
export const PoisonCode = { badInput: 'BAD_INPUT', statementFalse: 'STATEMENT_FALSE' } as const;
/** A PoisonCode value. */
export type PoisonCode = (typeof PoisonCode)[keyof typeof PoisonCode];

/** The outcome of a prove job. */
export type ProveJobOutcome =
  | {
      readonly ok: true;
      /** The Plonky3 postcard proof body. */
      readonly body: Uint8Array;
      readonly publicValues: number[];
      /** `<air name>@1`, the envelope's circuit id. */
      readonly circuitId: string;
      /** Wall time of `prove` (statement building and checking excluded), ms. */
      readonly proveMs: number;
      readonly phases: ProvePhases | null;
    }
  | {
      readonly ok: false;
      readonly code: PoisonCode;
      /** JSON path of the offending input field ('' when not a field). */
      readonly field: string;
      readonly message: string;
    };

const builtinAirs = new Map<string, Air>();

/**
 * The AIR of a statement under a configuration (families: circuits/families.ts cachedFamilyAir;
 * the built-in AIRs once per process).
 * @param s the statement
 * @param config selects the Poseidon2 constant set of the hash-based families
 * @returns the AIR object (the same object for the same family and constants)
 * @throws {FamilyInputError} for an unknown family
 */
export function statementAir(s: StatementSpec, config: StarkConfig): Air {
  if (s.kind === 'family') return cachedFamilyAir(String(s.family), constantSetOf(config));
  let air = builtinAirs.get(s.kind);
  if (air === undefined) {
    air = s.kind === 'fibonacci' ? fibonacciAir() : createPoseidon2Air();
    builtinAirs.set(s.kind, air);
  }
  return air;
}

/**
 * A statement's AIR, trace and public values (what a prove job proves; the stress harness's
 * in-process provers build the same).
 * @param s the statement
 * @param config selects the Poseidon2 constant set of the hash-based families
 * @returns the AIR, the trace and the public values
 * @throws {FamilyInputError} for an unknown family or a malformed input
 */
export function buildStatement(
  s: StatementSpec,
  config: StarkConfig,
): { air: Air; trace: Matrix; publicValues: ArrayLike<number> } {
  const air = statementAir(s, config);
  if (s.kind === 'family') {
    const constants = constantSetOf(config);
    const st = FAMILIES[s.family].build(s.input, { size: s.size, constants });
    return { air, trace: st.trace, publicValues: st.publicValues };
  }
  const n = 2 ** s.logRows;
  if (s.kind === 'fibonacci')
    return {
      air,
      trace: generateFibonacciTrace(s.index, 1, n),
      publicValues: fibonacciPublicValues(s.index, 1, n),
    };
  return {
    air,
    trace: generatePoseidon2Trace(air as Poseidon2Air, { seed: s.index + 1 }, n),
    publicValues: [],
  };
}

/**
 * Runs a prove job: build, check, prove.
 * @param job the statement and the configuration
 * @param backend hot-path backend (default the CPU specification; pool workers use the default)
 * @returns the proof, or the typed reason the statement does not hold
 * @throws {Error} when proving itself fails (a retryable prover failure)
 * @example
 * const out = await runProveJob({
 *   statement: { kind: 'family', family: 'consensus', input: FAMILIES.consensus.sampleInput('test'), size: 'test' },
 *   config: getConfig('c100'),
 * });
 */
export async function runProveJob(job: ProveJob, backend?: Backend): Promise<ProveJobOutcome> {
  let st: { air: Air; trace: Matrix; publicValues: ArrayLike<number> };
  try {
    st = buildStatement(job.statement, job.config);
    checkConstraints(compiledFor(st.air), st.trace, st.publicValues);
  } catch (e) {
    if (e instanceof FamilyInputError)
      return { ok: false, code: PoisonCode.badInput, field: e.field, message: e.message };
    if (e instanceof ConstraintError || e instanceof AirError)
      return { ok: false, code: PoisonCode.statementFalse, field: '', message: e.message };
    throw e;
  }
  let phases: ProvePhases | null = null;
  const t0 = performance.now();
  const body = await prove(st.air, st.trace, st.publicValues, job.config, {
    compiled: compiledFor(st.air),
    backend,
    onPhases: (p) => {
      phases = p;
    },
  });
  return {
    ok: true,
    body,
    publicValues: Array.from(st.publicValues),
    circuitId: circuitIdOf(st.air),
    proveMs: performance.now() - t0,
    phases,
  };
}
