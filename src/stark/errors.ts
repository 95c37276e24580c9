/**
 * Typed rejections of the verifier and the codec (docs/verifier-hardening.md §2).
 * A `ProofRejectedError` carries a stable `code`, the `check` that failed and, where there is
 * one, the `path` of the offending proof field. The verifier converts every rejection into
 * `{ ok: false, code, detail }`; nothing derived from a proof escapes as an exception.
 */

import { FriRejectionCode, ProofRejectedError } from '../fri/errors.ts';
import { MerkleErrorCode } from '../merkle/mmcs.ts';

/** The MERKLE_* codes, keyed by themselves like the rest of the catalogue. */
const MERKLE_REJECTION_CODES: { readonly [K in MerkleErrorCode]: K } = Object.fromEntries(
  Object.values(MerkleErrorCode).map((c) => [c, c]),
) as { readonly [K in MerkleErrorCode]: K };

/** uni-stark's own codes: limits, decoding, policy, key, shape, out-of-domain. */
const STARK_REJECTION_CODES = {
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
  OOD_POINT_IN_DOMAIN: 'OOD_POINT_IN_DOMAIN',
  OOD_CONSTRAINT_MISMATCH: 'OOD_CONSTRAINT_MISMATCH',
  INTERNAL_INVARIANT: 'INTERNAL_INVARIANT',
} as const;

/**
 * Every rejection code the verifier and the codec can return: uni-stark's own, FRI's
 * (src/fri/errors.ts) and the Merkle verifier's (src/merkle/mmcs.ts), each owned by the layer
 * that raises it.
 */
export const RejectionCode: typeof STARK_REJECTION_CODES &
  typeof FriRejectionCode &
  typeof MERKLE_REJECTION_CODES = Object.freeze({
  ...STARK_REJECTION_CODES,
  ...FriRejectionCode,
  ...MERKLE_REJECTION_CODES,
});
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

export { ProofRejectedError } from '../fri/errors.ts';

/**
 * Throws a rejection.
 * @param code stable rejection code
 * @param check short name of the failed check
 * @param path proof field path
 * @throws {ProofRejectedError} always
 */
export function reject(code: RejectionCode, check: string, path?: string): never {
  throw new ProofRejectedError<RejectionCode>(code, check, path);
}

/** Misuse of the verifier or prover API that is not proof data (bad preset, bad options). */
export class VerifierConfigError extends Error {
  override readonly name = 'VerifierConfigError';
}

/** The outcome of `verify`. */
export type VerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: RejectionCode; readonly detail: string; readonly path?: string };
