/**
 * WebGpuBackend: every operation of the Backend seam as WGSL kernels on one GpuContext, with the
 * prover's data resident on the device. The trace is uploaded once (ldeAndCommit); LDEs, Merkle
 * trees, the quotient, reduced openings and FRI vectors live in device buffers behind their
 * handles. What comes back is what the protocol needs: roots, opened values, the final polynomial,
 * the PoW witness and the query openings (all queries of all commitments gathered on the device and
 * read back at once). FRI rounds on vectors of at most HOST_TAIL_LEN elements run on host copies
 * (one read of a few KiB), where a dispatch would cost more than the work.
 *
 * CPU twin: src/runtime/cpu.ts (CpuBackend, the specification of every operation). Kernels:
 * src/shaders/*.wgsl.ts; plumbing: src/runtime/webgpu/engine.ts; PCS/FRI plans:
 * src/runtime/webgpu/ops.ts; quotient: src/runtime/webgpu/quotient.ts.
 *
 * Supported shapes: power-of-two heights (mixed heights allowed, docs/protocol.md §5.3). Others throw GpuError
 * 'unsupported'; buffers above the device's binding limit throw 'too-large'; device loss throws
 * 'device-lost' and every wait times out (GpuContext). FallbackBackend (select.ts) answers all of
 * these on the CPU with identical bytes.
 *
 * Invariants: inputs and outputs are canonical; a handle's buffers are destroyed by release() or
 * close() (a FRI round's commitment shares its vector's buffer, freed when both are released);
 * nothing here imports node or webgpu.
 */
import { type Felt, GENERATOR } from '../field/babybear.ts';
import { type Ext4, ext4AddInto, ext4MulInto } from '../field/ext4.ts';
import { height, type Matrix, matrix } from '../field/matrix.ts';
import { finalPolyFromEvals, foldVector, rollInto } from '../fri/fold.ts';
import { evaluateLdeAt } from '../fri/open.ts';
import { poseidon2Of } from '../hash/poseidon2.ts';
import { DIGEST_ELEMS, type Poseidon2Constants } from '../hash/types.ts';
import {
  commitMatrices,
  type MerkleConfig,
  type BatchOpening as MerkleOpening,
  type MerkleTree,
  openBatch,
} from '../merkle/mmcs.ts';
import { splitChunkWgsl } from '../shaders/quotient.wgsl.ts';
import {
  type Backend,
  type BackendHandle,
  BackendKind,
  type CommittedHandle,
  type ExtVectorHandle,
  type PowTemplate,
  type QuotientSpec,
  type ReduceRound,
  type TransferLedger,
} from './backend.ts';
import { type GpuContext, GpuError, GpuErrorCode } from './gpu-context.ts';
import {
  type DeviceMatrix,
  type DeviceTree,
  Engine,
  isPow2,
  newPlan,
  type Plan,
  WG,
} from './webgpu/engine.ts';
import { GpuCommitted, GpuVector, Shared } from './webgpu/handles.ts';
import {
  type DeviceReduceTerm,
  evaluateOnDevice,
  ext4Pow,
  gatherOpenings,
  grindOnDevice,
  planFold,
  planReduce,
  sameIndices,
} from './webgpu/ops.ts';
import { planQuotient } from './webgpu/quotient.ts';

/** Options of WebGpuBackend. */
export interface WebGpuBackendOptions {
  /** The Poseidon2-16 constant set of the configuration (leaf hash and compression). */
  readonly constants: Poseidon2Constants;
  /** Whether close() also closes the context (default true). */
  readonly ownsContext?: boolean;
}

