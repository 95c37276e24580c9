/**
 * `p3ts prove --air fibonacci|poseidon2 --log-rows N --public v1,v2,... --out FILE
 *   [--config NAME] [--format envelope|postcard] [--gpu auto|on|off] [--workers N|auto] [--stats]
 *   [config overrides]`
 * Prints one line naming the backend and why (src/cli/backend.ts); the proof bytes do not depend on it.
 * Exit codes: 0 proof written, 1 proving failed, 2 usage error.
 */
import { writeFile } from 'node:fs/promises';
import { checkConstraints } from '../../air/check.ts';
import { formatGpuLedger } from '../../runtime/gpu-context.ts';
import { FallbackBackend } from '../../runtime/select.ts';
import { wrapEnvelope } from '../../stark/envelope.ts';
import type { ProvePhases } from '../../stark/prove.ts';
import { prove } from '../../stark/prove.ts';
import { circuitIdOf } from '../../stark/verify.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, backendFlags, chooseBackend } from '../backend.ts';
import { CONFIG_OPTIONS, messageOf, parseCommandArgs, statementFromFlags, UsageError } from '../common.ts';

const HELP = `usage: p3ts prove --air fibonacci|poseidon2 --log-rows N [--public v1,v2,...] --out FILE
                  [--config plonky3-fixture|c100|...] [--format envelope|postcard]
                  [--gpu auto|on|off] [--workers N|auto] [--stats]
                  [--log-blowup N] [--num-queries N] [--commit-pow-bits N] [--query-pow-bits N]
                  [--log-final-poly-len N] [--max-log-arity N] [--constants default|rng-seed-1]
${BACKEND_HELP}
--stats            print the phase timings and the GPU transfer ledger of the proof`;

/**
 * `--stats` output: the phase timings and, for WebGPU, the operation counts; then the transfer
 * ledger of the proof (`gpu-ledger: ...`, zeros when nothing ran on a device; docs/gpu.md).
 */
function statsLine(p: ProvePhases | undefined, backend: unknown): string {
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const phases = p
    ? `trace commit ${ms(p.traceCommit)}, quotient ${ms(p.quotient)}, quotient commit ${ms(p.quotientCommit)}, open ${ms(p.open)}, total ${ms(p.total)}`
    : 'no phase timings reported';
  const gpu =
    backend instanceof FallbackBackend
      ? `; gpu ops ${backend.gpuOps}, cpu fallbacks ${backend.fallbacks}${backend.lastFallbackReason ? ` (last: ${backend.lastFallbackReason})` : ''}`
      : '';
  const ledger = p ? `\n${formatGpuLedger(p.ledger)}` : '';
  return `stats: ${phases}${gpu}${ledger}`;
}

/** Runs the command. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs('prove', HELP, argv, {
    air: { type: 'string' },
    'log-rows': { type: 'string' },
    public: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string', default: 'envelope' },
    stats: { type: 'boolean', default: false },
    ...BACKEND_OPTIONS,
    ...CONFIG_OPTIONS,
  });
  if (typeof args === 'number') return args;
  const { values } = args;
  try {
    if (!values.air || !values['log-rows'] || !values.out)
      throw new UsageError('--air, --log-rows and --out are required');
    if (values.format !== 'envelope' && values.format !== 'postcard')
      throw new UsageError('--format expects envelope|postcard');
    const { logRows, config, publics, statement: st } = await statementFromFlags(values);
    const flags = backendFlags(values);
    const trace = st.trace();
    try {
      checkConstraints(st.air, trace, publics);
    } catch (e) {
      console.error(`p3ts prove: the statement does not hold: ${messageOf(e)}`);
      return 1;
    }
    const { backend, line } = await chooseBackend(flags, config);
    console.log(line);
    let phases: ProvePhases | undefined;
    const t0 = performance.now();
    let body: Uint8Array;
    try {
      body = await prove(st.air, trace, publics, config, {
        backend,
        onPhases: (p) => {
          phases = p;
        },
      });
      if (values.stats) console.log(statsLine(phases, backend));
    } finally {
      backend.close();
    }
    const bytes = values.format === 'postcard' ? body : wrapEnvelope(body, circuitIdOf(st.air), config);
    await writeFile(values.out, bytes);
    console.log(
      `proved ${circuitIdOf(st.air)} 2^${logRows} rows under ${config.name} in ${(performance.now() - t0).toFixed(0)} ms: ${bytes.length} bytes -> ${values.out}`,
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`p3ts prove: ${e.message}\n${HELP}`);
      return 2;
    }
    console.error(`p3ts prove: ${messageOf(e)}`);
    return 1;
  }
}
