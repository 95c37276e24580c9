/**
 * Shared CLI plumbing: the argument parser every command uses (`parseCommandArgs`), configuration
 * flags (preset + overrides), public-value parsing and the built-in statements
 * (`--air fibonacci|poseidon2 --log-rows N`).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Air } from '../air/air.ts';
import { P } from '../field/babybear.ts';
import type { Matrix } from '../field/matrix.ts';
import type { ConfigOverrides, ConstantSet, StarkConfig } from '../stark/config.ts';
import { getConfig, permSetOf } from '../stark/config.ts';

/** A usage error: exit code 2 with the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** parseArgs option specs of a command's options. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The option every command takes: `--help`. */
const HELP_OPTION = { help: { type: 'boolean' } } as const;

type CommandConfig<O extends OptionSpecs> = {
  args: string[];
  options: O & typeof HELP_OPTION;
  strict: true;
  allowPositionals: boolean;
};

/** What `parseCommandArgs` parsed: parseArgs' values (typed by the option specs) and positionals. */
export type CommandArgs<O extends OptionSpecs> = ReturnType<typeof parseArgs<CommandConfig<O>>>;

/** Options of `parseCommandArgs`. */
export interface CommandArgsOptions<O extends OptionSpecs> {
  /** Accept positional arguments (default false: one is a usage error). */
  readonly allowPositionals?: boolean;
  /**
   * Checks the parsed values after `--help` is handled; a throw is a usage error.
   * @param args what was parsed
   */
  readonly check?: (args: CommandArgs<O>) => void;
}

/**
 * Parses a command's arguments with node:util `parseArgs` (strict, `--help` added). `--help`
 * prints the help to stdout; a parse error or a throw from `check` prints
 * `p3ts <command>: <message>` and the help to stderr.
 * @param command the command name, for messages
 * @param help the command's help text
 * @param argv the arguments after the command name
 * @param options parseArgs option specs (without `help`)
 * @param opts positionals and an extra check
 * @returns the parsed arguments, or the exit code to return: 0 after `--help`, 2 after a usage error
 * @example
 * const args = parseCommandArgs('preload', HELP, argv, { ...NODE_CONFIG_OPTION, json: { type: 'boolean' } });
 * if (typeof args === 'number') return args;
 */
export function parseCommandArgs<const O extends OptionSpecs>(
  command: string,
  help: string,
  argv: string[],
  options: O,
  opts: CommandArgsOptions<O> = {},
): CommandArgs<O> | number {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, ...HELP_OPTION },
      strict: true,
      allowPositionals: opts.allowPositionals ?? false,
    }) as CommandArgs<O>;
    if ((parsed.values as { help?: boolean }).help) {
      console.log(help);
      return 0;
    }
    opts.check?.(parsed);
    return parsed;
  } catch (e) {
    console.error(`p3ts ${command}: ${messageOf(e)}\n${help}`);
    return 2;
  }
}

/** The message of a thrown value. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What `orUsageExit` returns when its step failed: the command exits 2. */
export const FAILED: unique symbol = Symbol('failed');

/**
 * Runs one input step of a command (read a file, parse flags); on an error prints
 * `p3ts <command>: <prefix><message>` and returns FAILED, for which the command exits 2.
 * @param command the command name
 * @param step the step
 * @param prefix text before the error message (e.g. `cannot read FILE: `)
 * @returns the step's value, or FAILED
 */
export async function orUsageExit<T>(
  command: string,
  step: () => Promise<T> | T,
  prefix = '',
): Promise<T | typeof FAILED> {
  try {
    return await step();
  } catch (e) {
    console.error(`p3ts ${command}: ${prefix}${messageOf(e)}`);
    return FAILED;
  }
}

/** parseArgs option spec of `--config PATH` for the node commands (preload, preflight, serve). */
export const NODE_CONFIG_OPTION = { config: { type: 'string', default: 'config/node.toml' } } as const;

/** parseArgs option specs of the configuration flags. */
export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  'log-blowup': { type: 'string' },
  'num-queries': { type: 'string' },
  'commit-pow-bits': { type: 'string' },
  'query-pow-bits': { type: 'string' },
  'log-final-poly-len': { type: 'string' },
  'max-log-arity': { type: 'string' },
  constants: { type: 'string' },
} as const;

/** Bounds of an integer flag (inclusive). */
export interface IntBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * Parses the value of an integer flag: decimal digits only, so NaN, negatives, fractions,
 * exponents and hex are rejected, then checked against the bounds.
 * @param value the flag's string value
 * @param flag the flag's name without dashes (named in the error)
 * @param bounds inclusive bounds (default min 0, max 2^31 - 1)
 * @returns the integer
 * @throws {UsageError} naming the flag when the value is not an integer within the bounds
 * @example parseIntFlag('10', 'log-rows', { max: 24 }) // 10
 */
export function parseIntFlag(value: string, flag: string, bounds: IntBounds = {}): number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? 0x7fffffff;
  const range = `an integer in ${min}..${max}`;
  if (!/^\d{1,10}$/.test(value)) throw new UsageError(`--${flag} expects ${range}, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${flag} expects ${range}, got ${n}`);
  return n;
}

