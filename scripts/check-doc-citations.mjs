#!/usr/bin/env node
// Checks that every citation of our protocol documents points at a section that exists.
//
//   node scripts/check-doc-citations.mjs [--strict] [--root DIR] [PATH...]
//
// A citation is `docs/protocol.md §8.6` or `docs/verifier-hardening.md §4.B5`, optionally followed
// by more sections of the same document (`§8.4-§8.6`, `§6.1, §6.2`, `§3 and §5`). Inside the two
// documents themselves a bare `§n` cites the same document, and in docs/verifier-hardening.md
// `P§n` cites docs/protocol.md. A section exists when a heading starts with its number
// (`### 8.6 PCS open`, `## 0. Scope`, `### 4.B Parameters`); a tamper-class id such as `4.B5`
// also exists when the table under heading `4.B` has a row `| B5 |`.
//
// --strict also fails on citations of the former, out-of-repository files (`spec/plonky3.md`,
// `spec/verifier-hardening.md`) and on a bare `§n` in a source file (.ts, .mjs, .js), which
// would not say which document it means. PATHs default to `src test docs`; --root (default: the
// repository root) is where docs/ and the PATHs are resolved. Exit status 0 = all citations
// resolve, 1 = problems (listed on stderr), 2 = usage error.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS = Object.freeze({
  protocol: 'docs/protocol.md',
  hardening: 'docs/verifier-hardening.md',
});

const SOURCE_EXT = /\.(ts|mts|mjs|js|cjs)$/;
const SCAN_EXT = /\.(ts|mts|mjs|js|cjs|md|wgsl|json|toml|yml|yaml)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.tmp', 'coverage', 'vectors', '.git']);

/** A section id: 8, 8.6, 10.3, 4.B, 4.B5 (a trailing period is not part of it). */
const ID = String.raw`\d+(?:\.(?:\d+|[A-M]\d*))*`;
const CHAIN = String.raw`(?:\s*(?:,\s*and|,|and|-|–|to)\s*§\s*${ID})*`;
const DOC_CITE = new RegExp(
  String.raw`(docs/(?:protocol|verifier-hardening)\.md)\x60?\s*§\s*(${ID})(${CHAIN})`,
  'g',
);
const LEGACY = /spec\/(?:plonky3|verifier-hardening)\.md/g;

/**
 * Section ids of a markdown document: heading numbers plus tamper-class row ids.
 * @param {string} text the document
 * @returns {Set<string>} the ids
 */
export function sectionIds(text) {
  const ids = new Set();
  let current = null;
  for (const line of text.split('\n')) {
    const h = /^#{1,6}\s+(\d+(?:\.(?:\d+|[A-Z]))*)\.?(?:\s|$)/.exec(line);
    if (h) {
      current = h[1];
      ids.add(current);
      continue;
    }
    const row = /^\|\s*([A-Z])(\d+)\b/.exec(line);
    if (row && current?.endsWith(`.${row[1]}`)) ids.add(`${current}${row[2]}`);
  }
  return ids;
}

function listFiles(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (SKIP_DIRS.has(name)) continue;
      listFiles(join(path, name), out);
    }
  } else if (SCAN_EXT.test(path)) {
    out.push(path);
  }
  return out;
}

/**
 * Scans files for citations and checks them.
 * @param {{ root: string, paths: string[], strict?: boolean }} opts
 * @returns {{ checked: number, problems: string[] }}
 */
export function checkCitations({ root, paths, strict = false }) {
  const problems = [];
  const ids = {};
  for (const [key, rel] of Object.entries(DOCS)) {
    const file = join(root, rel);
    ids[rel] = existsSync(file) ? sectionIds(readFileSync(file, 'utf8')) : null;
    if (ids[rel] === null) problems.push(`${rel}: document missing`);
    ids[key] = ids[rel];
  }
  let checked = 0;
  const files = [];
  for (const p of paths) {
    const abs = resolve(root, p);
    if (!existsSync(abs)) {
      problems.push(`${p}: no such file or directory`);
      continue;
    }
    listFiles(abs, files);
  }
  for (const file of files) {
    const rel = relative(root, file).split('\\').join('/');
    const lines = readFileSync(file, 'utf8').split('\n');
    const selfDoc = Object.values(DOCS).includes(rel) ? rel : null;
    lines.forEach((line, i) => {
      const where = `${rel}:${i + 1}`;
      const cite = (doc, id) => {
        checked++;
        const known = ids[doc];
        if (known && !known.has(id)) problems.push(`${where}: ${doc} §${id}: no such section`);
      };
      const covered = [];
      for (const m of line.matchAll(DOC_CITE)) {
        cite(m[1], m[2]);
        for (const more of m[3].matchAll(new RegExp(String.raw`§\s*(${ID})`, 'g'))) cite(m[1], more[1]);
        covered.push([m.index, m.index + m[0].length]);
      }
      if (selfDoc) {
        // Inside the documents: P§n (hardening -> protocol) and bare §n (same document).
        for (const m of line.matchAll(new RegExp(String.raw`(P?)§\s*(${ID})`, 'g'))) {
          if (covered.some(([s, e]) => m.index >= s && m.index < e)) continue;
          cite(m[1] === 'P' ? DOCS.protocol : selfDoc, m[2]);
        }
      }
      if (!strict) return;
      for (const m of line.matchAll(LEGACY)) {
        problems.push(`${where}: cites ${m[0]}, which is not in the repository (use docs/)`);
      }
      if (SOURCE_EXT.test(rel)) {
        for (const m of line.matchAll(/§/g)) {
          if (covered.some(([s, e]) => m.index >= s && m.index < e)) continue;
          problems.push(`${where}: bare '§' citation; name the document (docs/protocol.md §n)`);
        }
      }
    });
  }
  return { checked, problems };
}

function main(argv) {
  let strict = false;
  let root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--strict') strict = true;
    else if (a === '--root') {
      if (argv[i + 1] === undefined) return usage('--root needs a directory');
      root = resolve(argv[++i]);
    } else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else paths.push(a);
  }
  const { checked, problems } = checkCitations({
    root,
    paths: paths.length > 0 ? paths : ['src', 'test', 'docs'],
    strict,
  });
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(
    `check-doc-citations: ${checked} citations checked, ${problems.length} problem(s)${strict ? ' (strict)' : ''}\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

function usage(msg) {
  process.stderr.write(
    `check-doc-citations: ${msg}\nusage: check-doc-citations.mjs [--strict] [--root DIR] [PATH...]\n`,
  );
  return 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
