/**
 * PaddingFreeSponge<Perm16, 16, 8, 8>: the leaf hash of every Merkle commitment
 * (docs/protocol.md §4.1). Mirrors Plonky3/Plonky3:symmetric/src/sponge.rs (v0.6.2).
 *
 * Overwrite mode, rate 8, no padding, no length encoding: each block of up to 8 inputs overwrites
 * state[0..m) and the state is permuted; an empty input hashes to eight zeros without a
 * permutation. `hashRows` streams the concatenation of several matrices' rows into the states
 * of a batch of rows without building it, and permutes the batch together (`permuteMany`).
 *
 * Invariants: inputs are canonical; the permutation has width 16; scratch is per module
 * (single-threaded), so a call never allocates except for a default `out`.
 */
import { height, type Matrix } from '../field/matrix.ts';
import type { Poseidon2Perm } from './poseidon2.ts';
import { DIGEST_ELEMS, type Digest } from './types.ts';

/** Sponge rate (elements absorbed per permutation). */
export const SPONGE_RATE = 8;
/** Sponge state width. */
export const SPONGE_WIDTH = 16;

const STATE = new Uint32Array(SPONGE_WIDTH);
/** Rows leaf-hashed together by `hashRows`. */
const ROW_BATCH = 64;
const ROW_STATES = new Uint32Array(SPONGE_WIDTH * ROW_BATCH);

function checkPerm(perm: Poseidon2Perm): void {
  if (perm.width !== SPONGE_WIDTH)
    throw new RangeError(`sponge needs a width-16 permutation, got ${perm.width}`);
}

/**
 * Overwrites `src[from .. to)` into the state from position `pos`, permuting at every full
 * block (the sponge's absorb step).
 * @returns the position after the last element (0..7; 0 right after a permutation)
 */
function absorb(
  perm: Poseidon2Perm,
  st: Uint32Array,
  pos: number,
  src: Uint32Array,
  from: number,
  to: number,
): number {
  for (let i = from; i < to; i++) {
    st[pos++] = src[i];
    if (pos === SPONGE_RATE) {
      perm.permuteMany(st, 0, 1);
      pos = 0;
    }
  }
  return pos;
}

/** Permutes a partly absorbed last block and writes the digest (state[0..8)) to out[outOff ..). */
function squeeze(perm: Poseidon2Perm, st: Uint32Array, pos: number, out: Uint32Array, outOff: number): void {
  if (pos > 0) perm.permuteMany(st, 0, 1);
  for (let j = 0; j < DIGEST_ELEMS; j++) out[outOff + j] = st[j];
}

/**
 * Hashes `input[inOff .. inOff + len)` into `out[outOff .. outOff + 8)`.
 * @param perm width-16 permutation
 * @param input canonical elements
 * @param inOff first element
 * @param len number of elements
 * @param out digest buffer
 * @param outOff where the 8 digest elements go
 */
export function hashRange(
  perm: Poseidon2Perm,
  input: Uint32Array,
  inOff: number,
  len: number,
  out: Uint32Array,
  outOff: number,
): void {
  checkPerm(perm);
  STATE.fill(0);
  squeeze(perm, STATE, absorb(perm, STATE, 0, input, inOff, inOff + len), out, outOff);
}

/**
 * PaddingFreeSponge hash of a whole slice.
 * @param perm width-16 permutation
 * @param input canonical elements (any length; 0 gives eight zeros)
 * @param out optional digest buffer
 * @param outOff offset in `out` (default 0)
 * @returns `out` (a fresh 8-element digest if none was given)
 * @example
 * const d = hashSlice(poseidon2ForSet('default'), Uint32Array.of(0, 1, 2));
 */
export function hashSlice(perm: Poseidon2Perm, input: Uint32Array, out?: Uint32Array, outOff = 0): Digest {
  const o = out ?? new Uint32Array(DIGEST_ELEMS);
  hashRange(perm, input, 0, input.length, o, outOff);
  return o;
}

