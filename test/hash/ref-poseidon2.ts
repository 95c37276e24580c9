/**
 * Slow BigInt reference of the Poseidon2 permutation, written directly from docs/protocol.md §3.4
 * (independent of src/hash/poseidon2.ts: no shared helpers, no float tricks).
 */
import type { Poseidon2Constants } from '../../src/hash/types.ts';

const PB = 2013265921n;
const M4 = [
  [2n, 3n, 1n, 1n],
  [1n, 2n, 3n, 1n],
  [1n, 1n, 2n, 3n],
  [3n, 1n, 1n, 2n],
];

function ext(s: bigint[]): bigint[] {
  const t = s.length;
  const y: bigint[] = new Array(t).fill(0n);
  for (let c = 0; c < t; c += 4) {
    for (let r = 0; r < 4; r++) {
      let acc = 0n;
      for (let k = 0; k < 4; k++) acc += M4[r][k] * s[c + k];
      y[c + r] = acc % PB;
    }
  }
  const sums = [0n, 0n, 0n, 0n];
  for (let j = 0; j < t; j++) sums[j % 4] += y[j];
  return y.map((v, i) => (v + sums[i % 4]) % PB);
}

const pow7 = (x: bigint): bigint => {
  let r = 1n;
  for (let i = 0; i < 7; i++) r = (r * x) % PB;
  return r;
};

/**
 * Reference permutation.
 * @param c constant set
 * @param diag internal diagonal V (canonical)
 * @param input state (canonical)
 * @returns the permuted state
 */
export function refPermute(
  c: Poseidon2Constants,
  diag: readonly number[],
  input: readonly number[],
): number[] {
  let s = input.map((x) => BigInt(x));
  s = ext(s);
  for (const rc of c.externalInitial) s = ext(s.map((x, i) => pow7((x + BigInt(rc[i])) % PB)));
  for (const k of c.internal) {
    s[0] = pow7((s[0] + BigInt(k)) % PB);
    const sum = s.reduce((a, b) => a + b, 0n);
    s = s.map((x, i) => (sum + BigInt(diag[i]) * x) % PB);
  }
  for (const rc of c.externalTerminal) s = ext(s.map((x, i) => pow7((x + BigInt(rc[i])) % PB)));
  return s.map((x) => Number(x));
}
