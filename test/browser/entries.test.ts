/**
 * The package entries (issue: a public API without internals): `plonky3-ts` (src/index.ts),
 * `/verify`, `/circuits`, `/webgpu` and `/node` list their exports by name (no `export *`), do not
 * export the worker internals or the cache helpers, and keep the rejection code value and type
 * under one name. The packed-install check (test/package/packed.test.ts) imports them through
 * the exports map.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as circuits from '../../src/circuits/index.ts';
import * as main from '../../src/index.ts';
import * as node from '../../src/node/index.ts';
import { RejectionCode as ErrorsRejectionCode } from '../../src/stark/errors.ts';
import * as verifier from '../../src/verify.ts';
import * as webgpu from '../../src/webgpu.ts';

const ENTRY_FILES = [
  'src/index.ts',
  'src/verify.ts',
  'src/circuits/index.ts',
  'src/webgpu.ts',
  'src/node/index.ts',
];

describe('package entries', () => {
  it('have a doc comment and list their exports (no export *)', () => {
    for (const f of ENTRY_FILES) {
      const text = readFileSync(f, 'utf8');
      expect(text.startsWith('/**'), f).toBe(true);
      expect(text, f).not.toMatch(/export\s*\*/);
    }
  });

  it('plonky3-ts exports prove, verify, configs and the AIR builder, not the worker internals', () => {
    for (const name of [
      'prove',
      'proveProof',
      'verify',
      'verifyEnvelope',
      'getConfig',
      'PRESETS',
      'compileAir',
      'CpuBackend',
      'WorkerPool',
    ]) {
      expect(main, name).toHaveProperty(name);
    }
    for (const name of [
      'runLdeJob',
      'runMerkleJob',
      'runEvalJob',
      'shareView',
      'viewOf',
      'portableCompiledAir',
      'nodeEndpoint',
      'workerApi',
      'kernelApi',
    ]) {
      expect(main, name).not.toHaveProperty(name);
    }
  });

  it('plonky3-ts/verify: RejectionCode is both the value and the type; no RejectionCodes', () => {
    expect(verifier.RejectionCode).toBe(ErrorsRejectionCode);
    expect(verifier).not.toHaveProperty('RejectionCodes');
    const code: verifier.RejectionCode = verifier.RejectionCode.VK_UNKNOWN_CIRCUIT;
    expect(code).toBe('VK_UNKNOWN_CIRCUIT');
    expect(verifier.RejectionCode.POLICY_UNKNOWN_PRESET).toBe('POLICY_UNKNOWN_PRESET');
    expect(verifier).not.toHaveProperty('prove');
  });

  it('plonky3-ts/circuits: the AIRs, witness builders and the registry', () => {
    for (const name of [
      'fibonacciAir',
      'createPoseidon2Air',
      'generatePoseidon2Trace',
      'buildTransaction',
      'buildState',
      'buildPruning',
      'buildUptime',
      'buildConsensus',
      'getFamily',
      'CIRCUIT_REGISTRY',
      'loadCircuitRegistry',
    ]) {
      expect(circuits, name).toHaveProperty(name);
    }
    expect(circuits).not.toHaveProperty('InputReader');
    expect(circuits).not.toHaveProperty('writeBits');
  });

  it('plonky3-ts/webgpu: selectBackend, WebGpuBackend, FallbackBackend', () => {
    expect(Object.keys(webgpu).sort()).toEqual(['FallbackBackend', 'WebGpuBackend', 'selectBackend']);
  });

  it('plonky3-ts/node: operations, not the cache and metrics helpers', () => {
    for (const name of [
      'loadNodeConfig',
      'ProofCache',
      'preloadCache',
      'runPreflight',
      'NodeMetrics',
      'ProofService',
      'createStarkEngine',
      'loadDawnGpu',
    ]) {
      expect(node, name).toHaveProperty(name);
    }
    for (const name of [
      'writeFileAtomic',
      'removeStaleTemps',
      'sha256Hex',
      'serializeParams',
      'BYTE_BUCKETS',
    ]) {
      expect(node, name).not.toHaveProperty(name);
    }
  });
});
