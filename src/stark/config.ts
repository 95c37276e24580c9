/**
 * STARK configurations: FRI parameters plus the Poseidon2 constant set, as named presets
 * (docs/protocol.md §13, docs/verifier-hardening.md §6.1). Mirrors Plonky3's FriParameters
 * constructors (Plonky3/Plonky3:fri/src/config.rs).
 *
 * Presets are frozen objects selected by name; overrides build a new, differently named
 * configuration whose digest differs, so an envelope made under one never passes as another.
 */
import type { FriParams } from '../fri/config.ts';
import { ConstantSet, type Poseidon2ConstantSetName, permSetOf } from '../hash/poseidon2.ts';
import { VerifierConfigError } from './errors.ts';

export type { FriParams } from '../fri/config.ts';

export { ConstantSet, permSetOf };

/**
 * The Poseidon2 constant-set name of a configuration.
 * @param config the STARK configuration
 * @returns 'default' or 'smallrng-seed-1'
 */
export function constantSetOf(config: { readonly constants: ConstantSet }): Poseidon2ConstantSetName {
  return permSetOf(config.constants);
}

/** A complete protocol configuration. */
export interface StarkConfig {
  /** Preset name, or `custom` after overrides. */
  readonly name: string;
  readonly fri: FriParams;
  readonly constants: ConstantSet;
  /** Largest trace height (log2) this configuration proves or verifies. */
  readonly maxLogTraceHeight: number;
  /** Test-only presets are refused unless `allowInsecure` is passed where they are used. */
  readonly insecure: boolean;
}

const preset = (
  name: string,
  fri: FriParams,
  constants: ConstantSet,
  maxLogTraceHeight: number,
  insecure: boolean,
): StarkConfig => Object.freeze({ name, fri: Object.freeze(fri), constants, maxLogTraceHeight, insecure });

/** The shipped presets. `c100` is the production default. */
export const PRESETS: Readonly<Record<string, StarkConfig>> = Object.freeze({
  'plonky3-fixture': preset(
    'plonky3-fixture',
    { logBlowup: 2, logFinalPolyLen: 2, maxLogArity: 1, numQueries: 2, commitPowBits: 1, queryPowBits: 1 },
    'rng-seed-1',
    16,
    true,
  ),
  'insecure-test': preset(
    'insecure-test',
    { logBlowup: 2, logFinalPolyLen: 0, maxLogArity: 1, numQueries: 2, commitPowBits: 1, queryPowBits: 1 },
    'default',
    16,
    true,
  ),
  c100: preset(
    'c100',
    { logBlowup: 1, logFinalPolyLen: 0, maxLogArity: 1, numQueries: 100, commitPowBits: 0, queryPowBits: 16 },
    'default',
    21,
    false,
  ),
  'c100-compact': preset(
    'c100-compact',
    { logBlowup: 2, logFinalPolyLen: 0, maxLogArity: 1, numQueries: 50, commitPowBits: 0, queryPowBits: 16 },
    'default',
    21,
    false,
  ),
  'udr-q100': preset(
    'udr-q100',
    {
      logBlowup: 2,
      logFinalPolyLen: 0,
      maxLogArity: 1,
      numQueries: 118,
      commitPowBits: 16,
      queryPowBits: 20,
    },
    'default',
    21,
    false,
  ),
});

/** The production default preset name. */
export const DEFAULT_PRESET = 'c100';

/** Overrides accepted on top of a preset (CLI flags `--log-blowup` etc.). */
export interface ConfigOverrides {
  readonly logBlowup?: number;
  readonly logFinalPolyLen?: number;
  readonly maxLogArity?: number;
  readonly numQueries?: number;
  readonly commitPowBits?: number;
  readonly queryPowBits?: number;
  readonly constants?: ConstantSet;
}

function checkInt(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new VerifierConfigError(`config: ${name} = ${v} is outside ${lo}..${hi}`);
  }
}

/**
 * Validates a configuration (the constructor-time checks of docs/verifier-hardening.md §4.B4).
 * @throws {VerifierConfigError} on any out-of-range parameter
 */
export function validateConfig(c: StarkConfig): StarkConfig {
  const f = c.fri;
  checkInt('logBlowup', f.logBlowup, 1, 8);
  checkInt('logFinalPolyLen', f.logFinalPolyLen, 0, 16);
  checkInt('maxLogArity', f.maxLogArity, 1, 8);
  checkInt('numQueries', f.numQueries, 1, 1024);
  checkInt('commitPowBits', f.commitPowBits, 0, 30);
  checkInt('queryPowBits', f.queryPowBits, 0, 30);
  checkInt('maxLogTraceHeight', c.maxLogTraceHeight, 0, 27 - f.logBlowup);
  if (c.constants !== 'default' && c.constants !== 'rng-seed-1') {
    throw new VerifierConfigError(`config: unknown Poseidon2 constant set '${String(c.constants)}'`);
  }
  return c;
}

/**
 * Looks up a preset by name and applies overrides.
 * @param name preset name (see PRESETS)
 * @param overrides parameter overrides; any override renames the result `<name>+custom`
 * @throws {VerifierConfigError} for an unknown name or an invalid parameter
 */
export function getConfig(name: string = DEFAULT_PRESET, overrides: ConfigOverrides = {}): StarkConfig {
  const base = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!base) {
    throw new VerifierConfigError(
      `config: unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`,
    );
  }
  const { constants, ...friOverrides } = overrides;
  const defined = Object.fromEntries(Object.entries(friOverrides).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0 && (constants === undefined || constants === base.constants))
    return base;
  const fri = { ...base.fri, ...defined } as FriParams;
  return validateConfig(
    preset(`${name}+custom`, fri, constants ?? base.constants, base.maxLogTraceHeight, base.insecure),
  );
}

/** Plonky3's conjectured_soundness_bits: log_blowup * num_queries + query PoW bits. */
export function conjecturedSoundnessBits(f: FriParams): number {
  return f.logBlowup * f.numQueries + f.queryPowBits;
}

/** A canonical text of everything that defines the protocol instance (input of the config digest). */
export function configDescriptor(c: StarkConfig): string {
  const f = c.fri;
  return [
    'plonky3@v0.6.2',
    'field=babybear',
    'ext=binomial4(w=11)',
    'hash=poseidon2-16/padding-free-sponge(16,8,8)',
    'compress=truncated-permutation(2,8,16)',
    'mmcs=merkle-tree(arity=2,digest=8,cap=0)',
    'challenger=duplex(16,8)',
    'pcs=two-adic-fri(non-zk)',
    `constants=${c.constants}`,
    `log_blowup=${f.logBlowup}`,
    `log_final_poly_len=${f.logFinalPolyLen}`,
    `max_log_arity=${f.maxLogArity}`,
    `num_queries=${f.numQueries}`,
    `commit_pow_bits=${f.commitPowBits}`,
    `query_pow_bits=${f.queryPowBits}`,
  ].join(';');
}
