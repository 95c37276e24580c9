/**
 * The interpreter of the AIR register program (src/air/program.ts): the prover's folded quotient
 * numerator on the quotient domain (base field, block-vectorized) and the verifier's folded
 * constraints at zeta (extension field, scalar).
 *
 * Mirrors Plonky3/Plonky3:uni-stark/src/prover.rs (compute_quotient_values) and
 * uni-stark/src/folder.rs (ProverConstraintFolder, VerifierConstraintFolder) at v0.6.2.
 *
 * Folding (docs/protocol.md §10.2): folded = sum_j alpha^(N-1-j) C_j. The prover computes it as
 * sum_j pow_j * C_j with precomputed powers (4 base products per constraint and row instead of an
 * EF multiplication), which equals upstream's Horner value exactly; the verifier uses Horner.
 *
 * Invariants: all inputs and outputs are canonical; selectors come from src/air/domain.ts.
 */

import { add, mul, neg, P, reduceDouble, sub } from '../field/babybear.ts';
import { type Ext4, ext4AddInto, ext4MulInto, ext4NegInto, ext4SubInto } from '../field/ext4.ts';
import type { Matrix } from '../field/matrix.ts';
import { AirError } from './air.ts';
import { type CompiledAir, Insn } from './program.ts';
import { ExprOp } from './symbolic.ts';

const INV_P = 1 / P;

/** Inputs of `evalFoldedQuotient`: the trace and selector columns on one coset, natural order. */
export interface QuotientInputs {
  /** Trace on the coset, row-major, |Q| rows (natural order). */
  readonly trace: Matrix;
  /** "next" of row j is row (j + nextOffset) mod |Q| (2^lqc on the quotient domain, 1 on H_n). */
  readonly nextOffset: number;
  /** Public values (base field). */
  readonly publics: ArrayLike<number>;
  /**
   * Selector columns; each of power-of-two length dividing |Q|, point j reads entry j mod length.
   * `invVanishing` may be omitted only by callers that do not need it (the checker).
   */
  readonly selectors: {
    readonly isFirstRow: Uint32Array;
    readonly isLastRow: Uint32Array;
    readonly isTransition: Uint32Array;
    readonly invVanishing?: Uint32Array;
  };
  /** Periodic columns on the coset, each of power-of-two length; point j reads entry j mod length. */
  readonly periodic?: readonly Uint32Array[];
}

/** Options of `evalFoldedQuotient`. */
export interface QuotientOptions {
  /** First row to evaluate (default 0); out[0..4) is row `start`. */
  readonly start?: number;
  /** One past the last row (default |Q|). */
  readonly end?: number;
  /** Rows per block (default 256). */
  readonly blockSize?: number;
}

/**
 * Uniform node values (constants, publics and their combinations) in the base field.
 * @param c the compiled AIR
 * @param publics public values
 * @returns one value per uniform slot
 * @throws {AirError} if the public-value count is wrong
 */
export function evalUniforms(c: CompiledAir, publics: ArrayLike<number>): Uint32Array {
  if (publics.length !== c.numPublicValues) {
    throw new AirError(`expected ${c.numPublicValues} public values, got ${publics.length}`);
  }
  const nodes = c.uniformNodes;
  const slot = c.uniformSlot;
  const u = new Uint32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const e = nodes[i];
    switch (e.op) {
      case ExprOp.constant:
        u[i] = e.value;
        break;
      case ExprOp.public:
        u[i] = publics[e.value] % P;
        break;
      case ExprOp.add:
        u[i] = add(u[slot[(e.a as { id: number }).id]], u[slot[(e.b as { id: number }).id]]);
        break;
      case ExprOp.sub:
        u[i] = sub(u[slot[(e.a as { id: number }).id]], u[slot[(e.b as { id: number }).id]]);
        break;
      case ExprOp.mul:
        u[i] = mul(u[slot[(e.a as { id: number }).id]], u[slot[(e.b as { id: number }).id]]);
        break;
      case ExprOp.neg:
        u[i] = neg(u[slot[(e.a as { id: number }).id]]);
        break;
      default:
        throw new AirError(`uniform node with op ${e.op}`);
    }
  }
  return u;
}

/** Receives the values of constraint j for rows [start, start + len): regs[off .. off + len). */
export type EmitSink = (j: number, regs: Uint32Array, off: number, start: number, len: number) => void;

