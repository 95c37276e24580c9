/**
 * The esbuild-built worker entry for integration tests: the path provided by global-setup.ts
 * when registered, else a fresh build into .tmp/test-worker-<pid>/.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { loadBuild } from '../browser/build-helpers.ts';
import './global-setup.ts';

let cached: Promise<string> | undefined;

/**
 * Path of the worker bundle (dist/worker.js equivalent).
 * @returns an absolute file path
 */
export function workerBundle(): Promise<string> {
  if (!cached) {
    const provided = inject('workerBundle');
    cached =
      provided && existsSync(provided)
        ? Promise.resolve(provided)
        : loadBuild().then((b) =>
            b.buildNodeWorker({ outfile: resolve(`.tmp/test-worker-${process.pid}/worker.js`) }),
          );
  }
  return cached;
}
