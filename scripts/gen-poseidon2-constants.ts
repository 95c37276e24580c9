/**
 * Generates src/hash/poseidon2-constants.json (read by src/hash/poseidon2-constants.ts) from test/vectors/poseidon2_babybear.json (the
 * `default` sets and the internal diagonals) and from a fresh derivation of the RNG-seeded sets
 * (rand 0.10 SmallRng seeded with 1, docs/protocol.md §3.6). Fails if a derived set differs
 * from the vector file.
 *
 * Run: node scripts/run-ts.mjs scripts/gen-poseidon2-constants.ts
 */
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

/** The data file: every set as canonical field elements, keyed as src/hash/poseidon2-constants.ts reads it. */
const data = {
  provenance:
    'Plonky3/Plonky3 v0.6.2 baby-bear/src/poseidon2.rs: default sets and internal diagonals from test/vectors/poseidon2_babybear.json; smallrng-seed-1 sets derived by scripts/gen-poseidon2-constants.ts (docs/protocol.md section 3.6)',
  internalDiag16: vectors.parameters.internal_diag_16.canonical,
  internalDiag24: vectors.parameters.internal_diag_24.canonical,
  default16: fromJson(vectors.default_constants.width16, 16),
  default24: fromJson(vectors.default_constants.width24, 24),
  smallrngSeed1_16: small16,
  smallrngSeed1_24After16: small24,
};

const OUT = 'src/hash/poseidon2-constants.json';
writeFileSync(OUT, `${JSON.stringify(data)}\n`);
console.log(`wrote ${OUT}`);
