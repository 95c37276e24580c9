/**
 * The two byte layouts the codec, the envelope and the tamper catalogue share: postcard's LEB128
 * varint (encodeVarint, writeVarint, decodeVarint, varintLength in src/stark/codec.ts) and the
 * envelope header (envelopeLayout, envelopeHeaderLength in src/stark/envelope.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeVarint, encodeVarint, varintLength, writeVarint } from '../../src/stark/codec.ts';
import { getConfig } from '../../src/stark/config.ts';
import {
  configDigest,
  ENVELOPE_ID_LENGTH_OFFSET,
  envelopeHeaderLength,
  envelopeLayout,
  parseEnvelope,
  wrapEnvelope,
} from '../../src/stark/envelope.ts';
import { ProofRejectedError } from '../../src/stark/errors.ts';

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'OK';
  } catch (e) {
    return e instanceof ProofRejectedError ? e.code : String(e);
  }
};

describe('varint (LEB128)', () => {
  it('known answers, with lengths', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [1, [0x01]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [0x78000001, [0x81, 0x80, 0x80, 0xc0, 0x07]],
      [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
      [2 ** 53 - 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [v, bytes] of cases) {
      expect([...encodeVarint(v)], String(v)).toEqual(bytes);
      expect(varintLength(v)).toBe(bytes.length);
      expect(decodeVarint(Uint8Array.from(bytes), 0, 10, 'x')).toBe(v);
    }
  });
  it('round-trips any integer below 2^53 at any offset', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.nat(8), (v, pos) => {
        const out = new Uint8Array(pos + 10).fill(0xee);
        const end = writeVarint(out, pos, v);
        expect(end - pos).toBe(varintLength(v));
        expect(decodeVarint(out, pos, 10, 'x')).toBe(v);
      }),
      { seed: 16 },
    );
  });
  it('rejects what is not canonical', () => {
    const dec = (bytes: number[], max = 10) =>
      codeOf(() => decodeVarint(Uint8Array.from(bytes), 0, max, 'x'));
    expect(dec([0x80, 0x00])).toBe('DECODE_NONCANONICAL_VARINT'); // 0, over-long
    expect(dec([0xff, 0xff, 0xff, 0xff, 0x1f], 5)).toBe('DECODE_NONCANONICAL_VARINT'); // above 2^32
    expect(dec([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 5)).toBe('DECODE_NONCANONICAL_VARINT'); // 6 bytes
    expect(dec([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10])).toBe('DECODE_LENGTH_LIMIT'); // 2^53
    expect(dec([0x80, 0x80])).toBe('DECODE_TRUNCATED');
    expect(dec([])).toBe('DECODE_TRUNCATED');
  });
});

describe('envelope header layout', () => {
  it('places the digest, the body length and the body where wrapEnvelope writes them', () => {
    const config = getConfig('insecure-test');
    const body = Uint8Array.of(9, 8, 7);
    for (const id of ['a', 'fibonacci@1', 'x'.repeat(64)]) {
      const e = wrapEnvelope(body, id, config);
      const at = envelopeLayout(id.length);
      expect(e[ENVELOPE_ID_LENGTH_OFFSET]).toBe(id.length);
      expect(envelopeHeaderLength(id.length)).toBe(42 + id.length);
      expect(at.body).toBe(envelopeHeaderLength(id.length));
      expect(e.length).toBe(at.body + body.length);
      expect(e.slice(at.configDigest, at.bodyLength)).toEqual(configDigest(config));
      expect(new DataView(e.buffer).getUint32(at.bodyLength, true)).toBe(body.length);
      expect([...e.subarray(at.body)]).toEqual([9, 8, 7]);
      expect(parseEnvelope(e).circuitId).toBe(id);
    }
  });
});
