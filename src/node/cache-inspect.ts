/**
 * Inspection of the parameter cache directory: the sealed manifest (`manifest.json`, SHA-256 of
 * every file plus an integrity checksum), each family's parameter file and canary proof read with
 * type and size bounds, and the digests shipped with the package. Reads only; changes nothing.
 *
 * No Plonky3 counterpart (rpp-node's proof cache, runbook "Hot reload status and parameter
 * rotation"). docs/runbook.md has the table of problem kinds.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FamilyName, FamilySize } from '../circuits/families.ts';
import { constantSetOf, getConfig } from '../stark/config.ts';
import type { NodeConfig } from './config.ts';
import { EXPECTED_DIGESTS } from './expected-digests.ts';
import { describeType, errMessage, listStaleTemps, readCacheFile } from './fs-atomic.ts';
import {
  CACHE_FORMAT_VERSION,
  canaryFileName,
  type ExpectedDigests,
  type FamilyParams,
  paramsFileName,
  REFERENCE_TAG,
  sha256Hex,
} from './params.ts';

/** Version of the manifest format (2: per-file sizes and an integrity checksum). */
export const MANIFEST_FORMAT_VERSION = 2;
/** The manifest is read only up to this size. */
export const MANIFEST_MAX_BYTES: number = 1024 * 1024;
/** A parameter file is read only up to this size (they are about 1.5 KB). */
export const PARAMS_MAX_BYTES: number = 64 * 1024;
/** A canary proof is read only up to this size: the verifier's global proof cap. */
export const CANARY_MAX_BYTES: number = 16 * 1024 * 1024;
/** The manifest's file name. */
export const MANIFEST_FILE = 'manifest.json';

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
/** Kinds of cache problems (reported by preflight; each names its file). docs/runbook.md has the table. */
export const CacheProblemKind = {
  dirMissing: 'CACHE_DIR_MISSING',
  manifestMissing: 'MANIFEST_MISSING',
  manifestInvalid: 'MANIFEST_INVALID',
  manifestIntegrity: 'MANIFEST_INTEGRITY',
  manifestMismatch: 'MANIFEST_MISMATCH',
  familyMissing: 'MISSING_FAMILY',
  // The four codes of a bounded read (fs-atomic.ts FileProblemKind; `add(r.kind, ...)` below fails
  // to compile if they drift apart).
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
/** The cache failed its integrity checks at startup (docs/verifier-hardening.md §2, §7). */
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
