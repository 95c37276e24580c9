/**
 * PCS opening kernels (docs/protocol.md §8.6): barycentric evaluation of committed LDE columns at an out-of-domain
 * point, and the reduced-opening vectors (DEEP quotients summed per height).
 * CPU twins: src/fri/open.ts (barycentricSums + scaleBarycentric = evaluateLdeAt, reduceRange).
 * Mirrors Plonky3/Plonky3:fri/src/two_adic_pcs.rs (open) at v0.6.2.
 *
 * Invariants: canonical buffers; points of the evaluation coset are x_i = GEN g^i for natural i,
 * found at LDE row rev(i); constants marked Montgomery arrive as x R mod P.
 */

import { ext4Wgsl } from './ext4.wgsl.ts';
import { babyBearWgsl, linearIdWgsl } from './field.wgsl.ts';

/** Threads per workgroup of the column-sum kernel (one workgroup per column). */
export const COLSUM_WG = 64;

const powWgsl = /* wgsl */ `
// base^e with base in Montgomery form; Montgomery result.
fn mont_pow(base: u32, e: u32) -> u32 {
  var r = to_mont(1u);
  var b = base;
  var k = e;
  loop {
    if (k == 0u) { break; }
    if ((k & 1u) == 1u) { r = mont_mul(r, b); }
    b = mont_mul(b, b);
    k = k >> 1u;
  }
  return r;
}

fn rev_bits(i: u32, bits: u32) -> u32 {
  return select(0u, reverseBits(i) >> (32u - bits), bits > 0u);
}
`;

/**
 * Barycentric weights w_i = x_i / (z - x_i), x_i = GEN g_n^i, i < n.
 * Bindings: 0 out (4 words per i), 1 params {z (vec4, canonical), n, gen_m, g_m (Montgomery)}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const baryWeightsWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${ext4Wgsl}
${linearIdWgsl(c.wg)}
${powWgsl}
struct Params { z: vec4<u32>, n: u32, gen_m: u32, g_m: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_id(gid, nwg);
  if (i >= params.n) { return; }
  let x = from_mont(mont_mul(params.gen_m, mont_pow(params.g_m, i)));
  let z = params.z;
  let w = ext_mul_base(ext_inv(vec4<u32>(bb_sub(z.x, x), z.y, z.z, z.w)), x);
  out[4u * i] = w.x; out[4u * i + 1u] = w.y; out[4u * i + 2u] = w.z; out[4u * i + 3u] = w.w;
}
`;

/**
 * Column sums: out[out_off + 4c ..] = scale * sum_i w_i M[rev(i)][c], one workgroup per column.
 * Bindings: 0 mat, 1 weights, 2 out, 3 params {scale_m (vec4 Montgomery), n, log_n, width, out_off}.
 * @returns WGSL source
 */
export const colSumsWgsl = (): string => /* wgsl */ `
${babyBearWgsl}
${powWgsl}
struct Params { scale_m: vec4<u32>, n: u32, log_n: u32, width: u32, out_off: u32 }
@group(0) @binding(0) var<storage, read> mat: array<u32>;
@group(0) @binding(1) var<storage, read> wts: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;
var<workgroup> sh: array<vec4<u32>, ${COLSUM_WG}>;

@compute @workgroup_size(${COLSUM_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let col = wid.x + wid.y * nwg.x;
  let t = lid.x;
  var acc = vec4<u32>(0u, 0u, 0u, 0u);
  if (col < params.width) {
    for (var i = t; i < params.n; i += ${COLSUM_WG}u) {
      let f = to_mont(mat[rev_bits(i, params.log_n) * params.width + col]);
      let w = vec4<u32>(wts[4u * i], wts[4u * i + 1u], wts[4u * i + 2u], wts[4u * i + 3u]);
      acc = ext_add(acc, vec4<u32>(mont_mul(w.x, f), mont_mul(w.y, f), mont_mul(w.z, f), mont_mul(w.w, f)));
    }
  }
  sh[t] = acc;
  workgroupBarrier();
  for (var s = ${COLSUM_WG / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { sh[t] = ext_add(sh[t], sh[t + s]); }
    workgroupBarrier();
  }
  if (t == 0u && col < params.width) {
    let r = ext_mul_mont(sh[0], params.scale_m);
    let o = params.out_off + 4u * col;
    out[o] = r.x; out[o + 1u] = r.y; out[o + 2u] = r.z; out[o + 3u] = r.w;
  }
}
`;

/**
 * Reduced openings of one matrix of height 2^h: for each row r (natural index i = rev_h(r),
 * x = GEN g_h^i), acc[r] += sum_t alpha^k_t (yComb_t - sum_c alpha^c M[r][c]) / (z_t - x).
 * Bindings: 0 mat, 1 acc (4 words per row, read_write), 2 aux ([alpha^c, Montgomery, 4 per c]
 * then per term: z (canonical), alpha^k (Montgomery), yComb (canonical), 12 words),
 * 3 params {rows, log_h, width, n_terms, term_off, gen_m, g_m}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const reduceWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${ext4Wgsl}
${linearIdWgsl(c.wg)}
${powWgsl}
struct Params { rows: u32, log_h: u32, width: u32, n_terms: u32, term_off: u32, gen_m: u32, g_m: u32 }
@group(0) @binding(0) var<storage, read> mat: array<u32>;
@group(0) @binding(1) var<storage, read_write> acc: array<u32>;
@group(0) @binding(2) var<storage, read> aux: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

fn aux4(o: u32) -> vec4<u32> {
  return vec4<u32>(aux[o], aux[o + 1u], aux[o + 2u], aux[o + 3u]);
}

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = linear_id(gid, nwg);
  if (r >= params.rows) { return; }
  let i = rev_bits(r, params.log_h);
  let x = from_mont(mont_mul(params.gen_m, mont_pow(params.g_m, i)));
  let w = params.width;
  var mc = vec4<u32>(0u, 0u, 0u, 0u);
  for (var c = 0u; c < w; c++) {
    let f = mat[r * w + c];
    let a = aux4(4u * c);
    mc = ext_add(mc, vec4<u32>(mont_mul(f, a.x), mont_mul(f, a.y), mont_mul(f, a.z), mont_mul(f, a.w)));
  }
  var s = vec4<u32>(acc[4u * r], acc[4u * r + 1u], acc[4u * r + 2u], acc[4u * r + 3u]);
  for (var t = 0u; t < params.n_terms; t++) {
    let o = params.term_off + 12u * t;
    let z = aux4(o);
    let inv = ext_inv(vec4<u32>(bb_sub(z.x, x), z.y, z.z, z.w));
    let v = ext_mul_mont(ext_mul(ext_sub(aux4(o + 8u), mc), inv), aux4(o + 4u));
    s = ext_add(s, v);
  }
  acc[4u * r] = s.x; acc[4u * r + 1u] = s.y; acc[4u * r + 2u] = s.z; acc[4u * r + 3u] = s.w;
}
`;
