/**
 * The worker_threads entry of the pool (bundled by scripts/build.mjs to dist/worker.js): serves
 * workerApi on parentPort through our Node endpoint adapter. One of the two files under src/
 * outside src/node and src/cli that import node:* (with node-spawn.ts); neither is reachable
 * from src/index.ts or src/verify.ts.
 */
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import { nodeEndpoint } from '../runtime/workers/endpoint.ts';
import { workerApi } from './api.ts';

if (!parentPort) throw new Error('dist/worker.js must run as a worker_threads worker');
expose(workerApi, nodeEndpoint(parentPort));
