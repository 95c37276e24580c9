/**
 * Symbolic constraint expressions, the symbolic builder and degree inference.
 *
 * Mirrors Plonky3/Plonky3:air/src/symbolic/{mod.rs, expression.rs, builder.rs} and
 * uni-stark/src/symbolic.rs (get_log_num_quotient_chunks) at v0.6.2 (docs/protocol.md §10.1, §10.3).
 *
 * Expressions form a hash-consed DAG (equal sub-expressions are one node). Upstream builds trees;
 * values and degrees are the same. The simplification rules applied while building are exactly
 * upstream's (they change inferred degrees): c1 op c2 folds; 0 + x = x + 0 = x; x - 0 = x;
 * 0 - x = -x; -c folds; x * 0 = 0 * x = 0; x * 1 = 1 * x = x.
 *
 * src/air/program.ts compiles the DAG into a register program. Invariants: node ids are dense and topologically ordered (children
 * have smaller ids); constant values are canonical.
 */

import { add, mul, neg, P, sub } from '../field/babybear.ts';
import {
  type Air,
  type AirBuilder,
  AirError,
  type ConstraintScope,
  type ExprLike,
  type MainWindow,
} from './air.ts';

/** Node kinds. Leaves first, then operations. */
export const ExprOp = {
  constant: 0,
  main: 1,
  next: 2,
  public: 3,
  periodic: 4,
  isFirstRow: 5,
  isLastRow: 6,
  isTransition: 7,
  add: 8,
  sub: 9,
  neg: 10,
  mul: 11,
} as const;
/** One of the `ExprOp` codes. */
export type ExprOp = (typeof ExprOp)[keyof typeof ExprOp];

/** A node of the symbolic DAG. Create nodes only through a builder. */
export interface Expr {
  /** Dense id within its builder; children have smaller ids. */
  readonly id: number;
  /** Node kind. */
  readonly op: ExprOp;
  /** First operand (operations only). */
  readonly a: Expr | null;
  /** Second operand (add, sub, mul only). */
  readonly b: Expr | null;
  /** Constant value (canonical) or the column / public / periodic index; 0 for others. */
  readonly value: number;
  /** Upstream's degree_multiple. */
  readonly degree: number;
  /** True when the node depends on constants and public values only (same on every row). */
  readonly uniform: boolean;
}

const OPS_SHIFT = 2 ** 21;
const MAX_NODES = OPS_SHIFT - 2;

/** Reduces an integer (possibly negative or >= P) to a canonical element. */
function canon(x: number): number {
  if (!Number.isSafeInteger(x)) throw new AirError(`constant ${x} is not a safe integer`);
  const r = x % P;
  return r < 0 ? r + P : r;
}

/**
 * Expression factory with hash-consing and upstream's simplification rules.
 * One instance per symbolic evaluation; its node ids are dense.
 */
export class ExprPool {
  /** Every node created, indexed by id. */
  readonly nodes: Expr[] = [];
  private readonly table = new Map<number, Expr>();

  private make(
    op: ExprOp,
    a: Expr | null,
    b: Expr | null,
    value: number,
    degree: number,
    uniform: boolean,
  ): Expr {
    const key =
      op <= ExprOp.isTransition
        ? op * OPS_SHIFT * OPS_SHIFT + value
        : (op * OPS_SHIFT + (a as Expr).id) * OPS_SHIFT + (b === null ? 0 : b.id + 1);
    const hit = this.table.get(key);
    if (hit !== undefined) return hit;
    if (this.nodes.length >= MAX_NODES) throw new AirError(`AIR too large: more than ${MAX_NODES} nodes`);
    const e: Expr = { id: this.nodes.length, op, a, b, value, degree, uniform };
    this.nodes.push(e);
    this.table.set(key, e);
    return e;
  }

  /**
   * A constant node.
   * @param x any safe integer; reduced mod P
   * @returns the node
   */
  constant(x: number): Expr {
    return this.make(ExprOp.constant, null, null, canon(x), 0, true);
  }

  /**
   * A leaf variable node.
   * @param op a leaf kind other than `constant`
   * @param index column, public or periodic index (0 for selectors)
   * @returns the node
   */
  leaf(op: ExprOp, index: number): Expr {
    let degree = 1;
    if (op === ExprOp.public || op === ExprOp.isTransition) degree = 0;
    return this.make(op, null, null, index, degree, op === ExprOp.public);
  }

  /** Turns a number into a constant node; passes nodes through. */
  lift(x: ExprLike): Expr {
    return typeof x === 'number' ? this.constant(x) : x;
  }

