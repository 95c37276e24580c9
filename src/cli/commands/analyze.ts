/**
 * `p3ts analyze REPORT.json [--svg OUT.svg | --no-svg]`
 * Prints the acceptance table of a stress report (src/node/stress/report.ts) and writes an SVG
 * of the latency distributions and proof sizes (default: the report path with .svg). The
 * verdict is recomputed from the report's numbers. Successor of the runbook's
 * scripts/analyze_simnet.py.
 * Exit codes: 0 the report passes, 1 it fails, 2 usage error or unreadable report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { acceptanceTable, type StressReport, verdictOf } from '../../node/stress/report.ts';
import { renderReportSvg } from '../../node/stress/svg.ts';

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
  let file: string;
  let svg: string | null;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        svg: { type: 'string' },
        'no-svg': { type: 'boolean', default: false },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new Error('exactly one REPORT.json is required');
    file = positionals[0];
    svg = values['no-svg'] ? null : (values.svg ?? `${file.replace(/\.json$/, '')}.svg`);
  } catch (e) {
    console.error(`p3ts analyze: ${e instanceof Error ? e.message : String(e)}\n${HELP}`);
    return 2;
  }
  let report: StressReport;
  try {
    report = await readReport(file);
  } catch (e) {
    console.error(`p3ts analyze: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const verdict = verdictOf(report);
  const checked: StressReport = { ...report, verdict };
  console.log(acceptanceTable(checked));
  if (svg !== null) {
    await writeFile(svg, renderReportSvg(checked));
    console.log(`\nSVG written to ${svg}`);
  }
  return verdict.pass ? 0 : 1;
}
