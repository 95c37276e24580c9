/**
 * The parameter cache under `proof_cache_dir`: per circuit family a parameter / verifying-key
 * file (`<family>.params.json`: AIR digest and widths, preset and configuration digest, Poseidon2
 * constants digest, format version) and a canary proof (`<family>.canary.bin`), plus a SHA-256
 * manifest (`manifest.json`) written last. The expected digests of every parameter file ship with
 * the package (src/node/expected-digests.ts), so a manifest rewritten next to a corrupted file
 * is still caught.
 *
 * No Plonky3 counterpart (rpp-node's proof cache, runbook "Hot reload status and parameter
 * rotation"). Invariants: every write is atomic (temp `<name>.tmp-<pid>-<n>` in the same
 * directory, write, fsync, rename, fsync the directory); stale temp files are removed when the
 * cache is opened or preloaded; parameters load once at startup and are never reloaded — a
 * replaced file takes effect only after preflight and a restart. One process per cache directory.
 */
import { createHash } from 'node:crypto';
import { constants as FS, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Air } from '../air/air.ts';
import { type CompiledAir, compileAir } from '../air/symbolic.ts';
import { FAMILIES, FAMILY_NAMES, type FamilyName, type FamilySize } from '../circuits/families.ts';
import {
  constantSetDigest,
  POSEIDON2_CONSTANT_SETS,
  type Poseidon2ConstantSetName,
} from '../hash/poseidon2.ts';
import { type Logger, noopLogger } from '../runtime/logger.ts';
import { getConfig, PRESETS, type StarkConfig } from '../stark/config.ts';
import { configDigest, wrapEnvelope } from '../stark/envelope.ts';
import { prove } from '../stark/prove.ts';
import { circuitIdOf } from '../stark/verify.ts';
import type { NodeConfig } from './config.ts';
import { EXPECTED_DIGESTS } from './expected-digests.ts';

/** Version of the parameter-file format. */
export const CACHE_FORMAT_VERSION = 1;
/** Version of the manifest format (2: per-file sizes and an integrity checksum). */
export const MANIFEST_FORMAT_VERSION = 2;
/** The manifest is read only up to this size. */
export const MANIFEST_MAX_BYTES: number = 1024 * 1024;
/** A parameter file is read only up to this size (they are about 1.5 KB). */
export const PARAMS_MAX_BYTES: number = 64 * 1024;
/** A canary proof is read only up to this size: the verifier's global proof cap. */
export const CANARY_MAX_BYTES: number = 16 * 1024 * 1024;
/** The Plonky3 reference tag recorded in every parameter file. */
export const REFERENCE_TAG = 'plonky3@v0.6.2';
/** The manifest's file name. */
export const MANIFEST_FILE = 'manifest.json';
/** Size profile of the stored canary proofs. */
export const CANARY_SIZE: FamilySize = 'test';

/**
 * The parameter file name of a family.
 * @param family the family
 * @returns `<family>.params.json`
 */
export const paramsFileName = (family: string): string => `${family}.params.json`;
/**
 * The canary proof file name of a family.
 * @param family the family
 * @returns `<family>.canary.bin`
 */
export const canaryFileName = (family: string): string => `${family}.canary.bin`;

/** The parameter / verifying-key record of one family. */
export interface FamilyParams {
  readonly format: 'p3ts-params';
  readonly formatVersion: number;
  readonly family: FamilyName;
  /** The circuit id proofs carry in their envelope. */
  readonly circuitId: string;
  readonly referenceTag: string;
  readonly preset: string;
  /** Hex of the 32-byte configuration digest (src/stark/envelope.ts). */
  readonly configDigest: string;
  readonly poseidon2ConstantsDigest: string;
  readonly air: {
    /** SHA-256 of the compiled constraint DAG (`airDigest`). */
    readonly digest: string;
    readonly width: number;
    readonly numPublicValues: number;
    readonly maxDegree: number;
    readonly numConstraints: number;
    readonly logQuotientChunks: number;
  };
  readonly size: FamilySize;
  readonly logRows: number;
  /** The stored canary proof: a valid proof of the family's test-size sample. */
  readonly canary: {
    readonly file: string;
    readonly size: FamilySize;
    readonly publicValues: readonly number[];
  };
}

/** One file listed in the manifest. */
export interface ManifestEntry {
  /** SHA-256 hex of the file's bytes. */
  readonly sha256: string;
  /** The file's exact size: the bound it is read with. */
  readonly bytes: number;
}

/**
 * The manifest of the cache directory. `integrity` is the SHA-256 of the canonical text of every
 * other field (`manifestChecksum`): a changed entry, size or `rotatedAt` that was not re-sealed is
 * caught. It is a checksum, not a signature — see docs/runbook.md "Manifest integrity" for what
 * it does and does not stop.
 */
