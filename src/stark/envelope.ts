/**
 * Our proof envelope (docs/protocol.md §12): magic, format version, circuit id, configuration
 * digest and body length in front of the untouched Plonky3 postcard body. The envelope is
 * checked against the verifier's own configuration before any hashing of the body and never
 * enters the transcript.
 *
 * Layout, format version 1 (all integers little-endian):
 *   0   4  magic "P3TS"
 *   4   1  format version (1)
 *   5   1  circuit id length L (1..64)
 *   6   L  circuit id, ASCII [A-Za-z0-9._:@/-]
 *   6+L 32 configuration digest: 8 canonical BabyBear elements as u32
 *   38+L 4 body length
 *   42+L   body
 * The configuration digest is the Poseidon2 (default constants) sponge hash of the bytes of
 * `configDescriptor(config)`, one field element per byte.
 */

import { poseidon2ForSet } from '../hash/poseidon2.ts';
import { hashSlice } from '../hash/sponge.ts';
import type { StarkConfig } from './config.ts';
import { configDescriptor } from './config.ts';
import { reject } from './errors.ts';

/** "P3TS". */
export const ENVELOPE_MAGIC: Uint8Array = Uint8Array.of(0x50, 0x33, 0x54, 0x53);
/** Current envelope format version. */
export const ENVELOPE_VERSION = 1;
/** Offset of the format version byte. */
export const ENVELOPE_VERSION_OFFSET = 4;
/** Offset of the circuit id length byte. */
export const ENVELOPE_ID_LENGTH_OFFSET = 5;
/** Offset of the circuit id. */
export const ENVELOPE_ID_OFFSET = 6;
/** Longest circuit id. */
export const MAX_CIRCUIT_ID_LENGTH = 64;
/** Length of the configuration digest. */
export const CONFIG_DIGEST_BYTES = 32;
const ID_RE = /^[A-Za-z0-9._:@/-]{1,64}$/;

/** Byte offsets of the header fields that follow a circuit id of a given length. */
export interface EnvelopeLayout {
  /** The 32-byte configuration digest. */
  readonly configDigest: number;
  /** The u32 body length. */
  readonly bodyLength: number;
  /** The postcard body; also the header length. */
  readonly body: number;
}

/**
 * Where the header fields after the circuit id lie (format version 1).
 * @param idLen circuit id length in bytes
 * @returns the offsets of the configuration digest, the body length and the body
 */
export function envelopeLayout(idLen: number): EnvelopeLayout {
  const configDigest = ENVELOPE_ID_OFFSET + idLen;
  const bodyLength = configDigest + CONFIG_DIGEST_BYTES;
  return { configDigest, bodyLength, body: bodyLength + 4 };
}

/**
 * Length of the envelope header in front of the body: 42 bytes plus the circuit id.
 * @param idLen circuit id length in bytes
 * @returns the header length
 */
export const envelopeHeaderLength = (idLen: number): number => envelopeLayout(idLen).body;

const digestCache = new Map<string, Uint8Array>();

/**
 * The 32-byte configuration digest of a configuration.
 * @param config the configuration
 */
export function configDigest(config: StarkConfig): Uint8Array {
  const text = configDescriptor(config);
  let d = digestCache.get(text);
  if (!d) {
    const input = new Uint32Array(text.length);
    for (let i = 0; i < text.length; i++) input[i] = text.charCodeAt(i) & 0xff;
    const h = hashSlice(poseidon2ForSet('default'), input);
    d = new Uint8Array(CONFIG_DIGEST_BYTES);
    const dv = new DataView(d.buffer);
    for (let i = 0; i < 8; i++) dv.setUint32(4 * i, h[i], true);
    digestCache.set(text, d);
  }
  return d;
}

/**
 * Wraps a postcard body in the envelope.
 * @param body the proof body
 * @param circuitId the circuit id (family and version), e.g. `fibonacci@1`
 * @param config the configuration the proof was made under
 * @throws {RangeError} for an invalid circuit id
 */
