import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChallengerError,
  type ChallengerPermutation,
  DuplexChallenger,
  type TranscriptEntry,
} from '../../src/challenger/duplex.ts';
import { P } from '../../src/field/babybear.ts';
import { matrix } from '../../src/field/matrix.ts';
import { poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import { commitMatrices } from '../../src/merkle/mmcs.ts';
import { loadVector, u32 } from '../hash/vectors.ts';

const SEM = loadVector('challenger_semantics.json');
const FIX = loadVector('uni_stark_fib_fixture_v0.6.2.json');

/** The toy permutation of challenger_semantics.json: reverses a width-24 state. */
const REVERSE24: ChallengerPermutation = {
  width: 24,
  permuteMany(states: Uint32Array, offset: number, count: number): void {
    for (let k = 0; k < count; k++) states.subarray(offset + 24 * k, offset + 24 * k + 24).reverse();
  },
};

describe('DuplexChallenger: challenger_semantics.json (toy width-24 reversing permutation, rate 16)', () => {
  const [dup, pops] = SEM.cases;

  it('test_duplex_challenger: expected_samples_v0.6.x (and differs from v0.4.0)', () => {
    const ch = new DuplexChallenger(REVERSE24, { rate: 16 });
    ch.observeSlice(dup.observe);
    const got: number[] = [];
    for (let i = 0; i < dup.then_sample_count; i++) got.push(ch.sample());
    expect(got).toEqual(dup['expected_samples_v0.6.x']);
    expect(got).not.toEqual(dup['expected_samples_v0.4.0']);
  });

  it('test_output_buffer_pops_correctly: expected_output_buffer_v0.6.x and expected_first_two_samples', () => {
    const ch = new DuplexChallenger(REVERSE24, { rate: 16 });
    ch.observeSlice(pops.observe);
    expect(ch.inputBuffer().length).toBe(0);
    expect(Array.from(ch.outputBuffer())).toEqual(pops['expected_output_buffer_v0.6.x']);
    expect(Array.from(ch.outputBuffer())).not.toEqual(pops['expected_output_buffer_v0.4.0']);
    expect([ch.sample(), ch.sample()]).toEqual(pops.expected_first_two_samples);
  });
});

describe('DuplexChallenger: state machine rules (docs/protocol.md §6.1, Poseidon2-16 default)', () => {
  const perm = poseidon2ForSet('default');

  it('8 observations absorb at once; the next sample pops without another permutation', () => {
    const log: TranscriptEntry[] = [];
    const ch = new DuplexChallenger(perm, { log, logDuplex: true });
    ch.observeSlice([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.filter((e) => e[0] === 'absorb')).toEqual([['absorb', 8]]);
    // independent expectation: Perm([1..8, 8, 0 x 7])[7]
    const s = new Uint32Array(16);
    s.set([1, 2, 3, 4, 5, 6, 7, 8, 8]);
    perm.permute(s);
    expect(ch.sample()).toBe(s[7]);
    expect(log.filter((e) => e[0] === 'absorb' || e[0] === 'squeeze').length).toBe(1);
    for (let i = 6; i >= 0; i--) expect(ch.sample()).toBe(s[i]);
    // the 9th sample squeezes: the state is permuted as it is (no tag, rate not cleared)
    perm.permute(s);
    expect(ch.sample()).toBe(s[7]);
    expect(log.at(-2)).toEqual(['squeeze', 0]);
  });

  it('observing [5, 7] and [5, 7, 0, 0] give different challenges (length tag 2 vs 4)', () => {
    const a = new DuplexChallenger(perm);
    a.observeSlice([5, 7]);
    const b = new DuplexChallenger(perm);
    b.observeSlice([5, 7, 0, 0]);
    expect(a.sample()).not.toBe(b.sample());
    const s = new Uint32Array(16);
    s.set([5, 7]);
    s[8] = 2;
    perm.permute(s);
    const c = new DuplexChallenger(perm);
    c.observeSlice([5, 7]);
    expect(c.sample()).toBe(s[7]);
  });

  it('sampleExt straddles a squeeze; sampleBits masks one sample; clone is independent', () => {
    const ch = new DuplexChallenger(perm);
    ch.observe(9);
    for (let i = 0; i < 6; i++) ch.sample();
    const copy = ch.clone();
    const e = ch.sampleExt();
    expect(Array.from(e)).toEqual([copy.sample(), copy.sample(), copy.sample(), copy.sample()]);
    const v = ch.clone().sample();
    expect(ch.sampleBits(5)).toBe(v & 31);
    expect(ch.clone().sampleBits(0)).toBe(0);
  });

  it('rejects bad bit counts and non-canonical observations with ChallengerError', () => {
    const ch = new DuplexChallenger(perm);
    for (const b of [-1, 31, 32, 64, 1.5, Number.NaN]) {
      expect(() => ch.sampleBits(b)).toThrow(ChallengerError);
      expect(() => ch.grind(b)).toThrow(ChallengerError);
      expect(() => ch.checkWitness(b, 0)).toThrow(ChallengerError);
    }
    for (const x of [P, -1, 2 ** 32, 0.5]) expect(() => ch.observe(x)).toThrow(ChallengerError);
    expect(ch.checkWitness(4, P)).toBe(false);
    expect(() => new DuplexChallenger(perm, { rate: 16 })).toThrow(ChallengerError);
  });
});

describe('DuplexChallenger: grinding (docs/protocol.md §6.4)', () => {
  const perm = poseidon2ForSet('smallrng-seed-1');

  it('grind(0) returns 0 and touches nothing; checkWitness(0, w) is true and touches nothing', () => {
    const log: TranscriptEntry[] = [];
    const ch = new DuplexChallenger(perm, { log });
    ch.observe(3);
    const before = ch.clone();
    expect(ch.grind(0)).toBe(0);
    expect(ch.checkWitness(0, 12345)).toBe(true);
    expect(log).toEqual([['obs', 3]]);
    expect(ch.sample()).toBe(before.sample());
  });

  it('grind returns the smallest witness found by naive checkWitness on copies, for any buffer state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: P - 1 }), { maxLength: 20 }),
        fc.nat(9),
        fc.integer({ min: 1, max: 7 }),
        (obs, samples, bits) => {
          const ch = new DuplexChallenger(perm);
          ch.observeSlice(obs);
          for (let i = 0; i < samples; i++) ch.sample();
          let naive = 0;
          while (!ch.clone().checkWitness(bits, naive)) naive++;
          const after = ch.clone();
          after.checkWitness(bits, naive);
          const w = ch.grind(bits);
          expect(w).toBe(naive);
          expect(ch.sample()).toBe(after.sample());
        },
      ),
      { numRuns: 40, seed: 99 },
    );
  });

  it('grind across candidate batches (witnesses past the first 64) still returns the smallest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: P - 1 }), { maxLength: 12 }),
        fc.constantFrom(8, 9, 10),
        (obs, bits) => {
          const ch = new DuplexChallenger(perm);
          ch.observeSlice(obs);
          let naive = 0;
          while (!ch.clone().checkWitness(bits, naive)) naive++;
          expect(ch.grind(bits)).toBe(naive);
        },
      ),
      { numRuns: 6, seed: 1402 },
    );
  });
});

