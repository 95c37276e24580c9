/**
 * Targeted tests for rejection codes that random tampering rarely reaches
 * (docs/verifier-hardening.md §4.J algebraic edge cases with forced challenges, and the FRI
 * structure codes of docs/verifier-hardening.md §2). The base proof is Plonky3's golden proof
 * (test/vectors/uni_stark_fib_fixture_v0.6.2.json); forced challenges come from a challenger
 * wrapper that replaces chosen samples.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileAir } from '../../src/air/program.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { GENERATOR } from '../../src/field/babybear.ts';
import type { Challenger } from '../../src/fri/transcript.ts';
import type { PcsRound } from '../../src/fri/verifier.ts';
import { verifyPcs } from '../../src/fri/verifier.ts';
import { decodeProof } from '../../src/stark/codec.ts';
import { getConfig } from '../../src/stark/config.ts';
import { ProofRejectedError } from '../../src/stark/errors.ts';
import { challengerFor, mmcsFor } from '../../src/stark/instance.ts';
import type { Proof } from '../../src/stark/proof.ts';
import { proveProof } from '../../src/stark/prove.ts';
import { verifyProofObject } from '../../src/stark/verify.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
);
const GOLDEN = decodeProof(Uint8Array.from(Buffer.from(FIXTURE.postcard_hex, 'hex')));
const config = getConfig('plonky3-fixture');
const air = fibonacciAir();
const compiled = compileAir(air);
const PUBLICS = Uint32Array.of(0, 1, 21);

/** A challenger that replaces the n-th EF sample and/or every query index. */
function forced(opts: {
  ext?: Map<number, Uint32Array>;
  bits?: number;
  indices?: number[];
  anyWitness?: boolean;
}): Challenger {
  const inner = challengerFor(config);
  let extCount = 0;
  let q = 0;
  return {
    observe: (x) => inner.observe(x),
    observeSlice: (xs) => inner.observeSlice(xs),
    sampleExt: () => {
      const v = inner.sampleExt();
      const f = opts.ext?.get(extCount++);
      return f ? Uint32Array.from(f) : v;
    },
    sampleBits: (b) => {
      const v = inner.sampleBits(b);
      if (opts.indices) return opts.indices[q++];
      return opts.bits ?? v;
    },
    grind: (b) => inner.grind(b),
    powTemplate: () => inner.powTemplate(),
    checkWitness: (b, w) => {
      const ok = inner.checkWitness(b, w); // keeps the transcript moving as the real one does
      return opts.anyWitness ? true : ok;
    },
  };
}

function codeOf(f: () => void): string {
  try {
    f();
    return 'OK';
  } catch (e) {
    if (e instanceof ProofRejectedError) return e.code;
    throw e;
  }
}

describe('docs/verifier-hardening.md §4.J forced challenges (golden proof)', () => {
  it('unforced: the golden proof passes verifyProofObject', () => {
    expect(codeOf(() => verifyProofObject(compiled, GOLDEN, PUBLICS, config, forced({})))).toBe('OK');
  });
  it('zeta inside the trace domain -> OOD_POINT_IN_DOMAIN', () => {
    for (const z of [Uint32Array.of(1, 0, 0, 0), Uint32Array.of(0x78000000, 0, 0, 0)]) {
      const ch = forced({ ext: new Map([[1, z]]) });
      expect(codeOf(() => verifyProofObject(compiled, GOLDEN, PUBLICS, config, ch))).toBe(
        'OOD_POINT_IN_DOMAIN',
      );
    }
  });
  it('zeta equal to the query point -> FRI_OPENING_POINT_IS_QUERY_POINT', () => {
    // query index 0 opens x = GEN * g^rev(0) = GEN at every height
    const ch = forced({ ext: new Map([[1, Uint32Array.of(GENERATOR, 0, 0, 0)]]), bits: 0 });
    expect(codeOf(() => verifyProofObject(compiled, GOLDEN, PUBLICS, config, ch))).toBe(
      'FRI_OPENING_POINT_IS_QUERY_POINT',
    );
  });
  it('another alpha -> OOD_CONSTRAINT_MISMATCH (the quotient no longer matches)', () => {
    const ch = forced({ ext: new Map([[0, Uint32Array.of(5, 6, 7, 8)]]) });
    expect(codeOf(() => verifyProofObject(compiled, GOLDEN, PUBLICS, config, ch))).toBe(
      'OOD_CONSTRAINT_MISMATCH',
    );
  });
  it('other query indices -> Merkle root mismatch on the openings', () => {
    const ch = forced({ bits: 7 });
    expect(codeOf(() => verifyProofObject(compiled, GOLDEN, PUBLICS, config, ch))).toBe(
      'MERKLE_ROOT_MISMATCH',
    );
  });
});