/** Columns of power-of-two lengths dividing the row count: row j reads cols[i][j & mask[i]]. */
interface WrappedColumns {
  readonly cols: readonly Uint32Array[];
  readonly mask: Int32Array;
}

/** Validated view of the inputs, shared by the folding evaluator and the checker. */
interface Source {
  readonly values: Uint32Array;
  readonly width: number;
  readonly rows: number;
  readonly nextOffset: number;
  /** isFirstRow, isLastRow, isTransition. */
  readonly sel: WrappedColumns;
  readonly per: WrappedColumns;
}

function maskOf(col: Uint32Array, rows: number, what: string): number {
  const len = col.length;
  if (len === 0 || (len & (len - 1)) !== 0 || rows % len !== 0) {
    throw new AirError(`${what}: length ${len} is not a power of two dividing ${rows}`);
  }
  return len - 1;
}

/** Checks that each column's length is a power of two dividing `rows`, and masks it. */
function wrapped(cols: readonly Uint32Array[], rows: number, what: string): WrappedColumns {
  return { cols, mask: Int32Array.from(cols.map((col, i) => maskOf(col, rows, `${what} ${i}`))) };
}

function makeSource(c: CompiledAir, inp: QuotientInputs): Source {
  const { trace } = inp;
  if (trace.width !== c.width) throw new AirError(`trace width ${trace.width}, AIR width ${c.width}`);
  const rows = trace.width === 0 ? 0 : trace.values.length / trace.width;
  if (!Number.isInteger(inp.nextOffset) || inp.nextOffset < 0 || (rows > 0 && inp.nextOffset >= rows)) {
    throw new AirError(`nextOffset ${inp.nextOffset} outside 0..${rows - 1}`);
  }
  const s = inp.selectors;
  const sel = wrapped([s.isFirstRow, s.isLastRow, s.isTransition], rows, 'selector');
  const per = inp.periodic ?? [];
  if (per.length !== c.numPeriodic)
    throw new AirError(`expected ${c.numPeriodic} periodic columns, got ${per.length}`);
  return {
    values: trace.values,
    width: trace.width,
    rows,
    nextOffset: inp.nextOffset,
    sel,
    per: wrapped(per, rows, 'periodic column'),
  };
}

/**
 * Runs the register program over rows [start, start + len) (len <= block size B).
 * Register r of row i lives at regs[r * B + i - start].
 */
