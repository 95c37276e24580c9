/**
 * `p3ts worker --queue redis://HOST:PORT/DB [--gpu auto|on|off] [--concurrency N]
 *   [--families a,b,...] [--name NAME] [--queue-name NAME] [--allow-insecure]
 *   [--lock-duration-ms N] [--stalled-interval-ms N] [--metrics-port N] [--log-level LEVEL]
 *   [--warmup on|off]`
 * Runs a proof-queue worker (src/node/queue/proof-worker.ts) on any machine that reaches Redis:
 * proves jobs on the worker pool (dist/worker.js; one pool worker per concurrent job) or, with
 * a usable WebGPU adapter, in-process on the GPU backend; verifies every proof before storing it.
 * SIGTERM/SIGINT drain (finish running jobs, take none), then exit 0. Logs are JSON lines on
 * stdout (target="plonky3"); `job completed` records carry jobId and worker.
 * Exit codes: 0 clean shutdown, 1 startup failure, 2 usage error.
 */
import { createServer, type Server } from 'node:http';
import { FAMILY_NAMES, type FamilyName } from '../../circuits/families.ts';
import { LOG_LEVELS } from '../../node/config.ts';
import { createNodeLogger } from '../../node/log.ts';
import { NodeMetrics } from '../../node/metrics.ts';
import { type ProveRunner, poolRunner, startProofWorker } from '../../node/queue/proof-worker.ts';
import { parseRedisUrl } from '../../node/queue/redis-url.ts';
import { warmUpProver } from '../../node/queue/warmup.ts';
import { createNodeWorkerPool } from '../../runtime/workers/node-spawn.ts';
import type { WorkerPool } from '../../runtime/workers/pool.ts';
import { getConfig } from '../../stark/config.ts';
import type { WorkerApi } from '../../worker/api.ts';
import { runProveJob } from '../../worker/prove-job.ts';
import { chooseBackend } from '../backend.ts';
import { intFlag, messageOf, parseCommandArgs, UsageError } from '../common.ts';

const HELP = `usage: p3ts worker --queue redis://HOST:PORT/DB [--gpu auto|on|off] [--concurrency N]
                   [--families a,b,...] [--name NAME] [--queue-name NAME] [--allow-insecure]
                   [--lock-duration-ms N] [--stalled-interval-ms N] [--metrics-port N]
                   [--log-level LEVEL] [--warmup on|off]
  --queue          the Redis of the proof queue (p3ts serve --queue uses the same URL)
  --gpu            auto: WebGPU on a hardware adapter, else the CPU worker pool (default);
                   on: WebGPU on any adapter or exit 1; off: CPU worker pool
                   (PLONKY3_GPU_DISABLE=1 forces the CPU)
  --concurrency    jobs proved at once, one pool worker each (default 1; use the core count)
  --families       families this worker proves (default all: ${FAMILY_NAMES.join(', ')})
  --allow-insecure prove jobs under test-only presets (tests)
  --metrics-port   serve Prometheus /metrics on 127.0.0.1:N
  --warmup         on (default): prove and verify one test-size sample of each family on
                   every pool worker before taking jobs; off: take jobs at once
SIGTERM drains: running jobs finish and are stored, no new job is taken.`;

/**
 * Runs the command (resolves when the worker has drained).
 * @param argv arguments after `worker`
 * @returns the exit code
 */
