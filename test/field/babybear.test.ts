/**
 * BabyBear base field: constants, laws (shared helper), BigInt differential checks and the KATs of
 * test/vectors/babybear.json and test/vectors/reference/babybear_field.json.
 */

import { readFileSync } from 'node:fs';
import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  add,
  batchInverse,
  batchMul,
  ceilLog2,
  double,
  exp,
  expBig,
  FieldError,
  fromBigInt,
  fromMontgomery,
  fromU64,
  GENERATOR,
  halve,
  inverse,
  MONTY_R,
  MONTY_R_INV,
  mul,
  neg,
  P,
  square,
  sub,
  TWO_ADIC_GENERATORS,
  TWO_ADICITY,
  toMontgomery,
  twoAdicGenerator,
  twoAdicPow,
  twoAdicPowInv,
} from '../../src/field/babybear.ts';
import { describeFieldLaws } from '../helpers/field-laws.ts';
import { refAdd, refInv, refMul, refPow, refReduce, refSub } from '../ref/field-ref.ts';

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const BB = load('babybear.json');
const REF = load('reference/babybear_field.json');

/** The edge elements of STYLE.md. */
const BASE_EDGES: readonly number[] = [0, 1, 2, P - 2, P - 1, 2 ** 16, 2 ** 27];

describe('BabyBear constants', () => {
  it('P - 1 = 15 * 2^27 and P = 2^31 - 2^27 + 1', () => {
    expect(P - 1).toBe(15 * 2 ** 27);
    expect(P).toBe(2 ** 31 - 2 ** 27 + 1);
    expect(TWO_ADICITY).toBe(27);
  });
  it('two-adic generator 27 has order exactly 2^27, and the table squares down', () => {
    const g = twoAdicGenerator(27);
    expect(refPow(g, 2n ** 27n)).toBe(1);
    expect(refPow(g, 2n ** 26n)).toBe(P - 1);
    for (let b = 0; b < 27; b++)
      expect(TWO_ADIC_GENERATORS[b]).toBe(refMul(TWO_ADIC_GENERATORS[b + 1], TWO_ADIC_GENERATORS[b + 1]));
    expect(() => twoAdicGenerator(28)).toThrow(FieldError);
    expect(() => twoAdicGenerator(-1)).toThrow(FieldError);
  });
  it('11 is a non-square (so X^4 - 11 is irreducible with P = 1 mod 4)', () => {
    expect(refPow(11, BigInt((P - 1) / 2))).toBe(P - 1);
    expect(P % 4).toBe(1);
  });
  it('31 generates F* (31^((P-1)/q) != 1 for q = 2, 3, 5)', () => {
    for (const q of [2, 3, 5]) expect(refPow(GENERATOR, BigInt((P - 1) / q))).not.toBe(1);
  });
  it('babybear.json: modulus, generator, two-adic table, Montgomery constants', () => {
    expect(BB.modulus).toBe(P);
    expect(BB.multiplicative_generator).toBe(GENERATOR);
    expect(BB.two_adicity).toBe(TWO_ADICITY);
    expect([...TWO_ADIC_GENERATORS]).toEqual(BB.two_adic_generators.values);
    expect(MONTY_R).toBe(BB.montgomery.R_mod_p);
    expect(MONTY_R_INV).toBe(BB.montgomery.R_inv_mod_p);
    expect(refMul(MONTY_R, MONTY_R)).toBe(BB.montgomery.R2_mod_p);
  });
  it('babybear.json: roots_8, inv_roots_8, roots_16, inv_roots_16 (by exp and by twoAdicPow/Inv)', () => {
    for (const [key, bits, invert] of [
      ['roots_8', 3, false],
      ['inv_roots_8', 3, true],
      ['roots_16', 4, false],
      ['inv_roots_16', 4, true],
    ] as const) {
      const g = invert ? inverse(twoAdicGenerator(bits)) : twoAdicGenerator(bits);
      const want: number[] = BB[key].values;
      for (let i = 0; i < want.length; i++) {
        expect(exp(g, i), `${key}[${i}]`).toBe(want[i]);
        expect(invert ? twoAdicPowInv(bits, i) : twoAdicPow(bits, i), `${key}[${i}] (two-adic power)`).toBe(
          want[i],
        );
      }
    }
  });
  it('twoAdicPow(n, e) = g_n^e and twoAdicPowInv(n, e) = g_n^-e (BigInt reference), every n, edge and random e', () => {
    let seed = 0x9e3779b9;
    for (let n = 0; n <= TWO_ADICITY; n++) {
      const es = [0, 1, 2 ** n - 1, 2 ** (n >> 1)].filter((e) => e < 2 ** n);
      for (let k = 0; k < 20; k++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        es.push(seed % 2 ** n);
      }
      for (const e of es) {
        const g = TWO_ADIC_GENERATORS[n];
        expect(twoAdicPow(n, e), `g_${n}^${e}`).toBe(refPow(g, BigInt(e)));
        expect(refMul(twoAdicPowInv(n, e), refPow(g, BigInt(e))), `g_${n}^-${e}`).toBe(1);
      }
    }
    expect(() => twoAdicPow(3, 8)).toThrow(FieldError);
    expect(() => twoAdicPow(3, -1)).toThrow(FieldError);
    expect(() => twoAdicPow(28, 0)).toThrow(FieldError);
    expect(() => twoAdicPowInv(4, 16)).toThrow(FieldError);
  });
  it('ceilLog2 = the smallest k with 2^k >= n (loop reference), small n, around powers of two, non-integers', () => {
    const ref = (n: number): number => {
      let k = 0;
      while (2 ** k < n) k++;
      return k;
    };
    const ns: number[] = [];
    for (let n = 0; n <= 4096; n++) ns.push(n);
    for (let k = 1; k <= 53; k++) ns.push(2 ** k - 1, 2 ** k, 2 ** k + 1);
    ns.push(2.5, 1023.5, 2 ** 31 - 0.5);
    for (const n of ns) expect(ceilLog2(n), `ceilLog2(${n})`).toBe(ref(n));
  });
  it('reference/babybear_field.json: p, generator, two_adic_generators', () => {
    expect(REF.p).toBe(P);
    expect(REF.generator).toBe(GENERATOR);
    for (const { bits, generator } of REF.two_adic_generators) expect(twoAdicGenerator(bits)).toBe(generator);
  });
});

