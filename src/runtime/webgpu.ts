/**
 * WebGpuBackend: the hot operations as WGSL kernels on one GpuContext. ldeAndCommit keeps the data on
 * the GPU from the coset LDE through leaf hashing and every Merkle level, then reads back in one
 * copy the LDE matrices (the prover needs host copies for openings and quotient evaluation) and the
 * tree layers (for openBatch); the root is the last layer.
 *
 * CPU twin: src/runtime/cpu.ts (CpuBackend: cosetLdeBitReversed + MerkleTreeMmcs commit). Mirrors
 * Plonky3/Plonky3:merkle-tree/src/{mmcs,merkle_tree}.rs and dft/src/traits.rs (coset_lde_batch).
 *
 * Supported shapes: every matrix height (after LDE) a power of two, mixed heights allowed (smaller
 * groups are injected at their level, §5.3). Other shapes throw GpuError 'unsupported', which the
 * fallback wrapper (select.ts) answers with the CPU backend. Buffers above the device's
 * maxStorageBufferBindingSize throw 'too-large' (same fallback).
 *
 * Invariants: inputs and outputs are canonical; every buffer an operation creates is destroyed before
 * it returns; nothing here imports node or webgpu.
 */
import { type Felt, MONTY_R, mul } from '../field/babybear.ts';
import { height, type Matrix } from '../field/matrix.ts';
import { foldTwiddles } from '../fri/fold.ts';
import { DIGEST_ELEMS, type Digest, type Poseidon2Constants } from '../hash/types.ts';
import { FieldOp, fieldOpWgsl } from '../shaders/field.wgsl.ts';
import { foldArity2Wgsl } from '../shaders/fri.wgsl.ts';
import { permuteKernelWgsl } from '../shaders/poseidon2.wgsl.ts';
import { type Backend, BackendKind, type CommittedMatrices } from './backend.ts';
import { type GpuContext, GpuError, GpuErrorCode } from './gpu-context.ts';
import { type DeviceMatrix, Engine, isPow2, newPlan, toMontgomeryArray, WG } from './webgpu/engine.ts';

/** Options of WebGpuBackend. */
export interface WebGpuBackendOptions {
  /** The Poseidon2-16 constant set of the configuration (leaf hash and compression). */
  readonly constants: Poseidon2Constants;
  /** Whether close() also closes the context (default true). */
  readonly ownsContext?: boolean;
}

/** The tree layers of a power-of-two Merkle tree with host copies, as CommittedMatrices. */
function committedFromLayers(matrices: readonly Matrix[], layers: readonly Uint32Array[]): CommittedMatrices {
  const top = layers[layers.length - 1];
  const root: Digest = top.slice(0, DIGEST_ELEMS);
  let maxH = 0;
  for (const m of matrices) maxH = Math.max(maxH, height(m));
  const logMax = Math.log2(maxH);
  return {
    root,
    matrices,
    openBatch(index: number): { openedValues: Uint32Array[]; proof: Digest[] } {
      if (!Number.isInteger(index) || index < 0 || index >= maxH) {
        throw new RangeError(`openBatch: index ${index} outside [0, ${maxH})`);
      }
      const openedValues = matrices.map((m) => {
        const r = index >> (logMax - Math.log2(height(m)));
        return m.values.slice(r * m.width, (r + 1) * m.width);
      });
      const proof: Digest[] = [];
      for (let i = 0; i + 1 < layers.length; i++) {
        const s = (index >> i) ^ 1;
        proof.push(layers[i].slice(s * DIGEST_ELEMS, (s + 1) * DIGEST_ELEMS));
      }
      return { openedValues, proof };
    },
  };
}

/** The WebGPU backend. */
export class WebGpuBackend implements Backend {
  readonly kind: BackendKind = BackendKind.webgpu;
  /** The device context (owned: close() closes it). */
  readonly ctx: GpuContext;
  /** The Poseidon2 constant set the kernels are generated from. */
  readonly constants: Poseidon2Constants;
  /** Plans, tables and the LDE / Merkle plans. */
  readonly engine: Engine;
  private readonly ownsContext: boolean;

  /**
   * @param ctx an open GPU context (the backend closes it in close())
   * @param opts Poseidon2 constant set
   */
  constructor(ctx: GpuContext, opts: WebGpuBackendOptions) {
    this.ctx = ctx;
    this.constants = opts.constants;
    this.ownsContext = opts.ownsContext ?? true;
    this.engine = new Engine(ctx, opts.constants);
  }

  /** The adapter description (e.g. 'llvmpipe ...'). */
  get adapterName(): string {
    const i = this.ctx.adapterInfo;
    return [i.vendor, i.architecture, i.device, i.description].filter((s) => s !== '').join(' / ');
  }