function runBlock(
  c: CompiledAir,
  src: Source,
  u: Uint32Array,
  regs: Uint32Array,
  B: number,
  start: number,
  len: number,
  sink: EmitSink | null,
  acc: Float64Array,
  pw: Uint32Array,
): void {
  const prog = c.program;
  const { values, width: w, rows } = src;
  for (let pc = 0; pc < prog.length; pc += 4) {
    const op = prog[pc];
    const d = prog[pc + 1] * B;
    const ia = prog[pc + 2];
    const ib = prog[pc + 3];
    switch (op) {
      case Insn.loadMain: {
        let idx = start * w + ia;
        for (let r = 0; r < len; r++, idx += w) regs[d + r] = values[idx];
        break;
      }
      case Insn.loadNext: {
        let row = start + src.nextOffset;
        if (row >= rows) row -= rows;
        for (let r = 0; r < len; r++) {
          regs[d + r] = values[row * w + ia];
          row++;
          if (row === rows) row = 0;
        }
        break;
      }
      case Insn.loadSel:
      case Insn.loadPeriodic: {
        const from = op === Insn.loadSel ? src.sel : src.per;
        const col = from.cols[ia];
        const m = from.mask[ia];
        for (let r = 0; r < len; r++) regs[d + r] = col[(start + r) & m];
        break;
      }
      case Insn.add: {
        const a = ia * B;
        const b = ib * B;
        for (let r = 0; r < len; r++) {
          const s = regs[a + r] + regs[b + r];
          regs[d + r] = s >= P ? s - P : s;
        }
        break;
      }
      case Insn.sub: {
        const a = ia * B;
        const b = ib * B;
        for (let r = 0; r < len; r++) {
          const s = regs[a + r] - regs[b + r];
          regs[d + r] = s < 0 ? s + P : s;
        }
        break;
      }
      case Insn.mul: {
        const a = ia * B;
        const b = ib * B;
        for (let r = 0; r < len; r++) {
          // Inlined mul (see babybear.ts): x*y < 2^62, q at most one off, remainder fits int32.
          const x = regs[a + r];
          const y = regs[b + r];
          const q = Math.floor(x * y * INV_P);
          let m = (Math.imul(x, y) - Math.imul(q, P)) | 0;
          if (m < 0) m += P;
          else if (m >= P) m -= P;
          regs[d + r] = m;
        }
        break;
      }
      case Insn.neg: {
        const a = ia * B;
        for (let r = 0; r < len; r++) {
          const x = regs[a + r];
          regs[d + r] = x === 0 ? 0 : P - x;
        }
        break;
      }
      case Insn.addU: {
        const a = ia * B;
        const k = u[ib];
        for (let r = 0; r < len; r++) {
          const s = regs[a + r] + k;
          regs[d + r] = s >= P ? s - P : s;
        }
        break;
      }
      case Insn.subU: {
        const a = ia * B;
        const k = u[ib];
        for (let r = 0; r < len; r++) {
          const s = regs[a + r] - k;
          regs[d + r] = s < 0 ? s + P : s;
        }
        break;
      }
      case Insn.uSub: {
        const a = ia * B;
        const k = u[ib];
        for (let r = 0; r < len; r++) {
          const s = k - regs[a + r];
          regs[d + r] = s < 0 ? s + P : s;
        }
        break;
      }
      case Insn.mulU: {
        const a = ia * B;
        const k = u[ib];
        const kf = k * INV_P;
        for (let r = 0; r < len; r++) {
          const x = regs[a + r];
          const q = Math.floor(x * kf);
          let m = (Math.imul(x, k) - Math.imul(q, P)) | 0;
          if (m < 0) m += P;
          else if (m >= P) m -= P;
          regs[d + r] = m;
        }
        break;
      }
      case Insn.emit: {
        const a = ia * B;
        if (sink !== null) {
          sink(prog[pc + 1], regs, a, start, len);
          break;
        }
        // acc_k[r] += C_j[r] * pw_j[k]; each product is reduced (< P), see evalFoldedQuotient.
        const o = 4 * prog[pc + 1];
        for (let k = 0; k < 4; k++) {
          const pk = pw[o + k];
          if (pk === 0) continue;
          const pf = pk * INV_P;
          const ab = k * B;
          for (let r = 0; r < len; r++) {
            const x = regs[a + r];
            const q = Math.floor(x * pf);
            let m = (Math.imul(x, pk) - Math.imul(q, P)) | 0;
            if (m < 0) m += P;
            else if (m >= P) m -= P;
            acc[ab + r] += m;
          }
        }
        break;
      }
      default:
        throw new AirError(`bad instruction ${op}`);
    }
  }
}

/**
 * Runs every constraint over rows [start, end) of the inputs, block by block, handing each
 * constraint's values to `sink`. Constraints whose value is the same on every row (uniform roots)
 * are reported once through `uniformSink`.
 * @param c compiled AIR
 * @param inp inputs on one coset (or on H_n for the checker)
 * @param sink receives non-uniform constraint values per block
 * @param uniformSink receives (constraint index, value) for uniform constraints
 * @param opts row range and block size
 * @throws {AirError} for inconsistent inputs
 */
export function evalConstraintBlocks(
  c: CompiledAir,
  inp: QuotientInputs,
  sink: EmitSink,
  uniformSink: (j: number, value: number) => void,
  opts: QuotientOptions = {},
): void {
  runBlocks(c, inp, sink, uniformSink, opts, EMPTY_U32, null);
}

const EMPTY_U32 = new Uint32Array(0);

/** Shared driver: with `sink` null, emits fold into acc (4 x B) and `after` consumes each block. */
function runBlocks(
  c: CompiledAir,
  inp: QuotientInputs,
  sink: EmitSink | null,
  uniformSink: (j: number, value: number) => void,
  opts: QuotientOptions,
  pw: Uint32Array,
  after: ((start: number, len: number, acc: Float64Array, B: number) => void) | null,
): void {
  const src = makeSource(c, inp);
  const u = evalUniforms(c, inp.publics);
  const ue = c.uniformEmits;
  for (let i = 0; i < ue.length; i += 2) uniformSink(ue[i], u[ue[i + 1]]);
  const start = opts.start ?? 0;
  const end = opts.end ?? src.rows;
  if (!(0 <= start && start <= end && end <= src.rows)) throw new AirError(`row range ${start}..${end}`);
  const B = Math.max(1, Math.min(opts.blockSize ?? 256, end - start));
  const regs = new Uint32Array(Math.max(1, c.numRegs) * B);
  const acc = new Float64Array(sink === null ? 4 * B : 0);
  for (let s = start; s < end; s += B) {
    const len = Math.min(B, end - s);
    runBlock(c, src, u, regs, B, s, len, sink, acc, pw);
    if (after !== null) {
      after(s, len, acc, B);
      acc.fill(0);
    }
  }
}

