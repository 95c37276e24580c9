/**
 * Citations of docs/protocol.md and docs/verifier-hardening.md must point at existing sections:
 * scripts/check-doc-citations.mjs on the real tree, and on small fixture trees where it must
 * fail; scripts/rewrite-spec-citations.mjs on a fixture tree with every citation form.
 *
 * The section sign and the former specification paths are built at run time, so this file holds
 * no citation of its own for the checker or the rewrite to see.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHECK = join(ROOT, 'scripts/check-doc-citations.mjs');
const REWRITE = join(ROOT, 'scripts/rewrite-spec-citations.mjs');
const S = '\u00a7';
const OLD_P = ['spec', 'plonky3.md'].join('/');
const OLD_H = ['spec', 'verifier-hardening.md'].join('/');

const PROTOCOL_DOC = `# protocol\n\n## 1. One\n\n### 1.2 One two\n\n## 5. Five\n\n### 5.4 Five four\n\n## 14. Example\n`;
const HARDENING_DOC = [
  '# hardening',
  '## 2. Codes',
  '## 4. Classes',
  '### 4.B Parameters',
  '| id | mutation | expected |',
  '| --- | --- | --- |',
  '| B5 | floor | code |',
  `### 4.J Algebra (see P${S}5.4 and ${S}2)`,
  '## 6. Presets',
  '### 6.2 Per proof',
  '',
].join('\n');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fixture repository: the two documents plus the given files. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'p3ts-cite-'));
  dirs.push(root);
  const all = { 'docs/protocol.md': PROTOCOL_DOC, 'docs/verifier-hardening.md': HARDENING_DOC, ...files };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function run(script: string, args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('scripts/check-doc-citations.mjs', () => {
  it('every citation in src, test and docs of this repository resolves', () => {
    const r = run(CHECK, ['--strict', '--root', ROOT]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/0 problem\(s\)/);
    expect(r.status).toBe(0);
  });

  it('accepts existing sections, chains, tamper-class rows and in-document references', () => {
    const root = tree({
      'src/a.ts': `// docs/protocol.md ${S}1.2, docs/protocol.md ${S}5-${S}5.4 and docs/verifier-hardening.md ${S}4.B5.\n// docs/verifier-hardening.md ${S}4.J, ${S}6.2; \`docs/protocol.md\` ${S}14\n`,
    });
    const r = run(CHECK, ['--root', root, 'src', 'docs']);
    expect(r.err).toBe('');
    // 7 in src/a.ts, 2 inside the hardening document (the P-prefixed and the bare reference)
    expect(r.out).toMatch(/: 9 citations checked, 0 problem\(s\)/);
    expect(r.status).toBe(0);
  });

  it('fails on a section that does not exist, also inside a chain and for an unknown class row', () => {
    const root = tree({
      'src/bad.ts': `/** see docs/protocol.md ${S}9.9 */\n`,
      'test/chain.test.ts': `// docs/protocol.md ${S}1.2-${S}1.7\n// docs/verifier-hardening.md ${S}4.B6\n`,
    });
    const r = run(CHECK, ['--root', root, 'src', 'test']);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`src/bad.ts:1: docs/protocol.md ${S}9.9: no such section`);
    expect(r.err).toContain(`test/chain.test.ts:1: docs/protocol.md ${S}1.7: no such section`);
    expect(r.err).toContain(`test/chain.test.ts:2: docs/verifier-hardening.md ${S}4.B6: no such section`);
    expect(r.err).not.toContain(`${S}1.2:`);
  });

  it('fails on a broken reference inside the documents themselves', () => {
    const root = tree({ 'docs/verifier-hardening.md': `${HARDENING_DOC}\nSee P${S}7 and ${S}3.\n` });
    const r = run(CHECK, ['--root', root, 'docs']);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`docs/protocol.md ${S}7: no such section`);
    expect(r.err).toContain(`docs/verifier-hardening.md ${S}3: no such section`);
  });

  it('--strict also fails on the former specification paths and on a bare section sign in code', () => {
    const root = tree({ 'src/old.ts': `// ${OLD_P} ${S}1.2\n// see ${S}5.4\n` });
    expect(run(CHECK, ['--root', root, 'src']).status).toBe(0);
    const r = run(CHECK, ['--strict', '--root', root, 'src']);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`src/old.ts:1: cites ${OLD_P}`);
    expect(r.err).toContain(`src/old.ts:2: bare '${S}' citation`);
  });

  it('reports a missing document and a usage error', () => {
    const root = mkdtempSync(join(tmpdir(), 'p3ts-cite-'));
    dirs.push(root);
    mkdirSync(join(root, 'src'));
    const r = run(CHECK, ['--root', root, 'src']);
    expect(r.status).toBe(1);
    expect(r.err).toContain('docs/protocol.md: document missing');
    expect(run(CHECK, ['--bogus']).status).toBe(2);
  });
});