  /**
   * A binary node: both constants fold; otherwise the op's identities (upstream's
   * simplifications) may return an operand or a constant before a node is made.
   * @param op add, sub or mul
   * @param fold the op on two field elements
   * @param identity the simplification for a constant operand (ac/bc: which one is constant), or null
   */
  private binary(
    op: ExprOp,
    x: ExprLike,
    y: ExprLike,
    fold: (u: number, v: number) => number,
    identity: (a: Expr, b: Expr, ac: boolean, bc: boolean) => Expr | null,
  ): Expr {
    const a = this.lift(x);
    const b = this.lift(y);
    const ac = a.op === ExprOp.constant;
    const bc = b.op === ExprOp.constant;
    if (ac && bc) return this.constant(fold(a.value, b.value));
    const s = identity(a, b, ac, bc);
    if (s !== null) return s;
    const degree = op === ExprOp.mul ? a.degree + b.degree : Math.max(a.degree, b.degree);
    return this.make(op, a, b, 0, degree, a.uniform && b.uniform);
  }

  /** x + y with upstream's simplifications (0 + y = y, x + 0 = x). */
  add(x: ExprLike, y: ExprLike): Expr {
    return this.binary(ExprOp.add, x, y, add, (a, b, ac, bc) =>
      ac && a.value === 0 ? b : bc && b.value === 0 ? a : null,
    );
  }

  /** x - y with upstream's simplifications (0 - y = -y, x - 0 = x). */
  sub(x: ExprLike, y: ExprLike): Expr {
    return this.binary(ExprOp.sub, x, y, sub, (a, b, ac, bc) =>
      ac && a.value === 0 ? this.neg(b) : bc && b.value === 0 ? a : null,
    );
  }

  /** -x with constant folding. */
  neg(x: ExprLike): Expr {
    const a = this.lift(x);
    if (a.op === ExprOp.constant) return this.constant(neg(a.value));
    return this.make(ExprOp.neg, a, null, 0, a.degree, a.uniform);
  }

  /** x * y with upstream's simplifications (a 0 factor gives 0, a 1 factor the other). */
  mul(x: ExprLike, y: ExprLike): Expr {
    return this.binary(ExprOp.mul, x, y, mul, (a, b, ac, bc) => {
      if ((ac && a.value === 0) || (bc && b.value === 0)) return this.constant(0);
      if (ac && a.value === 1) return b;
      return bc && b.value === 1 ? a : null;
    });
  }
}

class Scope implements ConstraintScope {
  protected readonly root: SymbolicBuilder;
  private readonly cond: Expr | null;

  constructor(root: SymbolicBuilder | null, cond: Expr | null) {
    this.root = root ?? (this as unknown as SymbolicBuilder);
    this.cond = cond;
  }

  assertZero(e: ExprLike): void {
    const pool = this.root.pool;
    this.root.constraints.push(this.cond === null ? pool.lift(e) : pool.mul(this.cond, e));
  }
  assertEq(a: ExprLike, b: ExprLike): void {
    this.assertZero(this.root.pool.sub(a, b));
  }
  assertOne(a: ExprLike): void {
    this.assertZero(this.root.pool.sub(a, 1));
  }
  assertBool(a: ExprLike): void {
    const pool = this.root.pool;
    this.assertZero(pool.mul(a, pool.sub(a, 1)));
  }
  assertZeros(es: readonly ExprLike[]): void {
    for (let i = 0; i < es.length; i++) this.assertZero(es[i]);
  }
  when(cond: ExprLike): ConstraintScope {
    // Nested scopes multiply as outer * (inner * e), like upstream's FilteredAirBuilder chain.
    const c = this.root.pool.lift(cond);
    return this.cond === null ? new Scope(this.root, c) : new NestedScope(this, c);
  }
  whenNe(a: ExprLike, b: ExprLike): ConstraintScope {
    return this.when(this.root.pool.sub(a, b));
  }
  whenFirstRow(): ConstraintScope {
    return this.when(this.root.isFirstRow);
  }
  whenLastRow(): ConstraintScope {
    return this.when(this.root.isLastRow);
  }
  whenTransition(): ConstraintScope {
    return this.when(this.root.isTransition);
  }
}

class NestedScope extends Scope {
  private readonly outer: ConstraintScope;
  private readonly inner: Expr;
  constructor(outer: Scope, inner: Expr) {
    super((outer as unknown as { root: SymbolicBuilder }).root, null);
    this.outer = outer;
    this.inner = inner;
  }
  override assertZero(e: ExprLike): void {
    this.outer.assertZero(this.root.pool.mul(this.inner, e));
  }
  override when(cond: ExprLike): ConstraintScope {
    return new NestedScope(this, this.root.pool.lift(cond));
  }
}

/**
 * The symbolic AirBuilder: records constraints as DAG roots (upstream's SymbolicAirBuilder).
 */
