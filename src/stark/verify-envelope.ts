/**
 * Verification by circuit id: `verifyEnvelope` reads the circuit id and the configuration digest
 * from an envelope proof (src/stark/envelope.ts), takes the AIR from a circuit registry
 * (src/circuits/registry.ts) and the preset whose digest matches, then runs `verify` on them.
 * Nothing is guessed: an id the registry lacks is VK_UNKNOWN_CIRCUIT, a digest no accepted
 * preset has is POLICY_UNKNOWN_PRESET, both before any hashing of the body.
 *
 * No Plonky3 counterpart (the envelope is ours). Invariants: like `verify`, it never throws for
 * anything derived from its inputs; the prover does not choose the security level, because only
 * the presets the caller accepts (by default the production ones, never the test-only presets)
 * can match. The registry type comes from src/circuits (a type-only import: no AIR code is
 * pulled into the verifier by this module).
 */
import type { Air } from '../air/air.ts';
import type { CompiledAir } from '../air/symbolic.ts';
import type { CircuitRegistry, RegisteredCircuit } from '../circuits/registry.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import type { StarkConfig } from './config.ts';
import { PRESETS } from './config.ts';
import { configDigest, parseEnvelope } from './envelope.ts';
import type { RejectionCode, VerifyResult } from './errors.ts';
import { ProofRejectedError, reject } from './errors.ts';
import { compiledFor, verify } from './verify.ts';

/** Options of `verifyEnvelope`. */
export interface VerifyEnvelopeOptions {
  /** The circuits this verifier accepts, by id. */
  readonly registry: CircuitRegistry;
  /**
   * The configurations this verifier accepts (default: every preset that is not test-only:
   * c100, c100-compact, udr-q100). The envelope's digest must equal one of theirs.
   */
  readonly presets?: readonly StarkConfig[];
  /** Hard cap on the input size in bytes (default 16 MiB; `verify` lowers it per AIR). */
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

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** The production presets: every shipped preset that is not test-only. */
const productionPresets = (): StarkConfig[] => Object.values(PRESETS).filter((p) => !p.insecure);

/** The Poseidon2 constant set of a configuration (its `constants`, as src/hash names them). */
const constantSetOf = (config: StarkConfig): Poseidon2ConstantSetName =>
  config.constants === 'rng-seed-1' ? 'smallrng-seed-1' : 'default';

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
    if (!(proofBytes instanceof Uint8Array)) reject('DECODE_BAD_INPUT_TYPE', 'proof must be a Uint8Array');
    const bytes = Uint8Array.from(proofBytes as Uint8Array); // owned copy: callers cannot race the checks
    const cap = Math.min(opts.maxProofBytes ?? DEFAULT_MAX_BYTES, DEFAULT_MAX_BYTES);
    if (bytes.length > cap) reject('LIMIT_PROOF_TOO_LARGE', `${bytes.length} bytes > cap ${cap}`);
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
    const accepted = opts.presets ?? productionPresets();
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
      minSecurityBits: opts.minSecurityBits,
    });
    return r.ok ? { ok: true, circuitId, preset } : { ...r, circuitId, preset };
  } catch (e) {
    if (e instanceof ProofRejectedError) return fail(e.code, e.check, e.path);
    if (e instanceof Error && e.name === 'VerifierConfigError') throw e;
    return fail('INTERNAL_INVARIANT', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
}
