import { describe, expect, it } from 'vitest';
import type { ProveRunner } from '../../src/node/queue/proof-worker.ts';
import { warmUpProver } from '../../src/node/queue/warmup.ts';
import { type ProveJob, runProveJob } from '../../src/worker/prove-job.ts';

describe('warmUpProver', () => {
  it('proves one sample per family on every pool worker and verifies it', async () => {
    const seen: ProveJob[] = [];
    const prove: ProveRunner = (job) => {
      seen.push(job);
      return runProveJob(job);
    };
    const r = await warmUpProver(prove, { families: ['uptime', 'pruning'], concurrency: 2 });
    expect(r.proofs).toBe(4);
    expect(seen.map((j) => (j.statement.kind === 'family' ? j.statement.family : ''))).toEqual([
      'uptime',
      'uptime',
      'pruning',
      'pruning',
    ]);
    expect(seen.every((j) => j.statement.kind === 'family' && j.statement.size === 'test')).toBe(true);
    expect(r.ms).toBeGreaterThan(0);
  });

  it('fails loudly when a sample does not prove', async () => {
    const prove: ProveRunner = async () => ({
      ok: false,
      code: 'STATEMENT_FALSE',
      field: '',
      message: 'constraint 0 fails at row 1',
    });
    await expect(warmUpProver(prove, { families: ['uptime'] })).rejects.toThrow(
      /uptime sample does not prove: STATEMENT_FALSE/,
    );
  });

  it('fails loudly when a sample proof does not verify', async () => {
    const prove: ProveRunner = async (job) => {
      const out = await runProveJob(job);
      if (!out.ok) return out;
      const body = out.body.slice();
      body[body.length - 5] ^= 1;
      return { ...out, body };
    };
    await expect(warmUpProver(prove, { families: ['uptime'] })).rejects.toThrow(
      /uptime sample proof does not verify/,
    );
  });
});
