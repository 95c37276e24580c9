/**
 * `p3ts prove --air fibonacci|poseidon2 --log-rows N --public v1,v2,... --out FILE
 *   [--config NAME] [--format envelope|postcard] [--workers N] [config overrides]`
 * `--workers N` proves on the worker pool (dist/worker.js, N worker threads) through
 * ParallelCpuBackend; the proof bytes are the same.
 * Exit codes: 0 proof written, 1 proving failed, 2 usage error.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkConstraints } from '../../air/check.ts';
import { wrapEnvelope } from '../../stark/envelope.ts';
import { prove } from '../../stark/prove.ts';
import { circuitIdOf } from '../../stark/verify.ts';
import { builtinStatement, CONFIG_OPTIONS, configFromFlags, parsePublics, UsageError } from '../common.ts';

const HELP = `usage: p3ts prove --air fibonacci|poseidon2 --log-rows N [--public v1,v2,...] --out FILE
                  [--config plonky3-fixture|c100|...] [--format envelope|postcard]
                  [--log-blowup N] [--num-queries N] [--commit-pow-bits N] [--query-pow-bits N]
                  [--log-final-poly-len N] [--max-log-arity N] [--constants default|rng-seed-1]
                  [--workers N]   (prove on N worker threads; same proof bytes)`;

/** Runs the command. */
export async function run(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        air: { type: 'string' },
        'log-rows': { type: 'string' },
        public: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string', default: 'envelope' },
        workers: { type: 'string' },
        help: { type: 'boolean' },
        ...CONFIG_OPTIONS,
      },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.air || !values['log-rows'] || !values.out)
      throw new UsageError('--air, --log-rows and --out are required');
    if (values.format !== 'envelope' && values.format !== 'postcard')
      throw new UsageError('--format expects envelope|postcard');
    if (!/^\d+$/.test(values['log-rows'])) throw new UsageError('--log-rows expects an integer');
    if (values.workers !== undefined && (!/^\d+$/.test(values.workers) || Number(values.workers) < 1))
      throw new UsageError('--workers expects a positive integer');
    const config = configFromFlags(values);
    const publics = parsePublics(values.public);
    const st = await builtinStatement(values.air, Number(values['log-rows']), publics, config);
    const trace = st.trace();
    try {
      checkConstraints(st.air, trace, publics);
    } catch (e) {
      console.error(`p3ts prove: the statement does not hold: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    const t0 = performance.now();
    let body: Uint8Array;
    if (values.workers === undefined) body = await prove(st.air, trace, publics, config);
    else {
      const { createNodeWorkerPool } = await import('../../runtime/workers/node-spawn.ts');
      const { ParallelCpuBackend } = await import('../../runtime/parallel.ts');
      const pool = createNodeWorkerPool({ size: Number(values.workers) });
      try {
        body = await prove(st.air, trace, publics, config, { backend: new ParallelCpuBackend(pool, config) });
      } finally {
        pool.close();
      }
    }
    const bytes = values.format === 'postcard' ? body : wrapEnvelope(body, circuitIdOf(st.air), config);
    await writeFile(values.out, bytes);
    console.log(
      `proved ${circuitIdOf(st.air)} 2^${values['log-rows']} rows under ${config.name} in ${(performance.now() - t0).toFixed(0)} ms: ${bytes.length} bytes -> ${values.out}`,
    );
    return 0;
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`p3ts prove: ${e.message}\n${HELP}`);
      return 2;
    }
    console.error(`p3ts prove: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
