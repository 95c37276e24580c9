/**
 * uni-stark prover, non-ZK (docs/protocol.md §10.4), mirroring
 * Plonky3/Plonky3:uni-stark/src/prover.rs at v0.6.2: commit the trace, observe the instance,
 * sample alpha, evaluate the folded constraints over the quotient domain divided by the
 * vanishing polynomial, commit the quotient chunks, sample zeta, open with the PCS.
 *
 * Deterministic: the same statement and configuration give the same bytes on every backend.
 */

import type { Air } from '../air/air.ts';
import type { CompiledAir } from '../air/symbolic.ts';
import { compileAir } from '../air/symbolic.ts';
import { GENERATOR, mul, P, twoAdicGenerator } from '../field/babybear.ts';
import { ext4MulBaseInto } from '../field/ext4.ts';
import type { Matrix } from '../field/matrix.ts';
import { height } from '../field/matrix.ts';
import type { Domain } from '../fri/pcs.ts';
import { pcsCommit, pcsCommitQuotient, pcsOpen } from '../fri/pcs.ts';
import type { Challenger } from '../fri/transcript.ts';
import type { Backend, BackendHandle, TransferLedger } from '../runtime/backend.ts';
import { createCpuBackend } from '../runtime/cpu.ts';
import { ParallelCpuBackend } from '../runtime/parallel.ts';
import type { WorkerPool } from '../runtime/workers/pool.ts';
import { encodeProof } from './codec.ts';
import type { StarkConfig } from './config.ts';
import { validateConfig } from './config.ts';
import { challengerFor } from './instance.ts';
import type { Proof } from './proof.ts';

/** Phase timings of one proof, in milliseconds. */
export interface ProvePhases {
  traceCommit: number;
  quotient: number;
  quotientCommit: number;
  open: number;
  total: number;
  /** Host–device traffic of this proof (the backend's ledger difference; zeros on the CPU). */
  ledger: TransferLedger;
}

/** Options of `prove`. */
export interface ProveOptions {
  /**
   * The backend that runs the data-heavy steps (the caller keeps ownership). Default: a
   * ParallelCpuBackend on `pool` when one is given, else a CpuBackend for the configuration.
   */
  readonly backend?: Backend;
  /** A worker pool to prove on when no `backend` is given (the caller keeps ownership). */
  readonly pool?: WorkerPool;
  /** Pre-compiled AIR (saves the symbolic pass when proving many statements). */
  readonly compiled?: CompiledAir;
  /** Receives phase timings. */
  readonly onPhases?: (p: ProvePhases) => void;
  /** Test hook: a challenger wrapper (e.g. to record the transcript). */
  readonly challenger?: Challenger;
}

/** Thrown when the prover's inputs are inconsistent (bad trace shape, public value count). */
export class ProverInputError extends Error {
  override readonly name = 'ProverInputError';
}

/**
 * Proves that `trace` satisfies `air` with `publicValues` and returns the proof object.
 * @throws {ProverInputError} on a malformed trace or public values
 */
