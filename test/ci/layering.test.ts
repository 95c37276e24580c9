/**
 * The layers of src/ (docs/backend.md, "Layering"): protocol code above the backends, never below.
 * src/fri does not import src/stark; src/runtime imports neither src/stark nor src/fri's protocol
 * modules that name stark types; the whole-proof job lives in src/worker, above both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier of a file's import/export-from statements and dynamic imports. */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) specs.push(m[1]);
  return specs;
}

/** Imports from `layer` (a src/ folder) that reach into one of `forbidden` (src/ folders). */
function violations(
  files: readonly { path: string; source: string }[],
  forbidden: readonly string[],
): string[] {
  const bad: string[] = [];
  for (const f of files)
    for (const spec of importsOf(f.source)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(ROOT, resolve(dirname(f.path), spec))
        .split('\\')
        .join('/');
      if (forbidden.some((d) => target === d || target.startsWith(`${d}/`)))
        bad.push(`${relative(ROOT, f.path)} imports ${spec}`);
    }
  return bad;
}

const read = (dir: string) =>
  tsFiles(join(ROOT, dir)).map((path) => ({ path, source: readFileSync(path, 'utf8') }));

describe('layering', () => {
  it('src/fri imports nothing from src/stark', () => {
    expect(violations(read('src/fri'), ['src/stark'])).toEqual([]);
  });

  it('src/runtime imports nothing from src/stark, src/worker, src/node or src/cli', () => {
    expect(violations(read('src/runtime'), ['src/stark', 'src/worker', 'src/node', 'src/cli'])).toEqual([]);
  });

  it('the scanner sees static, type-only, re-export and dynamic imports', () => {
    const path = join(ROOT, 'src/runtime/example.ts');
    const source = [
      "import { prove } from '../stark/prove.ts';",
      "import type { StarkConfig } from '../stark/config.ts';",
      "export { verify } from '../stark/verify.ts';",
      "const m = await import('../stark/codec.ts');",
      "import { P } from '../field/babybear.ts';",
    ].join('\n');
    expect(violations([{ path, source }], ['src/stark'])).toEqual([
      'src/runtime/example.ts imports ../stark/prove.ts',
      'src/runtime/example.ts imports ../stark/config.ts',
      'src/runtime/example.ts imports ../stark/verify.ts',
      'src/runtime/example.ts imports ../stark/codec.ts',
    ]);
  });
});
