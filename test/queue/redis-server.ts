/**
 * The real redis-server of the queue tests (src/node/queue/redis-process.ts): 127.0.0.1, a random
 * free port, a temporary directory, no persistence; ready once it answers PING; stopped by its PID
 * in afterAll. No mock: BullMQ runs against this process. Without /usr/bin/redis-server (or
 * $REDIS_SERVER) the tests fail with a clear message (CI installs the Debian package).
 */
export { type RedisServer, startRedisServer } from '../../src/node/queue/redis-process.ts';
