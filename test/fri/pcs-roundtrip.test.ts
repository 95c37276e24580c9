/**
 * The two-adic PCS end to end with matrices of three heights (so the FRI verifier folds in
 * shorter reduced openings on the way down, docs/protocol.md §9.7): pcsOpen proves, verifyPcs
 * accepts, and changed claims or proof values are rejected with the same code and path on the
 * WebAssembly FRI rounds (src/fri/round-wasm.ts) and on the generic JavaScript round (the module
 * graph loaded again without WebAssembly).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomFelts } from '../helpers/random.ts';

type Verdict = string;

/** Loads the modules (after any stub) and returns a prove/verify harness on them. */
async function harness() {
  const { matrix } = await import('../../src/field/matrix.ts');
  const { pcsCommit, pcsOpen } = await import('../../src/fri/pcs.ts');
  const { verifyPcs } = await import('../../src/fri/verifier.ts');
  const { ProofRejectedError } = await import('../../src/stark/errors.ts');
  const { getConfig } = await import('../../src/stark/config.ts');
  const { challengerFor, mmcsFor } = await import('../../src/stark/instance.ts');
  const { createCpuBackend } = await import('../../src/runtime/cpu.ts');
  const { friRoundFor } = await import('../../src/fri/round-wasm.ts');
  const config = getConfig('insecure-test', { numQueries: 24 });
  const shapes = [
    [4, 3],
    [2, 2],
  ]; // round 0: log heights 4 and 2 (widths 3, 2); round 1: log height 3, width 1
  const backend = createCpuBackend(config);
  const m0 = shapes.map(([lg, w], k) => ({
    domain: { shift: 1, logSize: lg },
    values: matrix(randomFelts(40 + k, w << lg), w),
  }));
  const m1 = [{ domain: { shift: 1, logSize: 3 }, values: matrix(randomFelts(50, 1 << 3), 1) }];
  const c0 = await pcsCommit(backend, config.fri, m0);
  const c1 = await pcsCommit(backend, config.fri, m1);
  const z = (s: number) => randomFelts(s, 4);
  const points0 = [[z(1), z(2)], [z(3)]];
  const points1 = [[z(4)]];
  const ch = challengerFor(config);
  const { openedValues, proof } = await pcsOpen(
    backend,
    config.fri,
    [
      { committed: c0, points: points0 },
      { committed: c1, points: points1 },
    ],
    ch,
  );
  const roots = [c0.root, c1.root];
  const logs = [[4, 2], [3]];
  const pts = [points0, points1];
  const claims = () =>
    roots.map((commitment, ri) => ({
      commitment,
      matrices: logs[ri].map((lg, mi) => ({
        logDomainSize: lg,
        points: pts[ri][mi].map((zz, pi) => ({ z: zz, values: openedValues[ri][mi][pi].slice() })),
      })),
    }));
  const verdict = (edit: (r: ReturnType<typeof claims>, p: typeof proof) => void): Verdict => {
    const p = structuredClone(proof);
    const r = claims();
    edit(r, p);
    try {
      verifyPcs(config.fri, mmcsFor(config), r, p, challengerFor(config));
      return 'OK';
    } catch (e) {
      if (e instanceof ProofRejectedError) return `${e.code} at ${e.path}`;
      throw e;
    }
  };
  return { verdict, wasmRounds: friRoundFor(mmcsFor(config).perm) !== null };
}

type Edit = Parameters<Awaited<ReturnType<typeof harness>>['verdict']>[0];
const EDITS: [string, Edit][] = [
  ['none', () => {}],
  ['a short matrix claim', (r) => (r[0].matrices[1].points[0].values[0] ^= 1)],
  ['a tall matrix claim', (r) => (r[0].matrices[0].points[1].values[5] ^= 1)],
  ['round 1 claim', (r) => (r[1].matrices[0].points[0].values[0] ^= 1)],
  ['a FRI sibling value', (_, p) => (p.queryProofs[3].commitPhaseOpenings[1].siblingValues[2] ^= 1)],
  [
    'the last FRI sibling value',
    (_, p) => (p.queryProofs[5].commitPhaseOpenings.at(-1)!.siblingValues[0] ^= 1),
  ],
  ['a FRI path digest', (_, p) => (p.queryProofs[2].commitPhaseOpenings[2].openingProof[9] ^= 1)],
  [
    'a short FRI path',
    (_, p) => {
      const s = p.queryProofs[1].commitPhaseOpenings[0] as { openingProof: Uint32Array };
      s.openingProof = s.openingProof.slice(8);
    },
  ],
  ['an input row', (_, p) => (p.queryProofs[0].inputProof[0].openedValues[1][0] ^= 1)],
  ['the final polynomial', (_, p) => (p.finalPoly[0] ^= 1)],
];

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('PCS round trip with mixed heights (roll-ins), wasm rounds vs the generic round', () => {
  it('the same verdict, code and path for every edit; the honest opening verifies', async () => {
    const wasm = await harness();
    expect(wasm.wasmRounds).toBe(true);
    const fast = EDITS.map(([, e]) => wasm.verdict(e));
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules();
    const js = await harness();
    expect(js.wasmRounds).toBe(false);
    const slow = EDITS.map(([, e]) => js.verdict(e));
    expect(fast[0]).toBe('OK');
    for (const [k, [name]] of EDITS.entries()) {
      expect(fast[k], name).toBe(slow[k]);
      if (k > 0) expect(fast[k], name).not.toBe('OK');
    }
    // the FRI edits are caught by the Merkle checks of the rounds they touch
    expect(fast[6]).toMatch(
      /^MERKLE_ROOT_MISMATCH at openingProof\.queryProofs\[2\]\.commitPhaseOpenings\[2\]/,
    );
    expect(fast[7]).toMatch(
      /^MERKLE_PATH_LENGTH at openingProof\.queryProofs\[1\]\.commitPhaseOpenings\[0\]/,
    );
  });
});