  /**
   * Coset LDE (bit-reversed rows) of each matrix, then one Merkle commitment, on the GPU.
   * @param evals natural-order evaluations, heights powers of two
   * @param logBlowup log2 of the blowup
   * @param shifts one coset shift per matrix
   * @returns root, host copies of the LDE matrices, openBatch
   * @throws {GpuError} on device loss, OOM, too-large buffers, timeouts, unsupported shapes
   */
  async ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedMatrices> {
    if (shifts.length !== evals.length) throw new RangeError('ldeAndCommit: one shift per matrix');
    for (const m of evals) {
      if (!isPow2(height(m)))
        throw new GpuError(GpuErrorCode.unsupported, 'ldeAndCommit: height not a power of two');
    }
    const e = this.engine;
    const plan = newPlan();
    try {
      const outs: DeviceMatrix[] = [];
      for (let k = 0; k < evals.length; k++) {
        const src = await e.tempUpload(plan, evals[k].values, 'lde-in');
        const m = { buffer: src, width: evals[k].width, rows: height(evals[k]) };
        outs.push(await e.planLde(plan, m, logBlowup, shifts[k], false));
      }
      const tree = await e.planTree(plan, outs, false);
      await e.run(plan, 'ldeAndCommit');
      const parts = outs.map((o) => ({ buffer: o.buffer, offset: 0, size: o.rows * o.width * 4 }));
      parts.push({ buffer: tree.buffer, offset: 0, size: tree.digests * DIGEST_ELEMS * 4 });
      const back = await this.ctx.read(parts);
      const matrices = outs.map((o, i) => ({ values: back[i], width: o.width }));
      return committedFromLayers(matrices, splitLayers(back[back.length - 1], tree.layerSizes));
    } finally {
      e.release(plan);
    }
  }

  /**
   * Merkle commitment of matrices as they are (power-of-two heights), on the GPU.
   * @param matrices row-major matrices
   * @returns root, the given matrices, openBatch
   * @throws {GpuError} as ldeAndCommit
   */
  async commit(matrices: readonly Matrix[]): Promise<CommittedMatrices> {
    for (const m of matrices) {
      if (!isPow2(height(m)))
        throw new GpuError(GpuErrorCode.unsupported, 'commit: height not a power of two');
    }
    const e = this.engine;
    const plan = newPlan();
    try {
      const ins: DeviceMatrix[] = [];
      for (const m of matrices) {
        ins.push({ buffer: await e.tempUpload(plan, m.values, 'matrix'), width: m.width, rows: height(m) });
      }
      const tree = await e.planTree(plan, ins, false);
      await e.run(plan, 'commit');
      const [layers] = await this.ctx.read([
        { buffer: tree.buffer, offset: 0, size: tree.digests * DIGEST_ELEMS * 4 },
      ]);
      return committedFromLayers(matrices, splitLayers(layers, tree.layerSizes));
    } finally {
      e.release(plan);
    }
  }

  /**
   * Coset LDE in the committed (bit-reversed) row order, on the GPU (twin of cosetLdeBitReversed).
   * @param m natural-order evaluations (height a power of two)
   * @param logBlowup log2 of the blowup
   * @param shift coset shift
   * @returns the LDE matrix
   * @throws {GpuError} as ldeAndCommit
   */
  async cosetLdeBitReversed(m: Matrix, logBlowup: number, shift: Felt): Promise<Matrix> {
    if (!isPow2(height(m))) throw new GpuError(GpuErrorCode.unsupported, 'LDE height not a power of two');
    const e = this.engine;
    const plan = newPlan();
    try {
      const src = { buffer: await e.tempUpload(plan, m.values, 'lde-in'), width: m.width, rows: height(m) };
      const out = await e.planLde(plan, src, logBlowup, shift, false);
      await e.run(plan, 'lde');
      const [values] = await this.ctx.read([{ buffer: out.buffer, offset: 0, size: out.rows * m.width * 4 }]);
      return { values, width: m.width };
    } finally {
      e.release(plan);
    }
  }

