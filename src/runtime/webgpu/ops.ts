/**
 * Device-resident PCS and FRI operations of WebGpuBackend on device buffers: barycentric
 * evaluation of committed LDE columns at out-of-domain points, reduced openings per height, the
 * FRI fold with roll-in, proof-of-work grinding, and the gather of query openings (rows and Merkle
 * paths) for many indices and many commitments into one buffer read back once.
 *
 * CPU twins: src/fri/open.ts (evaluateLdeAt, reduceTerms + reduceRange), src/fri/fold.ts
 * (foldVector), src/fri/pow.ts (powWitnessSearch), src/merkle/mmcs.ts (openBatch).
 * Mirrors Plonky3/Plonky3:fri/src/{two_adic_pcs,prover}.rs and challenger/src/grinding_challenger.rs.
 *
 * Invariants: inputs canonical; EF constants handed to kernels are in Montgomery form; every
 * operation appends to a plan and reads nothing back itself except `grindOnDevice`.
 */
import { exp, GENERATOR, inverse, MONTY_R, mul, P, twoAdicGenerator } from '../../field/babybear.ts';
import { type Ext4, ext4MulBaseInto, ext4MulInto, ext4SquareInto } from '../../field/ext4.ts';
import { foldTwiddles } from '../../fri/fold.ts';
import { DIGEST_ELEMS } from '../../hash/types.ts';
import { foldArity2Wgsl, GatherMode, gatherWgsl, rollInWgsl } from '../../shaders/fri.wgsl.ts';
import { grindWgsl } from '../../shaders/grind.wgsl.ts';
import { baryWeightsWgsl, COLSUM_WG, colSumsWgsl, reduceWgsl } from '../../shaders/open.wgsl.ts';
import { BufferUsage } from '../gpu-context.ts';
import type { DeviceMatrix, DeviceTree, Engine, Plan } from './engine.ts';
import { newPlan, toMontgomeryArray, WG } from './engine.ts';

const mont = (x: number): number => mul(x, MONTY_R);
const montExt = (z: ArrayLike<number>): number[] => [mont(z[0]), mont(z[1]), mont(z[2]), mont(z[3])];

/**
 * Appends the evaluation of every column of `lde` at z (evaluateLdeAt) into `out` at word `outOff`
 * (4 words per column). `weights` caches the barycentric weights per (z, n) within one plan.
 */
export async function planEvaluateAt(
  e: Engine,
  plan: Plan,
  lde: DeviceMatrix,
  logBlowup: number,
  z: Uint32Array,
  out: GPUBuffer,
  outOff: number,
  weights: Map<string, GPUBuffer>,
): Promise<void> {
  const n = lde.rows >>> logBlowup;
  const logN = Math.log2(n);
  const key = `${n}:${z[0]},${z[1]},${z[2]},${z[3]}`;
  let w = weights.get(key);
  if (w === undefined) {
    w = await e.temp(plan, 4 * n, 'bary-weights');
    weights.set(key, w);
    const p = await e.ctx.pipeline(`bary:${WG}`, () => baryWeightsWgsl({ wg: WG }));
    const g = twoAdicGenerator(logN);
    plan.steps.push({
      pipeline: p,
      resources: [w],
      params: [z[0], z[1], z[2], z[3], n, mont(GENERATOR), mont(g)],
      threads: n,
    });
  }
  // scale = (z^n - s^n) / (n s^n), s = GEN (scaleBarycentric)
  const sn = exp(GENERATOR, n);
  const zn = Uint32Array.from(z);
  for (let k = 0; k < logN; k++) ext4MulInto(zn, 0, zn, 0, zn, 0);
  zn[0] = zn[0] >= sn ? zn[0] - sn : zn[0] + P - sn;
  ext4MulBaseInto(zn, 0, zn, 0, inverse(mul(n % P, sn)));
  const p = await e.ctx.pipeline('colsums', colSumsWgsl);
  plan.steps.push({
    pipeline: p,
    resources: [lde.buffer, w, out],
    params: [...montExt(zn), n, logN, lde.width, outOff],
    threads: lde.width * COLSUM_WG,
    groups: lde.width,
  });
}

