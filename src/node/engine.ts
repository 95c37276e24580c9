/**
 * The proof engine the service, preload and preflight use: proves a circuit family from its JSON
 * input and verifies envelope proofs, under one preset, for the families loaded at startup.
 * `createStarkEngine` builds it from src/stark (prove, verify, envelope); tests may pass any
 * object with the same shape.
 *
 * No Plonky3 counterpart. Invariants: the configuration and the loaded families are fixed at
 * construction; a family not loaded is refused (VK_UNKNOWN_CIRCUIT), never generated lazily.
 */
import type { Air } from '../air/air.ts';
import type { CompiledAir } from '../air/program.ts';
import { FAMILIES, type FamilyName, type FamilySize } from '../circuits/families.ts';
import type { Backend } from '../runtime/backend.ts';
import { constantSetOf, getConfig, type StarkConfig } from '../stark/config.ts';
import { ENVELOPE_ID_LENGTH_OFFSET, envelopeHeaderLength, wrapEnvelope } from '../stark/envelope.ts';
import type { VerifyResult } from '../stark/errors.ts';
import { prove } from '../stark/prove.ts';
import { checkSecurityPolicy } from '../stark/security.ts';
import { circuitIdOf, verify } from '../stark/verify.ts';
import { CANARY_TAMPERS } from '../tamper/index.ts';
import { familyAir } from './air-digest.ts';
import type { ProofSegments } from './metrics.ts';

/** A generated proof and its statement's public values. */
export interface ProveOutcome {
  /** The envelope proof. */
  readonly proof: Uint8Array;
  /** The public values. */
  readonly publicValues: Uint32Array;
  /** The circuit id in the envelope. */
  readonly circuitId: string;
}

/** What the service needs from a prover/verifier. */
export interface ProofEngine {
  /** 'cpu' or 'webgpu'. */
  readonly backend: string;
  /** Families this engine serves. */
  readonly families: readonly FamilyName[];
  /**
   * Proves a family statement from its JSON input.
   * @throws {FamilyInputError} for a bad input
   */
  prove(family: FamilyName, input: unknown): Promise<ProveOutcome>;
  /** Verifies an envelope proof; never throws for bad proofs. */
  verify(family: FamilyName, proof: Uint8Array, publicValues: ArrayLike<number>): VerifyResult;
}

/** Options of `createStarkEngine`. */
export interface StarkEngineOptions {
  /** Preset name. */
  readonly preset: string;
  /** Size profile of proved statements. */
  readonly size: FamilySize;
  /** Loaded families. */
  readonly families: readonly FamilyName[];
  /** Hot-path backend (default the stark CPU backend). */
  readonly backend?: Backend;
  /**
   * Accept a test-only preset (the node config's `allow_insecure`). Without it an insecure preset
   * is refused here, at construction, with VerifierConfigError.
   */
  readonly allowInsecure?: boolean;
}

/**
 * Builds the engine from src/stark.
 * @param opts preset, size, families, backend
 * @returns the engine
 * @throws {VerifierConfigError} for an unknown preset, or a test-only one without `allowInsecure`
 * @example
 * const engine = createStarkEngine({ preset: 'c100', size: 'production', families: FAMILY_NAMES });
 */
export function createStarkEngine(opts: StarkEngineOptions): ProofEngine {
  const config: StarkConfig = getConfig(opts.preset);
  const cs = constantSetOf(config);
  const loaded = new Map<FamilyName, { air: Air; compiled: CompiledAir; id: string }>();
  for (const f of opts.families) {
    const { air, compiled } = familyAir(f, cs);
    loaded.set(f, { air, compiled, id: circuitIdOf(air) });
  }
  const allowInsecure = opts.allowInsecure === true;
  for (const l of loaded.values()) checkSecurityPolicy(config, l.compiled, allowInsecure);
  const known = [...loaded.values()].map((l) => l.id);
  return {
    backend: opts.backend?.kind ?? 'cpu',
    families: [...opts.families],
    async prove(family: FamilyName, input: unknown): Promise<ProveOutcome> {
      const l = loaded.get(family);
      if (!l) throw new Error(`VK_UNKNOWN_CIRCUIT: family '${family}' is not loaded`);
      const st = FAMILIES[family].build(input, { size: opts.size, constants: cs });
      const body = await prove(l.air, st.trace, st.publicValues, config, {
        compiled: l.compiled,
        backend: opts.backend,
      });
      return { proof: wrapEnvelope(body, l.id, config), publicValues: st.publicValues, circuitId: l.id };
    },
    verify(family: FamilyName, proof: Uint8Array, publicValues: ArrayLike<number>): VerifyResult {
      const l = loaded.get(family);
      if (!l) return { ok: false, code: 'VK_UNKNOWN_CIRCUIT', detail: `family '${family}' is not loaded` };
      return verify(l.air, proof, publicValues, config, {
        compiled: l.compiled,
        knownCircuits: known,
        allowInsecure,
      });
    },
  };
}

/**
 * Splits an envelope proof into the runbook's segments (params = envelope header, public inputs,
 * payload = postcard body). A malformed header counts as all payload.
 * @param proof the envelope bytes
 * @param numPublicValues public values of the statement
 * @returns the byte sizes
 */
export function proofSegments(proof: Uint8Array, numPublicValues: number): ProofSegments {
  const idLen = proof.length > ENVELOPE_ID_LENGTH_OFFSET ? proof[ENVELOPE_ID_LENGTH_OFFSET] : 0;
  const headerLen = envelopeHeaderLength(idLen);
  const header = proof.length >= headerLen && idLen > 0 ? headerLen : 0;
  return {
    totalBytes: proof.length,
    paramsBytes: header,
    publicInputsBytes: 4 * numPublicValues,
    payloadBytes: proof.length - header,
  };
}

/**
 * Deterministic tampered copies of a valid envelope proof for the canary: the tamper catalogue's
 * `CANARY_TAMPERS` (a flipped bit in the configuration digest, at the start, middle and end of
 * the body, and a truncated copy).
 * @param proof the valid envelope proof
 * @returns the tampered copies, each with its label
 */
export function tamperedVariants(proof: Uint8Array): { label: string; bytes: Uint8Array }[] {
  return CANARY_TAMPERS.map((t) => ({ label: t.label, bytes: t.mutate(proof) }));
}
