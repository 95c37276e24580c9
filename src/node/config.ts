/**
 * Node configuration: reads `node.toml` (smol-toml), validates every key's type and value and
 * returns a frozen `NodeConfig`. Every error is a `ConfigError` naming the file and the key.
 *
 * No Plonky3 counterpart; mirrors the runbook's `config/node.toml` (`proof_cache_dir`,
 * `use_gpu_acceleration`). Invariants: unknown keys are errors (a typo must not silently fall
 * back to a default); `PLONKY3_GPU_DISABLE` (1/true/yes/on, as src/runtime/select.ts reads it) wins over `use_gpu_acceleration`;
 * the configuration is read once at startup, there is no reload.
 */

import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'smol-toml';
import { FAMILY_NAMES, type FamilyName, type FamilySize } from '../circuits/families.ts';
import { LocatedError } from '../error-kinds.ts';
import { GPU_DISABLE_ENV, isTruthyEnv } from '../runtime/select.ts';
import { PRESETS } from '../stark/config.ts';

/** A configuration file that cannot be read, parsed or validated. */
export class ConfigError extends LocatedError {
  override readonly name = 'ConfigError';
  /** The configuration file (`where`). */
  get file(): string {
    return this.where;
  }
  /** The offending dotted key (`field`), or '' for file-level errors. */
  get key(): string {
    return this.field;
  }
}

/** Log levels accepted in `[logging] level`. */
export const LOG_LEVELS: readonly string[] = Object.freeze([
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
]);

/** The validated node configuration. */
export interface NodeConfig {
  /** The file it came from ('<defaults>' for `defaultNodeConfig`). */
  readonly file: string;
  /** Absolute cache directory. */
  readonly proofCacheDir: string;
  /** The file's `use_gpu_acceleration`. */
  readonly useGpuAcceleration: boolean;
  /** Whether `PLONKY3_GPU_DISABLE` was set to a truthy value. */
  readonly gpuDisabledByEnv: boolean;
  /** The effective switch: file value and no env override. */
  readonly gpuEnabled: boolean;
  /** Soundness preset name (a key of PRESETS). */
  readonly securityPreset: string;
  /** Whether test-only presets are accepted. */
  readonly allowInsecure: boolean;
  /** Families loaded at startup. */
  readonly families: readonly FamilyName[];
  /** Size profile of the families. */
  readonly size: FamilySize;
  /** Logging settings. */
  readonly logging: { readonly level: string; readonly format: 'json' | 'pretty' };
  /** Service settings. */
  readonly service: {
    readonly host: string;
    readonly port: number;
    readonly maxQueue: number;
    readonly concurrency: number;
    readonly maxBodyBytes: number;
    /** Absolute path of the file holding the bearer token of POST /prove, /verify, GET /jobs (none: no token). */
    readonly authTokenFile: string | undefined;
  };
}

const TOP_KEYS = [
  'proof_cache_dir',
  'use_gpu_acceleration',
  'security_preset',
  'allow_insecure',
  'circuits',
  'logging',
  'service',
];
const SECTION_KEYS: Record<string, readonly string[]> = {
  circuits: ['families', 'size'],
  logging: ['level', 'format'],
  service: ['host', 'port', 'max_queue', 'concurrency', 'max_body_bytes', 'auth_token_file'],
};
const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Validates a parsed TOML document.
 * @param doc the parsed document
 * @param file the file name used in errors
 * @param env the environment (default process.env)
 * @returns the frozen configuration
 * @throws {ConfigError} naming the file and key of the first problem
 */
