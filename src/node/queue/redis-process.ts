/**
 * A private redis-server process for the stress harness's queue scenario and the queue tests:
 * started on 127.0.0.1 with a random free port and a temporary directory (no persistence:
 * `--save '' --appendonly no`), ready once it answers PING, stopped by its PID.
 *
 * No Plonky3 counterpart. Invariant: only the process started here is ever signalled, by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A started redis-server. */
export interface RedisServer {
  readonly port: number;
  readonly pid: number;
  /** `redis://127.0.0.1:PORT/0`. */
  readonly url: string;
  /** Stops the server by PID (SIGTERM, then SIGKILL after 3 s) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * The redis-server binary: $REDIS_SERVER or /usr/bin/redis-server.
 * @returns the path
 */
export function redisServerBinary(): string {
  return process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let buf = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    sock.connect(port, '127.0.0.1', () => sock.write('PING\r\n'));
  });
}

/**
 * Starts redis-server and waits until it answers PING (up to 10 s).
 * @param bin the redis-server binary (default $REDIS_SERVER or /usr/bin/redis-server)
 * @returns the running server
 * @throws {Error} when the binary is missing or the server does not come up
 */
export async function startRedisServer(bin: string = redisServerBinary()): Promise<RedisServer> {
  if (!existsSync(bin))
    throw new Error(`${bin} not found: install Debian redis-server (or set REDIS_SERVER)`);
  const dir = mkdtempSync(join(tmpdir(), 'p3ts-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const t0 = Date.now();
    while (!exited && Date.now() - t0 < 10_000) {
      if (await ping(port)) {
        const pid = child.pid as number;
        return {
          port,
          pid,
          url: `redis://127.0.0.1:${port}/0`,
          async stop(): Promise<void> {
            if (!exited) {
              const gone = new Promise<void>((r) => child.once('exit', () => r()));
              process.kill(pid, 'SIGTERM');
              const t = setTimeout(() => {
                if (!exited) process.kill(pid, 'SIGKILL');
              }, 3000);
              await gone;
              clearTimeout(t);
            }
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!exited) child.kill('SIGKILL'); // never answered: try another port
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('redis-server did not answer PING');
}
