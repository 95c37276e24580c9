/**
 * securityReport against the preset table of docs/verifier-hardening.md §6.1 (within 0.1 bit)
 * and the floor enforcement of docs/verifier-hardening.md §6.2 (tamper class B5: POLICY_SECURITY_BELOW_FLOOR).
 */
import { describe, expect, it } from 'vitest';
import { compileAir } from '../../src/air/program.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { getConfig } from '../../src/stark/config.ts';
import { prove } from '../../src/stark/prove.ts';
import { securityReport } from '../../src/stark/security.ts';
import { verify } from '../../src/stark/verify.ts';

// "AIRs of max constraint degree 3 with <= 100 constraints"
const air100 = { constraints: new Array(100) } as unknown as ReturnType<typeof compileAir>;

describe('docs/verifier-hardening.md §6.1 preset table', () => {
  const rows: [string, number, number, number, number][] = [
    // preset, classic, composite @2^16, composite @max, max log height
    ['insecure-test', 5, 4.9, 4.9, 16],
    ['c100', 116, 105.6, 100.6, 21],
    ['c100-compact', 116, 105.6, 100.6, 21],
    ['udr-q100', 256, 105.6, 100.6, 21],
  ];
  for (const [name, classic, at16, atMax, maxLog] of rows) {
    it(`${name}: classic ${classic}, composite ${at16} @2^16 and ${atMax} @2^${maxLog}`, () => {
      const cfg = getConfig(name);
      expect(cfg.maxLogTraceHeight).toBe(maxLog);
      const r16 = securityReport(cfg, air100, 16);
      expect(r16.classic).toBe(classic);
      expect(Math.abs(r16.composite - at16)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(securityReport(cfg, air100, maxLog).composite - atMax)).toBeLessThanOrEqual(0.1);
    });
  }
  it('production presets meet their 100-bit floor up to the maximum trace height and not beyond', () => {
    for (const name of ['c100', 'c100-compact', 'udr-q100']) {
      const cfg = getConfig(name);
      expect(securityReport(cfg, air100, 21).meetsFloor).toBe(true);
      expect(securityReport(cfg, air100, 23).meetsFloor).toBe(false);
    }
    expect(securityReport(getConfig('insecure-test'), air100, 16).floor).toBeUndefined();
  });
});

describe('docs/verifier-hardening.md §4.B5 floor enforcement', () => {
  it('a valid c100 proof is rejected with POLICY_SECURITY_BELOW_FLOOR when the floor is above its bits', async () => {
    const air = fibonacciAir();
    const cfg = getConfig('c100');
    const n = 2 ** 10;
    const pub = [...fibonacciPublicValues(0, 1, n)];
    const bytes = await prove(air, generateFibonacciTrace(0, 1, n), pub, cfg);
    expect(verify(air, bytes, pub, cfg, { format: 'postcard' })).toEqual({ ok: true });
    const r = verify(air, bytes, pub, cfg, { format: 'postcard', minSecurityBits: 112 });
    expect(r.ok ? 'OK' : r.code).toBe('POLICY_SECURITY_BELOW_FLOOR');
    // an operator floor can only raise the preset's: 50 leaves the 100-bit floor in place
    expect(securityReport(cfg, compileAir(air), 10, 50).floor).toBe(100);
  });
});
