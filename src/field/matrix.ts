/**
 * Row-major matrices of canonical BabyBear elements, like Plonky3's RowMajorMatrix
 * (Plonky3/Plonky3:matrix/src/dense.rs). Row r, column c is values[r * width + c].
 */

/** Row-major matrix: row r, column c is values[r * width + c]. */
export interface Matrix {
  readonly values: Uint32Array;
  readonly width: number;
}

/** Number of rows of a matrix. */
export const height = (m: Matrix): number => (m.width === 0 ? 0 : m.values.length / m.width);

/** Builds a matrix from its values and width. */
export function matrix(values: Uint32Array, width: number): Matrix {
  if (!Number.isInteger(width) || width <= 0 || values.length % width !== 0) {
    throw new RangeError(`matrix: ${values.length} values do not form rows of width ${width}`);
  }
  return { values, width };
}

/** A view of row r (no copy). */
export function row(m: Matrix, r: number): Uint32Array {
  return m.values.subarray(r * m.width, (r + 1) * m.width);
}
