/**
 * The AIR register program: its opcodes (`Insn`), the compiled form (`CompiledAir`) and the
 * compiler that linearizes the symbolic constraint DAG into it (`compileAir`, cached per AIR by
 * `compileAirCached`). src/air/eval.ts interprets the program on the CPU; src/shaders/quotient.wgsl.ts
 * generates a WGSL kernel from the same program.
 *
 * Mirrors Plonky3/Plonky3:uni-stark/src/symbolic.rs (get_log_num_quotient_chunks) at v0.6.2; the
 * register program itself has no upstream counterpart (upstream folds constraints by walking the AIR).
 *
 * Invariants: the program reads registers only after writing them; each instruction is 4 ints
 * (op, dst, a, b); uniform nodes are evaluated once per proof (`evalUniforms`).
 */

import { ceilLog2 } from '../field/babybear.ts';
import { type Air, AirError } from './air.ts';
import { type Expr, ExprOp, symbolicEval } from './symbolic.ts';

/** Register-program opcodes (4 ints per instruction: op, dst, a, b). See src/air/eval.ts. */
export const Insn = {
  /** regs[dst] = local column a */
  loadMain: 0,
  /** regs[dst] = next-row column a */
  loadNext: 1,
  /** regs[dst] = selector a (0 first, 1 last, 2 transition) */
  loadSel: 2,
  /** regs[dst] = periodic column a */
  loadPeriodic: 3,
  /** regs[dst] = regs[a] + regs[b] */
  add: 4,
  /** regs[dst] = regs[a] - regs[b] */
  sub: 5,
  /** regs[dst] = regs[a] * regs[b] */
  mul: 6,
  /** regs[dst] = -regs[a] */
  neg: 7,
  /** regs[dst] = regs[a] + u[b] */
  addU: 8,
  /** regs[dst] = regs[a] - u[b] */
  subU: 9,
  /** regs[dst] = u[b] - regs[a] */
  uSub: 10,
  /** regs[dst] = regs[a] * u[b] */
  mulU: 11,
  /** constraint dst has the value regs[a] */
  emit: 12,
} as const;

/** The result of `compileAir`: constraints, degrees, quotient shape and the register program. */
export interface CompiledAir {
  /** The AIR compiled. */
  readonly air: Air;
  /** Main width. */
  readonly width: number;
  /** Public value count. */
  readonly numPublicValues: number;
  /** Periodic column count. */
  readonly numPeriodic: number;
  /** Every node of the symbolic evaluation, indexed by id (topological order). */
  readonly nodes: readonly Expr[];
  /** Constraint roots, program order. */
  readonly constraints: readonly Expr[];
  /** Inferred degree of each constraint. */
  readonly constraintDegrees: readonly number[];
  /** Maximum inferred constraint degree (0 with no constraints). */
  readonly inferredDegree: number;
  /** d of docs/protocol.md §10.3: the AIR's hint if given, else `inferredDegree`. */
  readonly maxDegree: number;
  /** lqc = ceil_log2(max(d, 2) - 1) (non-ZK). */
  readonly logQuotientChunks: number;
  /** c = 2^lqc (non-ZK). */
  readonly numQuotientChunks: number;
  /** Whether the main trace is opened at zeta_next (main_next_row_columns non-empty). */
  readonly readsNext: boolean;
  /** Whether any constraint actually reads a next-row variable. */
  readonly usesNext: boolean;
  /** Register program: 4 ints per instruction (`Insn`). */
  readonly program: Int32Array;
  /** Registers the program needs. */
  readonly numRegs: number;
  /** Uniform nodes (constants, publics and their combinations) used by the program, topological order. */
  readonly uniformNodes: readonly Expr[];
  /** Uniform slot of each node id (-1 if not uniform or unused). */
  readonly uniformSlot: Int32Array;
  /** Constraints whose root is uniform: pairs (constraint index, uniform slot). */
  readonly uniformEmits: Int32Array;
}

