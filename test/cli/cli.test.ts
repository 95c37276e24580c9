/**
 * The CLI contract (issue 3): `p3ts prove` writes upstream's golden bytes for the fixture statement,
 * `p3ts verify` accepts upstream's proof and rejects a tampered one, exit codes 0/1/2.
 * Runs the real entry point (src/cli/main.ts through scripts/run-ts.mjs, as `npm run p3ts`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIB_ARGS, FIB_FIXTURE_ARGS } from './fib-args.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
);
const dir = mkdtempSync(join(tmpdir(), 'p3ts-cli-'));

function p3ts(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('p3ts CLI', () => {
  it('prove --config plonky3-fixture --format postcard writes exactly the fixture bytes (uni_stark_fib_fixture_v0.6.2.json postcard_hex)', () => {
    const out = join(dir, 'fib.postcard');
    const r = p3ts('prove', ...FIB_FIXTURE_ARGS, '--format', 'postcard', '--out', out);
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(out).toString('hex')).toBe(FIXTURE.postcard_hex);
  });

  it("verify accepts upstream's proof (postcard) and rejects a tampered copy with its code", () => {
    const good = join(dir, 'upstream.postcard');
    writeFileSync(good, Buffer.from(FIXTURE.postcard_hex, 'hex'));
    const ok = p3ts('verify', ...FIB_FIXTURE_ARGS, '--insecure', '--format', 'postcard', good);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/accepted/);
    const bad = Buffer.from(FIXTURE.postcard_hex, 'hex');
    bad[bad.length - 1] = 9; // degree_bits 3 -> 9
    const badFile = join(dir, 'tampered.postcard');
    writeFileSync(badFile, bad);
    const rej = p3ts('verify', ...FIB_FIXTURE_ARGS, '--insecure', '--format', 'postcard', badFile);
    expect(rej.code).toBe(1);
    expect(rej.out).toMatch(/rejected: [A-Z_]+/);
  });

  it('round trip in the default envelope format for both AIRs (fibonacci c100 2^6, poseidon2 fixture config 2^3)', () => {
    const f = join(dir, 'fib.env');
    expect(p3ts('prove', '--air', 'fibonacci', '--log-rows', '6', '--public', '0,1,0', '--out', f).code).toBe(
      1,
    ); // wrong x: statement false
    const x = p3ts(
      'prove',
      '--air',
      'fibonacci',
      '--log-rows',
      '6',
      '--public',
      '2,3,1421792449',
      '--num-queries',
      '20',
      '--out',
      f,
    );
    expect(x.code, x.out).toBe(0);
    expect(
      p3ts(
        'verify',
        '--air',
        'fibonacci',
        '--public',
        '2,3,1421792449',
        '--num-queries',
        '20',
        '--insecure',
        f,
      ).code,
    ).toBe(0);
    // the envelope binds the configuration: another preset is refused before hashing
    const other = p3ts('verify', '--air', 'fibonacci', '--public', '2,3,1421792449', f);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/POLICY_PRESET_MISMATCH/);
    const p = join(dir, 'p2.env');
    const pr = p3ts(
      'prove',
      '--air',
      'poseidon2',
      '--log-rows',
      '3',
      '--config',
      'plonky3-fixture',
      '--out',
      p,
    );
    expect(pr.code, pr.out).toBe(0);
    expect(p3ts('verify', '--air', 'poseidon2', '--config', 'plonky3-fixture', '--insecure', p).code).toBe(0);
    expect(p3ts('verify', ...FIB_FIXTURE_ARGS, '--insecure', p).out).toMatch(/VK_|LIMIT_PROOF_TOO_LARGE/);
  });

  it('usage errors exit 2', () => {
    expect(p3ts('prove', '--air', 'fibonacci').code).toBe(2);
    expect(p3ts('prove', '--air', 'nope', '--log-rows', '3', '--out', join(dir, 'x')).code).toBe(2);
    expect(p3ts('verify', '--air', 'fibonacci').code).toBe(2);
    expect(p3ts('nonsense').code).toBe(2);
    expect(p3ts('prove', ...FIB_ARGS, '--config', 'nope', '--out', join(dir, 'y')).code).toBe(2);
  });
});
