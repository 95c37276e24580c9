/**
 * Postcard codec of the uni-stark proof, byte-compatible with Plonky3 v0.6.2's serde/postcard
 * encoding (docs/protocol.md §11): varint (LEB128) lengths and integers, field elements as the
 * varint of their Montgomery form, Option as a 0/1 tag, structs in declaration order.
 *
 * Decoding is the edge where hostile input is parsed once: every length is checked against
 * `DecodeLimits` before anything is allocated, and only the canonical encoding is accepted
 * (minimal varints, field values < p, tags 0/1, caps of exactly one digest, no trailing
 * bytes). Failures are `ProofRejectedError`s with `DECODE_*` / `SHAPE_CAP_LENGTH` codes.
 *
 * Field elements, most of a proof's bytes, go through one call-free loop (`Reader.feltsAt`) that
 * accepts exactly the canonical element and hands anything else to the checked `felt()`, so codes
 * and paths are those of the element-by-element reader (a rejection inside a Merkle path still
 * names its digest); a Merkle path is one flat array, 8 elements per digest. test/stark/codec-ref.test.ts checks the decoder against the
 * plain reference reader test/ref/postcard-ref.ts.
 */
import { fromMontgomery, MONTY_R_INV, P, toMontgomery } from '../field/babybear.ts';
import type { Digest } from '../hash/types.ts';
import { type RejectionCode, reject } from './errors.ts';
import type { BatchOpening, CommitPhaseProofStep, FriProof, Proof, QueryProof } from './proof.ts';

/** Upper bounds on every length prefix, derived from the verifier's configuration and AIR. */
export interface DecodeLimits {
  /** Largest row width of any opened matrix (base elements). */
  readonly maxRowWidth: number;
  /** Largest number of EF values in an opened-value list (trace width). */
  readonly maxOpenedWidth: number;
  readonly maxQuotientChunks: number;
  readonly maxQueries: number;
  readonly maxFriRounds: number;
  /** Largest Merkle path length (log2 of the tallest committed height). */
  readonly maxPathLength: number;
  readonly maxSiblings: number;
  readonly maxFinalPolyLen: number;
  /** Number of PCS rounds (trace, quotient, preprocessed). */
  readonly maxBatches: number;
  /** Matrices per batch. */
  readonly maxMatricesPerBatch: number;
}

/** Loose limits good for any proof this library can produce; used when no AIR is at hand. */
export const GENEROUS_LIMITS: DecodeLimits = Object.freeze({
  maxRowWidth: 1 << 16,
  maxOpenedWidth: 1 << 14,
  maxQuotientChunks: 64,
  maxQueries: 1024,
  maxFriRounds: 27,
  maxPathLength: 28,
  maxSiblings: 255,
  maxFinalPolyLen: 1 << 16,
  maxBatches: 4,
  maxMatricesPerBatch: 64,
});

/**
 * The decoder's cursor. Paths are a stack of segments (a field name, or an index shown as `[i]`)
 * that is joined into a string only when a rejection names it, so the hot loops (one call per
 * field element) build no strings and allocate nothing but the values they return.
 */
class Reader {
  pos = 0;
  readonly bytes: Uint8Array;
  readonly #segs: (string | number)[] = [];

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** Enters a field (`.name`, or a top-level `name`) or an element (`[i]`) of the current one. */
  in(seg: string | number): void {
    this.#segs.push(seg);
  }

  /** Leaves the innermost field or element. */
  out(): void {
    this.#segs.pop();
  }

