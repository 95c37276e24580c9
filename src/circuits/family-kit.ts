/**
 * Shared pieces of the five circuit families (transaction, state, pruning, uptime, consensus):
 * typed input errors, JSON input readers, bit-decomposition constraints and witness helpers,
 * and the statement type every family builds.
 *
 * No Plonky3 counterpart (upstream's examples build AIRs the same way: columns, constraints and a
 * trace generator). Invariant: `build` validates its whole input before allocating the trace.
 */

import type { Air, AirBuilder, ConstraintScope, Expr, ExprLike } from '../air/air.ts';
import { LocatedError } from '../error-kinds.ts';
import { P } from '../field/babybear.ts';
import type { Matrix } from '../field/matrix.ts';
import { xorshift32 } from '../field/rng.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';

/** Size profiles of a family: `production` (the deployed shape) and `test` (fast unit tests). */
export type FamilySize = 'production' | 'test';

/** What a family's `build` returns: the statement to prove. */
export interface FamilyStatement {
  /** The AIR. */
  readonly air: Air;
  /** The witness trace (height 2^logRows of the size). */
  readonly trace: Matrix;
  /** The public values (canonical). */
  readonly publicValues: Uint32Array;
}

/** Options of every family's `build`. */
export interface BuildOptions {
  /** Size profile (default 'production'). */
  readonly size?: FamilySize;
  /**
   * Skip the semantic checks (quorum reached, threshold met, balances sufficient) and generate the
   * witness anyway, so tests can show the constraint checker rejecting a dishonest statement.
   * Shape checks (types, ranges that the trace layout needs) always run.
   */
  readonly unchecked?: boolean;
}

/** Options of a family's `air`. */
export interface FamilyAirOptions {
  /** Poseidon2 constant set of the hash-based families (default 'default', the production set). */
  readonly constants?: Poseidon2ConstantSetName;
}

/** One circuit family: its AIR, sizes, witness generator and sample inputs. */
export interface CircuitFamily {
  /** Family name, also the AIR name (circuit id `<name>@1`). */
  readonly name: string;
  /** One line for reports. */
  readonly summary: string;
  /** log2 trace height of each size profile. */
  readonly logRows: Readonly<Record<FamilySize, number>>;
  /**
   * The AIR (the same for every size; the height is the trace's).
   * @param opts constant set
   */
  air(opts?: FamilyAirOptions): Air;
  /**
   * Validates a JSON input and generates the statement.
   * @param input plain JSON (see the family's module comment)
   * @param opts size, constant set, unchecked
   * @throws {FamilyInputError} naming the offending field
   */
  build(input: unknown, opts?: BuildOptions & FamilyAirOptions): FamilyStatement;
  /**
   * A deterministic honest sample input that fills most of the size's rows.
   * @param size the size profile
   */
  sampleInput(size: FamilySize): unknown;
}

/** A family input that is malformed or states something false. */
export class FamilyInputError extends LocatedError {
  override readonly name = 'FamilyInputError';
  /** The family (`where`); `field` is the JSON path, e.g. `transfers[3].amount`. */
  get family(): string {
    return this.where;
  }
}

/** A JSON input reader for one family: every failure is a FamilyInputError with the field path. */
export class InputReader {
  /** The family name used in errors. */
  readonly family: string;
  /** @param family the family name */
  constructor(family: string) {
    this.family = family;
  }

  /**
   * Fails with a typed error.
   * @param field JSON path
   * @param message what is wrong
   * @throws {FamilyInputError} always
   */
  fail(field: string, message: string): never {
    throw new FamilyInputError(this.family, field, message);
  }

  /**
   * The input as an object.
   * @param v the value
   * @param field JSON path
   * @returns the object
   * @throws {FamilyInputError} if v is not a plain object
   */
  object(v: unknown, field: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'must be an object');
    return v as Record<string, unknown>;
  }

  /**
   * An array with a length bound.
   * @param v the value
   * @param field JSON path
   * @param min least length
   * @param max greatest length
   * @returns the array
   * @throws {FamilyInputError} if v is not an array of an allowed length
   */
  array(v: unknown, field: string, min: number, max: number): unknown[] {
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    if (v.length < min || v.length > max) this.fail(field, `length ${v.length} is outside ${min}..${max}`);
    return v;
  }

  /**
   * A non-negative safe integer below a bound (numbers, or decimal strings for big values).
   * @param v the value
   * @param field JSON path
   * @param bound exclusive upper bound (default P)
   * @returns the integer
   * @throws {FamilyInputError} if v is not an integer in [0, bound)
   */
  uint(v: unknown, field: string, bound: number = P): number {
    const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      this.fail(field, `must be a non-negative integer, got ${JSON.stringify(v)}`);
    if (n >= bound) this.fail(field, `${n} is not below ${bound}`);
    return n;
  }

  /**
   * A boolean (true/false, or 0/1).
   * @param v the value
   * @param field JSON path
   * @returns the boolean
   * @throws {FamilyInputError} otherwise
   */
  bool(v: unknown, field: string): boolean {
    if (v === true || v === 1) return true;
    if (v === false || v === 0) return false;
    return this.fail(field, `must be a boolean, got ${JSON.stringify(v)}`);
  }

  /**
   * A digest: 8 field elements.
   * @param v the value
   * @param field JSON path
   * @returns 8 canonical elements
   * @throws {FamilyInputError} if v is not 8 canonical elements
   */
  digest(v: unknown, field: string): Uint32Array {
    const a = this.array(v, field, 8, 8);
    const out = new Uint32Array(8);
    for (let i = 0; i < 8; i++) out[i] = this.uint(a[i], `${field}[${i}]`);
    return out;
  }
}

