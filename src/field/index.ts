/**
 * The field layer: BabyBear, its degree-4 extension, matrices, bit reversal and DFT/LDE.
 * Re-exports only; see each module for what it mirrors in Plonky3.
 */

export * from './babybear.ts';
export * from './bit-reverse.ts';
export * from './dft.ts';
export * from './ext4.ts';
export * from './matrix.ts';
