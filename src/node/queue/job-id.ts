/**
 * Proof job ids: SHA-256 over (circuit id, configuration digest, witness input), so the same
 * statement under the same configuration always gets the same id and a resubmission is found
 * instead of proved again. The input is hashed in a canonical JSON form (object keys sorted), so
 * key order does not change the id.
 *
 * No Plonky3 counterpart. Invariant: fields are length-prefixed, so no two different triples
 * hash the same bytes.
 */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level (arrays keep their order).
 * @param v a JSON value
 * @returns the canonical text
 * @throws {TypeError} for values JSON cannot represent (bigint, cycles)
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
    const o = x as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = o[k];
    return out;
  });
}

/**
 * The job id of a proof request.
 * @param circuitId the envelope circuit id (`consensus@1`)
 * @param configDigestHex hex of the configuration digest (src/stark/envelope.ts configDigest)
 * @param input the family's JSON input (the witness source)
 * @returns 64 lowercase hex characters
 * @example
 * proofJobId('consensus@1', digestHex, FAMILIES.consensus.sampleInput('test'));
 */
export function proofJobId(circuitId: string, configDigestHex: string, input: unknown): string {
  const h = createHash('sha256');
  for (const part of ['p3ts-proof-job-v1', circuitId, configDigestHex, canonicalJson(input) ?? 'null']) {
    const b = Buffer.from(part, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len);
    h.update(b);
  }
  return h.digest('hex');
}
