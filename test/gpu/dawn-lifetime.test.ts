/**
 * Dawn's GPU objects outlive every GpuContext: Dawn (npm `webgpu`) crashes the process (SIGABRT
 * "std::system_error: Invalid argument", or SIGSEGV) soon after one is garbage-collected, even when
 * its devices were destroyed first. loadDawnGpu keeps one object per option list referenced
 * (src/node/gpu.ts); without that, the forced collection below kills this worker and the suite
 * fails. Any unrelated allocation (e.g. instantiating a WebAssembly module) can move a GC into that
 * window, which is how the crash first showed up in test/gpu/fallback.test.ts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadDawnGpu } from '../../src/node/gpu.ts';
import { openTestContext, reportSkip } from './gpu-env.ts';

/** A full collection, without --expose-gc on the command line. */
function forceGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const { ctx: probe, reason } = await openTestContext();
probe?.close();
reportSkip('Dawn object lifetime', probe !== undefined, reason);

describe.skipIf(probe === undefined)('Dawn object lifetime', () => {
  it('one GPU object per option list, reused by every context', async () => {
    const a = await loadDawnGpu();
    expect(a).toBeDefined();
    expect(await loadDawnGpu()).toBe(a);
  });

  it('open, close, collect, wait, open again: the process survives and the new device works', async () => {
    for (let round = 0; round < 2; round++) {
      const { ctx } = await openTestContext();
      expect(ctx).toBeDefined();
      ctx?.close();
      forceGc();
      await new Promise((r) => setTimeout(r, 300));
    }
    const { ctx } = await openTestContext();
    try {
      expect(ctx?.device.limits.maxBufferSize).toBeGreaterThan(0);
    } finally {
      ctx?.close();
    }
  });
});
