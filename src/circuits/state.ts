/**
 * The `state` circuit family, plus the Poseidon2 hash-chain gadget it shares with `pruning`.
 *
 * A hash chain absorbs one 8-element digest per row: acc' = Perm16(acc || item)[0..8), i.e.
 * Plonky3's TruncatedPermutation compression (docs/protocol.md §4.2). Each row holds one
 * Poseidon2 permutation in the column layout of src/circuits/poseidon2-air.ts (298 columns; its
 * constraints are emitted by that AIR through a column view), then `active` and a counter.
 * Rows after the last item are padding: active = 0, item = 0, and the accumulator passes through.
 *
 * state: acc_0 = the previous state commitment (public), items = the state roots of the blocks
 * applied since; public values [initial(8), final(8), count].
 *
 * No Plonky3 counterpart (an application AIR composed with VectorizedPoseidon2Air's columns).
 * Max constraint degree 3 (the S-box registers). Invariants: active never goes 0 -> 1 and row 0
 * is active; the Poseidon2 constraints hold on every row, padding included.
 *
 * Input JSON: { "initialRoot": [8 elements], "stateRoots": [[8 elements], ...] }
 */
import type { Air, AirBuilder, ConstraintScope, Expr, ExprLike } from '../air/air.ts';
import { P } from '../field/babybear.ts';
import { type Matrix, matrix } from '../field/matrix.ts';
import { type Poseidon2ConstantSetName, poseidon2Of } from '../hash/poseidon2.ts';
import type { FamilyAirOptions, FamilyGenerator, FamilySpec } from './family-kit.ts';
import { type InputReader, sampleRng } from './family-kit.ts';
import {
  createPoseidon2Air,
  generatePoseidon2Trace,
  POSEIDON2_COLS_PER_PERM,
  type Poseidon2Air,
  poseidon2OutputColumn,
} from './poseidon2-air.ts';

/** The one-line summary of the family, for reports. */
export const STATE_SUMMARY = 'Poseidon2 hash chain of state roots from a public initial commitment';

/** Column of the `active` flag in a hash-chain trace. */
export const CHAIN_ACTIVE: number = POSEIDON2_COLS_PER_PERM;
/** Column of the counter (state: items absorbed; pruning: block height). */
export const CHAIN_COUNTER: number = POSEIDON2_COLS_PER_PERM + 1;
/** Main trace width of a hash-chain AIR. */
export const CHAIN_WIDTH: number = POSEIDON2_COLS_PER_PERM + 2;
/** Largest log2 chain height. */
export const CHAIN_MAX_LOG_ROWS = 16;

/** How a hash-chain AIR binds its ends to public values. */
export interface HashChainSpec {
  /** AIR name. */
  readonly name: string;
  /** Public value count. */
  readonly numPublicValues: number;
  /** The initial accumulator: 8 expressions (publics or constants). */
  initial(b: AirBuilder): readonly ExprLike[];
  /** The final accumulator: 8 expressions. */
  final(b: AirBuilder): readonly ExprLike[];
  /** The counter on row 0 (given `active` = 1 there). */
  counterStart(b: AirBuilder): ExprLike;
  /** The counter on the last row. */
  counterEnd(b: AirBuilder): ExprLike;
}

