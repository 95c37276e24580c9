/**
 * `p3ts preflight [--config PATH] [--json] [--no-canary]`
 * The dry run before (re)starting a node: config valid, every family's parameter file and canary
 * proof present and matching the manifest and the digests shipped with the package, GPU probed,
 * verifier canary (valid proof accepted, tampered copies rejected). Prints a report naming each
 * problem. The runbook's `rpp-node preflight --mode validator --config <path>`.
 * Exit codes: 0 every check passed, 1 any problem, 2 usage error.
 */
import { NodeMetrics } from '../../node/metrics.ts';
import { formatPreflightReport, type PreflightReport, runPreflight } from '../../node/preflight.ts';
import { messageOf, NODE_CONFIG_OPTION, parseCommandArgs } from '../common.ts';

const HELP = `usage: p3ts preflight [--config PATH] [--json] [--no-canary]
Checks config, parameter cache (presence, SHA-256 vs manifest and shipped digests), GPU and the
verifier canary; exits 1 naming every problem. Default config: config/node.toml.`;

/**
 * Runs the command.
 * @param argv arguments after `preflight`
 * @returns the exit code
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs('preflight', HELP, argv, {
    ...NODE_CONFIG_OPTION,
    json: { type: 'boolean' },
    'no-canary': { type: 'boolean' },
  });
  if (typeof args === 'number') return args;
  const { values } = args;
  const configFile = values.config ?? 'config/node.toml';
  let report: PreflightReport;
  try {
    report = await runPreflight(configFile, { canary: !values['no-canary'], metrics: new NodeMetrics() });
  } catch (e) {
    // runPreflight reports what it finds; anything escaping is a bug, still reported as a problem.
    const problem = {
      kind: 'PREFLIGHT_ERROR',
      file: configFile,
      message: messageOf(e),
    };
    if (values.json) console.log(JSON.stringify({ ok: false, configFile, problems: [problem] }, null, 2));
    else
      console.log(
        `preflight FAILED: ${configFile}\nproblems (1):\n  - ${problem.kind} ${problem.file}: ${problem.message}`,
      );
    return 1;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatPreflightReport(report));
  const code = report.ok ? 0 : 1;
  // Dawn keeps Node alive while a probed GPU object is reachable: exit once the report is out.
  if (report.gpu.status === 'available' || report.gpu.status === 'unavailable')
    setTimeout(() => process.exit(code), 200).unref();
  return code;
}
