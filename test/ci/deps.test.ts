/**
 * Every external program the suites use is installed and checked by scripts/ci-deps.sh: each
 * absolute program path, child_process program and well-known program name under test/ must be
 * named in its PROGRAMS table (or be Node itself, or part of Debian's base system). A lost install
 * section then fails here, in review, instead of on a fresh machine. test/ci/ itself is not
 * scanned (its samples name absent programs on purpose).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCovered, programsTable, scanSource } from './programs.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = readFileSync(join(ROOT, 'scripts/ci-deps.sh'), 'utf8');

function testSources(): string[] {
  const dir = join(ROOT, 'test');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs|cjs|sh)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('test/ci/'))
    .sort();
}

describe('scanner (programs.ts)', () => {
  it('finds absolute paths, child_process programs (literal and const) and well-known names', () => {
    const sample = [
      "const CHROME = '/sbin/example-browser';",
      "spawnSync('vulkaninfo', ['--summary']);",
      "const BIN = process.env.REDIS_BIN ?? 'redis-server';",
      'spawn(BIN, []);',
      "execSync('example-db -c select');",
      "cp.execFile('jq', ['.']);",
      'spawnSync(process.execPath, [script]);',
      "execFileSync('npm', ['pack']);",
      'const m = /a/.exec(line);',
      "const tool = 'promtool';",
      'spawn(someVariable, []);',
    ].join('\n');
    const uses = scanSource(sample).map((u) => `${u.how}:${u.program}@${u.line}`);
    expect(uses.sort()).toEqual(
      [
        'path:/sbin/example-browser@1',
        'call:vulkaninfo@2',
        'name:vulkaninfo@2',
        'call:redis-server@4',
        'name:redis-server@3',
        'call:example-db@5',
        'call:jq@6',
        'call:npm@8',
        'name:promtool@10',
        'call:?someVariable@11',
      ].sort(),
    );
  });

  it('reads the PROGRAMS table and reports what it does not name', () => {
    const table = programsTable(
      ['PROGRAMS=(', '  "chromium|/usr/bin/chromium|chromium"', '  "promtool|promtool|prometheus"', ')'].join(
        '\n',
      ),
    );
    expect([...table].sort()).toEqual(['/usr/bin/chromium', 'chromium', 'promtool']);
    const missing = scanSource("spawnSync('redis-server', ['--port', '0']); execFileSync('promtool', []);")
      .filter((u) => !isCovered(u.program, table))
      .map((u) => u.program);
    expect([...new Set(missing)]).toEqual(['redis-server']);
    expect(isCovered('?bin', table)).toBe(false);
    expect(isCovered('node', table)).toBe(true);
    expect(() => programsTable('no table here')).toThrow(/PROGRAMS/);
  });
});

describe('scripts/ci-deps.sh names every external program used under test/', () => {
  const table = programsTable(SCRIPT);
  it('has a PROGRAMS table', () => {
    expect(table.size).toBeGreaterThan(0);
  });
  it.each(testSources())('%s', (file) => {
    const uses = scanSource(readFileSync(join(ROOT, file), 'utf8'));
    const missing = uses
      .filter((u) => !isCovered(u.program, table))
      .map((u) =>
        u.program.startsWith('?')
          ? `${file}:${u.line}: cannot tell which program '${u.program.slice(1)}' is; use a string literal or a const initialised with one`
          : `${file}:${u.line}: ${u.program} (${u.how}) is not in the PROGRAMS table of scripts/ci-deps.sh`,
      );
    expect(missing).toEqual([]);
  });
});
