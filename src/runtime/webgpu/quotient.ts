/**
 * Quotient evaluation on the device: the folded constraints of an AIR times 1 / Z_H over the
 * quotient domain Q = GEN * H_(2^logQ), read from the committed trace LDE in its device buffer
 * (bit-reversed rows, coset shift GEN, at least 2^logQ rows). The WGSL kernel is generated from the
 * AIR's register program (src/shaders/quotient.wgsl.ts) and its pipeline cached per AIR and device.
 *
 * CPU twin: src/air/eval.ts `evalFoldedQuotient` with the inputs src/stark/prove.ts builds.
 * Mirrors Plonky3/Plonky3:uni-stark/src/prover.rs (compute_quotient_values).
 */
import { evalUniforms, foldingPowers, periodicColumnsOnCoset } from '../../air/eval.ts';
import type { CompiledAir } from '../../air/symbolic.ts';
import {
  add,
  batchInverse,
  exp,
  GENERATOR,
  inverse,
  MONTY_R,
  mul,
  sub,
  twoAdicGenerator,
} from '../../field/babybear.ts';
import {
  QUOTIENT_PARAM_WORDS,
  QuotientParam,
  quotientInterpreted,
  quotientWgsl,
} from '../../shaders/quotient.wgsl.ts';
import { GpuError, GpuErrorCode } from '../gpu-context.ts';
import type { DeviceMatrix, Engine, Plan } from './engine.ts';
import { toMontgomeryArray, WG } from './engine.ts';

const pipelineKeys = new WeakMap<CompiledAir, string>();

/** A key that determines the generated WGSL of an AIR (FNV-1a of its program). */
function quotientKey(c: CompiledAir): string {
  let k = pipelineKeys.get(c);
  if (k === undefined) {
    let h = 0x811c9dc5;
    const p = c.program;
    for (let i = 0; i < p.length; i++) {
      h ^= p[i] & 0xff;
      h = Math.imul(h, 0x01000193);
      h ^= (p[i] >>> 8) & 0xffffff;
      h = Math.imul(h, 0x01000193);
    }
    k = `quot:${WG}:${c.numRegs}:${p.length}:${(h >>> 0).toString(16)}`;
    pipelineKeys.set(c, k);
  }
  return k;
}

/**
 * Appends the quotient evaluation to `plan`; returns a buffer of 4 |Q| words (row j of Q, natural
 * order, at 4 j), owned by the caller.
 * @param e the engine
 * @param plan the plan to append to
 * @param c the compiled AIR
 * @param lde the committed trace LDE (bit-reversed rows on GEN * H_(2^(k + b)), b >= lqc)
 * @param logN log2 of the trace height
 * @param publics public values
 * @param alpha the folding challenge
 * @returns the quotient values
 * @throws {GpuError} 'unsupported' if the LDE is shorter than Q; as Engine.run
 */
export async function planQuotient(
  e: Engine,
  plan: Plan,
  c: CompiledAir,
  lde: DeviceMatrix,
  logN: number,
  publics: ArrayLike<number>,
  alpha: Uint32Array,
): Promise<GPUBuffer> {
  const lqc = c.logQuotientChunks;
  const logQ = logN + lqc;
  const qSize = 2 ** logQ;
  if (lde.rows < qSize || lde.width !== c.width)
    throw new GpuError(
      GpuErrorCode.unsupported,
      `quotient: LDE of ${lde.rows} x ${lde.width} for |Q| = ${qSize}`,
    );
  const N = c.constraints.length;
  const pw = foldingPowers(alpha, N);
  const u = evalUniforms(c, publics);
  const uc = new Uint32Array(4);
  const ue = c.uniformEmits;
  for (let i = 0; i < ue.length; i += 2) {
    const v = u[ue[i + 1]];
    for (let k = 0; k < 4; k++) uc[k] = add(uc[k], mul(v, pw[4 * ue[i] + k]));
  }
  // Z(x_j) = GEN^n (g_Q^n)^j - 1 has period 2^lqc (as selectorsOnCoset).
  const n = 2 ** logN;
  const gQ = twoAdicGenerator(logQ);
  const period = 2 ** lqc;
  const zs = new Uint32Array(period);
  const step = exp(gQ, n);
  let t = exp(GENERATOR, n);
  for (let j = 0; j < period; j++) {
    zs[j] = sub(t, 1);
    t = mul(t, step);
  }
  const izs = batchInverse(zs);
  const per = periodicColumnsOnCoset(c, logN, GENERATOR, logQ);
  const uOff = 4 * N;
  const zOff = uOff + u.length;
  const izOff = zOff + period;
  const perHdr = izOff + period;
  let size = perHdr + 2 * per.length;
  const perOffsets = per.map((col) => {
    const o = size;
    size += col.length;
    return o;
  });
  const aux = new Uint32Array(Math.max(1, size));
  aux.set(toMontgomeryArray(pw), 0);
  aux.set(u, uOff);
  aux.set(zs, zOff);
  aux.set(izs, izOff);
  for (let i = 0; i < per.length; i++) {
    aux[perHdr + 2 * i] = perOffsets[i];
    aux[perHdr + 2 * i + 1] = per[i].length - 1;
    aux.set(per[i], perOffsets[i]);
  }
  const params = new Uint32Array(QUOTIENT_PARAM_WORDS);
  params.set(uc, 0);
  const P = QuotientParam;
  params[P.qSize] = qSize;
  params[P.logQ] = logQ;
  params[P.width] = c.width;
  params[P.nextOffset] = 2 ** lqc % qSize;
  params[P.genMont] = mul(GENERATOR, MONTY_R);
  params[P.gQMont] = mul(gQ, MONTY_R);
  params[P.gInv] = inverse(twoAdicGenerator(logN));
  params[P.zMask] = period - 1;
  params[P.uOff] = uOff;
  params[P.zOff] = zOff;
  params[P.izOff] = izOff;
  params[P.perHdr] = perHdr;
  params[P.nIsOne] = logN === 0 ? 1 : 0;
  const auxBuf = await e.tempUpload(plan, aux, 'quotient-aux');
  const out = await e.storage(4 * qSize, 'quotient');
  const pipeline = await e.ctx.pipeline(quotientKey(c), () => quotientWgsl({ wg: WG, air: c }));
  const resources = [lde.buffer, out, auxBuf];
  if (quotientInterpreted(c))
    resources.push(await e.table(plan, quotientKey(c), () => Uint32Array.from(c.program)));
  plan.steps.push({ pipeline, resources, params, threads: qSize });
  return out;
}
