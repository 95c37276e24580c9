/**
 * Odd files in the parameter cache (issue 12, defect 4), with real filesystem objects in a temp
 * directory: a directory in place of the parameter file, the canary or the manifest; a FIFO; a
 * symlink to /dev/zero; an oversized or resized file; a forged `rotatedAt`; a stale temp file.
 * Each case runs the real CLI (`p3ts preflight --json`, and the text report) in a child process
 * with a kill timeout, so a regression that blocks on a FIFO or reads /dev/zero without bound
 * fails the test instead of hanging it.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheIntegrityError,
  canaryFileName,
  inspectCache,
  MANIFEST_FILE,
  PARAMS_MAX_BYTES,
  ProofCache,
  paramsFileName,
  preloadCache,
  readCacheFile,
} from '../../src/node/cache.ts';
import { loadNodeConfig } from '../../src/node/config.ts';

const root = mkdtempSync(join(tmpdir(), 'p3hostile-'));
const FAMILIES = ['consensus', 'uptime'];
/** Kill bound of one CLI run: far above its normal ~2 s, far below a hang. */
const CLI_TIMEOUT_MS = 60_000;
// FIFOs are made with coreutils' `mknod PATH p` (Debian base system, like `mkfifo`).
const canMakeFifo = (() => {
  try {
    execFileSync('mknod', ['--version'], { stdio: 'ignore' });
    return process.platform !== 'win32';
  } catch {
    return false;
  }
})();

function writeConfig(dir: string): string {
  const f = join(dir, 'node.toml');
  writeFileSync(
    f,
    `proof_cache_dir = ${JSON.stringify(join(dir, 'proofs'))}\nuse_gpu_acceleration = false\nsecurity_preset = "insecure-test"\nallow_insecure = true\n[circuits]\nfamilies = ${JSON.stringify(FAMILIES)}\nsize = "test"\n[logging]\nlevel = "silent"\n`,
  );
  return f;
}

/** A copy of the seeded cache and its config. */
function scenario(name: string): { cfg: string; proofs: string } {
  const dir = join(root, name);
  cpSync(join(root, 'seed'), dir, { recursive: true });
  return { cfg: writeConfig(dir), proofs: join(dir, 'proofs') };
}

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly killed: boolean;
}

/** Runs `p3ts ARGS` in a child process, killed after CLI_TIMEOUT_MS. */
function cli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/run-ts.mjs', 'src/cli/main.ts', ...args],
      { timeout: CLI_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout,
          stderr,
          killed: e?.killed === true,
        });
      },
    );
  });
}

interface Problem {
  kind: string;
  family?: string;
  file?: string;
  message: string;
}

/** Runs preflight with --json and as text; checks both name the same problems and never a bare errno. */
async function preflight(
  cfg: string,
): Promise<{ report: { ok: boolean; lastKeyRotation: string | null; problems: Problem[] }; text: string }> {
  const json = await cli(['preflight', '--config', cfg, '--json', '--no-canary']);
  expect(json.killed, 'preflight --json was killed: it hung or read without bound').toBe(false);
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout);
  const text = await cli(['preflight', '--config', cfg, '--no-canary']);
  expect(text.killed, 'preflight was killed: it hung or read without bound').toBe(false);
  expect(text.code).toBe(1);
  expect(text.stderr).not.toMatch(/^p3ts: /m);
  for (const p of report.problems as Problem[]) {
    expect(p.file, `${p.kind} names its file`).toBeTruthy();
    expect(text.stdout).toContain(`${p.kind}${p.family ? ` [${p.family}]` : ''} ${p.file}`);
  }
  return { report, text: text.stdout };
}

