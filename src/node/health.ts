/**
 * `backend_health.plonky3`: the health record served at GET /status/node (runbook "Monitoring":
 * cache size, last key rotation timestamp, active circuits, plus the backend and GPU adapter).
 * Tracks prover failures and emits the recovery event the alert rules wait for: the first
 * successful proof after one or more failures.
 *
 * No Plonky3 counterpart (rpp/runtime/node.rs backend_health). Invariant: the record is derived
 * from the cache loaded at startup; nothing here reloads files.
 */
import type { Logger } from '../runtime/logger.ts';
import { noopLogger } from '../runtime/logger.ts';
import type { NodeMetrics } from './metrics.ts';

/** GPU state as probed at startup. */
export interface GpuStatus {
  /** 'available' (in use), 'disabled' (config or env), 'unavailable' (no adapter / Dawn), 'unknown'. */
  readonly status: 'available' | 'disabled' | 'unavailable' | 'unknown';
  /** Adapter description when available. */
  readonly adapter?: string;
  /** Why not available. */
  readonly reason?: string;
}

/** The backend_health.plonky3 record. */
export interface Plonky3Health {
  /** healthy, degraded (prover failing, GPU lost), unhealthy (tampered proof accepted). */
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  /** Execution backend: 'cpu' or 'webgpu'. */
  readonly backend: string;
  /** GPU adapter when there is one. */
  readonly gpu: GpuStatus;
  /** Soundness preset. */
  readonly preset: string;
  /** Circuit families loaded at startup (circuit ids). */
  readonly activeCircuits: readonly string[];
  /** The cache directory and its size in bytes. */
  readonly cache: { readonly dir: string; readonly sizeBytes: number; readonly files: number };
  /** Last key rotation (the cache manifest's rotatedAt, ISO 8601). */
  readonly lastKeyRotation: string;
  /** When the parameters were loaded (startup; there is no hot reload). */
  readonly loadedAt: string;
  /** Prover failures since the last recovery, and the counters. */
  readonly prover: {
    readonly proofs: number;
    readonly failures: number;
    readonly failuresSinceRecovery: number;
    readonly lastFailure: { readonly at: string; readonly code: string } | null;
    readonly lastRecovery: string | null;
  };
  /** Verifier counters. */
  readonly verifier: {
    readonly accepted: number;
    readonly rejected: number;
    readonly tamperAccepted: number;
  };
}

/** What the tracker is built from. */
export interface HealthInit {
  readonly backend: string;
  readonly gpu: GpuStatus;
  readonly preset: string;
  readonly activeCircuits: readonly string[];
  readonly cacheDir: string;
  readonly cacheSizeBytes: number;
  readonly cacheFiles: number;
  readonly lastKeyRotation: Date;
  readonly loadedAt?: Date;
  readonly metrics?: NodeMetrics;
  readonly logger?: Logger;
}

/**
 * Keeps backend_health.plonky3 up to date.
 * @example
 * const h = new HealthTracker({ backend: 'cpu', gpu: { status: 'disabled' }, ... });
 * h.proveSucceeded(); h.snapshot().backend_health.plonky3.status; // 'healthy'
 */
export class HealthTracker {
  private readonly init: HealthInit;
  private readonly log: Logger;
  private proofs = 0;
  private failures = 0;
  private failuresSinceRecovery = 0;
  private lastFailure: { at: string; code: string } | null = null;
  private lastRecovery: string | null = null;
  private accepted = 0;
  private rejected = 0;
  private tamperAccepted = 0;

  /** @param init static facts from startup */
  constructor(init: HealthInit) {
    this.init = init;
    this.log = init.logger ?? noopLogger;
  }

  /** Records a successful proof; the first after failures is a recovery event (logged and counted). */
  proveSucceeded(): void {
    this.proofs++;
    if (this.failuresSinceRecovery > 0) {
      this.lastRecovery = new Date().toISOString();
      this.log.info(
        { event: 'recovery', failures: this.failuresSinceRecovery },
        'backend_health.plonky3 recovered',
      );
      this.failuresSinceRecovery = 0;
      this.init.metrics?.recovered();
    }
  }

  /**
   * Records a prover failure.
   * @param code the error code
   */
  proveFailed(code: string): void {
    this.failures++;
    this.failuresSinceRecovery++;
    this.lastFailure = { at: new Date().toISOString(), code };
  }

  /**
   * Records a verification outcome.
   * @param accepted whether the proof was accepted
   */
  verified(accepted: boolean): void {
    if (accepted) this.accepted++;
    else this.rejected++;
  }

  /** Records an accepted tampered proof (canary): the verifier is unhealthy from now on. */
  tamperWasAccepted(): void {
    this.tamperAccepted++;
  }

  /**
   * The current record.
   * @returns `{ backend_health: { plonky3 } }`
   */
  snapshot(): { backend_health: { plonky3: Plonky3Health } } {
    const i = this.init;
    const status =
      this.tamperAccepted > 0 ? 'unhealthy' : this.failuresSinceRecovery > 0 ? 'degraded' : 'healthy';
    return {
      backend_health: {
        plonky3: {
          status,
          backend: i.backend,
          gpu: i.gpu,
          preset: i.preset,
          activeCircuits: [...i.activeCircuits],
          cache: { dir: i.cacheDir, sizeBytes: i.cacheSizeBytes, files: i.cacheFiles },
          lastKeyRotation: i.lastKeyRotation.toISOString(),
          loadedAt: (i.loadedAt ?? new Date(0)).toISOString(),
          prover: {
            proofs: this.proofs,
            failures: this.failures,
            failuresSinceRecovery: this.failuresSinceRecovery,
            lastFailure: this.lastFailure,
            lastRecovery: this.lastRecovery,
          },
          verifier: { accepted: this.accepted, rejected: this.rejected, tamperAccepted: this.tamperAccepted },
        },
      },
    };
  }
}
