/**
 * CpuBackend: the TypedArray implementation of the hot operations, built from the CPU
 * primitives (src/field/dft.ts, src/merkle/mmcs.ts). It is the specification the WebGPU
 * backend must match byte for byte.
 */
import type { Felt } from '../field/babybear.ts';
import { cosetLdeBitReversed } from '../field/dft.ts';
import type { Matrix } from '../field/matrix.ts';
import type { MerkleConfig } from '../merkle/mmcs.ts';
import { commitMatrices, openBatch } from '../merkle/mmcs.ts';
import type { Backend, CommittedMatrices } from './backend.ts';
import { BackendKind } from './backend.ts';

/** Merkle-commits host matrices on the CPU. */
export function commitOnCpu(mmcs: MerkleConfig, matrices: readonly Matrix[]): CommittedMatrices {
  const tree = commitMatrices(mmcs, matrices);
  return {
    root: tree.root,
    matrices,
    openBatch: (index: number) => openBatch(tree, index),
  };
}

/** The CPU backend. */
export class CpuBackend implements Backend {
  readonly kind: BackendKind = BackendKind.cpu;
  readonly mmcs: MerkleConfig;

  /** @param mmcs the Merkle configuration (permutation) of the STARK configuration */
  constructor(mmcs: MerkleConfig) {
    this.mmcs = mmcs;
  }

  /** Coset LDE (bit-reversed rows) of each matrix, then one commitment. */
  ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedMatrices> {
    const ldes = evals.map((m, i) => cosetLdeBitReversed(m, logBlowup, shifts[i]));
    return Promise.resolve(commitOnCpu(this.mmcs, ldes));
  }

  /** Commits matrices as they are. */
  commit(matrices: readonly Matrix[]): Promise<CommittedMatrices> {
    return Promise.resolve(commitOnCpu(this.mmcs, matrices));
  }

  /** Nothing to release. */
  close(): void {}
}