/**
 * log_num_quotient_chunks of docs/protocol.md §10.3.
 * @param d the constraint degree (hint or inferred)
 * @param isZk true for the hiding PCS
 * @returns lqc = ceil_log2(max(d + isZk, 2) - 1); the chunk count is 2^(lqc + isZk)
 */
export function logQuotientChunksFor(d: number, isZk = false): number {
  return ceilLog2(Math.max(d + (isZk ? 1 : 0), 2) - 1);
}

/**
 * Compiles an AIR: symbolic evaluation, degree inference, quotient shape, register program.
 * @param air the AIR
 * @returns the compiled AIR
 * @throws {AirError} if the AIR reads a next-row column not in `mainNextRowColumns`, or its
 *   periodic columns are not of power-of-two length
 * @example
 * const c = compileAir(fibonacciAir());   // c.logQuotientChunks === 0
 */
export function compileAir(air: Air): CompiledAir {
  const b = symbolicEval(air);
  const nodes = b.pool.nodes;
  const constraints = b.constraints;
  for (const col of air.periodicColumns ?? []) {
    const len = col.length;
    if (len === 0 || (len & (len - 1)) !== 0)
      throw new AirError(`${air.name}: periodic column length ${len}`);
  }

  const constraintDegrees = constraints.map((e) => e.degree);
  let inferred = 0;
  for (const d of constraintDegrees) inferred = Math.max(inferred, d);
  const hint = air.maxConstraintDegree;
  if (hint !== undefined && (!Number.isInteger(hint) || hint < 0)) {
    throw new AirError(`${air.name}: bad maxConstraintDegree ${hint}`);
  }
  const maxDegree = hint ?? inferred;
  const lqc = logQuotientChunksFor(maxDegree);

  // Reachability and next-row use.
  const n = nodes.length;
  const reach = new Uint8Array(n);
  for (const r of constraints) reach[r.id] = 1;
  for (let i = n - 1; i >= 0; i--) {
    if (reach[i] === 0) continue;
    const e = nodes[i];
    if (e.a !== null) reach[e.a.id] = 1;
    if (e.b !== null) reach[e.b.id] = 1;
  }
  const declaredNext = air.mainNextRowColumns;
  const allowed = new Uint8Array(air.width);
  if (declaredNext === undefined) allowed.fill(1);
  else {
    for (const c of declaredNext) {
      if (!Number.isInteger(c) || c < 0 || c >= air.width) {
        throw new AirError(`${air.name}: mainNextRowColumns entry ${c} out of range`);
      }
      allowed[c] = 1;
    }
  }
  let usesNext = false;
  for (let i = 0; i < n; i++) {
    const e = nodes[i];
    if (reach[i] === 1 && e.op === ExprOp.next) {
      usesNext = true;
      if (allowed[e.value] === 0) {
        throw new AirError(`${air.name}: reads next-row column ${e.value} not in mainNextRowColumns`);
      }
    }
  }
  const readsNext = declaredNext === undefined ? air.width > 0 : declaredNext.length > 0;

  // Uniform slots.
  const uniformSlot = new Int32Array(n).fill(-1);
  const uniformNodes: Expr[] = [];
  for (let i = 0; i < n; i++) {
    if (reach[i] === 1 && nodes[i].uniform) {
      uniformSlot[i] = uniformNodes.length;
      uniformNodes.push(nodes[i]);
    }
  }

  // Schedule: operations in id order, leaves loaded lazily before first use, emits right after.
  const rootsOf = new Map<number, number[]>();
  const uniformEmits: number[] = [];
  for (let j = 0; j < constraints.length; j++) {
    const r = constraints[j];
    if (r.uniform) {
      uniformEmits.push(j, uniformSlot[r.id]);
      continue;
    }
    const list = rootsOf.get(r.id);
    if (list === undefined) rootsOf.set(r.id, [j]);
    else list.push(j);
  }
  // steps: node ids (>= 0) or emits (-(j + 1)).
  const steps: number[] = [];
  const emitNode: number[] = [];
  const loaded = new Uint8Array(n);
  const isLeaf = (e: Expr): boolean => e.op <= ExprOp.isTransition;
  const ensure = (e: Expr): void => {
    if (!e.uniform && isLeaf(e) && loaded[e.id] === 0) {
      loaded[e.id] = 1;
      steps.push(e.id);
    }
  };
  const emitsFor = (id: number): void => {
    const list = rootsOf.get(id);
    if (list === undefined) return;
    for (const j of list) {
      steps.push(-(j + 1));
      emitNode[j] = id;
    }
  };
  for (let i = 0; i < n; i++) {
    const e = nodes[i];
    if (reach[i] === 0 || e.uniform) continue;
    if (isLeaf(e)) {
      if (rootsOf.has(i)) {
        ensure(e);
        emitsFor(i);
      }
      continue;
    }
    if (e.a !== null) ensure(e.a);
    if (e.b !== null) ensure(e.b);
    steps.push(i);
    emitsFor(i);
  }
  // Last use of each node's value.
  const lastUse = new Int32Array(n).fill(-1);
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s];
    if (st < 0) {
      lastUse[emitNode[-st - 1]] = s;
      continue;
    }
    const e = nodes[st];
    lastUse[st] = Math.max(lastUse[st], s);
    if (e.a !== null && !e.a.uniform) lastUse[e.a.id] = s;
    if (e.b !== null && !e.b.uniform) lastUse[e.b.id] = s;
  }
  // Register allocation with a free list; an operand freed at step s may be reused as dst at s.
  const reg = new Int32Array(n).fill(-1);
  const free: number[] = [];
  let numRegs = 0;
  const prog: number[] = [];
  const release = (id: number, s: number): void => {
    if (lastUse[id] === s && reg[id] >= 0) {
      free.push(reg[id]);
      lastUse[id] = -2;
    }
  };
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s];
    if (st < 0) {
      const j = -st - 1;
      const id = emitNode[j];
      prog.push(Insn.emit, j, reg[id], 0);
      release(id, s);
      continue;
    }
    const e = nodes[st];
    const a = e.a;
    const bb = e.b;
    if (a !== null) release(a.id, s);
    if (bb !== null && bb !== a) release(bb.id, s);
    const dst = free.length > 0 ? (free.pop() as number) : numRegs++;
    reg[st] = dst;
    switch (e.op) {
      case ExprOp.main:
        prog.push(Insn.loadMain, dst, e.value, 0);
        break;
      case ExprOp.next:
        prog.push(Insn.loadNext, dst, e.value, 0);
        break;
      case ExprOp.isFirstRow:
        prog.push(Insn.loadSel, dst, 0, 0);
        break;
      case ExprOp.isLastRow:
        prog.push(Insn.loadSel, dst, 1, 0);
        break;
      case ExprOp.isTransition:
        prog.push(Insn.loadSel, dst, 2, 0);
        break;
      case ExprOp.periodic:
        prog.push(Insn.loadPeriodic, dst, e.value, 0);
        break;
      case ExprOp.neg:
        prog.push(Insn.neg, dst, reg[(a as Expr).id], 0);
        break;
      default: {
        const x = a as Expr;
        const y = bb as Expr;
        if (!x.uniform && !y.uniform) {
          const op = e.op === ExprOp.add ? Insn.add : e.op === ExprOp.sub ? Insn.sub : Insn.mul;
          prog.push(op, dst, reg[x.id], reg[y.id]);
        } else if (y.uniform) {
          const op = e.op === ExprOp.add ? Insn.addU : e.op === ExprOp.sub ? Insn.subU : Insn.mulU;
          prog.push(op, dst, reg[x.id], uniformSlot[y.id]);
        } else {
          const op = e.op === ExprOp.add ? Insn.addU : e.op === ExprOp.sub ? Insn.uSub : Insn.mulU;
          prog.push(op, dst, reg[y.id], uniformSlot[x.id]);
        }
      }
    }
    // A value nobody reads (cannot happen for reachable nodes, kept for safety).
    if (lastUse[st] === s) release(st, s);
  }

  return {
    air,
    width: air.width,
    numPublicValues: air.numPublicValues,
    numPeriodic: air.periodicColumns?.length ?? 0,
    nodes,
    constraints,
    constraintDegrees,
    inferredDegree: inferred,
    maxDegree,
    logQuotientChunks: lqc,
    numQuotientChunks: 2 ** lqc,
    readsNext,
    usesNext,
    program: Int32Array.from(prog),
    numRegs,
    uniformNodes,
    uniformSlot,
    uniformEmits: Int32Array.from(uniformEmits),
  };
}

