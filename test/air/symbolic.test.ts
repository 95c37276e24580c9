import { describe, expect, it } from 'vitest';
import { type Air, type AirBuilder, AirError } from '../../src/air/air.ts';
import { compileAir, logQuotientChunksFor } from '../../src/air/program.ts';
import { ExprOp, ExprPool, exprToString, SymbolicBuilder } from '../../src/air/symbolic.ts';
import { ceilLog2, P } from '../../src/field/babybear.ts';

function builder(): SymbolicBuilder {
  return new SymbolicBuilder(3, 2, 1);
}

describe('simplification rules (docs/protocol.md §10.3)', () => {
  it('folds operations on two constants', () => {
    const b = builder();
    expect(b.add(3, 4)).toMatchObject({ op: ExprOp.constant, value: 7 });
    expect(b.sub(3, 4)).toMatchObject({ op: ExprOp.constant, value: P - 1 });
    expect(b.mul(P - 1, P - 1)).toMatchObject({ op: ExprOp.constant, value: 1 });
    expect(b.neg(5)).toMatchObject({ op: ExprOp.constant, value: P - 5 });
    expect(b.constant(-1).value).toBe(P - 1);
  });
  it('0 + x = x + 0 = x and x - 0 = x', () => {
    const b = builder();
    const x = b.main.local[0];
    expect(b.add(0, x)).toBe(x);
    expect(b.add(x, 0)).toBe(x);
    expect(b.sub(x, 0)).toBe(x);
  });
  it('0 - x = -x keeps the degree', () => {
    const b = builder();
    const x = b.mul(b.main.local[0], b.main.local[1]);
    const r = b.sub(0, x);
    expect(r.op).toBe(ExprOp.neg);
    expect(r.a).toBe(x);
    expect(r.degree).toBe(2);
  });
  it('x * 0 = 0 * x = 0 is a degree-0 constant', () => {
    const b = builder();
    const x = b.mul(b.main.local[0], b.isFirstRow);
    for (const r of [b.mul(x, 0), b.mul(0, x)])
      expect(r).toMatchObject({ op: ExprOp.constant, value: 0, degree: 0 });
  });
  it('x * 1 = 1 * x = x', () => {
    const b = builder();
    const x = b.main.next[2];
    expect(b.mul(x, 1)).toBe(x);
    expect(b.mul(1, x)).toBe(x);
  });
  it('does not simplify x * c or x + c for other constants', () => {
    const b = builder();
    const x = b.main.local[0];
    expect(b.mul(x, 2).op).toBe(ExprOp.mul);
    expect(b.add(x, 1).op).toBe(ExprOp.add);
  });
  it('hash-conses equal expressions', () => {
    const p = new ExprPool();
    const x = p.leaf(ExprOp.main, 0);
    expect(p.add(x, 5)).toBe(p.add(x, 5));
    expect(p.mul(x, x)).toBe(p.mul(x, x));
  });
});

describe('degree inference (docs/protocol.md §10.3)', () => {
  it('assigns leaf degrees', () => {
    const b = builder();
    expect(b.main.local[0].degree).toBe(1);
    expect(b.main.next[0].degree).toBe(1);
    expect(b.periodic[0].degree).toBe(1);
    expect(b.publicValues[0].degree).toBe(0);
    expect(b.constant(9).degree).toBe(0);
    expect(b.isFirstRow.degree).toBe(1);
    expect(b.isLastRow.degree).toBe(1);
    expect(b.isTransition.degree).toBe(0);
  });
  it('add/sub take the max, neg keeps, mul sums', () => {
    const b = builder();
    const x = b.main.local[0];
    const x2 = b.mul(x, x);
    expect(b.add(x2, x).degree).toBe(2);
    expect(b.sub(x, x2).degree).toBe(2);
    expect(b.neg(x2).degree).toBe(2);
    expect(b.mul(x2, b.mul(x, b.isLastRow)).degree).toBe(4);
    expect(b.mul(x2, b.isTransition).degree).toBe(2);
    expect(b.mul(x2, b.publicValues[1]).degree).toBe(2);
  });
  it('ceil_log2 and lqc = ceil_log2(max(d, 2) - 1)', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 9].map(ceilLog2)).toEqual([0, 0, 1, 2, 2, 3, 3, 4]);
    expect([0, 1, 2, 3, 4, 5, 9].map((d) => logQuotientChunksFor(d))).toEqual([0, 0, 0, 1, 2, 2, 3]);
    expect(logQuotientChunksFor(2, true)).toBe(1);
    expect(logQuotientChunksFor(1, true)).toBe(0);
  });
});

