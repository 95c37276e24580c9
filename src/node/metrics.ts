/**
 * Prometheus telemetry of the prover/verifier (prom-client), under the runbook's names:
 *   rpp_runtime_proof_generation_duration_seconds{backend,proof_kind}   histogram
 *   rpp_runtime_proof_generation_size_bytes{backend,proof_kind}         histogram
 *   rpp_runtime_proof_generation_count_total{backend,proof_kind}        counter (runbook
 *     `rpp.runtime.proof.generation.count`, Prometheus counter suffix)
 *   rpp_runtime_proof_generation_failures_total{backend,proof_kind,code}  prover failures
 *   rpp_runtime_backend_recovery_total{backend}                         backend_health recovery events
 *   rpp_stark_verify_duration_seconds{proof_backend,proof_kind,result}  histogram
 *   rpp_stark_proof_total_bytes / rpp_stark_params_bytes / rpp_stark_public_inputs_bytes /
 *   rpp_stark_payload_bytes{proof_backend,proof_kind}                   segment histograms
 *   verifier_result_total{result,code}, verifier_internal_error_total,
 *   verifier_tamper_accepted_total{proof_kind}  (docs/verifier-hardening.md §5.6)
 *   gpu_available{reason}, gpu_fallback_total{cause}, storage_error_total,
 *   cache_integrity_failure_total{artifact}, p3ts_service_queue_depth, p3ts_service_busy_total
 *   p3ts_queue_jobs{queue,state}                                         proof queue depth (BullMQ),
 *     state = waiting | active | delayed | failed, read from Redis at each scrape
 *   p3ts_queue_job_latency_seconds{backend,proof_kind}                  enqueue -> done, per job
 *   p3ts_queue_worker_proofs_total{backend,proof_kind,worker,result}    proofs per queue worker
 * `backend` is "plonky3" and `proof_backend` is "rpp-stark", as in the runbook's queries.
 *
 * No Plonky3 counterpart (rpp/runtime/telemetry/metrics.rs). Invariant: metrics live in the
 * caller's Registry or a private one, never prom-client's global registry.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The `backend` label of the proof-generation metrics. */
export const PROOF_BACKEND_LABEL = 'plonky3';
/** The `proof_backend` label of the verification metrics. */
export const VERIFY_BACKEND_LABEL = 'rpp-stark';

/** Latency buckets in seconds (the 5.5 s prove and 3.2 s verify targets are bucket edges). */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3.2, 4, 5.5, 8, 13, 21, 34, 60,
]);
/** Queue latency buckets in seconds (enqueue -> done includes waiting): 0.1 s .. 30 min. */
export const QUEUE_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.1, 0.25, 0.5, 1, 2, 5.5, 10, 30, 60, 120, 300, 600, 1800,
]);
/** The queue states exported by p3ts_queue_jobs. */
export const QUEUE_STATES: readonly string[] = Object.freeze(['waiting', 'active', 'delayed', 'failed']);

/** A source of queue depths (src/node/queue/proof-queue.ts ProofQueue). */
export interface QueueDepthSource {
  readonly name: string;
  counts(): Promise<{
    readonly waiting: number;
    readonly active: number;
    readonly delayed: number;
    readonly failed: number;
  }>;
}

/** Size buckets in bytes: 256 B .. 16 MiB, powers of 4. */
export const BYTE_BUCKETS: readonly number[] = Object.freeze([
  256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
]);

/** Byte sizes of the segments of one verified proof. */
export interface ProofSegments {
  /** The whole input. */
  readonly totalBytes: number;
  /** The envelope header (circuit id, configuration digest): the parameter binding. */
  readonly paramsBytes: number;
  /** The public values as 4-byte elements. */
  readonly publicInputsBytes: number;
  /** The Plonky3 postcard body. */
  readonly payloadBytes: number;
}

/** Options of `NodeMetrics`. */
export interface NodeMetricsOptions {
  /** Register into this registry (default: a private one). */
  readonly registry?: Registry;
}

