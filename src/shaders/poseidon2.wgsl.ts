/**
 * Poseidon2-16 over BabyBear in WGSL, the PaddingFreeSponge leaf hash of concatenated matrix rows,
 * and Merkle compression of several tree levels per dispatch.
 * CPU twins: src/hash/poseidon2.ts (permute), src/hash/sponge.ts (hashRows), src/hash/compress.ts,
 * src/merkle/mmcs.ts. Mirrors Plonky3/Plonky3:poseidon2/src/{external,internal}.rs,
 * symmetric/src/{sponge,compression}.rs and merkle-tree/src/merkle_tree.rs (v0.6.2); docs/protocol.md §3-§5.
 *
 * The permutation is generated straight-line from a `Poseidon2Constants` set (constants are
 * configuration, docs/protocol.md §3.5), with round constants and the internal diagonal interpolated in Montgomery
 * form. States are canonical in buffers; `permute` converts to Montgomery form on entry and back on
 * exit.
 *
 * Invariants: width 16 only; digests are 8 words; the absorb kernel keeps the sponge position
 * uniform across rows (every row of a matrix has the same width), so the host passes it in.
 */
import { MONTY_R, mul, P } from '../field/babybear.ts';
import { HALF_FULL_ROUNDS } from '../hash/poseidon2.ts';
import { INTERNAL_DIAG_16 } from '../hash/poseidon2-constants.ts';
import type { Poseidon2Constants } from '../hash/types.ts';
import { babyBearWgsl, linearIdWgsl } from './field.wgsl.ts';

const WIDTH = 16;

/** n copies of a statement with the index i = 0..n-1 substituted (keeps arrays in registers). */
const unroll = (n: number, f: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => f(i)).join(' ');
/** Threads per workgroup of the compression kernel; one dispatch folds up to log2(2 * 64) = 7 levels. */
export const COMPRESS_WG = 64;
/** Most tree levels one compression dispatch computes. */
export const MAX_LEVELS_PER_DISPATCH = 7;

const mont = (x: number): number => mul(x % P, MONTY_R);
const PARTIAL_ROUNDS = 13;

function externalLayer(): string {
  const out: string[] = [];
  for (let c = 0; c < 4; c++) {
    const [a, b, cc, d] = [0, 1, 2, 3].map((k) => `s[${4 * c + k}]`);
    out.push(`{ let t01 = bb_add(${a}, ${b}); let t23 = bb_add(${cc}, ${d}); let t0123 = bb_add(t01, t23);`);
    out.push(`  let t01123 = bb_add(t0123, ${b}); let t01233 = bb_add(t0123, ${d});`);
    out.push(`  let y3 = bb_add(t01233, bb_add(${a}, ${a})); let y1 = bb_add(t01123, bb_add(${cc}, ${cc}));`);
    out.push(`  ${a} = bb_add(t01123, t01); ${b} = y1; ${cc} = bb_add(t01233, t23); ${d} = y3; }`);
  }
  for (let k = 0; k < 4; k++) {
    out.push(`{ let sk = bb_add(bb_add(s[${k}], s[${k + 4}]), bb_add(s[${k + 8}], s[${k + 12}]));`);
    out.push(`  ${[0, 4, 8, 12].map((o) => `s[${o + k}] = bb_add(s[${o + k}], sk);`).join(' ')} }`);
  }
  return out.join('\n  ');
}

/** Words of the round-constant uniform block: 8 x 16 external, 13 internal (padded to 16), 16 diagonal. */
export const POSEIDON2_CONST_WORDS = 160;

/**
 * The uniform block for `poseidon2PermuteWgsl`: Montgomery forms of RC_init[0..4), RC_term[0..4)
 * (words 0..128), RC_int (128..141) and the internal diagonal V (144..160).
 * @param c width-16 constant set
 * @returns 160 words
 * @throws {RangeError} if the set is not width 16 with 13 partial rounds
 */
export function poseidon2ConstWords(c: Poseidon2Constants): Uint32Array {
  if (c.width !== WIDTH || c.internal.length !== PARTIAL_ROUNDS) {
    throw new RangeError(`GPU Poseidon2 supports width 16 with 13 partial rounds, got width ${c.width}`);
  }
  const out = new Uint32Array(POSEIDON2_CONST_WORDS);
  const rows = [...c.externalInitial, ...c.externalTerminal];
  for (let r = 0; r < 2 * HALF_FULL_ROUNDS; r++)
    for (let i = 0; i < WIDTH; i++) out[16 * r + i] = mont(rows[r][i]);
  for (let q = 0; q < PARTIAL_ROUNDS; q++) out[128 + q] = mont(c.internal[q]);
  // V (docs/protocol.md §3.3) as true field values: [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, ..., -1/2^27]
  for (let i = 0; i < WIDTH; i++) out[144 + i] = mont(INTERNAL_DIAG_16[i]);
  return out;
}