describeFieldLaws<number>({
  name: 'BabyBear',
  arb: fc.integer({ min: 0, max: P - 1 }),
  edges: BASE_EDGES,
  add,
  sub,
  mul,
  neg,
  inv: inverse,
  eq: (a, b) => a === b,
  zero: 0,
  one: 1,
});

describe('BabyBear vs BigInt reference', () => {
  it('mul/add/sub agree with BigInt on 200k seeded random pairs and all edge pairs', () => {
    let seed = 0x12345678;
    const rnd = (): number => {
      // xorshift32, fixed seed
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % P;
    };
    const pairs: [number, number][] = [];
    for (const a of BASE_EDGES) for (const b of BASE_EDGES) pairs.push([a, b]);
    for (let i = 0; i < 200_000; i++) pairs.push([rnd(), rnd()]);
    for (const [a, b] of pairs) {
      if (mul(a, b) !== refMul(a, b))
        expect.fail(`mul(${a}, ${b}) = ${mul(a, b)}, want ${refMul(a, b)} (seed 0x12345678)`);
      if (add(a, b) !== refAdd(a, b)) expect.fail(`add(${a}, ${b})`);
      if (sub(a, b) !== refSub(a, b)) expect.fail(`sub(${a}, ${b})`);
    }
  });
  it('mul near the top: (P-1-i)(P-1-j) for i, j < 64', () => {
    for (let i = 0; i < 64; i++)
      for (let j = 0; j < 64; j++) expect(mul(P - 1 - i, P - 1 - j)).toBe(refMul(P - 1 - i, P - 1 - j));
  });
  it('batchMul matches mul elementwise (including aliasing out = a)', () => {
    const n = 1000;
    const a = new Uint32Array(n);
    const b = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = (i * 2654435761) % P;
      b[i] = BASE_EDGES[i % BASE_EDGES.length] ^ (i * 40503);
      b[i] %= P;
    }
    const out = batchMul(new Uint32Array(n), a, b);
    for (let i = 0; i < n; i++) expect(out[i]).toBe(refMul(a[i], b[i]));
    batchMul(a, a, b);
    expect(a).toEqual(out);
  });
  it('inverse and batchInverse agree with Fermat; zero throws FieldError', () => {
    const xs = Uint32Array.from([1, 2, 3, P - 1, P - 2, 2 ** 16, 2 ** 27, 123456789]);
    const inv = batchInverse(xs);
    xs.forEach((x, i) => {
      expect(inverse(x)).toBe(refInv(x));
      expect(inv[i]).toBe(refInv(x));
    });
    expect(() => inverse(0)).toThrow(FieldError);
    expect(() => batchInverse(Uint32Array.of(1, 0, 2))).toThrow(FieldError);
  });
});

