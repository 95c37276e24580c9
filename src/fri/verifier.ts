/**
 * FRI and two-adic PCS verifier (docs/protocol.md §8.7, §9.6, §9.7), mirroring
 * Plonky3/Plonky3:fri/src/verifier.rs and two_adic_pcs.rs at v0.6.2, every check in the
 * spec's order. Failures throw `ProofRejectedError` (caught by `verify` at the API edge).
 *
 * Invariant: every length read from the proof is compared with its expected value before it
 * drives a loop or an index, so the work is bounded by the configuration.
 */
import { GENERATOR, mul, P, twoAdicPow } from '../field/babybear.ts';
import { reverseBitsLen } from '../field/bit-reverse.ts';
import {
  ext4AddInto,
  ext4Equals,
  ext4InverseInto,
  ext4MulBaseInto,
  ext4MulInto,
  ext4SquareInto,
} from '../field/ext4.ts';
import type { Digest } from '../hash/types.ts';
import type { MerkleConfig } from '../merkle/mmcs.ts';
import { type MatrixDims, MerkleError, verifyBatch } from '../merkle/mmcs.ts';
import type { FriParams } from './config.ts';
import { reject } from './errors.ts';
import { foldRow } from './fold.ts';
import type { BatchOpening, FriProof } from './proof.ts';
import { type FriRoundWasm, friRoundFor, WASM_FRI_MAX_ROUNDS } from './round-wasm.ts';
import type { Challenger } from './transcript.ts';

/** One opening claim: a point and the claimed values of every column there (flat EF). */
export interface PointClaim {
  readonly z: Uint32Array;
  readonly values: Uint32Array;
}

/** A committed matrix as the verifier knows it: domain size (log) and its claims. */
export interface MatrixClaim {
  readonly logDomainSize: number;
  readonly points: readonly PointClaim[];
}

/** One PCS round: a commitment and its matrices, in commit order. */
export interface PcsRound {
  readonly commitment: Digest;
  readonly matrices: readonly MatrixClaim[];
}

/** Turns a MerkleError from verifyBatch into the rejection at `path`; rethrows anything else. */
function merkleRejected(e: unknown, path: string): never {
  if (e instanceof MerkleError) reject(e.code, e.message, path);
  throw e;
}

/**
 * Verifies the PCS opening: observes every claim, then runs the FRI verifier.
 * @param params FRI parameters of the verifier's own configuration
 * @param mmcs Merkle configuration (permutation)
 * @param rounds the rounds with their claims, in protocol order
 * @param proof the FRI proof
 * @param challenger transcript positioned right after zeta
 * @throws {ProofRejectedError} on any failed check
 */
