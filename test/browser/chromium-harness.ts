/**
 * Shared pieces of the Chromium tests: the Debian `chromium` binary driven by playwright-core
 * through executablePath, the launch flags (WebGPU on: headless Chromium then offers SwiftShader's
 * adapter to pages served from 127.0.0.1), and the skip rule: without /usr/bin/chromium a suite
 * is skipped with the reason printed, unless PLONKY3_REQUIRE_BROWSER_TESTS=1 (CI), which turns the
 * skip into a failing test.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

/** The Chromium binary (Debian package `chromium`). */
export const CHROMIUM = '/usr/bin/chromium';
/** Whether it is installed. */
export const HAVE_CHROMIUM: boolean = existsSync(CHROMIUM);
/** CI: a missing Chromium fails instead of skipping. */
export const REQUIRE_BROWSER: boolean = process.env.PLONKY3_REQUIRE_BROWSER_TESTS === '1';

/** Launch flags: headless, no network services, WebGPU on (SwiftShader). */
export const FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Registers the missing-Chromium outcome for a suite: a failing test under
 * PLONKY3_REQUIRE_BROWSER_TESTS=1, else a printed skip reason.
 * @param file the test file, for the message
 * @param suite the suite name
 */
export function reportMissingChromium(file: string, suite: string): void {
  if (HAVE_CHROMIUM) return;
  const why = `${CHROMIUM} is missing (apt-get install -y chromium; scripts/ci-deps.sh does it in CI)`;
  if (REQUIRE_BROWSER) {
    describe(suite, () => {
      it('requires Chromium (PLONKY3_REQUIRE_BROWSER_TESTS=1)', () => {
        throw new Error(why);
      });
    });
  } else {
    console.log(`[skip] ${file}: ${why}`);
  }
}

/**
 * Starts Chromium with a fresh profile under `dir`.
 * @param dir a temp dir (the profile goes in `dir/profile`)
 * @returns the persistent context
 */
export function launchChromium(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS],
    timeout: 30_000,
  });
}

/** Headers that make a page cross-origin isolated (SharedArrayBuffer, the worker pool). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
});
