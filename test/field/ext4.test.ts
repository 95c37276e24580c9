/**
 * Degree-4 extension X^4 - 11: constants, laws (shared helper), BigInt differential checks, the
 * extension constants of test/vectors/babybear.json and every case of test/vectors/reference/babybear_ext4.json.
 */

import { readFileSync } from 'node:fs';
import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FieldError, P } from '../../src/field/babybear.ts';
import {
  DTH_ROOT,
  EXT_GENERATOR,
  EXT_TWO_ADICITY,
  EXT_W,
  type Ext4,
  ext4Add,
  ext4AddBase,
  ext4AddInto,
  ext4BatchInverse,
  ext4Div,
  ext4Equals,
  ext4Exp,
  ext4Frobenius,
  ext4From,
  ext4FromBase,
  ext4Inverse,
  ext4IsZero,
  ext4Mul,
  ext4MulBase,
  ext4MulInto,
  ext4Neg,
  ext4One,
  ext4Square,
  ext4Sub,
  ext4TwoAdicGenerator,
  ext4Zero,
} from '../../src/field/ext4.ts';
import { describeFieldLaws } from '../helpers/field-laws.ts';
import { clearExt4MulInto, P_BIG, refExtInv, refExtMul, refExtPow, refPow } from '../ref/field-ref.ts';

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const BB = load('babybear.json');
const REF = load('reference/babybear_ext4.json');

const EDGE_COEFFS = [0, 1, 2, P - 2, P - 1, 2 ** 16, 2 ** 27];
const EDGES: Ext4[] = [
  ext4Zero(),
  ext4One(),
  ext4FromBase(2),
  ext4FromBase(P - 1),
  Uint32Array.of(0, 1, 0, 0),
  Uint32Array.of(0, 0, 0, 1),
  Uint32Array.of(P - 2, P - 1, 2 ** 16, 2 ** 27),
  Uint32Array.of(P - 1, P - 1, P - 1, P - 1),
  Uint32Array.of(2 ** 27, 0, 2 ** 16, 2),
];
const coeff = fc.oneof(fc.integer({ min: 0, max: P - 1 }), fc.constantFrom(...EDGE_COEFFS));
const arbExt = fc.tuple(coeff, coeff, coeff, coeff).map((c) => Uint32Array.from(c));
const arr = (x: Ext4): number[] => Array.from(x);

describe('Ext4 constants', () => {
  it('babybear.json extension_degree4: W, dth_root, generator, two-adicity, generators 28/29', () => {
    const e = BB.extension_degree4;
    expect(EXT_W).toBe(e.W);
    expect(DTH_ROOT).toBe(e.dth_root);
    expect(arr(EXT_GENERATOR)).toEqual(e.ext_generator);
    expect(EXT_TWO_ADICITY).toBe(e.ext_two_adicity);
    expect(arr(ext4TwoAdicGenerator(28))).toEqual(e.two_adic_extension_generators['28']);
    expect(arr(ext4TwoAdicGenerator(29))).toEqual(e.two_adic_extension_generators['29']);
  });
  it('DTH_ROOT = 11^((P-1)/4) and 11 is a non-square', () => {
    expect(refPow(11, BigInt((P - 1) / 4))).toBe(DTH_ROOT);
    expect(refPow(11, BigInt((P - 1) / 2))).toBe(P - 1);
  });
  it('two-adic generator 29 has order exactly 2^29 and squares to generator 28, then to the base table', () => {
    const g29 = ext4TwoAdicGenerator(29);
    expect(refExtPow(g29, 2n ** 29n)).toEqual([1, 0, 0, 0]);
    expect(refExtPow(g29, 2n ** 28n)).toEqual([P - 1, 0, 0, 0]);
    expect(arr(ext4Square(g29))).toEqual(arr(ext4TwoAdicGenerator(28)));
    expect(arr(ext4Square(ext4TwoAdicGenerator(28)))).toEqual(arr(ext4TwoAdicGenerator(27)));
    expect(() => ext4TwoAdicGenerator(30)).toThrow(FieldError);
  });
  it('reference/babybear_ext4.json: w, degree, generator, two_adicity, two_adic_generators 0..29', () => {
    expect(REF.w).toBe(EXT_W);
    expect(REF.degree).toBe(4);
    expect(arr(EXT_GENERATOR)).toEqual(REF.generator);
    expect(REF.two_adicity).toBe(EXT_TWO_ADICITY);
    for (const { bits, generator } of REF.two_adic_generators)
      expect(arr(ext4TwoAdicGenerator(bits))).toEqual(generator);
  });
});

describeFieldLaws<Ext4>({
  name: 'BabyBear^4',
  arb: arbExt,
  edges: EDGES,
  add: ext4Add,
  sub: ext4Sub,
  mul: ext4Mul,
  neg: ext4Neg,
  inv: ext4Inverse,
  eq: ext4Equals,
  zero: ext4Zero(),
  one: ext4One(),
  show: (a) => `[${arr(a).join(', ')}]`,
  numRuns: 100,
});