/** FRI vectors of at most this many EF elements are committed and folded on host copies. */
export const HOST_TAIL_LEN = 256;

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
  private readonly mmcs: MerkleConfig;
  private readonly live = new Set<GpuCommitted>();
  private readonly prefetched = new Map<
    GpuCommitted,
    { indices: readonly number[]; openings: MerkleOpening[] }
  >();
  private closed = false;

  /**
   * @param ctx an open GPU context (the backend closes it in close())
   * @param opts Poseidon2 constant set
   */
  constructor(ctx: GpuContext, opts: WebGpuBackendOptions) {
    this.ctx = ctx;
    this.constants = opts.constants;
    this.ownsContext = opts.ownsContext ?? true;
    this.engine = new Engine(ctx, opts.constants);
    this.mmcs = { perm: poseidon2Of(opts.constants) };
  }

  /** The adapter description (e.g. 'llvmpipe ...'). */
  get adapterName(): string {
    const i = this.ctx.adapterInfo;
    return [i.vendor, i.architecture, i.device, i.description].filter((s) => s !== '').join(' / ');
  }

  /**
   * Backend.ldeAndCommit: uploads each matrix once, LDE + Merkle tree on the device, reads the root.
   * @param evals natural-order evaluations, heights powers of two
   * @param logBlowup log2 of the blowup
   * @param shifts one coset shift per matrix
   * @returns the commitment (LDEs and tree stay on the device)
   * @throws {GpuError} on device loss, OOM, too-large buffers, timeouts, unsupported shapes
   */
  async ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle> {
    this.ctx.check();
    if (shifts.length !== evals.length) throw new RangeError('ldeAndCommit: one shift per matrix');
    for (const m of evals) {
      if (!isPow2(height(m)))
        throw new GpuError(GpuErrorCode.unsupported, 'ldeAndCommit: height not a power of two');
    }
    return this.commitWith(async (plan, kept, coeffs, ldes) => {
      for (let k = 0; k < evals.length; k++) {
        const src = await this.ctx.upload(evals[k].values, 'trace');
        kept.push(src);
        const m = { buffer: src, width: evals[k].width, rows: height(evals[k]) };
        await this.planLde(plan, m, logBlowup, shifts[k], kept, coeffs, ldes);
      }
    });
  }

  /**
   * Runs `build` (which plans the LDEs and pushes the buffers to keep), then commits the LDEs;
   * on failure every kept buffer is destroyed.
   */
  private async commitWith(
    build: (plan: Plan, kept: GPUBuffer[], coeffs: DeviceMatrix[], ldes: DeviceMatrix[]) => Promise<void>,
  ): Promise<GpuCommitted> {
    const plan = newPlan();
    const kept: GPUBuffer[] = [];
    try {
      const coeffs: DeviceMatrix[] = [];
      const ldes: DeviceMatrix[] = [];
      await build(plan, kept, coeffs, ldes);
      return await this.commitDevice(
        plan,
        ldes,
        ldes.map((l) => new Shared(l.buffer)),
        coeffs,
        kept,
      );
    } catch (err) {
      for (const b of kept) b.destroy();
      throw err;
    } finally {
      this.engine.release(plan);
    }
  }

  /** Plans IDFT (in place: `m` becomes coefficients) and coset LDE of `m`, keeping the LDE. */
  private async planLde(
    plan: Plan,
    m: DeviceMatrix,
    logBlowup: number,
    shift: Felt,
    kept: GPUBuffer[],
    coeffs: DeviceMatrix[],
    ldes: DeviceMatrix[],
  ): Promise<void> {
    await this.engine.planIdft(plan, m);
    coeffs.push(m);
    const lde = await this.engine.planExtend(plan, m, logBlowup, shift, true);
    kept.push(lde.buffer);
    ldes.push(lde);
  }

  /** Plans the tree over device matrices, runs the plan, reads the root; the handle owns `kept`. */
  private async commitDevice(
    plan: Plan,
    ldes: DeviceMatrix[],
    held: Shared[],
    coeffs: DeviceMatrix[],
    kept: GPUBuffer[],
  ): Promise<GpuCommitted> {
    const tree = await this.engine.planTree(plan, ldes, true);
    kept.push(tree.buffer);
    await this.engine.run(plan, 'commit');
    const [root] = await this.ctx.read([
      { buffer: tree.buffer, offset: (tree.digests - 1) * DIGEST_ELEMS * 4, size: DIGEST_ELEMS * 4 },
    ]);
    const shapes = ldes.map((m) => ({ width: m.width, height: m.rows }));
    const c = new GpuCommitted(this, root, shapes, { ldes, held, coeffs, tree }, null);
    this.live.add(c);
    return c;
  }

  /**
   * Backend.evalQuotient: the folded quotient over Q from the committed trace LDE, on the device.
   * @param trace the trace commitment (shift GEN)
   * @param spec the AIR, log trace height and publics
   * @param alpha the folding challenge
   * @returns the quotient (device resident)
   * @throws {GpuError} as ldeAndCommit
   */
  async evalQuotient(trace: CommittedHandle, spec: QuotientSpec, alpha: Ext4): Promise<ExtVectorHandle> {
    const t = this.committed(trace);
    const c = spec.compiled;
    const lqc = c.logQuotientChunks;
    const e = this.engine;
    const plan = newPlan();
    try {
      let lde = t.ldes[0];
      if (lde === undefined) throw new GpuError(GpuErrorCode.unsupported, 'evalQuotient: no device trace');
      if (lde.rows < 2 ** (spec.logN + lqc))
        lde = await e.planExtend(plan, t.coeffs[0], lqc, GENERATOR, false);
      const out = await planQuotient(e, plan, c, lde, spec.logN, spec.publics, alpha);
      try {
        await e.run(plan, 'evalQuotient');
      } catch (err) {
        out.destroy();
        throw err;
      }
      return new GpuVector(this, 2 ** (spec.logN + lqc), new Shared(out), null);
    } finally {
      e.release(plan);
    }
  }

  /**
   * Backend.commitQuotient: split into chunks, LDE and commit on the device; reads the root.
   * @param quotient the quotient (evalQuotient)
   * @param numChunks number of chunks
   * @param logBlowup log2 of the blowup
   * @param shifts LDE shift per chunk
   * @returns the commitment
   * @throws {GpuError} as ldeAndCommit
   */
  async commitQuotient(
    quotient: ExtVectorHandle,
    numChunks: number,
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle> {
    const q = this.vector(quotient);
    const rows = q.length / numChunks;
    if (!isPow2(rows) || shifts.length !== numChunks)
      throw new GpuError(GpuErrorCode.unsupported, 'commitQuotient: bad chunk shape');
    return this.commitWith(async (plan, kept, coeffs, ldes) => {
      const src = q.shared?.buffer ?? (await this.engine.tempUpload(plan, q.host as Uint32Array, 'quotient'));
      const split = await this.ctx.pipeline(`split:${WG}`, () => splitChunkWgsl({ wg: WG }));
      for (let i = 0; i < numChunks; i++) {
        const chunk = await this.engine.storage(4 * rows, 'quotient-chunk');
        kept.push(chunk);
        plan.steps.push({
          pipeline: split,
          resources: [src, chunk],
          params: [i, numChunks, rows],
          threads: rows,
        });
        await this.planLde(plan, { buffer: chunk, width: 4, rows }, logBlowup, shifts[i], kept, coeffs, ldes);
      }
    });
  }

  /**
   * Backend.evaluateAt: barycentric sums on the device, all values read back at once.
   * @param committed a commitment of this backend
   * @param logBlowup its blowup
   * @param points points[m] = EF points of matrix m
   * @returns values[m][p], 4 per column
   * @throws {GpuError} as ldeAndCommit
   */
  async evaluateAt(
    committed: CommittedHandle,
    logBlowup: number,
    points: readonly (readonly Ext4[])[],
  ): Promise<Uint32Array[][]> {
    const c = this.committed(committed);
    if (c.host !== null) {
      return c.host.matrices.map((m, mi) => points[mi].map((z) => evaluateLdeAt(m, logBlowup, z)));
    }
    return evaluateOnDevice(this.engine, c.ldes, logBlowup, points);
  }

  /**
   * Backend.reduceOpenings: one accumulator per height on the device, nothing read back.
   * @param rounds the opened rounds
   * @param alpha the batching challenge
   * @returns one device vector per height, tallest first
   * @throws {GpuError} as ldeAndCommit
   */
  async reduceOpenings(rounds: readonly ReduceRound[], alpha: Ext4): Promise<ExtVectorHandle[]> {
    const cs = rounds.map((r) => this.committed(r.committed));
    let maxWidth = 0;
    for (const c of cs) for (const s of c.shapes) maxWidth = Math.max(maxWidth, s.width);
    const alphaPows = new Uint32Array(4 * (maxWidth + 1));
    alphaPows[0] = 1;
    for (let k = 1; k <= maxWidth; k++) ext4MulInto(alphaPows, 4 * k, alphaPows, 4 * (k - 1), alpha, 0);
    const e = this.engine;
    const plan = newPlan();
    const accs = new Map<number, GPUBuffer>();
    const offsets = new Map<number, number>();
    const t = new Uint32Array(4);
    try {
      for (let ri = 0; ri < rounds.length; ri++) {
        const c = cs[ri];
        if (c.host !== null) throw new GpuError(GpuErrorCode.unsupported, 'reduceOpenings: host commitment');
        for (let mi = 0; mi < c.ldes.length; mi++) {
          const m = c.ldes[mi];
          const h = Math.log2(m.rows);
          let acc = accs.get(h);
          if (acc === undefined) {
            acc = await e.storage(4 * m.rows, 'reduced-opening');
            accs.set(h, acc);
          }
          const terms: DeviceReduceTerm[] = [];
          const pts = rounds[ri].points[mi];
          for (let pi = 0; pi < pts.length; pi++) {
            const y = rounds[ri].values[mi][pi];
            const yComb = new Uint32Array(4);
            for (let col = 0; col < m.width; col++) {
              ext4MulInto(t, 0, y, 4 * col, alphaPows, 4 * col);
              ext4AddInto(yComb, 0, yComb, 0, t, 0);
            }
            const k = offsets.get(h) ?? 0;
            offsets.set(h, k + m.width);
            terms.push({ z: pts[pi], alphaPowK: ext4Pow(alpha, k), yComb });
          }
          await planReduce(e, plan, m, acc, alphaPows, terms);
        }
      }
      await e.run(plan, 'reduceOpenings');
      const hs = [...accs.keys()].sort((a, b) => b - a);
      return hs.map((h) => new GpuVector(this, 2 ** h, new Shared(accs.get(h) as GPUBuffer), null));
    } catch (err) {
      for (const b of accs.values()) b.destroy();
      throw err;
    } finally {
      e.release(plan);
    }
  }

  /**
   * Backend.commitFriRound: the tree over the vector's rows built in place on the device (reads the
   * root); vectors of at most HOST_TAIL_LEN elements are read once and committed on the host.
   * @param v the round's vector
   * @param logArity log2 of the arity
   * @returns the commitment
   * @throws {GpuError} as ldeAndCommit
   */
  async commitFriRound(v: ExtVectorHandle, logArity: number): Promise<CommittedHandle> {
    const x = this.vector(v);
    const width = 4 << logArity;
    if (x.host !== null || x.length <= HOST_TAIL_LEN) {
      const values = await this.hostValues(x);
      const tree = commitMatrices(this.mmcs, [matrix(values, width)]);
      const shapes = [{ width, height: x.length >>> logArity }];
      return new GpuCommitted(this, tree.root, shapes, null, tree);
    }
    const shared = x.shared as Shared;
    const plan = newPlan();
    const kept: GPUBuffer[] = [];
    try {
      const m = { buffer: shared.buffer, width, rows: x.length >>> logArity };
      shared.refs++;
      try {
        return await this.commitDevice(plan, [m], [shared], [], kept);
      } catch (err) {
        shared.drop();
        throw err;
      }
    } catch (err) {
      for (const b of kept) b.destroy();
      throw err;
    } finally {
      this.engine.release(plan);
    }
  }

  /**
   * Backend.foldFri: arity-2 folds and the roll-in on the device (host copies in the FRI tail).
   * @param v the vector
   * @param beta the challenge
   * @param logArity log2 of the arity
   * @param rollIn a vector of the folded length, or null
   * @returns the folded vector
   * @throws {GpuError} as ldeAndCommit
   */
  async foldFri(
    v: ExtVectorHandle,
    beta: Ext4,
    logArity: number,
    rollIn: ExtVectorHandle | null,
  ): Promise<ExtVectorHandle> {
    const x = this.vector(v);
    const r = rollIn === null ? null : this.vector(rollIn);
    const len = x.length >>> logArity;
    if (r !== null && r.length !== len) throw new RangeError('foldFri: roll-in length differs');
    if (x.host !== null) {
      const folded = foldVector(x.host, beta, logArity);
      if (r !== null) rollInto(folded, await this.hostValues(r), beta, logArity);
      return new GpuVector(this, len, null, folded);
    }
    const e = this.engine;
    const plan = newPlan();
    try {
      const rb =
        r === null
          ? null
          : (r.shared?.buffer ?? (await e.tempUpload(plan, r.host as Uint32Array, 'roll-in')));
      const out = await planFold(e, plan, (x.shared as Shared).buffer, x.length, beta, logArity, rb);
      try {
        await e.run(plan, 'foldFri');
      } catch (err) {
        out.destroy();
        throw err;
      }
      return new GpuVector(this, len, new Shared(out), null);
    } finally {
      e.release(plan);
    }
  }

  /**
   * Backend.finalPoly: reads the head of the last vector (unless on the host) and runs the IDFT.
   * @param v the last folded vector
   * @param logFinalPolyLen log2 of the final polynomial's length
   * @returns the coefficients
   * @throws {GpuError} as ldeAndCommit
   */
  async finalPoly(v: ExtVectorHandle, logFinalPolyLen: number): Promise<Uint32Array> {
    const x = this.vector(v);
    const n = 1 << logFinalPolyLen;
    if (n > x.length) throw new RangeError('finalPoly: vector shorter than the final polynomial');
    const vals =
      x.host ?? (await this.ctx.read([{ buffer: (x.shared as Shared).buffer, offset: 0, size: 16 * n }]))[0];
    return finalPolyFromEvals(vals, logFinalPolyLen);
  }

  /**
   * Backend.grind: batches of candidates on the device, the smallest valid one (as the CPU's
   * sequential search).
   * @param template the candidate-test state
   * @param bits PoW bits
   * @returns the witness
   * @throws {GpuError} as ldeAndCommit
   */
  async grind(template: PowTemplate, bits: number): Promise<number> {
    this.ctx.check();
    if (template.state.length !== 16) throw new GpuError(GpuErrorCode.unsupported, 'grind: width 16 only');
    return grindOnDevice(this.engine, template, bits);
  }

  /**
   * Backend.openRows: rows and Merkle paths gathered on the device. The first call also gathers,
   * at the same query indices (shifted to each height), every other live device commitment no
   * taller than this one, so all query openings of a proof come back in one read.
   * @param committed a commitment of this backend
   * @param indices rows of the tallest matrix
   * @returns one opening per index
   * @throws {RangeError} for an index out of range; GpuError as ldeAndCommit
   */
  async openRows(committed: CommittedHandle, indices: readonly number[]): Promise<MerkleOpening[]> {
    const c = this.committed(committed);
    const H = Math.max(...c.shapes.map((s) => s.height));
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= H)
        throw new RangeError(`openRows: index ${i} outside [0, ${H})`);
    }
    if (c.host !== null) return indices.map((i) => openBatch(c.host as MerkleTree, i));
    const hit = this.prefetched.get(c);
    if (hit !== undefined && sameIndices(hit.indices, indices)) {
      this.prefetched.delete(c);
      return hit.openings;
    }
    const logH = Math.log2(H);
    const targets: { c: GpuCommitted; indices: number[] }[] = [{ c, indices: indices.slice() }];
    for (const d of this.live) {
      if (d === c || d.tree === null) continue;
      const hd = Math.log2(d.tree.layerSizes[0]);
      if (hd > logH) continue;
      targets.push({ c: d, indices: indices.map((i) => i >>> (logH - hd)) });
    }
    const all = await gatherOpenings(
      this.engine,
      targets.map((t) => ({ ldes: t.c.ldes, tree: t.c.tree as DeviceTree, indices: t.indices })),
    );
    for (let k = 1; k < targets.length; k++) {
      this.prefetched.set(targets[k].c, { indices: targets[k].indices, openings: all[k] });
    }
    return all[0];
  }

  /**
   * Backend.release: frees the handle's device buffers; idempotent.
   * @param h a handle of this backend
   */
  release(h: BackendHandle): void {
    if (h instanceof GpuCommitted && h.owner === this && !h.released) {
      h.released = true;
      this.live.delete(h);
      this.prefetched.delete(h);
      if (this.closed) return;
      for (const s of h.held) s.drop();
      for (const m of h.coeffs) m.buffer.destroy();
      h.tree?.buffer.destroy();
    } else if (h instanceof GpuVector && h.owner === this && !h.released) {
      h.released = true;
      if (!this.closed) h.shared?.drop();
      h.host = null;
    }
  }

  /**
   * Backend.ledger: the context's transfer counts.
   * @returns a snapshot
   */
  ledger(): TransferLedger {
    return this.ctx.ledger();
  }

  /** Releases every handle's buffers, the cached tables, and closes the context (if owned); idempotent. */
  close(): void {
    if (this.closed) return;
    for (const c of [...this.live]) this.release(c);
    this.closed = true;
    this.engine.close();
    if (this.ownsContext) this.ctx.close();
  }

  private committed(h: CommittedHandle): GpuCommitted {
    this.ctx.check();
    if (!(h instanceof GpuCommitted) || h.owner !== this)
      throw new RangeError('not a commitment of this backend');
    if (h.released) throw new RangeError('commitment already released');
    return h;
  }

  private vector(h: ExtVectorHandle): GpuVector {
    this.ctx.check();
    if (!(h instanceof GpuVector) || h.owner !== this) throw new RangeError('not a vector of this backend');
    if (h.released) throw new RangeError('vector already released');
    return h;
  }

  /** The vector's values on the host (one read-back for a device vector, kept as its host copy). */
  private async hostValues(x: GpuVector): Promise<Uint32Array> {
    if (x.host === null) {
      const [v] = await this.ctx.read([
        { buffer: (x.shared as Shared).buffer, offset: 0, size: 16 * x.length },
      ]);
      x.host = v;
    }
    return x.host;
  }
}
