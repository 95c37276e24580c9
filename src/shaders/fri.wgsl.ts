/**
 * FRI arity-2 folding over the degree-4 extension in WGSL (docs/protocol.md §9.4).
 * CPU twin: src/fri/fold.ts (foldVectorArity2). Mirrors Plonky3/Plonky3:fri/src/two_adic_pcs.rs
 * (TwoAdicFriFolding::fold_matrix) for log_arity 1.
 *
 * out[i] = (lo + hi) / 2 + beta (lo - hi) t[i], with lo = v[2i], hi = v[2i+1] (EF, 4 words each)
 * and t[i] = g_(lm+1)^-rev_lm(i) / 2 uploaded in Montgomery form (foldTwiddles).
 *
 * Invariants: EF values are 4 consecutive canonical words; beta arrives in Montgomery form.
 */
import { babyBearWgsl, linearIdWgsl } from './field.wgsl.ts';

/**
 * Arity-2 fold kernel. Bindings: 0 v (8m words), 1 out (4m words), 2 t (m words, Montgomery),
 * 3 params {m, beta (Montgomery, vec4)}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const foldArity2Wgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
struct Params { beta: vec4<u32>, m: u32 }
@group(0) @binding(0) var<storage, read> v: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> tw: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_id(gid, nwg);
  if (i >= params.m) { return; }
  let lo = vec4<u32>(v[8u * i], v[8u * i + 1u], v[8u * i + 2u], v[8u * i + 3u]);
  let hi = vec4<u32>(v[8u * i + 4u], v[8u * i + 5u], v[8u * i + 6u], v[8u * i + 7u]);
  let s = ext_add(lo, hi);
  let half = vec4<u32>(bb_halve(s.x), bb_halve(s.y), bb_halve(s.z), bb_halve(s.w));
  let d = ext_sub(lo, hi);
  let t = tw[i];
  let dt = vec4<u32>(mont_mul(d.x, t), mont_mul(d.y, t), mont_mul(d.z, t), mont_mul(d.w, t));
  let r = ext_add(half, ext_mul_mont(dt, params.beta));
  out[4u * i] = r.x; out[4u * i + 1u] = r.y; out[4u * i + 2u] = r.z; out[4u * i + 3u] = r.w;
}
`;

/**
 * FRI roll-in: out[i] += bp * r[i] (EF), bp = beta^(2^arity) in Montgomery form.
 * CPU twin: the roll-in loop of CpuBackend.foldFri (Plonky3/Plonky3:fri/src/prover.rs).
 * Bindings: 0 out (read_write), 1 r, 2 params {bp (vec4 Montgomery), n}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const rollInWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
struct Params { bp: vec4<u32>, n: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<storage, read> r: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_id(gid, nwg);
  if (i >= params.n) { return; }
  let a = vec4<u32>(out[4u * i], out[4u * i + 1u], out[4u * i + 2u], out[4u * i + 3u]);
  let b = vec4<u32>(r[4u * i], r[4u * i + 1u], r[4u * i + 2u], r[4u * i + 3u]);
  let s = ext_add(a, ext_mul_mont(b, params.bp));
  out[4u * i] = s.x; out[4u * i + 1u] = s.y; out[4u * i + 2u] = s.z; out[4u * i + 3u] = s.w;
}
`;

/** Modes of the gather kernel. */
export const GatherMode = { rows: 0, paths: 1 } as const;

/**
 * Query gather (MMCS open_batch for many indices at once, docs/protocol.md §5.4), into one output buffer.
 * rows: t < nq * width: dst[dst_base + q stride + c] = src[(idx[q] >> shift) width + c].
 * paths: t < nq * layers * 8: digest e of the sibling of node idx[q] >> l in layer l, layer l
 * starting at digest 2H - (2H >> l) of the tree buffer: dst[dst_base + q stride + 8 l + e].
 * CPU twin: openBatch (src/merkle/mmcs.ts).
 * Bindings: 0 src, 1 idx, 2 dst (read_write), 3 params {mode, count, width, shift, dst_base, stride, layers, two_h}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const gatherWgsl = (c: { wg: number }): string => /* wgsl */ `
${linearIdWgsl(c.wg)}
struct Params { mode: u32, count: u32, width: u32, shift: u32, dst_base: u32, stride: u32, layers: u32, two_h: u32 }
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear_id(gid, nwg);
  if (t >= params.count) { return; }
  if (params.mode == ${GatherMode.rows}u) {
    let q = t / params.width;
    let c = t - q * params.width;
    let row = idx[q] >> params.shift;
    dst[params.dst_base + q * params.stride + c] = src[row * params.width + c];
  } else {
    let per = params.layers * 8u;
    let q = t / per;
    let rem = t - q * per;
    let l = rem >> 3u;
    let e = rem & 7u;
    let sib = (idx[q] >> l) ^ 1u;
    let off = params.two_h - (params.two_h >> l);
    dst[params.dst_base + q * params.stride + rem] = src[8u * (off + sib) + e];
  }
}
`;
