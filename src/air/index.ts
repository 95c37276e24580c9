/**
 * The AIR layer: AIR interface, symbolic builder and compiler, evaluators, debug checker.
 * Mirrors Plonky3/Plonky3:air (v0.6.2) plus the AIR-facing parts of uni-stark.
 */

export * from './air.ts';
export * from './check.ts';
export * from './eval.ts';
export * from './symbolic.ts';
