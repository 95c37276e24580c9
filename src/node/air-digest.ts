/**
 * The AIR digest: SHA-256 of a compiled AIR's whole constraint DAG, and the per-family memo of
 * compiled AIRs and their digests used by the parameter cache and the proof engine.
 *
 * No Plonky3 counterpart (Plonky3 pins a circuit by its verifying key; here the parameter file
 * records this digest). Invariant: any change to a constraint changes the digest.
 */
import { createHash } from 'node:crypto';
import type { Air } from '../air/air.ts';
import { type CompiledAir, compileAirCached } from '../air/program.ts';
import { cachedFamilyAir, type FamilyName } from '../circuits/families.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';

/**
 * SHA-256 of a compiled AIR: name, shape, periodic columns and the whole constraint DAG in
 * topological order, then the constraint roots. Any change to a constraint changes it.
 * @param c the compiled AIR
 * @returns 64 hex characters
 */
export function airDigest(c: CompiledAir): string {
  const h = createHash('sha256');
  const a = c.air;
  h.update(
    `p3ts-air-v1;${a.name};w=${c.width};pv=${c.numPublicValues};d=${c.maxDegree};per=${c.numPeriodic}\n`,
  );
  for (const col of a.periodicColumns ?? []) h.update(`periodic:${col.join(',')}\n`);
  const buf = new Int32Array(4 * c.nodes.length);
  for (let i = 0; i < c.nodes.length; i++) {
    const e = c.nodes[i];
    buf[4 * i] = e.op;
    buf[4 * i + 1] = e.value | 0;
    buf[4 * i + 2] = e.a === null ? -1 : e.a.id;
    buf[4 * i + 3] = e.b === null ? -1 : e.b.id;
  }
  h.update(new Uint8Array(buf.buffer));
  h.update(`roots:${c.constraints.map((e) => e.id).join(',')}`);
  return h.digest('hex');
}

const digests = new WeakMap<CompiledAir, string>();

/**
 * The AIR of a family under a constant set (circuits/families.ts cachedFamilyAir), its compiled
 * form (air/program.ts compileAirCached) and its digest, each computed once.
 * @param family the family
 * @param constants the constant set
 * @returns the AIR, its compiled form and digest
 */
export function familyAir(
  family: FamilyName,
  constants: Poseidon2ConstantSetName,
): { air: Air; compiled: CompiledAir; digest: string } {
  const air = cachedFamilyAir(family, constants);
  const compiled = compileAirCached(air);
  let digest = digests.get(compiled);
  if (digest === undefined) {
    digest = airDigest(compiled);
    digests.set(compiled, digest);
  }
  return { air, compiled, digest };
}
