/**
 * Proof-of-work grinding (docs/protocol.md §6.4) in WGSL: each invocation tests one candidate w = base + t of the
 * challenger's candidate-test state (DuplexChallenger.powTemplate) and records the smallest valid
 * one with atomicMin, so a batch yields exactly the witness a sequential search finds when any
 * candidate of the batch is valid. CPU twin: DuplexChallenger.grind / powWitnessSearch.
 * Mirrors Plonky3/Plonky3:challenger/src/grinding_challenger.rs.
 *
 * Invariants: width-16 Poseidon2 (the state is 16 canonical words); candidates >= P are skipped.
 */
import { P } from '../field/babybear.ts';
import { babyBearWgsl, linearIdWgsl } from './field.wgsl.ts';
import { poseidon2PermuteWgsl } from './poseidon2.wgsl.ts';

/**
 * Grinding kernel. Bindings: 0 result (atomic u32, starts at 0xffffffff), 1 params {state
 * (4 vec4), slot, rate, mask, base, count}, 2 Poseidon2 round constants.
 * @param c workgroup size
 * @returns WGSL source
 */
export const grindWgsl = (c: { wg: number }): string => /* wgsl */ `
${babyBearWgsl}
${linearIdWgsl(c.wg)}
${poseidon2PermuteWgsl({ binding: 2 })}
struct Params { st: array<vec4<u32>, 4>, slot: u32, rate: u32, mask: u32, base: u32, count: u32 }
@group(0) @binding(0) var<storage, read_write> result: atomic<u32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(${c.wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear_id(gid, nwg);
  if (t >= params.count) { return; }
  let w = params.base + t;
  if (w >= ${P}u) { return; }
  var s: array<u32, 16>;
  for (var i = 0u; i < 16u; i++) { s[i] = params.st[i >> 2u][i & 3u]; }
  s[params.slot] = w;
  permute(&s);
  if ((s[params.rate - 1u] & params.mask) == 0u) { atomicMin(&result, w); }
}
`;
