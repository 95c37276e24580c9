/**
 * TwoAdicFriPcs, prover side (docs/protocol.md §8.4-§8.6), mirroring Plonky3/Plonky3:fri/src/two_adic_pcs.rs at
 * v0.6.2: commit = coset LDE (shift GEN / domain shift, rows bit-reversed) + Merkle; open =
 * evaluate every matrix at its points, observe the values, sample the batching challenge, build
 * one reduced-opening vector per height, run FRI.
 *
 * Every data-heavy step is a Backend operation on handles; this module only orders them and
 * drives the transcript, so it never asks which backend it has.
 */
import { GENERATOR, inverse, mul } from '../field/babybear.ts';
import type { Matrix } from '../field/matrix.ts';
import type { BatchOpening as MerkleOpening } from '../merkle/mmcs.ts';
import type { Backend, CommittedHandle, ExtVectorHandle } from '../runtime/backend.ts';
import type { FriParams } from './config.ts';
import type { BatchOpening, FriProof } from './proof.ts';
import { proveFri } from './prover.ts';
import type { Challenger } from './transcript.ts';

/** A multiplicative coset domain (shift, logSize) (TwoAdicMultiplicativeCoset). */
export interface Domain {
  readonly shift: number;
  readonly logSize: number;
}

/** The LDE shift of a domain's evaluations: GEN / domain shift (docs/protocol.md §8.4). */
function ldeShift(d: Domain): number {
  return mul(GENERATOR, inverse(d.shift));
}

/**
 * Commits matrices given as natural-order evaluations on their domains (docs/protocol.md §8.4).
 * @param backend the hot-path implementation
 * @param params FRI parameters (log blowup)
 * @param evals per matrix: its domain and evaluations
 * @returns the backend's commitment
 */
export function pcsCommit(
  backend: Backend,
  params: FriParams,
  evals: readonly { domain: Domain; values: Matrix }[],
): Promise<CommittedHandle> {
  return backend.ldeAndCommit(
    evals.map((e) => e.values),
    params.logBlowup,
    evals.map((e) => ldeShift(e.domain)),
  );
}

/**
 * Commits the quotient split into chunks on their domains (uni-stark split_evals + PCS commit).
 * @param backend the hot-path implementation
 * @param params FRI parameters (log blowup)
 * @param quotient the quotient on its domain
 * @param chunkDomains the domain of each chunk
 * @returns the backend's commitment
 */
export function pcsCommitQuotient(
  backend: Backend,
  params: FriParams,
  quotient: ExtVectorHandle,
  chunkDomains: readonly Domain[],
): Promise<CommittedHandle> {
  return backend.commitQuotient(quotient, chunkDomains.length, params.logBlowup, chunkDomains.map(ldeShift));
}

/** A round to open: the committed batch and, per matrix, the EF points. */
export interface OpenRound {
  readonly committed: CommittedHandle;
  readonly points: readonly (readonly Uint32Array[])[];
}

/**
 * Opens committed rounds at their points and proves it with FRI (docs/protocol.md §8.6).
 * @param backend the hot-path implementation (owner of the rounds' handles)
 * @param params FRI parameters
 * @param rounds the committed rounds and their points
 * @param challenger the transcript
 * @returns the opened values [round][matrix][point] (flat EF per column) and the FRI proof
 */
export async function pcsOpen(
  backend: Backend,
  params: FriParams,
  rounds: readonly OpenRound[],
  challenger: Challenger,
): Promise<{ openedValues: Uint32Array[][][]; proof: FriProof }> {
  // 1. Evaluate and observe, round by round, matrix by matrix, point by point.
  const openedValues: Uint32Array[][][] = [];
  for (const r of rounds) {
    const values = await backend.evaluateAt(r.committed, params.logBlowup, r.points);
    for (const perPoint of values) for (const y of perPoint) challenger.observeSlice(y);
    openedValues.push(values);
  }
  // 2.
  const alpha = challenger.sampleExt();
  // 3. Reduced openings per height, tallest first.
  const inputs = await backend.reduceOpenings(
    rounds.map((r, ri) => ({ committed: r.committed, points: r.points, values: openedValues[ri] })),
    alpha,
  );
  try {
    const L = Math.log2(inputs[0].length);
    const openInputs = async (indices: readonly number[]): Promise<BatchOpening[][]> => {
      const perRound: MerkleOpening[][] = [];
      for (const r of rounds) {
        const maxH = Math.max(...r.committed.shapes.map((s) => Math.log2(s.height)));
        perRound.push(
          await backend.openRows(
            r.committed,
            indices.map((i) => i >>> (L - maxH)),
          ),
        );
      }
      return indices.map((_, q) =>
        perRound.map((ops) => ({ openedValues: ops[q].openedValues, openingProof: ops[q].proof })),
      );
    };
    const proof = await proveFri(params, inputs, challenger, backend, openInputs);
    return { openedValues, proof };
  } finally {
    for (const v of inputs) backend.release(v);
  }
}
