/**
 * Typed rejections of the verifier and the codec (spec/verifier-hardening.md §2).
 * A `ProofRejectedError` carries a stable `code`, the `check` that failed and, where there is
 * one, the `path` of the offending proof field. The verifier converts every rejection into
 * `{ ok: false, code, detail }`; nothing derived from a proof escapes as an exception.
 */

/** Every rejection code the verifier and the codec can return. */
export const RejectionCode = {
  LIMIT_PROOF_TOO_LARGE: 'LIMIT_PROOF_TOO_LARGE',
  LIMIT_DEADLINE_EXCEEDED: 'LIMIT_DEADLINE_EXCEEDED',
  DECODE_BAD_INPUT_TYPE: 'DECODE_BAD_INPUT_TYPE',
  DECODE_EMPTY: 'DECODE_EMPTY',
  DECODE_TRUNCATED: 'DECODE_TRUNCATED',
  DECODE_TRAILING_BYTES: 'DECODE_TRAILING_BYTES',
  DECODE_BAD_HEADER: 'DECODE_BAD_HEADER',
  DECODE_LENGTH_LIMIT: 'DECODE_LENGTH_LIMIT',
  DECODE_NONCANONICAL_VARINT: 'DECODE_NONCANONICAL_VARINT',
  DECODE_NONCANONICAL_FIELD: 'DECODE_NONCANONICAL_FIELD',
  DECODE_BAD_TAG: 'DECODE_BAD_TAG',
  POLICY_PRESET_MISMATCH: 'POLICY_PRESET_MISMATCH',
  /** verifyEnvelope: the configuration digest is not that of a preset the verifier accepts. */
  POLICY_UNKNOWN_PRESET: 'POLICY_UNKNOWN_PRESET',
  POLICY_SECURITY_BELOW_FLOOR: 'POLICY_SECURITY_BELOW_FLOOR',
  VK_UNKNOWN_CIRCUIT: 'VK_UNKNOWN_CIRCUIT',
  VK_MISMATCH: 'VK_MISMATCH',
  VK_DEGREE_MISMATCH: 'VK_DEGREE_MISMATCH',
  SHAPE_DEGREE_BITS_RANGE: 'SHAPE_DEGREE_BITS_RANGE',
  SHAPE_PUBLIC_VALUES_LENGTH: 'SHAPE_PUBLIC_VALUES_LENGTH',
  SHAPE_TRACE_LOCAL_WIDTH: 'SHAPE_TRACE_LOCAL_WIDTH',
  SHAPE_TRACE_NEXT: 'SHAPE_TRACE_NEXT',
  SHAPE_PREPROCESSED: 'SHAPE_PREPROCESSED',
  SHAPE_QUOTIENT_CHUNK_COUNT: 'SHAPE_QUOTIENT_CHUNK_COUNT',
  SHAPE_QUOTIENT_CHUNK_DIMENSION: 'SHAPE_QUOTIENT_CHUNK_DIMENSION',
  SHAPE_RANDOMIZATION: 'SHAPE_RANDOMIZATION',
  SHAPE_DIGEST_LENGTH: 'SHAPE_DIGEST_LENGTH',
  SHAPE_CAP_LENGTH: 'SHAPE_CAP_LENGTH',
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
  MERKLE_PATH_LENGTH: 'MERKLE_PATH_LENGTH',
  MERKLE_ROW_WIDTH: 'MERKLE_ROW_WIDTH',
  MERKLE_BATCH_SIZE: 'MERKLE_BATCH_SIZE',
  MERKLE_INDEX_OUT_OF_RANGE: 'MERKLE_INDEX_OUT_OF_RANGE',
  MERKLE_INCOMPATIBLE_HEIGHTS: 'MERKLE_INCOMPATIBLE_HEIGHTS',
  MERKLE_ROOT_MISMATCH: 'MERKLE_ROOT_MISMATCH',
  OOD_POINT_IN_DOMAIN: 'OOD_POINT_IN_DOMAIN',
  FRI_OPENING_POINT_IS_QUERY_POINT: 'FRI_OPENING_POINT_IS_QUERY_POINT',
  FRI_FINAL_POLY_MISMATCH: 'FRI_FINAL_POLY_MISMATCH',
  OOD_CONSTRAINT_MISMATCH: 'OOD_CONSTRAINT_MISMATCH',
  INTERNAL_INVARIANT: 'INTERNAL_INVARIANT',
} as const;
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

/** A proof was rejected: stable code, failing check, offending field path. */
export class ProofRejectedError extends Error {
  override readonly name = 'ProofRejectedError';
  readonly code: RejectionCode;
  readonly check: string;
  readonly path: string | undefined;

  /**
   * @param code stable rejection code
   * @param check short name of the failed check
   * @param path proof field path, e.g. `openingProof.queryProofs[1].inputProof[0]`
   */
  constructor(code: RejectionCode, check: string, path?: string) {
    super(path ? `${code}: ${check} (at ${path})` : `${code}: ${check}`);
    this.code = code;
    this.check = check;
    this.path = path;
  }
}

/** Shorthand: throw a rejection. */
export function reject(code: RejectionCode, check: string, path?: string): never {
  throw new ProofRejectedError(code, check, path);
}

/** Misuse of the verifier or prover API that is not proof data (bad preset, bad options). */
export class VerifierConfigError extends Error {
  override readonly name = 'VerifierConfigError';
}

/** The outcome of `verify`. */
export type VerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: RejectionCode; readonly detail: string; readonly path?: string };
