/**
 * `p3ts prove --gpu auto|on|off --workers N|auto --stats` (issue 10): one line names the backend
 * and why; PLONKY3_GPU_DISABLE wins over --gpu on and is named; the proof bytes are the same for
 * every choice and equal to the CPU specification's (CpuBackend in this process). --gpu on proves
 * on WebGPU where Dawn has an adapter (lavapipe in CI; PLONKY3_REQUIRE_GPU_TESTS makes a missing
 * adapter a failure).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fibonacciAir, generateFibonacciTrace } from '../../src/circuits/index.ts';
import { probeDawn } from '../../src/node/gpu.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { isTruthyEnv } from '../../src/runtime/select.ts';
import { getConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { mmcsFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf } from '../../src/stark/verify.ts';
import { builtCli, type CliRun, runCli } from './cli-bundle.ts';

const GPU_REQUIRED = isTruthyEnv(process.env.PLONKY3_REQUIRE_GPU_TESTS);
// 2^11 rows, blowup 4: LDE matrices of 2^13 rows, above ParallelCpuBackend's 2^12 threshold.
const LOG_ROWS = 11;
const X = 1_369_371_767; // the right value of the last row of Fibonacci(0, 1) with 2^11 rows
const dir = mkdtempSync(join(tmpdir(), 'p3ts-backend-'));
let cli = '';
let expected: Uint8Array;

beforeAll(async () => {
  cli = await builtCli();
  const config = getConfig('c100');
  const air = fibonacciAir();
  const trace = generateFibonacciTrace(0, 1, 2 ** LOG_ROWS);
  const body = await prove(air, trace, [0, 1, X], config, { backend: new CpuBackend(mmcsFor(config)) });
  expected = wrapEnvelope(body, circuitIdOf(air), config);
}, 240_000);

function proveWith(
  name: string,
  flags: string[],
  env: Record<string, string | undefined> = {},
): CliRun & {
  bytes: Uint8Array;
  lines: string[];
} {
  const out = join(dir, `${name}.bin`);
  const args = ['prove', '--air', 'fibonacci', '--log-rows', String(LOG_ROWS), '--public', `0,1,${X}`];
  const r = runCli(cli, [...args, '--out', out, ...flags], { PLONKY3_GPU_DISABLE: undefined, ...env });
  expect(r.code, r.out).toBe(0);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('backend: '));
  expect(lines, r.stdout).toHaveLength(1);
  return { ...r, bytes: new Uint8Array(readFileSync(out)), lines };
}

describe('p3ts prove backend flags', () => {
  it('--gpu off --workers 0: the calling thread alone, same bytes as CpuBackend', () => {
    const r = proveWith('off-0', ['--gpu', 'off', '--workers', '0']);
    expect(r.lines[0]).toMatch(/^backend: cpu \(calling thread only, --workers 0\): --gpu off$/);
    expect(Buffer.from(r.bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('--gpu off --workers 1 and --workers auto: worker pool, same bytes', () => {
    const one = proveWith('off-1', ['--gpu', 'off', '--workers', '1']);
    expect(one.lines[0]).toMatch(/^backend: cpu \(calling thread \+ 1 worker, --workers 1\): --gpu off$/);
    expect(Buffer.from(one.bytes).equals(Buffer.from(expected))).toBe(true);
    const auto = proveWith('off-auto', ['--gpu', 'off']);
    expect(auto.lines[0]).toMatch(
      /^backend: cpu \((calling thread \+ \d+ workers?|calling thread only), --workers auto, \d+ cores?\): --gpu off$/,
    );
    expect(Buffer.from(auto.bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('PLONKY3_GPU_DISABLE=1 with --gpu on: exit 0, the CPU, the variable named, same bytes', () => {
    const r = proveWith('env-on', ['--gpu', 'on'], { PLONKY3_GPU_DISABLE: '1' });
    expect(r.lines[0]).toMatch(
      /^backend: cpu .*: PLONKY3_GPU_DISABLE=1 in the environment forces the CPU \(over --gpu on\)$/,
    );
    expect(Buffer.from(r.bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('--stats prints the phase timings', () => {
    const r = proveWith('stats', ['--gpu', 'off', '--workers', '0', '--stats']);
    expect(r.stdout).toMatch(
      /^stats: trace commit [\d.]+ ms, quotient [\d.]+ ms, quotient commit [\d.]+ ms, open [\d.]+ ms, total [\d.]+ ms$/m,
    );
    // Nothing ran on a device: the transfer ledger is all zeros.
    expect(r.stdout).toMatch(/^gpu-ledger: uploaded=0 read=0 readbacks=0 submits=0$/m);
  });

  it('--gpu on proves on WebGPU where Dawn has an adapter (lavapipe), same bytes for --workers 0 and auto', async () => {
    const probe = await probeDawn();
    if (!probe.ok) {
      if (GPU_REQUIRED)
        throw new Error(`PLONKY3_REQUIRE_GPU_TESTS is set but there is no adapter: ${probe.reason}`);
      console.warn(`[gpu] --gpu on checked on the CPU path only: no WebGPU adapter (${probe.reason})`);
    }
    for (const workers of ['0', 'auto']) {
      const r = proveWith(`on-${workers}`, ['--gpu', 'on', '--workers', workers, '--stats']);
      if (probe.ok) {
        expect(r.lines[0]).toMatch(/^backend: webgpu on .* \(CPU fallback: .*\): --gpu on$/);
        expect(r.stdout).toMatch(/gpu ops [1-9]\d*, cpu fallbacks 0/);
        const m = /^gpu-ledger: uploaded=(\d+) read=(\d+) readbacks=(\d+) submits=(\d+)$/m.exec(r.stdout);
        expect(m, r.stdout).not.toBeNull();
        expect(Number(m?.[2])).toBeGreaterThan(0);
        expect(Number(m?.[2])).toBeLessThanOrEqual(1.5 * r.bytes.length);
      } else {
        expect(r.lines[0]).toMatch(
          /^backend: cpu .*: no WebGPU adapter \(.*\): using the CPU; see docs\/gpu\.md$/,
        );
      }
      expect(Buffer.from(r.bytes).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it('--gpu auto on a software-only adapter uses the CPU and says why', async () => {
    const probe = await probeDawn();
    const r = proveWith('auto', []);
    if (probe.ok && probe.software)
      expect(r.lines[0]).toMatch(/^backend: cpu .*: --gpu auto: the only adapter is software \(.*\)/);
    else if (probe.ok) expect(r.lines[0]).toMatch(/^backend: webgpu on /);
    else expect(r.lines[0]).toMatch(/no WebGPU adapter/);
    expect(Buffer.from(r.bytes).equals(Buffer.from(expected))).toBe(true);
  });
});
