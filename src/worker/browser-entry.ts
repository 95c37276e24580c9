/**
 * The Web Worker entry of the pool (bundled by scripts/build.mjs to dist/browser/worker.js):
 * serves workerApi on the worker's global scope.
 */
import { type Endpoint, expose } from 'comlink';
import { workerApi } from './api.ts';

expose(workerApi, globalThis as unknown as Endpoint);
