/**
 * The folded quotient of an AIR over the quotient domain, generated in WGSL from the AIR's compiled
 * register program (src/air/program.ts `compileAir`). One invocation evaluates one row j of the
 * coset Q = GEN * H_(2^logQ) (natural order): it reads the trace row and its "next" row from the
 * committed trace LDE (bit-reversed rows: point j sits at row rev_logQ(j)), computes the selectors
 * at x_j = GEN g_Q^j, runs the program straight-line with one WGSL variable per register, folds
 * every emitted constraint with its power of alpha (alpha^(N-1-k), Montgomery form, from `aux`),
 * adds the folded uniform constraints and multiplies by 1 / Z_H(x_j).
 *
 * CPU twin: src/air/eval.ts `evalFoldedQuotient` (same values: every sum is a field sum).
 * Mirrors Plonky3/Plonky3:uni-stark/src/prover.rs (compute_quotient_values) at v0.6.2.
 *
 * Programs longer than STRAIGHT_LINE_MAX instructions take shader compilers a long time straight-line
 * (measured on lavapipe: about 35 s for 148 instructions, minutes for the Poseidon2 AIR's 22 500),
 * so their kernel interprets the program from a storage buffer, one vec4 per instruction, with the
 * registers in a function-memory array sized for the AIR. Both forms compute the same values.
 *
 * Invariants: registers and buffers are canonical; `aux` holds [pw (4N, Montgomery) | uniforms |
 * Z period | 1/Z period | periodic header (offset, mask per column) | periodic data].
 */
import { Insn } from '../air/program.ts';
import { ext4Wgsl } from './ext4.wgsl.ts';
import { babyBearWgsl } from './field.wgsl.ts';
import { bindingsWgsl, mainWgsl } from './kernel.wgsl.ts';

/** What the generator needs from a compiled AIR. */
export interface QuotientProgram {
  /** 4 ints per instruction (`Insn`). */
  readonly program: Int32Array;
  readonly numRegs: number;
}

/** Word offsets of the uniform parameter block of `quotientWgsl` (after the vec4 `uc`). */
export const QuotientParam = {
  qSize: 4,
  logQ: 5,
  width: 6,
  nextOffset: 7,
  genMont: 8,
  gQMont: 9,
  gInv: 10,
  zMask: 11,
  uOff: 12,
  zOff: 13,
  izOff: 14,
  perHdr: 15,
  nIsOne: 16,
} as const;

/** Longest program compiled straight-line; longer ones are interpreted (see the file comment). */
export const STRAIGHT_LINE_MAX = 64;

/**
 * Whether the kernel of a program reads it from a storage buffer (binding 3, params at 4).
 * @param air the compiled program
 * @returns true above STRAIGHT_LINE_MAX instructions
 */
export const quotientInterpreted = (air: QuotientProgram): boolean =>
  air.program.length / 4 > STRAIGHT_LINE_MAX;

/** Number of words of the parameter block. */
export const QUOTIENT_PARAM_WORDS = 17;

function line(op: number, d: number, a: number, b: number): string {
  const r = (i: number): string => `r${i}`;
  switch (op) {
    case Insn.loadMain:
      return `${r(d)} = lde[base + ${a}u];`;
    case Insn.loadNext:
      return `${r(d)} = lde[nbase + ${a}u];`;
    case Insn.loadSel:
      return `${r(d)} = ${['sel_first', 'sel_last', 'sel_trans'][a]};`;
    case Insn.loadPeriodic:
      return `${r(d)} = aux[aux[ph + ${2 * a}u] + (j & aux[ph + ${2 * a + 1}u])];`;
    case Insn.add:
      return `${r(d)} = bb_add(${r(a)}, ${r(b)});`;
    case Insn.sub:
      return `${r(d)} = bb_sub(${r(a)}, ${r(b)});`;
    case Insn.mul:
      return `${r(d)} = bb_mul(${r(a)}, ${r(b)});`;
    case Insn.neg:
      return `${r(d)} = bb_neg(${r(a)});`;
    case Insn.addU:
      return `${r(d)} = bb_add(${r(a)}, aux[uo + ${b}u]);`;
    case Insn.subU:
      return `${r(d)} = bb_sub(${r(a)}, aux[uo + ${b}u]);`;
    case Insn.uSub:
      return `${r(d)} = bb_sub(aux[uo + ${b}u], ${r(a)});`;
    case Insn.mulU:
      return `${r(d)} = bb_mul(${r(a)}, aux[uo + ${b}u]);`;
    case Insn.emit:
      return `acc = fold_emit(acc, ${r(a)}, ${4 * d}u);`;
    default:
      throw new RangeError(`quotientWgsl: bad instruction ${op}`);
  }
}

