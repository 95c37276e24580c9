/**
 * The Backend seam: every data-heavy step of the prover, as operations on opaque handles to data
 * that lives where the backend keeps it (TypedArrays for the CPU backends, device buffers for
 * WebGPU). Protocol code (src/stark, src/fri) reaches the prover's hot work only through this
 * interface and never asks which backend it has: every implementation does every operation.
 *
 * What crosses the seam is small: Merkle roots, challenges, opened values at out-of-domain
 * points, opened rows with their Merkle paths, the final polynomial and proof-of-work witnesses.
 * The trace crosses once, into `ldeAndCommit`. LDEs, the quotient, the reduced openings and the
 * FRI vectors stay behind their handles.
 *
 * The CPU twin of each operation is named in its comment; `CpuBackend` (cpu.ts) is the plain
 * specification that every other backend matches byte for byte. Operations never touch the
 * Fiat–Shamir transcript: the protocol observes what comes back, so the transcript order is the
 * protocol's alone. Mirrors the prover-data side of Plonky3/Plonky3:commit/src/{pcs,mmcs}.rs and
 * Plonky3/Plonky3:fri/src/{two_adic_pcs,prover}.rs.
 *
 * Invariants: a handle is only valid on the backend that made it, until `release` or `close`;
 * results are canonical field elements; every operation is async because WebGPU's are, and
 * reports failure by rejecting (a backend that lost its device rejects every later operation,
 * which FallbackBackend relies on); operations are called one at a time, in protocol order.
 */
import type { CompiledAir } from '../air/program.ts';
import type { Felt } from '../field/babybear.ts';
import type { Ext4 } from '../field/ext4.ts';
import type { Matrix } from '../field/matrix.ts';
import type { Digest } from '../hash/types.ts';
import type { BatchOpening as MerkleOpening } from '../merkle/mmcs.ts';

/** Which implementation runs the hot operations. */
export const BackendKind = { cpu: 'cpu', webgpu: 'webgpu' } as const;
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind];

/** Width and height of one committed matrix (as committed: an LDE's height includes the blowup). */
export interface MatrixShape {
  readonly width: number;
  readonly height: number;
}

/**
 * A committed batch of matrices (one Merkle tree over their rows, mixed heights, docs/protocol.md §5.3), kept by
 * the backend that made it. Only the root and the shapes are visible.
 */
export interface CommittedHandle {
  readonly handle: 'committed';
  /** The Merkle root (the one-digest cap at cap height 0). */
  readonly root: Digest;
  /** The committed matrices' shapes, caller order. */
  readonly shapes: readonly MatrixShape[];
}

/**
 * A vector of extension-field elements (4 base coefficients each) kept by the backend: the
 * quotient on its domain, a reduced-opening vector, a FRI-folded vector.
 */
export interface ExtVectorHandle {
  readonly handle: 'ext-vector';
  /** Number of extension elements. */
  readonly length: number;
}

/** Any handle a backend gives out. */
export type BackendHandle = CommittedHandle | ExtVectorHandle;

/**
 * What the quotient evaluation needs besides the committed trace: the AIR, the trace height and
 * the public values. The quotient domain is Q = GEN * H_(2^(logN + lqc)), lqc =
 * `compiled.logQuotientChunks`; selectors, periodic columns (`compiled.air.periodicColumns`) and
 * 1 / Z_H are derived on Q by the backend.
 */
export interface QuotientSpec {
  /** The compiled AIR (constraint program, degree, periodic columns). */
  readonly compiled: CompiledAir;
  /** log2 of the trace height. */
  readonly logN: number;
  /** The public values (canonical). */
  readonly publics: Uint32Array;
}

/** One committed round to reduce (PCS open step 3). */
export interface ReduceRound {
  /** The committed batch, as returned by ldeAndCommit or commitQuotient. */
  readonly committed: CommittedHandle;
  /** points[m] = the EF points matrix m is opened at. */
  readonly points: readonly (readonly Ext4[])[];
  /** values[m][p] = the opened values of matrix m at point p (4 per column, from evaluateAt). */
  readonly values: readonly (readonly Uint32Array[])[];
}

/**
 * The candidate-test state of a proof-of-work search (docs/protocol.md §6.4, DuplexChallenger.powTemplate):
 * a candidate w is valid iff, with w written into `state[slot]`, the permuted state's element
 * `rate - 1` has its low `bits` bits zero.
 */
export interface PowTemplate {
  readonly state: Uint32Array;
  readonly slot: number;
  readonly rate: number;
}

