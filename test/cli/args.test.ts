/**
 * Command dispatch and option validation (issue 12): commands live in a Map, so Object.prototype
 * names are unknown commands (exit 2 with the list); integer options reject NaN, negatives,
 * fractions and out-of-range values at parsing, naming the flag, with exit 2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { backendFlags } from '../../src/cli/backend.ts';
import { parseIntFlag, UsageError } from '../../src/cli/common.ts';
import { builtCli, runCli } from './cli-bundle.ts';
import { FIB_ARGS } from './fib-args.ts';

let cli = '';
beforeAll(async () => {
  cli = await builtCli();
}, 120_000);

const COMMANDS = ['prove', 'verify', 'demo', 'preload', 'preflight', 'serve', 'stress', 'analyze'];

describe('parseIntFlag / backendFlags', () => {
  it('accepts decimal integers within the bounds', () => {
    expect(parseIntFlag('0', 'x')).toBe(0);
    expect(parseIntFlag('24', 'log-rows', { max: 24 })).toBe(24);
    expect(parseIntFlag('007', 'x')).toBe(7);
    expect(backendFlags({ gpu: 'on', workers: '3' })).toEqual({ gpu: 'on', workers: 3 });
    expect(backendFlags({})).toEqual({ gpu: 'auto', workers: 'auto' });
  });

  it.each(['', 'NaN', 'abc', '-1', '1.5', '1e3', '0x10', ' 3', '+2', 'Infinity', '99999999999'])(
    'rejects %j naming the flag',
    (v) => {
      expect(() => parseIntFlag(v, 'num-queries', { min: 1 })).toThrow(UsageError);
      expect(() => parseIntFlag(v, 'num-queries', { min: 1 })).toThrow(/--num-queries/);
    },
  );

  it('rejects values outside the bounds', () => {
    expect(() => parseIntFlag('25', 'log-rows', { max: 24 })).toThrow(
      /--log-rows expects an integer in 0\.\.24, got 25/,
    );
    expect(() => parseIntFlag('0', 'num-queries', { min: 1 })).toThrow(/--num-queries/);
    expect(() => backendFlags({ workers: '-1' })).toThrow(/--workers/);
    expect(() => backendFlags({ workers: '257' })).toThrow(/--workers/);
    expect(() => backendFlags({ gpu: 'yes' })).toThrow(/--gpu expects auto\|on\|off/);
  });
});

describe('p3ts dispatch', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nonsense'])(
    'p3ts %s exits 2 and lists the commands',
    (name) => {
      const r = runCli(cli, [name]);
      expect(r.code, r.out).toBe(2);
      expect(r.stderr).toContain(`unknown command '${name}'`);
      for (const c of COMMANDS) expect(r.stderr).toMatch(new RegExp(`^  ${c} `, 'm'));
    },
  );

  it('p3ts --help lists every command and exits 0; no command exits 2', () => {
    const h = runCli(cli, ['--help']);
    expect(h.code).toBe(0);
    for (const c of COMMANDS) expect(h.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(runCli(cli, []).code).toBe(2);
  });
});

describe('integer options are validated at parsing (exit 2, the flag named)', () => {
  const prove = (...extra: string[]): string[] => ['prove', ...FIB_ARGS, '--out', '/dev/null', ...extra];
  const cases: [string, string[], string][] = [
    [
      'prove --log-rows -1',
      ['prove', '--air', 'fibonacci', '--log-rows=-1', '--out', '/dev/null'],
      'log-rows',
    ],
    [
      'prove --log-rows 1.5',
      ['prove', '--air', 'fibonacci', '--log-rows', '1.5', '--out', '/dev/null'],
      'log-rows',
    ],
    [
      'prove --log-rows NaN',
      ['prove', '--air', 'fibonacci', '--log-rows', 'NaN', '--out', '/dev/null'],
      'log-rows',
    ],
    [
      'prove --log-rows 25',
      ['prove', '--air', 'fibonacci', '--log-rows', '25', '--out', '/dev/null'],
      'log-rows',
    ],
    ['prove --workers -1', prove('--workers=-1'), 'workers'],
    ['prove --workers two', prove('--workers', 'two'), 'workers'],
    ['prove --workers 1.5', prove('--workers', '1.5'), 'workers'],
    ['prove --gpu maybe', prove('--gpu', 'maybe'), 'gpu'],
    ['prove --num-queries 0', prove('--num-queries', '0'), 'num-queries'],
    ['prove --num-queries NaN', prove('--num-queries', 'NaN'), 'num-queries'],
    ['prove --log-blowup 1.5', prove('--log-blowup', '1.5'), 'log-blowup'],
    ['prove --log-blowup -2', prove('--log-blowup=-2'), 'log-blowup'],
    ['prove --query-pow-bits 1e1', prove('--query-pow-bits', '1e1'), 'query-pow-bits'],
    ['prove --max-log-arity 0', prove('--max-log-arity', '0'), 'max-log-arity'],
    [
      'verify --log-rows NaN',
      ['verify', '--air', 'fibonacci', '--log-rows', 'NaN', '--public', '0,1,21', '/dev/null'],
      'log-rows',
    ],
    ['demo --workers -3', ['demo', '--size', 'test', '--workers=-3'], 'workers'],
    ['demo --gpu 2', ['demo', '--size', 'test', '--gpu', '2'], 'gpu'],
    ['stress --proofs 0', ['stress', '--scenario', 'x.toml', '--proofs', '0'], 'proofs'],
    ['serve --port 70000', ['serve', '--port', '70000'], 'port'],
  ];
  it.each(cases)('%s', (_name, args, flag) => {
    const r = runCli(cli, args);
    expect(r.code, r.out).toBe(2);
    expect(r.stderr).toContain(`--${flag}`);
  });

  it('demo --config with an unknown preset is a usage error (exit 2)', () => {
    const r = runCli(cli, ['demo', '--size', 'test', '--config', 'nope']);
    expect(r.code, r.out).toBe(2);
    expect(r.stderr).toMatch(/nope/);
  });
});
