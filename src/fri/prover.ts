/**
 * FRI prover, commit and query phases (spec/plonky3.md §9.2, §9.3), mirroring
 * Plonky3/Plonky3:fri/src/prover.rs at v0.6.2: arity schedule taken from the parameters and
 * observed after the final polynomial, commit-phase PoW per round, one query PoW.
 *
 * Inputs are the reduced-opening vectors (flat EF, bit-reversed), tallest first.
 */

import { reverseSliceIndexBits } from '../field/bit-reverse.ts';
import { idft } from '../field/dft.ts';
import { ext4AddInto, ext4MulInto, ext4SquareInto } from '../field/ext4.ts';
import { matrix } from '../field/matrix.ts';
import type { Backend, CommittedMatrices } from '../runtime/backend.ts';
import type { FriParams } from '../stark/config.ts';
import type { BatchOpening, CommitPhaseProofStep, FriProof, QueryProof } from '../stark/proof.ts';
import { foldVector } from './fold.ts';
import type { Challenger } from './transcript.ts';
import { grindWith } from './transcript.ts';

/** The arity of the next round (§9.2). */
export function nextLogArity(params: FriParams, logCur: number, logNextInput: number | undefined): number {
  const logFinalHeight = params.logBlowup + params.logFinalPolyLen;
  let a = Math.min(params.maxLogArity, logCur - logFinalHeight);
  if (logNextInput !== undefined) a = Math.min(a, logCur - logNextInput);
  return a;
}

/**
 * Runs the FRI prover.
 * @param params FRI parameters
 * @param inputs flat EF vectors in bit-reversed order, lengths powers of two, tallest first
 * @param challenger the transcript (already holding everything observed before FRI)
 * @param backend commits the folded vectors
 * @param openInput opens every PCS round at a query index of the tallest input
 * @returns the FRI proof
 */
export async function proveFri(
  params: FriParams,
  inputs: readonly Uint32Array[],
  challenger: Challenger,
  backend: Backend,
  openInput: (index: number) => BatchOpening[],
): Promise<FriProof> {
  const logLen = (v: Uint32Array): number => Math.log2(v.length / 4);
  const L = logLen(inputs[0]);
  const logFinalHeight = params.logBlowup + params.logFinalPolyLen;
  if (params.logFinalPolyLen > 0 && logLen(inputs[inputs.length - 1]) <= logFinalHeight) {
    throw new RangeError('FRI: smallest input is not taller than the final height');
  }
  let folded = inputs[0];
  let rest = 1;
  const arities: number[] = [];
  const trees: CommittedMatrices[] = [];
  const commitPhaseCommits: Uint32Array[] = [];
  const commitPowWitnesses: number[] = [];
  while (logLen(folded) > logFinalHeight) {
    const logCur = logLen(folded);
    const a = nextLogArity(params, logCur, rest < inputs.length ? logLen(inputs[rest]) : undefined);
    arities.push(a);
    const tree = await backend.commit([matrix(folded, 4 << a)]);
    trees.push(tree);
    commitPhaseCommits.push(tree.root);
    challenger.observeSlice(tree.root);
    commitPowWitnesses.push(await grindWith(challenger, params.commitPowBits, backend.grind?.bind(backend)));
    const beta = challenger.sampleExt();
    if (backend.foldArity2) {
      const b = Uint32Array.from(beta);
      for (let k = 0; k < a; k++) {
        folded = await backend.foldArity2(folded, b);
        ext4SquareInto(b, 0, b, 0);
      }
    } else {
      folded = foldVector(folded, beta, a);
    }
    if (rest < inputs.length && inputs[rest].length === folded.length) {
      // folded += beta^(2^a) * rest
      const bp = Uint32Array.from(beta);
      for (let k = 0; k < a; k++) ext4SquareInto(bp, 0, bp, 0);
      const tmp = new Uint32Array(4);
      const r = inputs[rest];
      for (let i = 0; i < folded.length; i += 4) {
        ext4MulInto(tmp, 0, r, i, bp, 0);
        ext4AddInto(folded, i, folded, i, tmp, 0);
      }
      rest++;
    }
  }
  // Final polynomial: IDFT of the first 2^lfp values, brought to natural order.
  const nFinal = 1 << params.logFinalPolyLen;
  const head = folded.slice(0, 4 * nFinal);
  const rows = reverseRows4(head, nFinal);
  const finalPoly = idft(matrix(rows, 4)).values;
  challenger.observeSlice(finalPoly);
  for (const a of arities) challenger.observe(a);
  const queryPowWitness = await grindWith(challenger, params.queryPowBits, backend.grind?.bind(backend));
  const queryProofs: QueryProof[] = [];
  for (let q = 0; q < params.numQueries; q++) {
    const index = challenger.sampleBits(L);
    const inputProof = openInput(index);
    let cur = index;
    const steps: CommitPhaseProofStep[] = [];
    for (let i = 0; i < arities.length; i++) {
      const a = arities[i];
      const pos = cur & ((1 << a) - 1);
      const grp = cur >>> a;
      const { openedValues, proof } = trees[i].openBatch(grp);
      const row = openedValues[0];
      const sib = new Uint32Array(row.length - 4);
      sib.set(row.subarray(0, 4 * pos), 0);
      sib.set(row.subarray(4 * pos + 4), 4 * pos);
      steps.push({ logArity: a, siblingValues: sib, openingProof: proof });
      cur = grp;
    }
    queryProofs.push({ inputProof, commitPhaseOpenings: steps });
  }
  return { commitPhaseCommits, commitPowWitnesses, queryProofs, finalPoly, queryPowWitness };
}

/** Bit-reverses the order of n EF values (rows of width 4). */
function reverseRows4(flat: Uint32Array, n: number): Uint32Array {
  const idx = reverseSliceIndexBits(Array.from({ length: n }, (_, i) => i));
  const out = new Uint32Array(4 * n);
  for (let i = 0; i < n; i++) out.set(flat.subarray(4 * idx[i], 4 * idx[i] + 4), 4 * i);
  return out;
}