export class SymbolicBuilder extends Scope implements AirBuilder {
  /** The node factory. */
  readonly pool: ExprPool = new ExprPool();
  /** Constraint roots in program order. */
  readonly constraints: Expr[] = [];
  readonly main: MainWindow;
  readonly publicValues: readonly Expr[];
  readonly periodic: readonly Expr[];
  readonly isFirstRow: Expr;
  readonly isLastRow: Expr;
  readonly isTransition: Expr;

  /**
   * @param width main trace width
   * @param numPublicValues public value count
   * @param numPeriodic periodic column count
   */
  constructor(width: number, numPublicValues: number, numPeriodic: number) {
    super(null, null);
    const p = this.pool;
    const local: Expr[] = [];
    const next: Expr[] = [];
    for (let i = 0; i < width; i++) local.push(p.leaf(ExprOp.main, i));
    for (let i = 0; i < width; i++) next.push(p.leaf(ExprOp.next, i));
    this.main = { local, next };
    const pub: Expr[] = [];
    for (let i = 0; i < numPublicValues; i++) pub.push(p.leaf(ExprOp.public, i));
    this.publicValues = pub;
    const per: Expr[] = [];
    for (let i = 0; i < numPeriodic; i++) per.push(p.leaf(ExprOp.periodic, i));
    this.periodic = per;
    this.isFirstRow = p.leaf(ExprOp.isFirstRow, 0);
    this.isLastRow = p.leaf(ExprOp.isLastRow, 0);
    this.isTransition = p.leaf(ExprOp.isTransition, 0);
  }

  constant(x: number): Expr {
    return this.pool.constant(x);
  }
  add(x: ExprLike, y: ExprLike): Expr {
    return this.pool.add(x, y);
  }
  sub(x: ExprLike, y: ExprLike): Expr {
    return this.pool.sub(x, y);
  }
  mul(x: ExprLike, y: ExprLike): Expr {
    return this.pool.mul(x, y);
  }
  neg(x: ExprLike): Expr {
    return this.pool.neg(x);
  }
  square(x: ExprLike): Expr {
    return this.pool.mul(x, x);
  }
  cube(x: ExprLike): Expr {
    return this.pool.mul(this.pool.mul(x, x), x);
  }
  sum(xs: readonly ExprLike[]): Expr {
    if (xs.length === 0) return this.pool.constant(0);
    let acc = this.pool.lift(xs[0]);
    for (let i = 1; i < xs.length; i++) acc = this.pool.add(acc, xs[i]);
    return acc;
  }
}

/**
 * Runs the AIR's eval on the symbolic builder.
 * @param air the AIR
 * @returns the builder holding the constraint roots
 * @throws {AirError} for invalid widths or counts
 */
export function symbolicEval(air: Air): SymbolicBuilder {
  const nPer = air.periodicColumns?.length ?? 0;
  for (const [k, v] of [
    ['width', air.width],
    ['numPublicValues', air.numPublicValues],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new AirError(`${air.name}: bad ${k} ${v}`);
  }
  const b = new SymbolicBuilder(air.width, air.numPublicValues, nPer);
  air.eval(b);
  return b;
}

const OP_SYMBOL: Record<number, string> = { [ExprOp.add]: '+', [ExprOp.sub]: '-', [ExprOp.mul]: '*' };

/** How each leaf reads: an indexed name (`local[0]`) or a bare one (`isFirstRow`). */
const LEAF_NAME: Record<number, readonly [name: string, indexed: boolean]> = {
  [ExprOp.main]: ['local', true],
  [ExprOp.next]: ['next', true],
  [ExprOp.public]: ['pub', true],
  [ExprOp.periodic]: ['periodic', true],
  [ExprOp.isFirstRow]: ['isFirstRow', false],
  [ExprOp.isLastRow]: ['isLastRow', false],
  [ExprOp.isTransition]: ['isTransition', false],
};

/**
 * Renders an expression for error messages (`local[0]`, `next[1]`, `pub[2]`, `isFirstRow`, ...).
 * @param e the expression
 * @param maxLen output is cut at this length with '…'
 * @returns a readable string
 */
export function exprToString(e: Expr, maxLen = 200): string {
  let out = '';
  const walk = (x: Expr): void => {
    if (out.length > maxLen) return;
    const leaf = LEAF_NAME[x.op];
    if (leaf !== undefined) {
      out += leaf[1] ? `${leaf[0]}[${x.value}]` : leaf[0];
    } else if (x.op === ExprOp.constant) {
      out += x.value > P / 2 ? `-${P - x.value}` : String(x.value);
    } else if (x.op === ExprOp.neg) {
      out += '-(';
      walk(x.a as Expr);
      out += ')';
    } else {
      out += '(';
      walk(x.a as Expr);
      out += ` ${OP_SYMBOL[x.op]} `;
      walk(x.b as Expr);
      out += ')';
    }
  };
  walk(e);
  return out.length > maxLen ? `${out.slice(0, maxLen)}…` : out;
}