/**
 * WGSL `fn permute(s: ptr<function, array<u32, 16>>)` (canonical in and out) and `fn compress`,
 * reading round constants from `var<uniform> rc: array<vec4<u32>, 40>` at the given binding.
 * Rounds are loops (one copy of the round code) so drivers compile it quickly.
 * @param c the binding of the constant block in group 0
 * @returns WGSL source (needs babyBearWgsl)
 */
export function poseidon2PermuteWgsl(c: { binding: number }): string {
  const ext = externalLayer();
  const full: string[] = [];
  for (let i = 0; i < WIDTH; i++) full.push(`s[${i}] = sbox(bb_add(s[${i}], rcw(16u * r + ${i}u)));`);
  let sum = 's[0]';
  for (let i = 1; i < WIDTH; i++) sum = `bb_add(${sum}, s[${i}])`;
  const internal: string[] = [];
  for (let i = 0; i < WIDTH; i++)
    internal.push(`s[${i}] = bb_add(sum, mont_mul(s[${i}], rcw(${144 + i}u)));`);
  return /* wgsl */ `
@group(0) @binding(${c.binding}) var<uniform> rc: array<vec4<u32>, ${POSEIDON2_CONST_WORDS / 4}>;

fn rcw(k: u32) -> u32 {
  return rc[k >> 2u][k & 3u];
}

fn sbox(x: u32) -> u32 {
  let x2 = mont_mul(x, x);
  let x3 = mont_mul(x2, x);
  let x6 = mont_mul(x3, x3);
  return mont_mul(x6, x);
}

fn ext_layer(s: ptr<function, array<u32, 16>>) {
  ${ext}
}

fn permute(s: ptr<function, array<u32, 16>>) {
  ${unroll(16, (i) => `s[${i}] = mont_mul(s[${i}], MONTY_R2);`)}
  ext_layer(s);
  for (var r = 0u; r < ${2 * HALF_FULL_ROUNDS}u; r++) {
    if (r == ${HALF_FULL_ROUNDS}u) {
      for (var q = 0u; q < ${PARTIAL_ROUNDS}u; q++) {
        s[0] = sbox(bb_add(s[0], rcw(128u + q)));
        let sum = ${sum};
        ${internal.join('\n        ')}
      }
    }
    ${full.join('\n    ')}
    ext_layer(s);
  }
  ${unroll(16, (i) => `s[${i}] = from_mont(s[${i}]);`)}
}

fn compress(l: array<u32, 8>, r: array<u32, 8>) -> array<u32, 8> {
  var s: array<u32, 16>;
  ${unroll(8, (i) => `s[${i}] = l[${i}]; s[${i + 8}] = r[${i}];`)}
  permute(&s);
  var d: array<u32, 8>;
  ${unroll(8, (i) => `d[${i}] = s[${i}];`)}
  return d;
}
`;
}

/**
 * Permutation test kernel: permutes `n` states of 16 words in place.
 * Bindings: 0 states (read_write), 1 params {n}, 2 round constants.
 * @param c workgroup size
 * @returns WGSL source
 */