/**
 * The node's metrics.
 * @example
 * const m = new NodeMetrics();
 * m.observeProve('consensus', 0.61, 346012);
 * const text = await m.registry.metrics();
 */
export class NodeMetrics {
  /** The registry holding every metric. */
  readonly registry: Registry;
  /** Proof generation latency. */
  readonly proveDuration: Histogram<'backend' | 'proof_kind'>;
  /** Proof sizes. */
  readonly proveSize: Histogram<'backend' | 'proof_kind'>;
  /** Proofs generated. */
  readonly proveCount: Counter<'backend' | 'proof_kind'>;
  /** Prover failures. */
  readonly proveFailures: Counter<'backend' | 'proof_kind' | 'code'>;
  /** backend_health.plonky3 recovery events. */
  readonly recoveries: Counter<'backend'>;
  /** Verification latency. */
  readonly verifyDuration: Histogram<'proof_backend' | 'proof_kind' | 'result'>;
  /** Verified proof sizes. */
  readonly proofTotalBytes: Histogram<'proof_backend' | 'proof_kind'>;
  /** Envelope header sizes. */
  readonly paramsBytes: Histogram<'proof_backend' | 'proof_kind'>;
  /** Public-value sizes. */
  readonly publicInputsBytes: Histogram<'proof_backend' | 'proof_kind'>;
  /** Postcard body sizes. */
  readonly payloadBytes: Histogram<'proof_backend' | 'proof_kind'>;
  /** Verification outcomes. */
  readonly verifierResults: Counter<'result' | 'code'>;
  /** INTERNAL_INVARIANT rejections. */
  readonly verifierInternalErrors: Counter;
  /** Tampered proofs accepted by the canary or harness (must stay 0). */
  readonly tamperAccepted: Counter<'proof_kind'>;
  /** 1 when a GPU adapter is in use. */
  readonly gpuAvailable: Gauge<'reason'>;
  /** GPU operations that fell back to the CPU. */
  readonly gpuFallbacks: Counter<'cause'>;
  /** Failed cache or proof writes. */
  readonly storageErrors: Counter;
  /** Cache files that failed their integrity check. */
  readonly cacheIntegrityFailures: Counter<'artifact'>;
  /** Accepted service jobs (running or waiting). */
  readonly queueDepth: Gauge;
  /** Requests refused with BUSY. */
  readonly busy: Counter;
  /** Proof queue jobs per state (read at scrape time from the tracked queues). */
  readonly queueJobs: Gauge<'queue' | 'state'>;
  /** Proof queue latency, enqueue to done. */
  readonly queueLatency: Histogram<'backend' | 'proof_kind'>;
  /** Proofs per queue worker (result: completed, failed, retried). */
  readonly workerProofs: Counter<'backend' | 'proof_kind' | 'worker' | 'result'>;
  private readonly queues: QueueDepthSource[] = [];
  private fallbackSource: { readonly fallbacks: number } | undefined;
  private fallbacksSeen = 0;

