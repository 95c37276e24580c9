/**
 * Finds the external programs a test source uses, and reads the PROGRAMS table of
 * scripts/ci-deps.sh, so test/ci/deps.test.ts can check that every program the suites need is
 * installed and checked by that one script.
 *
 * A source uses a program when it contains (1) an absolute program path such as `/usr/bin/chromium`,
 * (2) a child_process call (`spawn`, `spawnSync`, `execFile`, `execFileSync`, `exec`, `execSync`)
 * whose first argument is a string literal, or a `const` initialised with one, or (3) a quoted
 * well-known program name such as `'redis-server'`. Node itself (`process.execPath`, `node`, `npm`,
 * `npx`) runs the suites and is not an external program.
 */

/** One use of a program in a source file. */
export interface ProgramUse {
  /** The program (a name or an absolute path); `?NAME` when a call's program could not be read. */
  readonly program: string;
  /** 1-based line number. */
  readonly line: number;
  /** How it was found. */
  readonly how: 'path' | 'call' | 'name';
}

/** Programs that run the suites themselves. */
export const HOST_PROGRAMS: ReadonlySet<string> = new Set(['node', 'npm', 'npx']);

/**
 * Programs of Debian's Essential and required packages (util-linux, mount, coreutils, bash):
 * present on every Debian machine, so ci-deps.sh does not install them.
 */
export const BASE_SYSTEM_PROGRAMS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'env',
  'kill',
  'mkdir',
  'mknod',
  'mount',
  'rm',
  'unshare',
]);

/** Programs recognised by name wherever they appear quoted. */
export const KNOWN_PROGRAMS: readonly string[] = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'promtool',
  'prometheus',
  'redis-server',
  'redis-cli',
  'vulkaninfo',
  'podman',
  'python3',
  'curl',
  'wget',
  'git',
];

const CALL =
  /(?:(?<![\w$.])|(?<=\b(?:child_process|cp)\.))(spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*([^,)]*)/g;
const ABS_PATH = /(?<![\w./-])\/(?:usr\/(?:local\/)?)?s?bin\/[A-Za-z0-9][\w.+-]*/g;
const LITERAL = /'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`$\\]*)`/g;

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

function literals(expr: string): string[] {
  return [...expr.matchAll(LITERAL)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The string literals of `const NAME = ...` (to the end of its line), or undefined if not found. */
function constLiterals(text: string, name: string): { lits: string[]; execPath: boolean } | undefined {
  const m = new RegExp(`\\b(?:const|let|var)\\s+${name}\\b[^=\\n]*=([^\\n]*)`).exec(text);
  if (m === null) return undefined;
  return { lits: literals(m[1]), execPath: /process\.execPath/.test(m[1]) };
}

/**
 * The programs a source file uses.
 * @param text the file's text
 * @returns every use, in order of appearance
 */
export function scanSource(text: string): ProgramUse[] {
  const uses: ProgramUse[] = [];
  for (const m of text.matchAll(ABS_PATH))
    uses.push({ program: m[0], line: lineOf(text, m.index), how: 'path' });
  for (const m of text.matchAll(CALL)) {
    const fn = m[1];
    const arg = m[2].trim();
    const line = lineOf(text, m.index);
    const shell = fn === 'exec' || fn === 'execSync';
    const first = (s: string): string => (shell ? (s.trim().split(/\s+/)[0] ?? '') : s);
    let lits = literals(arg);
    let execPath = /process\.execPath/.test(arg);
    if (lits.length === 0 && !execPath) {
      const ident = /^[A-Za-z_$][\w$]*$/.exec(arg)?.[0];
      const c = ident === undefined ? undefined : constLiterals(text, ident);
      if (c === undefined) {
        uses.push({ program: `?${arg}`, line, how: 'call' });
        continue;
      }
      lits = c.lits;
      execPath = c.execPath;
      if (lits.length === 0 && !execPath) {
        uses.push({ program: `?${arg}`, line, how: 'call' });
        continue;
      }
    }
    for (const l of lits) uses.push({ program: first(l), line, how: 'call' });
  }
  for (const name of KNOWN_PROGRAMS) {
    const esc = name.replace(/[-.]/g, '\\$&');
    for (const m of text.matchAll(new RegExp(`(['"\`])${esc}\\1`, 'g')))
      uses.push({ program: name, line: lineOf(text, m.index), how: 'name' });
  }
  return uses;
}

/**
 * The programs named by the PROGRAMS table of scripts/ci-deps.sh: each entry's name and, when it
 * is a path or a command, its check column.
 * @param script the text of scripts/ci-deps.sh
 * @returns the names and paths
 * @throws {Error} when the script has no PROGRAMS table
 */
export function programsTable(script: string): Set<string> {
  const block = /^PROGRAMS=\(\n([\s\S]*?)^\)/m.exec(script);
  if (block === null) throw new Error('scripts/ci-deps.sh has no PROGRAMS=( ... ) table');
  const out = new Set<string>();
  for (const m of block[1].matchAll(/^\s*"([^"|]+)\|([^"|]+)\|/gm)) {
    out.add(m[1].trim());
    out.add(m[2].trim());
  }
  return out;
}

/**
 * Whether ci-deps.sh covers a use: a host or base-system program, or a name or path of the table
 * (an absolute path also matches a table name equal to its last component).
 * @param program the program of a ProgramUse
 * @param table programsTable(...)
 * @returns true when covered
 */
export function isCovered(program: string, table: ReadonlySet<string>): boolean {
  if (program.startsWith('?')) return false;
  if (HOST_PROGRAMS.has(program) || BASE_SYSTEM_PROGRAMS.has(program) || table.has(program)) return true;
  if (program.startsWith('/')) {
    const base = program.slice(program.lastIndexOf('/') + 1);
    return table.has(base) || HOST_PROGRAMS.has(base) || BASE_SYSTEM_PROGRAMS.has(base);
  }
  return false;
}