export function validateNodeConfig(
  doc: unknown,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): NodeConfig {
  if (!isTable(doc)) throw new ConfigError(file, '', 'top level must be a table');
  for (const k of Object.keys(doc)) {
    if (!TOP_KEYS.includes(k)) throw new ConfigError(file, k, `unknown key (known: ${TOP_KEYS.join(', ')})`);
  }
  const sections: Record<string, Table> = {};
  for (const s of Object.keys(SECTION_KEYS)) {
    const v = doc[s];
    if (v === undefined) sections[s] = {};
    else if (!isTable(v)) throw new ConfigError(file, s, 'must be a table');
    else {
      for (const k of Object.keys(v)) {
        if (!SECTION_KEYS[s].includes(k))
          throw new ConfigError(file, `${s}.${k}`, `unknown key (known: ${SECTION_KEYS[s].join(', ')})`);
      }
      sections[s] = v;
    }
  }
  const str = (t: Table, key: string, dotted: string, def: string): string => {
    const v = t[key];
    if (v === undefined) return def;
    if (typeof v !== 'string') throw new ConfigError(file, dotted, `must be a string, got ${typeof v}`);
    return v;
  };
  const oneOf = <T extends string>(
    t: Table,
    key: string,
    dotted: string,
    allowed: readonly T[],
    def: T = allowed[0],
  ): T => {
    const v = str(t, key, dotted, def);
    if (!(allowed as readonly string[]).includes(v))
      throw new ConfigError(file, dotted, `must be one of ${allowed.join(', ')}, got '${v}'`);
    return v as T;
  };
  const bool = (t: Table, key: string, dotted: string, def: boolean): boolean => {
    const v = t[key];
    if (v === undefined) return def;
    if (typeof v !== 'boolean')
      throw new ConfigError(file, dotted, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const int = (t: Table, key: string, dotted: string, def: number, lo: number, hi: number): number => {
    const v = t[key];
    if (v === undefined) return def;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n))
      throw new ConfigError(file, dotted, `must be an integer, got ${JSON.stringify(String(v))}`);
    if (n < lo || n > hi) throw new ConfigError(file, dotted, `${n} is outside ${lo}..${hi}`);
    return n;
  };

  const dir = str(doc, 'proof_cache_dir', 'proof_cache_dir', 'data/proofs');
  if (dir.trim() === '') throw new ConfigError(file, 'proof_cache_dir', 'must not be empty');
  const useGpu = bool(doc, 'use_gpu_acceleration', 'use_gpu_acceleration', true);
  const preset = str(doc, 'security_preset', 'security_preset', 'c100');
  if (!Object.hasOwn(PRESETS, preset)) {
    throw new ConfigError(
      file,
      'security_preset',
      `unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`,
    );
  }
  const allowInsecure = bool(doc, 'allow_insecure', 'allow_insecure', false);
  if (PRESETS[preset].insecure && !allowInsecure) {
    throw new ConfigError(
      file,
      'security_preset',
      `'${preset}' is a test-only preset; set allow_insecure = true to use it`,
    );
  }

  const c = sections.circuits;
  let families: FamilyName[] = [...FAMILY_NAMES];
  if (c.families !== undefined) {
    if (!Array.isArray(c.families) || c.families.length === 0)
      throw new ConfigError(file, 'circuits.families', 'must be a non-empty array of family names');
    families = [];
    for (const f of c.families) {
      if (typeof f !== 'string' || !(FAMILY_NAMES as readonly string[]).includes(f)) {
        throw new ConfigError(
          file,
          'circuits.families',
          `unknown family ${JSON.stringify(f)} (known: ${FAMILY_NAMES.join(', ')})`,
        );
      }
      if (families.includes(f as FamilyName))
        throw new ConfigError(file, 'circuits.families', `'${f}' is listed twice`);
      families.push(f as FamilyName);
    }
  }
  const size = oneOf(c, 'size', 'circuits.size', ['production', 'test'] as const);

  const l = sections.logging;
  const level = oneOf(l, 'level', 'logging.level', LOG_LEVELS, 'info');
  const format = oneOf(l, 'format', 'logging.format', ['json', 'pretty'] as const);

  const s = sections.service;
  const host = str(s, 'host', 'service.host', '127.0.0.1');
  if (!LOOPBACK.includes(host))
    throw new ConfigError(
      file,
      'service.host',
      `must be a loopback address (${LOOPBACK.join(', ')}), got '${host}'`,
    );
  const tokenFile = str(s, 'auth_token_file', 'service.auth_token_file', '');
  if (s.auth_token_file !== undefined && tokenFile.trim() === '')
    throw new ConfigError(file, 'service.auth_token_file', 'must not be empty (omit the key for no token)');
  const service = Object.freeze({
    authTokenFile: tokenFile === '' ? undefined : resolve(tokenFile),
    host,
    port: int(s, 'port', 'service.port', 7070, 0, 65535),
    maxQueue: int(s, 'max_queue', 'service.max_queue', 16, 1, 4096),
    concurrency: int(s, 'concurrency', 'service.concurrency', 1, 1, 64),
    maxBodyBytes: int(
      s,
      'max_body_bytes',
      'service.max_body_bytes',
      8 * 1024 * 1024,
      1024,
      256 * 1024 * 1024,
    ),
  });

  const gpuDisabledByEnv = isTruthyEnv(env[GPU_DISABLE_ENV]);
  return Object.freeze({
    file,
    proofCacheDir: resolve(dir),
    useGpuAcceleration: useGpu,
    gpuDisabledByEnv,
    gpuEnabled: useGpu && !gpuDisabledByEnv,
    securityPreset: preset,
    allowInsecure,
    families: Object.freeze(families),
    size: size as FamilySize,
    logging: Object.freeze({ level, format: format as 'json' | 'pretty' }),
    service,
  });
}

