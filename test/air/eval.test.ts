import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Air } from '../../src/air/air.ts';
import {
  periodicAtPoint,
  periodicOnCoset,
  selectorsAtPoint,
  selectorsOnCoset,
} from '../../src/air/domain.ts';
import { evalFoldedAtPoint, evalFoldedQuotient, foldingPowers } from '../../src/air/eval.ts';
import { compileAir } from '../../src/air/program.ts';
import { matrix } from '../../src/field/matrix.ts';
import { mixedAir } from './mixed-air.ts';
import { type E, e, eadd, eb, einv, emul, epow, esub, finv, fmul, fpow, fsub, PB, toU32 } from './ref-ef.ts';

const P = 2013265921;
const GEN = 31n;
/** two_adic_generator(bits) from the spec's table entry 27 by squaring. */
const gen = (bits: number): bigint => fpow(0x1a427a41n, 2n ** BigInt(27 - bits));

let seed = 12345;
const rnd = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % P;
};
const rndE = (): Uint32Array => Uint32Array.of(rnd(), rnd(), rnd(), rnd());

const arbE = fc
  .tuple(fc.nat(P - 1), fc.nat(P - 1), fc.nat(P - 1), fc.nat(P - 1))
  .map((t) => Uint32Array.from(t));

describe('selectorsAtPoint (docs/protocol.md §8.2, unnormalized)', () => {
  it('matches the BigInt formulas at random EF points, logN = 0..5', () => {
    fc.assert(
      fc.property(arbE, fc.integer({ min: 0, max: 5 }), (z, logN) => {
        const zz = e(z);
        const n = 2n ** BigInt(logN);
        const Z = esub(epow(zz, n), eb(1));
        const gInv = finv(gen(logN));
        const s = selectorsAtPoint(logN, z);
        const trans = esub(zz, eb(gInv));
        expect(Array.from(s.isTransition)).toEqual(Array.from(toU32(trans)));
        expect(Array.from(s.invVanishing)).toEqual(Array.from(toU32(einv(Z))));
        expect(Array.from(s.isFirstRow)).toEqual(Array.from(toU32(emul(Z, einv(esub(zz, eb(1)))))));
        expect(Array.from(s.isLastRow)).toEqual(Array.from(toU32(emul(Z, einv(trans)))));
      }),
      { numRuns: 20 },
    );
  });
  it('n = 1: isFirstRow = isLastRow = 1, isTransition = x - 1', () => {
    const z = Uint32Array.of(5, 6, 7, 8);
    const s = selectorsAtPoint(0, z);
    expect(Array.from(s.isFirstRow)).toEqual([1, 0, 0, 0]);
    expect(Array.from(s.isLastRow)).toEqual([1, 0, 0, 0]);
    expect(Array.from(s.isTransition)).toEqual([4, 6, 7, 8]);
    expect(Array.from(s.invVanishing)).toEqual(Array.from(toU32(einv([4n, 6n, 7n, 8n]))));
  });
  it('is unnormalized: isFirstRow(x) -> n near x = 1 is n (checked via the identity Z(x)/(x-1) = sum x^i)', () => {
    // At a base point x, Z(x)/(x - 1) = 1 + x + ... + x^(n-1); at x = 1 that sum is n.
    const logN = 3;
    const x = 7n;
    let sum = 0n;
    for (let i = 0n; i < 8n; i++) sum = (sum + fpow(x, i)) % PB;
    expect(selectorsAtPoint(logN, Uint32Array.of(7, 0, 0, 0)).isFirstRow[0]).toBe(Number(sum));
  });
});

describe('selectorsOnCoset', () => {
  for (const [logN, logQ] of [
    [0, 0],
    [0, 2],
    [3, 3],
    [3, 4],
    [2, 5],
  ] as const) {
    it(`agrees with the BigInt formulas on GEN * H_2^${logQ} for n = 2^${logN}`, () => {
      const s = selectorsOnCoset(logN, 31, logQ);
      const gQ = gen(logQ);
      const gInv = finv(gen(logN));
      const n = 2n ** BigInt(logN);
      for (let j = 0; j < 2 ** logQ; j++) {
        const x = fmul(GEN, fpow(gQ, BigInt(j)));
        const Z = fsub(fpow(x, n), 1n);
        expect(s.isTransition[j]).toBe(Number(fsub(x, gInv)));
        expect(s.invVanishing[j]).toBe(Number(finv(Z)));
        expect(s.isFirstRow[j]).toBe(Number(fmul(Z, finv(fsub(x, 1n)))));
        expect(s.isLastRow[j]).toBe(Number(fmul(Z, finv(fsub(x, gInv)))));
      }
    });
  }
});