describe('compileAir', () => {
  const cubic = (hint?: number, next?: number[]): Air => ({
    name: 'cubic',
    width: 2,
    numPublicValues: 0,
    maxConstraintDegree: hint,
    mainNextRowColumns: next,
    eval(b: AirBuilder) {
      const [x, y] = b.main.local;
      b.assertEq(b.cube(x), y);
      b.whenTransition().assertEq(b.main.next[0], y);
    },
  });
  it('infers the degree without a hint and uses the hint when given', () => {
    const c = compileAir(cubic());
    expect(c.constraintDegrees).toEqual([3, 1]);
    expect(c.maxDegree).toBe(3);
    expect(c.logQuotientChunks).toBe(1);
    expect(c.numQuotientChunks).toBe(2);
    const h = compileAir(cubic(5));
    expect(h.inferredDegree).toBe(3);
    expect(h.maxDegree).toBe(5);
    expect(h.logQuotientChunks).toBe(2);
  });
  it('records next-row use and rejects undeclared next-row reads', () => {
    expect(compileAir(cubic()).readsNext).toBe(true);
    expect(compileAir(cubic(undefined, [0])).readsNext).toBe(true);
    expect(() => compileAir(cubic(undefined, []))).toThrow(AirError);
    expect(() => compileAir(cubic(undefined, [1]))).toThrow(/next-row column 0/);
  });
  it('an AIR without constraints has degree 0 and one chunk', () => {
    const c = compileAir({ name: 'empty', width: 1, numPublicValues: 0, eval() {} });
    expect(c.maxDegree).toBe(0);
    expect(c.logQuotientChunks).toBe(0);
  });
  it('nested when scopes multiply outer * (inner * e)', () => {
    const c = compileAir({
      name: 'nested',
      width: 1,
      numPublicValues: 0,
      eval(b) {
        b.whenFirstRow().when(b.main.local[0]).assertOne(b.main.local[0]);
        b.assertBool(b.main.local[0]);
        b.whenNe(b.main.local[0], 3).assertZero(b.main.local[0]);
      },
    });
    const [r0, r1, r2] = c.constraints;
    expect(r0.op).toBe(ExprOp.mul);
    expect(r0.a?.op).toBe(ExprOp.isFirstRow);
    expect(r0.b?.a?.op).toBe(ExprOp.main);
    expect(r0.degree).toBe(3);
    expect(r1.op).toBe(ExprOp.mul);
    expect(r1.b?.op).toBe(ExprOp.sub);
    expect(r2.a?.op).toBe(ExprOp.sub);
  });
});

describe('exprToString', () => {
  it('renders every leaf kind, negative constants, negation and binary operations', () => {
    const p = new ExprPool();
    const leaves = [
      p.leaf(ExprOp.main, 0),
      p.leaf(ExprOp.next, 1),
      p.leaf(ExprOp.public, 2),
      p.leaf(ExprOp.periodic, 3),
      p.leaf(ExprOp.isFirstRow, 0),
      p.leaf(ExprOp.isLastRow, 0),
      p.leaf(ExprOp.isTransition, 0),
    ];
    expect(leaves.map((x) => exprToString(x))).toEqual([
      'local[0]',
      'next[1]',
      'pub[2]',
      'periodic[3]',
      'isFirstRow',
      'isLastRow',
      'isTransition',
    ]);
    const e = p.mul(p.sub(leaves[0], p.constant(P - 2)), p.neg(leaves[1]));
    expect(exprToString(e)).toBe('((local[0] - -2) * -(next[1]))');
    expect(exprToString(e, 5)).toBe('((loc…');
  });
});
