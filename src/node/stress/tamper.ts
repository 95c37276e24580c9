/**
 * The tamper catalogue of spec/verifier-hardening.md §4 applied to real proofs: classes A (bytes
 * and decoding), B (parameters), C (statement binding), D (opened values), E (commitments),
 * F (FRI structure), G (FRI values), H (Merkle), I (proof of work), K (false statements, proved
 * by the honest prover) and R (random 1-5 byte mutations). Each case turns a valid proof into a
 * verifier input; the harness checks that the production verifier rejects every one.
 *
 * Structure-aware cases decode the body (src/stark/codec.ts), edit the Proof object and re-encode
 * it, so they pass decoding and reach the check they target; byte-level cases edit the envelope or
 * the postcard body directly. No Plonky3 counterpart (Plonky3's own tamper tests live in
 * fri/tests and uni-stark/tests). Invariants: a case never returns an input identical to the
 * valid one (such cases are skipped), and `apply` never mutates the base.
 */
import type { Air } from '../../air/air.ts';
import { P } from '../../field/babybear.ts';
import type { Matrix } from '../../field/matrix.ts';
import { decodeProof, encodeProof } from '../../stark/codec.ts';
import type { StarkConfig } from '../../stark/config.ts';
import { getConfig } from '../../stark/config.ts';
import { wrapEnvelope } from '../../stark/envelope.ts';
import type { RejectionCode } from '../../stark/errors.ts';
import type { Proof } from '../../stark/proof.ts';
import { prove } from '../../stark/prove.ts';
import { circuitIdOf, compiledFor, maxProofBytesFor } from '../../stark/verify.ts';

/** A valid proof and its statement: the starting point of every case. */
export interface TamperBase {
  readonly air: Air;
  /** An AIR of another circuit (class C2), or null. */
  readonly otherAir: Air | null;
  /** The postcard body. */
  readonly body: Uint8Array;
  readonly publicValues: readonly number[];
  /** Configuration of prover and verifier. */
  readonly config: StarkConfig;
  /** The witness trace (class K re-proves a falsified statement); null skips class K. */
  readonly trace: Matrix | null;
}

/** What the verifier is given for one case. */
export interface TamperInput {
  /** Proof bytes (or a non-byte value for A1). */
  readonly bytes: unknown;
  readonly publicValues: ArrayLike<number>;
  /** The verifier's AIR. */
  readonly air: Air;
  /** The verifier's configuration. */
  readonly config: StarkConfig;
  readonly format: 'envelope' | 'postcard';
  readonly knownCircuits?: readonly string[];
}

/** One entry of the catalogue. */
export interface TamperCase {
  /** Stable id: hardening id and a short name, e.g. `A4.bad-magic`. */
  readonly id: string;
  /** Class letter (A..K, R). */
  readonly cls: string;
  /** Codes the case is expected to produce; undefined = any rejection. */
  readonly expect?: readonly RejectionCode[];
  /** Builds the input, or null when the case does not apply to this proof. */
  apply(base: TamperBase, rng: () => number): TamperInput | null | Promise<TamperInput | null>;
}

type Mutable<T> = T extends Uint32Array
  ? Uint32Array
  : T extends readonly (infer U)[]
    ? Mutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;
/** A decoded proof that cases may edit in place (each case decodes its own copy). */
type MProof = Mutable<Proof>;

const fresh = (b: TamperBase): MProof => decodeProof(b.body) as unknown as MProof;

function env(b: TamperBase, body: Uint8Array, extra: Partial<TamperInput> = {}): TamperInput {
  return {
    bytes: wrapEnvelope(body, circuitIdOf(b.air), b.config),
    publicValues: b.publicValues,
    air: b.air,
    config: b.config,
    format: 'envelope',
    ...extra,
  };
}

function raw(b: TamperBase, body: Uint8Array, extra: Partial<TamperInput> = {}): TamperInput {
  return {
    bytes: body,
    publicValues: b.publicValues,
    air: b.air,
    config: b.config,
    format: 'postcard',
    ...extra,
  };
}

/** Structure-aware case: edit a decoded copy, re-encode, wrap. `edit` returns false when N/A. */
function edit(b: TamperBase, f: (p: MProof) => boolean | undefined): TamperInput | null {
  const p = fresh(b);
  if (f(p) === false) return null;
  return env(b, encodeProof(p as Proof));
}

