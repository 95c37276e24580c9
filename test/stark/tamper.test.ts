/**
 * The tamper catalogue (src/tamper, docs/verifier-hardening.md §4) run on two proofs of the
 * Fibonacci statement [0, 1, 21]: upstream's golden proof (test/vectors/uni_stark_fib_fixture_v0.6.2.json,
 * PoW on) and our prover's proof under the same configuration with both PoW values 0, so that the
 * deeper checks fire first. Every case that applies must be rejected with one of its expected
 * codes (with any code but INTERNAL_INVARIANT where it names none), and every case must apply to
 * at least one of the two proofs. Then the sweeps of docs/verifier-hardening.md §5.2 (every prefix, every flipped bit) and
 * the docs/verifier-hardening.md §4 checks that are not mutations of a proof (B3, B4, C3 accepted).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Air } from '../../src/air/air.ts';
import { fibonacciAir, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { getConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import type { RejectionCode } from '../../src/stark/errors.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf, verify } from '../../src/stark/verify.ts';
import {
  bitFlips,
  bodyOffsets,
  isUnchanged,
  prefixes,
  seededRng,
  TAMPER_CATALOGUE,
  type TamperBase,
  type TamperCase,
  verifyTamperInput,
} from '../../src/tamper/index.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
);
const GOLDEN = Uint8Array.from(Buffer.from(FIXTURE.postcard_hex, 'hex'));
const PUBLICS = [0, 1, 21];
const fixture = getConfig('plonky3-fixture');
const noPow = getConfig('plonky3-fixture', { commitPowBits: 0, queryPowBits: 0 });
const air = fibonacciAir();
/** Another circuit of the same shape (C2, A4): Fibonacci with one more constraint on the last row. */
const otherAir: Air = {
  ...fibonacciAir(),
  name: 'fibonacci-left-end',
  eval(b) {
    air.eval(b);
    b.whenLastRow().assertEq(b.main.local[0], b.publicValues[2]);
  },
};
const trace = generateFibonacciTrace(0, 1, 8);
const ours = await prove(air, trace, PUBLICS, noPow);

const BASES: Record<string, TamperBase> = {
  'golden (PoW on)': { air, otherAir, body: GOLDEN, publicValues: PUBLICS, config: fixture, trace },
  'ours (no PoW)': { air, otherAir, body: ours, publicValues: PUBLICS, config: noPow, trace },
};

/**
 * Cases that apply to neither proof, with the reason. The Fibonacci proof folds once (one FRI
 * round), and its query PoW witness is either 0 already (no PoW) or checked with 1 bit (golden).
 */
const NOT_APPLICABLE: Record<string, string> = {
  'E1.fri-round-last-bit': 'needs 2 FRI rounds',
  'E2.fri-rounds-reordered': 'needs 2 FRI rounds',
  'G2.sibling-round-mid': 'needs 3 FRI rounds',
  'G2.sibling-round-last': 'needs 3 FRI rounds',
  'H3.element-moved-between-matrices': 'needs 2 quotient chunks',
  'I1.query-witness-0': 'witness already 0, or 1 PoW bit',
};

type Outcome = RejectionCode | 'OK' | 'N/A';

async function run(c: TamperCase, base: TamperBase): Promise<Outcome> {
  const input = await c.apply(base, seededRng(1));
  if (input === null) return 'N/A';
  expect(isUnchanged(base, input), 'the case changed nothing').toBe(false);
  const r = verifyTamperInput(input);
  return r.ok ? 'OK' : r.code;
}

const rawCode = (bytes: Uint8Array, cfg = fixture, publics = PUBLICS): RejectionCode | 'OK' => {
  const r = verify(air, bytes, publics, cfg, { format: 'postcard', allowInsecure: true });
  return r.ok ? 'OK' : r.code;
};

describe.each(Object.entries(BASES))('tamper catalogue on the %s proof', (_, base) => {
  it('the untampered proof verifies, raw and enveloped', () => {
    expect(rawCode(base.body, base.config)).toBe('OK');
    expect(
      verify(air, wrapEnvelope(base.body, circuitIdOf(air), base.config), PUBLICS, base.config, {
        allowInsecure: true,
      }),
    ).toEqual({
      ok: true,
    });
  });
  for (const c of TAMPER_CATALOGUE) {
    it(`${c.id} is rejected with ${c.expect?.join(' | ') ?? 'any code'}`, async () => {
      const code = await run(c, base);
      if (code === 'N/A') return;
      expect(code).not.toBe('OK');
      expect(code).not.toBe('INTERNAL_INVARIANT');
      if (c.expect !== undefined) expect(c.expect).toContain(code);
    });
  }
});

