/**
 * `p3ts serve [--config PATH] [--port N] [--queue redis://HOST:PORT/DB]`
 * Starts the prover/verifier HTTP service on loopback: loads and checks the parameter cache once
 * (no hot reload), selects the backend (WebGPU when enabled and present, else the CPU worker
 * pool: dist/worker.js, `service.concurrency` workers, so proofs never block the event loop),
 * serves POST /prove, POST /verify, GET /metrics, GET /status/node. With --queue, /prove enqueues
 * a BullMQ job (202 + job id) for `p3ts worker` processes and GET /jobs/:id reports it.
 * SIGTERM/SIGINT refuse new work at once, drain every accepted job, then exit 0; SIGHUP is
 * ignored with a warning (restart after preflight to rotate keys).
 * Exit codes: 0 clean shutdown, 1 startup failure (config, cache integrity, port), 2 usage error.
 */
import { POSEIDON2_CONSTANT_SETS } from '../../hash/poseidon2.ts';
import { CacheIntegrityError, constantSetOf, ProofCache } from '../../node/cache.ts';
import { ConfigError, loadNodeConfig, readServiceToken } from '../../node/config.ts';
import { createStarkEngine, type ProofEngine } from '../../node/engine.ts';
import { type GpuStatus, HealthTracker } from '../../node/health.ts';
import { createNodeLogger } from '../../node/log.ts';
import { NodeMetrics } from '../../node/metrics.ts';
import { createPoolEngine } from '../../node/pool-engine.ts';
import { createProofQueue, type ProofQueue } from '../../node/queue/proof-queue.ts';
import { parseRedisUrl } from '../../node/queue/redis-url.ts';
import { ProofService } from '../../node/service.ts';
import type { Backend } from '../../runtime/backend.ts';
import { CpuBackend } from '../../runtime/cpu.ts';
import { createNodeWorkerPool } from '../../runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../runtime/workers/pool.ts';
import { getConfig } from '../../stark/config.ts';
import { mmcsFor } from '../../stark/instance.ts';
import type { WorkerApi } from '../../worker/api.ts';
import { messageOf, NODE_CONFIG_OPTION, parseCommandArgs, parseIntFlag } from '../common.ts';

const HELP = `usage: p3ts serve [--config PATH] [--port N] [--queue redis://HOST:PORT/DB]
Serves POST /prove, POST /verify, GET /metrics, GET /status/node on the loopback address of
[service] in the config (default config/node.toml). Run \`p3ts preflight\` first.
  --queue   queue mode: POST /prove enqueues a job for \`p3ts worker\` processes and answers
            202 {jobId}; GET /jobs/:id gives its state, then the proof`;