/** One (matrix, point) term of a height's reduced opening. */
export interface DeviceReduceTerm {
  readonly z: ArrayLike<number>;
  /** alpha^k (canonical). */
  readonly alphaPowK: ArrayLike<number>;
  /** sum_c alpha^c y_c (canonical). */
  readonly yComb: ArrayLike<number>;
}

/**
 * Appends acc += the terms' reduced-opening contributions of one matrix of height 2^h (reduceRange).
 * @param alphaPows alpha^c for c < width (canonical, 4 per power)
 */
export async function planReduce(
  e: Engine,
  plan: Plan,
  m: DeviceMatrix,
  acc: GPUBuffer,
  alphaPows: Uint32Array,
  terms: readonly DeviceReduceTerm[],
): Promise<void> {
  if (terms.length === 0) return;
  const termOff = 4 * m.width;
  const aux = new Uint32Array(termOff + 12 * terms.length);
  aux.set(toMontgomeryArray(alphaPows.subarray(0, 4 * m.width)), 0);
  for (let t = 0; t < terms.length; t++) {
    const o = termOff + 12 * t;
    aux.set(Array.from(terms[t].z), o);
    aux.set(montExt(terms[t].alphaPowK), o + 4);
    aux.set(Array.from(terms[t].yComb), o + 8);
  }
  const auxBuf = await e.tempUpload(plan, aux, 'reduce-aux');
  const p = await e.ctx.pipeline(`reduce:${WG}`, () => reduceWgsl({ wg: WG }));
  const h = Math.log2(m.rows);
  plan.steps.push({
    pipeline: p,
    resources: [m.buffer, acc, auxBuf],
    params: [m.rows, h, m.width, terms.length, termOff, mont(GENERATOR), mont(twoAdicGenerator(h))],
    threads: m.rows,
  });
}

/**
 * Appends logArity arity-2 folds of v (length 2^(m + logArity) EF values) with beta, beta^2, ...,
 * then out += beta^(2^logArity) rollIn; returns the folded buffer (owned by the caller).
 */
export async function planFold(
  e: Engine,
  plan: Plan,
  v: GPUBuffer,
  length: number,
  beta: Uint32Array,
  logArity: number,
  rollIn: GPUBuffer | null,
): Promise<GPUBuffer> {
  const fold = await e.ctx.pipeline(`fold:${WG}`, () => foldArity2Wgsl({ wg: WG }));
  const b = Uint32Array.from(beta);
  let cur = v;
  let len = length;
  for (let k = 0; k < logArity; k++) {
    const m = len / 2;
    const lm = Math.log2(m);
    const last = k === logArity - 1;
    const out = last ? await e.storage(4 * m, 'fri-folded') : await e.temp(plan, 4 * m, 'fri-fold');
    const tw = await e.table(plan, `fold:${lm}`, () => toMontgomeryArray(foldTwiddles(lm)));
    plan.steps.push({ pipeline: fold, resources: [cur, out, tw], params: [...montExt(b), m], threads: m });
    ext4SquareInto(b, 0, b, 0);
    cur = out;
    len = m;
  }
  if (rollIn !== null) {
    const p = await e.ctx.pipeline(`rollin:${WG}`, () => rollInWgsl({ wg: WG }));
    plan.steps.push({ pipeline: p, resources: [cur, rollIn], params: [...montExt(b), len], threads: len });
  }
  return cur;
}

/** Candidates tested per read-back: 2^(bits + 3), so a batch misses with probability about e^-8. */
const grindBatchLog = (bits: number): number => Math.min(bits + 3, 24);
/** Invocations per grinding dispatch. */
const GRIND_DISPATCH = 1 << 18;

/**
 * The smallest proof-of-work witness for a template (powWitnessSearch from 0), searched in
 * batches on the device: one read-back per batch, almost always one in all.
 * @returns the witness
 * @throws {GpuError} as Engine.run / GpuContext.read; Error if no candidate below P is valid
 */