const bump = (x: Uint32Array, i: number): void => {
  x[i] = (x[i] + 1) % P;
};
const flipBit = (v: number): number => ((v ^ 1) < P ? v ^ 1 : (v + 1) % P);
const concat = (...parts: ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Index just past the varint starting at pos. */
function skipVarint(bytes: Uint8Array, pos: number): number {
  let i = pos;
  while (i < bytes.length && bytes[i] & 0x80) i++;
  return i + 1;
}

/** Index just past a cap (length prefix 1 + 8 field varints) starting at pos. */
function skipCap(bytes: Uint8Array, pos: number): number {
  let i = skipVarint(bytes, pos);
  for (let k = 0; k < 8; k++) i = skipVarint(bytes, i);
  return i;
}

/** [start, end) of the query PoW witness: the varint before the final degree_bits varint. */
function queryWitnessSpan(body: Uint8Array): [number, number] {
  let j = body.length - 1;
  while (j > 0 && body[j - 1] & 0x80) j--;
  let s = j - 1;
  while (s > 0 && body[s - 1] & 0x80) s--;
  return [s, j];
}

function varint(v: number): number[] {
  const out: number[] = [];
  let x = v;
  while (x >= 0x80) {
    out.push((x % 128) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
  return out;
}

/** The body with bytes [s, e) replaced. */
const splice = (body: Uint8Array, s: number, e: number, bytes: ArrayLike<number>): Uint8Array =>
  concat(body.subarray(0, s), bytes, body.subarray(e));

/** Offset of the trace_local length prefix (after the two caps and the `random` option tag). */
function traceLocalPrefix(body: Uint8Array): number {
  return skipCap(body, skipCap(body, 0)) + 1;
}

const headerLen = (b: TamperBase): number => 42 + circuitIdOf(b.air).length;

const SHAPE = (c: RejectionCode): readonly RejectionCode[] => [c];

function anotherPreset(c: StarkConfig): StarkConfig {
  return getConfig(c.name === 'c100-compact' ? 'c100' : 'c100-compact');
}

function bytesCase(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (b: TamperBase) => TamperInput | null,
): TamperCase {
  return { id, cls: id[0], expect, apply: (b) => f(b) };
}

function editCase(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (p: MProof, b: TamperBase) => boolean | undefined,
): TamperCase {
  return { id, cls: id[0], expect, apply: (b) => edit(b, (p) => f(p, b)) };
}

const A: TamperCase[] = [
  bytesCase('A1.empty', ['DECODE_EMPTY'], (b) => env(b, b.body, { bytes: new Uint8Array(0) })),
  bytesCase('A1.string', ['DECODE_BAD_INPUT_TYPE'], (b) => env(b, b.body, { bytes: 'proof' })),
  bytesCase('A1.null', ['DECODE_BAD_INPUT_TYPE'], (b) => env(b, b.body, { bytes: null })),
  bytesCase('A2.envelope-prefix-header', ['DECODE_TRUNCATED'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    return env(b, b.body, { bytes: e.slice(0, headerLen(b) - 3) });
  }),
  bytesCase('A2.envelope-prefix-half', ['DECODE_TRUNCATED'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    return env(b, b.body, { bytes: e.slice(0, e.length >> 1) });
  }),
  bytesCase('A2.envelope-prefix-last', ['DECODE_TRUNCATED'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    return env(b, b.body, { bytes: e.slice(0, e.length - 1) });
  }),
  bytesCase('A2.body-prefix-half', ['DECODE_TRUNCATED'], (b) => env(b, b.body.slice(0, b.body.length >> 1))),
  bytesCase('A2.body-prefix-last', ['DECODE_TRUNCATED'], (b) => env(b, b.body.slice(0, b.body.length - 1))),
  bytesCase('A2.raw-prefix-third', ['DECODE_TRUNCATED'], (b) =>
    raw(b, b.body.slice(0, (b.body.length / 3) | 0)),
  ),
  bytesCase('A3.envelope-trailing-1', ['DECODE_TRAILING_BYTES'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    return env(b, b.body, { bytes: concat(e, [0]) });
  }),
  bytesCase('A3.body-trailing-17', ['DECODE_TRAILING_BYTES'], (b) =>
    env(b, concat(b.body, new Uint8Array(17))),
  ),
  bytesCase('A3.raw-trailing-1', ['DECODE_TRAILING_BYTES'], (b) => raw(b, concat(b.body, [1]))),
  bytesCase('A4.bad-magic', ['DECODE_BAD_HEADER'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    e[0] ^= 1;
    return env(b, b.body, { bytes: e });
  }),
  bytesCase('A4.bad-version', ['DECODE_BAD_HEADER'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    e[4] = 9;
    return env(b, b.body, { bytes: e });
  }),
  bytesCase('A4.unknown-circuit', ['VK_UNKNOWN_CIRCUIT'], (b) =>
    env(b, b.body, { bytes: wrapEnvelope(b.body, 'unknown-circuit@1', b.config) }),
  ),
  bytesCase('A4.other-loaded-circuit', ['VK_MISMATCH'], (b) => {
    if (b.otherAir === null) return null;
    const other = circuitIdOf(b.otherAir);
    return env(b, b.body, {
      bytes: wrapEnvelope(b.body, other, b.config),
      knownCircuits: [circuitIdOf(b.air), other],
    });
  }),
  bytesCase('A4.other-preset-digest', ['POLICY_PRESET_MISMATCH'], (b) =>
    env(b, b.body, { bytes: wrapEnvelope(b.body, circuitIdOf(b.air), anotherPreset(b.config)) }),
  ),
  bytesCase('A4.body-length+1', ['DECODE_TRUNCATED'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    const dv = new DataView(e.buffer);
    dv.setUint32(headerLen(b) - 4, b.body.length + 1, true);
    return env(b, b.body, { bytes: e });
  }),
  bytesCase('A4.body-length-1', ['DECODE_TRAILING_BYTES'], (b) => {
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    new DataView(e.buffer).setUint32(headerLen(b) - 4, b.body.length - 1, true);
    return env(b, b.body, { bytes: e });
  }),
  ...[
    ['2^32-1', [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['2^31', [0x80, 0x80, 0x80, 0x80, 0x08]],
    ['2^53-1', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ].map(([name, v]) =>
    bytesCase(
      `A5.trace-local-len-${name as string}`,
      ['DECODE_LENGTH_LIMIT', 'DECODE_NONCANONICAL_VARINT'],
      (b) => {
        const o = traceLocalPrefix(b.body);
        return env(b, splice(b.body, o, skipVarint(b.body, o), v as number[]));
      },
    ),
  ),
  ...[-1, 1, 'zero'].map((d) =>
    bytesCase(`A5.trace-local-len-${d === 'zero' ? '0' : d === 1 ? '+1' : '-1'}`, undefined, (b) => {
      const o = traceLocalPrefix(b.body);
      const e = skipVarint(b.body, o);
      const n = d === 'zero' ? 0 : Number(b.body[o] & 0x7f) + (d as number);
      if (e - o !== 1 || n < 0 || n > 0x7f) return null;
      return env(b, splice(b.body, o, e, [n]));
    }),
  ),
  bytesCase('A6.degree-bits-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) => {
    const n = b.body.length;
    if (b.body[n - 1] & 0x80) return null;
    return env(b, splice(b.body, n - 1, n, [b.body[n - 1] | 0x80, 0x00]));
  }),
  bytesCase('A6.felt-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) => {
    const e = skipVarint(b.body, 1); // first element of the trace cap
    return env(b, splice(b.body, e - 1, e, [b.body[e - 1] | 0x80, 0x00]));
  }),
  bytesCase('A6.pow-witness-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) => {
    const [, e] = queryWitnessSpan(b.body);
    return env(b, splice(b.body, e - 1, e, [b.body[e - 1] | 0x80, 0x00]));
  }),
  ...[P, P + 1, 2 ** 31, 2 ** 32 - 1].map((v) =>
    bytesCase(
      `A7.pow-witness-${v === P ? 'p' : v === P + 1 ? 'p+1' : v === 2 ** 31 ? '2^31' : '2^32-1'}`,
      ['DECODE_NONCANONICAL_FIELD'],
      (b) => {
        const [s, e] = queryWitnessSpan(b.body);
        return env(b, splice(b.body, s, e, varint(v)));
      },
    ),
  ),
  bytesCase('A7.trace-cap-felt-p', ['DECODE_NONCANONICAL_FIELD'], (b) =>
    env(b, splice(b.body, 1, skipVarint(b.body, 1), varint(P))),
  ),
  bytesCase('A7.public-value-p', ['DECODE_NONCANONICAL_FIELD'], (b) => {
    if (b.publicValues.length === 0) return null;
    return env(b, b.body, { publicValues: [P, ...b.publicValues.slice(1)] });
  }),
  ...[2, 0xff].map((t) =>
    bytesCase(`A8.random-tag-${t}`, ['DECODE_BAD_TAG'], (b) => {
      const o = skipCap(b.body, skipCap(b.body, 0));
      return env(b, splice(b.body, o, o + 1, [t]));
    }),
  ),
  bytesCase('A9.oversized-envelope', ['LIMIT_PROOF_TOO_LARGE'], (b) => {
    const bound = maxProofBytesFor(compiledFor(b.air), b.config);
    const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
    const big = new Uint8Array(Math.max(bound + 1, e.length + 1));
    big.set(e);
    return env(b, b.body, { bytes: big });
  }),
  bytesCase('A9.oversized-raw', ['LIMIT_PROOF_TOO_LARGE'], (b) => {
    const bound = maxProofBytesFor(compiledFor(b.air), b.config);
    const big = new Uint8Array(Math.max(bound + 1, b.body.length + 1));
    big.set(b.body);
    return raw(b, big);
  }),
  ...[
    ['trace', 0, 0],
    ['trace', 0, 2],
    ['quotient', 1, 0],
    ['quotient', 1, 2],
  ].map(([name, which, v]) =>
    bytesCase(`A11.${name}-cap-len-${v}`, SHAPE('SHAPE_CAP_LENGTH'), (b) => {
      const o = which === 0 ? 0 : skipCap(b.body, 0);
      return env(b, splice(b.body, o, o + 1, [v as number]));
    }),
  ),
];

function rawUnder(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (c: StarkConfig) => StarkConfig | null,
): TamperCase {
  return {
    id,
    cls: 'B',
    expect,
    apply(b) {
      let cfg: StarkConfig | null;
      try {
        cfg = f(b.config);
      } catch {
        return null; // not a valid verifier configuration for this preset
      }
      return cfg === null ? null : raw(b, b.body, { config: cfg });
    },
  };
}

const nameOf = (c: StarkConfig): string => c.name.replace(/\+custom$/, '');

const B: TamperCase[] = [
  bytesCase('B1.envelope-num-queries+1', ['POLICY_PRESET_MISMATCH'], (b) =>
    env(b, b.body, {
      bytes: wrapEnvelope(
        b.body,
        circuitIdOf(b.air),
        getConfig(nameOf(b.config), { ...b.config.fri, numQueries: b.config.fri.numQueries + 1 }),
      ),
    }),
  ),
  rawUnder('B1.raw-num-queries+1', ['FRI_QUERY_COUNT'], (c) =>
    getConfig(nameOf(c), { ...c.fri, numQueries: c.fri.numQueries + 1, constants: c.constants }),
  ),
  rawUnder('B1.raw-num-queries-1', ['FRI_QUERY_COUNT'], (c) =>
    c.fri.numQueries < 2
      ? null
      : getConfig(nameOf(c), { ...c.fri, numQueries: c.fri.numQueries - 1, constants: c.constants }),
  ),
  rawUnder('B1.raw-log-blowup+1', undefined, (c) =>
    getConfig(nameOf(c), { ...c.fri, logBlowup: c.fri.logBlowup + 1, constants: c.constants }),
  ),
  rawUnder('B1.raw-final-poly+1', undefined, (c) =>
    getConfig(nameOf(c), { ...c.fri, logFinalPolyLen: c.fri.logFinalPolyLen + 1, constants: c.constants }),
  ),
  rawUnder('B1.raw-other-constants', undefined, (c) =>
    getConfig(nameOf(c), { ...c.fri, constants: c.constants === 'default' ? 'rng-seed-1' : 'default' }),
  ),
  ...[31, 32, 64].map((db) =>
    editCase(`B2.degree-bits-${db}`, SHAPE('SHAPE_DEGREE_BITS_RANGE'), (p) => {
      p.degreeBits = db;
      return true;
    }),
  ),
  editCase('B2.degree-bits+1', undefined, (p) => {
    p.degreeBits += 1;
    return true;
  }),
  editCase('B2.degree-bits-1', undefined, (p) => {
    if (p.degreeBits < 2) return false;
    p.degreeBits -= 1;
    return true;
  }),
];

function publicsCase(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (v: number[]) => number[] | null,
): TamperCase {
  return {
    id,
    cls: 'C',
    expect,
    apply(b) {
      const v = f([...b.publicValues]);
      if (v === null) return null;
      return env(b, b.body, { publicValues: v });
    },
  };
}

const C: TamperCase[] = [
  publicsCase('C1.public-first+1', undefined, (v) =>
    v.length === 0 ? null : [(v[0] + 1) % P, ...v.slice(1)],
  ),
  publicsCase('C1.public-last+1', undefined, (v) =>
    v.length === 0 ? null : [...v.slice(0, -1), (v[v.length - 1] + 1) % P],
  ),
  publicsCase('C1.publics-swapped', undefined, (v) =>
    v.length < 2 || v[0] === v[1] ? null : [v[1], v[0], ...v.slice(2)],
  ),
  publicsCase('C1.public-appended', SHAPE('SHAPE_PUBLIC_VALUES_LENGTH'), (v) => [...v, 0]),
  publicsCase('C1.public-removed', SHAPE('SHAPE_PUBLIC_VALUES_LENGTH'), (v) =>
    v.length === 0 ? null : v.slice(0, -1),
  ),
  bytesCase('C2.other-air-raw', undefined, (b) =>
    b.otherAir === null ? null : raw(b, b.body, { air: b.otherAir }),
  ),
  bytesCase('C2.other-air-envelope', ['VK_MISMATCH'], (b) =>
    b.otherAir === null
      ? null
      : env(b, b.body, { air: b.otherAir, knownCircuits: [circuitIdOf(b.air), circuitIdOf(b.otherAir)] }),
  ),
  bytesCase('C3.other-config-digest', ['POLICY_PRESET_MISMATCH'], (b) =>
    env(b, b.body, { bytes: wrapEnvelope(b.body, circuitIdOf(b.air), anotherPreset(b.config)) }),
  ),
];

const grow = (x: Uint32Array): Uint32Array => Uint32Array.from([...x, 1, 2, 3, 4]);

const D: TamperCase[] = [
  editCase('D1.trace-local-width-1', SHAPE('SHAPE_TRACE_LOCAL_WIDTH'), (p) => {
    p.openedValues.traceLocal = p.openedValues.traceLocal.slice(0, -4);
    return true;
  }),
  editCase('D1.trace-local-width+1', SHAPE('SHAPE_TRACE_LOCAL_WIDTH'), (p) => {
    p.openedValues.traceLocal = grow(p.openedValues.traceLocal);
    return true;
  }),
  editCase('D2.trace-next-presence', SHAPE('SHAPE_TRACE_NEXT'), (p) => {
    const o = p.openedValues;
    o.traceNext = o.traceNext === null ? o.traceLocal.slice() : null;
    return true;
  }),
  editCase('D2.trace-next-width+1', SHAPE('SHAPE_TRACE_NEXT'), (p) => {
    const o = p.openedValues;
    if (o.traceNext === null) return false;
    o.traceNext = grow(o.traceNext);
    return true;
  }),
  editCase('D3.preprocessed-presence', SHAPE('SHAPE_PREPROCESSED'), (p) => {
    const o = p.openedValues;
    if (o.preprocessedLocal !== null) o.preprocessedLocal = null;
    else o.preprocessedLocal = o.traceLocal.slice();
    return true;
  }),
  editCase('D4.quotient-chunks+1', SHAPE('SHAPE_QUOTIENT_CHUNK_COUNT'), (p) => {
    const q = p.openedValues.quotientChunks;
    q.push(q[0].slice());
    return true;
  }),
  editCase('D4.quotient-chunks-1', SHAPE('SHAPE_QUOTIENT_CHUNK_COUNT'), (p) => {
    p.openedValues.quotientChunks.pop();
    return true;
  }),
  editCase('D5.chunk-dimension', SHAPE('SHAPE_QUOTIENT_CHUNK_DIMENSION'), (p) => {
    const q = p.openedValues.quotientChunks;
    q[0] = q[0].slice(0, q[0].length - 4);
    return true;
  }),
  editCase('D6.random-values-present', SHAPE('SHAPE_RANDOMIZATION'), (p) => {
    if (p.openedValues.random !== null) return false;
    p.openedValues.random = p.openedValues.traceLocal.slice();
    return true;
  }),
  editCase('D6.random-commit-present', SHAPE('SHAPE_RANDOMIZATION'), (p) => {
    if (p.commitments.random !== null) return false;
    p.commitments.random = p.commitments.trace.slice();
    return true;
  }),
  editCase('D7.trace-local-first', undefined, (p) => {
    bump(p.openedValues.traceLocal, 0);
    return true;
  }),
  editCase('D7.trace-local-last', undefined, (p) => {
    bump(p.openedValues.traceLocal, p.openedValues.traceLocal.length - 1);
    return true;
  }),
  editCase('D7.trace-next', undefined, (p) => {
    if (p.openedValues.traceNext === null) return false;
    bump(p.openedValues.traceNext, 1);
    return true;
  }),
  editCase('D7.quotient-chunk', undefined, (p) => {
    const q = p.openedValues.quotientChunks;
    bump(q[q.length - 1], 15);
    return true;
  }),
];

const E: TamperCase[] = [
  editCase('E1.trace-commit-bit', undefined, (p) => {
    p.commitments.trace[3] = flipBit(p.commitments.trace[3]);
    return true;
  }),
  editCase('E1.quotient-commit-bit', undefined, (p) => {
    p.commitments.quotientChunks[7] = flipBit(p.commitments.quotientChunks[7]);
    return true;
  }),
  editCase('E1.fri-round-first-bit', undefined, (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length === 0) return false;
    c[0][0] = flipBit(c[0][0]);
    return true;
  }),
  editCase('E1.fri-round-last-bit', undefined, (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length < 2) return false;
    c[c.length - 1][5] = flipBit(c[c.length - 1][5]);
    return true;
  }),
  editCase('E2.trace-quotient-swapped', undefined, (p) => {
    const t = p.commitments.trace;
    p.commitments.trace = p.commitments.quotientChunks;
    p.commitments.quotientChunks = t;
    return true;
  }),
  editCase('E2.fri-rounds-reordered', undefined, (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length < 2) return false;
    [c[0], c[1]] = [c[1], c[0]];
    return true;
  }),
  editCase('E3.digest-7', undefined, (p) => {
    p.commitments.trace = p.commitments.trace.slice(0, 7);
    return true;
  }),
  editCase('E3.digest-9', undefined, (p) => {
    p.commitments.quotientChunks = Uint32Array.from([...p.commitments.quotientChunks, 1]);
    return true;
  }),
];