/** What a cached compilation was made from: every AIR field the compilation reads. */
interface CompileKey {
  readonly name: string;
  readonly width: number;
  readonly numPublicValues: number;
  readonly maxConstraintDegree: number | undefined;
  readonly eval: Air['eval'];
  readonly mainNextRowColumns: readonly number[] | undefined;
  /** A copy of mainNextRowColumns' entries, so an edited array is noticed too. */
  readonly nextCopy: readonly number[] | undefined;
  readonly periodicColumns: readonly Uint32Array[] | undefined;
  /** The periodic columns (objects) and their lengths at compile time. */
  readonly periodicCopy: readonly Uint32Array[] | undefined;
  readonly periodicLengths: readonly number[] | undefined;
}

function compileKey(air: Air): CompileKey {
  const next = air.mainNextRowColumns;
  const per = air.periodicColumns;
  return {
    name: air.name,
    width: air.width,
    numPublicValues: air.numPublicValues,
    maxConstraintDegree: air.maxConstraintDegree,
    eval: air.eval,
    mainNextRowColumns: next,
    nextCopy: next === undefined ? undefined : Array.from(next),
    periodicColumns: per,
    periodicCopy: per === undefined ? undefined : Array.from(per),
    periodicLengths: per === undefined ? undefined : per.map((c) => c.length),
  };
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keyMatches(k: CompileKey, air: Air): boolean {
  const per = air.periodicColumns;
  return (
    k.name === air.name &&
    k.width === air.width &&
    k.numPublicValues === air.numPublicValues &&
    k.maxConstraintDegree === air.maxConstraintDegree &&
    k.eval === air.eval &&
    k.mainNextRowColumns === air.mainNextRowColumns &&
    sameList(k.nextCopy, air.mainNextRowColumns) &&
    k.periodicColumns === per &&
    sameList(k.periodicCopy, per) &&
    sameList(
      k.periodicLengths,
      per?.map((c) => c.length),
    )
  );
}

const COMPILED = new WeakMap<Air, { readonly key: CompileKey; readonly compiled: CompiledAir }>();

/**
 * `compileAir`, cached per AIR object: a reused AIR is compiled once. The entry is used only while
 * every field the compilation read is unchanged (name, widths, counts, degree hint, the `eval`
 * function, the next-row column list and its entries, the periodic columns and their lengths); an
 * edited AIR is compiled afresh and replaces the entry. `eval` must depend only on the AIR's own
 * fields, as Plonky3's `Air::eval` depends only on `self`.
 * @param air the AIR
 * @returns the compiled AIR (the same object for repeated calls on an unchanged AIR)
 * @throws {AirError} as `compileAir`
 * @example
 * const air = fibonacciAir();
 * compileAirCached(air) === compileAirCached(air); // true
 */
export function compileAirCached(air: Air): CompiledAir {
  const hit = COMPILED.get(air);
  if (hit !== undefined && keyMatches(hit.key, air)) return hit.compiled;
  const key = compileKey(air);
  const compiled = compileAir(air);
  COMPILED.set(air, { key, compiled });
  return compiled;
}