describe('FRI structure codes (PCS verifier with hand-built claims)', () => {
  const proof: Proof = GOLDEN;
  const roundsFor = (p: Proof, logDomain = 3): PcsRound[] => [
    {
      commitment: p.commitments.trace,
      matrices: [
        {
          logDomainSize: logDomain,
          points: [
            { z: Uint32Array.of(3, 1, 4, 1), values: p.openedValues.traceLocal },
            { z: Uint32Array.of(5, 9, 2, 6), values: p.openedValues.traceNext! },
          ],
        },
      ],
    },
    {
      commitment: p.commitments.quotientChunks,
      matrices: [
        {
          logDomainSize: 3,
          points: [{ z: Uint32Array.of(3, 1, 4, 1), values: p.openedValues.quotientChunks[0] }],
        },
      ],
    },
  ];
  const run = (rounds: PcsRound[], p: Proof = proof, cfg = config): string =>
    // forced: the golden query indices (5, 16) and any PoW witness, so the hand-built claims
    // (which change the transcript) reach the check under test
    codeOf(() =>
      verifyPcs(
        cfg.fri,
        mmcsFor(cfg),
        rounds,
        p.openingProof,
        forced({ indices: [5, 16], anyWitness: true }),
      ),
    );

  it('claims of another height -> FRI_GLOBAL_HEIGHT_MISMATCH', () => {
    expect(run(roundsFor(proof, 4))).toBe('FRI_GLOBAL_HEIGHT_MISMATCH');
  });
  it('a matrix without opening points -> FRI_MATRIX_WITHOUT_POINTS', () => {
    const r = roundsFor(proof);
    const rounds: PcsRound[] = [
      r[0],
      { commitment: r[1].commitment, matrices: [{ logDomainSize: 3, points: [] }] },
    ];
    expect(run(rounds)).toBe('FRI_MATRIX_WITHOUT_POINTS');
  });
  it('claimed values not matching the row width -> MERKLE_ROW_WIDTH', () => {
    const r = roundsFor(proof);
    const rounds: PcsRound[] = [
      {
        commitment: r[0].commitment,
        matrices: [
          { logDomainSize: 3, points: [{ z: Uint32Array.of(3, 1, 4, 1), values: new Uint32Array(12) }] },
        ],
      },
      r[1],
    ];
    expect(run(rounds)).toBe('MERKLE_ROW_WIDTH');
  });
  it('second point with fewer values than the row -> FRI_POINT_EVAL_COUNT', () => {
    const r = roundsFor(proof);
    const m = r[0].matrices[0];
    const rounds: PcsRound[] = [
      {
        commitment: r[0].commitment,
        matrices: [
          { logDomainSize: 3, points: [m.points[0], { z: m.points[1].z, values: new Uint32Array(4) }] },
        ],
      },
      r[1],
    ];
    expect(run(rounds)).toBe('FRI_POINT_EVAL_COUNT');
  });
  it('a query whose arity schedule differs -> FRI_ARITY_SCHEDULE_MISMATCH', async () => {
    const cfg = getConfig('plonky3-fixture', { maxLogArity: 2, commitPowBits: 0, queryPowBits: 0 });
    const n = 64;
    const p = await proveProof(air, generateFibonacciTrace(0, 1, n), fibonacciPublicValues(0, 1, n), cfg);
    expect(p.openingProof.queryProofs[0].commitPhaseOpenings.map((s) => s.logArity)).toEqual([2, 2]);
    const q1 = p.openingProof.queryProofs[1];
    const bad: Proof = {
      ...p,
      openingProof: {
        ...p.openingProof,
        queryProofs: [
          p.openingProof.queryProofs[0],
          {
            ...q1,
            commitPhaseOpenings: [{ ...q1.commitPhaseOpenings[0], logArity: 1 }, q1.commitPhaseOpenings[1]],
          },
        ],
      },
    };
    expect(codeOf(() => verifyProofObject(compiled, bad, fibonacciPublicValues(0, 1, n), cfg))).toBe(
      'FRI_ARITY_SCHEDULE_MISMATCH',
    );
    expect(codeOf(() => verifyProofObject(compiled, p, fibonacciPublicValues(0, 1, n), cfg))).toBe('OK');
  });
  it('more folding rounds than the claims support -> FRI_GLOBAL_HEIGHT_TOO_LARGE / MISMATCH', () => {
    const steps = proof.openingProof.queryProofs[0].commitPhaseOpenings;
    const many = Array.from({ length: 30 }, () => steps[0]);
    const bad: Proof = {
      ...proof,
      openingProof: {
        ...proof.openingProof,
        commitPhaseCommits: many.map(() => proof.openingProof.commitPhaseCommits[0]),
        queryProofs: proof.openingProof.queryProofs.map((q) => ({ ...q, commitPhaseOpenings: many })),
      },
    };
    expect(run(roundsFor(proof), bad)).toBe('FRI_GLOBAL_HEIGHT_TOO_LARGE');
  });
});
