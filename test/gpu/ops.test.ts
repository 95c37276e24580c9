/**
 * Every seam operation of the device-resident WebGpuBackend against CpuBackend (the
 * specification), one operation at a time on random inputs (seeds in the titles): evaluateAt at
 * random EF points, reduceOpenings over mixed heights (compared through the commitment of each
 * vector), commitQuotient, foldFri with and without roll-in, commitFriRound (device and host tail),
 * finalPoly, grind (smallest witness, several bit counts), openRows for many indices.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATOR, mul } from '../../src/field/babybear.ts';
import { createPoseidon2 } from '../../src/hash/poseidon2.ts';
import { POSEIDON2_DEFAULT_16 } from '../../src/hash/poseidon2-constants.ts';
import type { Backend, CommittedHandle, ExtVectorHandle } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { HOST_TAIL_LEN, WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { openTestContext, randomFelts, reportSkip, rng } from './gpu-env.ts';

const { ctx, reason } = await openTestContext();
reportSkip('WebGPU seam operations', ctx !== undefined, reason);

const arr = (x: Uint32Array): number[] => Array.from(x);

describe.skipIf(ctx === undefined)('WebGpuBackend operations vs CpuBackend', () => {
  const gpu = new WebGpuBackend(ctx as NonNullable<typeof ctx>, {
    constants: POSEIDON2_DEFAULT_16,
    ownsContext: false,
  });
  const cpu = new CpuBackend({ perm: createPoseidon2(POSEIDON2_DEFAULT_16) });
  afterAll(() => {
    gpu.close();
    ctx?.close();
  });

  /** Commits a vector on each backend as one FRI round; equal roots mean equal vectors. */
  const sameVector = async (a: ExtVectorHandle, b: ExtVectorHandle, what: string) => {
    expect(a.length, what).toBe(b.length);
    const [ca, cb] = [await gpu.commitFriRound(a, 1), await cpu.commitFriRound(b, 1)];
    expect(arr(ca.root), what).toEqual(arr(cb.root));
    const idx = [0, (a.length >>> 1) - 1, a.length >>> 2];
    const [oa, ob] = [await gpu.openRows(ca, idx), await cpu.openRows(cb, idx)];
    expect(
      oa.map((o) => o.openedValues.map(arr)),
      what,
    ).toEqual(ob.map((o) => o.openedValues.map(arr)));
    expect(
      oa.map((o) => arr(o.proof)),
      what,
    ).toEqual(ob.map((o) => arr(o.proof)));
    gpu.release(ca);
    cpu.release(cb);
  };

  const commitBoth = async (
    b: [Backend, Backend],
    seed: number,
    shapes: [number, number][],
    logBlowup: number,
  ): Promise<[CommittedHandle, CommittedHandle]> => {
    const r = rng(seed);
    const evals = shapes.map(([h, w]) => ({ values: randomFelts(r, h * w), width: w }));
    const shifts = evals.map((_, i) => mul(GENERATOR, i + 1));
    const x = await b[0].ldeAndCommit(evals, logBlowup, shifts);
    const y = await b[1].ldeAndCommit(evals, logBlowup, shifts);
    expect(arr(x.root)).toEqual(arr(y.root));
    return [x, y];
  };

  it('evaluateAt, reduceOpenings (mixed heights 2^7 x 3, 2^5 x 6, 2^7 x 1; seed 31) and openRows', async () => {
    const [g, c] = await commitBoth(
      [gpu, cpu],
      31,
      [
        [128, 3],
        [32, 6],
        [128, 1],
      ],
      1,
    );
    const r = rng(32);
    const points = [[randomFelts(r, 4), randomFelts(r, 4)], [randomFelts(r, 4)], []];
    const vg = await gpu.evaluateAt(g, 1, points);
    const vc = await cpu.evaluateAt(c, 1, points);
    expect(vg.map((ps) => ps.map(arr))).toEqual(vc.map((ps) => ps.map(arr)));
    const alpha = randomFelts(r, 4);
    const rg = await gpu.reduceOpenings([{ committed: g, points, values: vc }], alpha);
    const rc = await cpu.reduceOpenings([{ committed: c, points, values: vc }], alpha);
    expect(rg.map((v) => v.length)).toEqual(rc.map((v) => v.length));
    for (let i = 0; i < rg.length; i++) await sameVector(rg[i], rc[i], `reduced opening ${i}`);
    const idx = [0, 255, 17, 128, 200];
    const og = await gpu.openRows(g, idx);
    const oc = await cpu.openRows(c, idx);
    expect(og.map((o) => o.openedValues.map(arr))).toEqual(oc.map((o) => o.openedValues.map(arr)));
    expect(og.map((o) => arr(o.proof))).toEqual(oc.map((o) => arr(o.proof)));
    await expect(gpu.openRows(g, [256])).rejects.toBeInstanceOf(RangeError);
    // foldFri (arity 2 and 4, roll-in of the shorter reduced opening), finalPoly
    for (const a of [1, 2]) {
      const beta = randomFelts(r, 4);
      const roll = a === 2 ? [rg[1], rc[1]] : [null, null];
      const fg = await gpu.foldFri(rg[0], beta, a, roll[0]);
      const fc = await cpu.foldFri(rc[0], beta, a, roll[1]);
      await sameVector(fg, fc, `fold arity 2^${a}`);
      expect(arr(await gpu.finalPoly(fg, 2))).toEqual(arr(await cpu.finalPoly(fc, 2)));
    }
    gpu.release(g);
  });

  it('commitQuotient (4 chunks of 2^5, seed 33) and FRI rounds on the device and in the host tail', async () => {
    const r = rng(33);
    // a quotient-like vector: the reduced opening of a random commitment
    const [g, c] = await commitBoth([gpu, cpu], 34, [[HOST_TAIL_LEN, 2]], 1);
    const z = [[randomFelts(r, 4)]];
    const vals = await cpu.evaluateAt(c, 1, z);
    const alpha = randomFelts(r, 4);
    const [qg] = await gpu.reduceOpenings([{ committed: g, points: z, values: vals }], alpha);
    const [qc] = await cpu.reduceOpenings([{ committed: c, points: z, values: vals }], alpha);
    const shifts = [GENERATOR, mul(GENERATOR, 5), mul(GENERATOR, 7), mul(GENERATOR, 11)];
    const cg = await gpu.commitQuotient(qg, 4, 1, shifts);
    const cc = await cpu.commitQuotient(qc, 4, 1, shifts);
    expect(arr(cg.root)).toEqual(arr(cc.root));
    // length 2 HOST_TAIL_LEN: device round; after one fold: host tail round
    let [vg, vc] = [qg, qc];
    for (let round = 0; round < 3; round++) {
      await sameVector(vg, vc, `round ${round} (length ${vg.length})`);
      const beta = randomFelts(r, 4);
      [vg, vc] = [await gpu.foldFri(vg, beta, 1, null), await cpu.foldFri(vc, beta, 1, null)];
    }
  });

  it('grind: the smallest witness for 1, 4, 9 and 12 bits on random templates (seed 35)', async () => {
    const r = rng(35);
    for (const bits of [1, 4, 9, 12]) {
      const template = { state: randomFelts(r, 16), slot: bits % 8, rate: 8 };
      expect(await gpu.grind(template, bits), `${bits} bits`).toBe(await cpu.grind(template, bits));
    }
  });
});
