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
 *
 * This module writes the cache (`preloadCache`) and holds the loaded cache (`ProofCache`); the
 * jobs it relies on live in fs-atomic.ts (writes and bounded reads), params.ts (the parameter
 * record and expected digests), air-digest.ts and cache-inspect.ts (the checks).
 */
import { mkdir } from 'node:fs/promises';
import { FAMILIES, type FamilyName } from '../circuits/families.ts';
import { type Logger, noopLogger } from '../runtime/logger.ts';
import { constantSetOf, getConfig } from '../stark/config.ts';
import { wrapEnvelope } from '../stark/envelope.ts';
import { prove } from '../stark/prove.ts';
import {
  CacheIntegrityError,
  type CacheManifest,
  type CacheReport,
  inspectCache,
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  type ManifestEntry,
  sealManifest,
} from './cache-inspect.ts';
import type { NodeConfig } from './config.ts';
import { errMessage, StorageError, sweepStaleTemps, writeFileAtomic } from './fs-atomic.ts';
import {
  CANARY_SIZE,
  canaryFileName,
  computeFamilyParams,
  type ExpectedDigests,
  type FamilyParams,
  paramsFileName,
  serializeParams,
  sha256Hex,
} from './params.ts';

export { constantSetOf } from '../stark/config.ts';
// The public surface of the cache, split by job over these modules; src/node/index.ts exports
// this module, so the names stay where `plonky3-ts/node` users found them.
export { airDigest, familyAir } from './air-digest.ts';
export {
  CANARY_MAX_BYTES,
  CacheIntegrityError,
  type CacheManifest,
  type CacheProblem,
  CacheProblemKind,
  type CacheReport,
  inspectCache,
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  MANIFEST_MAX_BYTES,
  type ManifestBody,
  type ManifestEntry,
  manifestChecksum,
  PARAMS_MAX_BYTES,
  sealManifest,
} from './cache-inspect.ts';
export {
  type CacheFileRead,
  listStaleTemps,
  readCacheFile,
  removeStaleTemps,
  StorageError,
  sweepStaleTemps,
  type TempSweep,
  writeFileAtomic,
} from './fs-atomic.ts';
export {
  CACHE_FORMAT_VERSION,
  CANARY_SIZE,
  canaryFileName,
  computeExpectedDigests,
  computeFamilyParams,
  type ExpectedDigests,
  type FamilyParams,
  paramsFileName,
  REFERENCE_TAG,
  serializeParams,
  sha256Hex,
} from './params.ts';

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
