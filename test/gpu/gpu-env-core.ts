/** Seeded random inputs for the GPU tests and the device check (no vitest import, so it bundles). */

/** Deterministic PRNG (mulberry32) for reproducible random inputs; the seed is in each test title. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n uniform canonical field elements. */
export function randomFelts(r: () => number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 0x78000001);
  return out;
}