/**
 * Host–device traffic of a backend since it was made. The CPU backends keep everything in host
 * memory and report zeros.
 */
export interface TransferLedger {
  /** Bytes written to the device (data, constants, tables). */
  readonly uploadedBytes: number;
  /** Bytes read back from the device. */
  readonly readBytes: number;
  /** Read-backs (host waits on device data). */
  readonly readbacks: number;
  /** Command-buffer submits. */
  readonly submits: number;
}

/** The all-zero ledger (CPU backends). */
export const ZERO_LEDGER: TransferLedger = Object.freeze({
  uploadedBytes: 0,
  readBytes: 0,
  readbacks: 0,
  submits: 0,
});

/**
 * Thrown by a backend that can no longer run operations (device lost, closed, out of memory).
 * FallbackBackend (select.ts) answers any primary failure by replaying on the CPU; this type
 * only marks failures after which the primary is not tried again.
 */
export class BackendLostError extends Error {
  override readonly name = 'BackendLostError';
}

/**
 * The prover's data-heavy operations. Every method is required; results are byte-identical
 * between implementations.
 */
export interface Backend {
  readonly kind: BackendKind;

  /**
   * Coset LDE and commit (PCS commit, docs/protocol.md §8.4): each matrix (natural-order
   * evaluations on a subgroup H_n) is extended by 2^logBlowup onto the coset shifts[i] * H_(n 2^logBlowup), its
   * rows bit-reversed, and all are committed in one Merkle tree. The input matrices are uploaded
   * once and may be kept (the quotient needs the trace's own coset LDE when lqc > logBlowup).
   * CPU twin: cosetLdeBitReversed (src/field/dft.ts) per matrix, then commitMatrices
   * (src/merkle/mmcs.ts). Crosses: the matrices in, the root out.
   * @param evals natural-order evaluations, heights powers of two
   * @param logBlowup log2 of the blowup
   * @param shifts the coset shift of each matrix's LDE
   * @returns the committed LDEs
   */
  ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle>;

  /**
   * Folded quotient over Q = GEN * H_(2^(logN + lqc)) (uni-stark steps 7-8,
   * docs/protocol.md §10.4): for each point x_j of Q in natural order, q_j = (sum_k alpha^(N-1-k) C_k(x_j)) / Z_H(x_j), with the
   * trace on Q taken from matrix 0 of `trace` (the first 2^(logN+lqc) bit-reversed LDE rows when
   * lqc <= logBlowup, else a coset LDE of the trace by 2^lqc with shift GEN), next-row offset
   * 2^lqc, selectors and periodic columns on Q. CPU twin: evalFoldedQuotient with
   * selectorsOnCoset / periodicColumnsOnCoset (src/air/domain.ts). Crosses: alpha in.
   * @param trace the trace commitment (ldeAndCommit of the trace with shift GEN)
   * @param spec the AIR, log trace height and publics
   * @param alpha the constraint-folding challenge
   * @returns the quotient, 2^(logN + lqc) EF values in natural order
   */
  evalQuotient(trace: CommittedHandle, spec: QuotientSpec, alpha: Ext4): Promise<ExtVectorHandle>;

