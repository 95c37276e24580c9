/**
 * Symbolic constraint expressions, the symbolic builder, degree inference and `compileAir`.
 *
 * Mirrors Plonky3/Plonky3:air/src/symbolic/{mod.rs, expression.rs, builder.rs} and
 * uni-stark/src/symbolic.rs (get_log_num_quotient_chunks) at v0.6.2 (spec/plonky3.md §10.1, §10.3).
 *
 * Expressions form a hash-consed DAG (equal sub-expressions are one node). Upstream builds trees;
 * values and degrees are the same. The simplification rules applied while building are exactly
 * upstream's (they change inferred degrees): c1 op c2 folds; 0 + x = x + 0 = x; x - 0 = x;
 * 0 - x = -x; -c folds; x * 0 = 0 * x = 0; x * 1 = 1 * x = x.
 *
 * `compileAir` also linearizes the DAG into a register program (`program`) that src/air/eval.ts
 * runs over blocks of rows. Invariants: node ids are dense and topologically ordered (children
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

  /** x + y with upstream's simplifications. */
  add(x: ExprLike, y: ExprLike): Expr {
    const a = this.lift(x);
    const b = this.lift(y);
    const ac = a.op === ExprOp.constant;
    const bc = b.op === ExprOp.constant;
    if (ac && bc) return this.constant(add(a.value, b.value));
    if (ac && a.value === 0) return b;
    if (bc && b.value === 0) return a;
    return this.make(ExprOp.add, a, b, 0, Math.max(a.degree, b.degree), a.uniform && b.uniform);
  }

  /** x - y with upstream's simplifications. */
  sub(x: ExprLike, y: ExprLike): Expr {
    const a = this.lift(x);
    const b = this.lift(y);
    const ac = a.op === ExprOp.constant;
    const bc = b.op === ExprOp.constant;
    if (ac && bc) return this.constant(sub(a.value, b.value));
    if (ac && a.value === 0) return this.neg(b);
    if (bc && b.value === 0) return a;
    return this.make(ExprOp.sub, a, b, 0, Math.max(a.degree, b.degree), a.uniform && b.uniform);
  }

  /** -x with constant folding. */
  neg(x: ExprLike): Expr {
    const a = this.lift(x);
    if (a.op === ExprOp.constant) return this.constant(neg(a.value));
    return this.make(ExprOp.neg, a, null, 0, a.degree, a.uniform);
  }

  /** x * y with upstream's simplifications. */
  mul(x: ExprLike, y: ExprLike): Expr {
    const a = this.lift(x);
    const b = this.lift(y);
    const ac = a.op === ExprOp.constant;
    const bc = b.op === ExprOp.constant;
    if (ac && bc) return this.constant(mul(a.value, b.value));
    if ((ac && a.value === 0) || (bc && b.value === 0)) return this.constant(0);
    if (ac && a.value === 1) return b;
    if (bc && b.value === 1) return a;
    return this.make(ExprOp.mul, a, b, 0, a.degree + b.degree, a.uniform && b.uniform);
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

/** Register-program opcodes (4 ints per instruction: op, dst, a, b). See src/air/eval.ts. */
export const Insn = {
  /** regs[dst] = local column a */
  loadMain: 0,
  /** regs[dst] = next-row column a */
  loadNext: 1,
  /** regs[dst] = selector a (0 first, 1 last, 2 transition) */
  loadSel: 2,
  /** regs[dst] = periodic column a */
  loadPeriodic: 3,
  /** regs[dst] = regs[a] + regs[b] */
  add: 4,
  /** regs[dst] = regs[a] - regs[b] */
  sub: 5,
  /** regs[dst] = regs[a] * regs[b] */
  mul: 6,
  /** regs[dst] = -regs[a] */
  neg: 7,
  /** regs[dst] = regs[a] + u[b] */
  addU: 8,
  /** regs[dst] = regs[a] - u[b] */
  subU: 9,
  /** regs[dst] = u[b] - regs[a] */
  uSub: 10,
  /** regs[dst] = regs[a] * u[b] */
  mulU: 11,
  /** constraint dst has the value regs[a] */
  emit: 12,
} as const;

/** The result of `compileAir`: constraints, degrees, quotient shape and the register program. */
export interface CompiledAir {
  /** The AIR compiled. */
  readonly air: Air;
  /** Main width. */
  readonly width: number;
  /** Public value count. */
  readonly numPublicValues: number;
  /** Periodic column count. */
  readonly numPeriodic: number;
  /** Every node of the symbolic evaluation, indexed by id (topological order). */
  readonly nodes: readonly Expr[];
  /** Constraint roots, program order. */
  readonly constraints: readonly Expr[];
  /** Inferred degree of each constraint. */
  readonly constraintDegrees: readonly number[];
  /** Maximum inferred constraint degree (0 with no constraints). */
  readonly inferredDegree: number;
  /** d of §10.3: the AIR's hint if given, else `inferredDegree`. */
  readonly maxDegree: number;
  /** lqc = ceil_log2(max(d, 2) - 1) (non-ZK). */
  readonly logQuotientChunks: number;
  /** c = 2^lqc (non-ZK). */
  readonly numQuotientChunks: number;
  /** Whether the main trace is opened at zeta_next (main_next_row_columns non-empty). */
  readonly readsNext: boolean;
  /** Whether any constraint actually reads a next-row variable. */
  readonly usesNext: boolean;
  /** Register program: 4 ints per instruction (`Insn`). */
  readonly program: Int32Array;
  /** Registers the program needs. */
  readonly numRegs: number;
  /** Uniform nodes (constants, publics and their combinations) used by the program, topological order. */
  readonly uniformNodes: readonly Expr[];
  /** Uniform slot of each node id (-1 if not uniform or unused). */
  readonly uniformSlot: Int32Array;
  /** Constraints whose root is uniform: pairs (constraint index, uniform slot). */
  readonly uniformEmits: Int32Array;
}

/**
 * ceil_log2(n): the smallest k with 2^k >= n (0 for n <= 1).
 * @param n a non-negative integer
 * @returns k
 */
export function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

/**
 * log_num_quotient_chunks of §10.3.
 * @param d the constraint degree (hint or inferred)
 * @param isZk true for the hiding PCS
 * @returns lqc = ceil_log2(max(d + isZk, 2) - 1); the chunk count is 2^(lqc + isZk)
 */
export function logQuotientChunksFor(d: number, isZk = false): number {
  return ceilLog2(Math.max(d + (isZk ? 1 : 0), 2) - 1);
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

/**
 * Compiles an AIR: symbolic evaluation, degree inference, quotient shape, register program.
 * @param air the AIR
 * @returns the compiled AIR
 * @throws {AirError} if the AIR reads a next-row column not in `mainNextRowColumns`, or its
 *   periodic columns are not of power-of-two length
 * @example
 * const c = compileAir(fibonacciAir());   // c.logQuotientChunks === 0
 */
export function compileAir(air: Air): CompiledAir {
  const b = symbolicEval(air);
  const nodes = b.pool.nodes;
  const constraints = b.constraints;
  for (const col of air.periodicColumns ?? []) {
    const len = col.length;
    if (len === 0 || (len & (len - 1)) !== 0)
      throw new AirError(`${air.name}: periodic column length ${len}`);
  }

  const constraintDegrees = constraints.map((e) => e.degree);
  let inferred = 0;
  for (const d of constraintDegrees) inferred = Math.max(inferred, d);
  const hint = air.maxConstraintDegree;
  if (hint !== undefined && (!Number.isInteger(hint) || hint < 0)) {
    throw new AirError(`${air.name}: bad maxConstraintDegree ${hint}`);
  }
  const maxDegree = hint ?? inferred;
  const lqc = logQuotientChunksFor(maxDegree);

  // Reachability and next-row use.
  const n = nodes.length;
  const reach = new Uint8Array(n);
  for (const r of constraints) reach[r.id] = 1;
  for (let i = n - 1; i >= 0; i--) {
    if (reach[i] === 0) continue;
    const e = nodes[i];
    if (e.a !== null) reach[e.a.id] = 1;
    if (e.b !== null) reach[e.b.id] = 1;
  }
  const declaredNext = air.mainNextRowColumns;
  const allowed = new Uint8Array(air.width);
  if (declaredNext === undefined) allowed.fill(1);
  else {
    for (const c of declaredNext) {
      if (!Number.isInteger(c) || c < 0 || c >= air.width) {
        throw new AirError(`${air.name}: mainNextRowColumns entry ${c} out of range`);
      }
      allowed[c] = 1;
    }
  }
  let usesNext = false;
  for (let i = 0; i < n; i++) {
    const e = nodes[i];
    if (reach[i] === 1 && e.op === ExprOp.next) {
      usesNext = true;
      if (allowed[e.value] === 0) {
        throw new AirError(`${air.name}: reads next-row column ${e.value} not in mainNextRowColumns`);
      }
    }
  }
  const readsNext = declaredNext === undefined ? air.width > 0 : declaredNext.length > 0;

  // Uniform slots.
  const uniformSlot = new Int32Array(n).fill(-1);
  const uniformNodes: Expr[] = [];
  for (let i = 0; i < n; i++) {
    if (reach[i] === 1 && nodes[i].uniform) {
      uniformSlot[i] = uniformNodes.length;
      uniformNodes.push(nodes[i]);
    }
  }

  // Schedule: operations in id order, leaves loaded lazily before first use, emits right after.
  const rootsOf = new Map<number, number[]>();
  const uniformEmits: number[] = [];
  for (let j = 0; j < constraints.length; j++) {
    const r = constraints[j];
    if (r.uniform) {
      uniformEmits.push(j, uniformSlot[r.id]);
      continue;
    }
    const list = rootsOf.get(r.id);
    if (list === undefined) rootsOf.set(r.id, [j]);
    else list.push(j);
  }
  // steps: node ids (>= 0) or emits (-(j + 1)).
  const steps: number[] = [];
  const emitNode: number[] = [];
  const loaded = new Uint8Array(n);
  const isLeaf = (e: Expr): boolean => e.op <= ExprOp.isTransition;
  const ensure = (e: Expr): void => {
    if (!e.uniform && isLeaf(e) && loaded[e.id] === 0) {
      loaded[e.id] = 1;
      steps.push(e.id);
    }
  };
  const emitsFor = (id: number): void => {
    const list = rootsOf.get(id);
    if (list === undefined) return;
    for (const j of list) {
      steps.push(-(j + 1));
      emitNode[j] = id;
    }
  };
  for (let i = 0; i < n; i++) {
    const e = nodes[i];
    if (reach[i] === 0 || e.uniform) continue;
    if (isLeaf(e)) {
      if (rootsOf.has(i)) {
        ensure(e);
        emitsFor(i);
      }
      continue;
    }
    if (e.a !== null) ensure(e.a);
    if (e.b !== null) ensure(e.b);
    steps.push(i);
    emitsFor(i);
  }
  // Last use of each node's value.
  const lastUse = new Int32Array(n).fill(-1);
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s];
    if (st < 0) {
      lastUse[emitNode[-st - 1]] = s;
      continue;
    }
    const e = nodes[st];
    lastUse[st] = Math.max(lastUse[st], s);
    if (e.a !== null && !e.a.uniform) lastUse[e.a.id] = s;
    if (e.b !== null && !e.b.uniform) lastUse[e.b.id] = s;
  }
  // Register allocation with a free list; an operand freed at step s may be reused as dst at s.
  const reg = new Int32Array(n).fill(-1);
  const free: number[] = [];
  let numRegs = 0;
  const prog: number[] = [];
  const release = (id: number, s: number): void => {
    if (lastUse[id] === s && reg[id] >= 0) {
      free.push(reg[id]);
      lastUse[id] = -2;
    }
  };
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s];
    if (st < 0) {
      const j = -st - 1;
      const id = emitNode[j];
      prog.push(Insn.emit, j, reg[id], 0);
      release(id, s);
      continue;
    }
    const e = nodes[st];
    const a = e.a;
    const bb = e.b;
    if (a !== null) release(a.id, s);
    if (bb !== null && bb !== a) release(bb.id, s);
    const dst = free.length > 0 ? (free.pop() as number) : numRegs++;
    reg[st] = dst;
    switch (e.op) {
      case ExprOp.main:
        prog.push(Insn.loadMain, dst, e.value, 0);
        break;
      case ExprOp.next:
        prog.push(Insn.loadNext, dst, e.value, 0);
        break;
      case ExprOp.isFirstRow:
        prog.push(Insn.loadSel, dst, 0, 0);
        break;
      case ExprOp.isLastRow:
        prog.push(Insn.loadSel, dst, 1, 0);
        break;
      case ExprOp.isTransition:
        prog.push(Insn.loadSel, dst, 2, 0);
        break;
      case ExprOp.periodic:
        prog.push(Insn.loadPeriodic, dst, e.value, 0);
        break;
      case ExprOp.neg:
        prog.push(Insn.neg, dst, reg[(a as Expr).id], 0);
        break;
      default: {
        const x = a as Expr;
        const y = bb as Expr;
        if (!x.uniform && !y.uniform) {
          const op = e.op === ExprOp.add ? Insn.add : e.op === ExprOp.sub ? Insn.sub : Insn.mul;
          prog.push(op, dst, reg[x.id], reg[y.id]);
        } else if (y.uniform) {
          const op = e.op === ExprOp.add ? Insn.addU : e.op === ExprOp.sub ? Insn.subU : Insn.mulU;
          prog.push(op, dst, reg[x.id], uniformSlot[y.id]);
        } else {
          const op = e.op === ExprOp.add ? Insn.addU : e.op === ExprOp.sub ? Insn.uSub : Insn.mulU;
          prog.push(op, dst, reg[y.id], uniformSlot[x.id]);
        }
      }
    }
    // A value nobody reads (cannot happen for reachable nodes, kept for safety).
    if (lastUse[st] === s) release(st, s);
  }

  return {
    air,
    width: air.width,
    numPublicValues: air.numPublicValues,
    numPeriodic: air.periodicColumns?.length ?? 0,
    nodes,
    constraints,
    constraintDegrees,
    inferredDegree: inferred,
    maxDegree,
    logQuotientChunks: lqc,
    numQuotientChunks: 2 ** lqc,
    readsNext,
    usesNext,
    program: Int32Array.from(prog),
    numRegs,
    uniformNodes,
    uniformSlot,
    uniformEmits: Int32Array.from(uniformEmits),
  };
}

