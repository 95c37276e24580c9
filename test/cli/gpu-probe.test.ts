/**
 * Quiet GPU probing (issue 10): without the Vulkan loader, `p3ts demo` prints none of Dawn's
 * native warnings (`Couldn't load Vulkan ... BackendVk.cpp`) and says once, in our words, why the
 * CPU is used. The machine without libvulkan is real, not simulated in our code: the CLI runs in
 * a private mount namespace (`unshare -m`) where an overlay hides libvulkan.so.1 from the dynamic
 * linker, and a control run shows that plain Dawn does print the warning there. Needs root and
 * unshare (util-linux); elsewhere that part skips with a printed reason. findVulkanLoader's search
 * is tested directly too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findVulkanLoader,
  isSoftwareAdapterName,
  probeDawn,
  resetDawnProbe,
  VULKAN_LOADER,
} from '../../src/node/gpu.ts';
import { builtCli } from './cli-bundle.ts';

const work = mkdtempSync(join(tmpdir(), 'p3ts-novulkan-'));

describe('findVulkanLoader', () => {
  const empty = join(work, 'empty');
  const libs = join(work, 'libs');
  mkdirSync(empty);
  mkdirSync(libs);
  writeFileSync(join(libs, VULKAN_LOADER), '');
  const noCache = join(work, 'no-such-ld.so.cache');

  it('finds nothing in empty directories with no cache and no LD_LIBRARY_PATH', () => {
    expect(findVulkanLoader({ env: {}, ldCache: noCache, dirs: [empty] })).toBeUndefined();
  });

  it('searches LD_LIBRARY_PATH, then the linker cache, then the default directories', () => {
    expect(
      findVulkanLoader({ env: { LD_LIBRARY_PATH: `${empty}:${libs}` }, ldCache: noCache, dirs: [] }),
    ).toBe(join(libs, VULKAN_LOADER));
    expect(findVulkanLoader({ env: {}, ldCache: noCache, dirs: [empty, libs] })).toBe(
      join(libs, VULKAN_LOADER),
    );
    const cache = join(work, 'ld.so.cache');
    const stale = join(empty, VULKAN_LOADER);
    writeFileSync(cache, Buffer.from(`glibc-ld.so.cache1.1\0${VULKAN_LOADER}\0${stale}\0`, 'latin1'));
    expect(findVulkanLoader({ env: {}, ldCache: cache, dirs: [] })).toBeUndefined(); // stale entry
    writeFileSync(cache, Buffer.from(`x\0${VULKAN_LOADER}\0${join(libs, VULKAN_LOADER)}\0`, 'latin1'));
    expect(findVulkanLoader({ env: {}, ldCache: cache, dirs: [] })).toBe(join(libs, VULKAN_LOADER));
  });

  it('probeDawn answers once per process (one cached promise) and never rejects', async () => {
    const first = probeDawn();
    expect(probeDawn()).toBe(first);
    const answer = await first;
    expect(typeof answer.ok).toBe('boolean');
    expect(answer.ok ? answer.adapter : answer.reason).not.toBe('');
    resetDawnProbe();
    expect(probeDawn()).not.toBe(first);
    expect((await probeDawn()).ok).toBe(answer.ok);
  });

  it('names software adapters', () => {
    expect(isSoftwareAdapterName('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareAdapterName('SwiftShader Device (Subzero)')).toBe(true);
    expect(isSoftwareAdapterName('NVIDIA H100 80GB HBM3')).toBe(false);
  });
});

/** Why a machine without libvulkan cannot be made here, or undefined when it can. */
function namespaceUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (mount namespaces with overlays need root)';
  if (findVulkanLoader() === undefined) return undefined; // already a machine without libvulkan
  const r = spawnSync('unshare', ['-m', 'true'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `unshare -m failed: ${r.stderr || r.error}`;
}

/**
 * A shell script that hides the Vulkan loader (overlay whiteouts in a private mount namespace)
 * and then runs `node ARGS...`.
 */
function hideVulkanScript(): string {
  const loader = findVulkanLoader();
  if (loader === undefined) return 'exec "$@"';
  const dir = dirname(realpathSync(loader));
  const names = [...new Set([VULKAN_LOADER, basename(realpathSync(loader))])];
  const upper = join(work, 'upper');
  const ovlWork = join(work, 'ovl-work');
  mkdirSync(upper, { recursive: true });
  mkdirSync(ovlWork, { recursive: true });
  return [
    'set -e',
    ...names.map((n) => `[ -c '${join(upper, n)}' ] || mknod '${join(upper, n)}' c 0 0`),
    `mount -t overlay overlay -o 'lowerdir=${dir},upperdir=${upper},workdir=${ovlWork}' '${dir}'`,
    'exec "$@"',
  ].join('\n');
}

/** Runs node with the arguments on a machine without libvulkan. */
function runWithoutVulkan(script: string, args: string[]): { code: number; out: string } {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', process.execPath, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, PLONKY3_GPU_DISABLE: '' },
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}${r.error ?? ''}` };
}

const unavailable = namespaceUnavailable();
if (unavailable !== undefined)
  console.warn(`[gpu-probe] skipping the no-libvulkan CLI check: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('p3ts demo on a machine without libvulkan.so.1', () => {
  let cli = '';
  let script = '';
  beforeAll(async () => {
    cli = await builtCli();
    script = hideVulkanScript();
  }, 120_000);

  it('control: plain Dawn prints its BackendVk warning there', () => {
    const dawn = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
    const probe = `const m = await import(${JSON.stringify(dawn)}); await m.create([]).requestAdapter(); process.exit(0);`;
    const r = runWithoutVulkan(script, ['--input-type=module', '-e', probe]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Couldn't load Vulkan: libvulkan\.so\.1.*\n.*BackendVk\.cpp/);
  });

  it.each([['auto'], ['on']])('demo --size test --gpu %s: no native warning, our one line', (gpu) => {
    const r = runWithoutVulkan(script, [cli, 'demo', '--size', 'test', '--gpu', gpu]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toMatch(/BackendVk|Couldn't load Vulkan|Warning:/);
    const lines = r.out.split('\n').filter((l) => /WebGPU|webgpu/.test(l));
    expect(lines, r.out).toEqual([
      expect.stringMatching(
        /^backend: cpu \(.*\): no WebGPU adapter \(libvulkan\.so\.1 not found\): using the CPU; see docs\/gpu\.md$/,
      ),
    ]);
    expect(r.out).toMatch(/all families proved and verified/);
  });
});
