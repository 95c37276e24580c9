/**
 * verifyEnvelope (src/stark/verify-envelope.ts) and the circuit registries
 * (src/circuits/registry.ts, builtin-registry.ts): the AIR comes from the envelope's circuit id,
 * the preset from its configuration digest; an id the registry lacks is VK_UNKNOWN_CIRCUIT, a
 * digest no accepted preset has is POLICY_UNKNOWN_PRESET (test-only presets are not accepted
 * unless passed), and nothing derived from the input throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CIRCUIT_REGISTRY, POSEIDON2_CIRCUIT } from '../../src/circuits/builtin-registry.ts';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import {
  CircuitRegistryError,
  createCircuitRegistry,
  FIBONACCI_CIRCUIT,
  loadCircuitRegistry,
} from '../../src/circuits/registry.ts';
import { getConfig, PRESETS, type StarkConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { VerifierConfigError } from '../../src/stark/errors.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf } from '../../src/stark/verify.ts';
import { verifyEnvelope } from '../../src/stark/verify-envelope.ts';

const c100 = getConfig('c100');
const fibPublics = fibonacciPublicValues(0, 1, 16);
const fibEnvelope = async (config: StarkConfig): Promise<Uint8Array> =>
  wrapEnvelope(
    await prove(fibonacciAir(), generateFibonacciTrace(0, 1, 16), fibPublics, config),
    'fibonacci@1',
    config,
  );
const fib = await fibEnvelope(c100);

describe('circuit registries', () => {
  it('every built-in entry builds an AIR whose circuit id is its id, for both constant sets', () => {
    expect(CIRCUIT_REGISTRY.ids).toEqual([
      'fibonacci@1',
      'poseidon2@1',
      'transaction@1',
      'state@1',
      'pruning@1',
      'uptime@1',
      'consensus@1',
    ]);
    for (const id of CIRCUIT_REGISTRY.ids) {
      for (const cs of ['default', 'smallrng-seed-1'] as const) {
        expect(circuitIdOf(CIRCUIT_REGISTRY.get(id)?.air(cs) ?? fibonacciAir())).toBe(id);
      }
    }
    expect(CIRCUIT_REGISTRY.get('nope@1')).toBeUndefined();
  });

  it('loadCircuitRegistry loads the built-in registry', async () => {
    expect(await loadCircuitRegistry()).toBe(CIRCUIT_REGISTRY);
  });

  it('refuses duplicate ids', () => {
    expect(() => createCircuitRegistry([FIBONACCI_CIRCUIT, FIBONACCI_CIRCUIT])).toThrow(CircuitRegistryError);
  });
});

describe('verifyEnvelope', () => {
  it('verifies a Fibonacci envelope with a Fibonacci-only registry and reports the id and preset', () => {
    const registry = createCircuitRegistry([FIBONACCI_CIRCUIT]);
    expect(verifyEnvelope(fib, fibPublics, { registry })).toEqual({
      ok: true,
      circuitId: 'fibonacci@1',
      preset: 'c100',
    });
  });

  it('a circuit id the registry lacks is VK_UNKNOWN_CIRCUIT', async () => {
    const fam = FAMILIES.consensus;
    const st = fam.build(fam.sampleInput('test'), { size: 'test' });
    const proof = wrapEnvelope(
      await prove(st.air, st.trace, st.publicValues, c100),
      circuitIdOf(st.air),
      c100,
    );
    const onlyFib = createCircuitRegistry([FIBONACCI_CIRCUIT]);
    const r = verifyEnvelope(proof, st.publicValues, { registry: onlyFib });
    expect(r).toMatchObject({ ok: false, code: 'VK_UNKNOWN_CIRCUIT', circuitId: 'consensus@1' });
    expect(verifyEnvelope(proof, st.publicValues, { registry: CIRCUIT_REGISTRY })).toMatchObject({
      ok: true,
      circuitId: 'consensus@1',
    });
  });

  it('a digest of no accepted preset is POLICY_UNKNOWN_PRESET; test-only presets only when passed', async () => {
    const registry = CIRCUIT_REGISTRY;
    const custom = await fibEnvelope(getConfig('c100', { numQueries: 99 }));
    expect(verifyEnvelope(custom, fibPublics, { registry })).toMatchObject({
      ok: false,
      code: 'POLICY_UNKNOWN_PRESET',
      detail: 'configuration digest matches no accepted preset',
    });
    const insecure = await fibEnvelope(getConfig('insecure-test'));
    const r = verifyEnvelope(insecure, fibPublics, { registry });
    expect(r).toMatchObject({ ok: false, code: 'POLICY_UNKNOWN_PRESET' });
    if (!r.ok) expect(r.detail).toMatch(/insecure-test/);
    // test mode: every shipped preset, or the ones passed
    expect(verifyEnvelope(insecure, fibPublics, { registry, allowInsecure: true })).toEqual({
      ok: true,
      circuitId: 'fibonacci@1',
      preset: 'insecure-test',
    });
    const onlyInsecure = { registry, presets: [PRESETS['insecure-test']], allowInsecure: true };
    expect(verifyEnvelope(insecure, fibPublics, onlyInsecure)).toMatchObject({ ok: true });
    // only the presets passed: c100 is not among them
    expect(verifyEnvelope(fib, fibPublics, onlyInsecure)).toMatchObject({
      ok: false,
      code: 'POLICY_UNKNOWN_PRESET',
    });
    // a test-only preset without the opt-in is caller misuse, refused before any proof byte is read
    expect(() =>
      verifyEnvelope(insecure, fibPublics, { registry, presets: [PRESETS['insecure-test']] }),
    ).toThrow(VerifierConfigError);
  });

  it("builds the AIR for the preset's constant set (poseidon2@1 under rng-seed-1 constants)", async () => {
    const config = getConfig('plonky3-fixture');
    const air = createPoseidon2Air({ constants: 'smallrng-seed-1', permsPerRow: 8 });
    const proof = wrapEnvelope(
      await prove(air, generatePoseidon2Trace(air, { seed: 1 }, 16), [], config),
      'poseidon2@1',
      config,
    );
    const registry = createCircuitRegistry([POSEIDON2_CIRCUIT]);
    expect(verifyEnvelope(proof, [], { registry, presets: [config], allowInsecure: true })).toEqual({
      ok: true,
      circuitId: 'poseidon2@1',
      preset: 'plonky3-fixture',
    });
  });

  it('rejects wrong public values and tampered bodies with verify codes', () => {
    const registry = CIRCUIT_REGISTRY;
    expect(verifyEnvelope(fib, [0, 1], { registry })).toMatchObject({
      ok: false,
      code: 'SHAPE_PUBLIC_VALUES_LENGTH',
      circuitId: 'fibonacci@1',
      preset: 'c100',
    });
    const bad = fib.slice();
    bad[bad.length - 50] ^= 1;
    const r = verifyEnvelope(bad, fibPublics, { registry });
    expect(r.ok).toBe(false);
  });

  it('never throws on malformed input', () => {
    const registry = CIRCUIT_REGISTRY;
    expect(verifyEnvelope('nope', [], { registry })).toMatchObject({
      ok: false,
      code: 'DECODE_BAD_INPUT_TYPE',
    });
    expect(verifyEnvelope(new Uint8Array(0), [], { registry })).toMatchObject({
      ok: false,
      code: 'DECODE_EMPTY',
    });
    expect(verifyEnvelope(Uint8Array.of(1, 2, 3, 4, 5, 6, 7), [], { registry })).toMatchObject({
      ok: false,
      code: 'DECODE_BAD_HEADER',
    });
    expect(verifyEnvelope(fib, fibPublics, { registry, maxProofBytes: 100 })).toMatchObject({
      ok: false,
      code: 'LIMIT_PROOF_TOO_LARGE',
    });
    const hostile = new Proxy(fib, {});
    expect(verifyEnvelope(hostile, fibPublics, { registry })).toMatchObject({
      ok: false,
      code: 'DECODE_BAD_INPUT_TYPE',
    });
    expect(() => verifyEnvelope(fib, fibPublics, { registry, maxProofBytes: Number.NaN })).toThrow(
      VerifierConfigError,
    );
    expect(() => verifyEnvelope(fib, fibPublics, { registry: undefined as never })).toThrow(
      VerifierConfigError,
    );
    fc.assert(
      fc.property(fc.nat({ max: fib.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const b = fib.slice();
        b[i] ^= x;
        const r = verifyEnvelope(b, fibPublics, { registry });
        return r.ok === false && typeof r.code === 'string';
      }),
      { numRuns: 40, seed: 15 },
    );
  });
});