export const permuteKernelWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
${poseidon2PermuteWgsl({ binding: 2 })}
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read_write> states: array<u32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear_id(gid, nwg);
  if (t >= params.n) { return; }
  var s: array<u32, 16>;
  ${unroll(16, (i) => `s[${i}] = states[16u * t + ${i}u];`)}
  permute(&s);
  ${unroll(16, (i) => `states[16u * t + ${i}u] = s[${i}];`)}
}
`;

/** Flags of the absorb kernel. */
export const AbsorbFlag = { first: 1, last: 2 } as const;

/**
 * Sponge absorb of one matrix's rows into per-row states (overwrite mode, rate 8). Row r's state
 * starts at zero (flag first) or from `state`; the matrix's w > 0 elements enter at position
 * `pos0`, permuting at every full block; with flag last a partial block is permuted and the digest
 * (state[0..8)) goes to digests[digest_off + 8 r ..], else the state is stored back.
 * Bindings: 0 mat, 1 state (read_write), 2 digests (read_write), 3 params
 * {rows, width, pos0, flags, digest_off}, 4 round constants.
 * @param c workgroup size
 * @returns WGSL source
 */
export const absorbRowsWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
${poseidon2PermuteWgsl({ binding: 4 })}
struct Params { rows: u32, width: u32, pos0: u32, flags: u32, digest_off: u32 }
@group(0) @binding(0) var<storage, read> mat: array<u32>;
@group(0) @binding(1) var<storage, read_write> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> digests: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = linear_id(gid, nwg);
  if (r >= params.rows) { return; }
  var s: array<u32, 16>;
  if ((params.flags & ${AbsorbFlag.first}u) == 0u) {
    ${unroll(16, (i) => `s[${i}] = state[16u * r + ${i}u];`)}
  }
  let last = (params.flags & ${AbsorbFlag.last}u) != 0u;
  let w = params.width;
  let base = r * w;
  var pos = params.pos0;
  var c = 0u;
  loop {
    // block slots [pos, pos + avail) take mat[base + c ..]; constant indices keep s in registers
    let avail = min(8u - pos, w - c);
    let src = base + c - pos;
    ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `if (${j}u >= pos && ${j}u < pos + avail) { s[${j}] = mat[src + ${j}u]; }`).join('\n    ')}
    c += avail;
    pos += avail;
    let full = pos == 8u;
    let fin = c == w;
    if (full || (fin && last && pos != 0u)) { permute(&s); }
    if (full) { pos = 0u; }
    if (fin) { break; }
  }
  if (last) {
    let d = params.digest_off + 8u * r;
    ${unroll(8, (i) => `digests[d + ${i}u] = s[${i}];`)}
  } else {
    ${unroll(16, (i) => `state[16u * r + ${i}u] = s[${i}];`)}
  }
}
`;

/**
 * Merkle compression of up to MAX_LEVELS_PER_DISPATCH levels in one dispatch. The input layer of
 * `n_in` digests (a power of two >= 2) starts at digest `in_off` of `tree`; level 1 (n_in / 2
 * nodes) goes to digest `out_off`, each further level right after the previous one. With `inject`
 * set, level-1 node i is compress(compress(l, r), inj[i]) (a smaller matrix group's leaf digest).
 * Each workgroup owns 2 * COMPRESS_WG consecutive inputs and keeps its subtree in workgroup memory.
 * One call site of `compress` (a loop over the steps) keeps the kernel small.
 * Bindings: 0 tree (read_write), 1 inj, 2 params {in_off, n_in, out_off, levels, inject}, 3 constants.
 * @returns WGSL source
 */
export const compressLevelsWgsl = (): string => /* wgsl */ `
${babyBearWgsl}
${poseidon2PermuteWgsl({ binding: 3 })}
struct Params { in_off: u32, n_in: u32, out_off: u32, levels: u32, inject: u32 }
@group(0) @binding(0) var<storage, read_write> tree: array<u32>;
@group(0) @binding(1) var<storage, read> inj: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
var<workgroup> sh: array<array<u32, 8>, ${COMPRESS_WG}>;

@compute @workgroup_size(${COMPRESS_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = wid.x + wid.y * nwg.x;
  let t = lid.x;
  let inject = min(params.inject, 1u);
  let steps = params.levels + inject;
  var n = params.n_in >> 1u;
  var off = params.out_off;
  var cnt = ${COMPRESS_WG}u;
  var o = g * cnt + t;
  var act = o < n;
  var d: array<u32, 8>;
  for (var k = 0u; k < steps; k++) {
    let shared_level = k > inject;
    if (shared_level) {
      workgroupBarrier();
      off += n;
      n = n >> 1u;
      cnt = cnt >> 1u;
      o = g * cnt + t;
      act = t < cnt && o < n;
    }
    var l: array<u32, 8>;
    var r: array<u32, 8>;
    if (act) {
      if (k == 0u) {
        let a = 8u * (params.in_off + 2u * o);
        ${unroll(8, (i) => `l[${i}] = tree[a + ${i}u]; r[${i}] = tree[a + 8u + ${i}u];`)}
      } else if (k == 1u && inject == 1u) {
        l = d;
        ${unroll(8, (i) => `r[${i}] = inj[8u * o + ${i}u];`)}
      } else {
        l = sh[2u * t];
        r = sh[2u * t + 1u];
      }
      d = compress(l, r);
    }
    if (shared_level) { workgroupBarrier(); }
    if (act && k >= inject) {
      sh[t] = d;
      ${unroll(8, (i) => `tree[8u * (off + o) + ${i}u] = d[${i}];`)}
    }
  }
}
`;
