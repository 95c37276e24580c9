/**
 * GPU constraint evaluation: the WGSL generated from each AIR's register program gives the folded
 * quotient over the quotient domain byte-identical to the CPU's evalFoldedQuotient, reading the trace
 * LDE from its device buffer (committed, bit-reversed layout) exactly as src/stark/prove.ts builds
 * traceOnQ. Every AIR of the library (Fibonacci, the Poseidon2 AIR, the five families) plus a test AIR
 * touching every node kind (next rows, publics, periodic columns, all selectors, uniform roots).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Air } from '../../src/air/air.ts';
import { periodicOnCoset, selectorsOnCoset } from '../../src/air/domain.ts';
import { evalFoldedQuotient } from '../../src/air/eval.ts';
import { compileAir } from '../../src/air/program.ts';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import { GENERATOR } from '../../src/field/babybear.ts';
import { bitReverseRows } from '../../src/field/bit-reverse.ts';
import { cosetLdeBitReversed } from '../../src/field/dft.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import { POSEIDON2_DEFAULT_16 } from '../../src/hash/poseidon2-constants.ts';
import { Engine, newPlan } from '../../src/runtime/webgpu/engine.ts';
import { planQuotient } from '../../src/runtime/webgpu/quotient.ts';
import { mixedAir } from '../air/mixed-air.ts';
import { openTestContext, randomFelts, reportSkip, rng } from './gpu-env.ts';

const { ctx, reason } = await openTestContext();
reportSkip('GPU quotient', ctx !== undefined, reason);

interface Case {
  name: string;
  air: Air;
  trace: Matrix;
  publics: ArrayLike<number>;
  logBlowup: number;
}

function cases(): Case[] {
  const out: Case[] = [];
  out.push({
    name: 'fibonacci 2^5',
    air: fibonacciAir(),
    trace: generateFibonacciTrace(0, 1, 32),
    publics: fibonacciPublicValues(0, 1, 32),
    logBlowup: 1,
  });
  const r = rng(7);
  out.push({
    name: 'mixed (periodic, selectors, uniform roots) 2^4, random trace',
    air: mixedAir,
    trace: matrix(randomFelts(r, 16 * 4), 4),
    publics: randomFelts(r, 2),
    logBlowup: 2,
  });
  out.push({
    name: 'mixed 2^0 (n = 1 selectors)',
    air: { ...mixedAir, periodicColumns: [Uint32Array.of(1), Uint32Array.of(3)] },
    trace: matrix(randomFelts(r, 4), 4),
    publics: randomFelts(r, 2),
    logBlowup: 2,
  });
  const p2 = createPoseidon2Air({ constants: 'default' });
  out.push({
    name: 'poseidon2 AIR 2^6 rows',
    air: p2,
    trace: generatePoseidon2Trace(p2, { seed: 7 }, 64),
    publics: [],
    logBlowup: 1,
  });
  for (const f of Object.values(FAMILIES)) {
    const st = f.build(f.sampleInput('test'), { size: 'test' });
    out.push({
      name: `family ${f.name} (test size)`,
      air: st.air,
      trace: st.trace,
      publics: st.publicValues,
      logBlowup: 1,
    });
  }
  return out;
}

describe.skipIf(ctx === undefined)('GPU folded quotient vs evalFoldedQuotient', () => {
  const engine = new Engine(ctx as NonNullable<typeof ctx>, POSEIDON2_DEFAULT_16);
  afterAll(() => {
    engine.close();
    ctx?.close();
  });
  for (const cs of cases()) {
    it(`${cs.name}: byte-identical (alpha from seed 3)`, async () => {
      const c = compileAir(cs.air);
      const n = cs.trace.values.length / cs.trace.width;
      const k = Math.log2(n);
      const lqc = c.logQuotientChunks;
      const logQ = k + lqc;
      const b = Math.max(cs.logBlowup, lqc);
      const lde = cosetLdeBitReversed(cs.trace, b, GENERATOR);
      const qSize = 2 ** logQ;
      const traceOnQ = bitReverseRows(matrix(lde.values.subarray(0, qSize * lde.width), lde.width));
      const alpha = randomFelts(rng(3), 4);
      const want = evalFoldedQuotient(
        c,
        {
          trace: traceOnQ,
          nextOffset: 2 ** lqc % qSize,
          publics: cs.publics,
          selectors: selectorsOnCoset(k, GENERATOR, logQ),
          periodic: (cs.air.periodicColumns ?? []).map((col) => periodicOnCoset(col, k, GENERATOR, logQ)),
        },
        alpha,
      );
      const plan = newPlan();
      try {
        const buf = await engine.tempUpload(plan, lde.values, 'lde');
        const out = await planQuotient(
          engine,
          plan,
          c,
          { buffer: buf, width: lde.width, rows: lde.values.length / lde.width },
          k,
          cs.publics,
          alpha,
        );
        plan.owned.push(out);
        await engine.run(plan, 'quotient');
        const [got] = await engine.ctx.read([{ buffer: out, offset: 0, size: 16 * qSize }]);
        expect(got.length).toBe(want.length);
        const bad = got.findIndex((x, i) => x !== want[i]);
        expect(bad, `first difference at word ${bad}`).toBe(-1);
      } finally {
        engine.release(plan);
      }
    });
  }
});