export async function grindOnDevice(
  e: Engine,
  template: { readonly state: Uint32Array; readonly slot: number; readonly rate: number },
  bits: number,
): Promise<number> {
  const p = await e.ctx.pipeline(`grind:${WG}`, () => grindWgsl({ wg: WG }));
  const mask = 2 ** bits - 1;
  const batch = 2 ** grindBatchLog(bits);
  for (let base = 0; base < P; base += batch) {
    const plan: Plan = { steps: [], owned: [], pins: [] };
    try {
      const result = await e.ctx.createBuffer(
        4,
        BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
        'grind-result',
      );
      plan.owned.push(result);
      e.ctx.write(result, 0, Uint32Array.of(0xffffffff));
      const end = Math.min(P, base + batch);
      for (let b = base; b < end; b += GRIND_DISPATCH) {
        const count = Math.min(GRIND_DISPATCH, end - b);
        const params = new Uint32Array(21);
        params.set(template.state.subarray(0, 16), 0);
        params[16] = template.slot;
        params[17] = template.rate;
        params[18] = mask;
        params[19] = b;
        params[20] = count;
        plan.steps.push({ pipeline: p, resources: [result], params, threads: count, rc: true });
      }
      await e.run(plan, 'grind');
      const [r] = await e.ctx.read([{ buffer: result, offset: 0, size: 4 }]);
      if (r[0] !== 0xffffffff) return r[0];
    } finally {
      e.release(plan);
    }
  }
  throw new Error(`grind: no witness for ${bits} bits`);
}

/**
 * Evaluates every column of each LDE at its points (evaluateLdeAt) in one plan and one read.
 * @param e the engine
 * @param ldes the committed LDEs
 * @param logBlowup their blowup
 * @param points points[m] = EF points of matrix m
 * @returns values[m][p], 4 words per column
 */
export async function evaluateOnDevice(
  e: Engine,
  ldes: readonly DeviceMatrix[],
  logBlowup: number,
  points: readonly (readonly Ext4[])[],
): Promise<Uint32Array[][]> {
  const plan = newPlan();
  try {
    let total = 0;
    for (let mi = 0; mi < ldes.length; mi++) total += 4 * ldes[mi].width * points[mi].length;
    if (total === 0) return points.map((ps) => ps.map(() => new Uint32Array(0)));
    const out = await e.temp(plan, total, 'opened-values');
    const weights = new Map<string, GPUBuffer>();
    let at = 0;
    for (let mi = 0; mi < ldes.length; mi++) {
      for (const z of points[mi]) {
        await planEvaluateAt(e, plan, ldes[mi], logBlowup, z, out, at, weights);
        at += 4 * ldes[mi].width;
      }
    }
    await e.run(plan, 'evaluateAt');
    const [all] = await e.ctx.read([{ buffer: out, offset: 0, size: 4 * total }]);
    at = 0;
    return ldes.map((m, mi) =>
      points[mi].map(() => {
        const v = all.slice(at, at + 4 * m.width);
        at += 4 * m.width;
        return v;
      }),
    );
  } finally {
    e.release(plan);
  }
}

/** One device commitment to gather from: its matrices, tree and query rows (of its tallest matrix). */
export interface GatherTarget {
  readonly ldes: readonly DeviceMatrix[];
  readonly tree: DeviceTree;
  readonly indices: readonly number[];
}

/** One query opening: the rows of every matrix and the Merkle path, flat (as openBatch). */
export interface GatheredOpening {
  readonly openedValues: Uint32Array[];
  readonly proof: Uint32Array;
}

/**
 * Gathers the rows and Merkle paths of several device commitments (the same number of queries
 * each) in one plan and one read.
 * @param e the engine
 * @param targets the commitments and their query rows
 * @returns per target, one opening per query
 */
