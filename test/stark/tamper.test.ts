/**
 * Tamper classes A–K of spec/verifier-hardening.md §4, each with its expected code, plus the
 * mutation sweep (§5.2): every byte of a small proof flipped, with PoW disabled and enabled.
 * The starting proofs are upstream's golden proof (test/vectors/uni_stark_fib_fixture_v0.6.2.json)
 * and proofs of our prover for the same statement.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Air } from '../../src/air/air.ts';
import { fibonacciAir, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { decodeProof, encodeProof } from '../../src/stark/codec.ts';
import { getConfig, PRESETS } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import type { RejectionCode } from '../../src/stark/errors.ts';
import type { Proof } from '../../src/stark/proof.ts';
import { prove, proveProof } from '../../src/stark/prove.ts';
import { circuitIdOf, verify } from '../../src/stark/verify.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
);
const GOLDEN = Uint8Array.from(Buffer.from(FIXTURE.postcard_hex, 'hex'));
const PUBLICS = [0, 1, 21];
const fixture = getConfig('plonky3-fixture');
const noPow = getConfig('plonky3-fixture', { commitPowBits: 0, queryPowBits: 0 });
const air = fibonacciAir();

type Mut = (p: Proof) => Proof;
const clone = (p: Proof): Proof => decodeProof(encodeProof(p));

function rawCode(
  bytes: Uint8Array,
  cfg = fixture,
  publics: number[] = PUBLICS,
  a: Air = air,
): RejectionCode | 'OK' {
  const r = verify(a, bytes, publics, cfg, { format: 'postcard', allowInsecure: true });
  return r.ok ? 'OK' : r.code;
}
function envCode(
  bytes: Uint8Array,
  cfg = fixture,
  publics: number[] = PUBLICS,
  a: Air = air,
): RejectionCode | 'OK' {
  const r = verify(a, bytes, publics, cfg, { allowInsecure: true });
  return r.ok ? 'OK' : r.code;
}
const mutate = (base: Uint8Array, f: Mut): Uint8Array => encodeProof(f(clone(decodeProof(base))));
const with_ = <T extends object>(o: T, patch: Partial<T>): T => ({ ...o, ...patch });

let ours: Uint8Array; // our proof under the no-PoW variant
beforeAll(async () => {
  ours = await prove(air, generateFibonacciTrace(0, 1, 8), PUBLICS, noPow);
});

describe('hardening §4.A bytes and decoding', () => {
  it('A1 empty input and non-byte inputs', () => {
    expect(rawCode(new Uint8Array(0))).toBe('DECODE_EMPTY');
    for (const bad of [null, 'abc', 42, [1, 2], {}]) {
      const r = verify(air, bad, PUBLICS, fixture, { format: 'postcard', allowInsecure: true });
      expect(r.ok ? 'OK' : r.code).toBe('DECODE_BAD_INPUT_TYPE');
    }
  });
  it('A2 every prefix of the golden proof is DECODE_TRUNCATED (raw) and enveloped', () => {
    for (let n = 1; n < GOLDEN.length; n++)
      expect(rawCode(GOLDEN.subarray(0, n)), `prefix ${n}`).toBe('DECODE_TRUNCATED');
    const env = wrapEnvelope(GOLDEN, circuitIdOf(air), fixture);
    for (let n = 1; n < env.length; n += 7)
      expect(envCode(env.subarray(0, n)), `env prefix ${n}`).toMatch(/^DECODE_(TRUNCATED|BAD_HEADER)$/);
  });
  it('A3 trailing bytes', () => {
    for (const extra of [1, 2, 17]) {
      const b = new Uint8Array(GOLDEN.length + extra);
      b.set(GOLDEN);
      expect(rawCode(b)).toBe('DECODE_TRAILING_BYTES');
    }
  });
  it('A4 envelope header: magic, version, circuit ids, config digest, body length', () => {
    const id = circuitIdOf(air);
    const env = wrapEnvelope(GOLDEN, id, fixture);
    const m = env.slice();
    m[0] ^= 1;
    expect(envCode(m)).toBe('DECODE_BAD_HEADER');
    const v = env.slice();
    v[4] = 9;
    expect(envCode(v)).toBe('DECODE_BAD_HEADER');
    expect(envCode(wrapEnvelope(GOLDEN, 'unknown@1', fixture))).toBe('VK_UNKNOWN_CIRCUIT');
    const r = verify(air, wrapEnvelope(GOLDEN, 'poseidon2@1', fixture), PUBLICS, fixture, {
      knownCircuits: [id, 'poseidon2@1'],
      allowInsecure: true,
    });
    expect(r.ok ? 'OK' : r.code).toBe('VK_MISMATCH');
    expect(envCode(wrapEnvelope(GOLDEN, id, PRESETS['insecure-test']))).toBe('POLICY_PRESET_MISMATCH');
    expect(envCode(wrapEnvelope(GOLDEN, id, noPow))).toBe('POLICY_PRESET_MISMATCH');
    const L = id.length;
    const dv = new DataView(env.buffer);
    const len = dv.getUint32(38 + L, true);
    const plus = env.slice();
    new DataView(plus.buffer).setUint32(38 + L, len + 1, true);
    expect(envCode(plus)).toBe('DECODE_TRUNCATED');
    const minus = env.slice();
    new DataView(minus.buffer).setUint32(38 + L, len - 1, true);
    expect(envCode(minus)).toBe('DECODE_TRAILING_BYTES');
  });
  it('A5 length prefixes at expected±1, 0 and huge values', () => {
    // trace_local length prefix sits at offset 81 (spec §14 byte map)
    expect(GOLDEN[81]).toBe(2);
    for (const [val, codes] of [
      [1, ['SHAPE_TRACE_LOCAL_WIDTH', 'DECODE_TRUNCATED', 'DECODE_NONCANONICAL_FIELD', 'DECODE_BAD_TAG']],
      [
        3,
        [
          'SHAPE_TRACE_LOCAL_WIDTH',
          'DECODE_TRUNCATED',
          'DECODE_NONCANONICAL_FIELD',
          'DECODE_BAD_TAG',
          'DECODE_LENGTH_LIMIT',
        ],
      ],
      [
        0,
        [
          'SHAPE_TRACE_LOCAL_WIDTH',
          'DECODE_TRUNCATED',
          'DECODE_NONCANONICAL_FIELD',
          'DECODE_BAD_TAG',
          'DECODE_NONCANONICAL_VARINT',
        ],
      ],
    ] as const) {
      const b = GOLDEN.slice();
      b[81] = val;
      expect(codes).toContain(rawCode(b));
    }
    // huge: replace the 1-byte prefix by a 5-byte varint of 2^32 - 1 and of 2^31
    for (const big of [
      [0xff, 0xff, 0xff, 0xff, 0x0f],
      [0x80, 0x80, 0x80, 0x80, 0x08],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f],
    ]) {
      const b = new Uint8Array(GOLDEN.length - 1 + big.length);
      b.set(GOLDEN.subarray(0, 81));
      b.set(big, 81);
      b.set(GOLDEN.subarray(82), 81 + big.length);
      expect(rawCode(b)).toBe('DECODE_LENGTH_LIMIT');
    }
    // structure-aware: trace_local width ±1 passes decoding and fails the shape check
    expect(
      rawCode(
        mutate(GOLDEN, (p) =>
          with_(p, {
            openedValues: with_(p.openedValues, { traceLocal: p.openedValues.traceLocal.slice(0, 4) }),
          }),
        ),
      ),
    ).toBe('SHAPE_TRACE_LOCAL_WIDTH');
  });
  it('A6 non-minimal and overflowing varints', () => {
    // degree_bits (last byte, 03) as 83 00
    const b = new Uint8Array(GOLDEN.length + 1);
    b.set(GOLDEN);
    b[GOLDEN.length - 1] = 0x83;
    b[GOLDEN.length] = 0x00;
    expect(rawCode(b)).toBe('DECODE_NONCANONICAL_VARINT');
    // the query PoW witness (00 at offset 1575) as 80 00
    const w = new Uint8Array(GOLDEN.length + 1);
    w.set(GOLDEN.subarray(0, 1575));
    w.set([0x80, 0x00, 0x03], 1575);
    expect(rawCode(w)).toBe('DECODE_NONCANONICAL_VARINT');
    // a field element (first of the trace cap, offset 1) with a fifth byte > 0x0f
    const f = GOLDEN.slice();
    let o = 1;
    while (f[o] & 0x80) o++;
    expect(o - 1).toBe(4); // a 5-byte element
    f[o] = 0x1f;
    expect(rawCode(f)).toBe('DECODE_NONCANONICAL_VARINT');
  });
  it('A7 field elements >= p in every kind of slot', () => {
    const enc = (v: number): number[] => {
      const out: number[] = [];
      let x = v;
      while (x >= 0x80) {
        out.push((x % 128) | 0x80);
        x = Math.floor(x / 128);
      }
      out.push(x);
      return out;
    };
    for (const v of [0x78000001, 0x78000002, 2 ** 31, 2 ** 32 - 1]) {
      // query PoW witness at 1575 (1 byte)
      const e = enc(v);
      const b = new Uint8Array(GOLDEN.length - 1 + e.length);
      b.set(GOLDEN.subarray(0, 1575));
      b.set(e, 1575);
      b.set(GOLDEN.subarray(1576), 1575 + e.length);
      expect(rawCode(b)).toBe('DECODE_NONCANONICAL_FIELD');
    }
    const r = verify(air, GOLDEN, [0, 1, 0x78000001], fixture, { format: 'postcard', allowInsecure: true });
    expect(r.ok ? 'OK' : r.code).toBe('DECODE_NONCANONICAL_FIELD');
  });
  it('A8 option tags 2..255', () => {
    for (const t of [2, 3, 0x7f, 0xff]) {
      const b = GOLDEN.slice();
      b[80] = t; // commitments.random
      expect(rawCode(b)).toBe('DECODE_BAD_TAG');
      const c = GOLDEN.slice();
      c[120] = t; // trace_next
      expect(rawCode(c)).toBe('DECODE_BAD_TAG');
    }
  });
  it('A9 oversized input is refused before parsing', () => {
    const big = new Uint8Array(4 * 1024 * 1024);
    big.set(GOLDEN);
    expect(rawCode(big)).toBe('LIMIT_PROOF_TOO_LARGE');
    const rnd = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    expect(envCode(rnd)).toBe('LIMIT_PROOF_TOO_LARGE');
  });
  it('A11 caps with length 0 or 2 (trace, quotient, FRI round)', () => {
    for (const off of [0, 40, 246]) {
      for (const v of [0, 2]) {
        const b = GOLDEN.slice();
        expect(b[off]).toBe(1);
        b[off] = v;
        expect(rawCode(b), `cap at ${off} := ${v}`).toBe('SHAPE_CAP_LENGTH');
      }
    }
  });
});

describe('hardening §4.B parameters and policy', () => {
  it('B1 a proof made under another configuration', async () => {
    expect(rawCode(ours, fixture)).not.toBe('OK');
    expect(envCode(wrapEnvelope(ours, circuitIdOf(air), noPow), fixture)).toBe('POLICY_PRESET_MISMATCH');
    expect(rawCode(GOLDEN, getConfig('plonky3-fixture', { numQueries: 3 }))).toBe('FRI_QUERY_COUNT');
    expect(rawCode(GOLDEN, getConfig('plonky3-fixture', { logFinalPolyLen: 1 }))).not.toBe('OK');
    expect(rawCode(GOLDEN, getConfig('plonky3-fixture', { logBlowup: 3 }))).not.toBe('OK');
    expect(rawCode(GOLDEN, getConfig('plonky3-fixture', { constants: 'default' }))).not.toBe('OK');
  });
  it('B2 degree_bits out of range', () => {
    for (const db of [17, 26, 27, 31, 32, 53, 64]) {
      expect(rawCode(mutate(GOLDEN, (p) => with_(p, { degreeBits: db }))), `degree_bits ${db}`).toBe(
        'SHAPE_DEGREE_BITS_RANGE',
      );
    }
    expect(rawCode(mutate(GOLDEN, (p) => with_(p, { degreeBits: 4 })))).not.toBe('OK');
  });
  it('B3 degree_bits different from a static-height verifying key', () => {
    const r = verify(air, GOLDEN, PUBLICS, fixture, {
      format: 'postcard',
      expectedDegreeBits: 4,
      allowInsecure: true,
    });
    expect(r.ok ? 'OK' : r.code).toBe('VK_DEGREE_MISMATCH');
    expect(
      verify(air, GOLDEN, PUBLICS, fixture, {
        format: 'postcard',
        expectedDegreeBits: 3,
        allowInsecure: true,
      }),
    ).toEqual({
      ok: true,
    });
  });
  it('B4 invalid configurations throw VerifierConfigError at use', () => {
    for (const o of [{ numQueries: 0 }, { logBlowup: 0 }, { queryPowBits: 31 }, { commitPowBits: 64 }]) {
      expect(() => getConfig('c100', o)).toThrow(/config/);
    }
    expect(() => getConfig('nope')).toThrow(/unknown preset/);
  });
});

describe('hardening §4.C statement binding', () => {
  it('C1 public values changed, swapped, appended, removed', () => {
    expect(rawCode(GOLDEN, fixture, [0, 1, 22])).not.toBe('OK');
    expect(rawCode(GOLDEN, fixture, [1, 0, 21])).not.toBe('OK');
    expect(rawCode(GOLDEN, fixture, [0, 1, 21, 0])).toBe('SHAPE_PUBLIC_VALUES_LENGTH');
    expect(rawCode(GOLDEN, fixture, [0, 1])).toBe('SHAPE_PUBLIC_VALUES_LENGTH');
    expect(rawCode(ours, noPow, [0, 1, 22])).not.toBe('OK');
  });
  it('C2 proof for AIR X against AIR Y', () => {
    const other: Air = { ...fibonacciAir(), name: 'fibonacci-copy' };
    expect(envCode(wrapEnvelope(GOLDEN, circuitIdOf(air), fixture), fixture, PUBLICS, other)).toBe(
      'VK_UNKNOWN_CIRCUIT',
    );
    const r = verify(other, wrapEnvelope(GOLDEN, circuitIdOf(air), fixture), PUBLICS, fixture, {
      knownCircuits: [circuitIdOf(air), circuitIdOf(other)],
      allowInsecure: true,
    });
    expect(r.ok ? 'OK' : r.code).toBe('VK_MISMATCH');
  });
  it('C3 the same body re-wrapped with the verifier own id and digest is accepted iff the body is valid', () => {
    expect(envCode(wrapEnvelope(GOLDEN, circuitIdOf(air), fixture))).toBe('OK');
    expect(envCode(wrapEnvelope(ours, circuitIdOf(air), fixture))).not.toBe('OK');
  });
});

describe('hardening §4.D opened values', () => {
  const ov =
    (f: (o: Proof['openedValues']) => Partial<Proof['openedValues']>): Mut =>
    (p) =>
      with_(p, { openedValues: with_(p.openedValues, f(p.openedValues)) });
  it('D1-D6 shapes', () => {
    const grow = (x: Uint32Array): Uint32Array => Uint32Array.from([...x, 1, 2, 3, 4]);
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov((o) => ({ traceLocal: grow(o.traceLocal) })),
        ),
      ),
    ).toBe('SHAPE_TRACE_LOCAL_WIDTH');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov(() => ({ traceNext: null })),
        ),
      ),
    ).toBe('SHAPE_TRACE_NEXT');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov((o) => ({ traceNext: grow(o.traceNext!) })),
        ),
      ),
    ).toBe('SHAPE_TRACE_NEXT');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov((o) => ({ preprocessedLocal: o.traceLocal })),
        ),
      ),
    ).toBe('SHAPE_PREPROCESSED');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov((o) => ({ quotientChunks: [...o.quotientChunks, o.quotientChunks[0]] })),
        ),
      ),
    ).toBe('SHAPE_QUOTIENT_CHUNK_COUNT');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov(() => ({ quotientChunks: [] })),
        ),
      ),
    ).toBe('SHAPE_QUOTIENT_CHUNK_COUNT');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov((o) => ({ quotientChunks: [o.quotientChunks[0].slice(0, 12)] })),
        ),
      ),
    ).toBe('SHAPE_QUOTIENT_CHUNK_DIMENSION');
    expect(
      rawCode(
        mutate(
          GOLDEN,
          ov((o) => ({ random: o.traceLocal })),
        ),
      ),
    ).toBe('SHAPE_RANDOMIZATION');
    expect(
      rawCode(
        mutate(GOLDEN, (p) =>
          with_(p, { commitments: with_(p.commitments, { random: p.commitments.trace }) }),
        ),
      ),
    ).toBe('SHAPE_RANDOMIZATION');
  });
  it('D7 one opened value changed (trace local, next, quotient), with and without PoW', () => {
    const bump = (x: Uint32Array, i: number): Uint32Array => {
      const y = x.slice();
      y[i] = (y[i] + 1) % 0x78000001;
      return y;
    };
    for (const [base, cfg] of [
      [GOLDEN, fixture],
      [ours, noPow],
    ] as const) {
      expect(
        rawCode(
          mutate(
            base,
            ov((o) => ({ traceLocal: bump(o.traceLocal, 0) })),
          ),
          cfg,
        ),
      ).not.toBe('OK');
      expect(
        rawCode(
          mutate(
            base,
            ov((o) => ({ traceNext: bump(o.traceNext!, 5) })),
          ),
          cfg,
        ),
      ).not.toBe('OK');
      expect(
        rawCode(
          mutate(
            base,
            ov((o) => ({ quotientChunks: [bump(o.quotientChunks[0], 15)] })),
          ),
          cfg,
        ),
      ).not.toBe('OK');
    }
  });
});

describe('hardening §4.E-I commitments, FRI, Merkle, PoW (no-PoW proof so deeper checks fire first)', () => {
  const fri =
    (f: (x: Proof['openingProof']) => Partial<Proof['openingProof']>): Mut =>
    (p) =>
      with_(p, { openingProof: with_(p.openingProof, f(p.openingProof)) });
  type Query = Proof['openingProof']['queryProofs'][number];
  type Step = Query['commitPhaseOpenings'][number];
  type Batch = Query['inputProof'][number];
  /** Applies g to every query proof. */
  const eachQuery = (g: (q: Query) => Query): Mut => fri((f) => ({ queryProofs: f.queryProofs.map(g) }));
  /** Applies g to every commit-phase step of every query. */
  const eachStep = (g: (s: Step) => Step): Mut =>
    eachQuery((q) => with_(q, { commitPhaseOpenings: q.commitPhaseOpenings.map(g) }));
  /** Applies g to every input batch opening of every query. */
  const eachBatch = (g: (b: Batch) => Batch): Mut =>
    eachQuery((q) => with_(q, { inputProof: q.inputProof.map(g) }));
  /** The code our no-PoW proof gets after a mutation. */
  const noPowCode = (m: Mut): RejectionCode | 'OK' => rawCode(mutate(ours, m), noPow);
  const bumpD = (d: Uint32Array): Uint32Array => {
    const y = d.slice();
    y[0] = (y[0] + 1) % 0x78000001;
    return y;
  };
  it('E commitments changed', () => {
    expect(
      rawCode(
        mutate(ours, (p) =>
          with_(p, { commitments: with_(p.commitments, { trace: bumpD(p.commitments.trace) }) }),
        ),
        noPow,
      ),
    ).not.toBe('OK');
    expect(
      rawCode(
        mutate(ours, (p) =>
          with_(p, {
            commitments: with_(p.commitments, { quotientChunks: bumpD(p.commitments.quotientChunks) }),
          }),
        ),
        noPow,
      ),
    ).not.toBe('OK');
    expect(noPowCode(fri((f) => ({ commitPhaseCommits: [bumpD(f.commitPhaseCommits[0])] })))).not.toBe('OK');
  });
  it('F FRI structure codes', () => {
    expect(
      noPowCode(fri((f) => ({ commitPhaseCommits: [...f.commitPhaseCommits, f.commitPhaseCommits[0]] }))),
    ).toBe('FRI_ROUND_COUNT');
    expect(noPowCode(fri((f) => ({ commitPowWitnesses: [...f.commitPowWitnesses, 0] })))).toBe(
      'FRI_COMMIT_POW_COUNT',
    );
    expect(noPowCode(eachStep((s) => with_(s, { logArity: 2 })))).toBe('FRI_INVALID_LOG_ARITY');
    expect(noPowCode(fri((f) => ({ finalPoly: f.finalPoly.slice(0, 4) })))).toBe('FRI_FINAL_POLY_LENGTH');
    expect(noPowCode(fri((f) => ({ queryProofs: f.queryProofs.slice(0, 1) })))).toBe('FRI_QUERY_COUNT');
    expect(noPowCode(eachQuery((q) => with_(q, { inputProof: q.inputProof.slice(0, 1) })))).toBe(
      'FRI_INPUT_BATCH_COUNT',
    );
    expect(noPowCode(eachBatch((b) => with_(b, { openedValues: [] })))).toBe('FRI_BATCH_MATRIX_COUNT');
    expect(noPowCode(eachStep((s) => with_(s, { siblingValues: new Uint32Array(8) })))).toBe(
      'FRI_SIBLING_COUNT',
    );
  });
  it('G FRI values: sibling and final polynomial changed', () => {
    expect(noPowCode(eachStep((s) => with_(s, { siblingValues: bumpD(s.siblingValues) })))).toMatch(
      /^(MERKLE_ROOT_MISMATCH|FRI_FINAL_POLY_MISMATCH)$/,
    );
    expect(noPowCode(fri((f) => ({ finalPoly: bumpD(f.finalPoly) })))).not.toBe('OK');
  });
  it('H Merkle: path length, row width, root mismatch', () => {
    const q0 = (f: (q: Query) => Query): Mut =>
      fri((x) => ({ queryProofs: x.queryProofs.map((q, i) => (i === 0 ? f(q) : q)) }));
    expect(
      noPowCode(
        q0((q) =>
          with_(q, {
            inputProof: q.inputProof.map((b) => with_(b, { openingProof: b.openingProof.slice(1) })),
          }),
        ),
      ),
    ).toBe('MERKLE_PATH_LENGTH');
    expect(
      noPowCode(
        q0((q) =>
          with_(q, {
            inputProof: q.inputProof.map((b, i) =>
              i === 0 ? with_(b, { openedValues: [Uint32Array.from([...b.openedValues[0], 0])] }) : b,
            ),
          }),
        ),
      ),
    ).toMatch(/^(MERKLE_ROW_WIDTH|FRI_POINT_EVAL_COUNT)$/);
    expect(
      noPowCode(
        q0((q) =>
          with_(q, {
            inputProof: q.inputProof.map((b, i) =>
              i === 0 ? with_(b, { openedValues: [bumpD(b.openedValues[0])] }) : b,
            ),
          }),
        ),
      ),
    ).toBe('MERKLE_ROOT_MISMATCH');
    expect(
      noPowCode(
        q0((q) =>
          with_(q, {
            inputProof: q.inputProof.map((b) =>
              with_(b, { openingProof: [bumpD(b.openingProof[0]), ...b.openingProof.slice(1)] }),
            ),
          }),
        ),
      ),
    ).toBe('MERKLE_ROOT_MISMATCH');
  });
  it('I proof of work: wrong witnesses', () => {
    // find a commit witness that fails the 1-bit check on the golden proof
    let commitFails = false;
    let queryFails = false;
    for (let w = 1; w < 40 && !(commitFails && queryFails); w++) {
      const c = rawCode(
        mutate(
          GOLDEN,
          fri(() => ({ commitPowWitnesses: [w] })),
        ),
      );
      if (c === 'POW_COMMIT_INVALID') commitFails = true;
      const q = rawCode(
        mutate(
          GOLDEN,
          fri(() => ({ queryPowWitness: w })),
        ),
      );
      if (q === 'POW_QUERY_INVALID') queryFails = true;
      expect(c).not.toBe('OK');
      expect(q).not.toBe('OK');
    }
    expect(commitFails && queryFails).toBe(true);
    // with PoW bits 0 the witness must be 0 (canonical): any other value is rejected
    expect(noPowCode(fri(() => ({ queryPowWitness: 1 })))).toBe('POW_QUERY_INVALID');
    expect(noPowCode(fri(() => ({ commitPowWitnesses: [5] })))).toBe('POW_COMMIT_INVALID');
  });
});

