/**
 * The stress harness on the package's worker pool: `threads` mode proves on the esbuild-built
 * worker entry (no bundling at run time) and every proof verifies; the queue scenario
 * (scenarios/queue.toml, shortened) runs 1 then 2 `p3ts worker` processes against a private
 * redis-server and accounts for every job in both phases, and `p3ts analyze` prints its table.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv } from '../../src/node/queue/worker-process.ts';
import { runStress } from '../../tools/stress/harness.ts';
import { runQueueStress } from '../../tools/stress/queue-run.ts';
import { acceptanceTable } from '../../tools/stress/report.ts';
import { parseScenario } from '../../tools/stress/scenario.ts';
import { workerBundle } from '../workers/worker-bundle.ts';

describe('stress harness on the worker pool', () => {
  it('threads mode: worker_threads provers from the worker bundle, every proof verifies', async () => {
    const s = parseScenario(
      [
        'name = "pool"',
        'preset = "c100"',
        '[load]',
        'proofs = 4',
        'concurrency = 2',
        'mode = "threads"',
        '[[families]]',
        'name = "uptime"',
        'size = "test"',
        '[[families]]',
        'name = "fibonacci"',
        'log_rows = 4',
        '[tamper]',
        'classes = ["C"]',
        'no_pow_variant = false',
      ].join('\n'),
    );
    const r = await runStress(s, { workerUrl: await workerBundle() });
    expect(r.provers).toEqual({ kind: 'worker_threads', size: 2 });
    expect(r.failures).toEqual([]);
    expect(r.families.map((f) => f.proveMs.count)).toEqual([2, 2]);
    expect(r.tamper.accepted).toBe(0);
    expect(r.verdict.pass).toBe(true);
  }, 120_000);

  it('scenarios/queue.toml (10 jobs): 1 then 2 worker processes, no job lost, duplicated or failed', async () => {
    const s = parseScenario(readFileSync('scenarios/queue.toml', 'utf8'), 'queue.toml');
    expect(s.queue).toEqual({ workers: [1, 2], concurrency: 1, redis: 'spawn', minSpeedup: 1.6 });
    const short = { ...s, proofs: 10, queue: { workers: [1, 2], concurrency: 1, redis: 'spawn' } };
    const r = await runQueueStress(short, {
      cli: cliArgv(resolve('src/cli/main.ts')),
      env: { ...process.env, PLONKY3_WORKER_BUNDLE: await workerBundle() },
    });
    const phases = r.queue?.phases ?? [];
    expect(phases.map((p) => p.workers)).toEqual([1, 2]);
    for (const p of phases) {
      expect(p).toMatchObject({
        proofs: 10,
        completed: 10,
        failed: 0,
        lost: 0,
        duplicated: 0,
        verifyFailures: 0,
      });
      expect(p.latencyMs.count).toBe(10);
      expect(Object.values(p.perWorker).reduce((a, b) => a + b, 0)).toBe(10);
    }
    expect(Object.keys(phases[1].perWorker).sort()).toEqual(['w1', 'w2']);
    expect(r.queue?.speedup).toBeGreaterThan(0);
    expect(r.verdict).toEqual({ pass: true, reasons: [] });
    const table = acceptanceTable(r);
    expect(table).toMatch(/throughput ratio last\/first \d+\.\d\dx/);
    // the verdict checks the ratio when the scenario asks for one
    const strict = { ...r, queue: { ...(r.queue as NonNullable<typeof r.queue>), minSpeedup: 1000 } };
    const { verdictOf } = await import('../../tools/stress/report.ts');
    expect(verdictOf(strict).reasons.join()).toMatch(/speedup/);
  }, 300_000);
});