/**
 * Leaf-hashes row i of the concatenation of `matrices` (all of one height h) for every i < h:
 * digest i = hash(row_i(M_0) || row_i(M_1) || ...), written to out[outOff + 8i ..].
 * @param perm width-16 permutation
 * @param matrices row-major matrices of equal height, in hashing order
 * @param out receives 8*h elements (a fresh buffer if omitted)
 * @param outOff offset in `out` (default 0)
 * @returns `out`
 * @throws {RangeError} if the heights differ or the list is empty
 */
export function hashRows(
  perm: Poseidon2Perm,
  matrices: readonly Matrix[],
  out?: Uint32Array,
  outOff = 0,
): Uint32Array {
  checkPerm(perm);
  if (matrices.length === 0) throw new RangeError('hashRows: no matrices');
  const h = height(matrices[0]);
  for (let m = 1; m < matrices.length; m++) {
    if (height(matrices[m]) !== h) throw new RangeError('hashRows: matrices of different heights');
  }
  const o = out ?? new Uint32Array(DIGEST_ELEMS * h);
  const st = ROW_STATES;
  const nm = matrices.length;
  // ROW_BATCH rows at a time, one state each: the rows have the same width, so they absorb in
  // lockstep and every block is one permuteMany over the batch.
  for (let r0 = 0; r0 < h; r0 += ROW_BATCH) {
    const n = Math.min(ROW_BATCH, h - r0);
    st.fill(0, 0, SPONGE_WIDTH * n);
    let pos = 0;
    for (let m = 0; m < nm; m++) {
      const mat = matrices[m];
      const w = mat.width;
      const vals = mat.values;
      for (let c = 0; c < w; c++) {
        let src = r0 * w + c;
        for (let k = 0; k < n; k++) {
          st[SPONGE_WIDTH * k + pos] = vals[src];
          src += w;
        }
        if (++pos === SPONGE_RATE) {
          perm.permuteMany(st, 0, n);
          pos = 0;
        }
      }
    }
    if (pos > 0) perm.permuteMany(st, 0, n);
    for (let k = 0; k < n; k++) {
      const d = outOff + (r0 + k) * DIGEST_ELEMS;
      const s = SPONGE_WIDTH * k;
      for (let j = 0; j < DIGEST_ELEMS; j++) o[d + j] = st[s + j];
    }
  }
  return o;
}

/**
 * Leaf-hashes the concatenation of several rows given as separate slices (the verifier's
 * opened rows): `perm.hashConcat`, one call into WebAssembly where the permutation has it, else
 * `spongeConcat`.
 * @param perm width-16 permutation
 * @param rows canonical row slices, in hashing order
 * @param out digest buffer (a fresh one if omitted)
 * @param outOff offset in `out` (default 0)
 * @returns `out`
 */
export function hashConcat(
  perm: Poseidon2Perm,
  rows: readonly Uint32Array[],
  out: Uint32Array = new Uint32Array(DIGEST_ELEMS),
  outOff = 0,
): Digest {
  checkPerm(perm);
  perm.hashConcat(rows, out, outOff);
  return out;
}

/**
 * The sponge over the concatenation of rows, streamed into the state one element at a time with
 * `perm.permuteMany` per full block: the plain statement behind `Poseidon2Perm.hashConcat`.
 * @param perm width-16 permutation
 * @param rows canonical row slices, in hashing order
 * @param out digest buffer
 * @param outOff offset in `out`
 */
export function spongeConcat(
  perm: Poseidon2Perm,
  rows: readonly Uint32Array[],
  out: Uint32Array,
  outOff: number,
): void {
  checkPerm(perm);
  STATE.fill(0);
  let pos = 0;
  for (let m = 0; m < rows.length; m++) pos = absorb(perm, STATE, pos, rows[m], 0, rows[m].length);
  squeeze(perm, STATE, pos, out, outOff);
}