const q0 = (p: MProof): MProof['openingProof']['queryProofs'][number] => p.openingProof.queryProofs[0];

const F: TamperCase[] = [
  editCase('F1.round-removed', ['FRI_ROUND_COUNT', 'FRI_GLOBAL_HEIGHT_MISMATCH'], (p) => {
    if (p.openingProof.commitPhaseCommits.length === 0) return false;
    p.openingProof.commitPhaseCommits.pop();
    return true;
  }),
  editCase('F1.round-duplicated', ['FRI_ROUND_COUNT', 'FRI_GLOBAL_HEIGHT_MISMATCH'], (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length === 0) return false;
    c.push(c[c.length - 1].slice());
    return true;
  }),
  editCase('F2.commit-pow-longer', SHAPE('FRI_COMMIT_POW_COUNT'), (p) => {
    p.openingProof.commitPowWitnesses.push(0);
    return true;
  }),
  editCase('F2.commit-pow-shorter', SHAPE('FRI_COMMIT_POW_COUNT'), (p) => {
    if (p.openingProof.commitPowWitnesses.length === 0) return false;
    p.openingProof.commitPowWitnesses.pop();
    return true;
  }),
  ...[0, 'max+1', 255].map((a) =>
    editCase(
      `F3.log-arity-${a}`,
      ['FRI_INVALID_LOG_ARITY', 'FRI_ARITY_SCHEDULE_MISMATCH', 'FRI_SIBLING_COUNT'],
      (p, b) => {
        const steps = q0(p).commitPhaseOpenings;
        if (steps.length === 0) return false;
        steps[0].logArity = a === 'max+1' ? b.config.fri.maxLogArity + 1 : (a as number);
        return true;
      },
    ),
  ),
  editCase('F4.arity-schedule-all-doubled', undefined, (p) => {
    for (const q of p.openingProof.queryProofs) for (const s of q.commitPhaseOpenings) s.logArity += 1;
    return p.openingProof.queryProofs.length > 0;
  }),
  editCase('F5.final-poly-empty', SHAPE('FRI_FINAL_POLY_LENGTH'), (p) => {
    p.openingProof.finalPoly = new Uint32Array(0);
    return true;
  }),
  editCase('F5.final-poly+1', SHAPE('FRI_FINAL_POLY_LENGTH'), (p) => {
    p.openingProof.finalPoly = grow(p.openingProof.finalPoly);
    return true;
  }),
  editCase('F5.final-poly-1', SHAPE('FRI_FINAL_POLY_LENGTH'), (p) => {
    if (p.openingProof.finalPoly.length < 8) return false;
    p.openingProof.finalPoly = p.openingProof.finalPoly.slice(0, -4);
    return true;
  }),
  editCase('F6.query-count-1', SHAPE('FRI_QUERY_COUNT'), (p) => {
    p.openingProof.queryProofs.pop();
    return true;
  }),
  editCase('F6.query-count+1', SHAPE('FRI_QUERY_COUNT'), (p) => {
    const q = p.openingProof.queryProofs;
    q.push(q[0]);
    return true;
  }),
  editCase('F6.query-rounds-1', undefined, (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0) return false;
    steps.pop();
    return true;
  }),
  editCase('F7.sibling-count', SHAPE('FRI_SIBLING_COUNT'), (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0) return false;
    steps[0].siblingValues = grow(steps[0].siblingValues);
    return true;
  }),
  editCase('F8.input-batch-count', SHAPE('FRI_INPUT_BATCH_COUNT'), (p) => {
    q0(p).inputProof.pop();
    return true;
  }),
  editCase('F8.batch-matrix-count', ['FRI_BATCH_MATRIX_COUNT', 'MERKLE_BATCH_SIZE'], (p) => {
    const b0 = q0(p).inputProof[0];
    b0.openedValues.push(b0.openedValues[0].slice());
    return true;
  }),
];

