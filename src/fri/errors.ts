/**
 * Rejections of the FRI/PCS verifier (Plonky3/Plonky3:fri/src/verifier.rs FriError, with
 * stable codes): the FRI_* and POW_* codes, and the ProofRejectedError every verifier layer
 * throws. src/stark/errors.ts builds the full catalogue (RejectionCode) on top of these codes and
 * the Merkle ones; `verify` turns any ProofRejectedError into { ok: false, code, detail }.
 */
import type { MerkleErrorCode } from '../merkle/mmcs.ts';

/** The rejection codes raised by the FRI/PCS verifier. */
export const FriRejectionCode = {
  FRI_ROUND_COUNT: 'FRI_ROUND_COUNT',
  FRI_COMMIT_POW_COUNT: 'FRI_COMMIT_POW_COUNT',
  FRI_INVALID_LOG_ARITY: 'FRI_INVALID_LOG_ARITY',
  FRI_ARITY_SCHEDULE_MISMATCH: 'FRI_ARITY_SCHEDULE_MISMATCH',
  FRI_GLOBAL_HEIGHT_MISMATCH: 'FRI_GLOBAL_HEIGHT_MISMATCH',
  FRI_GLOBAL_HEIGHT_TOO_LARGE: 'FRI_GLOBAL_HEIGHT_TOO_LARGE',
  FRI_FINAL_POLY_LENGTH: 'FRI_FINAL_POLY_LENGTH',
  FRI_QUERY_COUNT: 'FRI_QUERY_COUNT',
  FRI_SIBLING_COUNT: 'FRI_SIBLING_COUNT',
  FRI_INPUT_BATCH_COUNT: 'FRI_INPUT_BATCH_COUNT',
  FRI_BATCH_MATRIX_COUNT: 'FRI_BATCH_MATRIX_COUNT',
  FRI_POINT_EVAL_COUNT: 'FRI_POINT_EVAL_COUNT',
  FRI_MATRIX_WITHOUT_POINTS: 'FRI_MATRIX_WITHOUT_POINTS',
  FRI_REDUCED_OPENINGS: 'FRI_REDUCED_OPENINGS',
  POW_COMMIT_INVALID: 'POW_COMMIT_INVALID',
  POW_QUERY_INVALID: 'POW_QUERY_INVALID',
  FRI_OPENING_POINT_IS_QUERY_POINT: 'FRI_OPENING_POINT_IS_QUERY_POINT',
  FRI_FINAL_POLY_MISMATCH: 'FRI_FINAL_POLY_MISMATCH',
} as const;
export type FriRejectionCode = (typeof FriRejectionCode)[keyof typeof FriRejectionCode];

/** A proof was rejected: stable code, failing check, offending field path. */
export class ProofRejectedError<C extends string = string> extends Error {
  override readonly name = 'ProofRejectedError';
  readonly code: C;
  readonly check: string;
  readonly path: string | undefined;

  /**
   * @param code stable rejection code
   * @param check short name of the failed check
   * @param path proof field path, e.g. `openingProof.queryProofs[1].inputProof[0]`
   */
  constructor(code: C, check: string, path?: string) {
    super(path ? `${code}: ${check} (at ${path})` : `${code}: ${check}`);
    this.code = code;
    this.check = check;
    this.path = path;
  }
}

/**
 * Throws a FRI (or Merkle, passed through) rejection.
 * @param code stable rejection code
 * @param check short name of the failed check
 * @param path proof field path
 * @throws {ProofRejectedError} always
 */
export function reject(code: FriRejectionCode | MerkleErrorCode, check: string, path?: string): never {
  throw new ProofRejectedError(code, check, path);
}