  /** @param opts the registry to use (default a private one) */
  constructor(opts: NodeMetricsOptions = {}) {
    this.registry = opts.registry ?? new Registry();
    const registers = [this.registry];
    // One line per metric: name, help, labels (and buckets for histograms), all in this registry.
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[] = [],
    ): Counter<L> => new Counter({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
      new Gauge({ name, help, labelNames, registers });
    const histogram = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      buckets: readonly number[],
    ): Histogram<L> => new Histogram({ name, help, labelNames, buckets: [...buckets], registers });
    const pb = ['backend', 'proof_kind'] as const;
    const vb = ['proof_backend', 'proof_kind'] as const;
    const p = 'rpp_runtime_proof_generation';
    this.proveDuration = histogram(
      `${p}_duration_seconds`,
      'Proof generation latency (rpp.runtime.proof.generation.duration)',
      pb,
      DURATION_BUCKETS,
    );
    this.proveSize = histogram(
      `${p}_size_bytes`,
      'Generated proof size (rpp.runtime.proof.generation.size)',
      pb,
      BYTE_BUCKETS,
    );
    this.proveCount = counter(
      `${p}_count_total`,
      'Proofs generated per circuit (rpp.runtime.proof.generation.count)',
      pb,
    );
    this.proveFailures = counter(`${p}_failures_total`, 'Prover failures by error code', [...pb, 'code']);
    this.recoveries = counter(
      'rpp_runtime_backend_recovery_total',
      'backend_health.plonky3 recovery events: a successful proof after failures',
      ['backend'],
    );
    this.verifyDuration = histogram(
      'rpp_stark_verify_duration_seconds',
      'Proof verification latency',
      [...vb, 'result'],
      DURATION_BUCKETS,
    );
    const seg = (name: string, help: string) => histogram(`rpp_stark_${name}_bytes`, help, vb, BYTE_BUCKETS);
    this.proofTotalBytes = seg('proof_total', 'Verified proof size (envelope + body)');
    this.paramsBytes = seg('params', 'Proof segment: envelope header (circuit id, configuration digest)');
    this.publicInputsBytes = seg('public_inputs', 'Proof segment: public values (4 bytes each)');
    this.payloadBytes = seg('payload', 'Proof segment: Plonky3 postcard body (verifier payload)');
    this.verifierResults = counter(
      'verifier_result_total',
      'Verification outcomes by result (accepted/rejected) and rejection code',
      ['result', 'code'],
    );
    this.verifierInternalErrors = counter(
      'verifier_internal_error_total',
      'Verifications that ended in INTERNAL_INVARIANT',
    );
    this.tamperAccepted = counter(
      'verifier_tamper_accepted_total',
      'Tampered proofs accepted by the canary or the tamper harness (must stay 0)',
      ['proof_kind'],
    );
    this.gpuAvailable = gauge('gpu_available', '1 when a WebGPU adapter is in use; reason says why not', [
      'reason',
    ]);
    const self = this;
    this.gpuFallbacks = new Counter({
      name: 'gpu_fallback_total',
      help: 'GPU operations re-run on the CPU',
      labelNames: ['cause'],
      registers,
      collect(): void {
        const src = self.fallbackSource;
        if (src && src.fallbacks > self.fallbacksSeen) {
          this.inc({ cause: 'error' }, src.fallbacks - self.fallbacksSeen);
          self.fallbacksSeen = src.fallbacks;
        }
      },
    });
    this.storageErrors = counter('storage_error_total', 'Failed cache or proof writes');
    this.cacheIntegrityFailures = counter(
      'cache_integrity_failure_total',
      'Cache files that failed their integrity checks',
      ['artifact'],
    );
    this.queueDepth = gauge('p3ts_service_queue_depth', 'Accepted jobs running or waiting');
    this.busy = counter('p3ts_service_busy_total', 'Requests refused with BUSY');
    const queues = this.queues;
    this.queueJobs = new Gauge({
      name: 'p3ts_queue_jobs',
      help: 'Proof queue jobs per state (waiting includes prioritized)',
      labelNames: ['queue', 'state'],
      registers,
      async collect(): Promise<void> {
        for (const q of queues) {
          try {
            const c = await q.counts();
            for (const st of QUEUE_STATES)
              this.set({ queue: q.name, state: st }, c[st as keyof typeof c] ?? 0);
          } catch {
            // Redis unreachable: keep the last values; the scrape must still answer
          }
        }
      },
    });
    this.queueLatency = histogram(
      'p3ts_queue_job_latency_seconds',
      'Proof queue latency from enqueue to done (completed jobs)',
      pb,
      QUEUE_LATENCY_BUCKETS,
    );
    this.workerProofs = counter(
      'p3ts_queue_worker_proofs_total',
      'Proof queue jobs finished per worker and result (completed, failed, retried)',
      [...pb, 'worker', 'result'],
    );
    for (const r of ['accepted', 'rejected'])
      this.verifierResults.inc({ result: r, code: r === 'accepted' ? 'OK' : 'NONE' }, 0);
    this.verifierInternalErrors.inc(0);
    this.storageErrors.inc(0);
    this.busy.inc(0);
  }

