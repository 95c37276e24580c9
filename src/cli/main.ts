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

const COMMANDS: Record<string, CommandEntry> = {
  prove: { summary: 'prove a statement for a built-in AIR', load: () => import('./commands/prove.ts') },
  verify: { summary: 'verify a proof file', load: () => import('./commands/verify.ts') },
  demo: {
    summary: 'prove and verify every circuit family (the main job)',
    load: () => import('./commands/demo.ts'),
  },
  preload: {
    summary: 'seed the parameter cache for all circuit families',
    load: () => import('./commands/preload.ts'),
  },
  preflight: {
    summary: 'dry run: check config, cache, checksums and GPU',
    load: () => import('./commands/preflight.ts'),
  },
  serve: {
    summary: 'run the prover/verifier HTTP service on loopback',
    load: () => import('./commands/serve.ts'),
  },
  worker: { summary: 'prove proof-queue jobs from Redis', load: () => import('./commands/worker.ts') },
  stress: {
    summary: 'run a stress scenario and write a JSON report',
    load: () => import('./commands/stress.ts'),
  },
  analyze: {
    summary: 'print the acceptance table of a stress report and write an SVG',
    load: () => import('./commands/analyze.ts'),
  },
};

function usage(): string {
  const lines = ['usage: p3ts <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `p3ts <command> --help` for the options of a command.');
  return lines.join('\n');
}

/** Entry point: runs the subcommand named by argv[0] and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
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
