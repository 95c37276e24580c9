/**
 * Every WGSL kernel against its CPU twin (and the BigInt references / upstream KATs) on the real
 * adapter (lavapipe in CI): field ops, extension mul, Poseidon2-16, row hashing, coset LDE,
 * Merkle commit (equal and mixed heights), LDE + commit, FRI fold. Sizes stay small for lavapipe.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { add, GENERATOR, halve, inverse, mul, P, sub } from '../../src/field/babybear.ts';
import { cosetLdeBitReversed } from '../../src/field/dft.ts';
import { ext4Inverse, ext4Mul } from '../../src/field/ext4.ts';
import type { Matrix } from '../../src/field/matrix.ts';
import { foldVectorArity2 } from '../../src/fri/fold.ts';
import { createPoseidon2 } from '../../src/hash/poseidon2.ts';
import { POSEIDON2_DEFAULT_16, POSEIDON2_SMALLRNG_SEED1_16 } from '../../src/hash/poseidon2-constants.ts';
import { hashRows } from '../../src/hash/sponge.ts';
import type { Poseidon2Constants } from '../../src/hash/types.ts';
import { commitMatrices, openBatch } from '../../src/merkle/mmcs.ts';
import { CpuBackend } from '../../src/runtime/cpu.ts';
import { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { FieldOp } from '../../src/shaders/field.wgsl.ts';
import { loadVector } from '../hash/vectors.ts';
import { refExtMul, refMul } from '../ref/field-ref.ts';
import { openTestContext, randomFelts, reportSkip, rng } from './gpu-env.ts';
import { kernelsOf } from './kernel-harness.ts';

const { ctx, reason } = await openTestContext();
reportSkip('WGSL kernels', ctx !== undefined, reason);

const EDGES = [0, 1, 2, P - 2, P - 1, 2 ** 16, 2 ** 27, (P - 1) / 2, (P + 1) / 2];

describe.skipIf(ctx === undefined)(`WGSL kernels vs CPU twins on ${ctx?.adapterInfo.description}`, () => {
  const gpu = new WebGpuBackend(ctx as NonNullable<typeof ctx>, {
    constants: POSEIDON2_DEFAULT_16,
    ownsContext: false,
  });
  const gpuRng1 = new WebGpuBackend(ctx as NonNullable<typeof ctx>, {
    constants: POSEIDON2_SMALLRNG_SEED1_16,
    ownsContext: false,
  });
  afterAll(() => {
    gpu.close();
    gpuRng1.close();
    ctx?.close();
  });

  // edges crossed with edges, then random pairs (seed 1)
  const pairs = (): [Uint32Array, Uint32Array] => {
    const r = rng(1);
    const a: number[] = [];
    const b: number[] = [];
    for (const x of EDGES) {
      for (const y of EDGES) {
        a.push(x);
        b.push(y);
      }
    }
    const ra = randomFelts(r, 4000);
    const rb = randomFelts(r, 4000);
    return [Uint32Array.from([...a, ...ra]), Uint32Array.from([...b, ...rb])];
  };

  it('bb add/sub/mul/halve at edges {0,1,2,P-2,P-1,2^16,2^27,...} and 4000 random pairs (seed 1)', async () => {
    const [a, b] = pairs();
    const [s, d, m, h] = await Promise.all([
      kernelsOf(gpu).fieldOp(FieldOp.add, a, b),
      kernelsOf(gpu).fieldOp(FieldOp.sub, a, b),
      kernelsOf(gpu).fieldOp(FieldOp.mul, a, b),
      kernelsOf(gpu).fieldOp(FieldOp.halve, a, b),
    ]);
    for (let i = 0; i < a.length; i++) {
      if (s[i] !== add(a[i], b[i])) expect([i, a[i], b[i], s[i]]).toEqual([i, a[i], b[i], add(a[i], b[i])]);
      if (d[i] !== sub(a[i], b[i])) expect([i, d[i]]).toEqual([i, sub(a[i], b[i])]);
      if (m[i] !== refMul(a[i], b[i]))
        expect([i, a[i], b[i], m[i]]).toEqual([i, a[i], b[i], refMul(a[i], b[i])]);
      if (h[i] !== halve(a[i])) expect([i, h[i]]).toEqual([i, halve(a[i])]);
    }
    expect(m[0]).toBe(0);
  });

  it('ext4 mul (X^4 = 11) at edge coefficients and 1000 random pairs (seed 2) vs refExtMul', async () => {
    const r = rng(2);
    const n = 1000 + EDGES.length;
    const a = randomFelts(r, 4 * n);
    const b = randomFelts(r, 4 * n);
    for (let k = 0; k < EDGES.length; k++)
      for (let j = 0; j < 4; j++) a[4 * k + j] = b[4 * k + 3 - j] = EDGES[k];
    const got = await kernelsOf(gpu).fieldOp(FieldOp.extMul, a, b);
    for (let i = 0; i < n; i++) {
      const want = refExtMul(a.subarray(4 * i, 4 * i + 4), b.subarray(4 * i, 4 * i + 4));
      expect(Array.from(got.subarray(4 * i, 4 * i + 4)), `element ${i}`).toEqual(want);
      if (i < 4)
        expect(want).toEqual(Array.from(ext4Mul(a.subarray(4 * i, 4 * i + 4), b.subarray(4 * i, 4 * i + 4))));
    }
  });

  it('base and ext4 inverse (bb_inv, ext_inv) at edges and 1000 random elements (seed 3) vs inverse / ext4Inverse', async () => {
    const r = rng(3);
    const a = Uint32Array.from([...EDGES.filter((x) => x !== 0), ...randomFelts(r, 1000)].map((x) => x || 1));
    const inv = await kernelsOf(gpu).fieldOp(FieldOp.inv, a, a);
    for (let i = 0; i < a.length; i++)
      if (inv[i] !== inverse(a[i])) expect([i, inv[i]]).toEqual([i, inverse(a[i])]);
    const e = randomFelts(r, 4 * 500);
    e.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, P - 1, P - 1, P - 1, P - 1, P - 1]);
    const einv = await kernelsOf(gpu).fieldOp(FieldOp.extInv, e, e);
    for (let i = 0; i < 500; i++) {
      const want = Array.from(ext4Inverse(e.subarray(4 * i, 4 * i + 4)));
      expect(Array.from(einv.subarray(4 * i, 4 * i + 4)), `element ${i}`).toEqual(want);
    }
  });

  const V = loadVector('poseidon2_babybear.json');
  for (const kat of V.kats.filter((k: { width: number }) => k.width === 16)) {
    it(`poseidon2_babybear.json kats ${kat.name} on the GPU`, async () => {
      const set =
        kat.constants === 'default_constants.width16'
          ? POSEIDON2_DEFAULT_16
          : ((): Poseidon2Constants => {
              const j = V.rng_constants.xoroshiro128plus_seed1.width16;
              return {
                width: 16,
                externalInitial: j.external_initial,
                externalTerminal: j.external_terminal,
                internal: j.internal,
              };
            })();
      const be = new WebGpuBackend(ctx as NonNullable<typeof ctx>, { constants: set, ownsContext: false });
      try {
        const out = await kernelsOf(be).permuteStates(Uint32Array.from(kat.input));
        expect(Array.from(out)).toEqual(kat.expected);
      } finally {
        be.close();
      }
    });
  }

  it('poseidon2-16 permute of 200 random states (seed 3) and all-edge states, default and smallrng-seed-1 sets', async () => {
    const r = rng(3);
    const states = randomFelts(r, 16 * 200);
    for (let k = 0; k < EDGES.length; k++) states.fill(EDGES[k], 16 * k, 16 * k + 16);
    for (const [be, set] of [
      [gpu, POSEIDON2_DEFAULT_16],
      [gpuRng1, POSEIDON2_SMALLRNG_SEED1_16],
    ] as const) {
      const got = await kernelsOf(be).permuteStates(states);
      const want = states.slice();
      const perm = createPoseidon2(set);
      for (let k = 0; k < 200; k++) perm.permute(want, 16 * k);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('hashRows: one matrix of widths 1..16 and 24, 33, 64 (seed 4) equals sponge.hashRows', async () => {
    const r = rng(4);
    const perm = createPoseidon2(POSEIDON2_DEFAULT_16);
    for (const w of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 24, 33, 64]) {
      const h = 1 + (w % 5) * 7;
      const m: Matrix = { values: randomFelts(r, w * h), width: w };
      expect(Array.from(await kernelsOf(gpu).hashRows([m])), `width ${w}`).toEqual(
        Array.from(hashRows(perm, [m])),
      );
    }
  });

  it('hashRows: concatenated rows of several matrices (widths 3,5,8,1,9,16,7; seed 5)', async () => {
    const r = rng(5);
    const perm = createPoseidon2(POSEIDON2_SMALLRNG_SEED1_16);
    for (const h of [1, 5, 33]) {
      const ms = [3, 5, 8, 1, 9, 16, 7].map((w) => ({ values: randomFelts(r, w * h), width: w }));
      expect(Array.from(await kernelsOf(gpuRng1).hashRows(ms)), `height ${h}`).toEqual(
        Array.from(hashRows(perm, ms)),
      );
    }
  });

  it('cosetLdeBitReversed for heights 2^0..2^12, widths 1..16, logBlowup 0..3 (seed 6)', async () => {
    const r = rng(6);
    for (let logH = 0; logH <= 12; logH++) {
      const w = logH >= 10 ? 1 + (logH % 3) : 1 + ((logH * 5) % 16);
      const logBlowup = logH >= 10 ? 1 : logH % 4;
      const shift = logH % 2 === 0 ? GENERATOR : 1 + Math.floor(r() * (P - 1));
      const m: Matrix = { values: randomFelts(r, w << logH), width: w };
      const got = await kernelsOf(gpu).cosetLdeBitReversed(m, logBlowup, shift);
      const want = cosetLdeBitReversed(m, logBlowup, shift);
      expect(got.width).toBe(w);
      expect(got.values.length).toBe(want.values.length);
      let bad = -1;
      for (let i = 0; i < want.values.length && bad < 0; i++) if (got.values[i] !== want.values[i]) bad = i;
      expect(bad, `logH ${logH} w ${w} logBlowup ${logBlowup} shift ${shift}: first mismatch`).toBe(-1);
    }
  });

  const sameCommit = async (ms: Matrix[], be: WebGpuBackend, set: Poseidon2Constants) => {
    const cpu = commitMatrices({ perm: createPoseidon2(set) }, ms);
    const H = cpu.maxHeight;
    const idxs = [...new Set([0, H - 1, H >> 1, (H * 3) >> 2])];
    const g = await kernelsOf(be).commit(ms, idxs);
    expect(Array.from(g.root)).toEqual(Array.from(cpu.root));
    const opened = g.openings;
    for (const [k, idx] of idxs.entries()) {
      const a = opened[k];
      const b = openBatch(cpu, idx);
      expect(a.openedValues.map((x) => Array.from(x))).toEqual(b.openedValues.map((x) => Array.from(x)));
      expect(Array.from(a.proof)).toEqual(Array.from(b.proof));
    }
  };

  it('commit (equal heights 1, 2, 8, 256, 1024; widths 1..16; seed 7) equals mmcs commit + openBatch', async () => {
    const r = rng(7);
    for (const [h, widths] of [
      [1, [5]],
      [2, [1, 16]],
      [8, [8, 3]],
      [256, [4]],
      [1024, [2, 7]],
    ] as const) {
      const ms = widths.map((w) => ({ values: randomFelts(r, w * h), width: w }));
      await sameCommit(ms, gpu, POSEIDON2_DEFAULT_16);
    }
  });

  it('commit (mixed power-of-two heights 512,128,512,2,1,128,64; seed 8) equals mmcs commit + openBatch', async () => {
    const r = rng(8);
    const shapes: [number, number][] = [
      [512, 3],
      [128, 5],
      [512, 2],
      [2, 9],
      [1, 4],
      [128, 1],
      [64, 8],
    ];
    const ms = shapes.map(([h, w]) => ({ values: randomFelts(r, w * h), width: w }));
    await sameCommit(ms, gpuRng1, POSEIDON2_SMALLRNG_SEED1_16);
  });

  it('ldeAndCommit equals CpuBackend.ldeAndCommit (two traces, logBlowup 1 and 2; seed 9)', async () => {
    const r = rng(9);
    const cpu = new CpuBackend({ perm: createPoseidon2(POSEIDON2_DEFAULT_16) });
    for (const logBlowup of [1, 2]) {
      const evals = [
        { values: randomFelts(r, 6 * 64), width: 6 },
        { values: randomFelts(r, 11 * 64), width: 11 },
      ];
      const shifts = [GENERATOR, mul(GENERATOR, 7)];
      const a = await gpu.ldeAndCommit(evals, logBlowup, shifts);
      const b = await cpu.ldeAndCommit(evals, logBlowup, shifts);
      expect(Array.from(a.root)).toEqual(Array.from(b.root));
      const all = Array.from({ length: 64 << logBlowup }, (_, i) => i);
      const xs = await gpu.openRows(a, all);
      const ys = await cpu.openRows(b, all);
      gpu.release(a);
      for (const idx of all) {
        const x = xs[idx];
        const y = ys[idx];
        expect(Array.from(x.proof)).toEqual(Array.from(y.proof));
        expect(x.openedValues.map((d) => Array.from(d))).toEqual(y.openedValues.map((d) => Array.from(d)));
      }
    }
  });

  it('FRI arity-2 fold for m = 2^0..2^10 pairs (seed 10) equals foldVectorArity2', async () => {
    const r = rng(10);
    for (let lm = 0; lm <= 10; lm++) {
      const v = randomFelts(r, 8 << lm);
      const beta = randomFelts(r, 4);
      if (lm === 0) beta.set([P - 1, 0, 1, P - 1]);
      const got = await kernelsOf(gpu).foldArity2(v, beta);
      expect(Array.from(got), `lm ${lm}`).toEqual(Array.from(foldVectorArity2(v, beta)));
    }
  });
});
