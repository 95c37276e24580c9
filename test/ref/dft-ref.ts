/**
 * The clear radix-2 decimation-in-frequency NTT that src/field/dft.ts's radix-4 kernel optimises.
 * Natural-order input, bit-reversed output, over the columns of a row-major matrix. Uses the
 * library's scalar add/sub/mul (themselves checked against BigInt) and its own twiddles.
 */

import { add, mul, sub, twoAdicGenerator } from '../../src/field/babybear.ts';

/**
 * In-place radix-2 DIF over columns: row rev(j) ends up holding sum_i X[i] w^(i j).
 * @param values row-major values, height 2^k
 * @param width row length
 * @param inverseRoot use g_k^-1 instead of g_k
 */
export function refNttDifRadix2(values: Uint32Array, width: number, inverseRoot = false): void {
  const n = values.length / width;
  const k = Math.round(Math.log2(n));
  const g = twoAdicGenerator(k);
  let root = g;
  if (inverseRoot) {
    // g^-1 = g^(n-1)
    root = 1;
    for (let i = 0; i < n - 1; i++) root = mul(root, g);
  }
  for (let h = n / 2; h >= 1; h /= 2) {
    // block root: order 2h
    let wb = root;
    for (let s = n; s > 2 * h; s /= 2) wb = mul(wb, wb);
    for (let start = 0; start < n; start += 2 * h) {
      let w = 1;
      for (let j = 0; j < h; j++) {
        for (let c = 0; c < width; c++) {
          const x = (start + j) * width + c;
          const y = x + h * width;
          const a = values[x];
          const b = values[y];
          values[x] = add(a, b);
          values[y] = mul(sub(a, b), w);
        }
        w = mul(w, wb);
      }
    }
  }
}