describe('periodic columns (docs/protocol.md §8.3)', () => {
  it('periodicAtPoint interpolates col on H_p and evaluates at zeta^(n/p)', () => {
    const col = Uint32Array.of(3, 1, 4, 1);
    const logN = 4;
    const z = rndE();
    // Reference: Lagrange interpolation with BigInt on H_4, at y = zeta^4.
    const y = epow(e(z), 4n);
    const w = gen(2);
    let acc: E = [0n, 0n, 0n, 0n];
    for (let j = 0; j < 4; j++) {
      let term: E = eb(col[j]);
      const xj = fpow(w, BigInt(j));
      for (let i = 0; i < 4; i++) {
        if (i === j) continue;
        const xi = fpow(w, BigInt(i));
        term = emul(term, emul(esub(y, eb(xi)), eb(finv(fsub(xj, xi)))));
      }
      acc = eadd(acc, term);
    }
    expect(Array.from(periodicAtPoint(col, logN, z))).toEqual(Array.from(toU32(acc)));
  });
  it('periodicAtPoint on a point of the trace domain gives the row value', () => {
    const col = Uint32Array.of(10, 20);
    const g = Number(gen(3));
    // Row 3 of H_8: x = g^3, x^(8/2) = g^12 = w^3 with w = g^4 of order 2 -> col[1].
    expect(periodicAtPoint(col, 3, Uint32Array.of(Number(fpow(BigInt(g), 3n)), 0, 0, 0))[0]).toBe(20);
  });
  it('periodicOnCoset agrees with periodicAtPoint at each coset point', () => {
    const col = Uint32Array.of(5, 9, 2, 7);
    const logN = 3;
    const logQ = 5;
    const per = periodicOnCoset(col, logN, 31, logQ);
    expect(per.length).toBe(4 * 4);
    const gQ = gen(logQ);
    for (let j = 0; j < 32; j++) {
      const x = Number(fmul(GEN, fpow(gQ, BigInt(j))));
      expect(per[j % per.length]).toBe(periodicAtPoint(col, logN, Uint32Array.of(x, 0, 0, 0))[0]);
    }
  });
});

describe('folding (docs/protocol.md §10.2)', () => {
  it('Horner order: folded = alpha^(N-1-j) C_j', () => {
    const air: Air = {
      name: 'three',
      width: 3,
      numPublicValues: 0,
      mainNextRowColumns: [],
      eval(b) {
        b.assertZero(b.main.local[0]);
        b.assertZero(b.main.local[1]);
        b.assertZero(b.main.local[2]);
      },
    };
    const c = compileAir(air);
    const vals = [rndE(), rndE(), rndE()];
    const alpha = rndE();
    const sel = { isFirstRow: rndE(), isLastRow: rndE(), isTransition: rndE() };
    const got = evalFoldedAtPoint(c, { local: vals, publics: [], selectors: sel }, alpha);
    const a = e(alpha);
    const want = eadd(eadd(emul(emul(a, a), e(vals[0])), emul(a, e(vals[1]))), e(vals[2]));
    expect(Array.from(got)).toEqual(Array.from(toU32(want)));
    const pw = foldingPowers(alpha, 3);
    expect(Array.from(pw.subarray(0, 4))).toEqual(Array.from(toU32(emul(a, a))));
    expect(Array.from(pw.subarray(8, 12))).toEqual([1, 0, 0, 0]);
  });
});

describe('evalFoldedQuotient vs evalFoldedAtPoint', () => {
  it('agree row by row on random base inputs embedded in EF, for several block sizes and ranges', () => {
    const c = compileAir(mixedAir);
    const rows = 16;
    const nextOffset = 4;
    const trace = matrix(Uint32Array.from({ length: rows * 4 }, rnd), 4);
    const col = (len: number): Uint32Array => Uint32Array.from({ length: len }, rnd);
    const selectors = {
      isFirstRow: col(rows),
      isLastRow: col(rows),
      isTransition: col(rows),
      invVanishing: col(4),
    };
    const periodic = [col(4), col(8)];
    const publics = [rnd(), rnd()];
    const alpha = rndE();
    const inp = { trace, nextOffset, publics, selectors, periodic };
    const full = evalFoldedQuotient(c, inp, alpha);
    const emb = (x: number): Uint32Array => Uint32Array.of(x, 0, 0, 0);
    for (let j = 0; j < rows; j++) {
      const nj = (j + nextOffset) % rows;
      const v = evalFoldedAtPoint(
        c,
        {
          local: Array.from(trace.values.subarray(4 * j, 4 * j + 4), emb),
          next: Array.from(trace.values.subarray(4 * nj, 4 * nj + 4), emb),
          publics,
          periodic: [emb(periodic[0][j % 4]), emb(periodic[1][j % 8])],
          selectors: {
            isFirstRow: emb(selectors.isFirstRow[j]),
            isLastRow: emb(selectors.isLastRow[j]),
            isTransition: emb(selectors.isTransition[j]),
          },
        },
        alpha,
      );
      const want = toU32(emul(e(v), eb(selectors.invVanishing[j % 4])));
      expect(Array.from(full.subarray(4 * j, 4 * j + 4))).toEqual(Array.from(want));
    }
    for (const blockSize of [1, 3, 5, 16]) {
      expect(Array.from(evalFoldedQuotient(c, inp, alpha, undefined, { blockSize }))).toEqual(
        Array.from(full),
      );
    }
    const part = evalFoldedQuotient(c, inp, alpha, undefined, { start: 5, end: 13, blockSize: 3 });
    expect(Array.from(part)).toEqual(Array.from(full.subarray(20, 52)));
  });
  it('rejects a wrong public-value count', () => {
    const c = compileAir(mixedAir);
    expect(() =>
      evalFoldedAtPoint(
        c,
        { local: new Uint32Array(16), publics: [1], selectors: selectorsAtPoint(2, rndE()) },
        rndE(),
      ),
    ).toThrow(/public values/);
  });
});
