/**
 * Classes D (opened values), E (commitments), F (FRI structure), G (FRI values), H (Merkle) and
 * I (proof of work) of docs/verifier-hardening.md §4 as structure-aware tamper cases: each edits
 * a decoded copy of the valid proof, which is re-encoded canonically so that decoding passes and
 * the check the case targets fires (I3 alone edits the bytes: a witness >= p cannot be encoded).
 */
import { P } from '../field/babybear.ts';
import { encodeVarint } from '../stark/codec.ts';
import type { RejectionCode } from '../stark/errors.ts';
import { bytesCase, editCase, env, type MutableProof, type TamperCase } from './case.ts';
import { bodyOffsets, splice } from './layout.ts';

const bump = (x: Uint32Array, i: number): void => {
  x[i] = (x[i] + 1) % P;
};
const flipBit = (v: number): number => ((v ^ 1) < P ? v ^ 1 : (v + 1) % P);
/** Four more base elements: one more EF value. */
const grow = (x: Uint32Array): Uint32Array => Uint32Array.from([...x, 1, 2, 3, 4]);
const q0 = (p: MutableProof): MutableProof['openingProof']['queryProofs'][number] =>
  p.openingProof.queryProofs[0];

/** Class D: opened values. */
export const CLASS_D: readonly TamperCase[] = [
  editCase('D1.trace-local-width-1', ['SHAPE_TRACE_LOCAL_WIDTH'], (p) => {
    p.openedValues.traceLocal = p.openedValues.traceLocal.slice(0, -4);
  }),
  editCase('D1.trace-local-width+1', ['SHAPE_TRACE_LOCAL_WIDTH'], (p) => {
    p.openedValues.traceLocal = grow(p.openedValues.traceLocal);
  }),
  editCase('D2.trace-next-presence', ['SHAPE_TRACE_NEXT'], (p) => {
    const o = p.openedValues;
    o.traceNext = o.traceNext === null ? o.traceLocal.slice() : null;
  }),
  editCase('D2.trace-next-width+1', ['SHAPE_TRACE_NEXT'], (p) => {
    const o = p.openedValues;
    if (o.traceNext === null) return false;
    o.traceNext = grow(o.traceNext);
  }),
  editCase('D3.preprocessed-presence', ['SHAPE_PREPROCESSED'], (p) => {
    const o = p.openedValues;
    o.preprocessedLocal = o.preprocessedLocal === null ? o.traceLocal.slice() : null;
  }),
  editCase('D4.quotient-chunks+1', ['SHAPE_QUOTIENT_CHUNK_COUNT'], (p) => {
    const q = p.openedValues.quotientChunks;
    q.push(q[0].slice());
  }),
  editCase('D4.quotient-chunks-1', ['SHAPE_QUOTIENT_CHUNK_COUNT'], (p) => {
    p.openedValues.quotientChunks.pop();
  }),
  editCase('D5.chunk-dimension', ['SHAPE_QUOTIENT_CHUNK_DIMENSION'], (p) => {
    const q = p.openedValues.quotientChunks;
    q[0] = q[0].slice(0, q[0].length - 4);
  }),
  editCase('D6.random-values-present', ['SHAPE_RANDOMIZATION'], (p) => {
    if (p.openedValues.random !== null) return false;
    p.openedValues.random = p.openedValues.traceLocal.slice();
  }),
  editCase('D6.random-commit-present', ['SHAPE_RANDOMIZATION'], (p) => {
    if (p.commitments.random !== null) return false;
    p.commitments.random = p.commitments.trace.slice();
  }),
  editCase('D7.trace-local-first', undefined, (p) => {
    bump(p.openedValues.traceLocal, 0);
  }),
  editCase('D7.trace-local-last', undefined, (p) => {
    bump(p.openedValues.traceLocal, p.openedValues.traceLocal.length - 1);
  }),
  editCase('D7.trace-next', undefined, (p) => {
    if (p.openedValues.traceNext === null) return false;
    bump(p.openedValues.traceNext, 1);
  }),
  editCase('D7.quotient-chunk', undefined, (p) => {
    const q = p.openedValues.quotientChunks;
    bump(q[q.length - 1], 15);
  }),
];

