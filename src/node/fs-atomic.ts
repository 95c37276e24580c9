/**
 * Atomic file writes and safe bounded reads for the parameter cache: a write goes to a temp file
 * `<name>.tmp-<pid>-<n>` in the same directory, is fsynced, renamed over the target, and the
 * directory is fsynced; a read accepts regular files only (no directory, FIFO, device, socket or
 * symlink), opened non-blocking and never past its byte bound.
 *
 * No Plonky3 counterpart. Invariant: a reader sees the old or the new file, never a part.
 */
import { constants as FS, type Stats } from 'node:fs';
import { lstat, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Problem kinds a bounded read reports: cache-inspect.ts CacheProblemKind lists them too. */
export type FileProblemKind =
  | 'FILE_NOT_REGULAR'
  | 'FILE_TOO_LARGE'
  | 'FILE_SIZE_MISMATCH'
  | 'FILE_READ_ERROR';

/** A cache write failed (disk full, I/O error): retryable, the previous file is kept. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  /** Service-level code (docs/verifier-hardening.md §2). */
  readonly code = 'STORAGE_ERROR';
  /** Always retryable. */
  readonly retryable = true;
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
      readonly kind: FileProblemKind;
      readonly message: string;
    };
// elsewhere) is refused at open. Both are 0 where the platform lacks them (Windows has no FIFOs
// or device links to guard against); the fstat check below still applies everywhere.
const OPEN_FLAGS = FS.O_RDONLY | (FS.O_NONBLOCK ?? 0) | (FS.O_NOFOLLOW ?? 0);

/**
 * Describes what a non-regular file is, for messages.
 * @param st its stats
 * @returns e.g. 'a directory'
 */
export function describeType(st: Stats): string {
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

/**
 * The message of a thrown value.
 * @param e what was thrown
 * @returns its message
 */
export const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

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
      kind: 'FILE_READ_ERROR',
      message: `cannot stat: ${errMessage(e)}`,
    };
  }
  if (!before.isFile())
    return {
      ok: false,
      missing: false,
      kind: 'FILE_NOT_REGULAR',
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
            kind: 'FILE_NOT_REGULAR',
            message: 'is a dangling symbolic link; the cache holds regular files only',
          };
      } catch {}
      return { ok: false, missing: true };
    }
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EISDIR' || code === 'ENXIO' || code === 'ENODEV')
      return {
        ok: false,
        missing: false,
        kind: 'FILE_NOT_REGULAR',
        message: `is ${await describePath(path)}; the cache holds regular files only`,
      };
    return {
      ok: false,
      missing: false,
      kind: 'FILE_READ_ERROR',
      message: `cannot open: ${errMessage(e)}`,
    };
  }
  try {
    const st = await fh.stat();
    if (st.ino !== before.ino || st.dev !== before.dev)
      return {
        ok: false,
        missing: false,
        kind: 'FILE_READ_ERROR',
        message: 'was replaced while being opened',
      };
    if (!st.isFile())
      return {
        ok: false,
        missing: false,
        kind: 'FILE_NOT_REGULAR',
        message: `is ${describeType(st)}; the cache holds regular files only`,
      };
    if (st.size > maxBytes)
      return {
        ok: false,
        missing: false,
        kind: 'FILE_TOO_LARGE',
        message: `is ${st.size} bytes, above the bound of ${maxBytes}; not read`,
      };
    if (exactBytes !== undefined && st.size !== exactBytes)
      return {
        ok: false,
        missing: false,
        kind: 'FILE_SIZE_MISMATCH',
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
        kind: 'FILE_READ_ERROR',
        message: `changed while being read (${st.size} bytes at open, ${got > st.size ? 'more' : got} read)`,
      };
    return { ok: true, bytes: buf.subarray(0, got) };
  } catch (e) {
    return {
      ok: false,
      missing: false,
      kind: 'FILE_READ_ERROR',
      message: `cannot read: ${errMessage(e)}`,
    };
  } finally {
    await fh.close().catch(() => {});
  }
}
