/**
 * The WebGPU plumbing shared by every kernel of WebGpuBackend: a plan (steps of one submission, the
 * temporary buffers it owns and the cached tables it pins), the run of a plan as one compute pass,
 * the coset LDE and Merkle-tree plans over device buffers, and a table cache that never evicts a
 * table a pending plan uses.
 *
 * CPU twins: src/field/dft.ts (cosetLdeBitReversed), src/merkle/mmcs.ts (commitMatrices). Mirrors
 * Plonky3/Plonky3:dft/src/traits.rs (coset_lde_batch) and merkle-tree/src/merkle_tree.rs.
 *
 * Invariants: buffers hold canonical words; twiddles, scales and challenges handed to kernels are
 * in Montgomery form; a table pinned by a plan stays alive until `release(plan)`.
 */
import { type Felt, inverse, MONTY_R, mul, twoAdicGenerator } from '../../field/babybear.ts';
import { DIGEST_ELEMS, type Poseidon2Constants } from '../../hash/types.ts';
import { difStageWgsl, ldeScatterWgsl } from '../../shaders/ntt.wgsl.ts';
import {
  AbsorbFlag,
  absorbRowsWgsl,
  COMPRESS_WG,
  compressLevelsWgsl,
  MAX_LEVELS_PER_DISPATCH,
  poseidon2ConstWords,
} from '../../shaders/poseidon2.wgsl.ts';
import { BufferUsage, type GpuContext, GpuError, GpuErrorCode } from '../gpu-context.ts';

/** Workgroup size of the element-wise kernels. */
export const WG = 64;
const PARAM_STRIDE_WORDS = 64; // 256-byte aligned uniform blocks
const SPONGE_RATE = 8;
/** Tables kept beyond this count are evicted (oldest first) unless a pending plan pins them. */
export const TABLE_CACHE_LIMIT = 64;

/** A buffer binding: whole buffer, or a range of it. */
export type Resource = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

/** One dispatch of a plan. */
export interface Step {
  readonly pipeline: GPUComputePipeline;
  readonly resources: readonly Resource[];
  readonly params: ArrayLike<number>;
  readonly threads: number;
  /** Binds the Poseidon2 round-constant block after the params block. */
  readonly rc?: boolean;
  /** Workgroups to launch instead of ceil(threads / WG) (kernels with their own workgroup size). */
  readonly groups?: number;
}

/** The steps of one submission, the temporaries it owns and the tables it pins. */
export interface Plan {
  readonly steps: Step[];
  readonly owned: GPUBuffer[];
  readonly pins: string[];
}

/** A row-major matrix in a device buffer (rows x width canonical words). */
export interface DeviceMatrix {
  readonly buffer: GPUBuffer;
  readonly width: number;
  readonly rows: number;
}

/** A Merkle tree in one device buffer: layer 0 (leaf digests) first, the root last. */
export interface DeviceTree {
  readonly buffer: GPUBuffer;
  /** Digests in all layers (2 H - 1). */
  readonly digests: number;
  /** Nodes per layer, leaves first. */
  readonly layerSizes: readonly number[];
}

/** A new empty plan. */
export const newPlan = (): Plan => ({ steps: [], owned: [], pins: [] });

export const isPow2 = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

/** The kernels' plumbing over one GpuContext. */
export class Engine {
  readonly ctx: GpuContext;
  readonly constants: Poseidon2Constants;
  private readonly tables = new Map<string, GPUBuffer>();
  private readonly pinCount = new Map<string, number>();
  private rcBuffer: GPUBuffer | undefined;

  /**
   * @param ctx the device context
   * @param constants the Poseidon2-16 constant set of the configuration
   */
  constructor(ctx: GpuContext, constants: Poseidon2Constants) {
    this.ctx = ctx;
    this.constants = constants;
    poseidon2ConstWords(constants); // validates the set before any GPU work
  }

