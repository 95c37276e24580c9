/**
 * `plonky3-ts/verify`: the verifier alone, browser-safe (no node:*, no prover, no WebGPU code), for
 * Plonky3 v0.6.2 uni-stark proofs as bare postcard bodies or inside our envelope. `verify` checks
 * a proof against an AIR and a configuration you name; `verifyEnvelope` reads the circuit id and
 * configuration digest from the envelope and takes the AIR from a registry
 * (`createCircuitRegistry([FIBONACCI_CIRCUIT])`, or every built-in circuit with
 * `await loadCircuitRegistry()`, a separate chunk in the browser bundle) and the preset from the
 * accepted ones. Both return `{ ok: true }` or `{ ok: false, code, detail }` with a stable
 * `RejectionCode` and never throw on proof data.
 *
 * @example
 * import { loadCircuitRegistry, verifyEnvelope } from 'plonky3-ts/verify';
 * const r = verifyEnvelope(bytes, publicValues, { registry: await loadCircuitRegistry() });
 */
export type { Air, AirBuilder } from './air/air.ts';
export { fibonacciAir } from './circuits/fibonacci.ts';
export type { CircuitRegistry, RegisteredCircuit } from './circuits/registry.ts';
export {
  CircuitRegistryError,
  createCircuitRegistry,
  FIBONACCI_CIRCUIT,
  loadCircuitRegistry,
} from './circuits/registry.ts';
export { decodeProof, encodeProof } from './stark/codec.ts';
export type { ConfigOverrides, FriParams, StarkConfig } from './stark/config.ts';
export { conjecturedSoundnessBits, DEFAULT_PRESET, getConfig, PRESETS } from './stark/config.ts';
export type { EnvelopeHeader } from './stark/envelope.ts';
export { configDigest, parseEnvelope } from './stark/envelope.ts';
export type { VerifyResult } from './stark/errors.ts';
export { ProofRejectedError, RejectionCode, VerifierConfigError } from './stark/errors.ts';
export type { Proof } from './stark/proof.ts';
export type { SecurityReport } from './stark/security.ts';
export { SECURITY_FLOORS, securityReport } from './stark/security.ts';
export type { VerifyOptions } from './stark/verify.ts';
export { circuitIdOf, ProofFormat, verify } from './stark/verify.ts';
export type { VerifyEnvelopeOptions, VerifyEnvelopeResult } from './stark/verify-envelope.ts';
export { verifyEnvelope } from './stark/verify-envelope.ts';
