/**
 * `plonky3-ts`: a Plonky3 v0.6.2-compatible uni-stark prover and verifier (BabyBear, Poseidon2,
 * two-adic FRI), browser-safe. It offers `prove` and everything `plonky3-ts/verify` offers, the
 * presets and the configuration helpers, the AIR builder types with `compileAir` and the
 * constraint checker, the CPU backends (`CpuBackend`, and `ParallelCpuBackend` on a `WorkerPool`
 * of Web Workers or worker threads) and the envelope. The circuits live in `plonky3-ts/circuits`,
 * the WebGPU backend in `plonky3-ts/webgpu`, Node operations in `plonky3-ts/node`.
 *
 * @example
 * import { prove, verify, getConfig, fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from 'plonky3-ts';
 * const config = getConfig('c100');
 * const air = fibonacciAir();
 * const publics = fibonacciPublicValues(0, 1, 1024);
 * const proof = await prove(air, generateFibonacciTrace(0, 1, 1024), publics, config);
 * verify(air, proof, publics, config, { format: 'postcard' }); // { ok: true }
 */
export type {
  Air,
  AirBuilder,
  ConstraintScope,
  Expr,
  ExprLike,
  MainWindow,
} from './air/air.ts';
export { AirError } from './air/air.ts';
export { ConstraintError, checkConstraints } from './air/check.ts';
export type { CompiledAir } from './air/symbolic.ts';
export { compileAir } from './air/symbolic.ts';
export { fibonacciPublicValues, generateFibonacciTrace } from './circuits/fibonacci.ts';
export type { Matrix } from './field/matrix.ts';
export { height, matrix } from './field/matrix.ts';
export type { Backend, CommittedMatrices } from './runtime/backend.ts';
export { BackendKind } from './runtime/backend.ts';
export { CpuBackend } from './runtime/cpu.ts';
export type { ParallelCpuBackendOptions } from './runtime/parallel.ts';
export { ParallelCpuBackend } from './runtime/parallel.ts';
export { createBrowserWorkerPool } from './runtime/workers/browser-spawn.ts';
export type { PoolProgress, RunOptions, WorkerPoolOptions, WorkerSpawner } from './runtime/workers/pool.ts';
export { defaultPoolSize, PoolClosedError, WorkerPool } from './runtime/workers/pool.ts';
export { wrapEnvelope } from './stark/envelope.ts';
export { mmcsFor, permFor } from './stark/instance.ts';
export type { ProveOptions, ProvePhases } from './stark/prove.ts';
export { ProverInputError, prove, proveProof } from './stark/prove.ts';
export type {
  CircuitRegistry,
  ConfigOverrides,
  EnvelopeHeader,
  FriParams,
  Proof,
  RegisteredCircuit,
  SecurityReport,
  StarkConfig,
  VerifyEnvelopeOptions,
  VerifyEnvelopeResult,
  VerifyOptions,
  VerifyResult,
} from './verify.ts';
export {
  CircuitRegistryError,
  circuitIdOf,
  configDigest,
  conjecturedSoundnessBits,
  createCircuitRegistry,
  DEFAULT_PRESET,
  decodeProof,
  encodeProof,
  FIBONACCI_CIRCUIT,
  fibonacciAir,
  getConfig,
  loadCircuitRegistry,
  PRESETS,
  ProofFormat,
  ProofRejectedError,
  parseEnvelope,
  RejectionCode,
  SECURITY_FLOORS,
  securityReport,
  VerifierConfigError,
  verify,
  verifyEnvelope,
} from './verify.ts';