/**
 * Runs the command (resolves when the service has shut down).
 * @param argv arguments after `serve`
 * @returns the exit code
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'serve',
    HELP,
    argv,
    { ...NODE_CONFIG_OPTION, port: { type: 'string' }, queue: { type: 'string' } },
    {
      check: ({ values: v }) => {
        if (v.port !== undefined) parseIntFlag(v.port, 'port', { max: 65535 });
        if (v.queue !== undefined) parseRedisUrl(v.queue);
      },
    },
  );
  if (typeof args === 'number') return args;
  const { values } = args;
  let cfg: ReturnType<typeof loadNodeConfig>;
  try {
    cfg = loadNodeConfig(values.config ?? 'config/node.toml');
  } catch (e) {
    console.error(`p3ts serve: ${e instanceof ConfigError ? e.message : String(e)}`);
    return 1;
  }
  const logger = createNodeLogger({ level: cfg.logging.level, format: cfg.logging.format });
  let authToken: string | undefined;
  if (cfg.service.authTokenFile !== undefined) {
    try {
      authToken = readServiceToken(cfg.service.authTokenFile);
    } catch (e) {
      console.error(`p3ts serve: ${messageOf(e)}`);
      return 1;
    }
  }
  const metrics = new NodeMetrics();
  let cache: ProofCache;
  try {
    cache = await ProofCache.open(cfg, { logger });
  } catch (e) {
    if (e instanceof CacheIntegrityError) {
      for (const p of e.problems) metrics.cacheIntegrityFailures.inc({ artifact: p.family ?? 'manifest' });
      logger.error(
        { code: e.code, problems: e.problems.length },
        'refusing to start: parameter cache failed its checks (run p3ts preflight for the report)',
      );
      return 1;
    }
    throw e;
  }
  const config = getConfig(cfg.securityPreset);
  const cpu = new CpuBackend(mmcsFor(config));
  let backend: Backend = cpu;
  let gpu: GpuStatus = cfg.gpuDisabledByEnv
    ? { status: 'disabled', reason: 'PLONKY3_GPU_DISABLE is set' }
    : !cfg.useGpuAcceleration
      ? { status: 'disabled', reason: 'use_gpu_acceleration = false' }
      : { status: 'unknown' };
  if (cfg.gpuEnabled) {
    try {
      const { selectBackend } = await import('../../runtime/select.ts');
      const { loadDawnGpu } = await import('../../node/gpu.ts');
      backend = await selectBackend({
        useGpuAcceleration: true,
        cpu,
        constants: POSEIDON2_CONSTANT_SETS[constantSetOf(config)],
        env: process.env,
        logger,
        gpu: () => loadDawnGpu([], logger),
      });
      const name = (backend as { gpu?: { adapterName?: string } }).gpu?.adapterName;
      gpu =
        backend.kind === 'webgpu'
          ? { status: 'available', adapter: name ?? 'webgpu' }
          : { status: 'unavailable', reason: 'no usable WebGPU adapter' };
    } catch (e) {
      gpu = { status: 'unavailable', reason: messageOf(e) };
    }
  } else {
    for (const f of cfg.families)
      logger.info(
        { family: f, backend: 'cpu', reason: gpu.reason },
        'GPU disabled: proving and verifying on the CPU',
      );
  }
  if (typeof (backend as { fallbacks?: unknown }).fallbacks === 'number')
    metrics.trackGpuFallbacks(backend as unknown as { fallbacks: number });
  metrics.setGpu(
    gpu.status === 'available',
    gpu.status === 'available' ? 'ok' : gpu.status === 'disabled' ? 'disabled' : 'no-adapter',
  );
  // CPU: whole proofs on the worker pool; WebGPU: in-process (the kernels run on the device and
  // the prover awaits them, so the event loop is not held for the length of a proof)
  let pool: WorkerPool<WorkerApi> | undefined;
  let engine: ProofEngine;
  let queue: ProofQueue | undefined;
  try {
    if (backend.kind === 'cpu') {
      pool = createNodeWorkerPool<WorkerApi>({ size: cfg.service.concurrency });
      engine = createPoolEngine({
        pool,
        preset: cfg.securityPreset,
        size: cfg.size,
        families: cfg.families,
        allowInsecure: cfg.allowInsecure,
      });
    } else
      engine = createStarkEngine({
        preset: cfg.securityPreset,
        size: cfg.size,
        families: cfg.families,
        backend,
        allowInsecure: cfg.allowInsecure,
      });
    if (values.queue !== undefined) {
      queue = createProofQueue({ url: values.queue, preset: cfg.securityPreset, size: cfg.size });
      metrics.trackQueue(queue);
    }
  } catch (e) {
    logger.error({ err: messageOf(e) }, 'cannot start the prover');
    cache.close();
    return 1;
  }
  const health = new HealthTracker({
    backend: backend.kind,
    gpu,
    preset: cfg.securityPreset,
    activeCircuits: [...cache.params.values()].map((p) => p.circuitId),
    cacheDir: cache.dir,
    cacheSizeBytes: cache.sizeBytes,
    cacheFiles: Object.keys(cache.manifest.files).length + 1,
    lastKeyRotation: cache.rotatedAt,
    loadedAt: cache.loadedAt,
    metrics,
    logger,
  });
  let svc: ProofService;
  try {
    svc = await ProofService.start({
      engine,
      metrics,
      health,
      logger,
      host: cfg.service.host,
      port: values.port !== undefined ? Number(values.port) : cfg.service.port,
      maxQueue: cfg.service.maxQueue,
      concurrency: cfg.service.concurrency,
      maxBodyBytes: cfg.service.maxBodyBytes,
      authToken,
      queue,
    });
  } catch (e) {
    logger.error({ err: messageOf(e) }, 'cannot start the service');
    cache.close();
    pool?.close();
    await queue?.close();
    return 1;
  }
  console.log(
    `p3ts serve: listening on ${svc.url} (${cfg.families.join(', ')}; ${cfg.securityPreset}; ${queue ? `queue ${queue.name}` : pool ? `cpu, ${pool.size} pool workers` : backend.kind})`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutdown requested');
      svc.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () =>
      logger.warn({ signal: 'SIGHUP' }, 'hot reload is not supported: stop, replace, preflight, restart'),
    );
  });
  cache.close();
  pool?.close();
  await queue?.close();
  (backend as { close?: () => void }).close?.();
  // Dawn may keep the event loop alive after the backend is closed.
  setTimeout(() => process.exit(0), 500).unref();
  return 0;
}
