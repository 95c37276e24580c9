/**
 * Circuit families: every sample statement satisfies its AIR (debug checker), each dishonest
 * statement fails it, public values match values computed independently from the JSON input
 * (hash chains via src/hash/compress.ts), and malformed inputs raise FamilyInputError naming the field.
 */
import { describe, expect, it } from 'vitest';
import { ConstraintError, checkConstraints } from '../../src/air/check.ts';
import { compileAir } from '../../src/air/program.ts';
import { FAMILIES, FAMILY_NAMES, FamilyInputError, getFamily } from '../../src/circuits/families.ts';
import { P } from '../../src/field/babybear.ts';
import { compress } from '../../src/hash/compress.ts';
import { poseidon2ForSet } from '../../src/hash/poseidon2.ts';

type Json = Record<string, unknown>;

const chain = (init: number[], items: number[][]): number[] => {
  let acc: Uint32Array = Uint32Array.from(init);
  for (const it of items) acc = compress(poseidon2ForSet('default'), acc, Uint32Array.from(it));
  return [...acc];
};

describe('circuit families: honest samples (test size)', () => {
  for (const name of FAMILY_NAMES) {
    it(`${name}: sample satisfies the AIR, degree <= 3, height 2^logRows.test`, () => {
      const f = FAMILIES[name];
      const st = f.build(f.sampleInput('test'), { size: 'test' });
      expect(st.trace.values.length / st.trace.width).toBe(2 ** f.logRows.test);
      expect(st.publicValues.length).toBe(st.air.numPublicValues);
      expect(compileAir(st.air).maxDegree).toBeLessThanOrEqual(3);
      checkConstraints(st.air, st.trace, st.publicValues);
    });
  }
  it('production sizes are declared and at least the test sizes', () => {
    for (const name of FAMILY_NAMES)
      expect(FAMILIES[name].logRows.production).toBeGreaterThan(FAMILIES[name].logRows.test);
  });
});

describe('circuit families: public values from the input (independent computation)', () => {
  it('transaction: count, total amount, total fee', () => {
    const input = FAMILIES.transaction.sampleInput('test') as {
      transfers: { amount: number; fee: number }[];
    };
    const st = FAMILIES.transaction.build(input, { size: 'test' });
    const amt = input.transfers.reduce((s, t) => s + t.amount, 0);
    const fee = input.transfers.reduce((s, t) => s + t.fee, 0);
    expect([...st.publicValues]).toEqual([input.transfers.length, amt, fee]);
  });
  it('state: final = compress chain over the roots (src/hash/compress.ts)', () => {
    const input = FAMILIES.state.sampleInput('test') as { initialRoot: number[]; stateRoots: number[][] };
    const st = FAMILIES.state.build(input, { size: 'test' });
    expect([...st.publicValues]).toEqual([
      ...input.initialRoot,
      ...chain(input.initialRoot, input.stateRoots),
      input.stateRoots.length,
    ]);
  });
  it('pruning: digest = compress chain from zero, height range', () => {
    const input = FAMILIES.pruning.sampleInput('test') as { firstHeight: number; blockDigests: number[][] };
    const st = FAMILIES.pruning.build(input, { size: 'test' });
    const n = input.blockDigests.length;
    expect([...st.publicValues]).toEqual([
      input.firstHeight,
      input.firstHeight + n - 1,
      ...chain([0, 0, 0, 0, 0, 0, 0, 0], input.blockDigests),
    ]);
  });
  it('consensus: total and signed power', () => {
    const input = FAMILIES.consensus.sampleInput('test') as {
      height: number;
      round: number;
      validators: { power: number; voted: boolean }[];
    };
    const st = FAMILIES.consensus.build(input, { size: 'test' });
    const total = input.validators.reduce((s, v) => s + v.power, 0);
    const signed = input.validators.reduce((s, v) => s + (v.voted ? v.power : 0), 0);
    expect(3 * signed).toBeGreaterThanOrEqual(2 * total);
    expect([...st.publicValues]).toEqual([input.height, input.round, total, signed]);
  });
});

