/**
 * Typed access to scripts/build.mjs (plain JS, no declarations) for the browser and worker
 * tests, and a small static file server for the Chromium test.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What `buildBrowserVerifier` returns (`bytes`: the core, entry plus static chunks). */
export interface BrowserBuildResult {
  readonly outfile: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly registryBytes: number;
  readonly registryGzipBytes: number;
  readonly files: string[];
  readonly coreInputs: string[];
  readonly inputs: string[];
}

/** The subset of scripts/build.mjs the tests use. */
export interface BuildModule {
  buildBrowserVerifier(opts?: {
    outfile?: string;
    entry?: string;
    budget?: number;
    registryBudget?: number;
    quiet?: boolean;
  }): Promise<BrowserBuildResult>;
  buildBrowserProver(opts?: {
    outfile?: string;
    quiet?: boolean;
  }): Promise<{ outfile: string; bytes: number; gzipBytes: number }>;
  checkBrowserEntries(): Promise<string[]>;
  buildNodeWorker(opts?: { outfile?: string }): Promise<string>;
  buildBrowserWorker(opts?: { outfile?: string }): Promise<string>;
}

/** The subset of scripts/check-bundle.mjs the tests use. */
export interface CheckModule {
  readonly BROWSER_BUDGET_BYTES: number;
  readonly REGISTRY_BUDGET_BYTES: number;
  checkBrowserCode(code: string): void;
}

/** Repository root (vitest runs from it). */
export const ROOT: string = resolve('.');

/**
 * Loads scripts/build.mjs.
 * @returns the build module
 */
export async function loadBuild(): Promise<BuildModule> {
  return (await import(pathToFileURL(resolve(ROOT, 'scripts/build.mjs')).href)) as BuildModule;
}

/**
 * Loads scripts/check-bundle.mjs.
 * @returns the check module
 */
export async function loadCheck(): Promise<CheckModule> {
  return (await import(pathToFileURL(resolve(ROOT, 'scripts/check-bundle.mjs')).href)) as CheckModule;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.proof': 'application/octet-stream',
  '.css': 'text/css',
};

/**
 * Serves URL prefixes from directories on 127.0.0.1 (an ephemeral port), GET only.
 * @param mounts URL prefix (e.g. `/examples/browser/`) to directory
 * @param headers extra response headers (e.g. COOP/COEP for SharedArrayBuffer)
 * @returns the server and its base URL
 */
export async function serveStatic(
  mounts: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const root = resolve(dir);
      const file = resolve(root, decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html');
      if (file !== root && !file.startsWith(root + sep)) break;
      try {
        if (!statSync(file).isFile()) break;
        const body = readFileSync(file);
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
          ...headers,
        });
        res.end(body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return { server, base: `http://127.0.0.1:${addr.port}` };
}