export async function proveProof(
  air: Air,
  trace: Matrix,
  publicValues: ArrayLike<number>,
  config: StarkConfig,
  opts: ProveOptions = {},
): Promise<Proof> {
  validateConfig(config);
  const params = config.fri;
  const c = opts.compiled ?? compileAir(air);
  const n = height(trace);
  if (trace.width !== air.width)
    throw new ProverInputError(`trace width ${trace.width} != AIR width ${air.width}`);
  if (n < 1 || (n & (n - 1)) !== 0) throw new ProverInputError(`trace height ${n} is not a power of two`);
  const k = Math.log2(n);
  if (k > config.maxLogTraceHeight) {
    throw new ProverInputError(`trace height 2^${k} above the preset maximum 2^${config.maxLogTraceHeight}`);
  }
  if (publicValues.length !== air.numPublicValues) {
    throw new ProverInputError(`${publicValues.length} public values, AIR declares ${air.numPublicValues}`);
  }
  const publics = Uint32Array.from(publicValues as ArrayLike<number>);
  for (let i = 0; i < publics.length; i++) {
    if (publics[i] !== publicValues[i] || publics[i] >= P)
      throw new ProverInputError(`public value ${i} is not a canonical field element`);
  }
  const lqc = c.logQuotientChunks;
  const nChunks = c.numQuotientChunks;
  if (k + lqc > 27 || k + params.logBlowup > 27)
    throw new ProverInputError('trace too large for the quotient domain');
  const backend: Backend =
    opts.backend ?? (opts.pool ? new ParallelCpuBackend(opts.pool, config) : createCpuBackend(config));
  const ch: Challenger = opts.challenger ?? challengerFor(config);
  const held: BackendHandle[] = [];
  const ledger0 = backend.ledger();
  const t0 = performance.now();
  try {
    // 1-5. Trace commitment and instance.
    const traceTree = await pcsCommit(backend, params, [{ domain: { shift: 1, logSize: k }, values: trace }]);
    held.push(traceTree);
    ch.observe(k);
    ch.observe(k);
    ch.observe(0);
    ch.observeSlice(traceTree.root);
    ch.observeSlice(publics);
    const alpha = ch.sampleExt();
    const t1 = performance.now();

    // 7-8. Quotient over Q = (GEN, k + lqc), on the backend.
    const q = await backend.evalQuotient(traceTree, { compiled: c, logN: k, publics }, alpha);
    held.push(q);
    const t2 = performance.now();

    // 9-10. Split into chunks on (GEN g_Q^i, k) and commit.
    const gQ = twoAdicGenerator(k + lqc);
    const chunkDomains: Domain[] = [];
    let shift = GENERATOR;
    for (let i = 0; i < nChunks; i++) {
      chunkDomains.push({ shift, logSize: k });
      shift = mul(shift, gQ);
    }
    const quotientTree = await pcsCommitQuotient(backend, params, q, chunkDomains);
    held.push(quotientTree);
    backend.release(q);
    ch.observeSlice(quotientTree.root);
    const zeta = ch.sampleExt();
    const zetaNext = new Uint32Array(4);
    ext4MulBaseInto(zetaNext, 0, zeta, 0, twoAdicGenerator(k));
    const t3 = performance.now();

    // 12. Open.
    const tracePoints = c.readsNext ? [zeta, zetaNext] : [zeta];
    const { openedValues, proof: fri } = await pcsOpen(
      backend,
      params,
      [
        { committed: traceTree, points: [tracePoints] },
        { committed: quotientTree, points: chunkDomains.map(() => [zeta]) },
      ],
      ch,
    );
    const t4 = performance.now();
    const ledger1 = backend.ledger();
    opts.onPhases?.({
      traceCommit: t1 - t0,
      quotient: t2 - t1,
      quotientCommit: t3 - t2,
      open: t4 - t3,
      total: t4 - t0,
      ledger: {
        uploadedBytes: ledger1.uploadedBytes - ledger0.uploadedBytes,
        readBytes: ledger1.readBytes - ledger0.readBytes,
        readbacks: ledger1.readbacks - ledger0.readbacks,
        submits: ledger1.submits - ledger0.submits,
      },
    });
    return {
      commitments: { trace: traceTree.root, quotientChunks: quotientTree.root, random: null },
      openedValues: {
        traceLocal: openedValues[0][0][0],
        traceNext: c.readsNext ? openedValues[0][0][1] : null,
        preprocessedLocal: null,
        preprocessedNext: null,
        quotientChunks: openedValues[1].map((pts) => pts[0]),
        random: null,
      },
      openingProof: fri,
      degreeBits: k,
    };
  } finally {
    for (const h of held) backend.release(h);
    if (!opts.backend) backend.close();
  }
}
/**
 * Proves a statement and returns Plonky3 v0.6.2's postcard proof body.
 * @param air the AIR
 * @param trace the main trace (height a power of two)
 * @param publicValues canonical public values
 * @param config the STARK configuration (see `getConfig`)
 * @param opts backend and hooks
 * @returns the proof bytes (bare body; wrap with `wrapEnvelope` for transport)
 * @throws {ProverInputError} on malformed inputs
 * @example
 * const bytes = await prove(fibonacciAir(), generateFibonacciTrace(0, 1, 8), [0, 1, 21], getConfig('plonky3-fixture'));
 */
export async function prove(
  air: Air,
  trace: Matrix,
  publicValues: ArrayLike<number>,
  config: StarkConfig,
  opts: ProveOptions = {},
): Promise<Uint8Array> {
  return encodeProof(await proveProof(air, trace, publicValues, config, opts));
}
