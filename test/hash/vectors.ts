/** Loads JSON vector files from test/vectors (the project's copies; see test/vectors/README.md). */
import { readFileSync } from 'node:fs';

/**
 * Parses test/vectors/<rel>.
 * @param rel path relative to test/vectors, e.g. 'reference/poseidon2_babybear.json'
 * @returns the parsed JSON
 */
// biome-ignore lint/suspicious/noExplicitAny: vector files are untyped JSON
export function loadVector(rel: string): any {
  return JSON.parse(readFileSync(new URL(`../vectors/${rel}`, import.meta.url), 'utf8'));
}

/** number[] to Uint32Array. */
export const u32 = (xs: readonly number[]): Uint32Array => Uint32Array.from(xs);
