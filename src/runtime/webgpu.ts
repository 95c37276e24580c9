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
 * Interim shape of the Backend seam: WebGpuBackend extends CpuBackend, so the operations without
 * kernels here (quotient, openings, FRI fold, grinding) run as their CPU specification on host
 * copies; ldeAndCommit and Merkle commits use the kernels and read back the LDEs and layers.
 *
 * Invariants: inputs and outputs are canonical; every buffer an operation creates is destroyed before
 * it returns; nothing here imports node or webgpu.
 */
import { type Felt, inverse, MONTY_R, mul, twoAdicGenerator } from '../field/babybear.ts';
import { height, type Matrix } from '../field/matrix.ts';
import { foldTwiddles } from '../fri/fold.ts';
import { createPoseidon2 } from '../hash/poseidon2.ts';
import { DIGEST_ELEMS, type Poseidon2Constants } from '../hash/types.ts';
import type { MerkleTree } from '../merkle/mmcs.ts';
import { FieldOp, fieldOpWgsl } from '../shaders/field.wgsl.ts';
import { foldArity2Wgsl } from '../shaders/fri.wgsl.ts';
import { difStageWgsl, ldeScatterWgsl } from '../shaders/ntt.wgsl.ts';
import {
  AbsorbFlag,
  absorbRowsWgsl,
  COMPRESS_WG,
  compressLevelsWgsl,
  MAX_LEVELS_PER_DISPATCH,
  permuteKernelWgsl,
  poseidon2ConstWords,
} from '../shaders/poseidon2.wgsl.ts';
import { BackendKind } from './backend.ts';
import { CpuBackend, CpuCommitted } from './cpu.ts';
import { BufferUsage, type GpuContext, GpuError, GpuErrorCode } from './gpu-context.ts';

const WG = 64;
const PARAM_STRIDE_WORDS = 64; // 256-byte aligned uniform blocks
const SPONGE_RATE = 8;

/** Options of WebGpuBackend. */
export interface WebGpuBackendOptions {
  /** The Poseidon2-16 constant set of the configuration (leaf hash and compression). */
  readonly constants: Poseidon2Constants;
  /** Whether close() also closes the context (default true). */
  readonly ownsContext?: boolean;
}

/** A buffer binding: whole buffer, or a range of it. */
type Resource = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

interface Step {
  readonly pipeline: GPUComputePipeline;
  readonly resources: readonly Resource[];
  readonly params: readonly number[];
  readonly threads: number;
  /** Binds the Poseidon2 round-constant block after the params block. */
  readonly rc?: boolean;
}

/** The Merkle tree (host copies) of power-of-two-height matrices from its read-back layers. */
function treeFromLayers(matrices: readonly Matrix[], layers: readonly Uint32Array[]): MerkleTree {
  const top = layers[layers.length - 1];
  let maxH = 0;
  for (const m of matrices) maxH = Math.max(maxH, height(m));
  return { matrices, layers, root: top.slice(0, DIGEST_ELEMS), maxHeight: maxH };
}

const isPow2 = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

/** The WebGPU backend. */
export class WebGpuBackend extends CpuBackend {
  override readonly kind: BackendKind = BackendKind.webgpu;
  /** The device context (owned: close() closes it). */
  readonly ctx: GpuContext;
  /** The Poseidon2 constant set the kernels are generated from. */
  readonly constants: Poseidon2Constants;
  private readonly tables = new Map<string, GPUBuffer>();
  private rcBuffer: GPUBuffer | undefined;
  private readonly ownsContext: boolean;

