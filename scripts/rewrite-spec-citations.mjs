#!/usr/bin/env node
// One-off rewrite: points every citation of the former out-of-repository specifications at our
// own documents, then runs the strict citation check.
//
//   node scripts/rewrite-spec-citations.mjs [--dry-run] [--root DIR] [PATH...]
//
//   spec/plonky3.md §n              -> docs/protocol.md §n
//   spec/verifier-hardening.md §n   -> docs/verifier-hardening.md §n
//   P§n, spec §n                    -> docs/protocol.md §n      (spec §n means hardening in docs/runbook.md)
//   H§n, hardening §n, hardening spec §n -> docs/verifier-hardening.md §n
//   bare §n                         -> the document it means, decided in this order:
//     1. LINE_OVERRIDES below (a file and a text on the line);
//     2. a tamper-class id (§4.A .. §4.M, §4.B5) is always the hardening document;
//     3. a §n chained right after a citation (`§8.4-§8.6`, `§6.1, §6.2`) stays bare: it shares
//        that citation's document;
//     4. otherwise the last document named earlier on the same line;
//     5. otherwise the only document the file names anywhere (before the rewrite);
//     6. otherwise FILE_DEFAULTS below; 7. otherwise docs/protocol.md.
// `runbook §n` is left alone (the runbook's own sections). The two documents themselves and
// test/vectors are not touched. PATHs default to src test scripts bench examples docs README.md.
// Prints every change; with --dry-run writes nothing. Exit status 1 when the strict check of
// scripts/check-doc-citations.mjs still finds problems afterwards (not run with --dry-run).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCitations, DOCS } from './check-doc-citations.mjs';

const P = DOCS.protocol;
const H = DOCS.hardening;

/** [path, text on the line, document]: bare § on such a line means that document. */
const LINE_OVERRIDES = [['src/stark/verify.ts', 'Operator floor', H]];

/** Path prefixes whose bare § means the hardening document when rules 1–5 do not decide. */
const FILE_DEFAULTS = [
  ['src/node/', H],
  ['src/tools/', H],
  ['tools/', H],
  ['src/stark/errors.ts', H],
  ['src/stark/security.ts', H],
  ['src/stark/tamper', H],
  ['test/stark/tamper', H],
  ['test/stark/codes.test.ts', H],
  ['test/stark/security.test.ts', H],
  ['test/stress/', H],
  ['docs/stress.md', H],
];

/** What `spec §n` means per file (default: the protocol). */
const SPEC_MEANS = [['docs/runbook.md', H]];

const SELF = new Set([
  'scripts/rewrite-spec-citations.mjs',
  'scripts/check-doc-citations.mjs',
  'test/docs/citations.test.ts',
  P,
  H,
]);
const EXT = /\.(ts|mts|mjs|js|cjs|md|wgsl)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.tmp', 'coverage', 'vectors', '.git']);
const ID = String.raw`\d+(?:\.(?:\d+|[A-M]\d*))*`;
const SEP = String.raw`\s*(?:,\s*and|,|and|-|–|to)\s*`;

function listFiles(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!SKIP_DIRS.has(name)) listFiles(join(path, name), out);
  } else if (EXT.test(path)) out.push(path);
  return out;
}

const byPrefix = (table, rel) => table.find(([p]) => rel.startsWith(p))?.[1];

/** The documents a file names explicitly (before the rewrite). */
function namedDocs(text, specMeans) {
  const docs = new Set();
  if (/spec\/plonky3\.md|docs\/protocol\.md|(?<![A-Za-z])P§/.test(text)) docs.add(P);
  if (
    /spec\/verifier-hardening\.md|docs\/verifier-hardening\.md|hardening (?:spec )?§|(?<![A-Za-z])H§/.test(
      text,
    )
  )
    docs.add(H);
  if (/(?<![\w/])spec §/.test(text)) docs.add(specMeans);
  return docs;
}

/**
 * Rewrites one file's text.
 * @returns {{ text: string, changes: string[] }}
 */
export function rewriteText(rel, text) {
  const specMeans = byPrefix(SPEC_MEANS, rel) ?? P;
  const named = namedDocs(text, specMeans);
  const fileDoc = named.size === 1 ? [...named][0] : (byPrefix(FILE_DEFAULTS, rel) ?? P);
  const changes = [];
  const out = text.split('\n').map((line, i) => {
    let s = line
      .replace(/spec\/plonky3\.md/g, P)
      .replace(/spec\/verifier-hardening\.md/g, H)
      .replace(/(?<![A-Za-z])P§\s*/g, `${P} §`)
      .replace(/(?<![A-Za-z])H§\s*/g, `${H} §`)
      .replace(/\bhardening (?:spec )?§\s*/g, `${H} §`)
      .replace(/(?<![\w/])spec §\s*/g, `${specMeans} §`);
    // Bare § left: decide its document (rules 1-7 of the header).
    const override = LINE_OVERRIDES.find(([f, t]) => f === rel && line.includes(t))?.[2];
    let result = '';
    let last = 0;
    const re = new RegExp(String.raw`§\s*(${ID})`, 'g');
    for (const m of s.matchAll(re)) {
      const before = s.slice(0, m.index);
      const isCited = /docs\/(?:protocol|verifier-hardening)\.md`?\s*$/.test(before);
      const chained =
        new RegExp(String.raw`§\s*${ID}${SEP}$`).test(before) && !/runbook\s*§\s*\S*\s*$/.test(before);
      const runbook = /runbook\s*$/.test(before);
      if (isCited || chained || runbook) continue;
      let doc = override;
      if (!doc && /^4\.[A-M]/.test(m[1])) doc = H;
      if (!doc) {
        const prev = [...before.matchAll(/docs\/(protocol|verifier-hardening)\.md/g)].pop();
        if (prev) doc = prev[1] === 'protocol' ? P : H;
      }
      doc ??= fileDoc;
      result += `${s.slice(last, m.index)}${doc} `;
      last = m.index;
    }
    s = result + s.slice(last);
    if (s !== line) changes.push(`${rel}:${i + 1}: ${s.trim()}`);
    return s;
  });
  return { text: out.join('\n'), changes };
}

function main(argv) {
  let dry = false;
  let root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dry-run') dry = true;
    else if (argv[i] === '--root') root = resolve(argv[++i] ?? '.');
    else paths.push(argv[i]);
  }
  const targets =
    paths.length > 0 ? paths : ['src', 'test', 'scripts', 'bench', 'examples', 'docs', 'README.md'];
  const files = [];
  for (const p of targets) if (existsSync(join(root, p))) listFiles(join(root, p), files);
  let changed = 0;
  for (const file of files) {
    const rel = relative(root, file).split('\\').join('/');
    if (SELF.has(rel)) continue;
    const before = readFileSync(file, 'utf8');
    const { text, changes } = rewriteText(rel, before);
    if (text === before) continue;
    changed++;
    for (const c of changes) process.stdout.write(`${c}\n`);
    if (!dry) writeFileSync(file, text);
  }
  process.stdout.write(`rewrite-spec-citations: ${changed} file(s) ${dry ? 'would change' : 'changed'}\n`);
  if (dry) return 0;
  const checkPaths = ['src', 'test', 'docs'].filter((p) => existsSync(join(root, p)));
  const { checked, problems } = checkCitations({ root, paths: checkPaths, strict: true });
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(`strict citation check: ${checked} citations, ${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
