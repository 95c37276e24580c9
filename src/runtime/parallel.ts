/**
 * ParallelCpuBackend: every Backend operation, with the heavy loops split across a WorkerPool.
 * It extends CpuBackend and overrides only the loops beneath the operations: coset LDE by
 * column ranges (one job per range, all matrices of a call in one batch), Merkle commitment by
 * aligned leaf ranges (each job hashes its leaves and builds its subtree, including injected
 * shorter matrices; the few top levels are compressed on the calling thread), quotient rows,
 * barycentric sums, reduced-opening rows and proof-of-work candidate ranges. FRI folding, the
 * quotient split and the final polynomial are CpuBackend's. Mirrors the parallel loops of
 * Plonky3/Plonky3:dft/src/traits.rs (coset_lde_batch) and
 * Plonky3/Plonky3:merkle-tree/src/merkle_tree.rs (MerkleTree::new).
 *
 * By default the calling thread is one more runner: it takes jobs from each pool run's queue
 * (WorkerPool RunOptions.runLocal), so a pool of k - 1 workers keeps k cores busy; jobs are cut
 * for workers + 1 runners.
 *
 * Invariants: results are byte-identical to CpuBackend for any pool size and either setting of
 * useCallingThread (the same CPU code runs on disjoint ranges); LDE outputs and committed
 * matrices live in SharedArrayBuffer; inputs are copied once into shared memory unless already
 * there. Small inputs, and trees whose heights are not powers of two, take the CpuBackend path.
 */
import type { QuotientInputs } from '../air/eval.ts';
import type { CompiledAir } from '../air/program.ts';
import { add, type Felt, P } from '../field/babybear.ts';
import { height, type Matrix, matrix } from '../field/matrix.ts';
import { reduceTerms, scaleBarycentric } from '../fri/open.ts';
import type { Poseidon2ConstantSetName } from '../hash/poseidon2.ts';
import { permSetOf, poseidon2ForSet } from '../hash/poseidon2.ts';
import { DIGEST_ELEMS } from '../hash/types.ts';
import type { MerkleTree } from '../merkle/mmcs.ts';
import type { PowTemplate } from './backend.ts';
import { type ConfigConstants, CpuBackend } from './cpu.ts';
import { type KernelMethod, kernelApi } from './workers/api.ts';
import type { JobOf, PoolProgress, ResultOf, WorkerPool } from './workers/pool.ts';
import {
  type GrindJob,
  type JobRange,
  type LdeJob,
  type MerkleJob,
  mapSelectors,
  portableCompiledAir,
  type QuotientJob,
  type ReduceJob,
  runMerkleJob,
  runReduceJob,
  type SharedMatrix,
  shareView,
} from './workers/tasks.ts';

/** Options of ParallelCpuBackend. */
export interface ParallelCpuBackendOptions {
  /** Below this many (LDE) rows the work stays on the calling thread (default 2^12). */
  readonly minParallelRows?: number;
  /**
   * Jobs per runner (worker or calling thread) for row ranges; Merkle leaf ranges round the
   * total down to a power of two (default 4: finer jobs balance better between runners).
   */
  readonly jobsPerWorker?: number;
  /**
   * The calling thread runs jobs of each pool run too, as one more runner (default true): with
   * k cores, a pool of k - 1 workers keeps every core busy. False leaves it idle while it waits.
   */
  readonly useCallingThread?: boolean;
  /** Aborts the pool work of this backend's calls. */
  readonly signal?: AbortSignal;
  /** Progress of each pool run (label `lde`, `merkle` or `quotient`). */
  readonly onProgress?: (p: PoolProgress) => void;
  /** close() also closes the pool (default false: the caller owns it). */
  readonly closePool?: boolean;
}

const hasSab = typeof SharedArrayBuffer !== 'undefined';

/** A zeroed Uint32Array of n elements in shared memory (plain memory without SAB). */
function sharedU32(n: number): Uint32Array {
  return hasSab ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n);
}

/** The matrix itself if its values are in shared memory, else a shared copy. */
function toShared(m: Matrix): Matrix {
  if (hasSab && m.values.buffer instanceof SharedArrayBuffer) return m;
  const v = sharedU32(m.values.length);
  v.set(m.values);
  return matrix(v, m.width);
}

const isPow2 = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

/** Host matrices, points and claimed values of one opened round (the reduce hook's input). */
type HostReduceRound = Parameters<typeof reduceTerms>[0][number];

