/**
 * Where the fields of a valid postcard proof body lie, for the byte-level tamper cases: a walk
 * over the body in Plonky3 v0.6.2's serialization order (Plonky3/Plonky3:uni-stark/src/proof.rs,
 * fri/src/proof.rs; our encoder is `encodeProof` in src/stark/codec.ts), plus small byte helpers.
 *
 * Invariant: the walk runs only on a valid (canonical) body, the base of a tamper case; it reads
 * varints with the codec's own strict `decodeVarint`, so a body it cannot walk throws.
 */
import { decodeVarint, VARINT_MAX_BYTES, varintLength } from '../stark/codec.ts';

/** Offsets of the body fields the byte-level cases edit. */
export interface BodyOffsets {
  /** Length prefix of the trace commitment's cap (always 0). */
  readonly traceCap: number;
  /** Length prefix of the quotient commitment's cap. */
  readonly quotientCap: number;
  /** Option tag of `commitments.random`. */
  readonly randomTag: number;
  /** Length prefix of `openedValues.traceLocal`. */
  readonly traceLocal: number;
  /** Option tag of `openedValues.traceNext`. */
  readonly traceNextTag: number;
  /** Length prefix of the first commit-phase cap, or -1 when the proof has no FRI round. */
  readonly firstFriCap: number;
  /** [start, end) of the query PoW witness varint. */
  readonly queryWitness: readonly [number, number];
  /** [start, end) of the final `degreeBits` varint. */
  readonly degreeBits: readonly [number, number];
}

/**
 * Walks a valid body up to the first commit-phase cap; the PoW witness and `degreeBits` are the
 * body's last two varints.
 * @param body a canonical postcard proof body
 * @returns the offsets
 * @throws {ProofRejectedError} when the body is not canonical
 */
export function bodyOffsets(body: Uint8Array): BodyOffsets {
  let pos = 0;
  const varint = (): number => {
    const v = decodeVarint(body, pos, VARINT_MAX_BYTES, 'tamper.layout');
    pos += varintLength(v);
    return v;
  };
  const skip = (n: number): void => {
    for (let i = 0; i < n; i++) varint();
  };
  const cap = (): void => skip(varint() * 8);
  const extList = (): void => skip(varint() * 4);
  const optionExtList = (): void => {
    if (body[pos++] === 1) extList();
  };
  const traceCap = pos;
  cap();
  const quotientCap = pos;
  cap();
  const randomTag = pos;
  if (body[pos++] === 1) cap();
  const traceLocal = pos;
  extList();
  const traceNextTag = pos;
  optionExtList(); // traceNext
  optionExtList(); // preprocessedLocal
  optionExtList(); // preprocessedNext
  const chunks = varint();
  for (let i = 0; i < chunks; i++) extList();
  optionExtList(); // random
  const rounds = varint();
  const firstFriCap = rounds > 0 ? pos : -1;
  const lastStart = (end: number): number => {
    let s = end - 1;
    while (s > 0 && body[s - 1] & 0x80) s--;
    return s;
  };
  const db = lastStart(body.length);
  const w = lastStart(db);
  return {
    traceCap,
    quotientCap,
    randomTag,
    traceLocal,
    traceNextTag,
    firstFriCap,
    queryWitness: [w, db],
    degreeBits: [db, body.length],
  };
}

/**
 * End of the canonical varint at `pos`.
 * @param bytes a canonical body
 * @param pos where the varint starts
 * @returns the offset just past it
 */
export const varintEnd = (bytes: Uint8Array, pos: number): number =>
  pos + varintLength(decodeVarint(bytes, pos, VARINT_MAX_BYTES, 'tamper.layout'));

/**
 * The concatenation of byte lists.
 * @param parts the lists
 * @returns a new array
 */
export function concatBytes(...parts: ArrayLike<number>[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A copy of `bytes` with [s, e) replaced.
 * @param bytes the original (not changed)
 * @param s start of the replaced range
 * @param e end of the replaced range
 * @param insert the replacement
 * @returns a new array
 */
export const splice = (bytes: Uint8Array, s: number, e: number, insert: ArrayLike<number>): Uint8Array =>
  concatBytes(bytes.subarray(0, s), insert, bytes.subarray(e));

/**
 * A copy of `bytes` with one byte xored with `mask`.
 * @param bytes the original (not changed)
 * @param at the byte's offset
 * @param mask non-zero
 * @returns a new array
 */
export function xorByte(bytes: Uint8Array, at: number, mask: number): Uint8Array {
  const out = bytes.slice();
  out[at] ^= mask;
  return out;
}

/**
 * The varint at [s, e) re-encoded non-minimally: its last byte gets a continuation bit and a
 * zero byte follows (the same value, one byte longer).
 * @param bytes the original (not changed)
 * @param e end of a varint
 * @returns a new array
 */
export const overlongVarint = (bytes: Uint8Array, e: number): Uint8Array =>
  splice(bytes, e - 1, e, [bytes[e - 1] | 0x80, 0x00]);
