/**
 * `p3ts verify --air ... --public ... [--config NAME] [--format envelope|postcard] [--insecure] FILE`
 * A test-only preset or parameters below the preset's security floor (e.g. `--num-queries 1`) are
 * refused unless `--insecure` is given.
 * Exit codes: 0 accepted, 1 rejected (the rejection code is printed), 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { VerifierConfigError } from '../../stark/errors.ts';
import { verify } from '../../stark/verify.ts';
import {
  CONFIG_OPTIONS,
  FAILED,
  orUsageExit,
  parseCommandArgs,
  statementFromFlags,
  UsageError,
} from '../common.ts';

const HELP = `usage: p3ts verify --air fibonacci|poseidon2 [--log-rows N] [--public v1,v2,...]
                   [--config NAME] [--format envelope|postcard] [config overrides] [--insecure] FILE
--insecure  accept a test-only preset (insecure-test, plonky3-fixture) or overrides below the
            preset's security floor (tests only)`;

/** Runs the command. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'verify',
    HELP,
    argv,
    {
      air: { type: 'string' },
      'log-rows': { type: 'string', default: '0' },
      public: { type: 'string' },
      format: { type: 'string', default: 'envelope' },
      insecure: { type: 'boolean' },
      ...CONFIG_OPTIONS,
    },
    {
      allowPositionals: true,
      check: ({ values, positionals }) => {
        if (positionals.length !== 1) throw new UsageError('exactly one proof FILE is required');
        if (typeof values.air !== 'string') throw new UsageError('--air is required');
        if (values.format !== 'envelope' && values.format !== 'postcard')
          throw new UsageError('--format expects envelope|postcard');
      },
    },
  );
  if (typeof args === 'number') return args;
  const { values } = args;
  const file = args.positionals[0];
  const flags = await orUsageExit('verify', () => statementFromFlags(values));
  if (flags === FAILED) return 2;
  const { config, publics } = flags;
  const air = flags.statement.air;
  const bytes = await orUsageExit(
    'verify',
    async () => new Uint8Array(await readFile(file)),
    `cannot read ${file}: `,
  );
  if (bytes === FAILED) return 2;
  const t0 = performance.now();
  let r: ReturnType<typeof verify>;
  try {
    r = verify(air, bytes, publics, config, {
      format: values.format as 'envelope' | 'postcard',
      allowInsecure: values.insecure === true,
    });
  } catch (e) {
    if (!(e instanceof VerifierConfigError)) throw e;
    console.error(`p3ts verify: ${e.message}`);
    return 2;
  }
  const ms = (performance.now() - t0).toFixed(1);
  if (r.ok) {
    console.log(`accepted (${ms} ms)`);
    return 0;
  }
  console.log(`rejected: ${r.code}: ${r.detail}${r.path ? ` at ${r.path}` : ''} (${ms} ms)`);
  return 1;
}
