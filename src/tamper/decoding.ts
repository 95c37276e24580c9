/**
 * Class A of docs/verifier-hardening.md §4 (bytes and decoding) as tamper cases, the envelope
 * mutations the node's canary runs, and the byte sweeps of docs/verifier-hardening.md §5.2 (every prefix, every flipped
 * bit). Byte-level: each case edits the envelope or the postcard body at offsets found by
 * `bodyOffsets` and expects the decoder's or the envelope parser's exact code.
 */
import { P } from '../field/babybear.ts';
import { encodeVarint } from '../stark/codec.ts';
import { getConfig, type StarkConfig } from '../stark/config.ts';
import {
  ENVELOPE_ID_LENGTH_OFFSET,
  ENVELOPE_VERSION_OFFSET,
  type EnvelopeLayout,
  envelopeLayout,
  wrapEnvelope,
} from '../stark/envelope.ts';
import type { RejectionCode } from '../stark/errors.ts';
import { circuitIdOf, compiledFor, maxProofBytesFor } from '../stark/verify.ts';
import { bytesCase, env, envelopeOf, raw, type TamperBase, type TamperCase } from './case.ts';
import { bodyOffsets, concatBytes, overlongVarint, splice, varintEnd, xorByte } from './layout.ts';

/** A preset other than the base's, for a digest that differs (A4, C3). */
export function anotherPreset(c: StarkConfig): StarkConfig {
  return getConfig(c.name === 'c100-compact' ? 'c100' : 'c100-compact');
}

/** Layout of the base's envelope. */
const layoutOf = (b: TamperBase): EnvelopeLayout => envelopeLayout(circuitIdOf(b.air).length);

/** The base's envelope with its declared body length set to `n`. */
function withBodyLength(b: TamperBase, n: number): Uint8Array {
  const e = envelopeOf(b);
  new DataView(e.buffer).setUint32(layoutOf(b).bodyLength, n, true);
  return e;
}

/** Deterministic filler bytes (Knuth's multiplicative hash of the index). */
const filler = (n: number): Uint8Array => new Uint8Array(n).map((_, i) => Math.imul(i, 2654435761) >>> 24);

const sizeBound = (b: TamperBase): number => maxProofBytesFor(compiledFor(b.air), b.config);

/** A length prefix changed by a small amount: a shape check fires, or the decoder stumbles. */
const STUMBLE: readonly RejectionCode[] = [
  'SHAPE_TRACE_LOCAL_WIDTH',
  'DECODE_TRUNCATED',
  'DECODE_NONCANONICAL_FIELD',
  'DECODE_BAD_TAG',
];
const A5_SMALL: Record<string, readonly RejectionCode[]> = {
  '-1': [...STUMBLE, 'DECODE_LENGTH_LIMIT'],
  '+1': [...STUMBLE, 'DECODE_LENGTH_LIMIT'],
  '0': [...STUMBLE, 'DECODE_NONCANONICAL_VARINT'],
};

const HUGE_LENGTHS: readonly (readonly [string, number])[] = [
  ['2^32-1', 2 ** 32 - 1],
  ['2^31', 2 ** 31],
  ['2^53-1', 2 ** 53 - 1],
];

const NON_FIELD: readonly (readonly [string, number])[] = [
  ['p', P],
  ['p+1', P + 1],
  ['2^31', 2 ** 31],
  ['2^32-1', 2 ** 32 - 1],
];

const BAD_TAGS: readonly number[] = [2, 3, 0x7f, 0xff];

