/**
 * The work items of the worker pool, as plain functions over shared memory: column ranges of a
 * coset LDE (committed, bit-reversed layout) and node ranges of a Merkle tree (leaf hashing,
 * two-to-one compression, injection of shorter matrices). Workers run them on
 * SharedArrayBuffer views; tests and the main thread call them directly, in-thread.
 *
 * Mirrors the work split of Plonky3's rayon code: Plonky3/Plonky3:dft/src/traits.rs
 * (coset_lde_batch, column-parallel) and Plonky3/Plonky3:merkle-tree/src/merkle_tree.rs
 * (first_digest_layer / compress_and_inject, row-parallel).
 *
 * Invariants: a job writes only its own output range (column range of `dst`, node ranges of
 * `layers`), so jobs of one batch can run concurrently on the same buffers; the results are
 * those of cosetLdeBitReversed / commitMatrices element for element (CPU code, same order).
 */
import type { CosetSelectors } from '../../air/domain.ts';
import { evalFoldedQuotient, type QuotientInputs } from '../../air/eval.ts';
import type { CompiledAir } from '../../air/program.ts';
import { powWitnessSearch } from '../../challenger/pow.ts';
import type { Felt } from '../../field/babybear.ts';
import { cosetLdeBitReversed } from '../../field/dft.ts';
import { type Matrix, matrix } from '../../field/matrix.ts';
import { barycentricSums, type ReduceTerm, reduceRange } from '../../fri/open.ts';
import { type Poseidon2ConstantSetName, poseidon2ForSet } from '../../hash/poseidon2.ts';
import { hashRows } from '../../hash/sponge.ts';
import { DIGEST_ELEMS } from '../../hash/types.ts';
import { buildLevel } from '../../merkle/mmcs.ts';

/** A run of u32 elements in a (Shared)ArrayBuffer; offsets and lengths in elements. */
export interface SharedView {
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly offset: number;
  readonly length: number;
}

/**
 * The Uint32Array a SharedView describes (no copy).
 * @param v the view
 * @returns a typed array over the same memory
 */
export function viewOf(v: SharedView): Uint32Array {
  return new Uint32Array(v.buffer, 4 * v.offset, v.length);
}

/**
 * Describes a Uint32Array as a SharedView (no copy).
 * @param a a typed array (over shared memory when it is sent to a worker)
 * @returns its buffer, offset and length
 */
export function shareView(a: Uint32Array): SharedView {
  return {
    buffer: a.buffer as SharedArrayBuffer | ArrayBuffer,
    offset: a.byteOffset >>> 2,
    length: a.length,
  };
}

/** The range [start, end) a job covers: rows, tree nodes or candidates, as each job says. */
export interface JobRange {
  readonly start: number;
  readonly end: number;
}

/** Coset LDE of the columns [colStart, colEnd) of one matrix, written into `dst`. */
export interface LdeJob {
  /** Natural-order evaluations, height n, `width` columns, row-major. */
  readonly src: SharedView;
  readonly width: number;
  readonly colStart: number;
  readonly colEnd: number;
  readonly logBlowup: number;
  readonly shift: Felt;
  /** Output: n * 2^logBlowup rows of `width` columns, rows bit-reversed (committed layout). */
  readonly dst: SharedView;
}

/**
 * Runs one LDE job: cosetLdeBitReversed on the column range, scattered into `dst`.
 * @param job the job
 * @throws {RangeError} for an empty or out-of-range column range
 */
export function runLdeJob(job: LdeJob): void {
  const w = job.width;
  const c0 = job.colStart;
  const c1 = job.colEnd;
  if (!(c0 >= 0 && c0 < c1 && c1 <= w)) throw new RangeError(`LDE job: columns ${c0}..${c1} of ${w}`);
  const src = viewOf(job.src);
  const dst = viewOf(job.dst);
  const n = src.length / w;
  const wc = c1 - c0;
  if (wc === w) {
    dst.set(cosetLdeBitReversed(matrix(src, w), job.logBlowup, job.shift).values);
    return;
  }
  const local = new Uint32Array(n * wc);
  for (let r = 0; r < n; r++) {
    const s = r * w + c0;
    const d = r * wc;
    for (let c = 0; c < wc; c++) local[d + c] = src[s + c];
  }
  const out = cosetLdeBitReversed(matrix(local, wc), job.logBlowup, job.shift).values;
  const N = out.length / wc;
  for (let r = 0; r < N; r++) {
    const s = r * wc;
    const d = r * w + c0;
    for (let c = 0; c < wc; c++) dst[d + c] = out[s + c];
  }
}