  /**
   * Records one generated proof.
   * @param kind the circuit family
   * @param seconds prove latency
   * @param bytes proof size
   */
  observeProve(kind: string, seconds: number, bytes: number): void {
    const l = { backend: PROOF_BACKEND_LABEL, proof_kind: kind };
    this.proveDuration.observe(l, seconds);
    this.proveSize.observe(l, bytes);
    this.proveCount.inc(l);
  }

  /**
   * Records a prover failure.
   * @param kind the circuit family
   * @param code the error code
   */
  proveFailed(kind: string, code: string): void {
    this.proveFailures.inc({ backend: PROOF_BACKEND_LABEL, proof_kind: kind, code });
  }

  /** Records a backend_health.plonky3 recovery event. */
  recovered(): void {
    this.recoveries.inc({ backend: PROOF_BACKEND_LABEL });
  }

  /**
   * Records one verification.
   * @param kind the circuit family
   * @param seconds verify latency
   * @param code 'OK' when accepted, else the rejection code
   * @param segments byte sizes of the input's segments
   */
  observeVerify(kind: string, seconds: number, code: string, segments: ProofSegments): void {
    const result = code === 'OK' ? 'accepted' : 'rejected';
    this.verifyDuration.observe({ proof_backend: VERIFY_BACKEND_LABEL, proof_kind: kind, result }, seconds);
    const l = { proof_backend: VERIFY_BACKEND_LABEL, proof_kind: kind };
    this.proofTotalBytes.observe(l, segments.totalBytes);
    this.paramsBytes.observe(l, segments.paramsBytes);
    this.publicInputsBytes.observe(l, segments.publicInputsBytes);
    this.payloadBytes.observe(l, segments.payloadBytes);
    this.verifierResults.inc({ result, code });
    if (code === 'INTERNAL_INVARIANT') this.verifierInternalErrors.inc();
  }

  /**
   * Records the GPU state at startup.
   * @param available whether an adapter is in use
   * @param reason 'ok', 'disabled', 'no-adapter', 'load-failed', 'unknown'
   */
  setGpu(available: boolean, reason: string): void {
    this.gpuAvailable.reset();
    this.gpuAvailable.set({ reason }, available ? 1 : 0);
  }

  /**
   * Counts the fallbacks of a backend (src/runtime/select.ts FallbackBackend keeps plain numbers)
   * into gpu_fallback_total at each scrape.
   * @param src an object with a growing `fallbacks` count
   */
  trackGpuFallbacks(src: { readonly fallbacks: number }): void {
    this.fallbackSource = src;
    this.fallbacksSeen = 0;
  }

  /**
   * Exports a queue's depth as p3ts_queue_jobs{queue,state} at each scrape.
   * @param q the queue (its counts() is called once per scrape)
   */
  trackQueue(q: QueueDepthSource): void {
    this.queues.push(q);
    for (const st of QUEUE_STATES) this.queueJobs.set({ queue: q.name, state: st }, 0);
  }

  /**
   * Records one finished queue job.
   * @param kind the circuit family
   * @param worker the worker's name
   * @param result 'completed', 'failed' or 'retried'
   * @param latencySeconds enqueue to done (completed jobs)
   */
  observeQueueJob(kind: string, worker: string, result: string, latencySeconds?: number): void {
    const l = { backend: PROOF_BACKEND_LABEL, proof_kind: kind };
    this.workerProofs.inc({ ...l, worker, result });
    if (latencySeconds !== undefined) this.queueLatency.observe(l, latencySeconds);
  }

  /**
   * The Prometheus text exposition.
   * @returns the metrics text
   */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The exposition's content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