function interpreter(regs: number): string {
  const reg = (x: string): string => `r[${x}]`;
  return /* wgsl */ `
  var r: array<u32, ${regs}>;
  let n_ins = arrayLength(&prog);
  for (var pc = 0u; pc < n_ins; pc++) {
    let ins = prog[pc];
    let d = ins.y;
    switch ins.x {
      case ${Insn.loadMain}u: { ${reg('d')} = lde[base + ins.z]; }
      case ${Insn.loadNext}u: { ${reg('d')} = lde[nbase + ins.z]; }
      case ${Insn.loadSel}u: { ${reg('d')} = select(select(sel_trans, sel_last, ins.z == 1u), sel_first, ins.z == 0u); }
      case ${Insn.loadPeriodic}u: { ${reg('d')} = aux[aux[ph + 2u * ins.z] + (j & aux[ph + 2u * ins.z + 1u])]; }
      case ${Insn.add}u: { ${reg('d')} = bb_add(${reg('ins.z')}, ${reg('ins.w')}); }
      case ${Insn.sub}u: { ${reg('d')} = bb_sub(${reg('ins.z')}, ${reg('ins.w')}); }
      case ${Insn.mul}u: { ${reg('d')} = bb_mul(${reg('ins.z')}, ${reg('ins.w')}); }
      case ${Insn.neg}u: { ${reg('d')} = bb_neg(${reg('ins.z')}); }
      case ${Insn.addU}u: { ${reg('d')} = bb_add(${reg('ins.z')}, aux[uo + ins.w]); }
      case ${Insn.subU}u: { ${reg('d')} = bb_sub(${reg('ins.z')}, aux[uo + ins.w]); }
      case ${Insn.uSub}u: { ${reg('d')} = bb_sub(aux[uo + ins.w], ${reg('ins.z')}); }
      case ${Insn.mulU}u: { ${reg('d')} = bb_mul(${reg('ins.z')}, aux[uo + ins.w]); }
      default: { acc = fold_emit(acc, ${reg('ins.z')}, 4u * d); }
    }
  }`;
}

/**
 * The quotient kernel of one AIR. Bindings: 0 lde (trace LDE, committed order), 1 out (4 words per
 * row of Q, natural order), 2 aux, [3 prog (interpreted kernels: one vec4 per instruction),]
 * then params (`QuotientParam`; `uc` = folded uniform constraints).
 * @param c workgroup size and the compiled program
 * @returns WGSL source
 * @throws {RangeError} on an unknown instruction
 */
