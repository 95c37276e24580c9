/**
 * Parameter cache and preflight: the shipped expected digests are current, writes are atomic and
 * stale temp files are removed, preload seeds all families, and preflight names a missing family
 * file, a corrupted one, a manifest mismatch, a wrong config and a bad canary proof.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_NAMES } from '../../src/circuits/families.ts';
import {
  CacheIntegrityError,
  canaryFileName,
  computeExpectedDigests,
  MANIFEST_FILE,
  type ManifestBody,
  type ManifestEntry,
  ProofCache,
  paramsFileName,
  preloadCache,
  removeStaleTemps,
  sealManifest,
  sha256Hex,
  writeFileAtomic,
} from '../../src/node/cache.ts';
import { loadNodeConfig } from '../../src/node/config.ts';
import { EXPECTED_DIGESTS } from '../../src/node/expected-digests.ts';
import { NodeMetrics } from '../../src/node/metrics.ts';
import { formatPreflightReport, runPreflight } from '../../src/node/preflight.ts';

const root = mkdtempSync(join(tmpdir(), 'p3cache-'));
const gpuProbe = async () => ({ status: 'disabled' as const, reason: 'test' });

function writeConfig(dir: string, extra = ''): string {
  const f = join(dir, 'node.toml');
  writeFileSync(
    f,
    `proof_cache_dir = ${JSON.stringify(join(dir, 'proofs'))}\nuse_gpu_acceleration = false\nsecurity_preset = "insecure-test"\nallow_insecure = true\n${extra}[circuits]\nsize = "test"\n`,
  );
  return f;
}

/** Edits a manifest and re-seals it (a consistent manifest whose entries disagree with the files). */
type Writable<T> = { -readonly [K in keyof T]: T[K] };
/** A manifest body as a test may edit it. */
type EditableManifest = Writable<Omit<ManifestBody, 'files'>> & {
  files: Record<string, Writable<ManifestEntry>>;
};

function resealManifest(proofs: string, edit: (m: EditableManifest) => void): void {
  const mf = join(proofs, MANIFEST_FILE);
  const { integrity: _, ...m } = JSON.parse(readFileSync(mf, 'utf8'));
  edit(m);
  writeFileSync(mf, JSON.stringify(sealManifest(m)));
}

/** A copy of the seeded cache and its config. */
function scenario(name: string): { dir: string; cfg: string; proofs: string } {
  const dir = join(root, name);
  cpSync(join(root, 'seed'), dir, { recursive: true });
  const cfg = writeConfig(dir);
  return { dir, cfg, proofs: join(dir, 'proofs') };
}