export interface CacheManifest {
  readonly format: 'p3ts-manifest';
  readonly formatVersion: number;
  readonly preset: string;
  readonly size: FamilySize;
  /** When the files were last seeded or rotated (ISO 8601). */
  readonly rotatedAt: string;
  /** File name -> SHA-256 and size. */
  readonly files: Readonly<Record<string, ManifestEntry>>;
  readonly integrity: { readonly alg: 'sha256'; readonly digest: string };
}

/** The digests pinned in the package (generated by scripts/gen-expected-digests.ts). */
export interface ExpectedDigests {
  readonly formatVersion: number;
  /** Family -> AIR digest under the default constants. */
  readonly airDigests: Readonly<Record<string, string>>;
  /** Constant set -> constantSetDigest. */
  readonly constantsDigests: Readonly<Record<string, string>>;
  /** `<preset>/<size>/<family>` -> SHA-256 of the parameter file's bytes. */
  readonly paramsSha256: Readonly<Record<string, string>>;
}

/** Kinds of cache problems (reported by preflight; each names its file). docs/runbook.md has the table. */
export const CacheProblemKind = {
  dirMissing: 'CACHE_DIR_MISSING',
  manifestMissing: 'MANIFEST_MISSING',
  manifestInvalid: 'MANIFEST_INVALID',
  manifestIntegrity: 'MANIFEST_INTEGRITY',
  manifestMismatch: 'MANIFEST_MISMATCH',
  familyMissing: 'MISSING_FAMILY',
  notRegular: 'FILE_NOT_REGULAR',
  tooLarge: 'FILE_TOO_LARGE',
  sizeMismatch: 'FILE_SIZE_MISMATCH',
  readError: 'FILE_READ_ERROR',
  checksumMismatch: 'CHECKSUM_MISMATCH',
  expectedDigestMismatch: 'EXPECTED_DIGEST_MISMATCH',
  paramsInvalid: 'PARAMS_INVALID',
  versionMismatch: 'VERSION_MISMATCH',
  staleTemp: 'STALE_TEMP',
} as const;
/** One of CacheProblemKind. */
export type CacheProblemKind = (typeof CacheProblemKind)[keyof typeof CacheProblemKind];

/** One problem found in the cache. */
export interface CacheProblem {
  readonly kind: CacheProblemKind;
  /** The family concerned, if any. */
  readonly family?: string;
  /** The file concerned (absolute). */
  readonly file: string;
  readonly message: string;
}

/** The result of inspecting a cache directory. */
export interface CacheReport {
  readonly dir: string;
  readonly ok: boolean;
  readonly problems: readonly CacheProblem[];
  /** The manifest, when it parsed. */
  readonly manifest: CacheManifest | undefined;
  /** Parameters of the families whose files passed every check. */
  readonly params: ReadonlyMap<FamilyName, FamilyParams>;
  /** The canary proofs of the families in `params`, as read and checked (never re-read from disk). */
  readonly canaries: ReadonlyMap<FamilyName, Uint8Array>;
  /** Bytes of all files the manifest lists (present ones). */
  readonly sizeBytes: number;
}

/** A cache write failed (disk full, I/O error): retryable, the previous file is kept. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  /** Service-level code (spec/verifier-hardening.md §2). */
  readonly code = 'STORAGE_ERROR';
  /** Always retryable. */
  readonly retryable = true;
}

/** The cache failed its integrity checks at startup (spec/verifier-hardening.md §2, §7). */
export class CacheIntegrityError extends Error {
  override readonly name = 'CacheIntegrityError';
  /** Service-level code. */
  readonly code = 'CACHE_INTEGRITY';
  /** Not retryable: an operator must preload or restore the files. */
  readonly retryable = false;
  /** Every problem found. */
  readonly problems: readonly CacheProblem[];
  /** @param problems the problems (at least one) */
  constructor(problems: readonly CacheProblem[]) {
    super(
      `parameter cache failed its checks: ${problems.map((p) => `${p.kind} ${p.file}: ${p.message}`).join('; ')}`,
    );
    this.problems = problems;
  }
}

/**
 * SHA-256 of bytes as lower-case hex.
 * @param data the bytes
 * @returns 64 hex characters
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The Poseidon2 constant-set name of a configuration.
 * @param config the STARK configuration
 * @returns 'default' or 'smallrng-seed-1'
 */
export function constantSetOf(config: StarkConfig): Poseidon2ConstantSetName {
  return config.constants === 'rng-seed-1' ? 'smallrng-seed-1' : 'default';
}

/**
 * SHA-256 of a compiled AIR: name, shape, periodic columns and the whole constraint DAG in
 * topological order, then the constraint roots. Any change to a constraint changes it.
 * @param c the compiled AIR
 * @returns 64 hex characters
 */