const G: TamperCase[] = [
  editCase('G1.final-poly-coeff', undefined, (p) => {
    bump(p.openingProof.finalPoly, 0);
    return true;
  }),
  ...['first', 'mid', 'last'].map((w) =>
    editCase(`G2.sibling-round-${w}`, undefined, (p) => {
      const steps = q0(p).commitPhaseOpenings;
      if (steps.length === 0 || (w !== 'first' && steps.length < 3)) return false;
      const s = steps[w === 'first' ? 0 : w === 'mid' ? steps.length >> 1 : steps.length - 1];
      bump(s.siblingValues, 0);
      return true;
    }),
  ),
];

const H: TamperCase[] = [
  editCase('H1.input-path-short', SHAPE('MERKLE_PATH_LENGTH'), (p) => {
    q0(p).inputProof[0].openingProof.pop();
    return true;
  }),
  editCase('H1.input-path-long', SHAPE('MERKLE_PATH_LENGTH'), (p) => {
    const path = q0(p).inputProof[0].openingProof;
    path.push(path[0].slice());
    return true;
  }),
  editCase('H1.fri-path-short', SHAPE('MERKLE_PATH_LENGTH'), (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0 || steps[0].openingProof.length === 0) return false;
    steps[0].openingProof.pop();
    return true;
  }),
  editCase('H2.input-sibling-bit', SHAPE('MERKLE_ROOT_MISMATCH'), (p) => {
    const d = q0(p).inputProof[0].openingProof[0];
    d[2] = flipBit(d[2]);
    return true;
  }),
  editCase('H2.quotient-sibling-bit', SHAPE('MERKLE_ROOT_MISMATCH'), (p) => {
    const ip = p.openingProof.queryProofs[p.openingProof.queryProofs.length - 1].inputProof;
    const path = ip[ip.length - 1].openingProof;
    if (path.length === 0) return false;
    const d = path[path.length - 1];
    d[7] = flipBit(d[7]);
    return true;
  }),
  editCase('H2.fri-sibling-bit', SHAPE('MERKLE_ROOT_MISMATCH'), (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0 || steps[0].openingProof.length === 0) return false;
    const d = steps[0].openingProof[0];
    d[0] = flipBit(d[0]);
    return true;
  }),
  editCase('H3.row-longer', ['MERKLE_ROW_WIDTH', 'FRI_POINT_EVAL_COUNT'], (p) => {
    const rows = q0(p).inputProof[0].openedValues;
    rows[0] = Uint32Array.from([...rows[0], 0]);
    return true;
  }),
  editCase('H3.row-shorter', ['MERKLE_ROW_WIDTH', 'FRI_POINT_EVAL_COUNT'], (p) => {
    const rows = q0(p).inputProof[0].openedValues;
    if (rows[0].length === 0) return false;
    rows[0] = rows[0].slice(0, -1);
    return true;
  }),
  editCase('H3.opened-value', SHAPE('MERKLE_ROOT_MISMATCH'), (p) => {
    bump(q0(p).inputProof[0].openedValues[0], 0);
    return true;
  }),
  editCase('H3.element-moved-between-matrices', SHAPE('MERKLE_ROW_WIDTH'), (p) => {
    // quotient batch: chunk matrices of the same height, hashed as one concatenated row
    const ip = q0(p).inputProof;
    const rows = ip[ip.length - 1].openedValues;
    if (rows.length < 2 || rows[0].length < 2) return false;
    const moved = rows[0][rows[0].length - 1];
    rows[0] = rows[0].slice(0, -1);
    rows[1] = Uint32Array.from([moved, ...rows[1]]);
    return true;
  }),
];

