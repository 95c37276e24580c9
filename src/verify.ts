/**
 * plonky3-ts/verify: the verifier only, browser-safe (no node:*, no prover, no WebGPU).
 * Verifies Plonky3 v0.6.2 uni-stark proofs (bare postcard bodies or inside our envelope).
 */
export type { Air, AirBuilder } from './air/air.ts';
export { fibonacciAir } from './circuits/fibonacci.ts';
export { decodeProof, encodeProof } from './stark/codec.ts';
export type { ConfigOverrides, FriParams, StarkConfig } from './stark/config.ts';
export { conjecturedSoundnessBits, DEFAULT_PRESET, getConfig, PRESETS } from './stark/config.ts';
export { configDigest, parseEnvelope } from './stark/envelope.ts';
export type { RejectionCode, VerifyResult } from './stark/errors.ts';
export { ProofRejectedError, RejectionCode as RejectionCodes, VerifierConfigError } from './stark/errors.ts';
export type { Proof } from './stark/proof.ts';
export type { SecurityReport } from './stark/security.ts';
export { SECURITY_FLOORS, securityReport } from './stark/security.ts';
export type { ProofFormat, VerifyOptions } from './stark/verify.ts';
export { circuitIdOf, verify } from './stark/verify.ts';