export function airDigest(c: CompiledAir): string {
  const h = createHash('sha256');
  const a = c.air;
  h.update(
    `p3ts-air-v1;${a.name};w=${c.width};pv=${c.numPublicValues};d=${c.maxDegree};per=${c.numPeriodic}\n`,
  );
  for (const col of a.periodicColumns ?? []) h.update(`periodic:${col.join(',')}\n`);
  const buf = new Int32Array(4 * c.nodes.length);
  for (let i = 0; i < c.nodes.length; i++) {
    const e = c.nodes[i];
    buf[4 * i] = e.op;
    buf[4 * i + 1] = e.value | 0;
    buf[4 * i + 2] = e.a === null ? -1 : e.a.id;
    buf[4 * i + 3] = e.b === null ? -1 : e.b.id;
  }
  h.update(new Uint8Array(buf.buffer));
  h.update(`roots:${c.constraints.map((e) => e.id).join(',')}`);
  return h.digest('hex');
}

const compiledMemo = new Map<string, { air: Air; compiled: CompiledAir; digest: string }>();

/**
 * The AIR of a family under a constant set, compiled and digested once.
 * @param family the family
 * @param constants the constant set
 * @returns the AIR, its compiled form and digest
 */
export function familyAir(
  family: FamilyName,
  constants: Poseidon2ConstantSetName,
): { air: Air; compiled: CompiledAir; digest: string } {
  const key = `${family}/${constants}`;
  let m = compiledMemo.get(key);
  if (!m) {
    const air = FAMILIES[family].air({ constants });
    const compiled = compileAir(air);
    m = { air, compiled, digest: airDigest(compiled) };
    compiledMemo.set(key, m);
  }
  return m;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * The parameter record of a family (deterministic: no timestamps).
 * @param family the family
 * @param preset preset name
 * @param size size profile
 * @returns the record
 */
export function computeFamilyParams(family: FamilyName, preset: string, size: FamilySize): FamilyParams {
  const config = getConfig(preset);
  const cs = constantSetOf(config);
  const { air, compiled, digest } = familyAir(family, cs);
  const f = FAMILIES[family];
  const canary = f.build(f.sampleInput(CANARY_SIZE), { size: CANARY_SIZE, constants: cs });
  return {
    format: 'p3ts-params',
    formatVersion: CACHE_FORMAT_VERSION,
    family,
    circuitId: circuitIdOf(air),
    referenceTag: REFERENCE_TAG,
    preset,
    configDigest: hex(configDigest(config)),
    poseidon2ConstantsDigest: constantSetDigest(POSEIDON2_CONSTANT_SETS[cs]),
    air: {
      digest,
      width: compiled.width,
      numPublicValues: compiled.numPublicValues,
      maxDegree: compiled.maxDegree,
      numConstraints: compiled.constraints.length,
      logQuotientChunks: compiled.logQuotientChunks,
    },
    size,
    logRows: f.logRows[size],
    canary: { file: canaryFileName(family), size: CANARY_SIZE, publicValues: [...canary.publicValues] },
  };
}

/**
 * The exact bytes of a parameter file.
 * @param p the record
 * @returns UTF-8 JSON with a trailing newline
 */
export function serializeParams(p: FamilyParams): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(p, null, 2)}\n`);
}

/**
 * Computes the table shipped as src/node/expected-digests.ts from the current code.
 * @returns the table (every preset, size and family)
 */
export function computeExpectedDigests(): ExpectedDigests {
  const airDigests: Record<string, string> = {};
  for (const f of FAMILY_NAMES) airDigests[f] = familyAir(f, 'default').digest;
  const constantsDigests: Record<string, string> = {};
  for (const cs of Object.keys(POSEIDON2_CONSTANT_SETS) as Poseidon2ConstantSetName[]) {
    constantsDigests[cs] = constantSetDigest(POSEIDON2_CONSTANT_SETS[cs]);
  }
  const paramsSha256: Record<string, string> = {};
  for (const preset of Object.keys(PRESETS)) {
    for (const size of ['production', 'test'] as const) {
      for (const f of FAMILY_NAMES)
        paramsSha256[`${preset}/${size}/${f}`] = sha256Hex(
          serializeParams(computeFamilyParams(f, preset, size)),
        );
    }
  }
  return { formatVersion: CACHE_FORMAT_VERSION, airDigests, constantsDigests, paramsSha256 };
}

const TEMP_RE = /\.tmp-\d+-\d+$/;
let tempCounter = 0;

/**
 * Writes a file atomically: temp `<name>.tmp-<pid>-<n>` in the same directory, write, fsync,
 * rename over the target, fsync the directory. A reader sees the old or the new file, never a part.
 * @param dir the directory (must exist)
 * @param name the file name
 * @param data the contents
 * @throws {StorageError} on any I/O failure (the temp file is removed, the old file kept)
 */
export async function writeFileAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
  const target = join(dir, name);
  const tmp = join(dir, `${name}.tmp-${process.pid}-${tempCounter++}`);
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new StorageError(`cannot write ${target}: ${e instanceof Error ? e.message : String(e)}`);
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Some platforms refuse fsync on a directory handle (EISDIR, EPERM, EINVAL); the rename stands.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') {
      throw new StorageError(`cannot fsync directory ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } finally {
    await fh?.close();
  }
}

