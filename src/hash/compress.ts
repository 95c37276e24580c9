/**
 * TruncatedPermutation<Perm16, 2, 8, 16>: the two-to-one compression of Merkle nodes,
 * compress(L, R) = Perm16(L || R)[0..8) (docs/protocol.md §4.2).
 * Mirrors Plonky3/Plonky3:symmetric/src/compression.rs (v0.6.2).
 *
 * Invariants: digests are 8 canonical elements; module scratch, no allocation in `compressInto`.
 */
import type { Poseidon2Perm } from './poseidon2.ts';
import { DIGEST_ELEMS, type Digest } from './types.ts';

const STATE = new Uint32Array(2 * DIGEST_ELEMS);
/** Nodes compressed per `permuteMany` call in `compressLayer`. */
const LAYER_BATCH = 256;
const LAYER_STATES = new Uint32Array(2 * DIGEST_ELEMS * LAYER_BATCH);

/**
 * out[outOff..+8) = Perm16(left[leftOff..+8) || right[rightOff..+8))[0..8). `out` may alias an input.
 * @param perm width-16 permutation
 * @param out output buffer
 * @param outOff output offset
 * @param left left digest buffer
 * @param leftOff left digest offset
 * @param right right digest buffer
 * @param rightOff right digest offset
 */
export function compressInto(
  perm: Poseidon2Perm,
  out: Uint32Array,
  outOff: number,
  left: Uint32Array,
  leftOff: number,
  right: Uint32Array,
  rightOff: number,
): void {
  const st = STATE;
  for (let j = 0; j < DIGEST_ELEMS; j++) {
    st[j] = left[leftOff + j];
    st[DIGEST_ELEMS + j] = right[rightOff + j];
  }
  perm.permuteMany(st, 0, 1);
  for (let j = 0; j < DIGEST_ELEMS; j++) out[outOff + j] = st[j];
}

/**
 * Two-to-one compression of two digests.
 * @param perm width-16 permutation
 * @param left 8 elements (from leftOff)
 * @param right 8 elements (from rightOff)
 * @param out optional output buffer
 * @param outOff offset in `out` (default 0)
 * @param leftOff offset in `left` (default 0)
 * @param rightOff offset in `right` (default 0)
 * @returns `out` (a fresh digest if none was given)
 * @throws {RangeError} if the permutation is not width 16
 * @example
 * const parent = compress(poseidon2ForSet('default'), leftDigest, rightDigest);
 */
export function compress(
  perm: Poseidon2Perm,
  left: Uint32Array,
  right: Uint32Array,
  out?: Uint32Array,
  outOff = 0,
  leftOff = 0,
  rightOff = 0,
): Digest {
  if (perm.width !== 2 * DIGEST_ELEMS) throw new RangeError('compress needs a width-16 permutation');
  const o = out ?? new Uint32Array(DIGEST_ELEMS);
  compressInto(perm, o, outOff, left, leftOff, right, rightOff);
  return o;
}

/**
 * One Merkle layer: out[outOff + 8i ..+8) = compress(input[inOff + 16i ..+8), input[inOff + 16i + 8 ..+8))
 * for i < count. Adjacent sibling pairs already form the 16-element state, so chunks of them
 * are copied and permuted together. `out` must not overlap the unread part of `input`.
 * @param perm width-16 permutation
 * @param input 2 * count consecutive digests
 * @param inOff offset of the first digest
 * @param out receives count digests
 * @param outOff offset of the first output digest
 * @param count number of parent nodes
 */
export function compressLayer(
  perm: Poseidon2Perm,
  input: Uint32Array,
  inOff: number,
  out: Uint32Array,
  outOff: number,
  count: number,
): void {
  const st = LAYER_STATES;
  const w = 2 * DIGEST_ELEMS;
  for (let i0 = 0; i0 < count; i0 += LAYER_BATCH) {
    const n = Math.min(LAYER_BATCH, count - i0);
    st.set(input.subarray(inOff + w * i0, inOff + w * (i0 + n)), 0);
    perm.permuteMany(st, 0, n);
    for (let k = 0; k < n; k++) {
      const s = w * k;
      const d = outOff + DIGEST_ELEMS * (i0 + k);
      for (let j = 0; j < DIGEST_ELEMS; j++) out[d + j] = st[s + j];
    }
  }
}
