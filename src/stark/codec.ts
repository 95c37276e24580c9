/**
 * Postcard codec of the uni-stark proof, byte-compatible with Plonky3 v0.6.2's serde/postcard
 * encoding (docs/protocol.md §11): varint (LEB128) lengths and integers, field elements as the
 * varint of their Montgomery form, Option as a 0/1 tag, structs in declaration order.
 *
 * Decoding is the edge where hostile input is parsed once: every length is checked against
 * `DecodeLimits` before anything is allocated, and only the canonical encoding is accepted
 * (minimal varints, field values < p, tags 0/1, caps of exactly one digest, no trailing
 * bytes). Failures are `ProofRejectedError`s with `DECODE_*` / `SHAPE_CAP_LENGTH` codes.
 */
import { fromMontgomery, P, toMontgomery } from '../field/babybear.ts';
import type { Digest } from '../hash/types.ts';
import { reject } from './errors.ts';
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

class Reader {
  pos = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  byte(path: string): number {
    if (this.pos >= this.bytes.length) reject('DECODE_TRUNCATED', 'unexpected end of input', path);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 with at most `maxBytes` bytes; minimal encoding only. */
  varint(maxBytes: number, path: string): number {
    const v = decodeVarint(this.bytes, this.pos, maxBytes, path);
    this.pos += varintLength(v); // minimal, so its length follows from its value
    return v;
  }

  u32(path: string): number {
    return this.varint(5, path);
  }

  usize(path: string): number {
    return this.varint(10, path);
  }

  len(bound: number, path: string): number {
    const n = this.usize(path);
    if (n > bound) reject('DECODE_LENGTH_LIMIT', `length ${n} above bound ${bound}`, path);
    return n;
  }

  felt(path: string): number {
    const m = this.u32(path);
    if (m >= P) reject('DECODE_NONCANONICAL_FIELD', 'field element >= p', path);
    return fromMontgomery(m);
  }

  felts(out: Uint32Array, path: string): Uint32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.felt(path);
    return out;
  }

  option(path: string): boolean {
    const t = this.byte(path);
    if (t > 1) reject('DECODE_BAD_TAG', `option tag ${t}`, path);
    return t === 1;
  }

  digest(path: string): Digest {
    return this.felts(new Uint32Array(8), path);
  }

  cap(path: string): Digest {
    const n = this.usize(path);
    if (n !== 1) reject('SHAPE_CAP_LENGTH', `cap holds ${n} digests, expected 1`, path);
    return this.digest(path);
  }

  extList(bound: number, path: string): Uint32Array {
    const n = this.len(bound, path);
    return this.felts(new Uint32Array(4 * n), path);
  }
}

function decodeBatchOpening(r: Reader, lim: DecodeLimits, path: string): BatchOpening {
  const nm = r.len(lim.maxMatricesPerBatch, `${path}.openedValues`);
  const openedValues: Uint32Array[] = [];
  for (let m = 0; m < nm; m++) {
    const p = `${path}.openedValues[${m}]`;
    const w = r.len(lim.maxRowWidth, p);
    openedValues.push(r.felts(new Uint32Array(w), p));
  }
  const np = r.len(lim.maxPathLength, `${path}.openingProof`);
  const openingProof: Digest[] = [];
  for (let i = 0; i < np; i++) openingProof.push(r.digest(`${path}.openingProof[${i}]`));
  return { openedValues, openingProof };
}

function decodeStep(r: Reader, lim: DecodeLimits, path: string): CommitPhaseProofStep {
  const logArity = r.byte(`${path}.logArity`);
  const siblingValues = r.extList(lim.maxSiblings, `${path}.siblingValues`);
  const np = r.len(lim.maxPathLength, `${path}.openingProof`);
  const openingProof: Digest[] = [];
  for (let i = 0; i < np; i++) openingProof.push(r.digest(`${path}.openingProof[${i}]`));
  return { logArity, siblingValues, openingProof };
}