/**
 * alpha^(N-1-j) for j < N, as 4N coefficients (power of constraint j at 4j).
 * @param alpha the folding challenge
 * @param count N
 * @returns the powers
 */
export function foldingPowers(alpha: Ext4, count: number): Uint32Array {
  const pw = new Uint32Array(4 * count);
  if (count === 0) return pw;
  pw[4 * (count - 1)] = 1;
  for (let j = count - 2; j >= 0; j--) ext4MulInto(pw, 4 * j, pw, 4 * (j + 1), alpha, 0);
  return pw;
}

/**
 * Prover: q[j] = (sum_k alpha^(N-1-k) C_k(x_j)) * invVanishing(x_j) for each row j of the coset
 * (docs/protocol.md §10.4 step 8), written as 4 coefficients per row.
 * @param c compiled AIR
 * @param inp trace, nextOffset, publics, selectors (with invVanishing) and periodic columns on Q
 * @param alpha the folding challenge
 * @param out output, 4 * (end - start) entries (allocated if omitted); row j at 4 (j - start)
 * @param opts row range (for splitting work) and block size (default 256 rows)
 * @returns out
 * @throws {AirError} for inconsistent inputs
 * @example
 * const sels = selectorsOnCoset(k, GENERATOR, k + c.logQuotientChunks);
 * const q = evalFoldedQuotient(c, { trace: lde, nextOffset: 1 << c.logQuotientChunks, publics, selectors: sels }, alpha);
 */
export function evalFoldedQuotient(
  c: CompiledAir,
  inp: QuotientInputs,
  alpha: Ext4,
  out?: Uint32Array,
  opts: QuotientOptions = {},
): Uint32Array {
  const rows = c.width === 0 ? 0 : inp.trace.values.length / inp.trace.width;
  const start = opts.start ?? 0;
  const end = opts.end ?? rows;
  const result = out ?? new Uint32Array(4 * (end - start));
  if (result.length < 4 * (end - start)) throw new AirError(`output holds ${result.length / 4} rows`);
  const invZ = inp.selectors.invVanishing;
  if (invZ === undefined) throw new AirError('evalFoldedQuotient needs selectors.invVanishing');
  const zMask = maskOf(invZ, rows, 'invVanishing');
  const N = c.constraints.length;
  // Each folded product is reduced (< P < 2^31); N < 2^22 of them sum exactly in a double.
  if (N >= 2 ** 22) throw new AirError(`too many constraints: ${N}`);
  const pw = foldingPowers(alpha, N);
  const uc = new Uint32Array(4);
  const uniformSink = (j: number, v: number): void => {
    for (let k = 0; k < 4; k++) uc[k] = add(uc[k], mul(v, pw[4 * j + k]));
  };
  const after = (s: number, len: number, acc: Float64Array, B: number): void => {
    for (let r = 0; r < len; r++) {
      const z = invZ[(s + r) & zMask];
      const o = 4 * (s - start + r);
      result[o] = mul(add(reduceDouble(acc[r]), uc[0]), z);
      result[o + 1] = mul(add(reduceDouble(acc[B + r]), uc[1]), z);
      result[o + 2] = mul(add(reduceDouble(acc[2 * B + r]), uc[2]), z);
      result[o + 3] = mul(add(reduceDouble(acc[3 * B + r]), uc[3]), z);
    }
  };
  runBlocks(c, inp, null, uniformSink, { start, end, blockSize: opts.blockSize }, pw, after);
  return result;
}

/** Inputs of `evalFoldedAtPoint` (verifier side). Extension vectors are flat (4 per entry) or arrays. */
export interface PointInputs {
  /** trace_local: w EF values. */
  readonly local: Uint32Array | readonly Ext4[];
  /** trace_next: w EF values, or null/undefined when not opened (treated as zeros). */
  readonly next?: Uint32Array | readonly Ext4[] | null;
  /** Public values (base field). */
  readonly publics: ArrayLike<number>;
  /** Periodic values at zeta, one EF value per periodic column. */
  readonly periodic?: Uint32Array | readonly Ext4[];
  /** Selectors at zeta (invVanishing unused here). */
  readonly selectors: { readonly isFirstRow: Ext4; readonly isLastRow: Ext4; readonly isTransition: Ext4 };
}