describe('scripts/rewrite-spec-citations.mjs', () => {
  it('rewrites every citation form to docs/ and leaves the strict check clean', () => {
    const files: Record<string, string> = {
      'src/fri/a.ts': [
        `/** Verifier (${OLD_P} ${S}1.2; ${OLD_H} ${S}6.2), mirroring upstream. */`,
        `// see ${S}5.4 and ${S}5-${S}5.4, P${S}14, spec ${S}1`,
        `// hardening ${S}4.B5 and H${S}2; plain ${S}4.J`,
        `// ${OLD_H} ${S}2 codes, ${S}6.2 floor`,
      ].join('\n'),
      'src/node/b.ts': `// ${OLD_H} ${S}2\n// later: ${S}6.2\n`,
      'docs/runbook.md': `code from spec ${S}2; see runbook ${S}3.2\n`,
    };
    const root = tree(files);
    const r = run(REWRITE, ['--root', root, 'src', 'docs']);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/strict citation check: \d+ citations, 0 problem\(s\)/);
    const a = readFileSync(join(root, 'src/fri/a.ts'), 'utf8').split('\n');
    expect(a[0]).toBe(
      `/** Verifier (docs/protocol.md ${S}1.2; docs/verifier-hardening.md ${S}6.2), mirroring upstream. */`,
    );
    expect(a[1]).toBe(
      `// see docs/protocol.md ${S}5.4 and ${S}5-${S}5.4, docs/protocol.md ${S}14, docs/protocol.md ${S}1`,
    );
    expect(a[2]).toBe(
      `// docs/verifier-hardening.md ${S}4.B5 and docs/verifier-hardening.md ${S}2; plain docs/verifier-hardening.md ${S}4.J`,
    );
    expect(a[3]).toBe(`// docs/verifier-hardening.md ${S}2 codes, docs/verifier-hardening.md ${S}6.2 floor`);
    // a file that names only the hardening document: its bare section signs mean that document
    expect(readFileSync(join(root, 'src/node/b.ts'), 'utf8')).toBe(
      `// docs/verifier-hardening.md ${S}2\n// later: docs/verifier-hardening.md ${S}6.2\n`,
    );
    // in the runbook "spec" meant the hardening document; its own sections stay as they are
    expect(readFileSync(join(root, 'docs/runbook.md'), 'utf8')).toBe(
      `code from docs/verifier-hardening.md ${S}2; see runbook ${S}3.2\n`,
    );
    // the documents themselves are not touched
    expect(readFileSync(join(root, 'docs/verifier-hardening.md'), 'utf8')).toBe(HARDENING_DOC);
  });

  it('--dry-run writes nothing', () => {
    const text = `// ${OLD_P} ${S}1.2\n`;
    const root = tree({ 'src/c.ts': text });
    const r = run(REWRITE, ['--dry-run', '--root', root, 'src']);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`src/c.ts:1: // docs/protocol.md ${S}1.2`);
    expect(readFileSync(join(root, 'src/c.ts'), 'utf8')).toBe(text);
  });

  it('exits 1 when a rewritten citation names a section the documents lack', () => {
    const root = tree({ 'src/d.ts': `// ${OLD_P} ${S}8.8\n` });
    const r = run(REWRITE, ['--root', root, 'src']);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`src/d.ts:1: docs/protocol.md ${S}8.8: no such section`);
  });
});