describe('tamper catalogue coverage', () => {
  it('ids are unique and every case applies to one of the two proofs, except the listed ones', async () => {
    const ids = TAMPER_CATALOGUE.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const never: string[] = [];
    for (const c of TAMPER_CATALOGUE) {
      let applies = false;
      for (const base of Object.values(BASES))
        if ((await c.apply(base, seededRng(1))) !== null) applies = true;
      if (!applies) never.push(c.id);
    }
    expect(never.sort()).toEqual(Object.keys(NOT_APPLICABLE).sort());
  });
  it('classes A to I and K have cases, and the canary mutations are in the catalogue', () => {
    const classes = new Set(TAMPER_CATALOGUE.map((c) => c.cls));
    for (const k of 'ABCDEFGHIK') expect(classes, k).toContain(k);
    expect(TAMPER_CATALOGUE.map((c) => c.id)).toEqual(
      expect.arrayContaining(['A4.config-digest-bit', 'L2.body-first-bit', 'A2.envelope-cut-7']),
    );
  });
  it('I: with 1 PoW bit (golden) some wrong witnesses are caught by the PoW check itself', async () => {
    const golden = BASES['golden (PoW on)'];
    const codes = new Set<Outcome>();
    for (const c of TAMPER_CATALOGUE) if (/^I[12]\..*low-bits/.test(c.id)) codes.add(await run(c, golden));
    expect(codes).toContain('POW_QUERY_INVALID');
    expect(codes).toContain('POW_COMMIT_INVALID');
    expect(codes).not.toContain('N/A');
  });
});

describe('body layout the byte-level cases edit', () => {
  it('finds the golden proof fields at their byte-map offsets', () => {
    expect(bodyOffsets(GOLDEN)).toEqual({
      traceCap: 0,
      quotientCap: 40,
      randomTag: 80,
      traceLocal: 81,
      traceNextTag: 120,
      firstFriCap: 246,
      queryWitness: [1575, 1576],
      degreeBits: [1576, 1577],
    });
    expect(GOLDEN.length).toBe(1577);
    expect(GOLDEN[81]).toBe(2); // trace width 2
  });
});

describe('docs/verifier-hardening.md §5.2 sweeps', () => {
  it('A2: every prefix of both proofs is DECODE_TRUNCATED, raw; every 7th enveloped one too', () => {
    for (const base of Object.values(BASES)) {
      for (const p of prefixes(base.body))
        expect(rawCode(p, base.config), `prefix ${p.length}`).toBe('DECODE_TRUNCATED');
      const env = wrapEnvelope(base.body, circuitIdOf(air), base.config);
      for (const p of prefixes(env, 7)) {
        const r = verify(air, p, PUBLICS, base.config, { allowInsecure: true });
        expect(r.ok ? 'OK' : r.code, `envelope prefix ${p.length}`).toMatch(
          /^DECODE_(TRUNCATED|BAD_HEADER)$/,
        );
      }
    }
  });
  it.each(Object.entries(BASES))(
    'every byte of the %s proof with its low or high bit flipped: none accepted',
    (_, base) => {
      let accepted = 0;
      for (const f of bitFlips(base.body)) {
        const code = rawCode(f.bytes, base.config);
        if (code === 'OK') accepted++;
        else expect(code, `byte ${f.at} ^ ${f.mask}`).not.toBe('INTERNAL_INVARIANT');
      }
      expect(accepted).toBe(0);
    },
  );
});

describe('docs/verifier-hardening.md §4 checks that are not proof mutations', () => {
  it('B1/C3: a body made under another configuration, raw or re-wrapped for the verifier, is rejected', () => {
    expect(rawCode(ours, fixture)).not.toBe('OK');
    const r = verify(air, wrapEnvelope(ours, circuitIdOf(air), fixture), PUBLICS, fixture, {
      allowInsecure: true,
    });
    expect(r.ok).toBe(false);
    const w = verify(air, wrapEnvelope(ours, circuitIdOf(air), noPow), PUBLICS, fixture, {
      allowInsecure: true,
    });
    expect(w.ok ? 'OK' : w.code).toBe('POLICY_PRESET_MISMATCH');
  });
  it('B3: degree bits other than a static-height verifying key are VK_DEGREE_MISMATCH', () => {
    const r = verify(air, GOLDEN, PUBLICS, fixture, {
      format: 'postcard',
      expectedDegreeBits: 4,
      allowInsecure: true,
    });
    expect(r.ok ? 'OK' : r.code).toBe('VK_DEGREE_MISMATCH');
    expect(
      verify(air, GOLDEN, PUBLICS, fixture, {
        format: 'postcard',
        expectedDegreeBits: 3,
        allowInsecure: true,
      }),
    ).toEqual({
      ok: true,
    });
  });
  it('B4: invalid configurations throw VerifierConfigError at use', () => {
    for (const o of [{ numQueries: 0 }, { logBlowup: 0 }, { queryPowBits: 31 }, { commitPowBits: 64 }]) {
      expect(() => getConfig('c100', o)).toThrow(/config/);
    }
    expect(() => getConfig('nope')).toThrow(/unknown preset/);
  });
});
