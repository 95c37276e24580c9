/**
 * CpuBackend: the plain specification of every Backend operation, on TypedArrays in host
 * memory, built from the CPU primitives (src/field/dft.ts, src/merkle/mmcs.ts, src/air/eval.ts,
 * src/fri/{open,fold,transcript}.ts). Every other backend matches it byte for byte.
 *
 * The protected hooks (`ldes`, `merkle`, `quotientRows`, `evalLde`, `reduce`) are the heavy
 * loops; ParallelCpuBackend overrides them to split rows across a worker pool and inherits the
 * rest, so the protocol-facing operations are written once.
 *
 * Invariants: a handle holds its data until released; handles of another backend instance are
 * refused; nothing crosses a device, so the ledger stays zero.
 */

import { periodicColumnsOnCoset, selectorsOnCoset } from '../air/domain.ts';
import { evalFoldedQuotient, type QuotientInputs } from '../air/eval.ts';
import type { CompiledAir } from '../air/program.ts';
import { powWitnessSearch } from '../challenger/pow.ts';
import { type Felt, GENERATOR, P } from '../field/babybear.ts';
import { bitReverseRows } from '../field/bit-reverse.ts';
import { cosetLde, cosetLdeBitReversed } from '../field/dft.ts';
import { height, type Matrix, matrix } from '../field/matrix.ts';
import { finalPolyFromEvals, foldVector, rollInto } from '../fri/fold.ts';
import { evaluateLdeAt, reduceOpenings } from '../fri/open.ts';
import { type ConstantSet, permSetOf, poseidon2ForSet } from '../hash/poseidon2.ts';
import type { Digest } from '../hash/types.ts';
import {
  type BatchOpening,
  commitMatrices,
  type MerkleConfig,
  type MerkleTree,
  openBatch,
} from '../merkle/mmcs.ts';
import type * as B from './backend.ts';
import { BackendKind, ZERO_LEDGER } from './backend.ts';

/** The committed trace inputs kept for the quotient's own coset LDE (lqc > logBlowup). */
interface LdeSource {
  readonly evals: readonly Matrix[];
  readonly logBlowup: number;
  readonly shifts: readonly Felt[];
}

/** A committed batch in host memory: the matrices as committed and their Merkle tree. */
export class CpuCommitted implements B.CommittedHandle {
  readonly handle = 'committed' as const;
  readonly root: Digest;
  readonly shapes: readonly B.MatrixShape[];
  #tree: MerkleTree | null;
  #source: LdeSource | null;
  readonly owner: object;

  /**
   * @param owner the backend that made it
   * @param tree the Merkle tree over the committed matrices
   * @param source the LDE inputs, when the batch is an LDE
   */
  constructor(owner: object, tree: MerkleTree, source: LdeSource | null) {
    this.owner = owner;
    this.root = tree.root;
    this.shapes = tree.matrices.map((m) => ({ width: m.width, height: height(m) }));
    this.#tree = tree;
    this.#source = source;
  }