beforeAll(async () => {
  const seed = join(root, 'seed');
  mkdirSync(seed, { recursive: true });
  await preloadCache(loadNodeConfig(writeConfig(seed), {}), { now: () => new Date('2025-01-02T03:04:05Z') });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a directory in place of a cache file', () => {
  for (const [label, name, family] of [
    ['parameter file', paramsFileName('consensus'), 'consensus'],
    ['canary proof', canaryFileName('uptime'), 'uptime'],
    ['manifest', MANIFEST_FILE, undefined],
  ] as const) {
    it(`${label}: FILE_NOT_REGULAR naming the file, in --json and text; serve refuses to start naming it`, async () => {
      const s = scenario(`dir-${name}`);
      const path = join(s.proofs, name);
      rmSync(path);
      mkdirSync(path);
      const { report, text } = await preflight(s.cfg);
      expect(report.problems).toContainEqual(
        expect.objectContaining({ kind: 'FILE_NOT_REGULAR', file: path, ...(family ? { family } : {}) }),
      );
      expect(report.problems.find((p) => p.file === path)?.message).toMatch(/is a directory/);
      expect(text).not.toMatch(/EISDIR/);
      const err = await ProofCache.open(loadNodeConfig(s.cfg, {})).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CacheIntegrityError);
      expect((err as CacheIntegrityError).message).toContain(`FILE_NOT_REGULAR ${path}`);
    }, 150_000);
  }
});

describe.skipIf(!canMakeFifo)('a FIFO in the cache', () => {
  it('in place of the parameter file and of the manifest: reported at once, never blocks', async () => {
    const s = scenario('fifo');
    const params = join(s.proofs, paramsFileName('uptime'));
    const manifest = join(s.proofs, MANIFEST_FILE);
    for (const p of [params, manifest]) {
      rmSync(p);
      execFileSync('mknod', [p, 'p']);
    }
    const { report } = await preflight(s.cfg);
    for (const p of [params, manifest]) {
      const found = report.problems.find((x) => x.file === p);
      expect(found).toMatchObject({ kind: 'FILE_NOT_REGULAR' });
      expect(found?.message).toMatch(/FIFO/);
    }
  }, 150_000);
});

describe.skipIf(process.platform === 'win32' || !existsSync('/dev/zero'))('a symlink to /dev/zero', () => {
  it('in place of the canary and of the manifest: refused unread, never read without bound', async () => {
    const s = scenario('devzero');
    const canary = join(s.proofs, canaryFileName('consensus'));
    const manifest = join(s.proofs, MANIFEST_FILE);
    for (const p of [canary, manifest]) {
      rmSync(p);
      symlinkSync('/dev/zero', p);
    }
    const { report } = await preflight(s.cfg);
    for (const p of [canary, manifest]) {
      const found = report.problems.find((x) => x.file === p);
      expect(found).toMatchObject({ kind: 'FILE_NOT_REGULAR' });
      expect(found?.message).toMatch(/symbolic link/);
    }
  }, 150_000);
  it('readCacheFile refuses a symlink even to a regular file, and /dev/zero opened directly', async () => {
    const dir = mkdtempSync(join(root, 'links-'));
    writeFileSync(join(dir, 'real'), 'x');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(await readCacheFile(join(dir, 'link'), 100)).toMatchObject({
      ok: false,
      kind: 'FILE_NOT_REGULAR',
    });
    const zero = await readCacheFile('/dev/zero', 100);
    expect(zero).toMatchObject({ ok: false, kind: 'FILE_NOT_REGULAR' });
    expect(zero.ok === false && !zero.missing && zero.message).toMatch(/character device/);
    expect(await readCacheFile(join(dir, 'real'), 100)).toMatchObject({ ok: true });
    expect(await readCacheFile(join(dir, 'absent'), 100)).toEqual({ ok: false, missing: true });
  });
});

