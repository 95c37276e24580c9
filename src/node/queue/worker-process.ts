/**
 * `p3ts worker` as a child process: the stress harness's queue scenario and the scale-out tests
 * start N of them against one Redis. Each child's stdout is parsed as JSON log lines (pino) and
 * handed to the caller; it is stopped by its PID (SIGTERM drains, SIGKILL simulates a crash).
 *
 * No Plonky3 counterpart. Invariant: every child started here is tracked and `stop()` (or the
 * caller) ends it; nothing is killed by name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One JSON log record of a worker (`msg`, `jobId`, `worker`, ...). */
export type WorkerLogRecord = Readonly<Record<string, unknown>>;

/** A started worker process. */
export interface WorkerProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends a signal to the process (by PID). */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the drain (SIGKILL after `graceMs`, default 60 s). */
  stop(graceMs?: number): Promise<number | string>;
}

/** Options of `spawnWorkerProcess`. */
export interface WorkerProcessOptions {
  /** The CLI as argv prefix (default `cliArgv()`). */
  readonly cli?: readonly string[];
  readonly url: string;
  readonly name: string;
  /** More `p3ts worker` flags (`--concurrency`, `--gpu`, ...). */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each JSON log line. */
  readonly onRecord?: (r: WorkerLogRecord) => void;
  /** Called with each stderr line (and stdout lines that are not JSON). */
  readonly onText?: (line: string) => void;
}

/**
 * The argv prefix that runs this package's CLI: `node dist/cli.js` when running from the bundle,
 * `node scripts/run-ts.mjs src/cli/main.ts` in a repository checkout (src/).
 * @param entry the running CLI entry (default process.argv[1])
 * @returns [node, ...args]
 * @throws {Error} when neither the bundle nor the checkout is found
 */
export function cliArgv(entry: string | undefined = process.argv[1]): string[] {
  if (entry && /\.(c|m)?js$/.test(entry) && existsSync(entry)) return [process.execPath, entry];
  const candidates = [
    entry?.endsWith('.ts') ? resolve(dirname(entry as string), '../..') : '',
    resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
    process.cwd(),
  ];
  for (const root of candidates) {
    if (root === '') continue;
    const runTs = resolve(root, 'scripts/run-ts.mjs');
    const main = resolve(root, 'src/cli/main.ts');
    if (existsSync(runTs) && existsSync(main)) return [process.execPath, runTs, main];
  }
  throw new Error('cannot find the p3ts CLI (dist/cli.js or scripts/run-ts.mjs + src/cli/main.ts)');
}

/**
 * Starts `p3ts worker --queue URL --name NAME ...args`.
 * @param opts CLI, queue URL, name, flags, environment, log callbacks
 * @returns the process handle
 */
export function spawnWorkerProcess(opts: WorkerProcessOptions): WorkerProcess {
  const [cmd, ...pre] = opts.cli ?? cliArgv();
  const child: ChildProcess = spawn(
    cmd,
    [...pre, 'worker', '--queue', opts.url, '--name', opts.name, ...(opts.args ?? [])],
    { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | string>((r) =>
    child.once('exit', (code, signal) => r(code ?? signal ?? -1)),
  );
  if (child.stdout)
    createInterface({ input: child.stdout }).on('line', (line) => {
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch {
        opts.onText?.(line);
        return;
      }
      if (rec && typeof rec === 'object') opts.onRecord?.(rec as WorkerLogRecord);
    });
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => opts.onText?.(l));
  const pid = child.pid as number;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const kill = (signal: NodeJS.Signals): void => {
    if (!done) process.kill(pid, signal);
  };
  return {
    name: opts.name,
    pid,
    exited,
    kill,
    async stop(graceMs = 60_000): Promise<number | string> {
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}
