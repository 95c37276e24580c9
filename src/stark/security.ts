/**
 * Per-proof security estimate (docs/verifier-hardening.md §6.1, §6.2): the "classic" figure
 * (Plonky3's conjectured_soundness_bits) and a "composite" figure, the minimum over the query,
 * DEEP/folding, ALI and hash terms of the conjectured (ethSTARK-style) model for BabyBear with
 * the degree-4 extension and an 8-element Poseidon2 digest.
 *
 * Terms, for a trace of n = 2^k rows, N constraints of degree ≤ d:
 *   query   = log_blowup * num_queries + query_pow_bits       (conjectured, per-query log(1/rho))
 *   deep    = log2|EF| - log2(4 n)                              (DEEP/folding: ~123.6 - log2(4n))
 *   ali     = log2|EF| - log2(N)                                (constraint batching)
 *   hash    = 4 * log2(p) = 8 * log2(p) / 2                     (digest collision resistance)
 * The preset table of docs/verifier-hardening.md §6.1 (105.6 bits at 2^16 and 100.6 at 2^21 for c100, c100-compact and
 * udr-q100) is reproduced by these formulas; test/stark/security.test.ts pins them.
 */
import type { CompiledAir } from '../air/program.ts';
import { P } from '../field/babybear.ts';
import type { StarkConfig } from './config.ts';
import { conjecturedSoundnessBits } from './config.ts';
import { VerifierConfigError } from './errors.ts';

/** log2 of the extension field size |EF| = p^4. */
export const EXT_FIELD_BITS: number = 4 * Math.log2(P);
/** Collision resistance of the 8-element digest: 8 log2(p) / 2. */
export const HASH_BITS: number = (8 * Math.log2(P)) / 2;

/** Per-preset floors enforced on every proof (composite bits); absent = no floor. */
export const SECURITY_FLOORS: Readonly<Record<string, number>> = Object.freeze({
  c100: 100,
  'c100-compact': 100,
  'udr-q100': 100,
});

/** The security estimate of one proof size. */
export interface SecurityReport {
  readonly degreeBits: number;
  /** log_blowup * num_queries + query PoW (Plonky3's conjectured_soundness_bits). */
  readonly classic: number;
  readonly terms: {
    readonly query: number;
    readonly deep: number;
    readonly ali: number;
    readonly hash: number;
  };
  /** min over the terms. */
  readonly composite: number;
  /** The preset's floor, if it has one. */
  readonly floor: number | undefined;
  readonly meetsFloor: boolean;
}

/**
 * The production preset a configuration derives from: its name up to a `+` (`c100+custom` ->
 * `c100`, the name `getConfig` gives a preset with overrides).
 * @param config the configuration
 * @returns the base preset name
 */
export function basePresetName(config: Pick<StarkConfig, 'name'>): string {
  const i = config.name.indexOf('+');
  return i < 0 ? config.name : config.name.slice(0, i);
}

/**
 * The floor a configuration is held to: that of the production preset it derives from, overrides
 * included (`c100` with `numQueries: 1` keeps c100's 100 bits). None for a test-only
 * (`insecure`) configuration or a name that derives from no production preset.
 * @param config the configuration
 * @returns the floor in composite bits, or undefined
 */
export function presetFloor(config: Pick<StarkConfig, 'name' | 'insecure'>): number | undefined {
  if (config.insecure !== false) return undefined;
  const base = basePresetName(config);
  return Object.hasOwn(SECURITY_FLOORS, base) ? SECURITY_FLOORS[base] : undefined;
}

/**
 * Refuses a configuration below its preset's security floor unless the caller opts in to test
 * mode (`allowInsecure`): a test-only preset, a configuration that derives from no production
 * preset, and one whose best case (the smallest trace) is already below its floor. Checked before
 * any proof byte is read; the per-proof floor at the proof's size is checked later
 * (POLICY_SECURITY_BELOW_FLOOR).
 * @param config the (validated) configuration
 * @param air the compiled AIR (its constraint count enters the ALI term)
 * @param allowInsecure the caller's explicit opt-in (`{ allowInsecure: true }`, CLI `--insecure`)
 * @throws {VerifierConfigError} naming the configuration, its bits and the floor
 */
export function checkSecurityPolicy(
  config: StarkConfig,
  air: Pick<CompiledAir, 'constraints'>,
  allowInsecure: boolean,
): void {
  if (allowInsecure) return;
  const optIn = 'pass { allowInsecure: true } (CLI: --insecure) to use it in tests';
  if (config.insecure !== false)
    throw new VerifierConfigError(`config: '${config.name}' is a test-only (insecure) preset; ${optIn}`);
  const floor = presetFloor(config);
  if (floor === undefined)
    throw new VerifierConfigError(
      `config: '${config.name}' derives from no production preset (${Object.keys(SECURITY_FLOORS).join(', ')}) and has no security floor; ${optIn}`,
    );
  const best = securityReport(config, air, 0);
  if (best.composite < floor)
    throw new VerifierConfigError(
      `config: '${config.name}' gives at most ${best.composite.toFixed(1)} bits (query term ${best.terms.query.toFixed(1)}: log_blowup ${config.fri.logBlowup} x ${config.fri.numQueries} queries + ${config.fri.queryPowBits} PoW bits), below the ${floor}-bit floor of '${basePresetName(config)}'; ${optIn}`,
    );
}

/**
 * Security bits of a configuration for an AIR at a trace size.
 * @param config the configuration; the floor is its production preset's (`presetFloor`), overrides
 *   included; a test-only configuration has none
 * @param air the compiled AIR (its constraint count enters the ALI term)
 * @param degreeBits log2 of the trace height
 * @param minBits an operator floor; it can only raise the preset's floor
 * @param allowInsecure test mode: the preset's floor is not applied (an operator floor still is)
 * @returns the terms, the composite figure and whether the floor holds
 */
export function securityReport(
  config: StarkConfig,
  air: Pick<CompiledAir, 'constraints'>,
  degreeBits: number,
  minBits?: number,
  allowInsecure = false,
): SecurityReport {
  const classic = conjecturedSoundnessBits(config.fri);
  const query = classic;
  const deep = EXT_FIELD_BITS - Math.log2(4 * 2 ** degreeBits);
  const ali = EXT_FIELD_BITS - Math.log2(Math.max(1, air.constraints.length));
  const hash = HASH_BITS;
  const composite = Math.min(query, deep, ali, hash);
  const preset = allowInsecure ? undefined : presetFloor(config);
  const floor = minBits === undefined ? preset : Math.max(preset ?? 0, minBits);
  return {
    degreeBits,
    classic,
    terms: { query, deep, ali, hash },
    composite,
    floor,
    meetsFloor: floor === undefined || composite >= floor,
  };
}
