/**
 * The CLI as it ships, for subprocess tests: dist/cli.js and dist/worker.js built by
 * scripts/build.mjs into one private directory (.tmp/cli-test-<pid>/, the dist/ layout, so the
 * CLI finds its worker bundle next to itself), once per test file. Faster than
 * scripts/run-ts.mjs, which bundles on every run.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadBuild } from '../browser/build-helpers.ts';

let built: Promise<string> | undefined;

/**
 * Builds the CLI and worker bundles (once per process).
 * @returns the path of cli.js
 */
export function builtCli(): Promise<string> {
  built ??= (async () => {
    const b = (await loadBuild()) as unknown as {
      buildCli(o: { outfile: string }): Promise<string>;
      buildNodeWorker(o: { outfile: string }): Promise<string>;
    };
    const dir = resolve(`.tmp/cli-test-${process.pid}`);
    await b.buildNodeWorker({ outfile: resolve(dir, 'worker.js') });
    return b.buildCli({ outfile: resolve(dir, 'cli.js') });
  })();
  return built;
}

/** A finished CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together. */
  readonly out: string;
}

/**
 * Runs the built CLI (call builtCli() first, e.g. in beforeAll).
 * @param cli the path from builtCli()
 * @param args arguments after `p3ts`
 * @param env environment changes (a value of undefined removes the variable)
 * @returns exit code and output
 */
export function runCli(cli: string, args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const e: Record<string, string | undefined> = { ...process.env, ...env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete e[k];
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: e, timeout: 240_000 });
  const stdout = r.stdout ?? '';
  const stderr = `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { code: r.status ?? -1, stdout, stderr, out: `${stdout}${stderr}` };
}
