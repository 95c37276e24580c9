#!/usr/bin/env node
/**
 * The `p3ts` command line: dispatches to one module per subcommand in ./commands/.
 * Each command module exports `run(argv: string[]): Promise<number>` returning the exit code
 * (0 accepted / success, 1 rejected / failure, 2 usage error).
 */

/** A subcommand entry: a one-line summary and a lazy loader. */
interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

/**
 * The subcommands. A Map, so names such as `constructor` or `__proto__` are unknown commands,
 * not Object.prototype members.
 */
const COMMANDS = new Map<string, CommandEntry>();

/** Registers a subcommand (one statement per command, so additions merge cleanly). */
function command(name: string, summary: string, load: CommandEntry['load']): void {
  COMMANDS.set(name, { summary, load });
}

command('prove', 'prove a statement for a built-in AIR', () => import('./commands/prove.ts'));
command('verify', 'verify a proof file', () => import('./commands/verify.ts'));
command('demo', 'prove and verify every circuit family (the main job)', () => import('./commands/demo.ts'));
command('preload', 'seed the parameter cache of every circuit family', () => import('./commands/preload.ts'));
command('preflight', 'dry run: check config, cache, checksums, GPU', () => import('./commands/preflight.ts'));
command('serve', 'run the prover/verifier HTTP service on loopback', () => import('./commands/serve.ts'));
command('worker', 'prove proof-queue jobs from Redis', () => import('./commands/worker.ts'));
command('stress', 'run a stress scenario and write a JSON report', () => import('./commands/stress.ts'));
command('analyze', 'acceptance table and SVG of a stress report', () => import('./commands/analyze.ts'));

function usage(): string {
  const lines = ['usage: p3ts <command> [options]', '', 'commands:'];
  for (const [name, c] of COMMANDS) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `p3ts <command> --help` for the options of a command.');
  return lines.join('\n');
}

/**
 * Runs the subcommand named by argv[0].
 * @param argv the arguments after `p3ts`
 * @returns the exit code: the command's, 0 for --help, 2 for no or an unknown command
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.get(name);
  if (entry === undefined) {
    console.error(`p3ts: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`p3ts: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