/** Class E: commitments. */
export const CLASS_E: readonly TamperCase[] = [
  editCase('E1.trace-commit-bit', undefined, (p) => {
    p.commitments.trace[3] = flipBit(p.commitments.trace[3]);
  }),
  editCase('E1.quotient-commit-bit', undefined, (p) => {
    p.commitments.quotientChunks[7] = flipBit(p.commitments.quotientChunks[7]);
  }),
  editCase('E1.fri-round-first-bit', undefined, (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length === 0) return false;
    c[0][0] = flipBit(c[0][0]);
  }),
  editCase('E1.fri-round-last-bit', undefined, (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length < 2) return false;
    c[c.length - 1][5] = flipBit(c[c.length - 1][5]);
  }),
  editCase('E2.trace-quotient-swapped', undefined, (p) => {
    const t = p.commitments.trace;
    p.commitments.trace = p.commitments.quotientChunks;
    p.commitments.quotientChunks = t;
  }),
  editCase('E2.fri-rounds-reordered', undefined, (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length < 2) return false;
    [c[0], c[1]] = [c[1], c[0]];
  }),
  editCase('E3.digest-7', undefined, (p) => {
    p.commitments.trace = p.commitments.trace.slice(0, 7);
  }),
  editCase('E3.digest-9', undefined, (p) => {
    p.commitments.quotientChunks = Uint32Array.from([...p.commitments.quotientChunks, 1]);
  }),
];

const ARITY_CODES: readonly RejectionCode[] = [
  'FRI_INVALID_LOG_ARITY',
  'FRI_ARITY_SCHEDULE_MISMATCH',
  'FRI_SIBLING_COUNT',
];

/** Class F: FRI structure. */
export const CLASS_F: readonly TamperCase[] = [
  editCase('F1.round-removed', ['FRI_ROUND_COUNT'], (p) => {
    if (p.openingProof.commitPhaseCommits.length === 0) return false;
    p.openingProof.commitPhaseCommits.pop();
  }),
  editCase('F1.round-duplicated', ['FRI_ROUND_COUNT'], (p) => {
    const c = p.openingProof.commitPhaseCommits;
    if (c.length === 0) return false;
    c.push(c[c.length - 1].slice());
  }),
  editCase('F2.commit-pow-longer', ['FRI_COMMIT_POW_COUNT'], (p) => {
    p.openingProof.commitPowWitnesses.push(0);
  }),
  editCase('F2.commit-pow-shorter', ['FRI_COMMIT_POW_COUNT'], (p) => {
    if (p.openingProof.commitPowWitnesses.length === 0) return false;
    p.openingProof.commitPowWitnesses.pop();
  }),
  ...(['0', 'max+1', '255'] as const).map((a) =>
    editCase(`F3.log-arity-${a}`, ARITY_CODES, (p, b) => {
      const steps = q0(p).commitPhaseOpenings;
      if (steps.length === 0) return false;
      steps[0].logArity = a === 'max+1' ? b.config.fri.maxLogArity + 1 : Number(a);
    }),
  ),
  editCase('F3.log-arity-all-max+1', ['FRI_INVALID_LOG_ARITY'], (p, b) => {
    let steps = 0;
    for (const q of p.openingProof.queryProofs)
      for (const s of q.commitPhaseOpenings) {
        s.logArity = b.config.fri.maxLogArity + 1;
        steps++;
      }
    return steps > 0;
  }),
  editCase('F4.arity-schedule-all-doubled', undefined, (p) => {
    for (const q of p.openingProof.queryProofs) for (const s of q.commitPhaseOpenings) s.logArity += 1;
    return p.openingProof.queryProofs.length > 0;
  }),
  editCase('F5.final-poly-empty', ['FRI_FINAL_POLY_LENGTH'], (p) => {
    p.openingProof.finalPoly = new Uint32Array(0);
  }),
  editCase('F5.final-poly+1', ['FRI_FINAL_POLY_LENGTH'], (p) => {
    p.openingProof.finalPoly = grow(p.openingProof.finalPoly);
  }),
  editCase('F5.final-poly-1', ['FRI_FINAL_POLY_LENGTH'], (p) => {
    if (p.openingProof.finalPoly.length < 8) return false;
    p.openingProof.finalPoly = p.openingProof.finalPoly.slice(0, -4);
  }),
  editCase('F6.query-count-1', ['FRI_QUERY_COUNT'], (p) => {
    p.openingProof.queryProofs.pop();
  }),
  editCase('F6.query-count+1', ['FRI_QUERY_COUNT'], (p) => {
    const q = p.openingProof.queryProofs;
    q.push(q[0]);
  }),
  editCase('F6.query-rounds-1', ['FRI_ROUND_COUNT'], (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0) return false;
    steps.pop();
  }),
  editCase('F7.sibling-count', ['FRI_SIBLING_COUNT'], (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0) return false;
    steps[0].siblingValues = grow(steps[0].siblingValues);
  }),
  editCase('F8.input-batch-count', ['FRI_INPUT_BATCH_COUNT'], (p) => {
    q0(p).inputProof.pop();
  }),
  editCase('F8.batch-matrix-count', ['FRI_BATCH_MATRIX_COUNT', 'MERKLE_BATCH_SIZE'], (p) => {
    const b0 = q0(p).inputProof[0];
    b0.openedValues.push(b0.openedValues[0].slice());
  }),
  editCase('F8.batch-matrices-removed', ['FRI_BATCH_MATRIX_COUNT'], (p) => {
    for (const q of p.openingProof.queryProofs) for (const b of q.inputProof) b.openedValues = [];
  }),
];