describe('hardening §4.K malicious prover', () => {
  it('K a proof of a false statement (trace violating a constraint) is rejected', async () => {
    const bad = generateFibonacciTrace(0, 1, 8);
    bad.values[7] = (bad.values[7] + 1) % 0x78000001; // row 3, right column
    const proof = await proveProof(air, bad, PUBLICS, noPow);
    expect(rawCode(encodeProof(proof), noPow)).not.toBe('OK');
    const liar = await prove(air, generateFibonacciTrace(0, 1, 8), [0, 1, 22], noPow);
    expect(rawCode(liar, noPow, [0, 1, 22])).not.toBe('OK');
  });
});

describe('hardening §5.2 mutation sweep', () => {
  const sweep = (bytes: Uint8Array, cfg: typeof fixture): number => {
    let accepted = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const b = bytes.slice();
        b[i] ^= mask;
        const r = verify(air, b, PUBLICS, cfg, { format: 'postcard', allowInsecure: true });
        if (r.ok) accepted++;
        else expect(r.code, `byte ${i} ^ ${mask}`).not.toBe('INTERNAL_INVARIANT');
      }
    }
    return accepted;
  };
  it('every byte of the golden proof flipped (PoW enabled): none accepted', () => {
    expect(sweep(GOLDEN, fixture)).toBe(0);
  });
  it('every byte of our no-PoW proof flipped: none accepted', () => {
    expect(rawCode(ours, noPow)).toBe('OK');
    expect(sweep(ours, noPow)).toBe(0);
  });
});
