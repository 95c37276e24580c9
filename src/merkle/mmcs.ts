/**
 * MerkleTreeMmcs over BabyBear: arity 2, 8-element digests, cap height 0 (the commitment is the
 * root), leaf hash PaddingFreeSponge<Perm16,16,8,8>, compression TruncatedPermutation<Perm16,2,8,16>
 * (docs/protocol.md §5). Mirrors Plonky3/Plonky3:merkle-tree/src/{merkle_tree,mmcs}.rs (v0.6.2).
 *
 * Commits a list of row-major matrices of heights on the ladder of docs/protocol.md §5.2 (for power-of-two
 * heights: all powers of two): the tallest matrices' concatenated rows form the leaves, shorter
 * matrices are injected at the level whose width matches their (next power of two) height.
 * Layers of odd length > 1 are padded with the zero digest.
 *
 * Invariants: a tree's layers are flat Uint32Arrays (8 elements per node, padded lengths);
 * `verifyBatch` treats every argument as hostile and throws nothing but `MerkleError`.
 * Extension-field matrices (ExtensionMmcs, docs/protocol.md §5.6) are committed as their flattened base matrices.
 */
import { CodedError } from '../error-kinds.ts';
import { ceilLog2 } from '../field/babybear.ts';
import { height, type Matrix } from '../field/matrix.ts';
import { compressInto, compressLayer } from '../hash/compress.ts';
import type { Poseidon2Perm } from '../hash/poseidon2.ts';
import { SHARED_LOG_NODES } from '../hash/poseidon2-wasm.ts';
import { hashConcat, hashRows } from '../hash/sponge.ts';
import { DIGEST_ELEMS, type Digest } from '../hash/types.ts';

/** Rejection codes of the Merkle verifier (docs/verifier-hardening.md §2). */
export const MerkleErrorCode = {
  batchSize: 'MERKLE_BATCH_SIZE',
  incompatibleHeights: 'MERKLE_INCOMPATIBLE_HEIGHTS',
  pathLength: 'MERKLE_PATH_LENGTH',
  rowWidth: 'MERKLE_ROW_WIDTH',
  indexOutOfRange: 'MERKLE_INDEX_OUT_OF_RANGE',
  rootMismatch: 'MERKLE_ROOT_MISMATCH',
} as const;
/** One of the MERKLE_* rejection codes. */
export type MerkleErrorCode = (typeof MerkleErrorCode)[keyof typeof MerkleErrorCode];

