/**
 * `p3ts analyze REPORT.json [--svg OUT.svg | --no-svg]`
 * Prints the acceptance table of a stress report (tools/stress/report.ts) and writes an SVG
 * of the latency distributions and proof sizes (default: the report path with .svg). The
 * verdict is recomputed from the report's numbers. Successor of the runbook's
 * scripts/analyze_simnet.py.
 * Exit codes: 0 the report passes, 1 it fails, 2 usage error or unreadable report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { acceptanceTable, type StressReport, verdictOf } from '../../../tools/stress/report.ts';
import { renderReportSvg } from '../../../tools/stress/svg.ts';
import { FAILED, orUsageExit, parseCommandArgs, UsageError } from '../common.ts';

const HELP = `usage: p3ts analyze REPORT.json [--svg OUT.svg | --no-svg]
  prints the acceptance table; writes an SVG (default REPORT.svg)
exit: 0 pass, 1 fail, 2 usage error`;

/**
 * Reads and sanity-checks a report file.
 * @param file path of the JSON report
 * @returns the report
 * @throws {Error} when the file is not a p3ts stress report
 */
export async function readReport(file: string): Promise<StressReport> {
  const r = JSON.parse(await readFile(file, 'utf8')) as StressReport;
  if (
    r === null ||
    typeof r !== 'object' ||
    r.schema !== 'p3ts-stress-report/1' ||
    !Array.isArray(r.families)
  )
    throw new Error(`${file} is not a p3ts stress report (schema p3ts-stress-report/1)`);
  return r;
}

/**
 * Runs the command.
 * @param argv arguments after `analyze`
 * @returns the exit code
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'analyze',
    HELP,
    argv,
    { svg: { type: 'string' }, 'no-svg': { type: 'boolean', default: false } },
    {
      allowPositionals: true,
      check: ({ positionals }) => {
        if (positionals.length !== 1) throw new UsageError('exactly one REPORT.json is required');
      },
    },
  );
  if (typeof args === 'number') return args;
  const file = args.positionals[0];
  const svg = args.values['no-svg'] ? null : (args.values.svg ?? `${file.replace(/\.json$/, '')}.svg`);
  const report = await orUsageExit('analyze', () => readReport(file));
  if (report === FAILED) return 2;
  const verdict = verdictOf(report);
  const checked: StressReport = { ...report, verdict };
  console.log(acceptanceTable(checked));
  if (svg !== null) {
    await writeFile(svg, renderReportSvg(checked));
    console.log(`\nSVG written to ${svg}`);
  }
  return verdict.pass ? 0 : 1;
}
