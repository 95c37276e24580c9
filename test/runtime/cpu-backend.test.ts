/**
 * Each CpuBackend operation against the CPU functions it specifies (src/field/dft.ts,
 * src/merkle/mmcs.ts, src/air/eval.ts, src/fri/{open,fold,pow}.ts, DuplexChallenger.grind),
 * computed independently here from the same inputs; plus the handle rules (release, foreign
 * handles, close) and the zero ledger. Random inputs from xorshift32, seeds in the titles.
 */
import { describe, expect, it } from 'vitest';
import { periodicColumnsOnCoset, selectorsOnCoset } from '../../src/air/domain.ts';
import { evalFoldedQuotient } from '../../src/air/eval.ts';
import { compileAir } from '../../src/air/program.ts';
import { DuplexChallenger } from '../../src/challenger/duplex.ts';
import { createPoseidon2Air } from '../../src/circuits/poseidon2-air.ts';
import { GENERATOR, mul } from '../../src/field/babybear.ts';
import { reverseSliceIndexBits } from '../../src/field/bit-reverse.ts';
import { cosetLde, cosetLdeBitReversed, idft } from '../../src/field/dft.ts';
import { ext4Add, ext4Mul, ext4Square } from '../../src/field/ext4.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import { foldVector } from '../../src/fri/fold.ts';
import { evaluateLdeAt, reduceOpenings } from '../../src/fri/open.ts';
import { poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import { commitMatrices, openBatch } from '../../src/merkle/mmcs.ts';
import { ZERO_LEDGER } from '../../src/runtime/backend.ts';
import { CpuBackend, CpuExtVector, createCpuBackend } from '../../src/runtime/cpu.ts';
import { randomFelts } from '../helpers/random.ts';
import { quinticAir } from './quintic-air.ts';

const random = randomFelts;
const hex = (a: Uint32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
const mat = (seed: number, logN: number, w: number): Matrix => matrix(random(seed, w << logN), w);
const perm = poseidon2ForSet('default');
const mmcs = { perm };
const backend = (): CpuBackend => new CpuBackend(mmcs);

describe('CpuBackend operations = the CPU functions they specify', () => {
  it('ldeAndCommit = cosetLdeBitReversed + commitMatrices; openRows = openBatch (seeds 1-3, mixed heights)', async () => {
    const b = backend();
    const evals = [mat(1, 6, 3), mat(2, 5, 2), mat(3, 6, 1)];
    const shifts = [GENERATOR, 7, mul(GENERATOR, 5)];
    const h = await b.ldeAndCommit(evals, 2, shifts);
    const ldes = evals.map((m, i) => cosetLdeBitReversed(m, 2, shifts[i]));
    const tree = commitMatrices(mmcs, ldes);
    expect(hex(h.root)).toBe(hex(tree.root));
    expect(h.shapes).toEqual([
      { width: 3, height: 256 },
      { width: 2, height: 128 },
      { width: 1, height: 256 },
    ]);
    const idx = [0, 5, 255, 128];
    const got = await b.openRows(h, idx);
    idx.forEach((i, k) => {
      const want = openBatch(tree, i);
      expect(got[k].openedValues.map(hex)).toEqual(want.openedValues.map(hex));
      expect(hex(got[k].proof)).toEqual(hex(want.proof));
    });
    await expect(b.openRows(h, [256])).rejects.toThrow();
  });

  for (const [name, mk, logBlowup, seed] of [
    ['Poseidon2 AIR, lqc 1', () => createPoseidon2Air({ permsPerRow: 1 }), 1, 11],
    ['Poseidon2 AIR, lqc 1', () => createPoseidon2Air({ permsPerRow: 1 }), 3, 12],
    ['degree-5 AIR with a periodic column, lqc 2: own coset LDE', quinticAir, 1, 13],
  ] as const) {
    it(`evalQuotient = evalFoldedQuotient on Q (${name}, 2^4 rows, blowup 2^${logBlowup}, seed ${seed})`, async () => {
      const air = mk();
      const c = compileAir(air);
      const k = 4;
      const lqc = c.logQuotientChunks;
      const logQ = k + lqc;
      const evals = mat(seed, k, air.width);
      const publics = random(seed + 1, air.numPublicValues);
      const alpha = random(seed + 2, 4);
      const want = evalFoldedQuotient(
        c,
        {
          trace: cosetLde(evals, lqc, GENERATOR),
          nextOffset: 2 ** lqc,
          publics,
          selectors: selectorsOnCoset(k, GENERATOR, logQ),
          periodic: periodicColumnsOnCoset(c.air.periodicColumns, k, GENERATOR, logQ),
        },
        alpha,
      );
      const b = backend();
      const t = await b.ldeAndCommit([evals], logBlowup, [GENERATOR]);
      const q = await b.evalQuotient(t, { compiled: c, logN: k, publics }, alpha);
      expect(q.length).toBe(2 ** logQ);
      expect(hex(q.values)).toBe(hex(want));
    });
  }

  it('commitQuotient = split q[i + r n] into 4-column chunks, then ldeAndCommit (seed 21, 4 chunks)', async () => {
    const b = backend();
    const q = random(21, 4 * 64);
    const handle = new CpuExtVector(b, q);
    const shifts = [3, 5, 7, 11];
    const got = await b.commitQuotient(handle, 4, 1, shifts);
    const chunks: Matrix[] = [];
    for (let i = 0; i < 4; i++) {
      const v = new Uint32Array(4 * 16);
      for (let r = 0; r < 16; r++) for (let e = 0; e < 4; e++) v[4 * r + e] = q[4 * (i + 4 * r) + e];
      chunks.push(cosetLdeBitReversed(matrix(v, 4), 1, shifts[i]));
    }
    expect(hex(got.root)).toBe(hex(commitMatrices(mmcs, chunks).root));
  });

  it('evaluateAt = evaluateLdeAt per matrix and point (seeds 31-36)', async () => {
    const b = backend();
    const evals = [mat(31, 5, 3), mat(32, 4, 2)];
    const h = await b.ldeAndCommit(evals, 1, [GENERATOR, GENERATOR]);
    const pts = [[random(33, 4), random(34, 4)], [random(35, 4)]];
    const got = await b.evaluateAt(h, 1, pts);
    const ldes = evals.map((m) => cosetLdeBitReversed(m, 1, GENERATOR));
    expect(got.map((per) => per.map(hex))).toEqual(
      pts.map((per, m) => per.map((z) => hex(evaluateLdeAt(ldes[m], 1, z)))),
    );
  });

  it('reduceOpenings = reduceOpenings of src/fri/open.ts, tallest first (seeds 41-47)', async () => {
    const b = backend();
    const e1 = [mat(41, 5, 2)];
    const e2 = [mat(42, 5, 3), mat(43, 4, 1)];
    const h1 = await b.ldeAndCommit(e1, 1, [GENERATOR]);
    const h2 = await b.ldeAndCommit(e2, 1, [GENERATOR, GENERATOR]);
    const points = [[[random(44, 4)]], [[random(45, 4)], [random(45, 4)]]];
    const values = [[[random(46, 8)]], [[random(47, 12)], [random(48, 4)]]];
    const alpha = random(49, 4);
    const got = await b.reduceOpenings(
      [
        { committed: h1, points: points[0], values: values[0] },
        { committed: h2, points: points[1], values: values[1] },
      ],
      alpha,
    );
    const want = reduceOpenings(
      [
        {
          matrices: e1.map((m) => cosetLdeBitReversed(m, 1, GENERATOR)),
          points: points[0],
          values: values[0],
        },
        {
          matrices: e2.map((m) => cosetLdeBitReversed(m, 1, GENERATOR)),
          points: points[1],
          values: values[1],
        },
      ],
      alpha,
    );
    expect(got.map((v) => v.length)).toEqual([64, 32]);
    expect(got.map((v) => hex(v.values))).toEqual([hex(want.get(6)!), hex(want.get(5)!)]);
  });

  it('commitFriRound = commitMatrices(matrix(v, 4 << a)); foldFri = foldVector + beta^(2^a) rollIn (seeds 51-54)', async () => {
    const b = backend();
    const v = random(51, 4 * 64);
    const beta = random(52, 4);
    const roll = random(53, 4 * 16);
    const vh = new CpuExtVector(b, v);
    const c = await b.commitFriRound(vh, 2);
    expect(hex(c.root)).toBe(hex(commitMatrices(mmcs, [matrix(v, 16)]).root));
    expect(c.shapes).toEqual([{ width: 16, height: 16 }]);
    const folded = await b.foldFri(vh, beta, 2, new CpuExtVector(b, roll));
    const want = foldVector(v, beta, 2);
    const b4 = ext4Square(ext4Square(beta));
    for (let i = 0; i < 16; i++)
      want.set(ext4Add(want.subarray(4 * i, 4 * i + 4), ext4Mul(roll.subarray(4 * i, 4 * i + 4), b4)), 4 * i);
    expect(hex(folded.values)).toBe(hex(want));
    const plain = await b.foldFri(vh, beta, 1, null);
    expect(hex(plain.values)).toBe(hex(foldVector(v, beta, 1)));
  });

  it('finalPoly = idft of the bit-reversed head (seed 61, 2^2 coefficients from 2^4 values)', async () => {
    const b = backend();
    const v = random(61, 4 * 16);
    const got = await b.finalPoly(new CpuExtVector(b, v), 2);
    const idx = reverseSliceIndexBits([0, 1, 2, 3]);
    const rows = new Uint32Array(16);
    for (let i = 0; i < 4; i++) rows.set(v.subarray(4 * idx[i], 4 * idx[i] + 4), 4 * i);
    expect(hex(got)).toBe(hex(idft(matrix(rows, 4)).values));
    // the head of a degree-< 4 polynomial's evaluations gives its coefficients back: constant 9
    const flat = new Uint32Array(4 * 16);
    for (let i = 0; i < 16; i++) flat[4 * i] = 9;
    expect(Array.from(await b.finalPoly(new CpuExtVector(b, flat), 2))).toEqual([
      9,
      0,
      0,
      0,
      ...new Array(12).fill(0),
    ]);
  });

  for (const bits of [1, 8, 12]) {
    it(`grind = DuplexChallenger.grind (${bits} bits, 5 pending inputs)`, async () => {
      const seq = new DuplexChallenger(perm);
      const tpl = new DuplexChallenger(perm);
      for (let i = 0; i < 13; i++) {
        seq.observe(70 + i);
        tpl.observe(70 + i);
      }
      expect(await backend().grind(tpl.powTemplate(), bits)).toBe(seq.grind(bits));
    });
  }
});

describe('CpuBackend handles and lifecycle', () => {
  it('release frees a handle (later use throws), twice is a no-op; foreign handles are refused', async () => {
    const b = backend();
    const other = backend();
    const h = await b.ldeAndCommit([mat(81, 3, 2)], 1, [GENERATOR]);
    await expect(other.openRows(h, [0])).rejects.toBeInstanceOf(TypeError);
    b.release(h);
    b.release(h);
    await expect(b.openRows(h, [0])).rejects.toThrow(/after release/);
    const v = new CpuExtVector(b, random(82, 16));
    b.release(v);
    await expect(b.finalPoly(v, 0)).rejects.toThrow(/after release/);
  });

  it('ledger is zero; close is idempotent and later operations throw', async () => {
    const b = createCpuBackend({ constants: 'rng-seed-1' });
    expect(b.ledger()).toEqual(ZERO_LEDGER);
    b.close();
    b.close();
    await expect(b.ldeAndCommit([mat(91, 2, 1)], 1, [GENERATOR])).rejects.toThrow(/closed/);
  });
});
