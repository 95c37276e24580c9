/**
 * Generates src/hash/poseidon2-constants.ts from test/vectors/poseidon2_babybear.json (the
 * `default` sets and the internal diagonals) and from a fresh derivation of the RNG-seeded sets
 * (rand 0.10 SmallRng seeded with 1, docs/protocol.md §3.6). Fails if a derived set differs
 * from the vector file.
 *
 * Run: node scripts/run-ts.mjs scripts/gen-poseidon2-constants.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { constantsFromRng, smallRng } from '../src/hash/poseidon2-rng.ts';
import type { Poseidon2Constants } from '../src/hash/types.ts';

interface JsonSet {
  external_initial: number[][];
  external_terminal: number[][];
  internal: number[];
}

const vectors = JSON.parse(readFileSync('test/vectors/poseidon2_babybear.json', 'utf8'));

function fromJson(s: JsonSet, width: number): Poseidon2Constants {
  return {
    width,
    externalInitial: s.external_initial,
    externalTerminal: s.external_terminal,
    internal: s.internal,
  };
}

function same(a: Poseidon2Constants, b: Poseidon2Constants): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const rng = smallRng(1n);
const small16 = constantsFromRng(rng, 16);
const small24 = constantsFromRng(rng, 24);
const rngJson = vectors.rng_constants;
if (!same(small16, fromJson(rngJson.smallrng_seed1_width16.width16, 16))) {
  throw new Error('derived smallrng-seed-1 width-16 set differs from the vector file');
}
if (!same(small24, fromJson(rngJson.smallrng_seed1_width24_after_width16.width24, 24))) {
  throw new Error('derived smallrng-seed-1 width-24-after-16 set differs from the vector file');
}

const row = (r: readonly number[]): string => `[${r.join(', ')}]`;
const rows = (rs: readonly (readonly number[])[]): string => `[\n    ${rs.map(row).join(',\n    ')},\n  ]`;
function emit(name: string, doc: string, c: Poseidon2Constants): string {
  return `/** ${doc} */
export const ${name}: Poseidon2Constants = {
  width: ${c.width},
  externalInitial: ${rows(c.externalInitial)},
  externalTerminal: ${rows(c.externalTerminal)},
  internal: ${row(c.internal)},
};
`;
}

const out = `// generated, do not edit
// by scripts/gen-poseidon2-constants.ts from test/vectors/poseidon2_babybear.json (default sets,
// internal diagonals) and from the SmallRng(1) derivation of docs/protocol.md §3.6.
/**
 * Poseidon2 BabyBear constant sets as canonical field elements (Plonky3/Plonky3:baby-bear/src/poseidon2.rs,
 * v0.6.2). \`default\` = BABYBEAR_POSEIDON2_RC_16/24_*; \`smallrng-seed-1\` = new_from_rng_128(SmallRng::seed_from_u64(1)).
 */
import type { Poseidon2Constants } from './types.ts';

/** Internal-layer diagonal V for width 16 (true field values, docs/protocol.md §3.3). */
export const INTERNAL_DIAG_16: readonly number[] = ${row(vectors.parameters.internal_diag_16.canonical)};

/** Internal-layer diagonal V for width 24 (true field values, docs/protocol.md §3.3). */
export const INTERNAL_DIAG_24: readonly number[] = ${row(vectors.parameters.internal_diag_24.canonical)};

${emit('POSEIDON2_DEFAULT_16', 'The `default` width-16 set (default_babybear_poseidon2_16), used by the production presets.', fromJson(vectors.default_constants.width16, 16))}
${emit('POSEIDON2_DEFAULT_24', 'The `default` width-24 set (default_babybear_poseidon2_24).', fromJson(vectors.default_constants.width24, 24))}
${emit('POSEIDON2_SMALLRNG_SEED1_16', 'The `smallrng-seed-1` width-16 set (upstream uni-stark tests, golden proof).', small16)}
${emit('POSEIDON2_SMALLRNG_SEED1_24_AFTER_16', 'Width-24 set drawn from the same SmallRng(1) right after the width-16 set.', small24)}`;

writeFileSync('src/hash/poseidon2-constants.ts', out);
// Format like the rest of the tree, so regenerating gives byte-identical output.
execFileSync('npx', ['biome', 'format', '--write', 'src/hash/poseidon2-constants.ts'], { stdio: 'inherit' });
console.log('wrote src/hash/poseidon2-constants.ts');