function flatExt(
  v: Uint32Array | readonly Ext4[] | null | undefined,
  count: number,
  what: string,
): Uint32Array {
  if (v === null || v === undefined) return new Uint32Array(4 * count);
  const flat = v instanceof Uint32Array ? v : flatten(v);
  if (flat.length !== 4 * count)
    throw new AirError(`${what}: expected ${count} EF values, got ${flat.length / 4}`);
  return flat;
}

function flatten(v: readonly Ext4[]): Uint32Array {
  const out = new Uint32Array(4 * v.length);
  for (let i = 0; i < v.length; i++) out.set(v[i].subarray(0, 4), 4 * i);
  return out;
}

/**
 * Verifier: the folded constraints at zeta, Horner acc = acc * alpha + C_j (docs/protocol.md §10.2), NOT multiplied
 * by invVanishing.
 * @param c compiled AIR
 * @param inp opened values, publics, periodic values and selectors at zeta
 * @param alpha the folding challenge
 * @returns the folded value in EF
 * @throws {AirError} for inconsistent input lengths
 */
export function evalFoldedAtPoint(c: CompiledAir, inp: PointInputs, alpha: Ext4): Ext4 {
  const w = c.width;
  const local = flatExt(inp.local, w, 'trace_local');
  const next = flatExt(inp.next, w, 'trace_next');
  const per = flatExt(inp.periodic, c.numPeriodic, 'periodic values');
  const pubs = inp.publics;
  if (pubs.length !== c.numPublicValues) {
    throw new AirError(`expected ${c.numPublicValues} public values, got ${pubs.length}`);
  }
  const nodes = c.nodes;
  const n = nodes.length;
  // Only nodes reachable from a constraint are needed.
  const reach = new Uint8Array(n);
  for (const r of c.constraints) reach[r.id] = 1;
  for (let i = n - 1; i >= 0; i--) {
    if (reach[i] === 0) continue;
    const e = nodes[i];
    if (e.a !== null) reach[e.a.id] = 1;
    if (e.b !== null) reach[e.b.id] = 1;
  }
  const v = new Uint32Array(4 * n);
  const sel = inp.selectors;
  for (let i = 0; i < n; i++) {
    if (reach[i] === 0) continue;
    const e = nodes[i];
    const o = 4 * i;
    switch (e.op) {
      case ExprOp.constant:
        v[o] = e.value;
        break;
      case ExprOp.public:
        v[o] = pubs[e.value] % P;
        break;
      case ExprOp.main:
        v.set(local.subarray(4 * e.value, 4 * e.value + 4), o);
        break;
      case ExprOp.next:
        v.set(next.subarray(4 * e.value, 4 * e.value + 4), o);
        break;
      case ExprOp.periodic:
        v.set(per.subarray(4 * e.value, 4 * e.value + 4), o);
        break;
      case ExprOp.isFirstRow:
        v.set(sel.isFirstRow.subarray(0, 4), o);
        break;
      case ExprOp.isLastRow:
        v.set(sel.isLastRow.subarray(0, 4), o);
        break;
      case ExprOp.isTransition:
        v.set(sel.isTransition.subarray(0, 4), o);
        break;
      case ExprOp.add:
        ext4AddInto(v, o, v, 4 * (e.a as { id: number }).id, v, 4 * (e.b as { id: number }).id);
        break;
      case ExprOp.sub:
        ext4SubInto(v, o, v, 4 * (e.a as { id: number }).id, v, 4 * (e.b as { id: number }).id);
        break;
      case ExprOp.mul:
        ext4MulInto(v, o, v, 4 * (e.a as { id: number }).id, v, 4 * (e.b as { id: number }).id);
        break;
      case ExprOp.neg:
        ext4NegInto(v, o, v, 4 * (e.a as { id: number }).id);
        break;
    }
  }
  const acc = new Uint32Array(4);
  for (const r of c.constraints) {
    ext4MulInto(acc, 0, acc, 0, alpha, 0);
    ext4AddInto(acc, 0, acc, 0, v, 4 * r.id);
  }
  return acc;
}
