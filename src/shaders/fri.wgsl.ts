/**
 * FRI arity-2 folding over the degree-4 extension in WGSL (spec/plonky3.md §9.4).
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
