/**
 * Loads Dawn (npm `webgpu`, an optional peer dependency) in Node and returns its GPU object, after
 * probing, once per process, whether Dawn has an adapter here.
 *
 * No Plonky3 counterpart. The only module besides src/cli that imports `webgpu`. Dawn's `globals`
 * are never copied onto globalThis: kernels use the numeric flags of src/runtime/gpu-context.ts.
 *
 * The probe keeps Dawn's native warnings (printed by C++ code straight to the process's stderr,
 * e.g. `Couldn't load Vulkan: libvulkan.so.1 ... BackendVk.cpp:368` or the adapter-limit notes) out
 * of the user's output: on Linux it first looks for the Vulkan loader the way the dynamic linker
 * does, and then asks for an adapter in a short-lived child process whose stderr is discarded.
 * Only when the probe found an adapter does this process create a Dawn instance of its own.
 *
 * Invariant: Dawn (the `webgpu` package) crashes the process when an object from `create()` is
 * garbage-collected, even after every device made from it was destroyed (SIGABRT with
 * `std::system_error: Invalid argument`, or SIGSEGV, shortly after the GC; reproduced on lavapipe
 * by open, GpuContext.close(), `gc()`, wait). So `loadDawnGpu` creates one GPU object per option
 * list and keeps it referenced for the life of the process; GpuContext.close() destroys the device
 * and drops its own reference, which no longer makes the object collectable. A GPU object without
 * a live device does not keep Node alive. The probe caches its answer, never a GPU object.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GpuLogger } from '../runtime/gpu-context.ts';

/** The part of the `webgpu` module we use. */
interface DawnModule {
  create(options: string[]): GPU;
}

/** The Vulkan loader Dawn opens on Linux. */
export const VULKAN_LOADER = 'libvulkan.so.1';

/** Where findVulkanLoader looks (each field defaults to this machine's). */
export interface VulkanLoaderSearch {
  /** Environment (reads LD_LIBRARY_PATH); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The dynamic linker's cache; default /etc/ld.so.cache. */
  readonly ldCache?: string;
  /** The linker's default directories; default /lib, /usr/lib and their 64-bit and multiarch forms. */
  readonly dirs?: readonly string[];
}

const MULTIARCH: Readonly<Record<string, string>> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ppc64: 'powerpc64le-linux-gnu',
  s390x: 's390x-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
};

function defaultLibDirs(): string[] {
  const dirs = ['/lib', '/usr/lib', '/lib64', '/usr/lib64'];
  const triplet = MULTIARCH[process.arch];
  if (triplet !== undefined) dirs.push(`/lib/${triplet}`, `/usr/lib/${triplet}`);
  return dirs;
}

/**
 * Finds the Vulkan loader the way the dynamic linker would for `dlopen("libvulkan.so.1")`:
 * LD_LIBRARY_PATH, then the paths the linker cache names, then the default directories. A path
 * counts only if it exists now (a stale cache entry does not).
 * @param search environment, linker cache and default directories (for tests)
 * @returns the loader's path, or undefined when the linker would not find one
 * @example findVulkanLoader() // '/lib/x86_64-linux-gnu/libvulkan.so.1' where mesa-vulkan-drivers is installed
 */
export function findVulkanLoader(search: VulkanLoaderSearch = {}): string | undefined {
  const env = search.env ?? process.env;
  const candidates: string[] = [];
  for (const d of (env.LD_LIBRARY_PATH ?? '').split(':'))
    if (d !== '') candidates.push(join(d, VULKAN_LOADER));
  let cache = '';
  try {
    cache = readFileSync(search.ldCache ?? '/etc/ld.so.cache', 'latin1');
  } catch {
    // no cache: the linker searches the default directories only
  }
  // The cache's string table holds NUL-terminated absolute paths.
  for (const m of cache.matchAll(/\/[\x21-\x7e]*\/libvulkan\.so\.1(?=\0)/g)) candidates.push(m[0]);
  for (const d of search.dirs ?? defaultLibDirs()) candidates.push(join(d, VULKAN_LOADER));
  return candidates.find((p) => existsSync(p));
}

/** The answer of probeDawn. */
export interface DawnProbe {
  /** True when Dawn offers an adapter in this process's environment. */
  readonly ok: boolean;
  /** Why not (when ok is false), in our words, e.g. 'libvulkan.so.1 not found'. */
  readonly reason: string;
  /** The adapter's description (else vendor / architecture / device), when ok. */
  readonly adapter: string;
  /** True for a software (CPU) adapter such as lavapipe's llvmpipe or SwiftShader. */
  readonly software: boolean;
}

/**
 * Whether an adapter name is a software rasteriser (slower than the CPU backend for proving).
 * @param name adapter description or vendor/device string
 * @returns true for llvmpipe, lavapipe and SwiftShader
 */
