/**
 * Debug constraint checker: evaluates every constraint on every row of a trace over the trace
 * domain H_n with normalized selectors (isFirstRow = 1 on row 0 only, isLastRow = 1 on row n-1
 * only, isTransition = 1 except on the last row) and reports the first violation.
 *
 * Mirrors Plonky3/Plonky3:air/src/check_constraints.rs (check_constraints, DebugConstraintBuilder)
 * at v0.6.2. Periodic column i takes col[row mod len] on row `row`.
 */

import type { Matrix } from '../field/matrix.ts';
import { type Air, AirError } from './air.ts';
import { evalConstraintBlocks } from './eval.ts';
import { type CompiledAir, compileAir } from './program.ts';
import { exprToString } from './symbolic.ts';

/** A constraint that does not vanish on some row. */
export class ConstraintError extends Error {
  override readonly name = 'ConstraintError';
  /** The failing row. */
  readonly row: number;
  /** Index of the failing constraint (program order). */
  readonly constraint: number;
  /** The non-zero value. */
  readonly value: number;
  /**
   * @param air AIR name
   * @param row failing row
   * @param constraint constraint index
   * @param value constraint value
   * @param description readable constraint text
   */
  constructor(air: string, row: number, constraint: number, value: number, description: string) {
    super(`${air}: constraint ${constraint} fails on row ${row} (value ${value}): ${description} = 0`);
    this.row = row;
    this.constraint = constraint;
    this.value = value;
  }
}

/**
 * Checks that every constraint vanishes on every row.
 * @param air the AIR (or an already compiled one)
 * @param trace the n x width trace (n a power of two)
 * @param publics the public values
 * @throws {ConstraintError} naming the lowest failing row and, on it, the lowest constraint index
 * @throws {AirError} for shape errors (width, public-value count, periodic lengths)
 */
export function checkConstraints(air: Air | CompiledAir, trace: Matrix, publics: ArrayLike<number>): void {
  const c = 'program' in air ? air : compileAir(air);
  const n = trace.width === 0 ? 0 : trace.values.length / trace.width;
  if (n === 0 || (n & (n - 1)) !== 0) throw new AirError(`trace height ${n} is not a power of two`);
  const first = new Uint32Array(n);
  const last = new Uint32Array(n);
  const trans = new Uint32Array(n).fill(1);
  first[0] = 1;
  last[n - 1] = 1;
  trans[n - 1] = 0;
  let badRow = -1;
  let badJ = -1;
  let badV = 0;
  const note = (row: number, j: number, v: number): void => {
    if (badRow < 0 || row < badRow || (row === badRow && j < badJ)) {
      badRow = row;
      badJ = j;
      badV = v;
    }
  };
  evalConstraintBlocks(
    c,
    {
      trace,
      nextOffset: n === 1 ? 0 : 1,
      publics,
      selectors: { isFirstRow: first, isLastRow: last, isTransition: trans },
      periodic: c.air.periodicColumns ?? [],
    },
    (j, regs, off, start, len) => {
      for (let r = 0; r < len; r++) {
        if (regs[off + r] !== 0) {
          note(start + r, j, regs[off + r]);
          return;
        }
      }
    },
    (j, v) => {
      if (v !== 0) note(0, j, v);
    },
  );
  if (badRow >= 0) {
    throw new ConstraintError(c.air.name, badRow, badJ, badV, exprToString(c.constraints[badJ]));
  }
}