beforeAll(async () => {
  const seed = join(root, 'seed');
  mkdirSync(seed, { recursive: true });
  const cfg = loadNodeConfig(writeConfig(seed), {});
  await preloadCache(cfg, { now: () => new Date('2025-01-02T03:04:05Z') });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('expected digests', () => {
  it('src/node/expected-digests.ts matches the current AIRs and presets (regenerate with scripts/gen-expected-digests.ts)', () => {
    expect(computeExpectedDigests()).toEqual(EXPECTED_DIGESTS);
  });
});

describe('atomic writes', () => {
  it('writes the file whole, leaves no temp, and removes stale temps at startup', async () => {
    const dir = mkdtempSync(join(root, 'atomic-'));
    await writeFileAtomic(dir, 'a.json', new TextEncoder().encode('{"v":1}'));
    await writeFileAtomic(dir, 'a.json', new TextEncoder().encode('{"v":2}'));
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{"v":2}');
    expect(readdirSync(dir)).toEqual(['a.json']);
    writeFileSync(join(dir, 'a.json.tmp-12345-7'), 'partial');
    expect(await removeStaleTemps(dir)).toEqual(['a.json.tmp-12345-7']);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
  it('a failed write throws STORAGE_ERROR and keeps no temp file', async () => {
    const dir = join(root, 'does-not-exist');
    await expect(writeFileAtomic(dir, 'x', new Uint8Array(1))).rejects.toMatchObject({
      code: 'STORAGE_ERROR',
      retryable: true,
    });
  });
});

describe('preload', () => {
  it('seeds a parameter file and a canary proof for all five families, and a manifest with their SHA-256', () => {
    const dir = join(root, 'seed', 'proofs');
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    expect(m.rotatedAt).toBe('2025-01-02T03:04:05.000Z');
    for (const f of FAMILY_NAMES) {
      for (const name of [paramsFileName(f), canaryFileName(f)]) {
        const bytes = readFileSync(join(dir, name));
        expect(m.files[name]).toEqual({ sha256: sha256Hex(bytes), bytes: bytes.length });
      }
      const p = JSON.parse(readFileSync(join(dir, paramsFileName(f)), 'utf8'));
      expect(p).toMatchObject({
        family: f,
        preset: 'insecure-test',
        formatVersion: 1,
        size: 'test',
        circuitId: `${f}@1`,
      });
      expect(p.air.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(p.air.maxDegree).toBeLessThanOrEqual(3);
    }
  });
  it('ProofCache.open loads it; close() is idempotent', async () => {
    const s = scenario('open-ok');
    const cache = await ProofCache.open(loadNodeConfig(s.cfg, {}));
    expect([...cache.params.keys()]).toEqual([...FAMILY_NAMES]);
    expect(cache.rotatedAt.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(cache.sizeBytes).toBeGreaterThan(0);
    cache.close();
    cache.close();
    expect(cache.isClosed).toBe(true);
  });
});

describe('preflight', () => {
  it('passes on a freshly seeded cache, with the canary rejecting every tampered proof', async () => {
    const s = scenario('ok');
    const metrics = new NodeMetrics();
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe, metrics });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.canary).toHaveLength(5);
    for (const c of r.canary) {
      expect(c.valid).toBe('OK');
      for (const t of c.tampered) expect(t.code).not.toBe('OK');
    }
    expect(formatPreflightReport(r)).toMatch(/^preflight PASSED/);
    expect(await metrics.text()).not.toMatch(/^verifier_tamper_accepted_total\{/m);
  }, 60_000);

  it('catches a missing family file', async () => {
    const s = scenario('missing');
    rmSync(join(s.proofs, paramsFileName('uptime')));
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe });
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'MISSING_FAMILY', family: 'uptime' }));
    expect(formatPreflightReport(r)).toMatch(/MISSING_FAMILY \[uptime\].*uptime\.params\.json/);
    await expect(ProofCache.open(loadNodeConfig(s.cfg, {}))).rejects.toBeInstanceOf(CacheIntegrityError);
  }, 60_000);

  it('catches a corrupted family file (manifest checksum and shipped digest)', async () => {
    const s = scenario('corrupt');
    const f = join(s.proofs, paramsFileName('consensus'));
    writeFileSync(f, readFileSync(f, 'utf8').replace('"numPublicValues": 4', '"numPublicValues": 5'));
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe });
    expect(r.ok).toBe(false);
    const kinds = r.problems.filter((p) => p.family === 'consensus').map((p) => p.kind);
    expect(kinds).toContain('CHECKSUM_MISMATCH');
    expect(kinds).toContain('EXPECTED_DIGEST_MISMATCH');
  }, 60_000);

  it('catches a corrupted file even when the manifest was rewritten to match (pinned digest)', async () => {
    const s = scenario('corrupt-resigned');
    const f = join(s.proofs, paramsFileName('state'));
    writeFileSync(f, readFileSync(f, 'utf8').replace('"logRows": 3', '"logRows": 4'));
    resealManifest(s.proofs, (m) => {
      m.files[paramsFileName('state')] = {
        sha256: sha256Hex(readFileSync(f)),
        bytes: readFileSync(f).length,
      };
    });
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe });
    expect(r.problems.map((p) => p.kind)).toEqual(['EXPECTED_DIGEST_MISMATCH']);
  }, 60_000);

  it('catches a manifest mismatch (entry checksum, preset, extra entry)', async () => {
    const s = scenario('manifest');
    resealManifest(s.proofs, (m) => {
      m.files[canaryFileName('pruning')].sha256 = '0'.repeat(64);
      m.files['ghost.params.json'] = { sha256: '1'.repeat(64), bytes: 10 };
      m.preset = 'c100';
    });
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe });
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ kind: 'CHECKSUM_MISMATCH', family: 'pruning' }),
    );
    expect(
      r.problems
        .filter((p) => p.kind === 'MANIFEST_MISMATCH')
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/preset 'c100'[\s\S]*ghost/);
  }, 60_000);

  it('catches a missing manifest', async () => {
    const s = scenario('no-manifest');
    rmSync(join(s.proofs, MANIFEST_FILE));
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe, canary: false });
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'MANIFEST_MISSING' }));
  });

  it('a canary proof that no longer verifies is a problem even with a consistent manifest', async () => {
    const s = scenario('canary');
    const f = join(s.proofs, canaryFileName('transaction'));
    const b = readFileSync(f);
    b[b.length - 20] ^= 0x10;
    writeFileSync(f, b);
    resealManifest(s.proofs, (m) => {
      m.files[canaryFileName('transaction')].sha256 = sha256Hex(b);
    });
    const r = await runPreflight(s.cfg, { env: {}, gpuProbe });
    expect(r.problems).toContainEqual(
      expect.objectContaining({ kind: 'CANARY_VALID_REJECTED', family: 'transaction' }),
    );
  }, 60_000);

  it('an invalid config is reported with its key and no cache is read', async () => {
    const dir = mkdtempSync(join(root, 'badcfg-'));
    const f = join(dir, 'node.toml');
    writeFileSync(f, 'use_gpu_acceleration = 1\n');
    const r = await runPreflight(f, { env: {}, gpuProbe });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'CONFIG_INVALID', key: 'use_gpu_acceleration', file: f });
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