function decodeFri(r: Reader, lim: DecodeLimits): FriProof {
  const base = 'openingProof';
  const nc = r.len(lim.maxFriRounds, `${base}.commitPhaseCommits`);
  const commitPhaseCommits: Digest[] = [];
  for (let i = 0; i < nc; i++) commitPhaseCommits.push(r.cap(`${base}.commitPhaseCommits[${i}]`));
  const nw = r.len(lim.maxFriRounds, `${base}.commitPowWitnesses`);
  const commitPowWitnesses: number[] = [];
  for (let i = 0; i < nw; i++) commitPowWitnesses.push(r.felt(`${base}.commitPowWitnesses[${i}]`));
  const nq = r.len(lim.maxQueries, `${base}.queryProofs`);
  const queryProofs: QueryProof[] = [];
  for (let q = 0; q < nq; q++) {
    const qp = `${base}.queryProofs[${q}]`;
    const nb = r.len(lim.maxBatches, `${qp}.inputProof`);
    const inputProof: BatchOpening[] = [];
    for (let b = 0; b < nb; b++) inputProof.push(decodeBatchOpening(r, lim, `${qp}.inputProof[${b}]`));
    const ns = r.len(lim.maxFriRounds, `${qp}.commitPhaseOpenings`);
    const commitPhaseOpenings: CommitPhaseProofStep[] = [];
    for (let s = 0; s < ns; s++)
      commitPhaseOpenings.push(decodeStep(r, lim, `${qp}.commitPhaseOpenings[${s}]`));
    queryProofs.push({ inputProof, commitPhaseOpenings });
  }
  const finalPoly = r.extList(lim.maxFinalPolyLen, `${base}.finalPoly`);
  const queryPowWitness = r.felt(`${base}.queryPowWitness`);
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
  const trace = r.cap('commitments.trace');
  const quotientChunks = r.cap('commitments.quotientChunks');
  const random = r.option('commitments.random') ? r.cap('commitments.random') : null;
  const traceLocal = r.extList(limits.maxOpenedWidth, 'openedValues.traceLocal');
  const traceNext = r.option('openedValues.traceNext')
    ? r.extList(limits.maxOpenedWidth, 'openedValues.traceNext')
    : null;
  const preprocessedLocal = r.option('openedValues.preprocessedLocal')
    ? r.extList(limits.maxOpenedWidth, 'openedValues.preprocessedLocal')
    : null;
  const preprocessedNext = r.option('openedValues.preprocessedNext')
    ? r.extList(limits.maxOpenedWidth, 'openedValues.preprocessedNext')
    : null;
  const nChunks = r.len(limits.maxQuotientChunks, 'openedValues.quotientChunks');
  const chunks: Uint32Array[] = [];
  for (let i = 0; i < nChunks; i++) chunks.push(r.extList(16, `openedValues.quotientChunks[${i}]`));
  const randomValues = r.option('openedValues.random')
    ? r.extList(limits.maxOpenedWidth, 'openedValues.random')
    : null;
  const openingProof = decodeFri(r, limits);
  const degreeBits = r.usize('degreeBits');
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

  digests(ds: readonly Digest[]): void {
    this.varint(ds.length);
    for (const d of ds) this.felts(d);
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
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (pos + i >= bytes.length) reject('DECODE_TRUNCATED', 'unexpected end of input', path);
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (i > 0 && b === 0) reject('DECODE_NONCANONICAL_VARINT', 'over-long varint', path);
      if (maxBytes === 5 && i === 4 && b > 0x0f)
        reject('DECODE_NONCANONICAL_VARINT', 'u32 varint overflow', path);
      if (value > Number.MAX_SAFE_INTEGER) reject('DECODE_LENGTH_LIMIT', 'integer above 2^53', path);
      return value;
    }
    scale *= 128;
  }
  return reject('DECODE_NONCANONICAL_VARINT', `varint longer than ${maxBytes} bytes`, path);
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