  /** The Merkle tree (throws once released). */
  get tree(): MerkleTree {
    if (!this.#tree) throw new Error('CpuBackend: committed handle used after release');
    return this.#tree;
  }

  /** The committed matrices, caller order, as hashed (host copies). */
  get matrices(): readonly Matrix[] {
    return this.tree.matrices;
  }

  /** The LDE inputs (null for batches committed as they are). */
  get source(): LdeSource | null {
    if (!this.#tree) throw new Error('CpuBackend: committed handle used after release');
    return this.#source;
  }

  /**
   * Opens row `index` of the tallest height (smaller matrices at index >> shift), docs/protocol.md §5.4.
   * @param index row of the tallest matrix
   * @returns the rows and the sibling path
   */
  openBatch(index: number): { openedValues: Uint32Array[]; proof: Uint32Array } {
    return openBatch(this.tree, index);
  }

  /** Drops the data. */
  release(): void {
    this.#tree = null;
    this.#source = null;
  }
}

/** An extension-field vector in host memory (4 coefficients per element). */
export class CpuExtVector implements B.ExtVectorHandle {
  readonly handle = 'ext-vector' as const;
  readonly length: number;
  readonly owner: object;
  #values: Uint32Array | null;

  /**
   * @param owner the backend that made it
   * @param values 4 * length coefficients
   */
  constructor(owner: object, values: Uint32Array) {
    this.owner = owner;
    this.length = values.length / 4;
    this.#values = values;
  }

  /** The coefficients (throws once released). */
  get values(): Uint32Array {
    if (!this.#values) throw new Error('CpuBackend: vector handle used after release');
    return this.#values;
  }

  /** Drops the data. */
  release(): void {
    this.#values = null;
  }
}

/** The Poseidon2 constant-set names of a configuration (StarkConfig.constants). */
export type ConfigConstants = ConstantSet;

/**
 * The CPU backend: every operation of the seam, on the calling thread.
 * @example
 * const backend = createCpuBackend(getConfig('c100'));
 * const bytes = await prove(air, trace, publics, config, { backend });
 */
export class CpuBackend implements B.Backend {
  readonly kind: BackendKind = BackendKind.cpu;
  /** The Merkle configuration (its permutation is also the proof-of-work permutation). */
  readonly mmcs: MerkleConfig;
  #closed = false;

  /** @param mmcs the Merkle configuration (permutation) of the STARK configuration */
  constructor(mmcs: MerkleConfig) {
    this.mmcs = mmcs;
  }

  /**
   * Coset LDE (bit-reversed rows) of each matrix, then one commitment (Backend.ldeAndCommit).
   * @param evals natural-order evaluations
   * @param logBlowup log2 of the blowup
   * @param shifts one shift per matrix
   * @returns the committed LDEs (host copies readable through `matrices`)
   */
  async ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CpuCommitted> {
    this.check();
    if (shifts.length !== evals.length) throw new RangeError('ldeAndCommit: one shift per matrix');
    const ldes = await this.ldes(evals, logBlowup, shifts);
    return new CpuCommitted(this, await this.merkle(ldes), {
      evals: [...evals],
      logBlowup,
      shifts: [...shifts],
    });
  }

  /**
   * Merkle commitment of host matrices as they are (not a seam operation; tests and tools).
   * @param matrices the matrices, caller order
   * @returns the committed batch
   */
  async commit(matrices: readonly Matrix[]): Promise<CpuCommitted> {
    this.check();
    return new CpuCommitted(this, await this.merkle(matrices), null);
  }

  /**
   * Backend.evalQuotient on the CPU: builds the quotient inputs on Q and runs evalFoldedQuotient.
   * @param trace the trace commitment
   * @param spec AIR, log trace height, publics
   * @param alpha the folding challenge
   * @returns the quotient on Q, natural order
   */
  async evalQuotient(
    trace: B.CommittedHandle,
    spec: B.QuotientSpec,
    alpha: Uint32Array,
  ): Promise<CpuExtVector> {
    this.check();
    const t = this.committed(trace);
    const src = t.source;
    if (!src) throw new RangeError('evalQuotient: the trace handle is not an LDE commitment');
    const c = spec.compiled;
    const k = spec.logN;
    const lqc = c.logQuotientChunks;
    const logQ = k + lqc;
    const qSize = 2 ** logQ;
    if (height(src.evals[0]) !== 2 ** k) throw new RangeError(`evalQuotient: trace height is not 2^${k}`);
    let traceOnQ: Matrix;
    if (lqc <= src.logBlowup) {
      const lde = t.matrices[0];
      traceOnQ = bitReverseRows(matrix(lde.values.subarray(0, qSize * lde.width), lde.width));
    } else {
      traceOnQ = cosetLde(src.evals[0], lqc, GENERATOR);
    }
    const inputs: QuotientInputs = {
      trace: traceOnQ,
      nextOffset: 2 ** lqc % qSize,
      publics: spec.publics,
      selectors: selectorsOnCoset(k, GENERATOR, logQ),
      periodic: periodicColumnsOnCoset(c.air.periodicColumns, k, GENERATOR, logQ),
    };
    const q = new Uint32Array(4 * qSize);
    await this.quotientRows(c, inputs, alpha, q);
    return new CpuExtVector(this, q);
  }

  /**
   * Backend.commitQuotient on the CPU: split into chunks, then ldeAndCommit.
   * @param quotient the quotient vector
   * @param numChunks number of chunks
   * @param logBlowup log2 of the blowup
   * @param shifts LDE shift per chunk
   * @returns the committed chunk LDEs
   */
  commitQuotient(
    quotient: B.ExtVectorHandle,
    numChunks: number,
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CpuCommitted> {
    this.check();
    const q = this.vector(quotient).values;
    const chunkLen = q.length / 4 / numChunks;
    if (!Number.isInteger(chunkLen) || shifts.length !== numChunks)
      throw new RangeError(`commitQuotient: ${q.length / 4} values in ${numChunks} chunks`);
    const chunks: Matrix[] = [];
    for (let i = 0; i < numChunks; i++) {
      const vals = new Uint32Array(4 * chunkLen);
      for (let r = 0; r < chunkLen; r++) {
        const s = 4 * (i + r * numChunks);
        vals.set(q.subarray(s, s + 4), 4 * r);
      }
      chunks.push(matrix(vals, 4));
    }
    return this.ldeAndCommit(chunks, logBlowup, shifts);
  }

  /**
   * Backend.evaluateAt on the CPU (evaluateLdeAt per matrix and point).
   * @param committed the commitment
   * @param logBlowup its blowup
   * @param points per matrix, its EF points
   * @returns values[m][p]
   */
  async evaluateAt(
    committed: B.CommittedHandle,
    logBlowup: number,
    points: readonly (readonly Uint32Array[])[],
  ): Promise<Uint32Array[][]> {
    this.check();
    const mats = this.committed(committed).matrices;
    if (points.length !== mats.length) throw new RangeError('evaluateAt: one point list per matrix');
    const out: Uint32Array[][] = [];
    for (let m = 0; m < mats.length; m++) {
      const per: Uint32Array[] = [];
      for (const z of points[m]) per.push(await this.evalLde(mats[m], logBlowup, z));
      out.push(per);
    }
    return out;
  }

  /**
   * Backend.reduceOpenings on the CPU (reduceTerms + reduceRange per height).
   * @param rounds the opened rounds
   * @param alpha the batching challenge
   * @returns one vector per height, tallest first
   */
  async reduceOpenings(rounds: readonly B.ReduceRound[], alpha: Uint32Array): Promise<CpuExtVector[]> {
    this.check();
    const ro = await this.reduce(
      rounds.map((r) => ({
        matrices: this.committed(r.committed).matrices,
        points: r.points,
        values: r.values,
      })),
      alpha,
    );
    return [...ro.keys()].sort((a, b) => b - a).map((h) => new CpuExtVector(this, ro.get(h) as Uint32Array));
  }

  /**
   * Backend.commitFriRound on the CPU: commit matrix(v, 4 << logArity).
   * @param v the round's vector
   * @param logArity log2 of the arity
   * @returns the commitment
   */
  async commitFriRound(v: B.ExtVectorHandle, logArity: number): Promise<CpuCommitted> {
    this.check();
    return new CpuCommitted(this, await this.merkle([matrix(this.vector(v).values, 4 << logArity)]), null);
  }

  /**
   * Backend.foldFri on the CPU: foldVector, then folded += beta^(2^a) * rollIn.
   * @param v the vector
   * @param beta the challenge
   * @param logArity log2 of the arity
   * @param rollIn the vector to roll in, or null
   * @returns the folded vector
   */
  async foldFri(
    v: B.ExtVectorHandle,
    beta: Uint32Array,
    logArity: number,
    rollIn: B.ExtVectorHandle | null,
  ): Promise<CpuExtVector> {
    this.check();
    const folded = foldVector(this.vector(v).values, beta, logArity);
    if (rollIn !== null) rollInto(folded, this.vector(rollIn).values, beta, logArity);
    return new CpuExtVector(this, folded);
  }

  /**
   * Backend.finalPoly on the CPU: idft of the head, brought to natural order.
   * @param v the last folded vector
   * @param logFinalPolyLen log2 of the length
   * @returns the coefficients
   */
  async finalPoly(v: B.ExtVectorHandle, logFinalPolyLen: number): Promise<Uint32Array> {
    this.check();
    return finalPolyFromEvals(this.vector(v).values, logFinalPolyLen);
  }

  /**
   * Backend.grind on the CPU: the sequential search from 0.
   * @param template the candidate-test state
   * @param bits PoW bits
   * @returns the smallest witness
   */
  async grind(template: B.PowTemplate, bits: number): Promise<number> {
    this.check();
    const w = powWitnessSearch(this.mmcs.perm, template, bits, 0, P);
    if (w < 0) throw new Error(`grind: no witness for ${bits} bits`);
    return w;
  }

  /**
   * Backend.openRows on the CPU (openBatch per index).
   * @param committed any commitment of this backend
   * @param indices rows of the tallest matrix
   * @returns the openings
   */
  async openRows(committed: B.CommittedHandle, indices: readonly number[]): Promise<BatchOpening[]> {
    this.check();
    const t = this.committed(committed).tree;
    return indices.map((i) => openBatch(t, i));
  }

  /**
   * Drops a handle's data; idempotent.
   * @param h a handle of this backend
   */
  release(h: B.BackendHandle): void {
    if (h instanceof CpuCommitted || h instanceof CpuExtVector) {
      if (h.owner === this) h.release();
    }
  }

  /**
   * Zeros: nothing leaves host memory.
   * @returns the zero ledger
   */
  ledger(): B.TransferLedger {
    return ZERO_LEDGER;
  }

  /** Marks the backend closed; idempotent. */
  close(): void {
    this.#closed = true;
  }

  /** Throws once closed. */
  protected check(): void {
    if (this.#closed) throw new Error(`${this.constructor.name} is closed`);
  }

  /**
   * The host data of a committed handle of this backend.
   * @param h the handle
   * @returns the CPU commitment
   */
  protected committed(h: B.CommittedHandle): CpuCommitted {
    if (!(h instanceof CpuCommitted) || h.owner !== this)
      throw new TypeError('CpuBackend: committed handle of another backend');
    return h;
  }

  /**
   * The host data of a vector handle of this backend.
   * @param h the handle
   * @returns the CPU vector
   */
  protected vector(h: B.ExtVectorHandle): CpuExtVector {
    if (!(h instanceof CpuExtVector) || h.owner !== this)
      throw new TypeError('CpuBackend: vector handle of another backend');
    return h;
  }

  /**
   * Hook: coset LDEs in committed (bit-reversed) order.
   * @param evals natural-order evaluations
   * @param logBlowup log2 of the blowup
   * @param shifts one shift per matrix
   * @returns the LDE matrices
   */
  protected async ldes(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<Matrix[]> {
    return evals.map((m, i) => cosetLdeBitReversed(m, logBlowup, shifts[i]));
  }

  /**
   * Hook: the Merkle tree of matrices as they are.
   * @param matrices caller order
   * @returns the tree
   */
  protected async merkle(matrices: readonly Matrix[]): Promise<MerkleTree> {
    return commitMatrices(this.mmcs, matrices);
  }

  /**
   * Hook: evalFoldedQuotient over every row.
   * @param c the compiled AIR
   * @param inputs the inputs on Q
   * @param alpha the folding challenge
   * @param out 4 per row
   */
  protected async quotientRows(
    c: CompiledAir,
    inputs: QuotientInputs,
    alpha: Uint32Array,
    out: Uint32Array,
  ): Promise<void> {
    evalFoldedQuotient(c, inputs, alpha, out);
  }

  /**
   * Hook: evaluateLdeAt.
   * @param lde the committed LDE
   * @param logBlowup its blowup
   * @param z the point
   * @returns 4 per column
   */
  protected async evalLde(lde: Matrix, logBlowup: number, z: Uint32Array): Promise<Uint32Array> {
    return evaluateLdeAt(lde, logBlowup, z);
  }

  /**
   * Hook: the reduced openings per log height.
   * @param rounds host matrices, points, values
   * @param alpha the batching challenge
   * @returns log height to vector
   */
  protected async reduce(
    rounds: Parameters<typeof reduceOpenings>[0],
    alpha: Uint32Array,
  ): Promise<Map<number, Uint32Array>> {
    return reduceOpenings(rounds, alpha);
  }
}

/**
 * The default backend of a configuration: a CpuBackend over its Poseidon2 constant set.
 * @param config anything with the configuration's `constants` (a StarkConfig)
 * @returns a new CpuBackend
 */
export function createCpuBackend(config: { readonly constants: ConfigConstants }): CpuBackend {
  return new CpuBackend({ perm: poseidon2ForSet(permSetOf(config.constants)) });
}