export async function run(argv: string[]): Promise<number> {
  let o:
    | {
        url: string;
        gpu: 'auto' | 'on' | 'off';
        concurrency: number;
        families: FamilyName[];
        name?: string;
        queueName?: string;
        allowInsecure: boolean;
        lockMs?: number;
        stalledMs?: number;
        metricsPort?: number;
        level: string;
        warmup: boolean;
      }
    | undefined;
  const args = parseCommandArgs(
    'worker',
    HELP,
    argv,
    {
      queue: { type: 'string' },
      gpu: { type: 'string', default: 'auto' },
      concurrency: { type: 'string' },
      families: { type: 'string' },
      name: { type: 'string' },
      'queue-name': { type: 'string' },
      'allow-insecure': { type: 'boolean', default: false },
      'lock-duration-ms': { type: 'string' },
      'stalled-interval-ms': { type: 'string' },
      'metrics-port': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      warmup: { type: 'string', default: 'on' },
    },
    {
      check: ({ values }) => {
        if (values.queue === undefined) throw new UsageError('--queue is required');
        parseRedisUrl(values.queue);
        if (values.gpu !== 'auto' && values.gpu !== 'on' && values.gpu !== 'off')
          throw new UsageError('--gpu expects auto|on|off');
        const families = (values.families ?? FAMILY_NAMES.join(','))
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
        for (const f of families)
          if (!(FAMILY_NAMES as readonly string[]).includes(f))
            throw new UsageError(`--families: unknown family '${f}' (known: ${FAMILY_NAMES.join(', ')})`);
        if (families.length === 0) throw new UsageError('--families is empty');
        if (values.warmup !== 'on' && values.warmup !== 'off')
          throw new UsageError('--warmup expects on|off');
        if (!LOG_LEVELS.includes(values['log-level'] ?? 'info'))
          throw new UsageError(`--log-level expects one of ${LOG_LEVELS.join(', ')}`);
        o = {
          url: values.queue,
          gpu: values.gpu,
          concurrency: intFlag(values, 'concurrency', { min: 1, max: 256 }) ?? 1,
          families: families as FamilyName[],
          name: values.name,
          queueName: values['queue-name'],
          allowInsecure: values['allow-insecure'] ?? false,
          lockMs: intFlag(values, 'lock-duration-ms', { min: 1000, max: 3_600_000 }),
          stalledMs: intFlag(values, 'stalled-interval-ms', { min: 500, max: 3_600_000 }),
          metricsPort: intFlag(values, 'metrics-port', { max: 65535 }),
          level: values['log-level'] ?? 'info',
          warmup: values.warmup === 'on',
        };
      },
    },
  );
  if (typeof args === 'number') return args;
  if (o === undefined) return 2;
  const logger = createNodeLogger({ level: o.level, format: 'json', destination: process.stdout });
  const metrics = new NodeMetrics();
  let prove: ProveRunner | undefined;
  let pool: WorkerPool<WorkerApi> | undefined;
  let closeBackend: (() => void) | undefined;
  if (o.gpu !== 'off') {
    // auto: a hardware adapter only (a software one is slower than the CPU pool); on: any adapter.
    // One GPU backend in this process; jobs run on it, awaiting the device.
    const { backend, line } = await chooseBackend({ gpu: o.gpu, workers: 0 }, getConfig('c100'));
    logger.info(
      { worker: o.name, choice: line },
      backend.kind === 'webgpu' ? 'proving on WebGPU' : 'no WebGPU for this worker: proving on the CPU pool',
    );
    if (backend.kind === 'webgpu') {
      prove = (job) => runProveJob(job, backend);
      closeBackend = () => backend.close();
      metrics.setGpu(true, 'ok');
    } else {
      backend.close();
      if (o.gpu === 'on') {
        logger.error({}, `--gpu on: no usable WebGPU adapter (${line})`);
        return 1;
      }
    }
  }
  if (!prove) {
    try {
      pool = createNodeWorkerPool<WorkerApi>({ size: o.concurrency });
    } catch (e) {
      logger.error({ err: messageOf(e) }, 'cannot start the worker pool');
      return 1;
    }
    prove = poolRunner(pool);
    metrics.setGpu(false, o.gpu === 'off' ? 'disabled' : 'no-adapter');
  }
  if (o.warmup) {
    try {
      const w = await warmUpProver(prove, { families: o.families, concurrency: pool ? o.concurrency : 1 });
      logger.info({ worker: o.name, proofs: w.proofs, ms: Math.round(w.ms) }, 'worker warmed up');
    } catch (e) {
      logger.error({ err: messageOf(e) }, 'warm-up failed');
      pool?.close();
      closeBackend?.();
      return 1;
    }
  }
  const worker = startProofWorker({
    url: o.url,
    prove,
    queueName: o.queueName,
    name: o.name,
    concurrency: o.concurrency,
    families: o.families,
    allowInsecure: o.allowInsecure,
    lockDurationMs: o.lockMs,
    stalledIntervalMs: o.stalledMs,
    metrics,
    logger,
  });
  let server: Server | undefined;
  if (o.metricsPort !== undefined) {
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      metrics.text().then(
        (t) => res.writeHead(200, { 'content-type': metrics.contentType }).end(t),
        () => res.writeHead(500).end(),
      );
    });
    server.listen(o.metricsPort, '127.0.0.1');
  }
  logger.info(
    {
      worker: worker.name,
      concurrency: o.concurrency,
      families: o.families,
      prover: pool ? 'worker-pool' : 'webgpu',
    },
    'worker started',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal, worker: worker.name }, 'shutdown requested');
      worker.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  pool?.close();
  closeBackend?.();
  server?.close();
  setTimeout(() => process.exit(0), 500).unref();
  return 0;
}
