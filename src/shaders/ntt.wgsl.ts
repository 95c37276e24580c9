/**
 * Radix-2 NTT kernels over the columns of a row-major matrix, and the coset-LDE scatter, in WGSL.
 * CPU twin: src/field/dft.ts (nttDifInPlace, cosetLdeBitReversed); docs/protocol.md §7.
 *
 * Coset LDE of an h x w matrix to N = h 2^b rows in the committed (bit-reversed) order:
 *  1. `difStage` with inverse twiddles, log h times: natural in, bit-reversed out (unscaled IDFT);
 *  2. `ldeScatter`: coefficient i (found at row rev(i)) times shift^i / h goes to row i of a
 *     zeroed N-row buffer;
 *  3. `difStage` with forward twiddles, log N times: output row j = f(shift g_N^rev(j)), the
 *     committed layout, with no separate bit-reversal pass.
 *
 * Invariants: data is canonical; twiddle tables are Montgomery form: tw[j] = g^j R for j < N/2 of the
 * largest transform, a stage of half-size `half` reads tw[j * (N_table / (2 half))].
 */
import { babyBearWgsl, linearIdWgsl } from './field.wgsl.ts';

/** Byte size of one stage's uniform block (bound at 256-byte aligned offsets). */
export const NTT_PARAMS_STRIDE = 256;

/**
 * One decimation-in-frequency butterfly stage: for every row pair (i0, i0 + half) of each block of
 * 2 half rows and every column, (a, b) -> (a + b, (a - b) tw^j).
 * Bindings: 0 data (read_write), 1 twiddles (Montgomery), 2 params {half, logHalf, width, twStride, count}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const difStageWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
struct Params { half: u32, log_half: u32, width: u32, tw_stride: u32, count: u32 }
@group(0) @binding(0) var<storage, read_write> data: array<u32>;
@group(0) @binding(1) var<storage, read> tw: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear_id(gid, nwg);
  if (t >= params.count) { return; }
  let w = params.width;
  let p = t / w;
  let col = t - p * w;
  let j = p & (params.half - 1u);
  let blk = p >> params.log_half;
  let i0 = ((blk << (params.log_half + 1u)) + j) * w + col;
  let i1 = i0 + params.half * w;
  let a = data[i0];
  let b = data[i1];
  data[i0] = bb_add(a, b);
  data[i1] = mont_mul(bb_sub(a, b), tw[j * params.tw_stride]);
}
`;

/**
 * The LDE scatter: out[i][c] = src[rev_logH(i)][c] * scale[i] for i < h (scale in Montgomery form,
 * scale[i] = shift^i / h); rows h.. of `out` stay zero.
 * Bindings: 0 src, 1 out, 2 scale, 3 params {width, logH, count}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const ldeScatterWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
struct Params { width: u32, log_h: u32, count: u32 }
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> scale: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear_id(gid, nwg);
  if (t >= params.count) { return; }
  let w = params.width;
  let i = t / w;
  let col = t - i * w;
  var r = 0u;
  if (params.log_h > 0u) { r = reverseBits(i) >> (32u - params.log_h); }
  out[t] = mont_mul(src[r * w + col], scale[i]);
}
`;