describe('Ext4 vs BigInt reference', () => {
  it('mul, square and inverse agree with BigInt on seeded random elements', () => {
    fc.assert(
      fc.property(arbExt, arbExt, (a, b) => {
        expect(arr(ext4Mul(a, b))).toEqual(refExtMul(a, b));
        expect(arr(ext4Square(a))).toEqual(refExtMul(a, a));
      }),
      { numRuns: 2000, seed: 42 },
    );
    fc.assert(
      fc.property(arbExt, (a) => {
        if (ext4IsZero(a)) return;
        expect(arr(ext4Inverse(a))).toEqual(refExtInv(a));
      }),
      { numRuns: 30, seed: 43 },
    );
  });
  it('optimised ext4MulInto equals the clear 16-mul form on 20k seeded elements and all edge pairs', () => {
    const out1 = new Uint32Array(4);
    const out2 = new Uint32Array(4);
    const check = (a: Ext4, b: Ext4): void => {
      ext4MulInto(out1, 0, a, 0, b, 0);
      clearExt4MulInto(out2, 0, a, 0, b, 0);
      if (!ext4Equals(out1, out2)) expect.fail(`ext4MulInto([${arr(a)}], [${arr(b)}])`);
    };
    for (const a of EDGES) for (const b of EDGES) check(a, b);
    fc.assert(
      fc.property(arbExt, arbExt, (a, b) => check(a, b)),
      { numRuns: 20000, seed: 45 },
    );
  });
  it('Frobenius is a^p', () => {
    fc.assert(
      fc.property(arbExt, (a) => {
        expect(arr(ext4Frobenius(a))).toEqual(refExtPow(a, P_BIG));
      }),
      { numRuns: 30, seed: 44 },
    );
  });
  it('hot-loop variants honour offsets and aliasing', () => {
    const buf = Uint32Array.of(9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9);
    const want = refExtMul([1, 2, 3, 4], [5, 6, 7, 8]);
    ext4MulInto(buf, 2, buf, 2, buf, 6);
    expect(arr(buf)).toEqual([9, 9, ...want, 5, 6, 7, 8, 9, 9]);
    const out = new Uint32Array(8);
    ext4AddInto(out, 4, buf, 2, buf, 6);
    expect(arr(out.subarray(4))).toEqual(arr(ext4Add(buf.subarray(2, 6), buf.subarray(6, 10))));
  });
  it('batch inverse over a stride-4 array; zero element and bad length throw FieldError', () => {
    const xs = Uint32Array.of(1, 2, 3, 4, P - 1, 0, 0, 0, 0, 0, 0, 1, 5, 6, 7, 8);
    const inv = ext4BatchInverse(xs);
    for (let i = 0; i < 4; i++)
      expect(arr(inv.subarray(4 * i, 4 * i + 4))).toEqual(refExtInv(xs.subarray(4 * i, 4 * i + 4)));
    ext4BatchInverse(xs, xs);
    expect(xs).toEqual(inv);
    expect(() => ext4BatchInverse(Uint32Array.of(1, 0, 0, 0, 0, 0, 0, 0))).toThrow(FieldError);
    expect(() => ext4BatchInverse(Uint32Array.of(1, 0, 0))).toThrow(FieldError);
    expect(() => ext4Inverse(ext4Zero())).toThrow(FieldError);
  });
  it('ext4From validates; exp with number and bigint exponents agree', () => {
    expect(() => ext4From([1, 2, 3])).toThrow(FieldError);
    expect(() => ext4From([1, 2, 3, P])).toThrow(FieldError);
    const g = EXT_GENERATOR;
    expect(arr(ext4Exp(g, 1234567))).toEqual(arr(ext4Exp(g, 1234567n)));
    expect(arr(ext4Exp(g, 1234567))).toEqual(refExtPow(g, 1234567n));
  });
});

describe('reference/babybear_ext4.json', () => {
  it('reference/babybear_ext4.json binary: add, sub, mul, div on the 8x8 grid', () => {
    expect(REF.binary.length).toBe(64);
    for (const c of REF.binary) {
      const a = ext4From(c.a);
      const b = ext4From(c.b);
      const tag = `${c.a} ${c.b}`;
      expect(arr(ext4Add(a, b)), `add ${tag}`).toEqual(c.add);
      expect(arr(ext4Sub(a, b)), `sub ${tag}`).toEqual(c.sub);
      expect(arr(ext4Mul(a, b)), `mul ${tag}`).toEqual(c.mul);
      if (c.div === null) expect(() => ext4Div(a, b)).toThrow(FieldError);
      else expect(arr(ext4Div(a, b)), `div ${tag}`).toEqual(c.div);
    }
  });
  it('reference/babybear_ext4.json unary: neg, square, inverse, exp_u64_12345, frobenius', () => {
    expect(REF.unary.length).toBe(9);
    for (const c of REF.unary) {
      const a = ext4From(c.a);
      expect(arr(ext4Neg(a))).toEqual(c.neg);
      expect(arr(ext4Square(a))).toEqual(c.square);
      expect(arr(ext4Exp(a, 12345))).toEqual(c.exp_u64_12345);
      expect(arr(ext4Frobenius(a))).toEqual(c.frobenius);
      if (c.inverse === null) expect(() => ext4Inverse(a)).toThrow(FieldError);
      else expect(arr(ext4Inverse(a))).toEqual(c.inverse);
    }
  });
  it('reference/babybear_ext4.json base_times_ext: add and mul by a base scalar', () => {
    expect(REF.base_times_ext.length).toBe(15);
    for (const c of REF.base_times_ext) {
      const e = ext4From(c.ext);
      expect(arr(ext4AddBase(e, c.base))).toEqual(c.add);
      expect(arr(ext4MulBase(e, c.base))).toEqual(c.mul);
      expect(arr(ext4Mul(ext4FromBase(c.base), e))).toEqual(c.mul);
    }
  });
});