/** Class A: bytes and decoding. */
export const CLASS_A: readonly TamperCase[] = [
  bytesCase('A1.empty', ['DECODE_EMPTY'], (b) => env(b, b.body, { bytes: new Uint8Array(0) })),
  bytesCase('A1.empty-raw', ['DECODE_EMPTY'], (b) => raw(b, new Uint8Array(0))),
  ...(
    [
      ['string', 'proof'],
      ['null', null],
      ['number', 42],
      ['array', [1, 2]],
      ['object', {}],
    ] as const
  ).map(([name, v]) =>
    bytesCase(`A1.${name}`, ['DECODE_BAD_INPUT_TYPE'], (b) => env(b, b.body, { bytes: v })),
  ),
  bytesCase('A2.envelope-prefix-header', ['DECODE_TRUNCATED'], (b) =>
    env(b, b.body, { bytes: envelopeOf(b).slice(0, layoutOf(b).body - 3) }),
  ),
  bytesCase('A2.envelope-prefix-half', ['DECODE_TRUNCATED'], (b) => {
    const e = envelopeOf(b);
    return env(b, b.body, { bytes: e.slice(0, e.length >> 1) });
  }),
  bytesCase('A2.envelope-prefix-last', ['DECODE_TRUNCATED'], (b) => {
    const e = envelopeOf(b);
    return env(b, b.body, { bytes: e.slice(0, e.length - 1) });
  }),
  bytesCase('A2.body-prefix-half', ['DECODE_TRUNCATED'], (b) => env(b, b.body.slice(0, b.body.length >> 1))),
  bytesCase('A2.body-prefix-last', ['DECODE_TRUNCATED'], (b) => env(b, b.body.slice(0, b.body.length - 1))),
  bytesCase('A2.raw-prefix-third', ['DECODE_TRUNCATED'], (b) =>
    raw(b, b.body.slice(0, (b.body.length / 3) | 0)),
  ),
  bytesCase('A3.envelope-trailing-1', ['DECODE_TRAILING_BYTES'], (b) =>
    env(b, b.body, { bytes: concatBytes(envelopeOf(b), [0]) }),
  ),
  bytesCase('A3.body-trailing-17', ['DECODE_TRAILING_BYTES'], (b) =>
    env(b, concatBytes(b.body, new Uint8Array(17))),
  ),
  ...[1, 2, 17].map((n) =>
    bytesCase(`A3.raw-trailing-${n}`, ['DECODE_TRAILING_BYTES'], (b) =>
      raw(b, concatBytes(b.body, new Uint8Array(n).fill(1))),
    ),
  ),
  bytesCase('A4.bad-magic', ['DECODE_BAD_HEADER'], (b) =>
    env(b, b.body, { bytes: xorByte(envelopeOf(b), 0, 1) }),
  ),
  bytesCase('A4.bad-version', ['DECODE_BAD_HEADER'], (b) => {
    const e = envelopeOf(b);
    e[ENVELOPE_VERSION_OFFSET] = 9;
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
  bytesCase('A4.body-length+1', ['DECODE_TRUNCATED'], (b) =>
    env(b, b.body, { bytes: withBodyLength(b, b.body.length + 1) }),
  ),
  bytesCase('A4.body-length-1', ['DECODE_TRAILING_BYTES'], (b) =>
    env(b, b.body, { bytes: withBodyLength(b, b.body.length - 1) }),
  ),
  ...HUGE_LENGTHS.map(([name, v]) =>
    bytesCase(`A5.trace-local-len-${name}`, ['DECODE_LENGTH_LIMIT'], (b) => {
      const o = bodyOffsets(b.body).traceLocal;
      return env(b, splice(b.body, o, o + 1, encodeVarint(v)));
    }),
  ),
  ...Object.entries(A5_SMALL).map(([d, codes]) =>
    bytesCase(`A5.trace-local-len-${d}`, codes, (b) => {
      const o = bodyOffsets(b.body).traceLocal;
      const n = d === '0' ? 0 : b.body[o] + Number(d);
      // a one-byte prefix (width < 128) whose new value still fits one byte
      if (b.body[o] & 0x80 || n < 0 || n > 0x7f) return null;
      return env(b, splice(b.body, o, o + 1, [n]));
    }),
  ),
  bytesCase('A6.degree-bits-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) =>
    env(b, overlongVarint(b.body, b.body.length)),
  ),
  bytesCase('A6.length-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) => {
    const o = bodyOffsets(b.body).traceLocal;
    return env(b, overlongVarint(b.body, varintEnd(b.body, o)));
  }),
  bytesCase('A6.felt-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) => {
    const e = varintEnd(b.body, bodyOffsets(b.body).traceCap + 1); // first trace-cap element
    return env(b, overlongVarint(b.body, e));
  }),
  bytesCase('A6.felt-u32-overflow', ['DECODE_NONCANONICAL_VARINT'], (b) =>
    env(b, splice(b.body, 1, varintEnd(b.body, 1), [0xff, 0xff, 0xff, 0xff, 0x1f])),
  ),
  bytesCase('A6.felt-6-bytes', ['DECODE_NONCANONICAL_VARINT'], (b) =>
    env(b, splice(b.body, 1, varintEnd(b.body, 1), [0x81, 0x80, 0x80, 0x80, 0x80, 0x00])),
  ),
  bytesCase('A6.pow-witness-nonminimal', ['DECODE_NONCANONICAL_VARINT'], (b) =>
    env(b, overlongVarint(b.body, bodyOffsets(b.body).queryWitness[1])),
  ),
  ...NON_FIELD.map(([name, v]) =>
    bytesCase(`A7.pow-witness-${name}`, ['DECODE_NONCANONICAL_FIELD'], (b) => {
      const [s, e] = bodyOffsets(b.body).queryWitness;
      return env(b, splice(b.body, s, e, encodeVarint(v)));
    }),
  ),
  bytesCase('A7.trace-cap-felt-p', ['DECODE_NONCANONICAL_FIELD'], (b) =>
    env(b, splice(b.body, 1, varintEnd(b.body, 1), encodeVarint(P))),
  ),
  bytesCase('A7.public-value-p', ['DECODE_NONCANONICAL_FIELD'], (b) => {
    if (b.publicValues.length === 0) return null;
    return env(b, b.body, { publicValues: [P, ...b.publicValues.slice(1)] });
  }),
  ...BAD_TAGS.map((t) =>
    bytesCase(`A8.random-tag-${t}`, ['DECODE_BAD_TAG'], (b) => {
      const o = bodyOffsets(b.body).randomTag;
      return env(b, splice(b.body, o, o + 1, [t]));
    }),
  ),
  ...BAD_TAGS.map((t) =>
    bytesCase(`A8.trace-next-tag-${t}`, ['DECODE_BAD_TAG'], (b) => {
      const o = bodyOffsets(b.body).traceNextTag;
      return env(b, splice(b.body, o, o + 1, [t]));
    }),
  ),
  bytesCase('A9.oversized-envelope', ['LIMIT_PROOF_TOO_LARGE'], (b) => {
    const e = envelopeOf(b);
    const big = new Uint8Array(Math.max(sizeBound(b) + 1, e.length + 1));
    big.set(e);
    return env(b, b.body, { bytes: big });
  }),
  bytesCase('A9.oversized-raw', ['LIMIT_PROOF_TOO_LARGE'], (b) => {
    const big = new Uint8Array(Math.max(sizeBound(b) + 1, b.body.length + 1));
    big.set(b.body);
    return raw(b, big);
  }),
  bytesCase('A9.oversized-filler', ['LIMIT_PROOF_TOO_LARGE'], (b) =>
    env(b, b.body, { bytes: filler(sizeBound(b) + 1) }),
  ),
  ...(['trace', 'quotient', 'fri'] as const).flatMap((which) =>
    [0, 2].map((v) =>
      bytesCase(`A11.${which}-cap-len-${v}`, ['SHAPE_CAP_LENGTH'], (b) => {
        const at = bodyOffsets(b.body);
        const o = which === 'trace' ? at.traceCap : which === 'quotient' ? at.quotientCap : at.firstFriCap;
        return o < 0 ? null : env(b, splice(b.body, o, o + 1, [v]));
      }),
    ),
  ),
];