export async function gatherOpenings(
  e: Engine,
  targets: readonly GatherTarget[],
): Promise<GatheredOpening[][]> {
  const nq = targets[0].indices.length;
  const plan = newPlan();
  try {
    let words = 0;
    for (const tg of targets) {
      let stride = tg.tree.layerSizes.length * DIGEST_ELEMS - DIGEST_ELEMS;
      for (const m of tg.ldes) stride += m.width;
      words += stride * nq;
    }
    const dst = await e.temp(plan, Math.max(1, words), 'query-openings');
    const layouts: GatherLayout[] = [];
    let base = 0;
    for (const tg of targets) {
      const idx = await e.tempUpload(plan, Uint32Array.from(tg.indices), 'query-indices');
      const l = await planGather(e, plan, tg.ldes, tg.tree, idx, nq, dst, base);
      layouts.push(l);
      base += l.stride * nq;
    }
    await e.run(plan, 'openRows');
    const [all] = await e.ctx.read([{ buffer: dst, offset: 0, size: 4 * words }]);
    return layouts.map((l) => unpackGather(all, l, nq));
  } finally {
    e.release(plan);
  }
}

/** Where one commitment's openings land in the gather buffer. */
export interface GatherLayout {
  /** First word of this commitment's block. */
  readonly base: number;
  /** Words per query: the rows of every matrix, then the path digests. */
  readonly stride: number;
  readonly widths: readonly number[];
  readonly layers: number;
}

/**
 * Appends the gather of the rows and Merkle paths of `indices` (rows of the tallest matrix) of one
 * device commitment into `dst` at word `base`; returns the layout.
 */
export async function planGather(
  e: Engine,
  plan: Plan,
  matrices: readonly DeviceMatrix[],
  tree: DeviceTree,
  idx: GPUBuffer,
  nq: number,
  dst: GPUBuffer,
  base: number,
): Promise<GatherLayout> {
  const p = await e.ctx.pipeline(`gather:${WG}`, () => gatherWgsl({ wg: WG }));
  const H = tree.layerSizes[0];
  const logH = Math.log2(H);
  const layers = tree.layerSizes.length - 1;
  const widths = matrices.map((m) => m.width);
  let stride = layers * DIGEST_ELEMS;
  for (const w of widths) stride += w;
  let at = 0;
  for (const m of matrices) {
    const count = nq * m.width;
    if (count > 0) {
      plan.steps.push({
        pipeline: p,
        resources: [m.buffer, idx, dst],
        params: [GatherMode.rows, count, m.width, logH - Math.log2(m.rows), base + at, stride, 0, 0],
        threads: count,
      });
    }
    at += m.width;
  }
  if (layers > 0) {
    const count = nq * layers * DIGEST_ELEMS;
    plan.steps.push({
      pipeline: p,
      resources: [tree.buffer, idx, dst],
      params: [GatherMode.paths, count, 0, 0, base + at, stride, layers, 2 * H],
      threads: count,
    });
  }
  return { base, stride, widths, layers };
}

/**
 * Splits a gathered block into openBatch-shaped openings.
 * @param words the read-back gather buffer
 * @param l the commitment's layout
 * @param nq number of queries
 * @returns one opening per query
 */
export function unpackGather(words: Uint32Array, l: GatherLayout, nq: number): GatheredOpening[] {
  const out: GatheredOpening[] = [];
  for (let q = 0; q < nq; q++) {
    let at = l.base + q * l.stride;
    const openedValues: Uint32Array[] = [];
    for (const w of l.widths) {
      openedValues.push(words.slice(at, at + w));
      at += w;
    }
    const proof = words.slice(at, at + DIGEST_ELEMS * l.layers);
    out.push({ openedValues, proof });
  }
  return out;
}

/** Whether two index lists are equal. */
export function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** alpha^k in EF. */
export function ext4Pow(alpha: Ext4, k: number): Uint32Array {
  const out = Uint32Array.of(1, 0, 0, 0);
  const b = Uint32Array.from(alpha.subarray(0, 4));
  let e = k;
  while (e > 0) {
    if (e & 1) ext4MulInto(out, 0, out, 0, b, 0);
    ext4MulInto(b, 0, b, 0, b, 0);
    e >>>= 1;
  }
  return out;
}