describe('DuplexChallenger: uni_stark_fib_fixture_v0.6.2.json transcript', () => {
  const perm = poseidon2ForSet('smallrng-seed-1');

  it('prefix: observe 3,3,0, trace root (Merkle root of trace_lde_bit_reversed), 0,1,21; sampleExt = derived_challenges.alpha', () => {
    const v = FIX['valid_for_v0.4.0_too'];
    const root = commitMatrices({ perm }, [matrix(u32(v.trace_lde_bit_reversed.rows.flat()), 2)]).root;
    const ch = new DuplexChallenger(perm);
    ch.observeSlice([3, 3, 0]);
    ch.observeDigest(root);
    ch.observeSlice(FIX.config.public_values);
    expect(Array.from(ch.sampleExt())).toEqual(FIX.derived_challenges.alpha);
  });

  it('transcript_log.entries: replaying every observation reproduces every sample, and the log hook records the same sequence', () => {
    const entries: [string, number][] = FIX.transcript_log.entries;
    const log: TranscriptEntry[] = [];
    const ch = new DuplexChallenger(perm, { log });
    for (const [kind, value] of entries) {
      if (kind === 'obs') ch.observe(value);
      else expect(ch.sample()).toBe(value);
    }
    expect(log).toEqual(entries);
  });

  it('PoW witnesses in the fixture (commit_pow_witnesses[0], query_pow_witness) are what grind(1) picks', () => {
    const entries: [string, number][] = FIX.transcript_log.entries;
    const ch = new DuplexChallenger(perm);
    // the commit-phase PoW: the 'obs' right after the FRI commitment (entries 66..73 are the root)
    const powAt = [74, 97];
    const found: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      const [kind, value] = entries[i];
      if (powAt.includes(i)) {
        const g = ch.clone();
        found.push(g.grind(1));
      }
      if (kind === 'obs') ch.observe(value);
      else ch.sample();
    }
    expect(found).toEqual([FIX.decoded.fri.commit_pow_witnesses[0], FIX.decoded.fri.query_pow_witness]);
    expect(entries[74]).toEqual(['obs', FIX.decoded.fri.commit_pow_witnesses[0]]);
    expect(entries[97]).toEqual(['obs', FIX.decoded.fri.query_pow_witness]);
  });
});