/**
 * Parses TOML text and validates it.
 * @param text the TOML source
 * @param file the file name used in errors
 * @param env the environment (default process.env)
 * @returns the configuration
 * @throws {ConfigError} for a syntax error (with line) or an invalid key
 */
export function parseNodeConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): NodeConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError(
      file,
      '',
      `TOML syntax error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
  return validateNodeConfig(doc, file, env);
}

/**
 * Reads and validates a configuration file.
 * @param path the node.toml path
 * @param env the environment (default process.env)
 * @returns the configuration
 * @throws {ConfigError} if the file cannot be read or is invalid
 * @example
 * const cfg = loadNodeConfig('config/node.toml');
 */
export function loadNodeConfig(path: string, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, '', `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseNodeConfig(text, path, env);
}

/**
 * The configuration of an empty file (every default), e.g. for tests.
 * @param overrides TOML-level keys to set (same names as the file)
 * @param env the environment (default process.env)
 * @returns the configuration
 * @throws {ConfigError} if an override is invalid
 */
export function defaultNodeConfig(
  overrides: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): NodeConfig {
  return validateNodeConfig(overrides, '<defaults>', env);
}

/** Largest accepted token file. */
const MAX_TOKEN_FILE_BYTES = 4096;

/**
 * Reads the service's bearer token from `service.auth_token_file`: a regular file (opened
 * without blocking, so a FIFO cannot stall startup) of at most 4 KiB holding one token of at
 * least 16 printable characters, surrounding whitespace ignored.
 * @param path the token file
 * @returns the token
 * @throws {ConfigError} naming the file and what is wrong
 */
export function readServiceToken(path: string): string {
  const key = 'service.auth_token_file';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new ConfigError(path, key, `cannot open: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConfigError(path, key, 'is not a regular file');
    if (st.size > MAX_TOKEN_FILE_BYTES)
      throw new ConfigError(path, key, `is ${st.size} bytes (at most ${MAX_TOKEN_FILE_BYTES})`);
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    const token = buf.subarray(0, n).toString('utf8').trim();
    if (!/^[\x21-\x7e]{16,}$/.test(token))
      throw new ConfigError(path, key, 'must hold one token of at least 16 printable ASCII characters');
    return token;
  } finally {
    closeSync(fd);
  }
}