/** Sibling values live outside the transcript: a changed one breaks the step's Merkle opening. */
const SIBLING_CODES: readonly RejectionCode[] = ['MERKLE_ROOT_MISMATCH', 'FRI_FINAL_POLY_MISMATCH'];

/** Class G: FRI values. */
export const CLASS_G: readonly TamperCase[] = [
  editCase('G1.final-poly-coeff', undefined, (p) => {
    bump(p.openingProof.finalPoly, 0);
  }),
  ...(['first', 'mid', 'last'] as const).map((w) =>
    editCase(`G2.sibling-round-${w}`, SIBLING_CODES, (p) => {
      const steps = q0(p).commitPhaseOpenings;
      if (steps.length === 0 || (w !== 'first' && steps.length < 3)) return false;
      bump(steps[w === 'first' ? 0 : w === 'mid' ? steps.length >> 1 : steps.length - 1].siblingValues, 0);
    }),
  ),
  editCase('G2.sibling-every-step', SIBLING_CODES, (p) => {
    let steps = 0;
    for (const q of p.openingProof.queryProofs)
      for (const s of q.commitPhaseOpenings) {
        bump(s.siblingValues, 0);
        steps++;
      }
    return steps > 0;
  }),
];

/** Class H: Merkle openings. */
export const CLASS_H: readonly TamperCase[] = [
  // Paths are flat (8 elements per sibling digest): a sibling is removed or added 8 at a time.
  editCase('H1.input-path-short', ['MERKLE_PATH_LENGTH'], (p) => {
    const b = q0(p).inputProof[0];
    if (b.openingProof.length === 0) return false;
    b.openingProof = b.openingProof.slice(0, -8);
  }),
  editCase('H1.input-path-long', ['MERKLE_PATH_LENGTH'], (p) => {
    const b = q0(p).inputProof[0];
    if (b.openingProof.length === 0) return false;
    b.openingProof = Uint32Array.from([...b.openingProof, ...b.openingProof.subarray(0, 8)]);
  }),
  editCase('H1.fri-path-short', ['MERKLE_PATH_LENGTH'], (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0 || steps[0].openingProof.length === 0) return false;
    steps[0].openingProof = steps[0].openingProof.slice(0, -8);
  }),
  editCase('H2.input-sibling-bit', ['MERKLE_ROOT_MISMATCH'], (p) => {
    const path = q0(p).inputProof[0].openingProof;
    if (path.length === 0) return false;
    path[2] = flipBit(path[2]); // element 2 of the leaf-level sibling
  }),
  editCase('H2.quotient-sibling-bit', ['MERKLE_ROOT_MISMATCH'], (p) => {
    const ip = p.openingProof.queryProofs[p.openingProof.queryProofs.length - 1].inputProof;
    const path = ip[ip.length - 1].openingProof;
    if (path.length === 0) return false;
    path[path.length - 1] = flipBit(path[path.length - 1]); // element 7 of the last sibling
  }),
  editCase('H2.fri-sibling-bit', ['MERKLE_ROOT_MISMATCH'], (p) => {
    const steps = q0(p).commitPhaseOpenings;
    if (steps.length === 0 || steps[0].openingProof.length === 0) return false;
    const path = steps[0].openingProof;
    path[0] = flipBit(path[0]); // element 0 of the leaf-level sibling
  }),
  editCase('H3.row-longer', ['MERKLE_ROW_WIDTH', 'FRI_POINT_EVAL_COUNT'], (p) => {
    const rows = q0(p).inputProof[0].openedValues;
    rows[0] = Uint32Array.from([...rows[0], 0]);
  }),
  editCase('H3.row-shorter', ['MERKLE_ROW_WIDTH', 'FRI_POINT_EVAL_COUNT'], (p) => {
    const rows = q0(p).inputProof[0].openedValues;
    if (rows[0].length === 0) return false;
    rows[0] = rows[0].slice(0, -1);
  }),
  editCase('H3.opened-value', ['MERKLE_ROOT_MISMATCH'], (p) => {
    bump(q0(p).inputProof[0].openedValues[0], 0);
  }),
  editCase('H3.element-moved-between-matrices', ['MERKLE_ROW_WIDTH'], (p) => {
    // quotient batch: chunk matrices of the same height, hashed as one concatenated row
    const ip = q0(p).inputProof;
    const rows = ip[ip.length - 1].openedValues;
    if (rows.length < 2 || rows[0].length < 2) return false;
    const moved = rows[0][rows[0].length - 1];
    rows[0] = rows[0].slice(0, -1);
    rows[1] = Uint32Array.from([moved, ...rows[1]]);
  }),
];