const OP_SYMBOL: Record<number, string> = { [ExprOp.add]: '+', [ExprOp.sub]: '-', [ExprOp.mul]: '*' };

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
    switch (x.op) {
      case ExprOp.constant:
        out += x.value > P / 2 ? `-${P - x.value}` : String(x.value);
        return;
      case ExprOp.main:
        out += `local[${x.value}]`;
        return;
      case ExprOp.next:
        out += `next[${x.value}]`;
        return;
      case ExprOp.public:
        out += `pub[${x.value}]`;
        return;
      case ExprOp.periodic:
        out += `periodic[${x.value}]`;
        return;
      case ExprOp.isFirstRow:
        out += 'isFirstRow';
        return;
      case ExprOp.isLastRow:
        out += 'isLastRow';
        return;
      case ExprOp.isTransition:
        out += 'isTransition';
        return;
      case ExprOp.neg:
        out += '-(';
        walk(x.a as Expr);
        out += ')';
        return;
      default:
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

/** What a cached compilation was made from: every AIR field the compilation reads. */
interface CompileKey {
  readonly name: string;
  readonly width: number;
  readonly numPublicValues: number;
  readonly maxConstraintDegree: number | undefined;
  readonly eval: Air['eval'];
  readonly mainNextRowColumns: readonly number[] | undefined;
  /** A copy of mainNextRowColumns' entries, so an edited array is noticed too. */
  readonly nextCopy: readonly number[] | undefined;
  readonly periodicColumns: readonly Uint32Array[] | undefined;
  /** The periodic columns (objects) and their lengths at compile time. */
  readonly periodicCopy: readonly Uint32Array[] | undefined;
  readonly periodicLengths: readonly number[] | undefined;
}

function compileKey(air: Air): CompileKey {
  const next = air.mainNextRowColumns;
  const per = air.periodicColumns;
  return {
    name: air.name,
    width: air.width,
    numPublicValues: air.numPublicValues,
    maxConstraintDegree: air.maxConstraintDegree,
    eval: air.eval,
    mainNextRowColumns: next,
    nextCopy: next === undefined ? undefined : Array.from(next),
    periodicColumns: per,
    periodicCopy: per === undefined ? undefined : Array.from(per),
    periodicLengths: per === undefined ? undefined : per.map((c) => c.length),
  };
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keyMatches(k: CompileKey, air: Air): boolean {
  const per = air.periodicColumns;
  return (
    k.name === air.name &&
    k.width === air.width &&
    k.numPublicValues === air.numPublicValues &&
    k.maxConstraintDegree === air.maxConstraintDegree &&
    k.eval === air.eval &&
    k.mainNextRowColumns === air.mainNextRowColumns &&
    sameList(k.nextCopy, air.mainNextRowColumns) &&
    k.periodicColumns === per &&
    sameList(k.periodicCopy, per) &&
    sameList(
      k.periodicLengths,
      per?.map((c) => c.length),
    )
  );
}

const COMPILED = new WeakMap<Air, { readonly key: CompileKey; readonly compiled: CompiledAir }>();

/**
 * `compileAir`, cached per AIR object: a reused AIR is compiled once. The entry is used only while
 * every field the compilation read is unchanged (name, widths, counts, degree hint, the `eval`
 * function, the next-row column list and its entries, the periodic columns and their lengths); an
 * edited AIR is compiled afresh and replaces the entry. `eval` must depend only on the AIR's own
 * fields, as Plonky3's `Air::eval` depends only on `self`.
 * @param air the AIR
 * @returns the compiled AIR (the same object for repeated calls on an unchanged AIR)
 * @throws {AirError} as `compileAir`
 * @example
 * const air = fibonacciAir();
 * compileAirCached(air) === compileAirCached(air); // true
 */
export function compileAirCached(air: Air): CompiledAir {
  const hit = COMPILED.get(air);
  if (hit !== undefined && keyMatches(hit.key, air)) return hit.compiled;
  const key = compileKey(air);
  const compiled = compileAir(air);
  COMPILED.set(air, { key, compiled });
  return compiled;
}
