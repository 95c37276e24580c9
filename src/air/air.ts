/**
 * The AIR model of uni-stark (docs/protocol.md §10.1): an AIR declares its widths and public-value
 * count and evaluates its constraints through an `AirBuilder`.
 *
 * Mirrors Plonky3/Plonky3:air/src/air.rs (BaseAir, Air), air/src/builder.rs (AirBuilder) and
 * air/src/filtered.rs (FilteredAirBuilder) at v0.6.2. JavaScript has no operator overloading, so
 * expressions are built with the builder's `add`/`sub`/`mul`/`neg`; a plain number stands for a
 * constant wherever an `Expr` is expected.
 *
 * Invariants: `assertZero` calls define the constraint order (program order) that the folding of
 * docs/protocol.md §10.2 depends on; `assertEq(a, b)` is `a - b`, `assertOne(a)` is `a - 1`, `assertBool(a)` is
 * `a * (a - 1)`, and a filtered scope multiplies as `condition * expr`, all as upstream.
 */

import type { Expr } from './symbolic.ts';

export type { Expr } from './symbolic.ts';

/** An expression or a number (an integer, reduced mod P into a constant). */
export type ExprLike = Expr | number;

/** The assertion half of a builder: shared by the root builder and every `when(...)` scope. */
export interface ConstraintScope {
  /** Adds the constraint `e = 0` (multiplied by this scope's condition). */
  assertZero(e: ExprLike): void;
  /** Adds `a - b = 0`. */
  assertEq(a: ExprLike, b: ExprLike): void;
  /** Adds `a - 1 = 0`. */
  assertOne(a: ExprLike): void;
  /** Adds `a * (a - 1) = 0`. */
  assertBool(a: ExprLike): void;
  /** Adds `e = 0` for each element, in order. */
  assertZeros(es: readonly ExprLike[]): void;
  /** A scope whose constraints are multiplied by `cond`. */
  when(cond: ExprLike): ConstraintScope;
  /** A scope whose constraints are multiplied by `a - b`. */
  whenNe(a: ExprLike, b: ExprLike): ConstraintScope;
  /** A scope whose constraints are multiplied by `isFirstRow`. */
  whenFirstRow(): ConstraintScope;
  /** A scope whose constraints are multiplied by `isLastRow`. */
  whenLastRow(): ConstraintScope;
  /** A scope whose constraints are multiplied by `isTransition`. */
  whenTransition(): ConstraintScope;
}

/** The two-row window of the main trace. */
export interface MainWindow {
  /** Row i, one variable per column. */
  readonly local: readonly Expr[];
  /** Row i + 1 (wrapping), one variable per column. */
  readonly next: readonly Expr[];
}

/** What an AIR's `eval` sees: variables, selectors, arithmetic and assertions. */
export interface AirBuilder extends ConstraintScope {
  /** The main trace window. */
  readonly main: MainWindow;
  /** The public values (degree 0). */
  readonly publicValues: readonly Expr[];
  /** The periodic columns' values at the current row (degree 1). */
  readonly periodic: readonly Expr[];
  /** Unnormalized first-row selector (degree 1). */
  readonly isFirstRow: Expr;
  /** Unnormalized last-row selector (degree 1). */
  readonly isLastRow: Expr;
  /** Transition selector x - g^-1 (degree 0 by upstream's convention). */
  readonly isTransition: Expr;
  /** A constant expression (any integer, reduced mod P). */
  constant(x: number): Expr;
  /** x + y. */
  add(x: ExprLike, y: ExprLike): Expr;
  /** x - y. */
  sub(x: ExprLike, y: ExprLike): Expr;
  /** x * y. */
  mul(x: ExprLike, y: ExprLike): Expr;
  /** -x. */
  neg(x: ExprLike): Expr;
  /** x * x (upstream `square`). */
  square(x: ExprLike): Expr;
  /** (x * x) * x (upstream `cube`). */
  cube(x: ExprLike): Expr;
  /** Left-to-right sum; 0 for an empty list (upstream `Sum`). */
  sum(xs: readonly ExprLike[]): Expr;
}

/** An algebraic intermediate representation, as Plonky3's `BaseAir + Air`. */
export interface Air {
  /** Circuit id base, e.g. 'fibonacci'. */
  readonly name: string;
  /** Number of main trace columns. */
  readonly width: number;
  /** Number of public values; the verifier rejects any other count. */
  readonly numPublicValues: number;
  /** The d_hint of docs/protocol.md §10.3; when given it is used as is. */
  readonly maxConstraintDegree?: number;
  /** Columns read at the next row. Default: all columns; `[]` means the AIR never reads `next`. */
  readonly mainNextRowColumns?: readonly number[];
  /** Periodic columns, each of power-of-two length dividing the trace height (docs/protocol.md §8.3). */
  readonly periodicColumns?: readonly Uint32Array[];
  /**
   * Emits the constraints, in program order.
   * @param b the builder
   */
  eval(b: AirBuilder): void;
}

/**
 * The constraints of an AIR over the two-row window: the builder, the local and next rows and
 * the public values (`b.main.local`, `b.main.next`, `b.publicValues`).
 */
export type WindowConstraints = (
  b: AirBuilder,
  local: readonly Expr[],
  next: readonly Expr[],
  publics: readonly Expr[],
) => void;

/**
 * An AIR from its shape (name, width, public values, degree hint, ...) and its constraints.
 * @param shape every Air field but `eval`
 * @param constraints emits the constraints, in program order
 * @returns the AIR
 * @example
 * const air = windowAir({ name: 'counter', width: 1, numPublicValues: 0 }, (b, l, n) =>
 *   b.whenTransition().assertEq(n[0], b.add(l[0], 1)));
 */
export function windowAir(shape: Omit<Air, 'eval'>, constraints: WindowConstraints): Air {
  return { ...shape, eval: (b) => constraints(b, b.main.local, b.main.next, b.publicValues) };
}

/** Thrown for a malformed AIR (bad widths, a next-row read the AIR did not declare, bad inputs). */
export class AirError extends Error {
  override readonly name = 'AirError';
}