/**
 * Σ bits[i] · 2^i over trace columns `first .. first + count` of a row (degree 1).
 * @param b the builder
 * @param row the row's variables (`main.local` or `main.next`)
 * @param first first bit column
 * @param count number of bits (≤ 30)
 * @returns the expression
 */
export function bitsValue(b: AirBuilder, row: readonly Expr[], first: number, count: number): Expr {
  const terms: ExprLike[] = [];
  for (let i = 0; i < count; i++) terms.push(i === 0 ? row[first] : b.mul(row[first + i], 2 ** i));
  return b.sum(terms);
}

/**
 * Column offsets of a trace layout: each named group takes `size` consecutive columns, in the
 * order given; the width is their sum.
 * @param sizes column count per group, in layout order
 * @returns the first column of each group, each group's size (e.g. a bit decomposition's bit
 *   count) and the width
 * @example
 * const { at, size, width } = columnLayout({ VALUE: 1, VALUE_BITS: 16 }); // at.VALUE_BITS = 1, size.VALUE_BITS = 16, width 17
 */
export function columnLayout<const K extends string>(
  sizes: Readonly<Record<K, number>>,
): {
  readonly at: Readonly<Record<K, number>>;
  readonly size: Readonly<Record<K, number>>;
  readonly width: number;
} {
  const at = {} as Record<K, number>;
  let width = 0;
  for (const k of Object.keys(sizes) as K[]) {
    at[k] = width;
    width += sizes[k];
  }
  return { at: Object.freeze(at), size: Object.freeze({ ...sizes }), width };
}

/**
 * Asserts every bit column is boolean (degree 2).
 * @param s the scope
 * @param row the row's variables
 * @param first first bit column
 * @param count number of bits
 */
export function assertBits(s: ConstraintScope, row: readonly Expr[], first: number, count: number): void {
  for (let i = 0; i < count; i++) s.assertBool(row[first + i]);
}

/**
 * Writes the `count` low bits of `v` into columns `first ..` of row `r`.
 * @param values trace values
 * @param width trace width
 * @param r row
 * @param first first bit column
 * @param count number of bits
 * @param v the value (< 2^count)
 */
export function writeBits(
  values: Uint32Array,
  width: number,
  r: number,
  first: number,
  count: number,
  v: number,
): void {
  const o = r * width + first;
  for (let i = 0; i < count; i++) values[o + i] = Math.floor(v / 2 ** i) % 2;
}

/**
 * Checks a log2 trace height.
 * @param family family name for errors
 * @param logRows the height's log2
 * @param max the largest allowed
 * @returns logRows
 * @throws {FamilyInputError} if outside 1..max
 */
export function checkLogRows(family: string, logRows: number, max: number): number {
  if (!Number.isInteger(logRows) || logRows < 1 || logRows > max) {
    throw new FamilyInputError(family, 'logRows', `${logRows} is outside 1..${max}`);
  }
  return logRows;
}

/**
 * A small deterministic generator for sample inputs (xorshift32; not for secrets).
 * @param seed non-zero 32-bit seed
 * @returns a function giving integers in [0, bound)
 */
export function sampleRng(seed: number): (bound: number) => number {
  const next = xorshift32(seed);
  return (bound: number): number => next() % bound;
}

/**
 * A family's witness generator: reads the input object and generates the statement; runs after
 * the height is checked.
 * @param rd the family's input reader (errors name the family and the field)
 * @param o the input, checked to be an object
 * @param rows the trace height, 2^logRows of the size
 * @param opts size, constant set, unchecked
 * @throws {FamilyInputError} naming the offending field
 */
export type FamilyGenerator = (
  rd: InputReader,
  o: Record<string, unknown>,
  rows: number,
  opts: BuildOptions & FamilyAirOptions,
) => FamilyStatement;

/** What a family module writes; `defineFamily` names it and adds the shared part of `build`. */
export interface FamilySpec {
  /** log2 trace height of each size profile, and the largest the family's range bounds allow. */
  readonly logRows: Readonly<Record<FamilySize | 'max', number>>;
  /**
   * The AIR (the same for every size).
   * @param opts constant set
   */
  air(opts?: FamilyAirOptions): Air;
  /** The witness generator. */
  readonly generate: FamilyGenerator;
  /** A deterministic honest sample input, given the trace height of the size. */
  readonly sampleInput: (rows: number) => unknown;
}

/**
 * A circuit family from its parts: `build` checks the size's height against `logRows.max` and
 * that the input is an object, then calls `generate`.
 * @param name the family name, also its AIR's name
 * @param summary one line for reports
 * @param spec the family's parts
 * @returns the frozen family
 */
export function defineFamily(name: string, summary: string, spec: FamilySpec): CircuitFamily {
  const logRows = Object.freeze({ production: spec.logRows.production, test: spec.logRows.test });
  return Object.freeze({
    name,
    summary,
    logRows,
    air: spec.air,
    build(input: unknown, opts: BuildOptions & FamilyAirOptions = {}): FamilyStatement {
      const rd = new InputReader(name);
      const rows = 2 ** checkLogRows(name, logRows[opts.size ?? 'production'], spec.logRows.max);
      return spec.generate(rd, rd.object(input, ''), rows, opts);
    },
    sampleInput: (size: FamilySize): unknown => spec.sampleInput(2 ** logRows[size]),
  });
}