export function isSoftwareAdapterName(name: string): boolean {
  return /llvmpipe|lavapipe|swiftshader/i.test(name);
}

/** Runs in the child: imports Dawn from argv[1], asks for an adapter, prints one JSON line. */
const CHILD_PROBE = `
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
try {
  const m = await import(process.argv[1]);
  const gpu = m.create([]);
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (a === null) out({ ok: false });
  else {
    const i = a.info;
    out({ ok: true, fallback: i.isFallbackAdapter === true,
      adapter: i.description || [i.vendor, i.architecture, i.device].filter((s) => s).join(' / ') });
  }
} catch (e) {
  out({ ok: false, error: String(e && e.message || e) });
}
process.exit(0);
`;

/** Options of probeDawn. */
export interface DawnProbeOptions {
  /** Where to look for the Vulkan loader (Linux). */
  readonly vulkan?: VulkanLoaderSearch;
  /** Limit of the child probe in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
}

let cached: Promise<DawnProbe> | undefined;

/**
 * Probes once per process whether Dawn has an adapter, without Dawn printing anything here.
 * @param opts loader search and timeout (used by the first call only; later calls get its answer)
 * @returns the cached answer (never rejects)
 * @example const p = await probeDawn(); if (!p.ok) console.log(`no WebGPU adapter (${p.reason})`);
 */
export function probeDawn(opts: DawnProbeOptions = {}): Promise<DawnProbe> {
  cached ??= runProbe(opts);
  return cached;
}

/** Forgets the cached probe (tests). */
export function resetDawnProbe(): void {
  cached = undefined;
}

const no = (reason: string): DawnProbe => ({ ok: false, reason, adapter: '', software: false });

function resolveDawn(): string | undefined {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return undefined;
  }
}

async function runProbe(opts: DawnProbeOptions): Promise<DawnProbe> {
  if (process.platform === 'linux' && findVulkanLoader(opts.vulkan) === undefined)
    return no(`${VULKAN_LOADER} not found`);
  const url = resolveDawn();
  if (url === undefined) return no('the optional package webgpu (Dawn) is not installed (npm i webgpu)');
  const child = await new Promise<{ stdout: string; stderr: string; err: Error | null }>((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD_PROBE, url],
      { timeout: opts.timeoutMs ?? 60_000, encoding: 'utf8', maxBuffer: 1 << 20 },
      (err, stdout, stderr) => resolve({ stdout, stderr, err }),
    );
  });
  let r: { ok?: boolean; adapter?: string; fallback?: boolean; error?: string } = {};
  try {
    r = JSON.parse(child.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return no(`the adapter probe failed (${child.err?.message.split('\n')[0] ?? 'no answer'})`);
  }
  if (r.ok === true) {
    const adapter = r.adapter || 'unnamed adapter';
    return { ok: true, reason: '', adapter, software: r.fallback === true || isSoftwareAdapterName(adapter) };
  }
  if (r.error !== undefined) return no(`webgpu (Dawn) failed to load: ${r.error}`);
  // Dawn's stderr names the cause; translate the common ones.
  if (/Couldn't load Vulkan/.test(child.stderr)) return no(`${VULKAN_LOADER} could not be loaded`);
  if (/Found no drivers|VK_ERROR_INCOMPATIBLE_DRIVER/.test(child.stderr))
    return no('no Vulkan driver found (install mesa-vulkan-drivers or the GPU vendor driver)');
  return no('Dawn found no adapter');
}

/** The GPU objects loadDawnGpu created, by option list; held until the process exits. */
const instances = new Map<string, GPU>();

/**
 * Imports `webgpu` and returns this process's GPU object for the options (created on the first
 * call and kept referenced, so Dawn never sees it garbage-collected), when the probe found an
 * adapter.
 * @param options Dawn toggles, e.g. ['backend=vulkan'] (default none)
 * @param logger receives one info line when there is no adapter or Dawn cannot be loaded
 * @returns the GPU object, or undefined when there is no adapter or `webgpu` fails to load
 * @example const gpu = await loadDawnGpu(); const ctx = gpu && (await GpuContext.create(gpu));
 */
export async function loadDawnGpu(options: string[] = [], logger?: GpuLogger): Promise<GPU | undefined> {
  const probe = await probeDawn();
  if (!probe.ok) {
    logger?.info({ reason: probe.reason }, `no WebGPU adapter (${probe.reason})`);
    return undefined;
  }
  const key = options.join('\n');
  const known = instances.get(key);
  if (known !== undefined) return known;
  try {
    const mod = (await import('webgpu')) as unknown as DawnModule;
    const gpu = mod.create(options);
    instances.set(key, gpu); // never collected: see the module header
    return gpu;
  } catch (e) {
    logger?.info({ err: String(e) }, 'webgpu (Dawn) could not be loaded');
    return undefined;
  }
}