  /**
   * Quotient split and commit (uni-stark steps 9-10): chunk i holds q[i + r * numChunks] for
   * r < |q| / numChunks, as a matrix of 4 base columns (the EF coefficients); each chunk is
   * extended and committed as in ldeAndCommit with shifts[i]. CPU twin: the split loop, then
   * ldeAndCommit. Crosses: the root out.
   * @param quotient the quotient vector (evalQuotient)
   * @param numChunks the number of chunks (a power of two)
   * @param logBlowup log2 of the blowup
   * @param shifts the LDE shift of each chunk (GEN / chunk domain shift)
   * @returns the committed chunk LDEs
   */
  commitQuotient(
    quotient: ExtVectorHandle,
    numChunks: number,
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle>;

  /**
   * Out-of-domain evaluation (PCS open step 1, docs/protocol.md §8.6): every column of each committed LDE at each
   * of its EF points, by the barycentric formula over the first height / 2^logBlowup rows (the
   * values on GEN * H_n). CPU twin: evaluateLdeAt (src/fri/open.ts). Crosses: points in, values
   * out.
   * @param committed an ldeAndCommit or commitQuotient result
   * @param logBlowup the blowup it was committed with
   * @param points points[m] = the EF points of matrix m (may be empty)
   * @returns values[m][p]: 4 coefficients per column of matrix m at point p
   * @throws {FieldError} if a point lies on the evaluation coset
   */
  evaluateAt(
    committed: CommittedHandle,
    logBlowup: number,
    points: readonly (readonly Ext4[])[],
  ): Promise<Uint32Array[][]>;

  /**
   * Reduced openings (PCS open step 3): for each committed log height h, the vector
   * ro_h[j] = sum over (round, matrix of height 2^h, point), in order, of alpha^k
   * (sum_c alpha^c y_c - sum_c alpha^c M[j][c]) / (z - x_j), x_j = GEN g_h^rev(j), k the running
   * column offset of the height. CPU twin: reduceTerms + reduceRange (src/fri/open.ts).
   * Crosses: alpha and the opened values in.
   * @param rounds the opened rounds
   * @param alpha the batching challenge
   * @returns one vector per distinct height, tallest first (bit-reversed order)
   */
  reduceOpenings(rounds: readonly ReduceRound[], alpha: Ext4): Promise<ExtVectorHandle[]>;

  /**
   * Commit of one FRI round (docs/protocol.md §9.2): the vector as a matrix of rows of 2^logArity consecutive
   * EF values (width 4 * 2^logArity), committed alone. CPU twin: commitMatrices of
   * matrix(v, 4 << logArity). Crosses: the root out.
   * @param v the round's input vector (bit-reversed order)
   * @param logArity log2 of the round's arity
   * @returns the commitment (its rows are what queries open)
   */
  commitFriRound(v: ExtVectorHandle, logArity: number): Promise<CommittedHandle>;

  /**
   * FRI fold (docs/protocol.md §9.4): logArity arity-2 folds with beta, beta^2, beta^4, ...; then, when `rollIn`
   * is given (a reduced opening of the folded height), adds beta^(2^logArity) * rollIn.
   * CPU twin: foldVector (src/fri/fold.ts) and the roll-in loop. Crosses: beta in.
   * @param v the vector (length 2^(m + logArity))
   * @param beta the round's challenge
   * @param logArity log2 of the arity
   * @param rollIn a vector of the folded length, or null
   * @returns the folded vector
   */
  foldFri(
    v: ExtVectorHandle,
    beta: Ext4,
    logArity: number,
    rollIn: ExtVectorHandle | null,
  ): Promise<ExtVectorHandle>;

  /**
   * The final polynomial (docs/protocol.md §9.2): the IDFT of the first 2^logFinalPolyLen values of the last
   * folded vector, brought from bit-reversed to natural order. CPU twin: idft (src/field/dft.ts).
   * Crosses: the coefficients out.
   * @param v the last folded vector
   * @param logFinalPolyLen log2 of the final polynomial's length
   * @returns 4 * 2^logFinalPolyLen coefficients, c_0 first
   */
  finalPoly(v: ExtVectorHandle, logFinalPolyLen: number): Promise<Uint32Array>;

  /**
   * Proof-of-work grinding (docs/protocol.md §6.4): the smallest w >= 0 valid for the template, exactly what a
   * sequential search from 0 returns. CPU twin: DuplexChallenger.grind / powWitnessSearch
   * (src/challenger/pow.ts). Crosses: the template in, the witness out.
   * @param template the challenger's candidate-test state
   * @param bits PoW bits, 1..30
   * @returns the witness
   */
  grind(template: PowTemplate, bits: number): Promise<number>;

  /**
   * Query openings (MMCS open_batch, docs/protocol.md §5.4): for each index of the tallest committed height, the
   * row of every matrix (smaller ones at index >> (log difference)) and the sibling path.
   * CPU twin: openBatch (src/merkle/mmcs.ts). Crosses: indices in, rows and paths out.
   * @param committed any commitment of this backend (trace, quotient, FRI round)
   * @param indices row indices of the tallest matrix
   * @returns one opening per index, same order
   * @throws {RangeError} for an index out of range
   */
  openRows(committed: CommittedHandle, indices: readonly number[]): Promise<MerkleOpening[]>;

  /**
   * Frees what a handle holds; releasing twice, or releasing after close, is a no-op.
   * @param h a handle of this backend
   */
  release(h: BackendHandle): void;

  /**
   * The transfer counts since the backend was made (zeros on the CPU).
   * @returns a snapshot
   */
  ledger(): TransferLedger;

  /** Releases every resource; idempotent. Handles are invalid afterwards. */
  close(): void;
}

/**
 * @deprecated the seam no longer hands out host matrices; use CommittedHandle.
 */
export type CommittedMatrices = CommittedHandle;
