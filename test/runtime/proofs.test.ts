/**
 * Whole proofs are byte-identical on every backend: CpuBackend (the specification),
 * ParallelCpuBackend (in-thread pool, every loop split even when small), FallbackBackend whose
 * primary loses its device mid-proof (at a different operation per case), and the same with
 * pool-backed backends on both sides. Statements: Fibonacci 2^10 and 2^14 under c100 and
 * plonky3-fixture, the Poseidon2 AIR at 2^6 rows, a degree-5 AIR whose quotient needs its own
 * trace LDE, and every circuit family at test size; each proof verifies. The upstream golden
 * fixture is re-proved byte for byte on each backend.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fibonacciAir, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { type Matrix, matrix } from '../../src/field/matrix.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { createCpuBackend } from '../../src/runtime/cpu.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { FallbackBackend } from '../../src/runtime/select.ts';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { getConfig } from '../../src/stark/config.ts';
import { prove } from '../../src/stark/prove.ts';
import { verify } from '../../src/stark/verify.ts';
import { FailingBackend } from './failing-backend.ts';
import { proofStatements, type Statement } from './statements.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 2 });
afterAll(() => pool.close());

/** The primary's operation that fails in the fallback run of each statement, in proofStatements() order. */
const FAIL_AT = [
  'commitQuotient',
  'foldFri',
  'evaluateAt',
  'openRows',
  'reduceOpenings',
  'evalQuotient',
  'ldeAndCommit',
  'commitFriRound',
  'grind',
  'finalPoly',
  'openRows',
];
const statements = (): (Statement & { failAt: string })[] =>
  proofStatements().map((s, i) => ({ ...s, failAt: FAIL_AT[i] }));

describe('proofs are byte-identical on every backend', () => {
  for (const s of statements()) {
    it(`${s.name} (fallback loses the device at ${s.failAt})`, async () => {
      const want = await prove(s.air, s.trace, s.publics, s.config);
      expect(verify(s.air, want, s.publics, s.config, { format: 'postcard', allowInsecure: true })).toEqual({
        ok: true,
      });
      const par = (): ParallelCpuBackend => new ParallelCpuBackend(pool, s.config, { minParallelRows: 1 });
      const at = s.failAt;
      const cases: [string, () => Backend, (b: Backend) => void][] = [
        ['CpuBackend', () => createCpuBackend(s.config), () => {}],
        ['ParallelCpuBackend', par, () => {}],
        [
          'FallbackBackend(lost primary, CPU)',
          () =>
            new FallbackBackend(
              new FailingBackend(createCpuBackend(s.config), at, 'lost'),
              createCpuBackend(s.config),
            ),
          (b) => expect((b as FallbackBackend<FailingBackend>).fallbacks).toBe(1),
        ],
        [
          'FallbackBackend(failing pool primary, pool CPU)',
          () => new FallbackBackend(new FailingBackend(par(), at, 'once'), par()),
          (b) => expect((b as FallbackBackend<FailingBackend>).fallbacks).toBe(1),
        ],
      ];
      // the pool-on-both-sides fallback only at small sizes (the in-thread pool clones every job)
      if (s.trace.values.length > 1 << 12) cases.pop();
      for (const [label, make, check] of cases) {
        const backend = make();
        const got = await prove(s.air, s.trace, s.publics, s.config, { backend });
        expect(hex(got), label).toBe(hex(want));
        check(backend);
        backend.close();
      }
      // prove({ pool }) builds a ParallelCpuBackend (default thresholds) on the caller's pool
      if (s.trace.values.length <= 1 << 12)
        expect(hex(await prove(s.air, s.trace, s.publics, s.config, { pool })), 'prove({ pool })').toBe(
          hex(want),
        );
    }, 300_000);
  }
});

describe('the golden fixture on every backend', () => {
  const FIXTURE = JSON.parse(
    readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
  );
  const config = getConfig('plonky3-fixture');
  const trace = (): Matrix => {
    const t = generateFibonacciTrace(0, 1, 8);
    return matrix(t.values, t.width);
  };
  for (const [label, make] of [
    ['ParallelCpuBackend', () => new ParallelCpuBackend(pool, config, { minParallelRows: 1 })],
    [
      'FallbackBackend, primary lost at its 4th operation',
      () =>
        new FallbackBackend(
          new FailingBackend(createCpuBackend(config), 3, 'lost'),
          createCpuBackend(config),
        ),
    ],
  ] as [string, () => Backend][]) {
    it(`${label}: re-proves uni_stark_fib_fixture_v0.6.2 byte for byte`, async () => {
      const got = await prove(fibonacciAir(), trace(), [0, 1, 21], config, { backend: make() });
      expect(hex(got)).toBe(FIXTURE.postcard_hex);
    });
  }
});