  /** Number of cached tables (test hook for the eviction rule). */
  get tableCount(): number {
    return this.tables.size;
  }

  /**
   * A device buffer of `words` zeroed words (STORAGE | COPY_SRC | COPY_DST).
   * @throws {GpuError} as GpuContext.createBuffer
   */
  storage(words: number, label: string): Promise<GPUBuffer> {
    return this.ctx.createBuffer(
      words * 4,
      BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      label,
    );
  }

  /** A temporary storage buffer destroyed by release(plan). */
  async temp(plan: Plan, words: number, label: string): Promise<GPUBuffer> {
    const b = await this.storage(words, label);
    plan.owned.push(b);
    return b;
  }

  /** A temporary buffer holding `data`, destroyed by release(plan). */
  async tempUpload(plan: Plan, data: Uint32Array, label: string): Promise<GPUBuffer> {
    const b = await this.ctx.upload(data, label);
    plan.owned.push(b);
    return b;
  }

  /**
   * A cached read-only table, pinned by `plan` until release(plan). Beyond TABLE_CACHE_LIMIT
   * tables the oldest unpinned ones are evicted.
   */
  async table(plan: Plan, key: string, make: () => Uint32Array): Promise<GPUBuffer> {
    let b = this.tables.get(key);
    if (b === undefined) {
      b = await this.ctx.upload(make(), key);
      this.tables.set(key, b);
    }
    plan.pins.push(key);
    this.pinCount.set(key, (this.pinCount.get(key) ?? 0) + 1);
    this.evict();
    return b;
  }

  private evict(): void {
    if (this.tables.size <= TABLE_CACHE_LIMIT) return;
    for (const [k, v] of this.tables) {
      if (this.tables.size <= TABLE_CACHE_LIMIT / 2) break;
      if ((this.pinCount.get(k) ?? 0) > 0) continue;
      v.destroy();
      this.tables.delete(k);
    }
  }

  /** Destroys a plan's temporaries and unpins its tables. */
  release(plan: Plan): void {
    for (const b of plan.owned) b.destroy();
    plan.owned.length = 0;
    for (const k of plan.pins) {
      const n = (this.pinCount.get(k) ?? 1) - 1;
      if (n <= 0) this.pinCount.delete(k);
      else this.pinCount.set(k, n);
    }
    plan.pins.length = 0;
    plan.steps.length = 0;
    this.evict();
  }

  /** The Poseidon2 round-constant uniform block (created once per engine). */
  private async roundConstants(): Promise<GPUBuffer> {
    if (this.rcBuffer === undefined) {
      const words = poseidon2ConstWords(this.constants);
      const b = await this.ctx.createBuffer(
        words.byteLength,
        BufferUsage.UNIFORM | BufferUsage.COPY_DST,
        'poseidon2-rc',
      );
      this.ctx.write(b, 0, words);
      this.rcBuffer = b;
    }
    return this.rcBuffer;
  }