export function verifyPcs(
  params: FriParams,
  mmcs: MerkleConfig,
  rounds: readonly PcsRound[],
  proof: FriProof,
  challenger: Challenger,
): void {
  for (const r of rounds)
    for (const m of r.matrices) for (const pt of m.points) challenger.observeSlice(pt.values);
  // FRI verifier. 1.
  if (params.numQueries === 0) reject('FRI_QUERY_COUNT', 'zero queries');
  // 2.
  const friAlpha = challenger.sampleExt();
  const nRounds = proof.commitPhaseCommits.length;
  // 3.
  proof.queryProofs.forEach((q, qi) => {
    if (q.commitPhaseOpenings.length !== nRounds) {
      reject('FRI_ROUND_COUNT', 'query commit-phase openings != commits', `openingProof.queryProofs[${qi}]`);
    }
  });
  // 4.
  const arities: number[] = [];
  if (proof.queryProofs.length > 0) {
    for (const s of proof.queryProofs[0].commitPhaseOpenings) arities.push(s.logArity);
  }
  proof.queryProofs.forEach((q, qi) => {
    q.commitPhaseOpenings.forEach((s, si) => {
      if (s.logArity < 1 || s.logArity > params.maxLogArity) {
        reject(
          'FRI_INVALID_LOG_ARITY',
          `log arity ${s.logArity}`,
          `openingProof.queryProofs[${qi}].commitPhaseOpenings[${si}]`,
        );
      }
      if (s.logArity !== arities[si]) {
        reject(
          'FRI_ARITY_SCHEDULE_MISMATCH',
          'query arity schedule differs',
          `openingProof.queryProofs[${qi}]`,
        );
      }
    });
  });
  // 5.
  const logFinalHeight = params.logBlowup + params.logFinalPolyLen;
  let L = logFinalHeight;
  for (const a of arities) L += a;
  if (L > 27) reject('FRI_GLOBAL_HEIGHT_TOO_LARGE', `global height 2^${L}`);
  let maxClaimed = -1;
  for (const r of rounds)
    for (const m of r.matrices) maxClaimed = Math.max(maxClaimed, m.logDomainSize + params.logBlowup);
  if (maxClaimed >= 0 && L !== maxClaimed) {
    reject('FRI_GLOBAL_HEIGHT_MISMATCH', `proof folds 2^${L}, claims need 2^${maxClaimed}`);
  }
  // 6.
  if (proof.commitPowWitnesses.length !== nRounds) {
    reject('FRI_COMMIT_POW_COUNT', 'commit PoW witnesses != rounds', 'openingProof.commitPowWitnesses');
  }
  // 7.
  const betas: Uint32Array[] = [];
  for (let i = 0; i < nRounds; i++) {
    challenger.observeSlice(proof.commitPhaseCommits[i]);
    const wi = proof.commitPowWitnesses[i];
    // With 0 bits nothing is observed; only the witness Plonky3 emits (0) is canonical.
    if ((params.commitPowBits === 0 && wi !== 0) || !challenger.checkWitness(params.commitPowBits, wi)) {
      reject('POW_COMMIT_INVALID', `round ${i}`, `openingProof.commitPowWitnesses[${i}]`);
    }
    betas.push(challenger.sampleExt());
  }
  // 8.
  const nFinal = 2 ** params.logFinalPolyLen;
  if (proof.finalPoly.length !== 4 * nFinal)
    reject('FRI_FINAL_POLY_LENGTH', 'final polynomial length', 'openingProof.finalPoly');
  // 9.
  challenger.observeSlice(proof.finalPoly);
  // 10.
  if (proof.queryProofs.length !== params.numQueries) {
    reject(
      'FRI_QUERY_COUNT',
      `${proof.queryProofs.length} queries, expected ${params.numQueries}`,
      'openingProof.queryProofs',
    );
  }
  // 11.
  for (const a of arities) challenger.observe(a);
  // 12.
  const qw = proof.queryPowWitness;
  if ((params.queryPowBits === 0 && qw !== 0) || !challenger.checkWitness(params.queryPowBits, qw)) {
    reject('POW_QUERY_INVALID', 'query proof of work', 'openingProof.queryPowWitness');
  }
  // 13. Every Merkle check passes shared = true: the queries' paths meet near the root, and the
  // permutation's node cache hashes such a node once (same result).
  const e = new Uint32Array(4);
  const tmp = new Uint32Array(4);
  const roundShapes: { rows: Uint32Array[]; dims: MatrixDims[] }[] = [];
  // Arity 2 throughout (every preset): each round in one WebAssembly call where available
  // (./round-wasm.ts; the same checks, codes and result as the generic round below).
  let fri: FriRoundWasm | null = null;
  if (nRounds <= WASM_FRI_MAX_ROUNDS && arities.every((a) => a === 1)) fri = friRoundFor(mmcs.perm);
  fri?.begin(proof.commitPhaseCommits, betas);
  proof.queryProofs.forEach((q, qi) => {
    const qpath = `openingProof.queryProofs[${qi}]`;
    const index = challenger.sampleBits(L);
    const ro = reducedOpenings(params, mmcs, rounds, q.inputProof, index, L, friAlpha, qpath);
    if (ro.size === 0) reject('FRI_REDUCED_OPENINGS', 'missing initial reduced opening', qpath);
    const maxKey = Math.max(...ro.keys());
    if (maxKey !== L) reject('FRI_REDUCED_OPENINGS', 'initial reduced opening height mismatch', qpath);
    e.set(ro.get(L)!);
    ro.delete(L);
    fri?.setE(e);
    let idx = index;
    let lh = L;
    for (let i = 0; i < nRounds; i++) {
      const step = q.commitPhaseOpenings[i];
      const a = step.logArity;
      if (a < 1 || a > Math.min(params.maxLogArity, lh))
        reject('FRI_INVALID_LOG_ARITY', `log arity ${a}`, `${qpath}.commitPhaseOpenings[${i}]`);
      const k = 2 ** a;
      const sib = step.siblingValues;
      if (sib.length !== 4 * (k - 1))
        reject('FRI_SIBLING_COUNT', 'sibling count', `${qpath}.commitPhaseOpenings[${i}].siblingValues`);
      // Every query has the same arity schedule (step 4), so round i's opened row has one shape:
      // one row buffer and one dims list per round (verifyBatch reads them and keeps nothing).
      lh -= a;
      if (fri !== null) {
        try {
          fri.round(i, sib, step.openingProof, lh, idx);
        } catch (err) {
          merkleRejected(err, `${qpath}.commitPhaseOpenings[${i}].openingProof`);
        }
        idx = Math.floor(idx / 2);
        const extra = ro.get(lh);
        if (extra) {
          fri.getE(e);
          rollIn(e, betas[i], a, extra, tmp);
          fri.setE(e);
          ro.delete(lh);
        }
        continue;
      }
      let rs = roundShapes[i];
      if (rs === undefined) {
        rs = { rows: [new Uint32Array(4 * k)], dims: [{ width: 4 * k, height: 2 ** lh }] };
        roundShapes[i] = rs;
      }
      const row = rs.rows[0];
      const pos = idx % k;
      for (let t = 0; t < 4 * pos; t++) row[t] = sib[t];
      for (let t = 0; t < 4; t++) row[4 * pos + t] = e[t];
      for (let t = 4 * pos; t < sib.length; t++) row[t + 4] = sib[t];
      idx = Math.floor(idx / k);
      try {
        verifyBatch(mmcs, proof.commitPhaseCommits[i], rs.dims, idx, rs.rows, step.openingProof, true);
      } catch (err) {
        merkleRejected(err, `${qpath}.commitPhaseOpenings[${i}].openingProof`);
      }
      foldRow(row, a, lh, idx, betas[i], e);
      const extra = ro.get(lh);
      if (extra) {
        rollIn(e, betas[i], a, extra, tmp);
        ro.delete(lh);
      }
    }
    fri?.getE(e);
    if (lh !== logFinalHeight) reject('FRI_REDUCED_OPENINGS', 'final fold height mismatch', qpath);
    if (ro.size > 0) reject('FRI_REDUCED_OPENINGS', 'unconsumed reduced openings', qpath);
    // x = g_lfh^rev_lfh(idx); Horner over the final polynomial.
    const x = twoAdicPow(logFinalHeight, reverseBitsLen(idx, logFinalHeight));
    const acc = new Uint32Array(4);
    for (let c = nFinal - 1; c >= 0; c--) {
      ext4MulBaseInto(acc, 0, acc, 0, x);
      ext4AddInto(acc, 0, acc, 0, proof.finalPoly, 4 * c);
    }
    if (!ext4Equals(acc, e)) reject('FRI_FINAL_POLY_MISMATCH', 'folded value != final polynomial', qpath);
  });
}

