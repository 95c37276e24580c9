/**
 * Node configuration: the shipped sample parses, every error is a ConfigError naming the file and
 * the key, PLONKY3_GPU_DISABLE wins over use_gpu_acceleration.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultNodeConfig, loadNodeConfig, parseNodeConfig } from '../../src/node/config.ts';

describe('node config', () => {
  it('config/node.toml (shipped sample) parses to the documented defaults', () => {
    const c = loadNodeConfig('config/node.toml', {});
    expect(c.proofCacheDir).toBe(resolve('data/proofs'));
    expect(c.useGpuAcceleration).toBe(true);
    expect(c.gpuEnabled).toBe(true);
    expect(c.securityPreset).toBe('c100');
    expect(c.families).toEqual(['transaction', 'state', 'pruning', 'uptime', 'consensus']);
    expect(c.logging).toEqual({ level: 'info', format: 'json' });
    expect(c.service.host).toBe('127.0.0.1');
  });

  it('an empty file gives the same defaults', () => {
    expect(parseNodeConfig('', 'x.toml', {}).proofCacheDir).toBe(resolve('data/proofs'));
  });

  it('PLONKY3_GPU_DISABLE=1 wins over use_gpu_acceleration = true; unset or 0 does not', () => {
    const text = 'use_gpu_acceleration = true';
    expect(parseNodeConfig(text, 'n.toml', { PLONKY3_GPU_DISABLE: '1' }).gpuEnabled).toBe(false);
    expect(parseNodeConfig(text, 'n.toml', { PLONKY3_GPU_DISABLE: 'true' }).gpuDisabledByEnv).toBe(true);
    expect(parseNodeConfig(text, 'n.toml', { PLONKY3_GPU_DISABLE: '0' }).gpuEnabled).toBe(true);
    expect(parseNodeConfig(text, 'n.toml', {}).gpuEnabled).toBe(true);
    expect(parseNodeConfig('use_gpu_acceleration = false', 'n.toml', {}).gpuEnabled).toBe(false);
  });

  const bad: [string, string, RegExp][] = [
    ['use_gpu_acceleration = "yes"', 'use_gpu_acceleration', /true or false/],
    ['proof_cache_dir = 7', 'proof_cache_dir', /string/],
    ['proof_cache_dir = ""', 'proof_cache_dir', /empty/],
    ['security_preset = "c999"', 'security_preset', /unknown preset/],
    ['security_preset = "insecure-test"', 'security_preset', /test-only/],
    ['prof_cache_dir = "x"', 'prof_cache_dir', /unknown key/],
    ['[logging]\nlevel = "loud"', 'logging.level', /one of/],
    ['[logging]\nformat = "xml"', 'logging.format', /json/],
    ['[service]\nhost = "0.0.0.0"', 'service.host', /loopback/],
    ['[service]\nport = 70000', 'service.port', /outside/],
    ['[service]\nmax_queue = 1.5', 'service.max_queue', /integer/],
    ['[circuits]\nfamilies = ["transaction", "bogus"]', 'circuits.families', /unknown family/],
    ['[circuits]\nsize = "huge"', 'circuits.size', /production/],
    ['logging = 3', 'logging', /table/],
  ];
  for (const [text, key, msg] of bad) {
    it(`rejects ${key}: ${JSON.stringify(text)}`, () => {
      try {
        parseNodeConfig(text, '/etc/p3/node.toml', {});
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const ce = e as ConfigError;
        expect(ce.key).toBe(key);
        expect(ce.file).toBe('/etc/p3/node.toml');
        expect(ce.message).toContain('/etc/p3/node.toml');
        expect(ce.message).toContain(key);
        expect(ce.message).toMatch(msg);
      }
    });
  }

  it('a TOML syntax error and a missing file name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p3cfg-'));
    const f = join(dir, 'node.toml');
    writeFileSync(f, 'proof_cache_dir = "unterminated\n');
    expect(() => loadNodeConfig(f, {})).toThrow(new RegExp(`${f}.*TOML syntax error`));
    expect(() => loadNodeConfig(join(dir, 'nope.toml'), {})).toThrow(/nope\.toml: cannot read/);
  });

  it('defaultNodeConfig accepts overrides in file syntax', () => {
    expect(defaultNodeConfig({ security_preset: 'c100-compact' }, {}).securityPreset).toBe('c100-compact');
  });
});
