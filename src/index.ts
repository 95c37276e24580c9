/**
 * plonky3-ts: a Plonky3 v0.6.2-compatible uni-stark prover and verifier (BabyBear, Poseidon2,
 * two-adic FRI), browser-safe. Node-only operations live in `plonky3-ts/node`.
 *
 * @example
 * import { prove, verify, getConfig, fibonacciAir, generateFibonacciTrace } from 'plonky3-ts';
 * const config = getConfig('c100');
 * const air = fibonacciAir();
 * const proof = await prove(air, generateFibonacciTrace(0, 1, 1024), publics, config);
 * verify(air, proof, publics, config, { format: 'postcard' }); // { ok: true }
 */

export { checkConstraints } from './air/check.ts';
export type { CompiledAir } from './air/program.ts';
export { compileAir } from './air/program.ts';
export { fibonacciPublicValues, generateFibonacciTrace } from './circuits/fibonacci.ts';
export type { Matrix } from './field/matrix.ts';
export { height, matrix } from './field/matrix.ts';
export type { Backend, CommittedMatrices } from './runtime/backend.ts';
export { BackendKind } from './runtime/backend.ts';
export { CpuBackend } from './runtime/cpu.ts';
export { ParallelCpuBackend } from './runtime/parallel.ts';
export * from './runtime/workers/index.ts';
export { wrapEnvelope } from './stark/envelope.ts';
export type { ProveOptions, ProvePhases } from './stark/prove.ts';
export { ProverInputError, prove, proveProof } from './stark/prove.ts';
export * from './verify.ts';
