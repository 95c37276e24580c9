/**
 * The proof decoder (src/stark/codec.ts, with its call-free field-element loop and shared digest
 * buffers) against the plain reference reader test/ref/postcard-ref.ts: on Plonky3's golden proof
 * and on every single-byte mutation of it (flip the continuation bit, zero, 0xff, +1) at every
 * position, plus truncations and an extension, both accept the same bytes and read the same values.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeProof } from '../../src/stark/codec.ts';
import { ProofRejectedError } from '../../src/stark/errors.ts';
import type { Proof } from '../../src/stark/proof.ts';
import { refReadProof } from '../ref/postcard-ref.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
);
const GOLDEN = Uint8Array.from(Buffer.from(FIXTURE.postcard_hex, 'hex'));

/** The decoded proof in the reference reader's order: lengths, tags, bytes and elements. */
function flatten(p: Proof): number[] {
  const out: number[] = [];
  const cap = (d: Uint32Array): void => void out.push(1, ...d);
  const ext = (xs: Uint32Array): void => void out.push(xs.length / 4, ...xs);
  const opt = (xs: Uint32Array | null, f: (x: Uint32Array) => void): void => {
    out.push(xs === null ? 0 : 1);
    if (xs !== null) f(xs);
  };
  const digests = (flat: Uint32Array): void => {
    out.push(flat.length / 8, ...flat);
  };
  cap(p.commitments.trace);
  cap(p.commitments.quotientChunks);
  opt(p.commitments.random, cap);
  const o = p.openedValues;
  ext(o.traceLocal);
  opt(o.traceNext, ext);
  opt(o.preprocessedLocal, ext);
  opt(o.preprocessedNext, ext);
  out.push(o.quotientChunks.length);
  for (const c of o.quotientChunks) ext(c);
  opt(o.random, ext);
  const f = p.openingProof;
  out.push(f.commitPhaseCommits.length);
  for (const c of f.commitPhaseCommits) cap(c);
  out.push(f.commitPowWitnesses.length, ...f.commitPowWitnesses);
  out.push(f.queryProofs.length);
  for (const q of f.queryProofs) {
    out.push(q.inputProof.length);
    for (const b of q.inputProof) {
      out.push(b.openedValues.length);
      for (const row of b.openedValues) out.push(row.length, ...row);
      digests(b.openingProof);
    }
    out.push(q.commitPhaseOpenings.length);
    for (const s of q.commitPhaseOpenings) {
      out.push(s.logArity);
      ext(s.siblingValues);
      digests(s.openingProof);
    }
  }
  ext(f.finalPoly);
  out.push(f.queryPowWitness, p.degreeBits);
  return out;
}

/** Outcome of our decoder: the flattened values, or the rejection code. */
function ours(bytes: Uint8Array): number[] | string {
  try {
    return flatten(decodeProof(bytes));
  } catch (e) {
    if (e instanceof ProofRejectedError) return e.code;
    throw e;
  }
}

function agree(bytes: Uint8Array, what: string): void {
  const a = ours(bytes);
  const r = refReadProof(bytes);
  if (typeof a === 'string') {
    // Our decoder also bounds lengths (DecodeLimits); the reference does not.
    if (r !== null) expect(a, `${what}: rejected, the reference accepts`).toBe('DECODE_LENGTH_LIMIT');
  } else {
    expect(r, `${what}: accepted, the reference rejects`).not.toBeNull();
    expect(a, what).toEqual(r);
  }
}

describe('decoder against the reference reader', () => {
  it('the golden proof reads the same (and the reference is not trivially null)', () => {
    const r = refReadProof(GOLDEN);
    expect(r).not.toBeNull();
    expect(ours(GOLDEN)).toEqual(r);
  });

  it('every single-byte mutation at every position: same acceptance, same values', () => {
    let rejected = 0;
    for (let i = 0; i < GOLDEN.length; i++) {
      for (const m of [(b: number) => b ^ 0x80, () => 0, () => 0xff, (b: number) => (b + 1) & 0xff]) {
        const bytes = GOLDEN.slice();
        bytes[i] = m(bytes[i]);
        if (bytes[i] === GOLDEN[i]) continue;
        agree(bytes, `byte ${i}`);
        if (refReadProof(bytes) === null) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(GOLDEN.length); // the mutations do reach the rejection paths
  });

  it('truncations and a trailing byte', () => {
    for (let n = 0; n < GOLDEN.length; n += 7) agree(GOLDEN.subarray(0, n), `first ${n} bytes`);
    const longer = new Uint8Array(GOLDEN.length + 1);
    longer.set(GOLDEN);
    agree(longer, 'one trailing byte');
  });
});
