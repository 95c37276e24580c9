/**
 * The shape of a tamper case (docs/verifier-hardening.md §4) and the helpers the class files
 * build cases with: a valid proof and its statement (`TamperBase`) goes in, a verifier input
 * (`TamperInput`) comes out, with the rejection codes the case must produce.
 *
 * Structure-aware cases decode the body (src/stark/codec.ts), edit the `Proof` object and
 * re-encode it, so they pass decoding and reach the check they target; byte-level cases edit the
 * envelope or the postcard body directly. Invariant: `apply` never mutates the base.
 */
import type { Air } from '../air/air.ts';
import type { Matrix } from '../field/matrix.ts';
import { decodeProof, encodeProof } from '../stark/codec.ts';
import type { StarkConfig } from '../stark/config.ts';
import { wrapEnvelope } from '../stark/envelope.ts';
import type { RejectionCode, VerifyResult } from '../stark/errors.ts';
import type { Proof } from '../stark/proof.ts';
import { circuitIdOf, verify } from '../stark/verify.ts';

/** A valid proof and its statement: the starting point of every case. */
export interface TamperBase {
  readonly air: Air;
  /** An AIR of another circuit (class C2), or null. */
  readonly otherAir: Air | null;
  /** The postcard body. */
  readonly body: Uint8Array;
  readonly publicValues: readonly number[];
  /** Configuration of prover and verifier. */
  readonly config: StarkConfig;
  /** The witness trace (class K re-proves a falsified statement); null skips class K. */
  readonly trace: Matrix | null;
}

/** What the verifier is given for one case. */
export interface TamperInput {
  /** Proof bytes (or a non-byte value for A1). */
  readonly bytes: unknown;
  readonly publicValues: ArrayLike<number>;
  /** The verifier's AIR. */
  readonly air: Air;
  /** The verifier's configuration. */
  readonly config: StarkConfig;
  readonly format: 'envelope' | 'postcard';
  readonly knownCircuits?: readonly string[];
}

/** One entry of the catalogue. */
export interface TamperCase {
  /** Stable id: hardening id and a short name, e.g. `A4.bad-magic`. */
  readonly id: string;
  /** Class letter of docs/verifier-hardening.md §4 (A..K), or R for random mutations. */
  readonly cls: string;
  /** Codes the case is expected to produce; undefined = any rejection. */
  readonly expect?: readonly RejectionCode[];
  /** Builds the input, or null when the case does not apply to this proof. */
  apply(base: TamperBase, rng: () => number): TamperInput | null | Promise<TamperInput | null>;
}

type Mutable<T> = T extends Uint32Array
  ? Uint32Array
  : T extends readonly (infer U)[]
    ? Mutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;
/** A decoded proof that a case may edit in place (each case decodes its own copy). */
export type MutableProof = Mutable<Proof>;

/** The base proof in its envelope, with the base's circuit id and configuration. */
export const envelopeOf = (b: TamperBase): Uint8Array => wrapEnvelope(b.body, circuitIdOf(b.air), b.config);

/**
 * An envelope input: `body` wrapped for the base's circuit and configuration, the base statement
 * otherwise; `extra` overrides any field.
 */
export function env(b: TamperBase, body: Uint8Array, extra: Partial<TamperInput> = {}): TamperInput {
  return {
    bytes: wrapEnvelope(body, circuitIdOf(b.air), b.config),
    publicValues: b.publicValues,
    air: b.air,
    config: b.config,
    format: 'envelope',
    ...extra,
  };
}

/** A bare postcard input with the base statement; `extra` overrides any field. */
export function raw(b: TamperBase, body: Uint8Array, extra: Partial<TamperInput> = {}): TamperInput {
  return {
    bytes: body,
    publicValues: b.publicValues,
    air: b.air,
    config: b.config,
    format: 'postcard',
    ...extra,
  };
}

/**
 * A case that builds its input from the base directly.
 * @param id case id; its first letter is the class
 * @param expect expected codes, undefined for any rejection
 * @param f builds the input, or null when not applicable
 */
export function bytesCase(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (b: TamperBase) => TamperInput | null,
): TamperCase {
  return { id, cls: id[0], expect, apply: (b) => f(b) };
}

/**
 * A structure-aware case: `f` edits a decoded copy of the body, which is re-encoded and wrapped
 * in the base's envelope; `f` returns false when the case does not apply to this proof.
 * @param id case id; its first letter is the class
 * @param expect expected codes, undefined for any rejection
 * @param f the edit
 */
export function editCase(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (p: MutableProof, b: TamperBase) => unknown,
): TamperCase {
  return {
    id,
    cls: id[0],
    expect,
    apply(b) {
      const p = decodeProof(b.body) as unknown as MutableProof;
      if (f(p, b) === false) return null;
      return env(b, encodeProof(p as Proof));
    },
  };
}

/**
 * Runs the production verifier on a tamper input, with every option the input names.
 * @param input the input
 * @returns the verifier's result
 */
export function verifyTamperInput(input: TamperInput): VerifyResult {
  return verify(input.air, input.bytes, input.publicValues, input.config, {
    format: input.format,
    knownCircuits: input.knownCircuits,
    // The bases are made under test presets (plonky3-fixture, no-PoW variants); the security floor
    // is the caller's policy, not what a tamper case checks.
    allowInsecure: true,
  });
}

/**
 * Whether a tamper input is byte-for-byte the valid statement (such a case is skipped, not counted).
 * @param base the valid proof
 * @param input the tampered input
 * @returns true when nothing changed
 */
export function isUnchanged(base: TamperBase, input: TamperInput): boolean {
  if (input.air !== base.air || input.config !== base.config) return false;
  if (input.publicValues.length !== base.publicValues.length) return false;
  for (let i = 0; i < base.publicValues.length; i++)
    if (input.publicValues[i] !== base.publicValues[i]) return false;
  if (!(input.bytes instanceof Uint8Array)) return false;
  const want = input.format === 'envelope' ? envelopeOf(base) : base.body;
  if (want.length !== input.bytes.length) return false;
  for (let i = 0; i < want.length; i++) if (want[i] !== input.bytes[i]) return false;
  return true;
}