/** What a temp-file sweep found. */
export interface TempSweep {
  /** Removed temp files (names). */
  readonly removed: string[];
  /** Temp names that could not be removed (a directory, a permission error), with the reason. */
  readonly kept: { readonly name: string; readonly reason: string }[];
}

/**
 * Lists the temp files left by an interrupted write (`*.tmp-<pid>-<n>`), without touching them.
 * @param dir the cache directory (missing is fine)
 * @returns the names
 */
export async function listStaleTemps(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => TEMP_RE.test(n)).sort();
  } catch {
    return [];
  }
}

/**
 * Removes temp files left by an interrupted write. Only non-directories are removed (unlink never
 * follows a symlink, so a link's target is untouched); a directory with a temp name is kept and
 * reported.
 * @param dir the cache directory (missing is fine)
 * @returns what was removed and what was kept
 */
export async function sweepStaleTemps(dir: string): Promise<TempSweep> {
  const removed: string[] = [];
  const kept: { name: string; reason: string }[] = [];
  for (const n of await listStaleTemps(dir)) {
    const path = join(dir, n);
    try {
      if ((await lstat(path)).isDirectory()) {
        kept.push({ name: n, reason: 'is a directory; remove it by hand' });
        continue;
      }
      await unlink(path);
      removed.push(n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      kept.push({ name: n, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { removed, kept };
}

/**
 * Removes temp files left by an interrupted write (`*.tmp-<pid>-<n>`).
 * @param dir the cache directory (missing is fine)
 * @returns the removed file names
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  return (await sweepStaleTemps(dir)).removed;
}

/** The outcome of a bounded, type-checked read of one cache file. */
export type CacheFileRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly missing: true }
  | {
      readonly ok: false;
      readonly missing: false;
      readonly kind: CacheProblemKind;
      readonly message: string;
    };

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
// O_NOFOLLOW: the cache holds plain files written by preload; a symlink (to /dev/zero, to a file
// elsewhere) is refused at open. Both are 0 where the platform lacks them (Windows has no FIFOs
// or device links to guard against); the fstat check below still applies everywhere.
const OPEN_FLAGS = FS.O_RDONLY | (FS.O_NONBLOCK ?? 0) | (FS.O_NOFOLLOW ?? 0);

function describeType(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

async function describePath(path: string): Promise<string> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) {
      try {
        return `a symbolic link to ${describeType(await stat(path)).replace(/^not a regular file$/, 'something else')}`;
      } catch {
        return 'a dangling symbolic link';
      }
    }
    return describeType(st);
  } catch {
    return 'not a regular file';
  }
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Reads one cache file with type and size checks: regular files only (no directory, FIFO, device,
 * socket or symlink), opened non-blocking, never more than `maxBytes` read. Never throws.
 * @param path the file
 * @param maxBytes the most this file may hold
 * @param exactBytes the size the manifest lists, when known: any other size is refused unread
 * @returns the bytes, `missing`, or a problem kind and message
 */
export async function readCacheFile(
  path: string,
  maxBytes: number,
  exactBytes?: number,
): Promise<CacheFileRead> {
  // lstat first: a FIFO, device or socket is refused without being opened at all (opening some
  // devices has side effects); the fstat after the open confirms it is still the same regular file.
  let before: Stats;
  try {
    before = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    return {
      ok: false,
      missing: false,
      kind: CacheProblemKind.readError,
      message: `cannot stat: ${errMessage(e)}`,
    };
  }
  if (!before.isFile())
    return {
      ok: false,
      missing: false,
      kind: CacheProblemKind.notRegular,
      message: `is ${await describePath(path)}; the cache holds regular files only`,
    };
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // A dangling symlink is ENOENT at open: report it as what it is.
      try {
        if ((await lstat(path)).isSymbolicLink())
          return {
            ok: false,
            missing: false,
            kind: CacheProblemKind.notRegular,
            message: 'is a dangling symbolic link; the cache holds regular files only',
          };
      } catch {}
      return { ok: false, missing: true };
    }
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EISDIR' || code === 'ENXIO' || code === 'ENODEV')
      return {
        ok: false,
        missing: false,
        kind: CacheProblemKind.notRegular,
        message: `is ${await describePath(path)}; the cache holds regular files only`,
      };
    return {
      ok: false,
      missing: false,
      kind: CacheProblemKind.readError,
      message: `cannot open: ${errMessage(e)}`,
    };
  }
  try {
    const st = await fh.stat();
    if (st.ino !== before.ino || st.dev !== before.dev)
      return {
        ok: false,
        missing: false,
        kind: CacheProblemKind.readError,
        message: 'was replaced while being opened',
      };
    if (!st.isFile())
      return {
        ok: false,
        missing: false,
        kind: CacheProblemKind.notRegular,
        message: `is ${describeType(st)}; the cache holds regular files only`,
      };
    if (st.size > maxBytes)
      return {
        ok: false,
        missing: false,
        kind: CacheProblemKind.tooLarge,
        message: `is ${st.size} bytes, above the bound of ${maxBytes}; not read`,
      };
    if (exactBytes !== undefined && st.size !== exactBytes)
      return {
        ok: false,
        missing: false,
        kind: CacheProblemKind.sizeMismatch,
        message: `is ${st.size} bytes, the manifest lists ${exactBytes}; not read`,
      };
    // One byte of room: a file that grew after fstat is caught, and no read passes maxBytes + 1.
    const buf = new Uint8Array(st.size + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got !== st.size)
      return {
        ok: false,
        missing: false,
        kind: CacheProblemKind.readError,
        message: `changed while being read (${st.size} bytes at open, ${got > st.size ? 'more' : got} read)`,
      };
    return { ok: true, bytes: buf.subarray(0, got) };
  } catch (e) {
    return {
      ok: false,
      missing: false,
      kind: CacheProblemKind.readError,
      message: `cannot read: ${errMessage(e)}`,
    };
  } finally {
    await fh.close().catch(() => {});
  }
}

/** The manifest fields the integrity checksum covers (everything but `integrity`). */
export type ManifestBody = Omit<CacheManifest, 'integrity'>;

/**
 * The integrity checksum of a manifest: SHA-256 of a canonical text of every field but
 * `integrity` (fixed field order, file entries sorted by name), so reformatting the JSON does not
 * change it and any change of a value does.
 * @param m the manifest body
 * @returns 64 hex characters
 */
export function manifestChecksum(m: ManifestBody): string {
  const names = Object.keys(m.files).sort();
  const canonical = JSON.stringify([
    'p3ts-manifest-integrity-v1',
    m.format,
    m.formatVersion,
    m.preset,
    m.size,
    m.rotatedAt,
    names.map((n) => [n, m.files[n].sha256, m.files[n].bytes]),
  ]);
  return sha256Hex(canonical);
}

/**
 * Adds the integrity checksum to a manifest body.
 * @param m the manifest body
 * @returns the sealed manifest
 */
export function sealManifest(m: ManifestBody): CacheManifest {
  return { ...m, integrity: { alg: 'sha256', digest: manifestChecksum(m) } };
}

/** Options of `preloadCache`. */
export interface PreloadOptions {
  /** Logger (default silent). */
  readonly logger?: Logger;
  /** Clock for the rotation timestamp (default now). */
  readonly now?: () => Date;
}

/** What `preloadCache` wrote. */
export interface PreloadResult {
  readonly dir: string;
  /** File name -> SHA-256. */
  readonly files: Readonly<Record<string, string>>;
  readonly rotatedAt: string;
  /** Stale temp files removed before writing. */
  readonly removedTemps: readonly string[];
  /** Stale temp names that could not be removed, with the reason. */
  readonly keptTemps: readonly { readonly name: string; readonly reason: string }[];
  readonly durationMs: number;
}

/**
 * Seeds the cache for the configured families: parameter files, canary proofs (proved under the
 * configured preset), then the sealed manifest. Stale temp files are removed first. Every file is
 * written atomically; the manifest last.
 * @param cfg the node configuration
 * @param opts logger and clock
 * @returns the files written and the temp files removed
 * @throws {StorageError} on an I/O failure
 * @example
 * await preloadCache(loadNodeConfig('config/node.toml'));
 */
export async function preloadCache(cfg: NodeConfig, opts: PreloadOptions = {}): Promise<PreloadResult> {
  const log = opts.logger ?? noopLogger;
  const t0 = performance.now();
  const dir = cfg.proofCacheDir;
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new StorageError(`cannot create ${dir}: ${errMessage(e)}`);
  }
  const sweep = await sweepStaleTemps(dir);
  if (sweep.removed.length > 0) log.warn({ dir, files: sweep.removed }, 'removed stale temp files');
  for (const k of sweep.kept) log.warn({ dir, file: k.name }, `stale temp not removed: ${k.reason}`);
  const config = getConfig(cfg.securityPreset);
  const files: Record<string, string> = {};
  const entries: Record<string, ManifestEntry> = {};
  for (const family of cfg.families) {
    const t1 = performance.now();
    const params = computeFamilyParams(family, cfg.securityPreset, cfg.size);
    const f = FAMILIES[family];
    const st = f.build(f.sampleInput(CANARY_SIZE), { size: CANARY_SIZE, constants: constantSetOf(config) });
    const body = await prove(st.air, st.trace, st.publicValues, config);
    const canary = wrapEnvelope(body, params.circuitId, config);
    const pbytes = serializeParams(params);
    await writeFileAtomic(dir, canaryFileName(family), canary);
    await writeFileAtomic(dir, paramsFileName(family), pbytes);
    for (const [name, bytes] of [
      [canaryFileName(family), canary],
      [paramsFileName(family), pbytes],
    ] as const) {
      files[name] = sha256Hex(bytes);
      entries[name] = { sha256: files[name], bytes: bytes.length };
    }
    log.info(
      { family, preset: cfg.securityPreset, ms: Math.round(performance.now() - t1) },
      'family parameters written',
    );
  }
  const rotatedAt = (opts.now?.() ?? new Date()).toISOString();
  const manifest = sealManifest({
    format: 'p3ts-manifest',
    formatVersion: MANIFEST_FORMAT_VERSION,
    preset: cfg.securityPreset,
    size: cfg.size,
    rotatedAt,
    files: entries,
  });
  await writeFileAtomic(
    dir,
    MANIFEST_FILE,
    new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  log.info({ dir, families: cfg.families, rotatedAt }, 'parameter cache seeded');
  return {
    dir,
    files,
    rotatedAt,
    removedTemps: sweep.removed,
    keptTemps: sweep.kept,
    durationMs: performance.now() - t0,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The most a manifest may list for a file name (the kind's hard cap). */
function capFor(name: string): number {
  return name.endsWith('.bin') ? CANARY_MAX_BYTES : PARAMS_MAX_BYTES;
}

/**
 * Parses and checks a manifest: shape, format version, entry sizes within their caps, and the
 * integrity checksum.
 * @returns the manifest, or a problem kind and message
 */
function parseManifest(
  bytes: Uint8Array,
): CacheManifest | { readonly kind: CacheProblemKind; readonly message: string } {
  const invalid = (message: string) => ({ kind: CacheProblemKind.manifestInvalid, message });
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return invalid(`not valid JSON: ${errMessage(e)}`);
  }
  if (!isRecord(m) || m.format !== 'p3ts-manifest') return invalid('not a p3ts manifest (format field)');
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION)
    return invalid(
      `format version ${String(m.formatVersion)}, expected ${MANIFEST_FORMAT_VERSION} (re-run \`p3ts preload\`)`,
    );
  if (typeof m.preset !== 'string' || typeof m.size !== 'string' || typeof m.rotatedAt !== 'string')
    return invalid('missing preset, size or rotatedAt');
  if (Number.isNaN(Date.parse(m.rotatedAt))) return invalid(`rotatedAt '${m.rotatedAt}' is not a timestamp`);
  if (!isRecord(m.files)) return invalid('missing files table');
  const files: Record<string, ManifestEntry> = Object.create(null);
  for (const [k, v] of Object.entries(m.files)) {
    if (!isRecord(v) || typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.sha256))
      return invalid(`files.${k}.sha256 is not a SHA-256 hex digest`);
    if (typeof v.bytes !== 'number' || !Number.isSafeInteger(v.bytes) || v.bytes < 0 || v.bytes > capFor(k))
      return invalid(`files.${k}.bytes is not a size in 0..${capFor(k)}`);
    files[k] = { sha256: v.sha256, bytes: v.bytes };
  }
  const integrity = m.integrity;
  if (!isRecord(integrity) || integrity.alg !== 'sha256' || typeof integrity.digest !== 'string')
    return { kind: CacheProblemKind.manifestIntegrity, message: 'no integrity checksum (integrity.digest)' };
  const body: ManifestBody = {
    format: 'p3ts-manifest',
    formatVersion: m.formatVersion,
    preset: m.preset,
    size: m.size as FamilySize,
    rotatedAt: m.rotatedAt,
    files,
  };
  const want = manifestChecksum(body);
  if (integrity.digest !== want)
    return {
      kind: CacheProblemKind.manifestIntegrity,
      message: `integrity checksum ${integrity.digest.slice(0, 16)}… does not match the manifest's contents (${want.slice(0, 16)}…): edited or corrupted; its rotatedAt and entries are not trusted`,
    };
  return { ...body, integrity: { alg: 'sha256', digest: want } };
}

/**
 * Checks the cache directory against the configuration, the manifest and the digests shipped
 * with the package. Reads files only, each with type and size checks (`readCacheFile`); changes
 * nothing. Never throws for what it finds on disk: every problem is in the report with its file.
 * @param cfg the node configuration
 * @param expected the pinned digests (default: the shipped table)
 * @returns every problem found, and the parameters and canaries that passed
 */
export async function inspectCache(
  cfg: NodeConfig,
  expected: ExpectedDigests = EXPECTED_DIGESTS,
): Promise<CacheReport> {
  const dir = cfg.proofCacheDir;
  const problems: CacheProblem[] = [];
  const params = new Map<FamilyName, FamilyParams>();
  const canaries = new Map<FamilyName, Uint8Array>();
  const add = (kind: CacheProblemKind, file: string, message: string, family?: string): void => {
    problems.push(family ? { kind, family, file, message } : { kind, file, message });
  };
  const empty = (): CacheReport => ({
    dir,
    ok: false,
    problems,
    manifest: undefined,
    params,
    canaries,
    sizeBytes: 0,
  });
  let dirStat: Stats;
  try {
    dirStat = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      add(CacheProblemKind.dirMissing, dir, `cannot be read: ${errMessage(e)}`);
      return empty();
    }
    add(CacheProblemKind.dirMissing, dir, 'does not exist (run `p3ts preload --config <file>`)');
    for (const f of cfg.families)
      add(CacheProblemKind.familyMissing, join(dir, paramsFileName(f)), `family '${f}' is missing`, f);
    return empty();
  }
  if (!dirStat.isDirectory()) {
    add(CacheProblemKind.dirMissing, dir, `is ${describeType(dirStat)}, not a directory`);
    return empty();
  }
  for (const n of await listStaleTemps(dir))
    add(
      CacheProblemKind.staleTemp,
      join(dir, n),
      'stale temp file of an interrupted write (`p3ts preload` removes it; so does `serve` at startup)',
    );
  const mpath = join(dir, MANIFEST_FILE);
  const mread = await readCacheFile(mpath, MANIFEST_MAX_BYTES);
  let manifest: CacheManifest | undefined;
  let sizeBytes = 0;
  if (mread.ok) {
    sizeBytes += mread.bytes.length;
    const m = parseManifest(mread.bytes);
    if ('kind' in m) add(m.kind, mpath, m.message);
    else {
      manifest = m;
      if (m.preset !== cfg.securityPreset)
        add(
          CacheProblemKind.manifestMismatch,
          mpath,
          `seeded for preset '${m.preset}', the config says '${cfg.securityPreset}'`,
        );
      if (m.size !== cfg.size)
        add(
          CacheProblemKind.manifestMismatch,
          mpath,
          `seeded for size '${m.size}', the config says '${cfg.size}'`,
        );
    }
  } else if (mread.missing)
    add(CacheProblemKind.manifestMissing, mpath, 'no manifest (run `p3ts preload --config <file>`)');
  else add(mread.kind, mpath, `manifest ${mread.message}`);
  const expectedConstants = expected.constantsDigests[constantSetOf(getConfig(cfg.securityPreset))];
  for (const family of cfg.families) {
    const names = [paramsFileName(family), canaryFileName(family)];
    const contents: (Uint8Array | undefined)[] = [];
    let familyOk = true;
    for (const name of names) {
      const path = join(dir, name);
      const entry = manifest && Object.hasOwn(manifest.files, name) ? manifest.files[name] : undefined;
      const r = await readCacheFile(path, capFor(name), entry?.bytes);
      if (!r.ok) {
        contents.push(undefined);
        familyOk = false;
        if (r.missing)
          add(
            CacheProblemKind.familyMissing,
            path,
            `family '${family}' is missing its ${name.endsWith('.bin') ? 'canary proof' : 'parameter file'}`,
            family,
          );
        else add(r.kind, path, r.message, family);
        continue;
      }
      const bytes = r.bytes;
      contents.push(bytes);
      sizeBytes += bytes.length;
      if (manifest) {
        const got = sha256Hex(bytes);
        if (entry === undefined) {
          add(CacheProblemKind.manifestMismatch, path, 'the manifest does not list this file', family);
          familyOk = false;
        } else if (entry.sha256 !== got) {
          add(
            CacheProblemKind.checksumMismatch,
            path,
            `SHA-256 ${got.slice(0, 16)}… differs from the manifest's ${entry.sha256.slice(0, 16)}…`,
            family,
          );
          familyOk = false;
        }
      }
    }
    const pbytes = contents[0];
    if (pbytes === undefined) continue;
    const ppath = join(dir, paramsFileName(family));
    const pinned = Object.hasOwn(expected.paramsSha256, `${cfg.securityPreset}/${cfg.size}/${family}`)
      ? expected.paramsSha256[`${cfg.securityPreset}/${cfg.size}/${family}`]
      : undefined;
    const got = sha256Hex(pbytes);
    if (pinned === undefined) {
      add(
        CacheProblemKind.expectedDigestMismatch,
        ppath,
        `no shipped digest for ${cfg.securityPreset}/${cfg.size}/${family}`,
        family,
      );
      familyOk = false;
    } else if (pinned !== got) {
      add(
        CacheProblemKind.expectedDigestMismatch,
        ppath,
        `SHA-256 ${got.slice(0, 16)}… differs from the digest shipped with this release (${pinned.slice(0, 16)}…): corrupted or stale, re-run preload`,
        family,
      );
      familyOk = false;
    }
    let p: FamilyParams | undefined;
    try {
      p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(pbytes)) as FamilyParams;
      if (!isRecord(p) || p.format !== 'p3ts-params' || !isRecord(p.air) || !isRecord(p.canary))
        throw new Error('not a p3ts parameter file');
    } catch (e) {
      add(CacheProblemKind.paramsInvalid, ppath, errMessage(e), family);
      continue;
    }
    const mism: string[] = [];
    if (p.formatVersion !== CACHE_FORMAT_VERSION)
      mism.push(`format version ${p.formatVersion} (expected ${CACHE_FORMAT_VERSION})`);
    if (p.family !== family) mism.push(`family '${p.family}'`);
    if (p.preset !== cfg.securityPreset) mism.push(`preset '${p.preset}' (config: '${cfg.securityPreset}')`);
    if (p.referenceTag !== REFERENCE_TAG) mism.push(`reference tag '${p.referenceTag}'`);
    if (p.poseidon2ConstantsDigest !== expectedConstants) mism.push('Poseidon2 constants digest');
    if (p.size !== cfg.size) mism.push(`size '${p.size}' (config: '${cfg.size}')`);
    if (mism.length > 0) {
      add(
        CacheProblemKind.versionMismatch,
        ppath,
        `parameters do not match the running configuration: ${mism.join(', ')}`,
        family,
      );
      familyOk = false;
    }
    const cbytes = contents[1];
    if (familyOk && cbytes !== undefined) {
      params.set(family, p);
      canaries.set(family, cbytes);
    }
  }
  if (manifest) {
    const wanted = new Set(cfg.families.flatMap((f) => [paramsFileName(f), canaryFileName(f)]));
    for (const name of Object.keys(manifest.files)) {
      if (!wanted.has(name))
        add(
          CacheProblemKind.manifestMismatch,
          mpath,
          `lists '${name}', which is not a file of a configured family`,
        );
    }
  }
  return { dir, ok: problems.length === 0, problems, manifest, params, canaries, sizeBytes };
}