/** A matrix in shared memory. */
export interface SharedMatrix {
  readonly values: SharedView;
  readonly width: number;
}

/**
 * A Merkle tree with power-of-two heights in shared memory, the same object for every job of one
 * commit: its inputs and the layers the jobs fill.
 */
export interface SharedMerkleTree {
  /** The Poseidon2 constant set of the tree's hasher and compressor. */
  readonly perm: Poseidon2ConstantSetName;
  /**
   * matrices[l]: the matrices of height H >> l in hashing order (tallest first, stable), l = 0..L;
   * matrices[0] are the leaves (H = 2^L), the others are injected at level l (often none).
   */
  readonly matrices: readonly (readonly SharedMatrix[])[];
  /** layers[l]: 8 * (H >> l) elements, l = 0..L. */
  readonly layers: readonly SharedView[];
}

/**
 * Levels [levelFrom, levelTo] of a shared tree, for the node range [start, end) at levelFrom (and
 * [start >> k, end >> k) at levelFrom + k).
 */
export interface MerkleJob extends JobRange {
  readonly tree: SharedMerkleTree;
  /** First level built (0: leaf digests). */
  readonly levelFrom: number;
  /** Last level built (inclusive); the range halves at each level above levelFrom. */
  readonly levelTo: number;
}

function rowsOf(m: SharedMatrix, a: number, b: number): Matrix {
  const v = viewOf(m.values);
  return matrix(v.subarray(a * m.width, b * m.width), m.width);
}

/**
 * Runs one Merkle job: leaf digests (level 0), then compression and injection up to levelTo.
 * Equals the corresponding nodes of commitMatrices (src/merkle/mmcs.ts) for power-of-two heights.
 * @param job the job
 * @throws {RangeError} when the node range is not aligned to 2^(levelTo - levelFrom)
 */
export function runMerkleJob(job: MerkleJob): void {
  const { tree } = job;
  const perm = poseidon2ForSet(tree.perm);
  const span = 2 ** (job.levelTo - job.levelFrom);
  if (job.start % span !== 0 || job.end % span !== 0 || job.end <= job.start) {
    throw new RangeError(`Merkle job: range ${job.start}..${job.end} not aligned to ${span}`);
  }
  let a = job.start;
  let b = job.end;
  for (let level = job.levelFrom; level <= job.levelTo; level++) {
    const out = viewOf(tree.layers[level]);
    if (level === 0) {
      hashRows(
        perm,
        tree.matrices[0].map((m) => rowsOf(m, a, b)),
        out,
        DIGEST_ELEMS * a,
      );
    } else {
      const inj = tree.matrices[level];
      const injection =
        inj.length > 0
          ? {
              digests: hashRows(
                perm,
                inj.map((m) => rowsOf(m, a, b)),
              ),
              first: a,
              height: b, // power-of-two heights: an injected matrix covers the level
            }
          : null;
      buildLevel(perm, viewOf(tree.layers[level - 1]), out, a, b, injection);
    }
    if (level < job.levelTo) {
      a >>>= 1;
      b >>>= 1;
    }
  }
}

/** A compiled AIR without its `air` object (functions do not cross threads). */
export type PortableCompiledAir = Omit<CompiledAir, 'air'> & { readonly air: null };

/**
 * The structured-clonable part of a compiled AIR: everything evalFoldedQuotient reads.
 * @param c the compiled AIR
 * @returns a copy without the `air` object
 */
export function portableCompiledAir(c: CompiledAir): PortableCompiledAir {
  return { ...c, air: null };
}

/** The selector columns of a quotient job (src/air/domain.ts CosetSelectors) in shared memory. */
export type SharedSelectors = { readonly [K in keyof CosetSelectors]: SharedView };

const SELECTORS = [
  'isFirstRow',
  'isLastRow',
  'isTransition',
  'invVanishing',
] as const satisfies readonly (keyof CosetSelectors)[];

/**
 * Applies `f` to each of the four selector columns (isFirstRow, isLastRow, isTransition,
 * invVanishing): shares them for a job, or views a job's shared columns.
 * @param s the selectors
 * @param f the map of one column
 * @returns the mapped selectors
 */
export function mapSelectors<A, B>(
  s: { readonly [K in keyof CosetSelectors]: A },
  f: (a: A) => B,
): { readonly [K in keyof CosetSelectors]: B } {
  return Object.fromEntries(SELECTORS.map((k) => [k, f(s[k])])) as { [K in keyof CosetSelectors]: B };
}