/** A mutation of an enveloped proof that needs nothing but its bytes (the node's canary). */
export interface EnvelopeTamper {
  /** Catalogue id. */
  readonly id: string;
  /** Label in the preflight report. */
  readonly label: string;
  /** Codes it must produce; undefined = any rejection. */
  readonly expect?: readonly RejectionCode[];
  /** The tampered copy (the input is not changed). */
  mutate(envelope: Uint8Array): Uint8Array;
}

/** The header layout an envelope's id-length byte declares. */
const declaredLayout = (e: Uint8Array): EnvelopeLayout => envelopeLayout(e[ENVELOPE_ID_LENGTH_OFFSET] ?? 0);
const bodyStart = (e: Uint8Array): number => declaredLayout(e).body;

/**
 * The canary's mutations of a valid envelope: a flipped bit in the configuration digest, at the
 * start, middle and end of the body, and the last 7 bytes cut off.
 */
export const CANARY_TAMPERS: readonly EnvelopeTamper[] = [
  {
    id: 'A4.config-digest-bit',
    label: 'config digest bit',
    expect: ['POLICY_PRESET_MISMATCH'],
    mutate: (e) => xorByte(e, declaredLayout(e).configDigest, 0x01),
  },
  { id: 'L2.body-first-bit', label: 'body first byte', mutate: (e) => xorByte(e, bodyStart(e), 0x01) },
  {
    id: 'L2.body-middle-bit',
    label: 'body middle byte',
    mutate: (e) => xorByte(e, bodyStart(e) + Math.floor((e.length - bodyStart(e)) / 2), 0x01),
  },
  { id: 'L2.body-last-bit', label: 'body last byte', mutate: (e) => xorByte(e, e.length - 1, 0x01) },
  {
    id: 'A2.envelope-cut-7',
    label: 'truncated',
    expect: ['DECODE_TRUNCATED'],
    mutate: (e) => e.slice(0, e.length - 7),
  },
];

/**
 * Class A2 as a sweep: every proper prefix of `bytes`, or every `step`-th.
 * @param bytes a valid body or envelope
 * @param step distance between prefix lengths (default 1)
 * @returns prefixes of length 1, 1 + step, ... below `bytes.length`
 */
export function* prefixes(bytes: Uint8Array, step = 1): Generator<Uint8Array> {
  for (let n = 1; n < bytes.length; n += step) yield bytes.subarray(0, n);
}

/**
 * The mutation sweep of docs/verifier-hardening.md §5.2 (L2, M1): every byte with each mask xored in, one at a time.
 * @param bytes a valid body or envelope
 * @param masks the masks (default the lowest and the highest bit)
 * @returns the offset, the mask and the mutated copy
 */
export function* bitFlips(
  bytes: Uint8Array,
  masks: readonly number[] = [0x01, 0x80],
): Generator<{ readonly at: number; readonly mask: number; readonly bytes: Uint8Array }> {
  for (let at = 0; at < bytes.length; at++)
    for (const mask of masks) yield { at, mask, bytes: xorByte(bytes, at, mask) };
}