describe('babybear.json kats', () => {
  it('babybear.json kats[0] "test_baby_bear: product"', () => {
    const k = BB.kats[0];
    expect(mul(k.a, k.b)).toBe(k.a_times_b);
  });
  it('babybear.json kats[1] "serde/postcard encoding of BabyBear": toMontgomery/fromMontgomery', () => {
    for (const { canonical, serialized_u32 } of BB.kats[1].examples) {
      expect(toMontgomery(canonical)).toBe(serialized_u32);
      expect(fromMontgomery(serialized_u32)).toBe(canonical);
    }
  });
  it('babybear.json inverse_of_7_exponent: (x^7)^e = x', () => {
    const e = BB.inverse_of_7_exponent;
    for (const x of [2, 3, 12345, P - 1]) expect(exp(exp(x, 7), e)).toBe(x);
  });
});

describe('reference/babybear_field.json', () => {
  it('reference/babybear_field.json binary: add, sub, mul, div on the 8x8 grid', () => {
    expect(REF.binary.length).toBe(64);
    for (const c of REF.binary) {
      expect(add(c.a, c.b), `add ${c.a} ${c.b}`).toBe(c.add);
      expect(sub(c.a, c.b), `sub ${c.a} ${c.b}`).toBe(c.sub);
      expect(mul(c.a, c.b), `mul ${c.a} ${c.b}`).toBe(c.mul);
      if (c.div === null) expect(() => mul(c.a, inverse(c.b))).toThrow(FieldError);
      else expect(mul(c.a, inverse(c.b)), `div ${c.a} ${c.b}`).toBe(c.div);
    }
  });
  it('reference/babybear_field.json unary: neg, double, halve, square, cube, exps, root_7, inverse, serde form', () => {
    expect(REF.unary.length).toBe(16);
    for (const c of REF.unary) {
      const a: number = c.a;
      expect(neg(a)).toBe(c.neg);
      expect(double(a)).toBe(c.double);
      expect(halve(a)).toBe(c.halve);
      expect(square(a)).toBe(c.square);
      expect(mul(square(a), a)).toBe(c.cube);
      expect(exp(a, 7)).toBe(c.exp_7);
      expect(exp(a, P - 2)).toBe(c.exp_u64_p_minus_2);
      expect(exp(a, 1234567890123)).toBe(c.exp_u64_1234567890123);
      expect(expBig(a, 1234567890123n)).toBe(c.exp_u64_1234567890123);
      expect(exp(a, BB.inverse_of_7_exponent)).toBe(c.root_7);
      expect(toMontgomery(a)).toBe(c.serde_monty_form);
      expect(fromMontgomery(c.serde_monty_form)).toBe(a);
      if (c.inverse === null) expect(() => inverse(a)).toThrow(FieldError);
      else expect(inverse(a)).toBe(c.inverse);
    }
  });
  it('reference/babybear_field.json from_u64 and from_i64', () => {
    for (const c of REF.from_u64) {
      expect(fromBigInt(BigInt(c.n))).toBe(c.from_u64);
      expect(refReduce(BigInt(c.n))).toBe(c.from_u64);
      if (Number.isSafeInteger(Number(c.n)) && BigInt(Number(c.n)) === BigInt(c.n))
        expect(fromU64(Number(c.n))).toBe(c.from_u64);
    }
    for (const c of REF.from_i64) expect(fromBigInt(BigInt(c.n))).toBe(c.from_i64);
  });
  it('reference/babybear_field.json sum_31_pow_0_to_99', () => {
    let s = 0;
    for (let i = 0; i < 100; i++) s = add(s, exp(GENERATOR, i));
    expect(s).toBe(REF.sum_31_pow_0_to_99);
  });
});