  /**
   * Submits the plan's steps in one compute pass (params in one uniform buffer) and clears them.
   * The plan's temporaries stay alive (release them after the last use).
   * @throws {GpuError} 'validation', 'too-large', 'device-lost', 'out-of-memory'
   */
  async run(plan: Plan, what: string): Promise<void> {
    const steps = plan.steps;
    if (steps.length === 0) return;
    const ctx = this.ctx;
    const words = new Uint32Array(steps.length * PARAM_STRIDE_WORDS);
    for (let s = 0; s < steps.length; s++) words.set(steps[s].params, s * PARAM_STRIDE_WORDS);
    const ubuf = await ctx.createBuffer(
      words.byteLength,
      BufferUsage.UNIFORM | BufferUsage.COPY_DST,
      'params',
    );
    plan.owned.push(ubuf);
    ctx.write(ubuf, 0, words);
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
      const groups = st.groups ?? Math.ceil(st.threads / WG);
      if (groups === 0) continue;
      const x = Math.min(groups, maxDim);
      const y = Math.ceil(groups / x);
      if (y > maxDim) {
        pass.end();
        await device.popErrorScope();
        throw new GpuError(GpuErrorCode.tooLarge, `${what}: ${st.threads} invocations exceed the grid`);
      }
      pass.setPipeline(st.pipeline);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(x, y);
    }
    pass.end();
    const cmd = enc.finish();
    const err = await device.popErrorScope();
    steps.length = 0;
    if (err !== null) throw new GpuError(GpuErrorCode.validation, `${what}: ${err.message}`);
    await ctx.submit([cmd], what);
  }

  /**
   * Appends the coset LDE of `src` (h x w natural-order evaluations, transformed in place into
   * `planIdft`'s coefficient layout) by 2^logBlowup with `shift`; returns the output (committed
   * bit-reversed row order).
   * @param keep allocate the output outside the plan (the caller owns it)
   */
  async planLde(
    plan: Plan,
    src: DeviceMatrix,
    logBlowup: number,
    shift: Felt,
    keep: boolean,
  ): Promise<DeviceMatrix> {
    await this.planIdft(plan, src);
    return this.planExtend(plan, src, logBlowup, shift, keep);
  }

  /**
   * Appends the unscaled inverse DFT of `src` in place: natural-order evaluations become h times
   * the coefficients, coefficient i at row rev(i) (the input `planExtend` takes).
   */
  async planIdft(plan: Plan, src: DeviceMatrix): Promise<void> {
    const h = src.rows;
    if (!isPow2(h)) throw new GpuError(GpuErrorCode.unsupported, 'LDE height not a power of two');
    const logH = Math.log2(h);
    if (logH === 0) return;
    const dif = await this.ctx.pipeline(`dif:${WG}`, () => difStageWgsl({ wg: WG }));
    const itw = await this.table(plan, `itw:${logH}`, () => twiddleTable(logH, true));
    difStages(plan, dif, src.buffer, itw, logH, src.width);
  }

  /**
   * Appends the coset evaluation of `planIdft`'s output on shift * H_(h 2^logBlowup), rows in the
   * committed bit-reversed order; `coeffs` is left unchanged.
   * @param keep allocate the output outside the plan (the caller owns it)
   */
  async planExtend(
    plan: Plan,
    coeffs: DeviceMatrix,
    logBlowup: number,
    shift: Felt,
    keep: boolean,
  ): Promise<DeviceMatrix> {
    const h = coeffs.rows;
    const w = coeffs.width;
    const logH = Math.log2(h);
    const logN = logH + logBlowup;
    const rows = h << logBlowup;
    const out = keep ? await this.storage(rows * w, 'lde') : await this.temp(plan, rows * w, 'lde');
    const scatter = await this.ctx.pipeline(`scatter:${WG}`, () => ldeScatterWgsl({ wg: WG }));
    const scale = await this.table(plan, `scale:${shift}:${logH}`, () => scaleTable(shift, logH));
    plan.steps.push({
      pipeline: scatter,
      resources: [coeffs.buffer, out, scale],
      params: [w, logH, h * w],
      threads: h * w,
    });
    if (logN > 0) {
      const dif = await this.ctx.pipeline(`dif:${WG}`, () => difStageWgsl({ wg: WG }));
      const ftw = await this.table(plan, `ftw:${logN}`, () => twiddleTable(logN, false));
      difStages(plan, dif, out, ftw, logN, w);
    }
    return { buffer: out, width: w, rows };
  }

  /** Appends sponge-absorb steps hashing the concatenated rows of `ins` into `digests` at digest `at`. */
  async planAbsorb(plan: Plan, ins: readonly DeviceMatrix[], digests: GPUBuffer, at: number): Promise<void> {
    const rows = ins[0].rows;
    const absorb = await this.ctx.pipeline(`absorb:${WG}`, () => absorbRowsWgsl({ wg: WG }));
    const nonEmpty = ins.filter((x) => x.width > 0);
    if (nonEmpty.length === 0) throw new GpuError(GpuErrorCode.unsupported, 'leaf of width 0');
    const state =
      nonEmpty.length > 1
        ? await this.temp(plan, rows * 16, 'sponge-state')
        : await this.temp(plan, 16, 'sponge');
    let pos = 0;
    for (let k = 0; k < nonEmpty.length; k++) {
      const x = nonEmpty[k];
      const flags = (k === 0 ? AbsorbFlag.first : 0) | (k === nonEmpty.length - 1 ? AbsorbFlag.last : 0);
      plan.steps.push({
        pipeline: absorb,
        resources: [x.buffer, state, digests],
        params: [rows, x.width, pos, flags, at * DIGEST_ELEMS],
        threads: rows,
        rc: true,
      });
      pos = (pos + x.width) % SPONGE_RATE;
    }
  }

  /**
   * Appends leaf hashing and all compression levels of the MMCS tree over `mats` (power-of-two
   * heights, tallest group hashed first, smaller groups injected at their level, docs/protocol.md §5.3).
   * @param keep allocate the tree outside the plan (the caller owns it)
   */
  async planTree(plan: Plan, mats: readonly DeviceMatrix[], keep: boolean): Promise<DeviceTree> {
    if (mats.length === 0) throw new RangeError('commit: no matrices');
    // stable sort by height, tallest first (docs/protocol.md §5.3)
    const order = mats.map((m, i) => ({ m, i })).sort((a, b) => b.m.rows - a.m.rows || a.i - b.i);
    const H = order[0].m.rows;
    const groups = new Map<number, DeviceMatrix[]>();
    for (const { m } of order) {
      if (!isPow2(m.rows)) throw new GpuError(GpuErrorCode.unsupported, 'commit: height not a power of two');
      const g = groups.get(m.rows);
      if (g === undefined) groups.set(m.rows, [m]);
      else g.push(m);
    }
    const layerSizes: number[] = [];
    for (let n = H; n >= 1; n /= 2) layerSizes.push(n);
    const digests = 2 * H - 1;
    const tree = keep
      ? await this.storage(digests * DIGEST_ELEMS, 'merkle-tree')
      : await this.temp(plan, digests * DIGEST_ELEMS, 'merkle-tree');
    await this.planAbsorb(plan, groups.get(H) ?? [], tree, 0);
    const compress = await this.ctx.pipeline('compress', compressLevelsWgsl);
    const dummy = await this.temp(plan, DIGEST_ELEMS, 'inj-dummy');
    let nIn = H;
    let inOff = 0;
    while (nIn > 1) {
      const outOff = inOff + nIn;
      const inj = groups.get(nIn / 2);
      let levels = 1;
      let injBuf = dummy;
      if (inj !== undefined) {
        injBuf = await this.temp(plan, (nIn / 2) * DIGEST_ELEMS, 'inj-digests');
        await this.planAbsorb(plan, inj, injBuf, 0);
      }
      while (levels < MAX_LEVELS_PER_DISPATCH && nIn >> levels > 1 && !groups.has(nIn >> (levels + 1)))
        levels++;
      const nOut = nIn / 2;
      plan.steps.push({
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

  /** Destroys the cached tables and constants; idempotent. */
  close(): void {
    for (const b of this.tables.values()) b.destroy();
    this.tables.clear();
    this.pinCount.clear();
    this.rcBuffer?.destroy();
    this.rcBuffer = undefined;
  }
}

function difStages(
  plan: Plan,
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
    plan.steps.push({
      pipeline: dif,
      resources: [data, tw],
      params: [half, logHalf, w, n / (2 * half), count],
      threads: count,
    });
  }
}

/** Canonical words to Montgomery form (x R mod P). */
export function toMontgomeryArray(xs: ArrayLike<number>): Uint32Array {
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