export function quotientWgsl(c: { wg: number; air: QuotientProgram }): string {
  const prog = c.air.program;
  const interpreted = quotientInterpreted(c.air);
  const body: string[] = [];
  let usesSel = false;
  for (let pc = 0; pc < prog.length; pc += 4) {
    if (prog[pc] === Insn.loadSel) usesSel = true;
    if (!interpreted) body.push(line(prog[pc], prog[pc + 1], prog[pc + 2], prog[pc + 3]));
  }
  const regs = Math.max(1, c.air.numRegs);
  const code = interpreted
    ? interpreter(regs)
    : `${Array.from({ length: regs }, (_, i) => `var r${i}: u32 = 0u;`).join(' ')}\n  ${body.join('\n  ')}`;
  const Q = QuotientParam;
  return /* wgsl */ `
${babyBearWgsl}
${ext4Wgsl}
${bindingsWgsl(
  `uc: vec4<u32>, w: array<vec4<u32>, ${Math.ceil((QUOTIENT_PARAM_WORDS - 4) / 4)}>`,
  interpreted
    ? { lde: 'read', out: 'read_write', aux: 'read', prog: 'read array<vec4<u32>>' }
    : { lde: 'read', out: 'read_write', aux: 'read' },
)}
fn prm(k: u32) -> u32 {
  return params.w[(k - 4u) >> 2u][k & 3u];
}

fn fold_emit(acc: vec4<u32>, v: u32, k: u32) -> vec4<u32> {
  return ext_add(acc, vec4<u32>(mont_mul(v, aux[k]), mont_mul(v, aux[k + 1u]),
    mont_mul(v, aux[k + 2u]), mont_mul(v, aux[k + 3u])));
}

${mainWgsl(c.wg, 'j', `prm(${Q.qSize}u)`)}
  let q = prm(${Q.qSize}u);
  let log_q = prm(${Q.logQ}u);
  let width = prm(${Q.width}u);
  var nj = j + prm(${Q.nextOffset}u);
  if (nj >= q) { nj = nj - q; }
  var row = 0u;
  var nrow = 0u;
  if (log_q > 0u) {
    row = reverseBits(j) >> (32u - log_q);
    nrow = reverseBits(nj) >> (32u - log_q);
  }
  let base = row * width;
  let nbase = nrow * width;
  let uo = prm(${Q.uOff}u);
  let ph = prm(${Q.perHdr}u);
  let zi = j & prm(${Q.zMask}u);
  var sel_first = 1u;
  var sel_last = 1u;
  var sel_trans = 0u;
  ${
    usesSel
      ? `{
    // x_j = GEN g_Q^j (Montgomery powers), Z(x_j) from the period table
    let x = from_mont(mont_mul(prm(${Q.genMont}u), mont_pow(prm(${Q.gQMont}u), j)));
    sel_trans = bb_sub(x, prm(${Q.gInv}u));
    if (prm(${Q.nIsOne}u) == 0u) {
      let z = aux[prm(${Q.zOff}u) + zi];
      let d1 = bb_sub(x, 1u);
      let inv = bb_inv(bb_mul(d1, sel_trans));
      sel_first = bb_mul(z, bb_mul(inv, sel_trans));
      sel_last = bb_mul(z, bb_mul(inv, d1));
    }
  }`
      : ''
  }
  var acc = vec4<u32>(0u, 0u, 0u, 0u);
  ${code}
  let s = ext_add(acc, params.uc);
  let iz = aux[prm(${Q.izOff}u) + zi];
  out[4u * j] = bb_mul(s.x, iz);
  out[4u * j + 1u] = bb_mul(s.y, iz);
  out[4u * j + 2u] = bb_mul(s.z, iz);
  out[4u * j + 3u] = bb_mul(s.w, iz);
}
`;
}

/**
 * The quotient split (uni-stark step 9): chunk i of n gets q[i + r n] at row r, as a matrix of
 * 4 base columns. CPU twin: the split loop of CpuBackend.commitQuotient.
 * Bindings: 0 q (4 words per point), 1 out (4 words per row), 2 params {chunk, n_chunks, rows}.
 * @param c workgroup size
 * @returns WGSL source
 */
export const splitChunkWgsl = (c: { wg: number }): string => /* wgsl */ `
${bindingsWgsl('chunk: u32, n_chunks: u32, rows: u32', { q: 'read', out: 'read_write' })}
${mainWgsl(c.wg, 'r', 'params.rows')}
  let s = 4u * (params.chunk + r * params.n_chunks);
  out[4u * r] = q[s];
  out[4u * r + 1u] = q[s + 1u];
  out[4u * r + 2u] = q[s + 2u];
  out[4u * r + 3u] = q[s + 3u];
}
`;