/** PoW mutations make sense when a random witness passes with probability <= 2^-12 (or bits = 0). */
const powTestable = (bits: number): boolean => bits === 0 || bits >= 12;

const I: TamperCase[] = [
  ...(['+1', '0', 'p-1'] as const).map((w) =>
    editCase(`I1.query-witness-${w}`, SHAPE('POW_QUERY_INVALID'), (p, b) => {
      if (!powTestable(b.config.fri.queryPowBits)) return false;
      const cur = p.openingProof.queryPowWitness;
      const next = w === '+1' ? (cur + 1) % P : w === '0' ? 0 : P - 1;
      if (next === cur) return false;
      p.openingProof.queryPowWitness = next;
      return true;
    }),
  ),
  editCase('I2.commit-witness-round-0', SHAPE('POW_COMMIT_INVALID'), (p, b) => {
    const w = p.openingProof.commitPowWitnesses;
    if (w.length === 0 || !powTestable(b.config.fri.commitPowBits)) return false;
    w[0] = (w[0] + 1) % P;
    return true;
  }),
  bytesCase('I3.query-witness-p', ['DECODE_NONCANONICAL_FIELD'], (b) => {
    const [s, e] = queryWitnessSpan(b.body);
    return env(b, splice(b.body, s, e, varint(P + 5)));
  }),
];

