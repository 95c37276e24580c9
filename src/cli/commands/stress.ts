/**
 * `p3ts stress --scenario FILE [--out REPORT.json] [--proofs N] [--concurrency N]
 *  [--mode threads|main] [--quiet]`
 * Runs a stress scenario (tools/stress; not part of the library entries), shows progress (done/total, throughput, ETA) on
 * stderr, prints the acceptance table and writes the JSON report. A scenario with
 * `load.mode = "queue"` (scenarios/queue.toml) runs `p3ts worker` processes against one Redis,
 * one phase per `queue.workers` entry, and reports throughput, latency and job accounting.
 * Exit codes: 0 pass, 1 a threshold exceeded / a tampered proof accepted / an internal
 * invariant / too many failures, 2 usage or scenario error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { runStress, type StressProgress } from '../../../tools/stress/harness.ts';
import { runQueueStress } from '../../../tools/stress/queue-run.ts';
import { acceptanceTable } from '../../../tools/stress/report.ts';
import { parseScenario, type Scenario } from '../../../tools/stress/scenario.ts';
import { FAILED, orUsageExit, parseCommandArgs, parseIntFlag, UsageError } from '../common.ts';

const HELP = `usage: p3ts stress --scenario FILE [--out REPORT.json] [--proofs N] [--concurrency N]
                   [--mode threads|main] [--quiet]
  --scenario     scenario TOML (see scenarios/ and docs/stress.md)
  --out          report path (default stress-<scenario name>.json)
  --proofs, --concurrency, --mode   override the scenario's [load] section
  --quiet        no progress line and no table (the report is still written)
exit: 0 pass, 1 fail (threshold, accepted tamper, internal invariant, failures), 2 usage error`;

function progressLine(p: StressProgress): string {
  const eta = p.etaMs >= 60_000 ? `${(p.etaMs / 60_000).toFixed(1)} min` : `${(p.etaMs / 1000).toFixed(0)} s`;
  const what = p.phase === 'prove' ? 'proofs' : 'tamper';
  return `[stress] ${p.phase} ${p.done}/${p.total}  ${p.rate.toFixed(2)} ${what}/s  ETA ${eta}`;
}

function intOpt(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} expects a value`);
  return parseIntFlag(v, name, { min: 1 });
}

/**
 * Runs the command.
 * @param argv arguments after `stress`
 * @returns the exit code
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'stress',
    HELP,
    argv,
    {
      scenario: { type: 'string' },
      out: { type: 'string' },
      proofs: { type: 'string' },
      concurrency: { type: 'string' },
      mode: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    {
      check: ({ values: v }) => {
        if (typeof v.scenario !== 'string') throw new UsageError('--scenario is required');
        intOpt(v.proofs, 'proofs');
        intOpt(v.concurrency, 'concurrency');
        if (v.mode !== undefined && v.mode !== 'threads' && v.mode !== 'main')
          throw new UsageError('--mode expects threads|main');
      },
    },
  );
  if (typeof args === 'number') return args;
  const { values } = args;
  const proofs = intOpt(values.proofs, 'proofs'); // checked above
  const concurrency = intOpt(values.concurrency, 'concurrency');
  const file = values.scenario as string;
  const parsed = await orUsageExit('stress', async () =>
    parseScenario(await readFile(file, 'utf8'), basename(file)),
  );
  if (parsed === FAILED) return 2;
  const scenario: Scenario = {
    ...parsed,
    ...(proofs ? { proofs } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(values.mode ? { mode: values.mode as 'threads' | 'main' } : {}),
  };
  const out = values.out ?? `stress-${scenario.name}.json`;
  const quiet = values.quiet ?? false;
  const tty = process.stderr.isTTY === true;
  let lastLen = 0;
  const report =
    scenario.mode === 'queue'
      ? await runQueueStress(scenario, {
          file,
          onProgress: quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
        })
      : await runStress(scenario, {
          file,
          progressEveryMs: tty ? 250 : 2000,
          onProgress: quiet
            ? undefined
            : (p) => {
                const line = progressLine(p);
                if (tty) {
                  process.stderr.write(`\r${line.padEnd(lastLen)}${p.done === p.total ? '\n' : ''}`);
                  lastLen = line.length;
                } else process.stderr.write(`${line}\n`);
              },
        });
  await writeFile(out, `${JSON.stringify(report, null, 1)}\n`);
  if (!quiet) {
    if (report.provers.note) console.error(`[stress] note: ${report.provers.note}`);
    console.log(acceptanceTable(report));
    console.log(`\nreport written to ${out} (p3ts analyze ${out} --svg ${out.replace(/\.json$/, '')}.svg)`);
  }
  return report.verdict.pass ? 0 : 1;
}