  /**
   * @param ctx an open GPU context (the backend closes it in close())
   * @param opts Poseidon2 constant set
   */
  constructor(ctx: GpuContext, opts: WebGpuBackendOptions) {
    super({ perm: createPoseidon2(opts.constants) });
    this.ctx = ctx;
    this.constants = opts.constants;
    this.ownsContext = opts.ownsContext ?? true;
    poseidon2ConstWords(opts.constants); // validates the set before any GPU work
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
  override async ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CpuCommitted> {
    this.check();
    if (shifts.length !== evals.length) throw new RangeError('ldeAndCommit: one shift per matrix');
    for (const m of evals) {
      if (!isPow2(height(m)))
        throw new GpuError(GpuErrorCode.unsupported, 'ldeAndCommit: height not a power of two');
    }
    const owned: GPUBuffer[] = [];
    try {
      const steps: Step[] = [];
      const outs: { buffer: GPUBuffer; width: number; rows: number }[] = [];
      for (let k = 0; k < evals.length; k++) {
        const { buffer, rows } = await this.planLde(evals[k], logBlowup, shifts[k], steps, owned);
        outs.push({ buffer, width: evals[k].width, rows });
      }
      const tree = await this.planTree(outs, steps, owned);
      await this.run(steps, owned, 'ldeAndCommit');
      const parts = outs.map((o) => ({ buffer: o.buffer, offset: 0, size: o.rows * o.width * 4 }));
      parts.push({ buffer: tree.buffer, offset: 0, size: tree.digests * DIGEST_ELEMS * 4 });
      const back = await this.ctx.read(parts);
      const matrices = outs.map((o, i) => ({ values: back[i], width: o.width }));
      return new CpuCommitted(
        this,
        treeFromLayers(matrices, splitLayers(back[back.length - 1], tree.layerSizes)),
        {
          evals: [...evals],
          logBlowup,
          shifts: [...shifts],
        },
      );
    } finally {
      for (const b of owned) b.destroy();
    }
  }

  /**
   * Merkle tree of matrices as they are (power-of-two heights), on the GPU (the commit hook of
   * CpuBackend: `commit` and `commitFriRound` use it).
   * @param matrices row-major matrices
   * @returns the tree with host copies of its layers
   * @throws {GpuError} as ldeAndCommit
   */
  protected override async merkle(matrices: readonly Matrix[]): Promise<MerkleTree> {
    for (const m of matrices) {
      if (!isPow2(height(m)))
        throw new GpuError(GpuErrorCode.unsupported, 'commit: height not a power of two');
    }
    const owned: GPUBuffer[] = [];
    try {
      const steps: Step[] = [];
      const ins: { buffer: GPUBuffer; width: number; rows: number }[] = [];
      for (const m of matrices) {
        const buffer = await this.own(owned, this.ctx.upload(m.values, 'matrix'));
        ins.push({ buffer, width: m.width, rows: height(m) });
      }
      const tree = await this.planTree(ins, steps, owned);
      await this.run(steps, owned, 'commit');
      const [layers] = await this.ctx.read([
        { buffer: tree.buffer, offset: 0, size: tree.digests * DIGEST_ELEMS * 4 },
      ]);
      return treeFromLayers(matrices, splitLayers(layers, tree.layerSizes));
    } finally {
      for (const b of owned) b.destroy();
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
    const owned: GPUBuffer[] = [];
    try {
      const steps: Step[] = [];
      const { buffer, rows } = await this.planLde(m, logBlowup, shift, steps, owned);
      await this.run(steps, owned, 'lde');
      const [values] = await this.ctx.read([{ buffer, offset: 0, size: rows * m.width * 4 }]);
      return { values, width: m.width };
    } finally {
      for (const b of owned) b.destroy();
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
    const owned: GPUBuffer[] = [];
    try {
      const steps: Step[] = [];
      const ins: { buffer: GPUBuffer; width: number; rows: number }[] = [];
      for (const m of matrices) {
        if (height(m) !== h) throw new RangeError('hashRows: matrices of different heights');
        ins.push({
          buffer: await this.own(owned, this.ctx.upload(m.values, 'matrix')),
          width: m.width,
          rows: h,
        });
      }
      const out = await this.own(owned, this.storage(h * DIGEST_ELEMS, 'digests'));
      await this.planAbsorb(ins, out, 0, steps, owned);
      await this.run(steps, owned, 'hashRows');
      const [d] = await this.ctx.read([{ buffer: out, offset: 0, size: h * DIGEST_ELEMS * 4 }]);
      return d;
    } finally {
      for (const b of owned) b.destroy();
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
    const owned: GPUBuffer[] = [];
    try {
      const buf = await this.own(owned, this.ctx.upload(states, 'states'));
      const pipeline = await this.ctx.pipeline(`p2:${WG}`, () => permuteKernelWgsl({ wg: WG }));
      await this.run([{ pipeline, resources: [buf], params: [n], threads: n, rc: true }], owned, 'permute');
      const [out] = await this.ctx.read([{ buffer: buf, offset: 0, size: states.byteLength }]);
      return out;
    } finally {
      for (const b of owned) b.destroy();
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
    const owned: GPUBuffer[] = [];
    try {
      const lm = Math.log2(m);
      const vin = await this.own(owned, this.ctx.upload(v, 'fri-in'));
      const out = await this.own(owned, this.storage(4 * m, 'fri-out'));
      const tw = await this.table(`fold:${lm}`, () => toMontgomeryArray(foldTwiddles(lm)));
      const pipeline = await this.ctx.pipeline(`fold:${WG}`, () => foldArity2Wgsl({ wg: WG }));
      const b = Array.from(beta, (x) => mul(x, MONTY_R));
      await this.run([{ pipeline, resources: [vin, out, tw], params: [...b, m], threads: m }], owned, 'fold');
      const [r] = await this.ctx.read([{ buffer: out, offset: 0, size: 16 * m }]);
      return r;
    } finally {
      for (const x of owned) x.destroy();
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
    const n = op === FieldOp.extMul ? a.length / 4 : a.length;
    const owned: GPUBuffer[] = [];
    try {
      const ba = await this.own(owned, this.ctx.upload(a, 'a'));
      const bb = await this.own(owned, this.ctx.upload(b, 'b'));
      const out = await this.own(owned, this.storage(a.length, 'out'));
      const pipeline = await this.ctx.pipeline(`field:${WG}`, () => fieldOpWgsl({ wg: WG }));
      await this.run([{ pipeline, resources: [ba, bb, out], params: [n, op], threads: n }], owned, 'fieldOp');
      const [r] = await this.ctx.read([{ buffer: out, offset: 0, size: a.byteLength }]);
      return r;
    } finally {
      for (const x of owned) x.destroy();
    }
  }

  /** Releases the cached tables and closes the context (if owned); idempotent. */
  override close(): void {
    super.close();
    for (const b of this.tables.values()) b.destroy();
    this.tables.clear();
    this.rcBuffer?.destroy();
    this.rcBuffer = undefined;
    if (this.ownsContext) this.ctx.close();
  }

  // ---------------------------------------------------------------------------------------------

  private async own(owned: GPUBuffer[], p: Promise<GPUBuffer>): Promise<GPUBuffer> {
    const b = await p;
    owned.push(b);
    return b;
  }

  private storage(words: number, label: string): Promise<GPUBuffer> {
    return this.ctx.createBuffer(
      words * 4,
      BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      label,
    );
  }

  /** The Poseidon2 round-constant uniform block (created once per backend). */
  private async roundConstants(): Promise<GPUBuffer> {
    if (this.rcBuffer === undefined) {
      const words = poseidon2ConstWords(this.constants);
      const b = await this.ctx.createBuffer(
        words.byteLength,
        BufferUsage.UNIFORM | BufferUsage.COPY_DST,
        'poseidon2-rc',
      );
      this.ctx.device.queue.writeBuffer(b, 0, words.buffer, words.byteOffset, words.byteLength);
      this.rcBuffer = b;
    }
    return this.rcBuffer;
  }

  /** A cached read-only table (twiddles, scales), kept for the device's lifetime. */
  private async table(key: string, make: () => Uint32Array): Promise<GPUBuffer> {
    const hit = this.tables.get(key);
    if (hit !== undefined) return hit;
    const b = await this.ctx.upload(make(), key);
    if (this.tables.size > 64) {
      for (const [k, v] of this.tables) {
        v.destroy();
        this.tables.delete(k);
        if (this.tables.size <= 32) break;
      }
    }
    this.tables.set(key, b);
    return b;
  }

  /** Appends the LDE steps of one matrix; returns its output buffer (N x w, committed order). */
  private async planLde(
    m: Matrix,
    logBlowup: number,
    shift: Felt,
    steps: Step[],
    owned: GPUBuffer[],
  ): Promise<{ buffer: GPUBuffer; rows: number }> {
    const h = height(m);
    const w = m.width;
    const logH = Math.log2(h);
    const logN = logH + logBlowup;
    const rows = h << logBlowup;
    const src = await this.own(owned, this.ctx.upload(m.values, 'lde-in'));
    const out = await this.own(owned, this.storage(rows * w, 'lde-out'));
    const dif = await this.ctx.pipeline(`dif:${WG}`, () => difStageWgsl({ wg: WG }));
    const scatter = await this.ctx.pipeline(`scatter:${WG}`, () => ldeScatterWgsl({ wg: WG }));
    if (logH > 0) {
      const itw = await this.table(`itw:${logH}`, () => twiddleTable(logH, true));
      this.difStages(steps, dif, src, itw, logH, w);
    }
    const scale = await this.table(`scale:${shift}:${logH}`, () => scaleTable(shift, logH));
    steps.push({ pipeline: scatter, resources: [src, out, scale], params: [w, logH, h * w], threads: h * w });
    if (logN > 0) {
      const ftw = await this.table(`ftw:${logN}`, () => twiddleTable(logN, false));
      this.difStages(steps, dif, out, ftw, logN, w);
    }
    return { buffer: out, rows };
  }

  private difStages(
    steps: Step[],
    dif: GPUComputePipeline,
    data: GPUBuffer,
    tw: GPUBuffer,
    logN: number,
    w: number,
  ) {
    const n = 2 ** logN;
    for (let logHalf = logN - 1; logHalf >= 0; logHalf--) {
      const half = 2 ** logHalf;
      const count = (n / 2) * w;
      steps.push({
        pipeline: dif,
        resources: [data, tw],
        params: [half, logHalf, w, n / (2 * half), count],
        threads: count,
      });
    }
  }

  /** Appends sponge-absorb steps hashing the concatenated rows of `ins` into `digests` at digest `at`. */
  private async planAbsorb(
    ins: readonly { buffer: GPUBuffer; width: number; rows: number }[],
    digests: GPUBuffer,
    at: number,
    steps: Step[],
    owned: GPUBuffer[],
  ): Promise<void> {
    const rows = ins[0].rows;
    const absorb = await this.ctx.pipeline(`absorb:${WG}`, () => absorbRowsWgsl({ wg: WG }));
    const nonEmpty = ins.filter((x) => x.width > 0);
    if (nonEmpty.length === 0) throw new GpuError(GpuErrorCode.unsupported, 'leaf of width 0');
    const state =
      nonEmpty.length > 1
        ? await this.own(owned, this.storage(rows * 16, 'sponge-state'))
        : await this.own(owned, this.storage(16, 'sponge-state-dummy'));
    let pos = 0;
    for (let k = 0; k < nonEmpty.length; k++) {
      const x = nonEmpty[k];
      const flags = (k === 0 ? AbsorbFlag.first : 0) | (k === nonEmpty.length - 1 ? AbsorbFlag.last : 0);
      steps.push({
        pipeline: absorb,
        resources: [x.buffer, state, digests],
        params: [rows, x.width, pos, flags, at * DIGEST_ELEMS],
        threads: rows,
        rc: true,
      });
      pos = (pos + x.width) % SPONGE_RATE;
    }
  }

  /** Appends leaf hashing and all compression levels; returns the tree buffer and layer sizes. */
  private async planTree(
    mats: readonly { buffer: GPUBuffer; width: number; rows: number }[],
    steps: Step[],
    owned: GPUBuffer[],
  ): Promise<{ buffer: GPUBuffer; digests: number; layerSizes: number[] }> {
    if (mats.length === 0) throw new RangeError('commit: no matrices');
    // stable sort by height, tallest first (§5.3)
    const order = mats.map((m, i) => ({ m, i })).sort((a, b) => b.m.rows - a.m.rows || a.i - b.i);
    const H = order[0].m.rows;
    const groups = new Map<number, { buffer: GPUBuffer; width: number; rows: number }[]>();
    for (const { m } of order) {
      if (!isPow2(m.rows)) throw new GpuError(GpuErrorCode.unsupported, 'commit: height not a power of two');
      const g = groups.get(m.rows);
      if (g === undefined) groups.set(m.rows, [m]);
      else g.push(m);
    }
    const layerSizes: number[] = [];
    for (let n = H; n >= 1; n /= 2) layerSizes.push(n);
    const digests = 2 * H - 1;
    const tree = await this.own(owned, this.storage(digests * DIGEST_ELEMS, 'merkle-tree'));
    await this.planAbsorb(groups.get(H) ?? [], tree, 0, steps, owned);
    const compress = await this.ctx.pipeline('compress', compressLevelsWgsl);
    const dummy = await this.own(owned, this.storage(DIGEST_ELEMS, 'inj-dummy'));
    let nIn = H;
    let inOff = 0;
    while (nIn > 1) {
      const outOff = inOff + nIn;
      const inj = groups.get(nIn / 2);
      let levels = 1;
      let injBuf = dummy;
      if (inj !== undefined) {
        injBuf = await this.own(owned, this.storage((nIn / 2) * DIGEST_ELEMS, 'inj-digests'));
        await this.planAbsorb(inj, injBuf, 0, steps, owned);
      }
      while (levels < MAX_LEVELS_PER_DISPATCH && nIn >> levels > 1 && !groups.has(nIn >> (levels + 1)))
        levels++;
      const nOut = nIn / 2;
      steps.push({
        pipeline: compress,
        resources: [tree, injBuf],
        params: [inOff, nIn, outOff, levels, inj !== undefined ? 1 : 0],
        threads: Math.ceil(nOut / COMPRESS_WG) * COMPRESS_WG,
        rc: true,
      });
      // advance past the levels this dispatch wrote
      let off = outOff;
      let n = nOut;
      for (let l = 1; l < levels; l++) {
        off += n;
        n /= 2;
      }
      inOff = off;
      nIn = n;
    }
    return { buffer: tree, digests, layerSizes };
  }

  /** Uploads all step params in one uniform buffer and runs the steps in one compute pass. */
  private async run(steps: readonly Step[], owned: GPUBuffer[], what: string): Promise<void> {
    if (steps.length === 0) return;
    const ctx = this.ctx;
    const words = new Uint32Array(steps.length * PARAM_STRIDE_WORDS);
    for (let s = 0; s < steps.length; s++) words.set(steps[s].params, s * PARAM_STRIDE_WORDS);
    const ubuf = await this.own(
      owned,
      ctx.createBuffer(words.byteLength, BufferUsage.UNIFORM | BufferUsage.COPY_DST, 'params'),
    );
    ctx.device.queue.writeBuffer(ubuf, 0, words.buffer, words.byteOffset, words.byteLength);
    const maxDim = ctx.limits.maxComputeWorkgroupsPerDimension;
    const rc = await this.roundConstants();
    const device = ctx.device;
    device.pushErrorScope('validation');
    const enc = device.createCommandEncoder({ label: what });
    const pass = enc.beginComputePass({ label: what });
    for (let s = 0; s < steps.length; s++) {
      const st = steps[s];
      const entries: GPUBindGroupEntry[] = st.resources.map((r, i) => ({
        binding: i,
        resource: 'buffer' in r ? r : { buffer: r },
      }));
      entries.push({
        binding: st.resources.length,
        resource: { buffer: ubuf, offset: s * PARAM_STRIDE_WORDS * 4, size: PARAM_STRIDE_WORDS * 4 },
      });
      if (st.rc === true) entries.push({ binding: st.resources.length + 1, resource: { buffer: rc } });
      const bg = device.createBindGroup({ layout: st.pipeline.getBindGroupLayout(0), entries });
      const groups = Math.ceil(st.threads / WG);
      if (groups === 0) continue;
      const x = Math.min(groups, maxDim);
      const y = Math.ceil(groups / x);
      if (y > maxDim)
        throw new GpuError(GpuErrorCode.tooLarge, `${what}: ${st.threads} invocations exceed the grid`);
      pass.setPipeline(st.pipeline);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(x, y);
    }
    pass.end();
    const cmd = enc.finish();
    const err = await device.popErrorScope();
    if (err !== null) throw new GpuError(GpuErrorCode.validation, `${what}: ${err.message}`);
    await ctx.submit([cmd], what);
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

function toMontgomeryArray(xs: Uint32Array): Uint32Array {
  const out = new Uint32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = mul(xs[i], MONTY_R);
  return out;
}

/** tw[j] = w^j R mod P for j < 2^(logN-1), w = g_logN or its inverse. */
function twiddleTable(logN: number, inv: boolean): Uint32Array {
  const g = twoAdicGenerator(logN);
  const w = inv ? inverse(g) : g;
  const half = 2 ** (logN - 1);
  const t = new Uint32Array(half);
  let acc = MONTY_R;
  for (let j = 0; j < half; j++) {
    t[j] = acc;
    acc = mul(acc, w);
  }
  return t;
}

/** scale[i] = shift^i / h in Montgomery form, i < h = 2^logH. */
function scaleTable(shift: Felt, logH: number): Uint32Array {
  const h = 2 ** logH;
  const t = new Uint32Array(h);
  let acc = mul(inverse(h), MONTY_R);
  for (let i = 0; i < h; i++) {
    t[i] = acc;
    acc = mul(acc, shift);
  }
  return t;
}
