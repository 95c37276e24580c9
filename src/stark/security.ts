/**
 * Per-proof security estimate (spec/verifier-hardening.md §6.1, §6.2): the "classic" figure
 * (Plonky3's conjectured_soundness_bits) and a "composite" figure, the minimum over the query,
 * DEEP/folding, ALI and hash terms of the conjectured (ethSTARK-style) model for BabyBear with
 * the degree-4 extension and an 8-element Poseidon2 digest.
 *
 * Terms, for a trace of n = 2^k rows, N constraints of degree ≤ d:
 *   query   = log_blowup * num_queries + query_pow_bits       (conjectured, per-query log(1/rho))
 *   deep    = log2|EF| - log2(4 n)                              (DEEP/folding: ~123.6 - log2(4n))
 *   ali     = log2|EF| - log2(N)                                (constraint batching)
 *   hash    = 4 * log2(p) = 8 * log2(p) / 2                     (digest collision resistance)
 * The preset table of §6.1 (105.6 bits at 2^16 and 100.6 at 2^21 for c100, c100-compact and
 * udr-q100) is reproduced by these formulas; test/stark/security.test.ts pins them.
 */
import type { CompiledAir } from '../air/symbolic.ts';
import { P } from '../field/babybear.ts';
import type { StarkConfig } from './config.ts';
import { conjecturedSoundnessBits } from './config.ts';

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
 * Security bits of a configuration for an AIR at a trace size.
 * @param config the configuration; a floor applies to the shipped production presets only (a
 *   configuration with overrides is a test or development configuration and has none)
 * @param air the compiled AIR (its constraint count enters the ALI term)
 * @param degreeBits log2 of the trace height
 * @param minBits an operator floor; it can only raise the preset's floor
 * @returns the terms, the composite figure and whether the floor holds
 */
export function securityReport(
  config: StarkConfig,
  air: Pick<CompiledAir, 'constraints'>,
  degreeBits: number,
  minBits?: number,
): SecurityReport {
  const classic = conjecturedSoundnessBits(config.fri);
  const query = classic;
  const deep = EXT_FIELD_BITS - Math.log2(4 * 2 ** degreeBits);
  const ali = EXT_FIELD_BITS - Math.log2(Math.max(1, air.constraints.length));
  const hash = HASH_BITS;
  const composite = Math.min(query, deep, ali, hash);
  const preset = Object.hasOwn(SECURITY_FLOORS, config.name) ? SECURITY_FLOORS[config.name] : undefined;
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
