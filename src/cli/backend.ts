/**
 * The backend flags shared by `p3ts prove` and `p3ts demo`: `--gpu auto|on|off` and
 * `--workers N|auto`, and the one choice they lead to, with one line saying what was chosen and why.
 *
 * --gpu auto uses a hardware WebGPU adapter when there is one, else the CPU (a software adapter
 * such as lavapipe's llvmpipe is slower than the CPU backend); on uses any adapter; off never
 * probes. PLONKY3_GPU_DISABLE (truthy) always wins. --workers auto means os.availableParallelism() - 1
 * workers plus the calling thread when there is more than one core, else the calling thread alone
 * (CpuBackend); --workers 0 is the calling thread alone. The CPU backend is also the GPU's
 * per-operation fallback. Every choice yields the same proof bytes.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadDawnGpu, probeDawn } from '../node/gpu.ts';
import type { Backend } from '../runtime/backend.ts';
import { CpuBackend } from '../runtime/cpu.ts';
import { ParallelCpuBackend } from '../runtime/parallel.ts';
import { GPU_DISABLE_ENV, isTruthyEnv, selectBackend } from '../runtime/select.ts';
import { createNodeWorkerPool, defaultNodeWorkerUrl } from '../runtime/workers/node-spawn.ts';
import type { StarkConfig } from '../stark/config.ts';
import { mmcsFor, permFor } from '../stark/instance.ts';
import { parseIntFlag, UsageError } from './common.ts';

/** parseArgs option specs of the backend flags. */
export const BACKEND_OPTIONS = {
  gpu: { type: 'string', default: 'auto' },
  workers: { type: 'string', default: 'auto' },
} as const;

/** Help text of the backend flags. */
export const BACKEND_HELP = `--gpu auto|on|off  auto (default): a hardware WebGPU adapter if there is one, else the CPU
                   (software adapters such as llvmpipe are slower than the CPU); on: any adapter;
                   off: the CPU. PLONKY3_GPU_DISABLE=1 always wins.
--workers N|auto   CPU worker threads besides the calling thread; auto (default): cores - 1;
                   0: the calling thread alone.`;

/** The --gpu modes. */
export const GpuMode = { auto: 'auto', on: 'on', off: 'off' } as const;
/** A --gpu mode. */
export type GpuMode = (typeof GpuMode)[keyof typeof GpuMode];

/** Parsed backend flags. */
export interface BackendFlags {
  readonly gpu: GpuMode;
  /** Worker threads besides the calling thread, or 'auto'. */
  readonly workers: number | 'auto';
}

/** Most worker threads --workers accepts. */
const MAX_WORKERS = 256;

/**
 * Reads --gpu and --workers from parseArgs values.
 * @param values parseArgs values (BACKEND_OPTIONS included)
 * @returns the flags
 * @throws {UsageError} naming the flag for a bad value
 */
export function backendFlags(values: Record<string, unknown>): BackendFlags {
  const gpu = values.gpu ?? 'auto';
  if (gpu !== 'auto' && gpu !== 'on' && gpu !== 'off')
    throw new UsageError(`--gpu expects auto|on|off, got '${String(gpu)}'`);
  const w = values.workers ?? 'auto';
  if (typeof w !== 'string') throw new UsageError('--workers expects a value');
  const workers = w === 'auto' ? 'auto' : parseIntFlag(w, 'workers', { max: MAX_WORKERS });
  return { gpu, workers };
}

/** What chooseBackend chose. */
export interface ChosenBackend {
  /** The backend (closing it closes its worker pool and GPU device). */
  readonly backend: Backend;
  /** One line naming the backend and why it was chosen. */
  readonly line: string;
}

/** Options of chooseBackend beyond the flags. */
export interface ChooseBackendOptions {
  /** Environment (PLONKY3_GPU_DISABLE); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cores for --workers auto; default os.availableParallelism(). */
  readonly cores?: number;
}

