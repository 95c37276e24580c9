/**
 * Hash suite: Poseidon2-16 permutations per second on one thread, in batch (`permuteMany` over
 * 2^14 states: the generated kernel) and one state at a time (`permute`), measured in the same
 * run with their ratio; PaddingFreeSponge leaf hashing of 2^16 rows of width 8 (hashRows); and a
 * MerkleTreeMmcs commit of a 2^16 x 8 matrix (leaf hashing plus 2^16 - 1 compressions). Plonky3
 * v0.4.0 figures are printed beside the permutation rates (`poseidon2_w16_packed_1thread` for the
 * batch, `poseidon2_w16_scalar_1thread` for one state) and, scaled by 1/16 from its 2^20-row run,
 * the commit. Mirrors no Plonky3 file.
 */

import { P } from '../src/field/babybear.ts';
import { matrix } from '../src/field/matrix.ts';
import { createPoseidon2, POSEIDON2_CONSTANT_SETS, poseidon2ForSet } from '../src/hash/poseidon2.ts';
import { hashRows } from '../src/hash/sponge.ts';
import { commitMatrices } from '../src/merkle/mmcs.ts';
import { type BenchCase, type BenchOptions, type BenchRow, measure, plonky3Reference } from './lib.ts';

/** Deterministic canonical values (xorshift32). */
function fill(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) % P;
  }
  return out;
}

/**
 * Runs the hash suite.
 * @param opts suite options
 * @returns one row per case, plus the permutation rate in ops/s
 */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const perm = poseidon2ForSet('default');
  const jsPerm = createPoseidon2(POSEIDON2_CONSTANT_SETS.default, { wasm: false });
  const state = fill(16, 1);
  const nPerm = 1 << 14;
  const rows = 1 << 16;
  const m = matrix(fill(rows * 8, 2), 8);
  const digests = new Uint32Array(8 * rows);
  const cfg = { perm };
  const batch = fill(16 * nPerm, 3);
  const cases: BenchCase[] = [
    {
      name: 'poseidon2-16 permuteMany, batch of 2^14',
      n: nPerm,
      unit: 'ns/element',
      elementsPerCall: nPerm,
      fn: () => perm.permuteMany(batch, 0, nPerm),
      note: 'the WebAssembly module (SIMD) where available, as here',
    },
    {
      name: 'poseidon2-16 permuteMany, batch of 2^14, JavaScript kernel',
      n: nPerm,
      unit: 'ns/element',
      elementsPerCall: nPerm,
      fn: () => jsPerm.permuteMany(batch, 0, nPerm),
      note: 'createPoseidon2(set, { wasm: false }): the generated JavaScript kernel, where WebAssembly is missing or refused',
    },
    {
      name: 'poseidon2-16 permute, one state at a time',
      n: nPerm,
      unit: 'ns/element',
      elementsPerCall: nPerm,
      fn: () => {
        for (let i = 0; i < nPerm; i++) perm.permute(state, 0);
      },
    },
    {
      name: 'sponge hashRows 2^16 x 8',
      n: rows,
      unit: 'ms',
      fn: () => hashRows(perm, [m], digests, 0),
    },
    {
      name: 'merkle commit 2^16 x 8',
      n: rows,
      unit: 'ms',
      heavy: true,
      fn: () => commitMatrices(cfg, [m]),
      reference: plonky3Reference(
        (r) => r.bench === 'merkle_commit' && r.rows === 1048576 && r.cols === 8,
        (r) => (typeof r.median_s === 'number' ? (r.median_s * 1000) / 16 : undefined),
        'ms',
      ),
      note: 'Plonky3 figure: its 2^20 x 8 commit divided by 16',
    },
  ];
  const out = await measure('hash', cases, opts);
  const row = (name: string): BenchRow => {
    const r = out.find((x) => x.name === name);
    if (r === undefined) throw new Error(`hash bench: no row '${name}'`);
    return r;
  };
  const batchRow = row('poseidon2-16 permuteMany, batch of 2^14');
  const jsRow = row('poseidon2-16 permuteMany, batch of 2^14, JavaScript kernel');
  const singleRow = row('poseidon2-16 permute, one state at a time');
  const rate = (row: BenchRow, name: string, bench: string): BenchRow => ({
    suite: 'hash',
    name,
    n: nPerm,
    unit: 'ops/s',
    value: 1e9 / row.value,
    rme: row.rme,
    samples: row.samples,
    reference: plonky3Reference(
      (r) => r.bench === bench,
      (r) => (typeof r.perms_per_s === 'number' ? r.perms_per_s : undefined),
      'ops/s',
    ),
  });
  out.push(
    rate(batchRow, 'poseidon2-16 permutations per second, batch (1 thread)', 'poseidon2_w16_packed_1thread'),
    rate(
      singleRow,
      'poseidon2-16 permutations per second, one state (1 thread)',
      'poseidon2_w16_scalar_1thread',
    ),
    {
      suite: 'hash',
      name: 'poseidon2-16 batch speed-up over one state (same run)',
      unit: 'x',
      value: singleRow.value / batchRow.value,
    },
    {
      suite: 'hash',
      name: 'poseidon2-16 batch, WebAssembly speed-up over the JavaScript kernel (same run)',
      unit: 'x',
      value: jsRow.value / batchRow.value,
    },
  );
  opts.log(
    `  hash/poseidon2-16 per second: batch ${Math.round(1e9 / batchRow.value)}, one state ${Math.round(1e9 / singleRow.value)}`,
  );
  return out;
}
