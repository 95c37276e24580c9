/**
 * Verification by circuit id: `verifyEnvelope` reads the circuit id and the configuration digest
 * from an envelope proof (src/stark/envelope.ts), takes the AIR from a circuit registry
 * (src/circuits/registry.ts) and the preset whose digest matches, then runs `verify` on them.
 * Nothing is guessed: an id the registry lacks is VK_UNKNOWN_CIRCUIT, a digest no accepted
 * preset has is POLICY_UNKNOWN_PRESET, both before any hashing of the body.
 *
 * No Plonky3 counterpart (the envelope is ours). Invariants: like `verify`, it never throws for
 * anything derived from the proof; the prover does not choose the security level, because only
 * the presets the caller accepts (by default the production ones; test-only presets only in test
 * mode, `allowInsecure`, as for `verify`) can match. The registry type comes from src/circuits (a type-only import: no AIR code is
 * pulled into the verifier by this module).
 */
import type { Air } from '../air/air.ts';
import type { CompiledAir } from '../air/program.ts';
import type { CircuitRegistry, RegisteredCircuit } from '../circuits/registry.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import type { StarkConfig } from './config.ts';
import { constantSetOf, PRESETS } from './config.ts';
import { configDigest, parseEnvelope } from './envelope.ts';
import type { RejectionCode, VerifyResult } from './errors.ts';
import { ProofRejectedError, reject, VerifierConfigError } from './errors.ts';
import { checkVerifyOptions, compiledFor, MAX_PROOF_BYTES, ownedProofBytes, verify } from './verify.ts';

/** Options of `verifyEnvelope`. */
export interface VerifyEnvelopeOptions {
  /** The circuits this verifier accepts, by id. */
  readonly registry: CircuitRegistry;
  /**
   * The configurations this verifier accepts (default: every preset that is not test-only:
   * c100, c100-compact, udr-q100; with `allowInsecure`, every shipped preset). The envelope's
   * digest must equal one of theirs.
   */
  readonly presets?: readonly StarkConfig[];
  /**
   * Test mode, as `verify`'s: test-only presets (`plonky3-fixture`, `insecure-test`) may be
   * accepted. Without it, passing one in `presets` throws VerifierConfigError before any proof
   * byte is read.
   */
  readonly allowInsecure?: boolean;
  /** Hard cap on the input size in bytes (default and maximum MAX_PROOF_BYTES, 16 MiB; `verify` lowers it per AIR). */
  readonly maxProofBytes?: number;
  /** Operator floor on the composite security bits (only raises the preset's floor). */
  readonly minSecurityBits?: number;
}

/** The outcome of `verifyEnvelope`: `verify`'s, plus what the envelope resolved to. */
export type VerifyEnvelopeResult = VerifyResult & {
  /** The envelope's circuit id, once the header parsed. */
  readonly circuitId?: string;
  /** The name of the preset whose digest matched. */
  readonly preset?: string;
};

/** The accepted presets: the caller's, else every shipped preset (test-only ones in test mode only). */
function acceptedPresets(opts: VerifyEnvelopeOptions): readonly StarkConfig[] {
  const allowInsecure = opts.allowInsecure === true;
  if (opts.presets !== undefined && !Array.isArray(opts.presets))
    throw new VerifierConfigError('verifyEnvelope: presets must be an array of configurations');
  if (opts.presets === undefined) return Object.values(PRESETS).filter((p) => allowInsecure || !p.insecure);
  for (const p of opts.presets) {
    if (p.insecure && !allowInsecure) {
      throw new VerifierConfigError(
        `verifyEnvelope: '${p.name}' is a test-only preset; pass { allowInsecure: true } to accept it`,
      );
    }
  }
  return opts.presets;
}

const airCache = new WeakMap<RegisteredCircuit, Map<Poseidon2ConstantSetName, Air>>();