/** e += beta^(2^a) * extra: a shorter matrix's reduced opening joins the fold (docs/protocol.md §9.7). */
function rollIn(e: Uint32Array, beta: Uint32Array, a: number, extra: Uint32Array, tmp: Uint32Array): void {
  const bp = Uint32Array.from(beta);
  for (let t = 0; t < a; t++) ext4SquareInto(bp, 0, bp, 0);
  ext4MulInto(tmp, 0, bp, 0, extra, 0);
  ext4AddInto(e, 0, e, 0, tmp, 0);
}

function reducedOpenings(
  params: FriParams,
  mmcs: MerkleConfig,
  rounds: readonly PcsRound[],
  inputProof: readonly BatchOpening[],
  index: number,
  L: number,
  alpha: Uint32Array,
  qpath: string,
): Map<number, Uint32Array> {
  if (inputProof.length !== rounds.length)
    reject('FRI_INPUT_BATCH_COUNT', 'input batches != rounds', `${qpath}.inputProof`);
  const xOf = (h: number): number =>
    mul(GENERATOR, twoAdicPow(h, reverseBitsLen(Math.floor(index / 2 ** (L - h)), h)));
  rounds.forEach((r) => {
    for (const m of r.matrices) {
      const h = m.logDomainSize + params.logBlowup;
      const x = xOf(h);
      for (const pt of m.points) {
        if (pt.z[0] === x && pt.z[1] === 0 && pt.z[2] === 0 && pt.z[3] === 0) {
          reject('FRI_OPENING_POINT_IS_QUERY_POINT', 'opening point equals the query point', qpath);
        }
      }
    }
  });
  // Every count is compared before any Merkle work or pairwise walk.
  rounds.forEach((r, ri) => {
    const bpath = `${qpath}.inputProof[${ri}]`;
    if (inputProof[ri].openedValues.length !== r.matrices.length) {
      reject('FRI_BATCH_MATRIX_COUNT', 'opened matrices != committed matrices', `${bpath}.openedValues`);
    }
    r.matrices.forEach((m, mi) => {
      if (m.points.length === 0)
        reject('FRI_MATRIX_WITHOUT_POINTS', `matrix ${mi} has no opening point`, bpath);
    });
  });
  const state = new Map<number, { a: Uint32Array; acc: Uint32Array }>();
  const diff = new Uint32Array(4);
  const inv = new Uint32Array(4);
  const term = new Uint32Array(4);
  rounds.forEach((r, ri) => {
    const bpath = `${qpath}.inputProof[${ri}]`;
    const batch = inputProof[ri];
    if (batch.openedValues.length !== r.matrices.length) {
      reject('FRI_BATCH_MATRIX_COUNT', 'opened matrices != committed matrices', `${bpath}.openedValues`);
    }
    let maxH = 0;
    const dims: { width: number; height: number }[] = [];
    r.matrices.forEach((m, mi) => {
      if (m.points.length === 0)
        reject('FRI_MATRIX_WITHOUT_POINTS', `matrix ${mi} has no opening point`, bpath);
      const h = m.logDomainSize + params.logBlowup;
      maxH = Math.max(maxH, h);
      dims.push({ width: m.points[0].values.length / 4, height: 2 ** h });
    });
    const ridx = Math.floor(index / 2 ** (L - maxH));
    try {
      verifyBatch(mmcs, r.commitment, dims, ridx, batch.openedValues, batch.openingProof, true);
    } catch (err) {
      merkleRejected(err, `${bpath}.openingProof`);
    }
    r.matrices.forEach((m, mi) => {
      const row = batch.openedValues[mi];
      const h = m.logDomainSize + params.logBlowup;
      const x = xOf(h);
      let st = state.get(h);
      if (!st) {
        st = { a: Uint32Array.of(1, 0, 0, 0), acc: new Uint32Array(4) };
        state.set(h, st);
      }
      for (const pt of m.points) {
        if (row.length * 4 !== pt.values.length)
          reject('FRI_POINT_EVAL_COUNT', 'row width != claimed values', `${bpath}.openedValues[${mi}]`);
        diff.set(pt.z);
        diff[0] = diff[0] >= x ? diff[0] - x : diff[0] + P - x; // z - x
        ext4InverseInto(inv, 0, diff, 0);
        const ys = pt.values;
        for (let c = 0; c < row.length; c++) {
          // acc += a * (y_c - row_c) / (z - x)
          for (let t = 0; t < 4; t++) term[t] = ys[4 * c + t];
          term[0] = term[0] >= row[c] ? term[0] - row[c] : term[0] + P - row[c];
          ext4MulInto(term, 0, term, 0, inv, 0);
          ext4MulInto(term, 0, term, 0, st.a, 0);
          ext4AddInto(st.acc, 0, st.acc, 0, term, 0);
          ext4MulInto(st.a, 0, st.a, 0, alpha, 0);
        }
      }
    });
  });
  const out = new Map<number, Uint32Array>();
  for (const [h, st] of state) {
    if (h === params.logBlowup) {
      if (st.acc[0] !== 0 || st.acc[1] !== 0 || st.acc[2] !== 0 || st.acc[3] !== 0) {
        reject('FRI_FINAL_POLY_MISMATCH', 'height-1 polynomial does not reduce to zero', qpath);
      }
    }
    out.set(h, st.acc);
  }
  return out;
}
