/**
 * vitest globalSetup for the worker integration tests: builds the worker_threads entry
 * (src/worker/node-entry.ts, via scripts/build.mjs) once into .tmp/test-worker/ and
 * provides its path as `workerBundle`. Without this setup registered, worker-bundle.ts builds
 * the bundle itself.
 */
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadBuild } from '../browser/build-helpers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    workerBundle: string;
  }
}

/**
 * Builds the bundle and provides its path.
 * @param project the vitest project
 */
export default async function setup(project: TestProject): Promise<void> {
  const { buildNodeWorker } = await loadBuild();
  const file = await buildNodeWorker({ outfile: resolve('.tmp/test-worker/worker.js') });
  project.provide('workerBundle', file);
}