/** The entry's AIR for a constant set, built once per entry and set (so it compiles once). */
function airFor(entry: RegisteredCircuit, cs: Poseidon2ConstantSetName): Air {
  let m = airCache.get(entry);
  if (!m) {
    m = new Map();
    airCache.set(entry, m);
  }
  let air = m.get(cs);
  if (!air) {
    air = entry.air(cs);
    m.set(cs, air);
  }
  return air;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Verifies an envelope proof by the circuit id and configuration digest it carries.
 * @param proofBytes the envelope proof
 * @param publicValues canonical public values of the statement
 * @param opts the registry, the accepted presets, limits
 * @returns `{ ok: true, circuitId, preset }` or `{ ok: false, code, detail, circuitId?, preset? }`;
 *   never throws for bad proofs
 * @throws {VerifierConfigError} for caller misuse: a test-only preset without `allowInsecure`,
 *   invalid limits (as `verify`)
 * @example
 * const registry = await loadCircuitRegistry();
 * const r = verifyEnvelope(bytes, publicValues, { registry });
 * if (!r.ok) console.log(r.code); // e.g. VK_UNKNOWN_CIRCUIT, POLICY_UNKNOWN_PRESET, MERKLE_ROOT_MISMATCH
 */
export function verifyEnvelope(
  proofBytes: unknown,
  publicValues: ArrayLike<number>,
  opts: VerifyEnvelopeOptions,
): VerifyEnvelopeResult {
  // Configuration phase: caller misuse throws VerifierConfigError, before any proof byte is read.
  const checked = checkVerifyOptions({
    maxProofBytes: opts.maxProofBytes,
    minSecurityBits: opts.minSecurityBits,
    allowInsecure: opts.allowInsecure,
  });
  if (opts.registry === null || typeof opts.registry !== 'object' || typeof opts.registry.get !== 'function')
    throw new VerifierConfigError(
      'verifyEnvelope: registry must be a CircuitRegistry (createCircuitRegistry)',
    );
  const accepted = acceptedPresets(opts);
  const cap = Math.min(checked.maxProofBytes ?? MAX_PROOF_BYTES, MAX_PROOF_BYTES);
  let circuitId: string | undefined;
  let preset: string | undefined;
  const fail = (code: RejectionCode, detail: string, path?: string): VerifyEnvelopeResult => ({
    ok: false,
    code,
    detail,
    ...(path ? { path } : {}),
    ...(circuitId !== undefined ? { circuitId } : {}),
    ...(preset !== undefined ? { preset } : {}),
  });
  try {
    const bytes = ownedProofBytes(proofBytes, cap); // callers cannot race the checks
    const h = parseEnvelope(bytes);
    circuitId = h.circuitId;
    const entry = opts.registry.get(h.circuitId);
    if (entry === undefined) {
      reject(
        'VK_UNKNOWN_CIRCUIT',
        `circuit '${h.circuitId}' is not in the registry (known: ${opts.registry.ids.join(', ')})`,
        'envelope.circuitId',
      );
    }
    const config = accepted.find((p) => sameBytes(configDigest(p), h.configDigest));
    if (config === undefined) {
      const other = Object.values(PRESETS).find((p) => sameBytes(configDigest(p), h.configDigest));
      reject(
        'POLICY_UNKNOWN_PRESET',
        other
          ? `configuration digest of preset '${other.name}', which this verifier does not accept`
          : 'configuration digest matches no accepted preset',
        'envelope.configDigest',
      );
    }
    preset = config.name;
    const air = airFor(entry, constantSetOf(config));
    const compiled: CompiledAir = compiledFor(air);
    const r = verify(air, bytes, publicValues, config, {
      format: 'envelope',
      knownCircuits: opts.registry.ids,
      compiled,
      maxProofBytes: cap,
      minSecurityBits: checked.minSecurityBits,
      allowInsecure: checked.allowInsecure,
    });
    return r.ok ? { ok: true, circuitId, preset } : { ...r, circuitId, preset };
  } catch (e) {
    if (e instanceof ProofRejectedError) return fail(e.code, e.check, e.path);
    if (e instanceof Error && e.name === 'VerifierConfigError') throw e;
    return fail('INTERNAL_INVARIANT', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
}
