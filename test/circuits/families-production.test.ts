/**
 * Every circuit family proves and verifies at its production size under the production preset
 * (c100), and a tampered copy of each proof is rejected. Timings are printed (the runbook's
 * targets: prove p95 <= 5.5 s, verify p95 <= 3.2 s on the 2-core CPU path; the stress harness
 * measures the percentiles).
 */
import { describe, expect, it } from 'vitest';
import { checkConstraints } from '../../src/air/check.ts';
import { FAMILIES, FAMILY_NAMES } from '../../src/circuits/families.ts';
import { getConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf, verify } from '../../src/stark/verify.ts';

describe('circuit families at production size (c100)', () => {
  const config = getConfig('c100');
  for (const name of FAMILY_NAMES) {
    it(`${name}: 2^${FAMILIES[name].logRows.production} rows prove, verify, tampered rejected`, async () => {
      const f = FAMILIES[name];
      const st = f.build(f.sampleInput('production'));
      expect(st.trace.values.length / st.trace.width).toBe(2 ** f.logRows.production);
      checkConstraints(st.air, st.trace, st.publicValues);
      let t = performance.now();
      const proof = wrapEnvelope(
        await prove(st.air, st.trace, st.publicValues, config),
        circuitIdOf(st.air),
        config,
      );
      const proveMs = performance.now() - t;
      t = performance.now();
      expect(verify(st.air, proof, st.publicValues, config)).toEqual({ ok: true });
      const verifyMs = performance.now() - t;
      const bad = proof.slice();
      bad[Math.floor(bad.length / 2)] ^= 1;
      expect(verify(st.air, bad, st.publicValues, config).ok).toBe(false);
      console.log(
        `${name} production: prove ${proveMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms, ${proof.length} bytes`,
      );
    }, 120_000);
  }
});