/** A changed witness fails its check except with probability 2^-bits; below 12 bits it is "any". */
const powTestable = (bits: number): boolean => bits === 0 || bits >= 12;
/** Witnesses tried when the PoW has 1 to 11 bits: each is rejected, most by the PoW check. */
const LOW_BIT_WITNESSES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8];

/** Class I: proof of work. */
export const CLASS_I: readonly TamperCase[] = [
  ...(['+1', '0', 'p-1'] as const).map((w) =>
    editCase(`I1.query-witness-${w}`, ['POW_QUERY_INVALID'], (p, b) => {
      if (!powTestable(b.config.fri.queryPowBits)) return false;
      const cur = p.openingProof.queryPowWitness;
      const next = w === '+1' ? (cur + 1) % P : w === '0' ? 0 : P - 1;
      if (next === cur) return false;
      p.openingProof.queryPowWitness = next;
    }),
  ),
  editCase('I2.commit-witness-round-0', ['POW_COMMIT_INVALID'], (p, b) => {
    const w = p.openingProof.commitPowWitnesses;
    if (w.length === 0 || !powTestable(b.config.fri.commitPowBits)) return false;
    w[0] = (w[0] + 1) % P;
  }),
  ...LOW_BIT_WITNESSES.map((v) =>
    editCase(`I1.query-witness-low-bits-${v}`, undefined, (p, b) => {
      if (powTestable(b.config.fri.queryPowBits) || p.openingProof.queryPowWitness === v) return false;
      p.openingProof.queryPowWitness = v;
    }),
  ),
  ...LOW_BIT_WITNESSES.map((v) =>
    editCase(`I2.commit-witness-low-bits-${v}`, undefined, (p, b) => {
      const w = p.openingProof.commitPowWitnesses;
      if (w.length === 0 || powTestable(b.config.fri.commitPowBits) || w[0] === v) return false;
      w[0] = v;
    }),
  ),
  bytesCase('I3.query-witness-p', ['DECODE_NONCANONICAL_FIELD'], (b) => {
    const [s, e] = bodyOffsets(b.body).queryWitness;
    return env(b, splice(b.body, s, e, encodeVarint(P + 5)));
  }),
];
