/**
 * Parallel proof-of-work grinding: ParallelCpuBackend.grind returns exactly the smallest
 * witness that DuplexChallenger.grind finds sequentially (docs/protocol.md §6.4), for several
 * transcripts and bit counts, and the challenger then accepts it.
 */
import { describe, expect, it } from 'vitest';
import { DuplexChallenger } from '../../src/challenger/duplex.ts';
import { grindWith } from '../../src/fri/transcript.ts';
import { poseidon2ForSet } from '../../src/hash/poseidon2.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { getConfig } from '../../src/stark/config.ts';

describe('ParallelCpuBackend.grind (smallest witness, same as the sequential search)', () => {
  for (const [pending, bits] of [
    [0, 1],
    [3, 8],
    [7, 12],
    [5, 14],
  ] as const) {
    it(`${pending} pending inputs, ${bits} bits`, async () => {
      const perm = poseidon2ForSet('default');
      const seq = new DuplexChallenger(perm);
      const par = new DuplexChallenger(perm);
      for (let i = 0; i < 11 + pending; i++) {
        seq.observe(1000 + i);
        par.observe(1000 + i);
      }
      const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 2 });
      const backend = new ParallelCpuBackend(pool, getConfig('c100'), {
        minParallelRows: 1,
        closePool: true,
      });
      try {
        const expected = seq.grind(bits);
        const got = await grindWith(par, bits, backend);
        expect(got).toBe(expected);
        expect(par.sampleExt()).toEqual(seq.sampleExt()); // same transcript afterwards
      } finally {
        backend.close();
      }
    });
  }
});