describe('circuit families: dishonest statements fail the debug checker', () => {
  it('transaction: overdraft (unchecked witness) fails; build refuses it by default', () => {
    const input = { balances: { '1': 100, '2': 0 }, transfers: [{ from: 1, to: 2, amount: 101, fee: 0 }] };
    expect(() => FAMILIES.transaction.build(input, { size: 'test' })).toThrow(FamilyInputError);
    const st = FAMILIES.transaction.build(input, { size: 'test', unchecked: true });
    expect(() => checkConstraints(st.air, st.trace, st.publicValues)).toThrow(ConstraintError);
  });
  it('transaction: a claimed total amount off by one fails', () => {
    const st = FAMILIES.transaction.build(FAMILIES.transaction.sampleInput('test'), { size: 'test' });
    const pub = st.publicValues.slice();
    pub[1] += 1;
    expect(() => checkConstraints(st.air, st.trace, pub)).toThrow(ConstraintError);
  });
  it('uptime: below threshold fails', () => {
    const input = { validator: 1, startSlot: 10, threshold: 5, heartbeats: [10, 11, 12, 13] };
    expect(() => FAMILIES.uptime.build(input, { size: 'test' })).toThrow(/below the threshold/);
    const st = FAMILIES.uptime.build(input, { size: 'test', unchecked: true });
    expect(() => checkConstraints(st.air, st.trace, st.publicValues)).toThrow(ConstraintError);
  });
  it('uptime: a heartbeat flag of 2 fails', () => {
    const st = FAMILIES.uptime.build(
      { validator: 1, startSlot: 10, threshold: 3, heartbeats: [10, 11, 12, 13] },
      { size: 'test' },
    );
    const v = st.trace.values.slice();
    v[st.trace.width * 5 + 1] = 2; // BEAT of row 5; its count stays inconsistent too
    expect(() => checkConstraints(st.air, { values: v, width: st.trace.width }, st.publicValues)).toThrow(
      ConstraintError,
    );
  });
  it('consensus: missing quorum fails', () => {
    const input = {
      height: 1,
      round: 0,
      validators: [
        { power: 10, voted: true },
        { power: 11, voted: false },
        { power: 10, voted: true },
      ],
    };
    expect(() => FAMILIES.consensus.build(input, { size: 'test' })).toThrow(/below 2\/3/);
    const st = FAMILIES.consensus.build(input, { size: 'test', unchecked: true });
    expect(() => checkConstraints(st.air, st.trace, st.publicValues)).toThrow(ConstraintError);
  });
  it('consensus: a vote flag of 2 (double counting) fails', () => {
    const st = FAMILIES.consensus.build(
      {
        height: 1,
        round: 0,
        validators: [
          { power: 10, voted: true },
          { power: 10, voted: true },
        ],
      },
      { size: 'test' },
    );
    const v = st.trace.values.slice();
    v[0] = 2;
    expect(() => checkConstraints(st.air, { values: v, width: st.trace.width }, st.publicValues)).toThrow(
      ConstraintError,
    );
  });
  it('state: a wrong final commitment fails; a flipped Poseidon2 cell fails', () => {
    const st = FAMILIES.state.build(FAMILIES.state.sampleInput('test'), { size: 'test' });
    const pub = st.publicValues.slice();
    pub[8] = (pub[8] + 1) % P;
    expect(() => checkConstraints(st.air, st.trace, pub)).toThrow(ConstraintError);
    const v = st.trace.values.slice();
    v[st.trace.width * 2 + 100] = (v[st.trace.width * 2 + 100] + 1) % P;
    expect(() => checkConstraints(st.air, { values: v, width: st.trace.width }, st.publicValues)).toThrow(
      ConstraintError,
    );
  });
  it('pruning: a wrong last height fails', () => {
    const st = FAMILIES.pruning.build(FAMILIES.pruning.sampleInput('test'), { size: 'test' });
    const pub = st.publicValues.slice();
    pub[1] += 1;
    expect(() => checkConstraints(st.air, st.trace, pub)).toThrow(ConstraintError);
  });
});

describe('circuit families: typed input errors name the field', () => {
  const cases: [string, Json, string][] = [
    ['transaction', { balances: {}, transfers: [{ from: 1, to: 1, amount: 1 }] }, 'transfers[0].to'],
    [
      'transaction',
      { balances: {}, transfers: [{ from: 1, to: 2, amount: 2 ** 20 }] },
      'transfers[0].amount',
    ],
    ['state', { initialRoot: [1, 2, 3], stateRoots: [] }, 'initialRoot'],
    ['pruning', { firstHeight: -1, blockDigests: [] }, 'firstHeight'],
    ['uptime', { validator: 1, startSlot: 0, threshold: 1, heartbeats: [99] }, 'heartbeats[0]'],
    ['consensus', { height: 1, round: 0, validators: [{ power: 1, voted: 'yes' }] }, 'validators[0].voted'],
  ];
  for (const [fam, input, field] of cases) {
    it(`${fam}: ${field}`, () => {
      try {
        getFamily(fam).build(input, { size: 'test' });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(FamilyInputError);
        expect((e as FamilyInputError).field).toBe(field);
      }
    });
  }
  it('unknown family', () => expect(() => getFamily('nope')).toThrow(FamilyInputError));
});