/** evalFoldedQuotient on the rows [start, end) of the quotient domain. */
export interface QuotientJob extends JobRange {
  /** The AIR's register program (portableCompiledAir). */
  readonly compiled: PortableCompiledAir;
  /** Trace on the quotient coset, |Q| rows, natural order. */
  readonly trace: SharedMatrix;
  /** As QuotientInputs.nextOffset: row j's next row is (j + nextOffset) mod |Q|. */
  readonly nextOffset: number;
  /** Public values (base field). */
  readonly publics: readonly number[];
  /** Selector columns on the quotient coset, with invVanishing. */
  readonly selectors: SharedSelectors;
  /** Periodic columns on the quotient coset. */
  readonly periodic: readonly SharedView[];
  /** The folding challenge (4 coefficients). */
  readonly alpha: readonly number[];
  /** Output: 4 * |Q| values; the job writes rows [start, end). */
  readonly out: SharedView;
}

/**
 * Runs one quotient job (rows are independent, so any split gives evalFoldedQuotient's values).
 * @param job the job
 * @throws {AirError} for inconsistent inputs
 */
export function runQuotientJob(job: QuotientJob): void {
  const inputs: QuotientInputs = {
    trace: matrix(viewOf(job.trace.values), job.trace.width),
    nextOffset: job.nextOffset,
    publics: job.publics,
    selectors: mapSelectors(job.selectors, viewOf),
    periodic: job.periodic.map(viewOf),
  };
  const out = viewOf(job.out).subarray(4 * job.start, 4 * job.end);
  evalFoldedQuotient(job.compiled as unknown as CompiledAir, inputs, Uint32Array.from(job.alpha), out, {
    start: job.start,
    end: job.end,
  });
}

/**
 * Partial barycentric sums of a committed LDE at an extension point z (PCS open step 1,
 * evaluateLdeAt of src/fri/open.ts): for natural indices i in [start, end) of the first
 * n = height / 2^logBlowup rows, sum_i f_c(x_i) x_i / (z - x_i), x_i = GEN g_n^i, per column.
 */
export interface EvalJob extends JobRange {
  /** The committed LDE (rows bit-reversed). */
  readonly lde: SharedMatrix;
  readonly logBlowup: number;
  readonly z: readonly number[];
}

/**
 * Runs one evaluation job.
 * @param job the job
 * @returns 4 * width partial sums (column c at 4c); the sums of all ranges, times the
 *   barycentric scale, are evaluateLdeAt's values
 */
export function runEvalJob(job: EvalJob): Uint32Array {
  return barycentricSums(viewOf(job.lde.values), job.lde.width, job.logBlowup, job.z, job.start, job.end);
}

export type { ReduceTerm } from '../../fri/open.ts';

/**
 * Rows of the reduced-opening vector of one height (PCS open step 3): for natural indices i in
 * [start, end) and j = rev(i), acc[j] += alpha^k (yComb - sum_c alpha^c M[j][c]) / (z - x_i) for
 * every term, x_i = GEN g_h^i.
 */
export interface ReduceJob extends JobRange {
  /** log2 of the committed height (rows of `acc`). */
  readonly logHeight: number;
  /** The committed matrices of this height (rows bit-reversed). */
  readonly matrices: readonly SharedMatrix[];
  /** alpha^c for c = 0..max width (4 per power). */
  readonly alphaPows: readonly number[];
  /** One term per (matrix, opening point) of this height (src/fri/open.ts reduceTerms). */
  readonly terms: readonly ReduceTerm[];
  /** Output: 4 * 2^logHeight values (zeroed by the caller). */
  readonly acc: SharedView;
}

/**
 * Runs one reduce job (field arithmetic is exact, so any split gives the same vector).
 * @param job the job
 */
export function runReduceJob(job: ReduceJob): void {
  reduceRange(
    job.logHeight,
    job.matrices.map((m) => ({ values: viewOf(m.values), width: m.width })),
    Uint32Array.from(job.alphaPows),
    job.terms,
    viewOf(job.acc),
    job.start,
    job.end,
  );
}

/** One range of proof-of-work candidates [start, end) tested on a template state (docs/protocol.md §6.4). */
export interface GrindJob extends JobRange {
  readonly perm: Poseidon2ConstantSetName;
  readonly state: readonly number[];
  readonly slot: number;
  readonly rate: number;
  readonly bits: number;
}

/**
 * Runs one grind job.
 * @param job the job
 * @returns the smallest valid candidate in the range, or -1
 */
export function runGrindJob(job: GrindJob): number {
  const template = { state: Uint32Array.from(job.state), slot: job.slot, rate: job.rate };
  return powWitnessSearch(poseidon2ForSet(job.perm), template, job.bits, job.start, job.end);
}
