/**
 * Test-only kernel harness: single-kernel entry points driven through a WebGpuBackend's engine
 * (its GpuContext, plans and shader modules), each a round trip (upload, one kernel plan, read
 * back), for the tests and benchmarks that compare every WGSL kernel with its CPU twin: coset LDE
 * (cosetLdeBitReversed), row hashing (sponge.hashRows), the Poseidon2 permutation, the FRI arity-2
 * fold (foldVectorArity2) and element-wise field operations. The prover never calls these.
 * Mirrors Plonky3/Plonky3:dft/src/traits.rs, symmetric/src/sponge.rs and fri/src/two_adic_pcs.rs.
 */
import { type Felt, MONTY_R, mul } from '../../src/field/babybear.ts';
import { height, type Matrix } from '../../src/field/matrix.ts';
import { foldTwiddles } from '../../src/fri/fold.ts';
import { DIGEST_ELEMS } from '../../src/hash/types.ts';
import { GpuError, GpuErrorCode } from '../../src/runtime/gpu-context.ts';
import {
  type DeviceMatrix,
  type Engine,
  isPow2,
  newPlan,
  toMontgomeryArray,
  WG,
} from '../../src/runtime/webgpu/engine.ts';
import { type GatheredOpening, gatherOpenings } from '../../src/runtime/webgpu/ops.ts';
import type { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { FieldOp, fieldOpWgsl } from '../../src/shaders/field.wgsl.ts';
import { foldArity2Wgsl } from '../../src/shaders/fri.wgsl.ts';
import { permuteKernelWgsl } from '../../src/shaders/poseidon2.wgsl.ts';

/** The kernels one at a time. */
export class KernelHarness {
  private readonly e: Engine;

  /** @param e the engine of the backend under test */
  constructor(e: Engine) {
    this.e = e;
  }

  private get ctx(): Engine['ctx'] {
    return this.e.ctx;
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
    const e = this.e;
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
    const e = this.e;
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
    const e = this.e;
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
   * One FRI arity-2 fold of a flat EF vector (twin of foldVectorArity2, docs/protocol.md §9.4).
   * @param v flat EF vector in bit-reversed order, 8m words (m >= 1 a power of two)
   * @param beta EF challenge (4 words)
   * @returns the folded vector, 4m words
   * @throws {GpuError} as ldeAndCommit
   */
  async foldArity2(v: Uint32Array, beta: Uint32Array): Promise<Uint32Array> {
    const m = v.length / 8;
    if (!isPow2(m)) throw new GpuError(GpuErrorCode.unsupported, 'fold: length not a power of two');
    const e = this.e;
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
   * Merkle commitment of host matrices as they are (twin of commitMatrices) and the openings of
   * `indices` gathered from the device tree (twin of openBatch).
   * @param matrices row-major matrices, power-of-two heights
   * @param indices rows of the tallest matrix to open
   * @returns the root and one opening per index
   * @throws {GpuError} as ldeAndCommit
   */
  async commit(
    matrices: readonly Matrix[],
    indices: readonly number[],
  ): Promise<{ root: Uint32Array; openings: GatheredOpening[] }> {
    const e = this.e;
    const plan = newPlan();
    try {
      const ms: DeviceMatrix[] = [];
      for (const m of matrices) {
        ms.push({ buffer: await e.tempUpload(plan, m.values, 'matrix'), width: m.width, rows: height(m) });
      }
      const tree = await e.planTree(plan, ms, false);
      await e.run(plan, 'commit');
      const [root] = await this.ctx.read([
        { buffer: tree.buffer, offset: (tree.digests - 1) * DIGEST_ELEMS * 4, size: DIGEST_ELEMS * 4 },
      ]);
      const [openings] = await gatherOpenings(e, [{ ldes: ms, tree, indices }]);
      return { root, openings };
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
    const e = this.e;
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
}

const HARNESSES = new WeakMap<WebGpuBackend, KernelHarness>();

/**
 * The kernel harness of a backend (one per backend).
 * @param backend an open WebGpuBackend
 * @returns its harness
 */
export function kernelsOf(backend: WebGpuBackend): KernelHarness {
  let k = HARNESSES.get(backend);
  if (k === undefined) {
    k = new KernelHarness(backend.engine);
    HARNESSES.set(backend, k);
  }
  return k;
}