/**
 * The integer value of an optional flag of a parseArgs result.
 * @param values parseArgs values
 * @param name the flag's name without dashes
 * @param bounds inclusive bounds
 * @returns the integer, or undefined when the flag is absent
 * @throws {UsageError} for a malformed or out-of-range value
 */
export function intFlag(
  values: Record<string, unknown>,
  name: string,
  bounds?: IntBounds,
): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} expects a value`);
  return parseIntFlag(v, name, bounds);
}

/**
 * Builds the configuration from `--config NAME` and the override flags.
 * @throws {UsageError} for malformed flags
 */
export function configFromFlags(values: Record<string, unknown>): StarkConfig {
  const constants = values.constants;
  if (constants !== undefined && constants !== 'default' && constants !== 'rng-seed-1') {
    throw new UsageError(`--constants expects default|rng-seed-1, got '${String(constants)}'`);
  }
  const overrides: ConfigOverrides = {
    logBlowup: intFlag(values, 'log-blowup', { min: 1, max: 8 }),
    numQueries: intFlag(values, 'num-queries', { min: 1, max: 1024 }),
    commitPowBits: intFlag(values, 'commit-pow-bits', { max: 30 }),
    queryPowBits: intFlag(values, 'query-pow-bits', { max: 30 }),
    logFinalPolyLen: intFlag(values, 'log-final-poly-len', { max: 16 }),
    maxLogArity: intFlag(values, 'max-log-arity', { min: 1, max: 8 }),
    constants: constants as ConstantSet | undefined,
  };
  try {
    return getConfig(typeof values.config === 'string' ? values.config : 'c100', overrides);
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
}

/**
 * Parses `--public v1,v2,...` (decimal canonical field elements; empty string = none).
 * @throws {UsageError} for a malformed list
 */
export function parsePublics(s: string | undefined): number[] {
  if (s === undefined || s.trim() === '') return [];
  return s.split(',').map((t, i) => {
    const v = t.trim();
    if (!/^\d+$/.test(v) || Number(v) >= P)
      throw new UsageError(`--public: value ${i} '${t}' is not a field element`);
    return Number(v);
  });
}

/** A built-in statement: the AIR and, for proving, its trace. */
export interface BuiltinStatement {
  readonly air: Air;
  trace(): Matrix;
}

/**
 * The built-in AIRs of the CLI.
 * @param name `fibonacci` or `poseidon2`
 * @param logRows log2 of the trace height
 * @param publics public values (fibonacci: a, b, x)
 * @param config the configuration (selects the Poseidon2 constants of the poseidon2 AIR)
 * @throws {UsageError} for an unknown AIR or bad sizes
 */
export async function builtinStatement(
  name: string,
  logRows: number,
  publics: readonly number[],
  config: StarkConfig,
): Promise<BuiltinStatement> {
  if (!Number.isInteger(logRows) || logRows < 0 || logRows > 24)
    throw new UsageError(`--log-rows ${logRows} outside 0..24`);
  const circuits = await import('../circuits/index.ts');
  const n = 2 ** logRows;
  if (name === 'fibonacci') {
    if (publics.length !== 3)
      throw new UsageError('fibonacci takes --public a,b,x (x = the last row right value)');
    return {
      air: circuits.fibonacciAir(),
      trace: () => circuits.generateFibonacciTrace(publics[0], publics[1], n),
    };
  }
  if (name === 'poseidon2') {
    if (publics.length !== 0) throw new UsageError('poseidon2 takes no public values');
    const air = circuits.createPoseidon2Air({
      constants: permSetOf(config.constants),
    });
    return { air, trace: () => circuits.generatePoseidon2Trace(air, { seed: 1 }, n) };
  }
  throw new UsageError(`unknown AIR '${name}' (known: ${circuits.BUILTIN_AIRS.join(', ')})`);
}

/** A built-in statement read from a command's flags. */
export interface FlagStatement {
  /** `--log-rows`. */
  readonly logRows: number;
  /** The preset of `--config` with the override flags applied. */
  readonly config: StarkConfig;
  /** `--public`. */
  readonly publics: number[];
  /** The AIR of `--air` and its trace generator. */
  readonly statement: BuiltinStatement;
}

/**
 * The built-in statement of `--air`, `--log-rows` and `--public` under the configuration flags.
 * @param values parseArgs values (`air` and `log-rows` present, CONFIG_OPTIONS included)
 * @returns the height, configuration, public values and statement
 * @throws {UsageError} for a bad height, configuration flag, public value or AIR name
 */
export async function statementFromFlags(values: Record<string, unknown>): Promise<FlagStatement> {
  const logRows = parseIntFlag(String(values['log-rows']), 'log-rows', { max: 24 });
  const config = configFromFlags(values);
  const publics = parsePublics(values.public as string | undefined);
  const statement = await builtinStatement(String(values.air), logRows, publics, config);
  return { logRows, config, publics, statement };
}