/** Near-equal contiguous ranges of [0, n), at most `parts`, boundaries on multiples of `align`. */
function rowRanges(n: number, parts: number, align = 1): [number, number][] {
  const out: [number, number][] = [];
  const k = Math.max(1, Math.min(parts, Math.ceil(n / align)));
  let prev = 0;
  for (let i = 1; i <= k; i++) {
    const end = i === k ? n : Math.min(n, Math.ceil((i * n) / k / align) * align);
    if (end > prev) out.push([prev, end]);
    prev = Math.max(prev, end);
  }
  return out;
}

/** Splits `w` columns into at most `parts` contiguous ranges of near-equal size. */
function columnRanges(w: number, parts: number): [number, number][] {
  const k = Math.max(1, Math.min(w, parts));
  const out: [number, number][] = [];
  for (let i = 0; i < k; i++) out.push([Math.floor((i * w) / k), Math.floor(((i + 1) * w) / k)]);
  return out;
}

/**
 * Every Backend operation, with the heavy loops on a worker pool; byte-identical to CpuBackend
 * (it inherits CpuBackend's operations and overrides only the loops beneath them).
 * @example
 * const pool = createNodeWorkerPool({ size: 2 });
 * const bytes = await prove(air, trace, publics, config, { backend: new ParallelCpuBackend(pool, config) });
 * pool.close();
 */
export class ParallelCpuBackend extends CpuBackend {
  /** The pool the work runs on. */
  readonly pool: WorkerPool;
  readonly #perm: Poseidon2ConstantSetName;
  readonly #minRows: number;
  readonly #jobsPerWorker: number;
  /** Threads that run jobs: the workers, plus the calling thread unless useCallingThread is false. */
  readonly #runners: number;
  readonly #opts: ParallelCpuBackendOptions;
  #closed = false;
  /** True when the calling thread runs a share of the jobs (option useCallingThread). */
  get usesCallingThread(): boolean {
    return this.#runners > this.pool.size;
  }
  /** Wall time spent waiting for pool runs, and pool runs started, since construction / resetStats(). */
  readonly stats: { poolMs: number; runs: number } = { poolMs: 0, runs: 0 };

  /**
   * @param pool the worker pool (see createNodeWorkerPool / createBrowserWorkerPool)
   * @param config the configuration's Poseidon2 constant set (a StarkConfig will do)
   * @param opts thresholds, cancellation and progress
   */
  constructor(
    pool: WorkerPool,
    config: { readonly constants: ConfigConstants },
    opts: ParallelCpuBackendOptions = {},
  ) {
    const perm = permSetOf(config.constants);
    super({ perm: poseidon2ForSet(perm) });
    this.pool = pool;
    this.#perm = perm;
    this.#minRows = opts.minParallelRows ?? 1 << 12;
    this.#jobsPerWorker = opts.jobsPerWorker ?? 4;
    this.#runners = pool.size + (opts.useCallingThread === false ? 0 : 1);
    this.#opts = opts;
  }

