/**
 * `p3ts preload` and `p3ts preflight` command modules: exit codes (0 ok, 1 problem, 2 usage) and
 * the report naming the problem, on an insecure-test / test-size cache in a temp directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as preflight } from '../../src/cli/commands/preflight.ts';
import { run as preload } from '../../src/cli/commands/preload.ts';

const dir = mkdtempSync(join(tmpdir(), 'p3cli-'));
const cfg = join(dir, 'node.toml');
writeFileSync(
  cfg,
  `proof_cache_dir = ${JSON.stringify(join(dir, 'proofs'))}\nuse_gpu_acceleration = false\nsecurity_preset = "insecure-test"\nallow_insecure = true\n[circuits]\nfamilies = ["consensus", "uptime"]\nsize = "test"\n[logging]\nlevel = "silent"\n`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let out: string[] = [];
beforeEach(() => {
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

describe('p3ts preload / preflight', () => {
  it('usage errors exit 2', async () => {
    expect(await preload(['--bogus'])).toBe(2);
    expect(await preflight(['--config'])).toBe(2);
  });
  it('preflight before preload exits 1 naming the missing manifest and families', async () => {
    expect(await preflight(['--config', cfg])).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/preflight FAILED/);
    expect(text).toMatch(/CACHE_DIR_MISSING/);
    expect(text).toMatch(/MISSING_FAMILY \[consensus\]/);
  });
  it('preload then preflight exits 0; --json is machine-readable', async () => {
    expect(await preload(['--config', cfg])).toBe(0);
    expect(out.join('\n')).toMatch(/seeded 2 families/);
    out = [];
    expect(await preflight(['--config', cfg, '--json'])).toBe(0);
    const r = JSON.parse(out.join('\n'));
    expect(r).toMatchObject({ ok: true, families: ['consensus', 'uptime'], problems: [] });
    expect(r.gpu.status).toBe('disabled');
  }, 60_000);
  it('a bad config file exits 1 naming the key', async () => {
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, 'security_preset = 5\n');
    expect(await preflight(['--config', bad])).toBe(1);
    expect(out.join('\n')).toMatch(/CONFIG_INVALID.*security_preset/);
  });
});
