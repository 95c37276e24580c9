/**
 * Our proof envelope (spec/plonky3.md §12): magic, format version, circuit id, configuration
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
const ID_RE = /^[A-Za-z0-9._:@/-]{1,64}$/;

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
    d = new Uint8Array(32);
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
  const out = new Uint8Array(42 + L + body.length);
  out.set(ENVELOPE_MAGIC, 0);
  out[4] = ENVELOPE_VERSION;
  out[5] = L;
  for (let i = 0; i < L; i++) out[6 + i] = circuitId.charCodeAt(i);
  out.set(configDigest(config), 6 + L);
  new DataView(out.buffer).setUint32(38 + L, body.length, true);
  out.set(body, 42 + L);
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
  if (bytes.length < 6) reject('DECODE_TRUNCATED', 'envelope header truncated', 'envelope');
  for (let i = 0; i < 4; i++)
    if (bytes[i] !== ENVELOPE_MAGIC[i]) reject('DECODE_BAD_HEADER', 'bad magic', 'envelope.magic');
  if (bytes[4] !== ENVELOPE_VERSION)
    reject('DECODE_BAD_HEADER', `unknown format version ${bytes[4]}`, 'envelope.version');
  const L = bytes[5];
  if (L < 1 || L > 64) reject('DECODE_BAD_HEADER', 'circuit id length', 'envelope.circuitId');
  if (bytes.length < 42 + L) reject('DECODE_TRUNCATED', 'envelope header truncated', 'envelope');
  let circuitId = '';
  for (let i = 0; i < L; i++) circuitId += String.fromCharCode(bytes[6 + i]);
  if (!ID_RE.test(circuitId)) reject('DECODE_BAD_HEADER', 'circuit id characters', 'envelope.circuitId');
  const digest = bytes.slice(6 + L, 38 + L);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(38 + L, true);
  const remaining = bytes.length - (42 + L);
  if (len > remaining)
    reject('DECODE_TRUNCATED', 'body shorter than its declared length', 'envelope.bodyLength');
  if (len < remaining)
    reject('DECODE_TRAILING_BYTES', 'bytes after the declared body', 'envelope.bodyLength');
  return { version: bytes[4], circuitId, configDigest: digest, body: bytes.subarray(42 + L) };
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
  for (let i = 0; i < 32; i++) {
    if (mine[i] !== h.configDigest[i])
      reject('POLICY_PRESET_MISMATCH', 'configuration digest differs', 'envelope.configDigest');
  }
}
