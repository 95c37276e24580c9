/**
 * Shared field-law suite: describeFieldLaws(impl) checks the ring and field axioms with fast-check
 * over arbitrary elements plus fixed edge elements. Used for BabyBear, its extension and (later) the
 * GPU field kernels, which only need to supply a FieldLawsImpl.
 */

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';

/** What a field implementation supplies to the law suite. T is the element type. */
export interface FieldLawsImpl<T> {
  /** Suite title, e.g. 'BabyBear'. */
  readonly name: string;
  /** Arbitrary elements (should include the edge elements with some weight). */
  readonly arb: fc.Arbitrary<T>;
  /** Fixed elements always checked against each other (for BabyBear: 0, 1, 2, P-2, P-1, 2^16, 2^27). */
  readonly edges: readonly T[];
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  neg(a: T): T;
  /** Inverse; must throw on zero. */
  inv(a: T): T;
  eq(a: T, b: T): boolean;
  readonly zero: T;
  readonly one: T;
  /** Optional printable form for failure messages. */
  show?(a: T): string;
  /** Number of fast-check runs per law (default 200). */
  readonly numRuns?: number;
}

/** Fixed seed so failures reproduce; fast-check prints it on failure. */
export const FIELD_LAWS_SEED = 0x5eed_b0b;

/**
 * Registers a describe block with the field laws for impl.
 * @param impl the field under test
 */
export function describeFieldLaws<T>(impl: FieldLawsImpl<T>): void {
  const { add, sub, mul, neg, inv, eq, zero, one } = impl;
  const show = impl.show ?? ((a: T) => String(a));
  const params = { numRuns: impl.numRuns ?? 200, seed: FIELD_LAWS_SEED };
  const elem = fc.oneof(
    { weight: 4, arbitrary: impl.arb },
    { weight: 1, arbitrary: fc.constantFrom(...impl.edges) },
  );
  const isZero = (a: T): boolean => eq(a, zero);
  const check = (ok: boolean, what: string, ...xs: T[]): void => {
    if (!ok) expect.fail(`${impl.name}: ${what} fails for ${xs.map(show).join(', ')}`);
  };

  describe(`${impl.name} field laws`, () => {
    test.prop([elem, elem], params)('addition commutes', (a, b) =>
      check(eq(add(a, b), add(b, a)), 'a+b=b+a', a, b),
    );
    test.prop([elem, elem, elem], params)('addition associates', (a, b, c) =>
      check(eq(add(add(a, b), c), add(a, add(b, c))), '(a+b)+c=a+(b+c)', a, b, c),
    );
    test.prop([elem], params)('zero is the additive identity, neg the additive inverse', (a) => {
      check(eq(add(a, zero), a), 'a+0=a', a);
      check(isZero(add(a, neg(a))), 'a+(-a)=0', a);
      check(eq(neg(neg(a)), a), '-(-a)=a', a);
    });
    test.prop([elem, elem], params)('subtraction is adding the negation', (a, b) => {
      check(eq(sub(a, b), add(a, neg(b))), 'a-b=a+(-b)', a, b);
      check(eq(add(sub(a, b), b), a), '(a-b)+b=a', a, b);
    });
    test.prop([elem, elem], params)('multiplication commutes', (a, b) =>
      check(eq(mul(a, b), mul(b, a)), 'ab=ba', a, b),
    );
    test.prop([elem, elem, elem], params)('multiplication associates', (a, b, c) =>
      check(eq(mul(mul(a, b), c), mul(a, mul(b, c))), '(ab)c=a(bc)', a, b, c),
    );
    test.prop([elem, elem, elem], params)('multiplication distributes over addition', (a, b, c) =>
      check(eq(mul(a, add(b, c)), add(mul(a, b), mul(a, c))), 'a(b+c)=ab+ac', a, b, c),
    );
    test.prop([elem], params)('one is the multiplicative identity, zero absorbs', (a) => {
      check(eq(mul(a, one), a), 'a*1=a', a);
      check(isZero(mul(a, zero)), 'a*0=0', a);
      check(eq(mul(neg(a), neg(one)), a), '(-a)(-1)=a', a);
    });
    test.prop([elem], params)('every non-zero element has an inverse', (a) => {
      if (isZero(a)) return;
      const ai = inv(a);
      check(eq(mul(a, ai), one), 'a * a^-1 = 1', a);
      check(eq(inv(ai), a), '(a^-1)^-1 = a', a);
    });
    test.prop([elem, elem], params)('the product of non-zero elements is non-zero', (a, b) => {
      if (isZero(a) || isZero(b)) return;
      check(!isZero(mul(a, b)), 'ab != 0', a, b);
    });
    test('the inverse of zero throws', () => {
      expect(() => inv(zero)).toThrow();
    });
    test('edge elements: all pairs satisfy the laws', () => {
      for (const a of impl.edges) {
        for (const b of impl.edges) {
          check(eq(add(a, b), add(b, a)), 'a+b=b+a', a, b);
          check(eq(mul(a, b), mul(b, a)), 'ab=ba', a, b);
          check(eq(add(sub(a, b), b), a), '(a-b)+b=a', a, b);
          for (const c of impl.edges)
            check(eq(mul(a, add(b, c)), add(mul(a, b), mul(a, c))), 'a(b+c)=ab+ac', a, b, c);
        }
        if (!isZero(a)) check(eq(mul(a, inv(a)), one), 'a * a^-1 = 1', a);
      }
    });
  });
}