/** A column view of the builder: the Poseidon2 AIR sees columns 0..298 as its whole trace. */
function permView(b: AirBuilder, width: number): AirBuilder {
  const main = { local: b.main.local.slice(0, width), next: b.main.next.slice(0, width) };
  return {
    main,
    publicValues: [],
    periodic: b.periodic,
    isFirstRow: b.isFirstRow,
    isLastRow: b.isLastRow,
    isTransition: b.isTransition,
    constant: (x: number): Expr => b.constant(x),
    add: (x: ExprLike, y: ExprLike): Expr => b.add(x, y),
    sub: (x: ExprLike, y: ExprLike): Expr => b.sub(x, y),
    mul: (x: ExprLike, y: ExprLike): Expr => b.mul(x, y),
    neg: (x: ExprLike): Expr => b.neg(x),
    square: (x: ExprLike): Expr => b.square(x),
    cube: (x: ExprLike): Expr => b.cube(x),
    sum: (xs: readonly ExprLike[]): Expr => b.sum(xs),
    assertZero: (e: ExprLike): void => b.assertZero(e),
    assertEq: (x: ExprLike, y: ExprLike): void => b.assertEq(x, y),
    assertOne: (x: ExprLike): void => b.assertOne(x),
    assertBool: (x: ExprLike): void => b.assertBool(x),
    assertZeros: (es: readonly ExprLike[]): void => b.assertZeros(es),
    when: (c: ExprLike): ConstraintScope => b.when(c),
    whenNe: (x: ExprLike, y: ExprLike): ConstraintScope => b.whenNe(x, y),
    whenFirstRow: (): ConstraintScope => b.whenFirstRow(),
    whenLastRow: (): ConstraintScope => b.whenLastRow(),
    whenTransition: (): ConstraintScope => b.whenTransition(),
  };
}

/**
 * Builds a hash-chain AIR.
 * @param spec how the chain's ends bind to public values
 * @param constants Poseidon2 constant set (default 'default')
 * @returns the AIR and the Poseidon2 AIR whose columns it embeds
 */
export function hashChainAir(
  spec: HashChainSpec,
  constants: Poseidon2ConstantSetName = 'default',
): Air & { readonly perm: Poseidon2Air } {
  const perm = createPoseidon2Air({ constants, permsPerRow: 1 });
  return {
    name: spec.name,
    width: CHAIN_WIDTH,
    numPublicValues: spec.numPublicValues,
    maxConstraintDegree: 3,
    perm,
    eval(b: AirBuilder): void {
      perm.eval(permView(b, POSEIDON2_COLS_PER_PERM));
      const l = b.main.local;
      const n = b.main.next;
      const active = l[CHAIN_ACTIVE];
      const inactive = b.sub(1, active);
      b.assertBool(active);
      const after: Expr[] = [];
      for (let j = 0; j < 8; j++)
        after.push(b.add(l[j], b.mul(active, b.sub(l[poseidon2OutputColumn(0, j)], l[j]))));
      for (let j = 0; j < 8; j++) b.when(inactive).assertZero(l[8 + j]);
      const first = b.whenFirstRow();
      first.assertOne(active);
      const init = spec.initial(b);
      for (let j = 0; j < 8; j++) first.assertEq(l[j], init[j]);
      first.assertEq(l[CHAIN_COUNTER], spec.counterStart(b));
      const t = b.whenTransition();
      t.assertZero(b.mul(inactive, n[CHAIN_ACTIVE]));
      for (let j = 0; j < 8; j++) t.assertEq(n[j], after[j]);
      t.assertEq(n[CHAIN_COUNTER], b.add(l[CHAIN_COUNTER], n[CHAIN_ACTIVE]));
      const last = b.whenLastRow();
      const fin = spec.final(b);
      for (let j = 0; j < 8; j++) last.assertEq(after[j], fin[j]);
      last.assertEq(l[CHAIN_COUNTER], spec.counterEnd(b));
    },
  };
}

/**
 * Generates a hash-chain trace and its final accumulator.
 * @param air the AIR from `hashChainAir`
 * @param rows trace height (a power of two, ≥ items)
 * @param initial the initial accumulator (8 elements)
 * @param items the absorbed digests, 8 elements each, flat
 * @param counterStart the counter on row 0
 * @returns the trace and the final accumulator
 */
