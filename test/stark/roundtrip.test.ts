/**
 * Prove/verify round trips at several sizes and configurations for both built-in AIRs. These
 * cover the v0.6.2 rules that no upstream vector exercises (docs/protocol.md §0): FRI arity above 2, several
 * quotient chunks (the Poseidon2 AIR has degree 3, so 2 chunks), AIRs that never read the next
 * row, the one-row trace, and final polynomials of several lengths. Each accepted proof is also
 * re-encoded (decode ∘ encode = id) and a tampered copy must be rejected.
 */
import { describe, expect, it } from 'vitest';
import { compileAir } from '../../src/air/program.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import { decodeProof, encodeProof } from '../../src/stark/codec.ts';
import type { ConfigOverrides } from '../../src/stark/config.ts';
import { getConfig } from '../../src/stark/config.ts';
import { prove } from '../../src/stark/prove.ts';
import { verify } from '../../src/stark/verify.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Fibonacci round trips', () => {
  const air = fibonacciAir();
  const cases: [number, string, ConfigOverrides][] = [
    [0, 'plonky3-fixture', { logFinalPolyLen: 0 }], // upstream test_one_row_trace
    [1, 'plonky3-fixture', { logFinalPolyLen: 0 }],
    [3, 'plonky3-fixture', {}],
    [5, 'plonky3-fixture', { maxLogArity: 2 }],
    [6, 'plonky3-fixture', { maxLogArity: 3, logFinalPolyLen: 1 }],
    [7, 'insecure-test', {}],
    [8, 'c100', { numQueries: 10 }],
    [6, 'c100-compact', { numQueries: 8, queryPowBits: 4 }],
    [4, 'plonky3-fixture', { commitPowBits: 0, queryPowBits: 0, numQueries: 5 }],
  ];
  for (const [logN, preset, o] of cases) {
    it(`2^${logN} rows, ${preset} ${JSON.stringify(o)}`, async () => {
      const cfg = getConfig(preset, o);
      const n = 2 ** logN;
      const pub = [...fibonacciPublicValues(3, 5, n)];
      const bytes = await prove(air, generateFibonacciTrace(3, 5, n), pub, cfg);
      expect(verify(air, bytes, pub, cfg, { format: 'postcard', allowInsecure: true })).toEqual({ ok: true });
      expect(hex(encodeProof(decodeProof(bytes)))).toBe(hex(bytes));
      const again = await prove(air, generateFibonacciTrace(3, 5, n), pub, cfg);
      expect(hex(again)).toBe(hex(bytes)); // deterministic
      const bad = bytes.slice();
      bad[Math.floor(bad.length / 2)] ^= 0x10;
      expect(verify(air, bad, pub, cfg, { format: 'postcard', allowInsecure: true }).ok).toBe(false);
      const wrong = pub.slice();
      wrong[2] = (wrong[2] + 1) % 0x78000001;
      expect(verify(air, bytes, wrong, cfg, { format: 'postcard', allowInsecure: true }).ok).toBe(false);
    });
  }
});

describe('Poseidon2 AIR round trips (2 quotient chunks, no next-row opening)', () => {
  for (const [logN, perms, preset, o] of [
    [2, 1, 'plonky3-fixture', { logFinalPolyLen: 0 }],
    [3, 2, 'insecure-test', {}],
    [4, 1, 'c100', { numQueries: 6 }],
  ] as [number, number, string, ConfigOverrides][]) {
    it(`2^${logN} rows x ${perms} permutations, ${preset} ${JSON.stringify(o)}`, async () => {
      const cfg = getConfig(preset, o);
      const air = createPoseidon2Air({ constants: 'default', permsPerRow: perms });
      const c = compileAir(air);
      expect(c.numQuotientChunks).toBe(2);
      expect(c.readsNext).toBe(false);
      const trace = generatePoseidon2Trace(air, { seed: 7 }, 2 ** logN);
      const bytes = await prove(air, trace, [], cfg);
      expect(verify(air, bytes, [], cfg, { format: 'postcard', allowInsecure: true })).toEqual({ ok: true });
      const proof = decodeProof(bytes);
      expect(proof.openedValues.traceNext).toBeNull();
      expect(proof.openedValues.quotientChunks.length).toBe(2);
      const bad = bytes.slice();
      bad[100] ^= 0x01;
      expect(verify(air, bad, [], cfg, { format: 'postcard', allowInsecure: true }).ok).toBe(false);
      // a trace with one wrong cell does not yield an accepted proof
      const t2 = { values: trace.values.slice(), width: trace.width };
      t2.values[5] = (t2.values[5] + 1) % 0x78000001;
      const liar = await prove(air, t2, [], cfg);
      expect(verify(air, liar, [], cfg, { format: 'postcard', allowInsecure: true }).ok).toBe(false);
    });
  }
});
