/**
 * FRI prover, commit and query phases (docs/protocol.md §9.2, §9.3), mirroring Plonky3/Plonky3:fri/src/prover.rs
 * at v0.6.2: arity schedule taken from the parameters and observed after the final polynomial,
 * commit-phase PoW per round, one query PoW.
 *
 * Inputs are the reduced-opening vectors (backend handles, bit-reversed), tallest first. Each
 * round is a commit and a fold on the backend; only roots, challenges, the final polynomial,
 * witnesses and the opened rows cross.
 */
import type { BatchOpening as MerkleOpening } from '../merkle/mmcs.ts';
import type { Backend, CommittedHandle, ExtVectorHandle } from '../runtime/backend.ts';
import type { FriParams } from './config.ts';
import type { BatchOpening, CommitPhaseProofStep, FriProof, QueryProof } from './proof.ts';
import type { Challenger } from './transcript.ts';
import { grindWith } from './transcript.ts';

/** The arity of the next round (docs/protocol.md §9.2). */
export function nextLogArity(params: FriParams, logCur: number, logNextInput: number | undefined): number {
  const logFinalHeight = params.logBlowup + params.logFinalPolyLen;
  let a = Math.min(params.maxLogArity, logCur - logFinalHeight);
  if (logNextInput !== undefined) a = Math.min(a, logCur - logNextInput);
  return a;
}

/**
 * Runs the FRI prover.
 * @param params FRI parameters
 * @param inputs reduced-opening vectors of the backend, lengths powers of two, tallest first
 * @param challenger the transcript (already holding everything observed before FRI)
 * @param backend commits and folds the vectors, grinds, opens rows
 * @param openInputs opens every PCS round at query indices of the tallest input
 * @returns the FRI proof
 * @throws {RangeError} if the smallest input is not taller than the final height
 */
export async function proveFri(
  params: FriParams,
  inputs: readonly ExtVectorHandle[],
  challenger: Challenger,
  backend: Backend,
  openInputs: (indices: readonly number[]) => Promise<BatchOpening[][]>,
): Promise<FriProof> {
  const logLen = (v: ExtVectorHandle): number => Math.log2(v.length);
  const L = logLen(inputs[0]);
  const logFinalHeight = params.logBlowup + params.logFinalPolyLen;
  if (params.logFinalPolyLen > 0 && logLen(inputs[inputs.length - 1]) <= logFinalHeight) {
    throw new RangeError('FRI: smallest input is not taller than the final height');
  }
  const arities: number[] = [];
  const trees: CommittedHandle[] = [];
  const folds: ExtVectorHandle[] = [];
  const commitPhaseCommits: Uint32Array[] = [];
  const commitPowWitnesses: number[] = [];
  try {
    let folded = inputs[0];
    let rest = 1;
    while (logLen(folded) > logFinalHeight) {
      const logCur = logLen(folded);
      const a = nextLogArity(params, logCur, rest < inputs.length ? logLen(inputs[rest]) : undefined);
      arities.push(a);
      const tree = await backend.commitFriRound(folded, a);
      trees.push(tree);
      commitPhaseCommits.push(tree.root);
      challenger.observeSlice(tree.root);
      commitPowWitnesses.push(await grindWith(challenger, params.commitPowBits, backend));
      const beta = challenger.sampleExt();
      const rollIn =
        rest < inputs.length && inputs[rest].length === folded.length >>> a ? inputs[rest] : null;
      if (rollIn !== null) rest++;
      folded = await backend.foldFri(folded, beta, a, rollIn);
      folds.push(folded);
    }
    // Final polynomial: IDFT of the first 2^lfp values, brought to natural order.
    const finalPoly = await backend.finalPoly(folded, params.logFinalPolyLen);
    challenger.observeSlice(finalPoly);
    for (const a of arities) challenger.observe(a);
    const queryPowWitness = await grindWith(challenger, params.queryPowBits, backend);
    const indices: number[] = [];
    for (let q = 0; q < params.numQueries; q++) indices.push(challenger.sampleBits(L));
    const inputProofs = await openInputs(indices);
    // Round i opens group index >> (a_0 + ... + a_i) of each query.
    const roundOpenings: MerkleOpening[][] = [];
    const cur = indices.slice();
    for (let i = 0; i < arities.length; i++) {
      for (let q = 0; q < cur.length; q++) cur[q] >>>= arities[i];
      roundOpenings.push(await backend.openRows(trees[i], cur));
    }
    const queryProofs: QueryProof[] = [];
    for (let q = 0; q < indices.length; q++) {
      let idx = indices[q];
      const steps: CommitPhaseProofStep[] = [];
      for (let i = 0; i < arities.length; i++) {
        const a = arities[i];
        const pos = idx & ((1 << a) - 1);
        idx >>>= a;
        const { openedValues, proof } = roundOpenings[i][q];
        const row = openedValues[0];
        const sib = new Uint32Array(row.length - 4);
        sib.set(row.subarray(0, 4 * pos), 0);
        sib.set(row.subarray(4 * pos + 4), 4 * pos);
        steps.push({ logArity: a, siblingValues: sib, openingProof: proof });
      }
      queryProofs.push({ inputProof: inputProofs[q], commitPhaseOpenings: steps });
    }
    return { commitPhaseCommits, commitPowWitnesses, queryProofs, finalPoly, queryPowWitness };
  } finally {
    for (const t of trees) backend.release(t);
    for (const f of folds) backend.release(f);
  }
}