/** A rejected Merkle opening, or a commit request whose heights are not on the ladder. */
export class MerkleError extends CodedError<MerkleErrorCode> {
  override readonly name = 'MerkleError';
  /**
   * @param code rejection code
   * @param message detail (the message reads `CODE: detail`)
   */
  constructor(code: MerkleErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}

/** MMCS configuration: leaf hash and compression both use this width-16 permutation. */
export interface MerkleConfig {
  readonly perm: Poseidon2Perm;
}

/** Width and height of one committed matrix, as the verifier knows it. */
export interface MatrixDims {
  readonly width: number;
  readonly height: number;
}

/** A committed tree (prover data). */
export interface MerkleTree {
  /** The committed matrices, in caller order. */
  readonly matrices: readonly Matrix[];
  /** layers[0] = leaf digests, last = [root]; 8 elements per node, padded lengths. */
  readonly layers: readonly Uint32Array[];
  /** The root (the one-digest cap at cap height 0). */
  readonly root: Digest;
  /** The tallest height H. */
  readonly maxHeight: number;
}

/**
 * One batch opening: a row per matrix (caller order) and the sibling path (leaf level first),
 * flat: sibling i is proof[8i .. 8i + 8).
 */
export interface BatchOpening {
  readonly openedValues: Uint32Array[];
  readonly proof: Uint32Array;
}

const ZERO_DIGEST = new Uint32Array(DIGEST_ELEMS);

/** Next power of two >= n (1 for n <= 1). */
function npt(n: number): number {
  if (n >= 2 && n <= 2 ** 31 && n >>> 0 === n) return 2 ** (32 - Math.clz32(n - 1)); // no loop
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Arity-2 padding: r if r <= 1, else r rounded up to even. */
function padded(r: number): number {
  return r <= 1 ? r : r + (r % 2);
}

/**
 * Checks the height ladder of docs/protocol.md §5.2 and returns H, the tallest height.
 * @throws {MerkleError} MERKLE_INCOMPATIBLE_HEIGHTS for an empty list or an off-ladder height
 */
function checkLadder(heights: readonly number[]): number {
  if (heights.length === 0) throw new MerkleError(MerkleErrorCode.incompatibleHeights, 'empty batch');
  let maxH = 0;
  for (let i = 0; i < heights.length; i++) {
    const h = heights[i];
    if (!Number.isSafeInteger(h) || h < 1) {
      throw new MerkleError(
        MerkleErrorCode.incompatibleHeights,
        `matrix ${i}: height ${h} is not a positive integer`,
      );
    }
    if (h > maxH) maxH = h;
  }
  const logH = ceilLog2(maxH);
  for (let i = 0; i < heights.length; i++) {
    const h = heights[i];
    const d = logH - ceilLog2(h);
    if (h !== Math.ceil(maxH / 2 ** d)) {
      throw new MerkleError(
        MerkleErrorCode.incompatibleHeights,
        `matrix ${i}: height ${h} is not on the ladder of max height ${maxH}`,
      );
    }
  }
  return maxH;
}

/** Indices sorted by height, tallest first, stable (equal heights keep caller order). */
function tallestFirst(heights: readonly number[]): number[] {
  // Insertion sort (stable: an index only passes strictly shorter ones). Batches hold a few
  // matrices, most verifier calls one; no comparator closure, no sort builtin.
  const order: number[] = [];
  for (let i = 0; i < heights.length; i++) {
    order.push(i);
    let j = i;
    for (; j > 0 && heights[order[j - 1]] < heights[i]; j--) order[j] = order[j - 1];
    order[j] = i;
  }
  return order;
}

/** Leaf digests of matrices injected at one tree level (docs/protocol.md §5.3). */
export interface LevelInjection {
  /** Digests of nodes [first, first + n): 8 elements each. */
  readonly digests: Uint32Array;
  /** The node index of `digests[0..8)`. */
  readonly first: number;
  /** The injected matrices' height: nodes at or past it take ZERO_DIGEST. */
  readonly height: number;
}

/**
 * One level of a Merkle tree over its node range [a, b): node i = compress(prev node 2i, prev
 * node 2i + 1), then, where matrices are injected at this level, node i = compress(node i, their
 * leaf digest i), or compress(node i, ZERO_DIGEST) at or past their height. The one level step of
 * every CPU tree builder: `commitMatrices` (whole levels) and the worker pool's node-range jobs
 * (src/runtime/workers/tasks.ts). The WebGPU backend builds the same levels in WGSL
 * (src/shaders/), checked against this one by the byte-identity tests.
 * @param perm width-16 permutation
 * @param prev the level below (8 elements per node, node 0 at offset 0)
 * @param out this level (8 elements per node, node 0 at offset 0)
 * @param a first node
 * @param b end node (exclusive)
 * @param injection leaf digests injected at this level, or null
 */
export function buildLevel(
  perm: Poseidon2Perm,
  prev: Uint32Array,
  out: Uint32Array,
  a: number,
  b: number,
  injection: LevelInjection | null,
): void {
  compressLayer(perm, prev, 2 * DIGEST_ELEMS * a, out, DIGEST_ELEMS * a, b - a);
  if (injection === null) return;
  const { digests, first, height: h } = injection;
  for (let i = a; i < b; i++) {
    const o = DIGEST_ELEMS * i;
    if (i < h) compressInto(perm, out, o, out, o, digests, o - DIGEST_ELEMS * first);
    else compressInto(perm, out, o, out, o, ZERO_DIGEST, 0);
  }
}

/**
 * Commits matrices (caller order) into a Merkle tree.
 * @param config the MMCS configuration (permutation)
 * @param matrices row-major matrices whose heights are on the ladder of docs/protocol.md §5.2
 * @returns the tree, with its flat layers and root
 * @throws {MerkleError} MERKLE_INCOMPATIBLE_HEIGHTS for no matrices or off-ladder heights
 * @example
 * const tree = commitMatrices({ perm: poseidon2ForSet('default') }, [matrix(values, 4)]);
 * tree.root; // Digest
 */
export function commitMatrices(config: MerkleConfig, matrices: readonly Matrix[]): MerkleTree {
  const perm = config.perm;
  const heights = matrices.map(height);
  const maxH = checkLadder(heights);
  const order = tallestFirst(heights);
  let p = 0;
  const leafGroup: Matrix[] = [];
  while (p < order.length && heights[order[p]] === maxH) leafGroup.push(matrices[order[p++]]);
  let prev = new Uint32Array(DIGEST_ELEMS * padded(maxH));
  hashRows(perm, leafGroup, prev, 0);
  const layers: Uint32Array[] = [prev];
  let prevLen = padded(maxH);
  while (prevLen > 1) {
    const half = prevLen / 2;
    const next = new Uint32Array(DIGEST_ELEMS * padded(half));
    let injection: LevelInjection | null = null;
    if (p < order.length && npt(heights[order[p]]) === npt(half)) {
      const h = heights[order[p]];
      const inj: Matrix[] = [];
      while (p < order.length && heights[order[p]] === h) inj.push(matrices[order[p++]]);
      injection = { digests: hashRows(perm, inj), first: 0, height: h };
    }
    buildLevel(perm, prev, next, 0, half, injection);
    layers.push(next);
    prev = next;
    prevLen = padded(half);
  }
  if (p !== order.length) {
    throw new MerkleError(
      MerkleErrorCode.incompatibleHeights,
      'a matrix height was not consumed by the tree',
    );
  }
  return { matrices, layers, root: prev.slice(0, DIGEST_ELEMS), maxHeight: maxH };
}

/**
 * Opens every matrix of a tree at one leaf index (docs/protocol.md §5.4).
 * @param tree a committed tree
 * @param index leaf index, 0 <= index < H
 * @returns the opened rows (caller order; row index >> (log H - log h) of each matrix) and the
 *   siblings from the leaf level upward (root excluded), flat: 8 elements per level
 * @throws {MerkleError} MERKLE_INDEX_OUT_OF_RANGE for a bad index
 */
export function openBatch(tree: MerkleTree, index: number): BatchOpening {
  const maxH = tree.maxHeight;
  if (!Number.isSafeInteger(index) || index < 0 || index >= maxH) {
    throw new MerkleError(MerkleErrorCode.indexOutOfRange, `index ${index} outside 0..${maxH - 1}`);
  }
  const logH = ceilLog2(maxH);
  const openedValues: Uint32Array[] = [];
  for (const m of tree.matrices) {
    const r = Math.floor(index / 2 ** (logH - ceilLog2(height(m))));
    openedValues.push(m.values.slice(r * m.width, (r + 1) * m.width));
  }
  const proof = new Uint32Array(DIGEST_ELEMS * (tree.layers.length - 1));
  let idx = index;
  for (let i = 0; i + 1 < tree.layers.length; i++) {
    const sib = idx % 2 === 0 ? idx + 1 : idx - 1;
    proof.set(
      tree.layers[i].subarray(DIGEST_ELEMS * sib, DIGEST_ELEMS * sib + DIGEST_ELEMS),
      DIGEST_ELEMS * i,
    );
    idx = Math.floor(idx / 2);
  }
  return { openedValues, proof };
}

/**
 * Levels with more nodes than this do not go through the permutation's node cache: with q
 * openings of a level of n nodes, about q^2 / 2n of them meet a stored node, which stops paying
 * for the table well before n = q^2 (and would evict the nodes that do repeat).
 */
const SHARED_MAX_NODES = 2 ** SHARED_LOG_NODES;

function isDigest(d: unknown): d is Uint32Array {
  return d instanceof Uint32Array && d.length === DIGEST_ELEMS;
}

/**
 * Verifies a batch opening against a root (docs/protocol.md §5.5, every check in order). Returns normally iff
 * the opening is valid; never throws anything but MerkleError, whatever the arguments hold.
 * @param config the MMCS configuration (permutation)
 * @param root the committed root (one-digest cap)
 * @param dims width and height of each matrix, caller order, from the verifier's own knowledge
 * @param index the leaf index
 * @param openedValues one row per matrix, caller order
 * @param proof the sibling digests, leaf level first, flat (8 elements each)
 * @param shared true when many openings of this tree are verified together (a FRI verifier's
 *   queries): the compressions at levels of at most 1024 nodes, where their paths meet, go through
 *   the permutation's node cache (`Poseidon2Perm.compressPath`; same result, fewer permutations)
 * @throws {MerkleError} MERKLE_BATCH_SIZE, MERKLE_INCOMPATIBLE_HEIGHTS (also for an empty batch),
 *   MERKLE_PATH_LENGTH, MERKLE_ROW_WIDTH, MERKLE_INDEX_OUT_OF_RANGE or MERKLE_ROOT_MISMATCH
 */
export function verifyBatch(
  config: MerkleConfig,
  root: Digest,
  dims: readonly MatrixDims[],
  index: number,
  openedValues: readonly Uint32Array[],
  proof: Uint32Array,
  shared = false,
): void {
  if (!Array.isArray(dims) || !Array.isArray(openedValues) || dims.length !== openedValues.length) {
    throw new MerkleError(MerkleErrorCode.batchSize, 'opened value count differs from the matrix count');
  }
  const n = dims.length;
  const heights: number[] = [];
  for (let m = 0; m < n; m++)
    heights.push(typeof dims[m] === 'object' && dims[m] !== null ? dims[m].height : NaN);
  const maxH = checkLadder(heights);
  const levels = ceilLog2(maxH);
  if (!(proof instanceof Uint32Array) || proof.length !== DIGEST_ELEMS * levels) {
    const got = proof instanceof Uint32Array ? `${proof.length / DIGEST_ELEMS} siblings` : 'no sibling array';
    throw new MerkleError(MerkleErrorCode.pathLength, `path has ${got}, expected ${levels}`);
  }
  for (let m = 0; m < n; m++) {
    const row = openedValues[m];
    const w = dims[m].width;
    if (!(row instanceof Uint32Array) || !Number.isSafeInteger(w) || row.length !== w) {
      throw new MerkleError(
        MerkleErrorCode.rowWidth,
        `matrix ${m}: opened row length differs from width ${w}`,
      );
    }
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= maxH) {
    throw new MerkleError(MerkleErrorCode.indexOutOfRange, `index ${index} outside 0..${maxH - 1}`);
  }
  const perm = config.perm;
  const order = tallestFirst(heights);
  let p = 0;
  const group: Uint32Array[] = [];
  while (p < n && npt(heights[order[p]]) === npt(maxH)) group.push(openedValues[order[p++]]);
  const acc = new Uint32Array(DIGEST_ELEMS);
  let cur = padded(maxH);
  hashConcat(perm, group, acc, 0);
  // The levels whose compressions go through the node cache: from the first output level of at
  // most SHARED_MAX_NODES nodes, when the caller's openings share nodes.
  // A power-of-two tree (every proof's) has maxH / 2^(i+1) nodes at output level i + 1.
  let cacheFrom = Infinity;
  if (shared && maxH === 2 ** levels) cacheFrom = Math.max(0, levels - 1 - SHARED_LOG_NODES);
  else if (shared) {
    let c = cur;
    for (let i = 0; i < levels && cacheFrom === Infinity; i++) {
      c = padded(c / 2);
      if (c <= SHARED_MAX_NODES) cacheFrom = i;
    }
  }
  if (p === n) {
    // One height class (every FRI round, most input batches): one run from leaf to root.
    perm.compressPath(acc, proof, 0, levels, index, cacheFrom);
    checkRoot(root, acc);
    return;
  }
  const leaf = new Uint32Array(DIGEST_ELEMS);
  let idx = index;
  let i = 0;
  while (i < levels) {
    // One segment: the levels up to and including the next one where a shorter group joins.
    let j = i;
    let joins = false;
    while (j < levels && !joins) {
      const logical = cur / 2;
      cur = padded(logical);
      j++;
      joins = p < n && npt(heights[order[p]]) === npt(logical);
    }
    perm.compressPath(acc, proof, i, j, idx, cacheFrom);
    idx = Math.floor(idx / 2 ** (j - i));
    i = j;
    if (joins) {
      const h = heights[order[p]];
      group.length = 0;
      while (p < n && heights[order[p]] === h) group.push(openedValues[order[p++]]);
      hashConcat(perm, group, leaf, 0);
      compressInto(perm, acc, 0, acc, 0, leaf, 0);
    }
  }
  checkRoot(root, acc);
}

/** Step 7: the computed digest must equal the committed root. */
function checkRoot(root: Digest, acc: Uint32Array): void {
  if (!isDigest(root)) throw new MerkleError(MerkleErrorCode.rootMismatch, 'root is not an 8-element digest');
  for (let j = 0; j < DIGEST_ELEMS; j++) {
    if (acc[j] !== root[j]) throw new MerkleError(MerkleErrorCode.rootMismatch, 'computed root differs');
  }
}

/**
 * Dimensions of matrices, for verifyBatch.
 * @param matrices row-major matrices
 * @returns their widths and heights, same order
 */
export function dimsOf(matrices: readonly Matrix[]): MatrixDims[] {
  return matrices.map((m) => ({ width: m.width, height: height(m) }));
}

/**
 * Views an extension-field matrix (4 consecutive coefficients per entry, row-major) as the base
 * matrix ExtensionMmcs commits (docs/protocol.md §5.6): same values, width 4 * extWidth. No copy.
 * @param values 4 * extWidth * height canonical coefficients
 * @param extWidth number of extension entries per row
 * @returns the base-field matrix
 * @throws {RangeError} if the value count is not a multiple of 4 * extWidth
 */
export function flattenExt(values: Uint32Array, extWidth: number): Matrix {
  const w = 4 * extWidth;
  if (!Number.isInteger(extWidth) || extWidth <= 0 || values.length % w !== 0) {
    throw new RangeError(
      `flattenExt: ${values.length} coefficients do not form rows of ${extWidth} ext entries`,
    );
  }
  return { values, width: w };
}

/**
 * Reads an opened base row of an extension matrix back as extension entries: entry j is
 * coefficients [4j, 4j + 4). Returns views, no copy.
 * @param row opened row of width 4 * k
 * @returns k extension elements (each a 4-element view)
 * @throws {RangeError} if the row length is not a multiple of 4
 */
export function unflattenExt(row: Uint32Array): Uint32Array[] {
  if (row.length % 4 !== 0)
    throw new RangeError(`unflattenExt: row length ${row.length} is not a multiple of 4`);
  const out: Uint32Array[] = [];
  for (let j = 0; j < row.length; j += 4) out.push(row.subarray(j, j + 4));
  return out;
}