/** Options of `ProofCache.open`. */
export interface ProofCacheOptions {
  readonly logger?: Logger;
  /** Pinned digests (default: the shipped table). */
  readonly expected?: ExpectedDigests;
}

/**
 * The loaded parameter cache: opened once at startup, never reloaded.
 * @example
 * const cache = await ProofCache.open(cfg); // throws CacheIntegrityError naming every problem
 * cache.params.get('consensus'); cache.close();
 */
export class ProofCache {
  /** The cache directory. */
  readonly dir: string;
  /** Parameters by family (all configured families). */
  readonly params: ReadonlyMap<FamilyName, FamilyParams>;
  /** The manifest. */
  readonly manifest: CacheManifest;
  /** Bytes on disk when loaded. */
  readonly sizeBytes: number;
  /** When loaded. */
  readonly loadedAt: Date;
  private readonly canaries: ReadonlyMap<FamilyName, Uint8Array>;
  private closed = false;

  private constructor(report: CacheReport, manifest: CacheManifest) {
    this.dir = report.dir;
    this.params = report.params;
    this.canaries = report.canaries;
    this.manifest = manifest;
    this.sizeBytes = report.sizeBytes;
    this.loadedAt = new Date();
  }

  /**
   * Removes stale temp files, checks every file and loads the parameters and canaries.
   * @param cfg the node configuration
   * @param opts logger and pinned digests
   * @returns the cache
   * @throws {CacheIntegrityError} naming every missing, corrupted, odd or mismatched file
   */
  static async open(cfg: NodeConfig, opts: ProofCacheOptions = {}): Promise<ProofCache> {
    const log = opts.logger ?? noopLogger;
    const sweep = await sweepStaleTemps(cfg.proofCacheDir);
    if (sweep.removed.length > 0)
      log.warn({ dir: cfg.proofCacheDir, files: sweep.removed }, 'removed stale temp files');
    const report = await inspectCache(cfg, opts.expected);
    if (!report.ok || report.manifest === undefined) {
      for (const p of report.problems) log.error({ kind: p.kind, file: p.file, family: p.family }, p.message);
      throw new CacheIntegrityError(report.problems);
    }
    log.info(
      { dir: report.dir, families: [...report.params.keys()], rotatedAt: report.manifest.rotatedAt },
      'parameter cache loaded (no hot reload)',
    );
    return new ProofCache(report, report.manifest);
  }

  /** The last key rotation (the manifest's rotatedAt). */
  get rotatedAt(): Date {
    return new Date(this.manifest.rotatedAt);
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * A family's stored canary proof, as read and checked at startup (never re-read).
   * @param family the family
   * @returns a copy of the envelope bytes
   * @throws {Error} if the cache is closed or the family not loaded
   */
  async readCanary(family: FamilyName): Promise<Uint8Array> {
    if (this.closed) throw new Error('ProofCache is closed');
    const c = this.canaries.get(family);
    if (!c) throw new Error(`family '${family}' is not loaded`);
    return c.slice();
  }

  /** Releases the cache; idempotent. */
  close(): void {
    this.closed = true;
  }
}
