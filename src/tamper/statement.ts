/**
 * Classes B (parameters and policy), C (statement binding) and K (false statements, proved by
 * the honest prover) of docs/verifier-hardening.md §4 as tamper cases. B checks the valid body
 * under a configuration that differs in one item or edits `degreeBits`; C changes the public
 * values or the AIR the verifier checks against; K re-proves a falsified statement.
 */
import { P } from '../field/babybear.ts';
import { getConfig, type StarkConfig } from '../stark/config.ts';
import { wrapEnvelope } from '../stark/envelope.ts';
import type { RejectionCode } from '../stark/errors.ts';
import { prove } from '../stark/prove.ts';
import { circuitIdOf } from '../stark/verify.ts';
import { bytesCase, editCase, env, raw, type TamperCase } from './case.ts';
import { anotherPreset } from './decoding.ts';

/** A preset's name without the `+custom` of an overridden configuration. */
const nameOf = (c: StarkConfig): string => c.name.replace(/\+custom$/, '');

/** The base's configuration with some FRI parameters changed (same preset, same constant set). */
const changed = (c: StarkConfig, fri: Partial<StarkConfig['fri']>): StarkConfig =>
  getConfig(nameOf(c), { ...c.fri, ...fri, constants: c.constants });

/** The valid body, bare, checked under the configuration `f` derives (null: not applicable). */
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

/** Out-of-range `degreeBits`: above the preset's maximum height, or past 2^27 with the blowup. */
const BAD_DEGREE_BITS: readonly (readonly [string, (c: StarkConfig) => number])[] = [
  ['max+1', (c) => c.maxLogTraceHeight + 1],
  ...[26, 27, 31, 32, 53, 64].map((d) => [String(d), (): number => d] as const),
];

/** Class B: parameters and policy. */
export const CLASS_B: readonly TamperCase[] = [
  bytesCase('B1.envelope-num-queries+1', ['POLICY_PRESET_MISMATCH'], (b) =>
    env(b, b.body, {
      bytes: wrapEnvelope(
        b.body,
        circuitIdOf(b.air),
        changed(b.config, { numQueries: b.config.fri.numQueries + 1 }),
      ),
    }),
  ),
  rawUnder('B1.raw-num-queries+1', ['FRI_QUERY_COUNT'], (c) =>
    changed(c, { numQueries: c.fri.numQueries + 1 }),
  ),
  rawUnder('B1.raw-num-queries-1', ['FRI_QUERY_COUNT'], (c) =>
    c.fri.numQueries < 2 ? null : changed(c, { numQueries: c.fri.numQueries - 1 }),
  ),
  rawUnder('B1.raw-log-blowup+1', undefined, (c) => changed(c, { logBlowup: c.fri.logBlowup + 1 })),
  rawUnder('B1.raw-final-poly+1', undefined, (c) =>
    changed(c, { logFinalPolyLen: c.fri.logFinalPolyLen + 1 }),
  ),
  rawUnder('B1.raw-other-constants', undefined, (c) =>
    getConfig(nameOf(c), { ...c.fri, constants: c.constants === 'default' ? 'rng-seed-1' : 'default' }),
  ),
  ...BAD_DEGREE_BITS.map(([name, db]) =>
    editCase(`B2.degree-bits-${name}`, ['SHAPE_DEGREE_BITS_RANGE'], (p, b) => {
      p.degreeBits = db(b.config);
    }),
  ),
  editCase('B2.degree-bits+1', undefined, (p) => {
    p.degreeBits += 1;
  }),
  editCase('B2.degree-bits-1', undefined, (p) => {
    if (p.degreeBits < 2) return false;
    p.degreeBits -= 1;
  }),
];

/** The valid envelope checked against public values that `f` derives (null: not applicable). */
function publicsCase(
  id: string,
  expect: readonly RejectionCode[] | undefined,
  f: (v: number[]) => number[] | null,
): TamperCase {
  return bytesCase(id, expect, (b) => {
    const v = f([...b.publicValues]);
    return v === null ? null : env(b, b.body, { publicValues: v });
  });
}

/** Class C: statement binding. */
export const CLASS_C: readonly TamperCase[] = [
  publicsCase('C1.public-first+1', undefined, (v) =>
    v.length === 0 ? null : [(v[0] + 1) % P, ...v.slice(1)],
  ),
  publicsCase('C1.public-last+1', undefined, (v) =>
    v.length === 0 ? null : [...v.slice(0, -1), (v[v.length - 1] + 1) % P],
  ),
  publicsCase('C1.publics-swapped', undefined, (v) =>
    v.length < 2 || v[0] === v[1] ? null : [v[1], v[0], ...v.slice(2)],
  ),
  publicsCase('C1.public-appended', ['SHAPE_PUBLIC_VALUES_LENGTH'], (v) => [...v, 0]),
  publicsCase('C1.public-removed', ['SHAPE_PUBLIC_VALUES_LENGTH'], (v) =>
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
  bytesCase('C2.other-air-envelope-not-loaded', ['VK_UNKNOWN_CIRCUIT'], (b) =>
    b.otherAir === null ? null : env(b, b.body, { air: b.otherAir }),
  ),
  bytesCase('C3.other-config-digest', ['POLICY_PRESET_MISMATCH'], (b) =>
    env(b, b.body, { bytes: wrapEnvelope(b.body, circuitIdOf(b.air), anotherPreset(b.config)) }),
  ),
];

/** Class K: the honest prover run on a false statement. */
export const CLASS_K: readonly TamperCase[] = [
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
