/**
 * The proof engine of `p3ts serve` on the worker pool: each proof is one whole-proof job
 * (src/worker/prove-job.ts) on a pool worker, so the service's event loop keeps
 * answering /metrics and /status/node while proofs run; verification stays on the caller's
 * thread (src/node/engine.ts), as a node's verifier would run it.
 *
 * No Plonky3 counterpart. Invariants: the same ProofEngine contract as createStarkEngine (a bad
 * or false statement is a FamilyInputError with its field); proofs are byte-identical to the
 * in-thread engine's (same prover, same configuration).
 */
import { FamilyInputError, type FamilyName, type FamilySize } from '../circuits/families.ts';
import type { WorkerPool } from '../runtime/workers/pool.ts';
import { getConfig } from '../stark/config.ts';
import { wrapEnvelope } from '../stark/envelope.ts';
import type { VerifyResult } from '../stark/errors.ts';
import type { WorkerApi } from '../worker/api.ts';
import { createStarkEngine, type ProofEngine, type ProveOutcome } from './engine.ts';

/** Options of `createPoolEngine`. */
export interface PoolEngineOptions {
  /** The pool (createNodeWorkerPool); its size is the number of proofs run at once. */
  readonly pool: WorkerPool<WorkerApi>;
  readonly preset: string;
  readonly size: FamilySize;
  readonly families: readonly FamilyName[];
  /** Accept a test-only preset (tests; default false: such a preset is refused). */
  readonly allowInsecure?: boolean;
}

/**
 * An engine that proves on the worker pool and verifies on the calling thread.
 * @param opts pool, preset, size, families
 * @returns the engine
 * @throws {VerifierConfigError} for an unknown preset, or a test-only one without `allowInsecure`
 * @example
 * const pool = createNodeWorkerPool({ size: 2 });
 * const engine = createPoolEngine({ pool, preset: 'c100', size: 'production', families: FAMILY_NAMES });
 */
export function createPoolEngine(opts: PoolEngineOptions): ProofEngine {
  const config = getConfig(opts.preset);
  const local = createStarkEngine({
    preset: opts.preset,
    size: opts.size,
    families: opts.families,
    allowInsecure: opts.allowInsecure,
  });
  return {
    backend: 'cpu',
    families: local.families,
    async prove(family: FamilyName, input: unknown): Promise<ProveOutcome> {
      if (!local.families.includes(family))
        throw new Error(`VK_UNKNOWN_CIRCUIT: family '${family}' is not loaded`);
      const [out] = await opts.pool.run(
        'prove',
        [{ statement: { kind: 'family', family, input, size: opts.size }, config }],
        { label: `prove ${family}` },
      );
      if (!out.ok) {
        const e = new FamilyInputError(family, out.field, out.message);
        e.message = out.message; // already `family: field: message` from the worker
        throw e;
      }
      return {
        proof: wrapEnvelope(out.body, out.circuitId, config),
        publicValues: Uint32Array.from(out.publicValues),
        circuitId: out.circuitId,
      };
    },
    verify(family: FamilyName, proof: Uint8Array, publicValues: ArrayLike<number>): VerifyResult {
      return local.verify(family, proof, publicValues);
    },
  };
}
