/**
 * TruncatedPermutation<Perm16, 2, 8, 16>: the two-to-one compression of Merkle nodes,
 * compress(L, R) = Perm16(L || R)[0..8) (spec/plonky3.md §4.2).
 * Mirrors Plonky3/Plonky3:symmetric/src/compression.rs (v0.6.2).
 *
 * Invariants: digests are 8 canonical elements; module scratch, no allocation in `compressInto`.
 */
import type { Poseidon2Perm } from './poseidon2.ts';
import { DIGEST_ELEMS, type Digest } from './types.ts';

const STATE = new Uint32Array(2 * DIGEST_ELEMS);

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
  perm.permute(st, 0);
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