export function generateHashChainTrace(
  air: Air & { readonly perm: Poseidon2Air },
  rows: number,
  initial: Uint32Array,
  items: Uint32Array,
  counterStart: number,
): { trace: Matrix; final: Uint32Array } {
  const count = items.length / 8;
  const perm = poseidon2Of(air.perm.constants);
  const inputs = new Uint32Array(16 * rows);
  const st = new Uint32Array(16);
  const acc = Uint32Array.from(initial);
  for (let r = 0; r < rows; r++) {
    inputs.set(acc, 16 * r);
    if (r < count) {
      inputs.set(items.subarray(8 * r, 8 * r + 8), 16 * r + 8);
      st.set(inputs.subarray(16 * r, 16 * r + 16));
      perm.permute(st);
      acc.set(st.subarray(0, 8));
    }
  }
  const p2 = generatePoseidon2Trace(air.perm, { inputs }, rows);
  const W = CHAIN_WIDTH;
  const pw = POSEIDON2_COLS_PER_PERM;
  const v = new Uint32Array(rows * W);
  let counter = counterStart;
  for (let r = 0; r < rows; r++) {
    v.set(p2.values.subarray(r * pw, (r + 1) * pw), r * W);
    if (r > 0 && r < count) counter++;
    v[r * W + CHAIN_ACTIVE] = r < count ? 1 : 0;
    v[r * W + CHAIN_COUNTER] = counter;
  }
  return { trace: matrix(v, W), final: acc };
}

/**
 * Reads a list of digests from an input array.
 * @param rd the input reader
 * @param v the value
 * @param field JSON path
 * @param max the most digests allowed
 * @returns the digests, flat
 * @throws {FamilyInputError} for a malformed list
 */
export function readDigestList(rd: InputReader, v: unknown, field: string, max: number): Uint32Array {
  const a = rd.array(v, field, 1, max);
  const out = new Uint32Array(8 * a.length);
  for (let i = 0; i < a.length; i++) out.set(rd.digest(a[i], `${field}[${i}]`), 8 * i);
  return out;
}

/**
 * Deterministic sample digests.
 * @param seed generator seed
 * @param count number of digests
 * @returns count arrays of 8 elements
 */
export function sampleDigests(seed: number, count: number): number[][] {
  const rng = sampleRng(seed);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const d: number[] = [];
    for (let j = 0; j < 8; j++) d.push(rng(P));
    out.push(d);
  }
  return out;
}

const STATE_SPEC: HashChainSpec = {
  name: 'state',
  numPublicValues: 17,
  initial: (b) => b.publicValues.slice(0, 8),
  final: (b) => b.publicValues.slice(8, 16),
  counterStart: () => 1,
  counterEnd: (b) => b.publicValues[16],
};

/**
 * The state AIR: public values [initial(8), final(8), count].
 * @param opts Poseidon2 constant set
 * @returns the AIR (name 'state', degree 3)
 */
export function stateAir(opts: FamilyAirOptions = {}): Air & { readonly perm: Poseidon2Air } {
  return hashChainAir(STATE_SPEC, opts.constants);
}

/**
 * Validates the input and generates the trace.
 * @throws {FamilyInputError} for a malformed input
 */
const generateState: FamilyGenerator = (rd, o, rows, opts) => {
  const initial = rd.digest(o.initialRoot, 'initialRoot');
  const roots = readDigestList(rd, o.stateRoots, 'stateRoots', rows);
  const air = stateAir(opts);
  const { trace, final } = generateHashChainTrace(air, rows, initial, roots, 1);
  const pub = new Uint32Array(17);
  pub.set(initial, 0);
  pub.set(final, 8);
  pub[16] = roots.length / 8;
  return { air, trace, publicValues: pub };
};

/**
 * A deterministic honest chain filling all but 2 rows of the size.
 * @param rows the trace height of the size
 * @returns the JSON input
 */
function sampleStateInput(rows: number): unknown {
  const d = sampleDigests(0x57a7e, rows - 1);
  return { initialRoot: d[0], stateRoots: d.slice(1, d.length - 1) };
}

/** The state family's parts (families.ts names it and adds the shared input checks). */
export const stateSpec: FamilySpec = {
  logRows: { production: 9, test: 3, max: CHAIN_MAX_LOG_ROWS },
  air: stateAir,
  generate: generateState,
  sampleInput: sampleStateInput,
};
