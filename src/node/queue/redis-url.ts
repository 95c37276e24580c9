/**
 * `redis://[user:password@]HOST:PORT/DB` parsing for the proof queue (BullMQ on ioredis).
 * No Plonky3 counterpart. Invariant: a malformed URL is a QueueConfigError naming what is wrong,
 * before any connection is attempted.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** A bad queue setting (URL, family, priority, option). */
export class QueueConfigError extends Error {
  override readonly name = 'QueueConfigError';
}

/**
 * Parses a Redis URL into ioredis options.
 * @param url `redis://HOST:PORT/DB` (port default 6379, db default 0) or `rediss://` for TLS
 * @returns host, port, db and credentials
 * @throws {QueueConfigError} for another scheme, a bad port or a bad database number
 * @example
 * parseRedisUrl('redis://127.0.0.1:6379/2'); // { host: '127.0.0.1', port: 6379, db: 2 }
 */
export function parseRedisUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueConfigError(`queue URL '${url}' is not a URL (expected redis://HOST:PORT/DB)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new QueueConfigError(`queue URL '${url}': scheme must be redis: or rediss:`);
  if (u.hostname === '') throw new QueueConfigError(`queue URL '${url}': no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path))
    throw new QueueConfigError(`queue URL '${url}': database '${path}' is not a number 0..99`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db: path === '' ? 0 : Number(path),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A connection for BullMQ (`maxRetriesPerRequest: null`, as BullMQ workers require).
 * @param url the queue URL
 * @returns an ioredis client (close it with `quit()`)
 * @throws {QueueConfigError} for a malformed URL
 */
export function redisConnection(url: string): Redis {
  return new Redis({ ...parseRedisUrl(url), maxRetriesPerRequest: null, lazyConnect: false });
}