const K: TamperCase[] = [
  {
    id: 'K1.violated-constraint',
    cls: 'K',
    async apply(b) {
      if (b.trace === null) return null;
      const t = { values: b.trace.values.slice(), width: b.trace.width };
      const mid = ((t.values.length / t.width) >> 1) * t.width;
      t.values[mid] = (t.values[mid] + 1) % P;
      let body: Uint8Array;
      try {
        body = await prove(b.air, t, b.publicValues, b.config);
      } catch {
        return null; // the prover refused the false statement: nothing to verify
      }
      return env(b, body);
    },
  },
  {
    id: 'K3.false-public-value',
    cls: 'K',
    async apply(b) {
      if (b.trace === null || b.publicValues.length === 0) return null;
      const lie = [...b.publicValues];
      lie[lie.length - 1] = (lie[lie.length - 1] + 1) % P;
      let body: Uint8Array;
      try {
        body = await prove(b.air, b.trace, lie, b.config);
      } catch {
        return null;
      }
      return env(b, body, { publicValues: lie });
    },
  },
];

/** The structured catalogue, classes A to K, in order. */
export const TAMPER_CATALOGUE: readonly TamperCase[] = Object.freeze([
  ...A,
  ...B,
  ...C,
  ...D,
  ...E,
  ...F,
  ...G,
  ...H,
  ...I,
  ...K,
]);