  /**
   * Leaf hashes of the concatenated rows of equal-height matrices (twin of sponge.hashRows).
   * @param matrices matrices of one height, in hashing order
   * @returns 8 * height digest words
   * @throws {GpuError} as ldeAndCommit
   */
  async hashRows(matrices: readonly Matrix[]): Promise<Uint32Array> {
    const h = height(matrices[0]);
    const e = this.engine;
    const plan = newPlan();
    try {
      const ins: DeviceMatrix[] = [];
      for (const m of matrices) {
        if (height(m) !== h) throw new RangeError('hashRows: matrices of different heights');
        ins.push({ buffer: await e.tempUpload(plan, m.values, 'matrix'), width: m.width, rows: h });
      }
      const out = await e.temp(plan, h * DIGEST_ELEMS, 'digests');
      await e.planAbsorb(plan, ins, out, 0);
      await e.run(plan, 'hashRows');
      const [d] = await this.ctx.read([{ buffer: out, offset: 0, size: h * DIGEST_ELEMS * 4 }]);
      return d;
    } finally {
      e.release(plan);
    }
  }

  /**
   * Applies the Poseidon2-16 permutation to each 16-word state (twin of Poseidon2Perm.permute).
   * @param states 16 n canonical words
   * @returns the permuted states
   * @throws {GpuError} as ldeAndCommit
   */
  async permuteStates(states: Uint32Array): Promise<Uint32Array> {
    const n = states.length / 16;
    const e = this.engine;
    const plan = newPlan();
    try {
      const buf = await e.tempUpload(plan, states, 'states');
      const pipeline = await this.ctx.pipeline(`p2:${WG}`, () => permuteKernelWgsl({ wg: WG }));
      plan.steps.push({ pipeline, resources: [buf], params: [n], threads: n, rc: true });
      await e.run(plan, 'permute');
      const [out] = await this.ctx.read([{ buffer: buf, offset: 0, size: states.byteLength }]);
      return out;
    } finally {
      e.release(plan);
    }
  }

  /**
   * One FRI arity-2 fold of a flat EF vector (twin of foldVectorArity2, spec §9.4).
   * @param v flat EF vector in bit-reversed order, 8m words (m >= 1 a power of two)
   * @param beta EF challenge (4 words)
   * @returns the folded vector, 4m words
   * @throws {GpuError} as ldeAndCommit
   */
  async foldArity2(v: Uint32Array, beta: Uint32Array): Promise<Uint32Array> {
    const m = v.length / 8;
    if (!isPow2(m)) throw new GpuError(GpuErrorCode.unsupported, 'fold: length not a power of two');
    const e = this.engine;
    const plan = newPlan();
    try {
      const lm = Math.log2(m);
      const vin = await e.tempUpload(plan, v, 'fri-in');
      const out = await e.temp(plan, 4 * m, 'fri-out');
      const tw = await e.table(plan, `fold:${lm}`, () => toMontgomeryArray(foldTwiddles(lm)));
      const pipeline = await this.ctx.pipeline(`fold:${WG}`, () => foldArity2Wgsl({ wg: WG }));
      const b = Array.from(beta, (x) => mul(x, MONTY_R));
      plan.steps.push({ pipeline, resources: [vin, out, tw], params: [...b, m], threads: m });
      await e.run(plan, 'fold');
      const [r] = await this.ctx.read([{ buffer: out, offset: 0, size: 16 * m }]);
      return r;
    } finally {
      e.release(plan);
    }
  }

  /**
   * Element-wise field operation on the GPU (kernel test hook; twins: babybear add/sub/mul/halve, ext4Mul).
   * @param op FieldOp code
   * @param a canonical words (EF: 4 per element)
   * @param b canonical words, same length as a
   * @returns the results
   * @throws {GpuError} as ldeAndCommit
   */
  async fieldOp(op: FieldOp, a: Uint32Array, b: Uint32Array): Promise<Uint32Array> {
    const n = op === FieldOp.extMul || op === FieldOp.extInv ? a.length / 4 : a.length;
    const e = this.engine;
    const plan = newPlan();
    try {
      const ba = await e.tempUpload(plan, a, 'a');
      const bb = await e.tempUpload(plan, b, 'b');
      const out = await e.temp(plan, a.length, 'out');
      const pipeline = await this.ctx.pipeline(`field:${WG}`, () => fieldOpWgsl({ wg: WG }));
      plan.steps.push({ pipeline, resources: [ba, bb, out], params: [n, op], threads: n });
      await e.run(plan, 'fieldOp');
      const [r] = await this.ctx.read([{ buffer: out, offset: 0, size: a.byteLength }]);
      return r;
    } finally {
      e.release(plan);
    }
  }

  /** Releases the cached tables and closes the context (if owned); idempotent. */
  close(): void {
    this.engine.close();
    if (this.ownsContext) this.ctx.close();
  }
}

/** Splits the concatenated layers buffer into one array per layer. */
function splitLayers(all: Uint32Array, sizes: readonly number[]): Uint32Array[] {
  const out: Uint32Array[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(all.subarray(at * DIGEST_ELEMS, (at + n) * DIGEST_ELEMS));
    at += n;
  }
  return out;
}
