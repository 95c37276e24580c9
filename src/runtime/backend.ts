/**
 * The Backend interface: the hot operations of the prover (coset LDE, Merkle commit of
 * mixed-height matrices, FRI fold). Protocol code (src/fri, src/stark) reaches them only
 * through this interface, so CPU or WebGPU is chosen beneath the protocol.
 *
 * Every method is async because the WebGPU implementation is. Results are canonical and
 * byte-identical between implementations.
 */
import type { QuotientInputs } from '../air/eval.ts';
import type { CompiledAir } from '../air/symbolic.ts';
import type { Felt } from '../field/babybear.ts';
import type { Matrix } from '../field/matrix.ts';
import type { Digest } from '../hash/types.ts';

/** Which implementation runs the hot operations. */
export const BackendKind = { cpu: 'cpu', webgpu: 'webgpu' } as const;
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind];

/** A committed batch of matrices (a Merkle tree over their rows) with host copies of the rows. */
export interface CommittedMatrices {
  /** The Merkle root (the one-digest cap at cap height 0). */
  readonly root: Digest;
  /** The committed matrices, caller order, as hashed (e.g. LDE rows in bit-reversed order). */
  readonly matrices: readonly Matrix[];
  /** Opens row `index` of the tallest height (smaller matrices at index >> shift), P§5.4. */
  openBatch(index: number): { openedValues: Uint32Array[]; proof: Digest[] };
}

/** The hot operations. */
export interface Backend {
  readonly kind: BackendKind;
  /**
   * Coset LDE of each matrix (natural-order evaluations on its domain) by 2^logBlowup with
   * the given shift per matrix, rows bit-reversed, then one Merkle commitment over all (P§8.4).
   */
  ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedMatrices>;
  /** Merkle commitment of matrices as they are (P§5.3). */
  commit(matrices: readonly Matrix[]): Promise<CommittedMatrices>;
  /**
   * Optional: one FRI arity-2 fold of a flat EF vector in bit-reversed order (8m words -> 4m words),
   * P§9.4; CPU twin foldVectorArity2 (src/fri/fold.ts). Implemented by WebGpuBackend and
   * FallbackBackend; callers use the CPU fold when absent.
   */
  foldArity2?(v: Uint32Array, beta: Uint32Array): Promise<Uint32Array>;
  /** Optional: evaluateLdeAt (src/fri/pcs.ts), same values. */
  evaluateAt?(lde: Matrix, logBlowup: number, z: Uint32Array): Promise<Uint32Array>;
  /** Optional: the reduced-opening vectors of PCS open step 3, same values. */
  reduceOpenings?(
    rounds: readonly {
      matrices: readonly Matrix[];
      points: readonly (readonly Uint32Array[])[];
      values: readonly (readonly Uint32Array[])[];
    }[],
    alpha: Uint32Array,
  ): Promise<Map<number, Uint32Array>>;
  /** Optional: evalFoldedQuotient over all rows, same values. */
  evalQuotient?(
    c: CompiledAir,
    inp: QuotientInputs,
    alpha: Uint32Array,
    out: Uint32Array,
  ): Promise<Uint32Array>;
  /**
   * Optional: the smallest proof-of-work witness w >= 0 for a candidate-test state (§6.4):
   * with w in `slot`, the permuted state's element rate - 1 has its low `bits` bits zero.
   * Must return exactly what a sequential search from 0 returns.
   */
  grind?(template: { state: Uint32Array; slot: number; rate: number }, bits: number): Promise<number>;
  /** Releases resources; idempotent. */
  close(): void;
}