describe('size bounds', () => {
  it('a file whose size differs from the manifest is refused unread (FILE_SIZE_MISMATCH)', async () => {
    const s = scenario('resized');
    const p = join(s.proofs, paramsFileName('consensus'));
    writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.from(' ')]));
    const r = await inspectCache(loadNodeConfig(s.cfg, {}));
    expect(r.problems).toContainEqual(
      expect.objectContaining({ kind: 'FILE_SIZE_MISMATCH', file: p, family: 'consensus' }),
    );
    expect(r.params.has('consensus')).toBe(false);
  });
  it('without a manifest, a file above its kind cap is refused unread (FILE_TOO_LARGE)', async () => {
    const s = scenario('huge');
    rmSync(join(s.proofs, MANIFEST_FILE));
    const p = join(s.proofs, paramsFileName('uptime'));
    writeFileSync(p, Buffer.alloc(PARAMS_MAX_BYTES + 1, 0x20));
    const r = await inspectCache(loadNodeConfig(s.cfg, {}));
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'FILE_TOO_LARGE', file: p }));
  });
  it('a manifest that lists a size above the kind cap is invalid', async () => {
    const s = scenario('manifest-cap');
    const mf = join(s.proofs, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    m.files[paramsFileName('uptime')].bytes = 10 * 2 ** 30;
    writeFileSync(mf, JSON.stringify(m));
    const r = await inspectCache(loadNodeConfig(s.cfg, {}));
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'MANIFEST_INVALID', file: mf }));
    expect(r.manifest).toBeUndefined();
  });
});

describe('manifest integrity', () => {
  it('a forged rotatedAt is MANIFEST_INTEGRITY and does not set lastKeyRotation', async () => {
    const s = scenario('forged-rotation');
    const mf = join(s.proofs, MANIFEST_FILE);
    const text = readFileSync(mf, 'utf8');
    expect(text).toContain('2025-01-02T03:04:05.000Z');
    writeFileSync(mf, text.replace('2025-01-02T03:04:05.000Z', '2031-06-07T08:09:10.000Z'));
    const { report } = await preflight(s.cfg);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'MANIFEST_INTEGRITY', file: mf }));
    expect(report.lastKeyRotation).toBeNull();
    await expect(ProofCache.open(loadNodeConfig(s.cfg, {}))).rejects.toBeInstanceOf(CacheIntegrityError);
  }, 150_000);
  it('a manifest without its checksum, and a reformatted one (same values), are told apart', async () => {
    const s = scenario('no-integrity');
    const mf = join(s.proofs, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    writeFileSync(mf, JSON.stringify(m)); // whitespace only: still valid
    expect((await inspectCache(loadNodeConfig(s.cfg, {}))).problems).toEqual([]);
    delete m.integrity;
    writeFileSync(mf, JSON.stringify(m));
    const r = await inspectCache(loadNodeConfig(s.cfg, {}));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'MANIFEST_INTEGRITY', file: mf })]);
  });
});

describe('stale temp files', () => {
  it('preflight reports them (changing nothing); preload removes them; preflight then passes', async () => {
    const s = scenario('stale');
    const tmp = join(s.proofs, `${paramsFileName('consensus')}.tmp-99999-3`);
    writeFileSync(tmp, 'partial');
    const { report } = await preflight(s.cfg);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'STALE_TEMP', file: tmp })]);
    expect(existsSync(tmp)).toBe(true);
    const pre = await cli(['preload', '--config', s.cfg]);
    expect(pre.code).toBe(0);
    expect(pre.stdout).toContain(`removed stale temp file ${paramsFileName('consensus')}.tmp-99999-3`);
    expect(readdirSync(s.proofs).filter((n) => n.includes('.tmp-'))).toEqual([]);
    const after = await cli(['preflight', '--config', s.cfg, '--json', '--no-canary']);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, problems: [] });
  }, 150_000);
  it('a directory with a temp name is reported by preload, not removed, and does not stop it', async () => {
    const s = scenario('stale-dir');
    const tmpDir = join(s.proofs, 'x.tmp-1-2');
    mkdirSync(tmpDir);
    const r = await preloadCache(loadNodeConfig(s.cfg, {}));
    expect(r.keptTemps).toEqual([expect.objectContaining({ name: 'x.tmp-1-2' })]);
    expect(existsSync(tmpDir)).toBe(true);
  }, 60_000);
});