  /** The current path, e.g. `openingProof.queryProofs[3].inputProof[0].openingProof[5]`. */
  path(): string {
    let p = '';
    for (const s of this.#segs) p += typeof s === 'number' ? `[${s}]` : s;
    return p;
  }

  fail(code: RejectionCode, detail: string): never {
    return reject(code, detail, this.path());
  }

  byte(): number {
    if (this.pos >= this.bytes.length) this.fail('DECODE_TRUNCATED', 'unexpected end of input');
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 with at most `maxBytes` bytes; minimal encoding only. */
  varint(maxBytes: number): number {
    const v = varintAt(this.bytes, this.pos, maxBytes);
    if (v < 0) this.fail(...varintFailure(v, maxBytes));
    this.pos += varintLength(v); // minimal, so its length follows from its value
    return v;
  }

  usize(): number {
    return this.varint(10);
  }

  len(bound: number): number {
    const n = this.usize();
    if (n > bound) this.fail('DECODE_LENGTH_LIMIT', `length ${n} above bound ${bound}`);
    return n;
  }

  felt(): number {
    const m = this.varint(5);
    if (m >= P) this.fail('DECODE_NONCANONICAL_FIELD', 'field element >= p');
    return fromMontgomery(m);
  }

  /** Fills `out` with field elements. */
  felts(out: Uint32Array): Uint32Array {
    this.feltsAt(out, 0, out.length);
    return out;
  }

  /**
   * Fills out[from, to) with field elements, in one loop with no calls: the varint and the
   * Montgomery conversion are written out (a fresh process runs this loop interpreted until V8
   * optimizes it, and a call per element costs more than the element). It accepts exactly what
   * felt() accepts, a minimal LEB128 of at most 5 bytes whose value is below P; at anything else
   * it hands the element to felt(), which rejects with the checked reader's code and path.
   * With `group` > 0 the innermost path segment is the index of the group of `group` elements
   * being read (a path's digest), set only when an element goes to felt().
   */
  feltsAt(out: Uint32Array, from: number, to: number, group = 0): void {
    const bytes = this.bytes;
    const n = bytes.length;
    const p = 0x78000001;
    const invP = 1 / 0x78000001;
    const rInv = MONTY_R_INV;
    let pos = this.pos;
    for (let i = from; i < to; i++) {
      let v = 0;
      let scale = 1;
      let k = 0;
      let b = 0x80; // stays >= 0x80 when the input ends first
      while (k < 5 && pos + k < n) {
        b = bytes[pos + k];
        v += (b & 0x7f) * scale;
        k++;
        if (b < 0x80) break;
        scale *= 128;
      }
      // Unterminated or over 5 bytes, non-minimal (a last byte 0 after the first), or >= P
      // (which includes every 5-byte value above 2^32 - 1).
      if (b >= 0x80 || (k > 1 && b === 0) || v >= p) {
        this.pos = pos;
        if (group > 0) this.#segs[this.#segs.length - 1] = Math.floor((i - from) / group);
        out[i] = this.felt(); // rejects with the exact code and path
        pos = this.pos;
        continue;
      }
      // fromMontgomery(v) = v R^-1 mod P, as babybear.ts mul: v R^-1 < 2^62, q is the floor
      // of its quotient or one off, and the int32 remainder is corrected once.
      const q = Math.floor(v * rInv * invP);
      let r = (Math.imul(v, rInv) - Math.imul(q, p)) | 0;
      if (r < 0) r += p;
      else if (r >= p) r -= p;
      out[i] = r;
      pos += k;
    }
    this.pos = pos;
  }

  option(): boolean {
    const t = this.byte();
    if (t > 1) this.fail('DECODE_BAD_TAG', `option tag ${t}`);
    return t === 1;
  }

  digest(): Digest {
    return this.felts(new Uint32Array(8));
  }

  cap(): Digest {
    const n = this.usize();
    if (n !== 1) this.fail('SHAPE_CAP_LENGTH', `cap holds ${n} digests, expected 1`);
    return this.digest();
  }

  extList(bound: number): Uint32Array {
    const n = this.len(bound);
    return this.felts(new Uint32Array(4 * n));
  }

  /**
   * A length-prefixed list of digests (a Merkle path), under field `name`, as one flat array
   * (8 elements per digest): one allocation and one reading loop per path. A rejection names the
   * digest, e.g. `...openingProof[5]`.
   */
  digests(name: string, bound: number): Uint32Array {
    this.in(name);
    const n = this.len(bound);
    const out = new Uint32Array(8 * n);
    this.in(0);
    this.feltsAt(out, 0, 8 * n, 8);
    this.out();
    this.out();
    return out;
  }

  /** `read()` inside field `name`. */
  field<T>(name: string, read: () => T): T {
    this.in(name);
    const v = read();
    this.out();
    return v;
  }

  /** An Option of `read()` inside field `name`: its tag, then the value or null. */
  optional<T>(name: string, read: () => T): T | null {
    this.in(name);
    const v = this.option() ? read() : null;
    this.out();
    return v;
  }
}

function decodeBatchOpening(r: Reader, lim: DecodeLimits): BatchOpening {
  r.in('.openedValues');
  const nm = r.len(lim.maxMatricesPerBatch);
  const openedValues: Uint32Array[] = [];
  for (let m = 0; m < nm; m++) {
    r.in(m);
    openedValues.push(r.felts(new Uint32Array(r.len(lim.maxRowWidth))));
    r.out();
  }
  r.out();
  const openingProof = r.digests('.openingProof', lim.maxPathLength);
  return { openedValues, openingProof };
}

function decodeStep(r: Reader, lim: DecodeLimits): CommitPhaseProofStep {
  const logArity = r.field('.logArity', () => r.byte());
  const siblingValues = r.field('.siblingValues', () => r.extList(lim.maxSiblings));
  const openingProof = r.digests('.openingProof', lim.maxPathLength);
  return { logArity, siblingValues, openingProof };
}

/** Decodes the list under field `name`: its length (at most `bound`), then `item()` for each element. */
function list<T>(r: Reader, name: string, bound: number, item: () => T): T[] {
  r.in(name);
  const n = r.len(bound);
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    r.in(i);
    out.push(item());
    r.out();
  }
  r.out();
  return out;
}

function decodeFri(r: Reader, lim: DecodeLimits): FriProof {
  r.in('openingProof');
  const commitPhaseCommits = list(r, '.commitPhaseCommits', lim.maxFriRounds, () => r.cap());
  const commitPowWitnesses = list(r, '.commitPowWitnesses', lim.maxFriRounds, () => r.felt());
  const queryProofs = list(
    r,
    '.queryProofs',
    lim.maxQueries,
    (): QueryProof => ({
      inputProof: list(r, '.inputProof', lim.maxBatches, () => decodeBatchOpening(r, lim)),
      commitPhaseOpenings: list(r, '.commitPhaseOpenings', lim.maxFriRounds, () => decodeStep(r, lim)),
    }),
  );
  const finalPoly = r.field('.finalPoly', () => r.extList(lim.maxFinalPolyLen));
  const queryPowWitness = r.field('.queryPowWitness', () => r.felt());
  r.out();
  return { commitPhaseCommits, commitPowWitnesses, queryProofs, finalPoly, queryPowWitness };
}

/**
 * Decodes a Plonky3 v0.6.2 postcard proof body, canonical encodings only.
 * @param bytes the body (no envelope)
 * @param limits bounds for every length prefix
 * @returns the proof
 * @throws {ProofRejectedError} DECODE_* or SHAPE_CAP_LENGTH on malformed input
 */
export function decodeProof(bytes: Uint8Array, limits: DecodeLimits = GENEROUS_LIMITS): Proof {
  if (bytes.length === 0) reject('DECODE_EMPTY', 'empty proof');
  const r = new Reader(bytes);
  const w = limits.maxOpenedWidth;
  const trace = r.field('commitments.trace', () => r.cap());
  const quotientChunks = r.field('commitments.quotientChunks', () => r.cap());
  const random = r.optional('commitments.random', () => r.cap());
  const traceLocal = r.field('openedValues.traceLocal', () => r.extList(w));
  const traceNext = r.optional('openedValues.traceNext', () => r.extList(w));
  const preprocessedLocal = r.optional('openedValues.preprocessedLocal', () => r.extList(w));
  const preprocessedNext = r.optional('openedValues.preprocessedNext', () => r.extList(w));
  const chunks = list(r, 'openedValues.quotientChunks', limits.maxQuotientChunks, () => r.extList(16));
  const randomValues = r.optional('openedValues.random', () => r.extList(w));
  const openingProof = decodeFri(r, limits);
  const degreeBits = r.field('degreeBits', () => r.usize());
  if (r.pos !== bytes.length)
    reject('DECODE_TRAILING_BYTES', `${bytes.length - r.pos} bytes after the proof`);
  return {
    commitments: { trace, quotientChunks, random },
    openedValues: {
      traceLocal,
      traceNext,
      preprocessedLocal,
      preprocessedNext,
      quotientChunks: chunks,
      random: randomValues,
    },
    openingProof,
    degreeBits,
  };
}

class Writer {
  buf = new Uint8Array(4096);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  varint(v: number): void {
    this.ensure(VARINT_MAX_BYTES);
    this.pos = writeVarint(this.buf, this.pos, v);
  }