/**
 * A seeded xorshift32 generator of floats in [0, 1).
 * @param seed any integer (0 is replaced by 1)
 * @returns the generator
 */
export function seededRng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/**
 * Class R: `count` random mutations of the enveloped proof, each changing 1 to 5 random bytes
 * (xor with a random non-zero mask).
 * @param count number of cases
 * @returns the cases (ids R.random-0 ...)
 */
export function randomCases(count: number): TamperCase[] {
  const out: TamperCase[] = [];
  for (let k = 0; k < count; k++) {
    out.push({
      id: `R.random-${k}`,
      cls: 'R',
      apply(b, rng) {
        const e = wrapEnvelope(b.body, circuitIdOf(b.air), b.config);
        const n = 1 + Math.floor(rng() * 5);
        for (let i = 0; i < n; i++) e[Math.floor(rng() * e.length)] ^= 1 + Math.floor(rng() * 255);
        return env(b, b.body, { bytes: e });
      },
    });
  }
  return out;
}

/**
 * Whether a tamper input is byte-for-byte the valid statement (such a case is skipped, not counted).
 * @param base the valid proof
 * @param input the tampered input
 * @returns true when nothing changed
 */
export function isUnchanged(base: TamperBase, input: TamperInput): boolean {
  if (input.air !== base.air || input.config !== base.config) return false;
  if (input.publicValues.length !== base.publicValues.length) return false;
  for (let i = 0; i < base.publicValues.length; i++)
    if (input.publicValues[i] !== base.publicValues[i]) return false;
  if (!(input.bytes instanceof Uint8Array)) return false;
  const want =
    input.format === 'envelope' ? wrapEnvelope(base.body, circuitIdOf(base.air), base.config) : base.body;
  if (want.length !== input.bytes.length) return false;
  for (let i = 0; i < want.length; i++) if (want[i] !== input.bytes[i]) return false;
  return true;
}
