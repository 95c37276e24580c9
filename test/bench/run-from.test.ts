import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BenchRow, referenceRatios } from '../../bench/lib.ts';

const ROWS: BenchRow[] = [
  {
    suite: 'prove',
    name: 'cpu fibonacci 2^16 prove',
    unit: 'ms',
    value: 2000,
    reference: [{ label: 'scalar 1T', value: 1000, unit: 'ms' }],
  },
  {
    suite: 'hash',
    name: 'poseidon2-16 permutations per second, batch (1 thread)',
    unit: 'ops/s',
    value: 400000,
    reference: [{ label: 'scalar 1T', value: 800000, unit: 'ops/s' }],
  },
];

describe('bench tables from a results file', () => {
  it('referenceRatios: ours / theirs for times, theirs / ours for rates (>1 = ours slower)', () => {
    expect(referenceRatios(ROWS[0])).toBe('scalar 1T 2.00x');
    expect(referenceRatios(ROWS[1])).toBe('scalar 1T 2.00x');
    expect(referenceRatios({ ...ROWS[0], reference: [{ label: 'x', value: 4000, unit: 'ms' }] })).toBe(
      'x 0.50x',
    );
    expect(referenceRatios({ ...ROWS[0], reference: [{ label: 'x', value: 4, unit: 's' }] })).toBe('');
  });

  it('`bench/run.ts --markdown --from FILE --suite prove` prints that suite only and names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p3ts-bench-'));
    const file = join(dir, 'results.json');
    writeFileSync(
      file,
      JSON.stringify({
        date: '2026-12-03T08:00:00.000Z',
        git: 'abc1234',
        quick: false,
        machine: {
          node: 'v20',
          v8: '11',
          platform: 'linux',
          arch: 'x64',
          cpuModel: 'Test CPU',
          cores: 2,
          memGiB: 24,
        },
        referenceCitation: 'test',
        rows: ROWS,
      }),
    );
    const out = execFileSync(
      process.execPath,
      ['scripts/run-ts.mjs', 'bench/run.ts', '--markdown', '--from', file, '--suite', 'prove'],
      { encoding: 'utf8' },
    );
    expect(out).toContain('| prove | cpu fibonacci 2^16 prove | 2000 | ms |');
    expect(out).toContain('scalar 1T 2.00x');
    expect(out).not.toContain('permutations per second');
    expect(out).toContain(`Data: \`${file}\` (git abc1234, 2026-12-03; Test CPU x2, node v20).`);
  }, 60_000);
});
