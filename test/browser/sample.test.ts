/**
 * examples/browser/sample-fib.proof: it is upstream's golden Fibonacci proof
 * (test/vectors/uni_stark_fib_fixture_v0.6.2.json, case `postcard_hex`, publics [0, 1, 21],
 * preset plonky3-fixture) inside our envelope, and it verifies with the Node build of the
 * verifier; a flipped header byte is rejected.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { circuitIdOf, fibonacciAir, getConfig, parseEnvelope, verify } from '../../src/verify.ts';

const fixture = JSON.parse(readFileSync('test/vectors/uni_stark_fib_fixture_v0.6.2.json', 'utf8')) as {
  postcard_hex: string;
};
const sample = new Uint8Array(readFileSync('examples/browser/sample-fib.proof'));

describe('examples/browser/sample-fib.proof (uni_stark_fib_fixture_v0.6.2.json postcard_hex)', () => {
  it('carries the golden body, the fibonacci circuit id and the plonky3-fixture digest', () => {
    const h = parseEnvelope(sample);
    expect(Buffer.from(h.body).toString('hex')).toBe(fixture.postcard_hex);
    expect(h.circuitId).toBe(circuitIdOf(fibonacciAir()));
  });

  it('verifies with publics [0, 1, 21] under plonky3-fixture', () => {
    const r = verify(fibonacciAir(), sample, [0, 1, 21], getConfig('plonky3-fixture'), {
      format: 'envelope',
      allowInsecure: true,
    });
    expect(r).toEqual({ ok: true });
  });

  it('is rejected with DECODE_BAD_HEADER when the magic is flipped', () => {
    const bad = sample.slice();
    bad[0] ^= 1;
    const r = verify(fibonacciAir(), bad, [0, 1, 21], getConfig('plonky3-fixture'), {
      format: 'envelope',
      allowInsecure: true,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('DECODE_BAD_HEADER');
  });
});