  felt(x: number): void {
    this.varint(toMontgomery(x));
  }

  felts(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) this.felt(xs[i]);
  }

  cap(d: Digest): void {
    this.varint(1);
    this.felts(d);
  }

  extList(xs: Uint32Array): void {
    this.varint(xs.length / 4);
    this.felts(xs);
  }

  optionExtList(xs: Uint32Array | null): void {
    if (xs === null) this.byte(0);
    else {
      this.byte(1);
      this.extList(xs);
    }
  }

  /** A Merkle path: its digest count, then the flat digests (8 elements each). */
  digests(flat: Uint32Array): void {
    if (flat.length % 8 !== 0) throw new RangeError(`a path of ${flat.length} elements is not whole digests`);
    this.varint(flat.length / 8);
    this.felts(flat);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/**
 * Encodes a proof as Plonky3 v0.6.2's postcard body.
 * @param proof the proof
 * @returns the canonical bytes
 */
export function encodeProof(proof: Proof): Uint8Array {
  const w = new Writer();
  const c = proof.commitments;
  w.cap(c.trace);
  w.cap(c.quotientChunks);
  if (c.random === null) w.byte(0);
  else {
    w.byte(1);
    w.cap(c.random);
  }
  const o = proof.openedValues;
  w.extList(o.traceLocal);
  w.optionExtList(o.traceNext);
  w.optionExtList(o.preprocessedLocal);
  w.optionExtList(o.preprocessedNext);
  w.varint(o.quotientChunks.length);
  for (const ch of o.quotientChunks) w.extList(ch);
  w.optionExtList(o.random);
  const f = proof.openingProof;
  w.varint(f.commitPhaseCommits.length);
  for (const d of f.commitPhaseCommits) w.cap(d);
  w.varint(f.commitPowWitnesses.length);
  for (const x of f.commitPowWitnesses) w.felt(x);
  w.varint(f.queryProofs.length);
  for (const q of f.queryProofs) {
    w.varint(q.inputProof.length);
    for (const b of q.inputProof) {
      w.varint(b.openedValues.length);
      for (const row of b.openedValues) {
        w.varint(row.length);
        w.felts(row);
      }
      w.digests(b.openingProof);
    }
    w.varint(q.commitPhaseOpenings.length);
    for (const s of q.commitPhaseOpenings) {
      w.byte(s.logArity);
      w.extList(s.siblingValues);
      w.digests(s.openingProof);
    }
  }
  w.extList(f.finalPoly);
  w.felt(f.queryPowWitness);
  w.varint(proof.degreeBits);
  return w.finish();
}

/** Longest varint the codec reads: a u64 (`usize`) is at most 10 bytes; a u32 at most 5. */
export const VARINT_MAX_BYTES = 10;

/**
 * Writes the minimal unsigned LEB128 varint of `v` (postcard's integer encoding).
 * @param out destination with at least `varintLength(v)` bytes free at `pos`
 * @param pos where to write
 * @param v an integer in [0, 2^53)
 * @returns the position just past the varint
 */
export function writeVarint(out: Uint8Array, pos: number, v: number): number {
  let o = pos;
  let x = v;
  // x % 128 and Math.floor, not & and >>>: v may exceed 2^32 (usize lengths)
  while (x >= 0x80) {
    out[o++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  out[o++] = x;
  return o;
}

/**
 * The minimal unsigned LEB128 varint of `v`, as its own bytes.
 * @param v an integer in [0, 2^53)
 * @returns the varint bytes
 * @example
 * encodeVarint(300); // Uint8Array [0xac, 0x02]
 */
export function encodeVarint(v: number): Uint8Array {
  const out = new Uint8Array(varintLength(v));
  writeVarint(out, 0, v);
  return out;
}

/**
 * Reads the canonical unsigned LEB128 varint at `pos`: at most `maxBytes` bytes (5 for a u32,
 * whose fifth byte must then be <= 0x0f; 10 for a usize), minimal, and at most 2^53 - 1. The
 * varint ends at `pos + varintLength(value)`.
 * @param bytes the input
 * @param pos where the varint starts
 * @param maxBytes 5 (u32) or 10 (usize)
 * @param path proof field named in a rejection
 * @returns the value
 * @throws {ProofRejectedError} DECODE_TRUNCATED, DECODE_NONCANONICAL_VARINT, DECODE_LENGTH_LIMIT
 */
export function decodeVarint(bytes: Uint8Array, pos: number, maxBytes: number, path: string): number {
  const v = varintAt(bytes, pos, maxBytes);
  if (v < 0) reject(...varintFailure(v, maxBytes), path);
  return v;
}

/** The rejection [code, detail] of a negative `varintAt` result. */
function varintFailure(v: number, maxBytes: number): [RejectionCode, string] {
  if (v === -1) return ['DECODE_TRUNCATED', 'unexpected end of input'];
  if (v === -2) return ['DECODE_NONCANONICAL_VARINT', 'over-long varint'];
  if (v === -3) return ['DECODE_NONCANONICAL_VARINT', 'u32 varint overflow'];
  if (v === -4) return ['DECODE_LENGTH_LIMIT', 'integer above 2^53'];
  return ['DECODE_NONCANONICAL_VARINT', `varint longer than ${maxBytes} bytes`];
}

/** decodeVarint's checks without a path: the value, or a negative failure (varintFailure). */
function varintAt(bytes: Uint8Array, pos: number, maxBytes: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (pos + i >= bytes.length) return -1;
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (i > 0 && b === 0) return -2;
      if (maxBytes === 5 && i === 4 && b > 0x0f) return -3;
      if (value > Number.MAX_SAFE_INTEGER) return -4;
      return value;
    }
    scale *= 128;
  }
  return -5;
}

/**
 * Encoded length in bytes of the minimal unsigned varint of `v`.
 * @param v an integer in [0, 2^53)
 * @returns 1 to 8
 */
export function varintLength(v: number): number {
  let n = 1;
  let x = v;
  while (x >= 0x80) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}