  /**
   * Coset LDEs on the pool: column ranges of every matrix in one batch, outputs in shared memory.
   * @param evals natural-order evaluations per matrix
   * @param logBlowup log2 of the blowup
   * @param shifts coset shift per matrix
   * @returns the LDE matrices (bit-reversed rows)
   */
  protected override async ldes(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<Matrix[]> {
    const maxRows = Math.max(...evals.map((m) => height(m) << logBlowup));
    if (maxRows < this.#minRows) return super.ldes(evals, logBlowup, shifts);
    const ldes: Matrix[] = [];
    const jobs: { job: LdeJob; cost: number }[] = [];
    evals.forEach((m, i) => {
      const w = m.width;
      const rows = height(m) << logBlowup;
      const src = shareView(toShared(m).values);
      const dstValues = sharedU32(rows * w);
      ldes.push(matrix(dstValues, w));
      const dst = shareView(dstValues);
      for (const [c0, c1] of columnRanges(w, this.#runners)) {
        jobs.push({
          job: { src, width: w, colStart: c0, colEnd: c1, logBlowup, shift: shifts[i], dst },
          cost: rows * (c1 - c0),
        });
      }
    });
    jobs.sort((a, b) => b.cost - a.cost); // longest first: better packing
    await this.#run(
      'lde',
      jobs.map((j) => j.job),
    );
    return ldes;
  }

  /**
   * Merkle tree on the pool (leaf ranges with their subtrees; matrices copied to shared memory if
   * needed). Small trees and non-power-of-two heights take the CpuBackend path.
   * @param matrices the matrices, caller order
   * @returns the tree
   */
  protected override merkle(matrices: readonly Matrix[]): Promise<MerkleTree> {
    const heights = matrices.map(height);
    if (matrices.length === 0 || Math.max(...heights) < this.#minRows || !heights.every(isPow2)) {
      return super.merkle(matrices);
    }
    return this.#commitShared(matrices.map(toShared));
  }

  /**
   * evalFoldedQuotient over every row of the quotient domain, rows split across the pool (inputs
   * copied once into shared memory).
   * @param c the compiled AIR
   * @param inp trace, selectors (with invVanishing) and periodic columns on the quotient coset
   * @param alpha the folding challenge
   * @param out receives 4 values per row
   * @throws {AirError} for inconsistent inputs
   */
  protected override async quotientRows(
    c: CompiledAir,
    inp: QuotientInputs,
    alpha: Uint32Array,
    out: Uint32Array,
  ): Promise<void> {
    const rows = height(inp.trace);
    const inv = inp.selectors.invVanishing;
    if (rows < this.#minRows || inv === undefined) return super.quotientRows(c, inp, alpha, out);
    const sv = (a: Uint32Array) => shareView(toShared(matrix(a, 1)).values);
    const outShared = sharedU32(4 * rows);
    const parts = Math.min(rows, this.#runners * this.#jobsPerWorker);
    const block = 256; // evalFoldedQuotient's block size: ranges on block boundaries
    const base: Omit<QuotientJob, keyof JobRange> = {
      compiled: portableCompiledAir(c),
      trace: { values: shareView(toShared(inp.trace).values), width: inp.trace.width },
      nextOffset: inp.nextOffset,
      publics: Array.from(inp.publics),
      selectors: mapSelectors({ ...inp.selectors, invVanishing: inv }, sv),
      periodic: (inp.periodic ?? []).map(sv),
      alpha: Array.from(alpha),
      out: shareView(outShared),
    };
    const jobs: QuotientJob[] = [];
    for (let i = 0; i < parts; i++) {
      const start = Math.min(rows, Math.ceil((i * rows) / parts / block) * block);
      const end =
        i === parts - 1 ? rows : Math.min(rows, Math.ceil(((i + 1) * rows) / parts / block) * block);
      if (end > start) jobs.push({ ...base, start, end });
    }
    await this.#run('quotient', jobs);
    out.set(outShared);
  }

  /** Stops using the pool (and closes it if `closePool`); idempotent. */
  override close(): void {
    super.close();
    if (this.#closed) return;
    this.#closed = true;
    if (this.#opts.closePool) this.pool.close();
  }

  /**
   * evaluateLdeAt with the rows split across the pool: barycentric partial sums per range,
   * added and scaled here.
   * @param lde committed LDE (rows bit-reversed)
   * @param logBlowup log2 of the blowup
   * @param z the EF point (outside the LDE coset)
   * @returns 4 values per column
   * @throws {FieldError} if z lies on the evaluation coset
   */
  protected override async evalLde(lde: Matrix, logBlowup: number, z: Uint32Array): Promise<Uint32Array> {
    const w = lde.width;
    const n = height(lde) >>> logBlowup;
    if (n < this.#minRows) return super.evalLde(lde, logBlowup, z);
    const shared = toShared(lde);
    const ref = { values: shareView(shared.values), width: w };
    const zz = Array.from(z);
    const parts = await this.#run(
      'evalAt',
      rowRanges(n, this.#runners * this.#jobsPerWorker).map(([start, end]) => ({
        lde: ref,
        logBlowup,
        z: zz,
        start,
        end,
      })),
    );
    const out = new Uint32Array(4 * w);
    for (const p of parts) for (let i = 0; i < out.length; i++) out[i] = add(out[i], p[i]);
    return scaleBarycentric(out, n, z);
  }

  /**
   * The reduced-opening vectors of PCS open step 3, rows split across the pool.
   * @param rounds the opened rounds (host matrices as committed, points, claimed values)
   * @param alpha the batching challenge
   * @returns log height to vector (4 per row, bit-reversed rows)
   */
  protected override async reduce(
    rounds: readonly HostReduceRound[],
    alpha: Uint32Array,
  ): Promise<Map<number, Uint32Array>> {
    const { alphaPows, groups } = reduceTerms(rounds, alpha);
    const ap = Array.from(alphaPows);
    const out = new Map<number, Uint32Array>();
    const jobs: ReduceJob[] = [];
    for (const [h, g] of groups) {
      const acc = sharedU32(4 * 2 ** h);
      out.set(h, acc);
      const base = {
        logHeight: h,
        matrices: g.matrices.map((m) => ({ values: shareView(toShared(m).values), width: m.width })),
        alphaPows: ap,
        terms: g.terms.map((t) => ({
          matrix: t.matrix,
          z: Array.from(t.z),
          alphaPowK: Array.from(t.alphaPowK),
          yComb: Array.from(t.yComb),
        })),
        acc: shareView(acc),
      };
      if (2 ** h < this.#minRows) runReduceJob({ ...base, start: 0, end: 2 ** h });
      else
        for (const [start, end] of rowRanges(2 ** h, this.#runners * this.#jobsPerWorker))
          jobs.push({ ...base, start, end });
    }
    await this.#run('reduce', jobs);
    return out;
  }

  /**
   * The smallest proof-of-work witness, searched in ascending batches of candidate ranges
   * across the pool: the first batch with a hit gives the smallest one, so the result equals
   * the sequential search (CpuBackend.grind, DuplexChallenger.grind).
   * @param template the challenger's candidate-test state
   * @param bits PoW bits (1..30)
   * @returns the witness
   */
  override async grind(template: PowTemplate, bits: number): Promise<number> {
    this.check();
    const chunk = 4096;
    const batch = this.#runners * 2;
    const base = {
      perm: this.#perm,
      state: Array.from(template.state),
      slot: template.slot,
      rate: template.rate,
      bits,
    };
    for (let start = 0; start < P; start += chunk * batch) {
      const jobs: GrindJob[] = [];
      for (let k = 0; k < batch; k++) {
        const a = start + k * chunk;
        if (a >= P) break;
        jobs.push({ ...base, start: a, end: Math.min(a + chunk, P) });
      }
      const hits = await this.#run('grind', jobs);
      for (const h of hits) if (h >= 0) return h; // results come back in job order
    }
    throw new Error(`grind: no witness for ${bits} bits`);
  }

  /** Zeroes `stats`. */
  resetStats(): void {
    this.stats.poolMs = 0;
    this.stats.runs = 0;
  }

  async #run<M extends KernelMethod & ('lde' | 'merkle' | 'quotient' | 'evalAt' | 'reduce' | 'grind')>(
    method: M,
    jobs: readonly JobOf<M>[],
  ): Promise<ResultOf<M>[]> {
    const t0 = performance.now();
    try {
      return await this.pool.run(method, jobs, {
        signal: this.#opts.signal,
        label: method,
        onProgress: this.#opts.onProgress,
        runLocal: this.#runners > this.pool.size ? (kernelApi[method] as (job: never) => unknown) : undefined,
      });
    } finally {
      this.stats.poolMs += performance.now() - t0;
      this.stats.runs++;
    }
  }

  async #commitShared(mats: readonly Matrix[]): Promise<MerkleTree> {
    const heights = mats.map(height);
    const maxH = Math.max(...heights);
    const L = Math.log2(maxH);
    // tallest first, stable: the hashing order of commitMatrices
    const order = heights.map((_, i) => i).sort((a, b) => heights[b] - heights[a]);
    const shared = (i: number): SharedMatrix => ({ values: shareView(mats[i].values), width: mats[i].width });
    const byLevel: SharedMatrix[][] = [];
    for (let level = 0; level <= L; level++)
      byLevel.push(order.filter((i) => heights[i] === maxH >>> level).map(shared));
    const layerArrays: Uint32Array[] = [];
    for (let level = 0; level <= L; level++) layerArrays.push(sharedU32(DIGEST_ELEMS * (maxH >>> level)));
    const layers = layerArrays.map(shareView);
    // T aligned leaf ranges (T a power of two <= maxH); each job builds levels 0..s of its subtree.
    let T = 1;
    while (T * 2 <= Math.min(maxH, this.#runners * this.#jobsPerWorker)) T *= 2;
    const span = maxH / T;
    const s = Math.log2(span);
    const tree = { perm: this.#perm, matrices: byLevel, layers };
    const base = { tree, levelFrom: 0, levelTo: s };
    const jobs: MerkleJob[] = [];
    for (let j = 0; j < T; j++) jobs.push({ ...base, start: j * span, end: (j + 1) * span });
    await this.#run('merkle', jobs);
    if (s < L) runMerkleJob({ ...base, levelFrom: s + 1, levelTo: L, start: 0, end: T / 2 });
    return {
      matrices: mats,
      layers: layerArrays,
      root: layerArrays[L].slice(0, DIGEST_ELEMS),
      maxHeight: maxH,
    };
  }
}