/** dist/worker.js: next to the running bundle, or the repository's dist/ when run from src/. */
function workerUrl(): URL | undefined {
  try {
    return defaultNodeWorkerUrl();
  } catch {
    const entry = process.argv[1];
    if (entry === undefined) return undefined;
    const u = new URL('../../dist/worker.js', pathToFileURL(entry));
    return entry.endsWith('src/cli/main.ts') && existsSync(u) ? u : undefined;
  }
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** The CPU backend the flags ask for, and its description. */
function cpuBackend(flags: BackendFlags, config: StarkConfig, cores: number): { cpu: Backend; desc: string } {
  const n = flags.workers === 'auto' ? Math.max(0, cores - 1) : flags.workers;
  const why = flags.workers === 'auto' ? `--workers auto, ${plural(cores, 'core')}` : `--workers ${n}`;
  if (n === 0) return { cpu: new CpuBackend(mmcsFor(config)), desc: `calling thread only, ${why}` };
  const url = workerUrl();
  if (url === undefined) {
    if (flags.workers !== 'auto')
      throw new Error('--workers needs the worker bundle dist/worker.js (run npm run build)');
    return {
      cpu: new CpuBackend(mmcsFor(config)),
      desc: `calling thread only: worker bundle dist/worker.js not found (npm run build), ${why}`,
    };
  }
  const pool = createNodeWorkerPool({ size: n, workerUrl: url });
  return {
    cpu: new ParallelCpuBackend(pool, config, { closePool: true }),
    desc: `calling thread + ${plural(n, 'worker')}, ${why}`,
  };
}

/**
 * Chooses the backend for the flags, probing the GPU at most once per process.
 * @param flags --gpu and --workers
 * @param config the STARK configuration
 * @param opts environment and core count
 * @returns the backend and the line saying why
 * @throws {Error} when --workers N > 0 is asked for and no worker bundle exists
 * @example
 * const { backend, line } = await chooseBackend({ gpu: 'auto', workers: 'auto' }, config);
 * console.log(line); try { await prove(air, trace, publics, config, { backend }); } finally { backend.close(); }
 */
export async function chooseBackend(
  flags: BackendFlags,
  config: StarkConfig,
  opts: ChooseBackendOptions = {},
): Promise<ChosenBackend> {
  const env = opts.env ?? process.env;
  const { cpu, desc } = cpuBackend(flags, config, opts.cores ?? availableParallelism());
  const onCpu = (why: string): ChosenBackend => ({ backend: cpu, line: `backend: cpu (${desc}): ${why}` });
  if (isTruthyEnv(env[GPU_DISABLE_ENV]))
    return onCpu(
      `${GPU_DISABLE_ENV}=${env[GPU_DISABLE_ENV]} in the environment forces the CPU${flags.gpu === 'on' ? ' (over --gpu on)' : ''}`,
    );
  if (flags.gpu === 'off') return onCpu('--gpu off');
  const probe = await probeDawn();
  if (!probe.ok) return onCpu(`no WebGPU adapter (${probe.reason}): using the CPU; see docs/gpu.md`);
  if (flags.gpu === 'auto' && probe.software)
    return onCpu(
      `--gpu auto: the only adapter is software (${probe.adapter}), slower than the CPU; --gpu on uses it`,
    );
  const reasons: string[] = [];
  const backend = await selectBackend({
    useGpuAcceleration: true,
    cpu,
    constants: permFor(config).constants,
    env,
    gpu: () => loadDawnGpu(),
    logger: {
      info: (o: unknown, msg: string) => {
        const r = (o as { reason?: unknown } | undefined)?.reason;
        if (typeof r === 'string') reasons.push(r);
        else if (/^using the CPU/.test(msg)) reasons.push(msg);
      },
      warn: (_o: unknown, msg: string) => console.error(`p3ts: warning: ${msg}`),
    },
  });
  if (backend === cpu) return onCpu(`WebGPU could not be opened (${reasons.join('; ') || 'unknown reason'})`);
  return {
    backend,
    line: `backend: webgpu on ${probe.adapter} (CPU fallback: ${desc}): --gpu ${flags.gpu}${flags.gpu === 'auto' ? ', hardware adapter found' : ''}`,
  };
}