export function wrapEnvelope(body: Uint8Array, circuitId: string, config: StarkConfig): Uint8Array {
  if (!ID_RE.test(circuitId)) throw new RangeError(`invalid circuit id '${circuitId}'`);
  const L = circuitId.length;
  const at = envelopeLayout(L);
  const out = new Uint8Array(at.body + body.length);
  out.set(ENVELOPE_MAGIC, 0);
  out[ENVELOPE_VERSION_OFFSET] = ENVELOPE_VERSION;
  out[ENVELOPE_ID_LENGTH_OFFSET] = L;
  for (let i = 0; i < L; i++) out[ENVELOPE_ID_OFFSET + i] = circuitId.charCodeAt(i);
  out.set(configDigest(config), at.configDigest);
  new DataView(out.buffer).setUint32(at.bodyLength, body.length, true);
  out.set(body, at.body);
  return out;
}

/** The parsed envelope header. */
export interface EnvelopeHeader {
  readonly version: number;
  readonly circuitId: string;
  readonly configDigest: Uint8Array;
  readonly body: Uint8Array;
}

/**
 * Parses the envelope header (no policy checks).
 * @throws {ProofRejectedError} DECODE_* for a malformed header
 */
export function parseEnvelope(bytes: Uint8Array): EnvelopeHeader {
  if (bytes.length === 0) reject('DECODE_EMPTY', 'empty input');
  if (bytes.length < ENVELOPE_ID_OFFSET) reject('DECODE_TRUNCATED', 'envelope header truncated', 'envelope');
  for (let i = 0; i < 4; i++)
    if (bytes[i] !== ENVELOPE_MAGIC[i]) reject('DECODE_BAD_HEADER', 'bad magic', 'envelope.magic');
  const version = bytes[ENVELOPE_VERSION_OFFSET];
  if (version !== ENVELOPE_VERSION)
    reject('DECODE_BAD_HEADER', `unknown format version ${version}`, 'envelope.version');
  const L = bytes[ENVELOPE_ID_LENGTH_OFFSET];
  if (L < 1 || L > MAX_CIRCUIT_ID_LENGTH)
    reject('DECODE_BAD_HEADER', 'circuit id length', 'envelope.circuitId');
  const at = envelopeLayout(L);
  if (bytes.length < at.body) reject('DECODE_TRUNCATED', 'envelope header truncated', 'envelope');
  let circuitId = '';
  for (let i = 0; i < L; i++) circuitId += String.fromCharCode(bytes[ENVELOPE_ID_OFFSET + i]);
  if (!ID_RE.test(circuitId)) reject('DECODE_BAD_HEADER', 'circuit id characters', 'envelope.circuitId');
  const digest = bytes.slice(at.configDigest, at.bodyLength);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at.bodyLength, true);
  const remaining = bytes.length - at.body;
  if (len > remaining)
    reject('DECODE_TRUNCATED', 'body shorter than its declared length', 'envelope.bodyLength');
  if (len < remaining)
    reject('DECODE_TRAILING_BYTES', 'bytes after the declared body', 'envelope.bodyLength');
  return { version, circuitId, configDigest: digest, body: bytes.subarray(at.body) };
}

/**
 * Checks an envelope against the verifier's own statement and configuration.
 * @param h parsed header
 * @param circuitId the circuit being verified
 * @param config the verifier's configuration
 * @param knownCircuits circuit ids loaded at startup (default: just `circuitId`)
 * @throws {ProofRejectedError} VK_UNKNOWN_CIRCUIT / VK_MISMATCH / POLICY_PRESET_MISMATCH
 */
export function checkEnvelope(
  h: EnvelopeHeader,
  circuitId: string,
  config: StarkConfig,
  knownCircuits?: readonly string[],
): void {
  const known = knownCircuits ?? [circuitId];
  if (!known.includes(h.circuitId))
    reject('VK_UNKNOWN_CIRCUIT', `circuit '${h.circuitId}' is not loaded`, 'envelope.circuitId');
  if (h.circuitId !== circuitId)
    reject('VK_MISMATCH', `proof is for '${h.circuitId}', not '${circuitId}'`, 'envelope.circuitId');
  const mine = configDigest(config);
  for (let i = 0; i < CONFIG_DIGEST_BYTES; i++) {
    if (mine[i] !== h.configDigest[i])
      reject('POLICY_PRESET_MISMATCH', 'configuration digest differs', 'envelope.configDigest');
  }
}
