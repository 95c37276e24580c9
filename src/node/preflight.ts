/**
 * The preflight dry run (`p3ts preflight --config PATH`; runbook "Rotation workflow",
 * docs/verifier-hardening.md §7 "Preflight dry run"): validates the configuration, checks every
 * configured family's parameter file and canary proof against the manifest and the digests
 * shipped with the package, probes the GPU, and runs the verifier canary (one valid and several
 * tampered proofs per family). Returns a machine-readable report naming every problem.
 *
 * No Plonky3 counterpart. Invariants: changes nothing on disk; a GPU that is absent or disabled
 * is reported, not a problem (the node runs on the CPU); any accepted tampered proof is a problem
 * and increments verifier_tamper_accepted_total.
 */
import { join } from 'node:path';
import type { FamilyName } from '../circuits/families.ts';
import { type Logger, noopLogger } from '../runtime/logger.ts';
import { inspectCache } from './cache-inspect.ts';
import { ConfigError, loadNodeConfig, type NodeConfig } from './config.ts';
import { createStarkEngine, tamperedVariants } from './engine.ts';
import type { GpuStatus } from './health.ts';
import type { NodeMetrics } from './metrics.ts';
import type { ExpectedDigests } from './params.ts';

/** One problem preflight found. */
export interface PreflightProblem {
  /**
   * CONFIG_INVALID, a CacheProblemKind (FILE_NOT_REGULAR, MANIFEST_INTEGRITY, STALE_TEMP, …; see
   * docs/runbook.md), CANARY_VALID_REJECTED, CANARY_TAMPER_ACCEPTED, CANARY_ERROR.
   */
  readonly kind: string;
  readonly family?: string;
  readonly file?: string;
  readonly key?: string;
  readonly message: string;
}

/** The canary outcome of one family. */
export interface CanaryResult {
  readonly family: string;
  /** 'OK' when the stored valid proof was accepted, else its rejection code. */
  readonly valid: string;
  /** Each tampered copy and its outcome ('OK' = accepted = a problem). */
  readonly tampered: readonly { readonly label: string; readonly code: string }[];
}

/** The preflight report. */
export interface PreflightReport {
  readonly ok: boolean;
  readonly configFile: string;
  readonly preset: string | null;
  readonly cacheDir: string | null;
  readonly families: readonly string[];
  readonly cacheSizeBytes: number;
  readonly lastKeyRotation: string | null;
  readonly gpu: GpuStatus;
  readonly canary: readonly CanaryResult[];
  readonly problems: readonly PreflightProblem[];
  readonly durationMs: number;
}

/** Options of `runPreflight`. */
export interface PreflightOptions {
  /** Environment (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** GPU probe (default `probeGpu`). */
  readonly gpuProbe?: (cfg: NodeConfig) => Promise<GpuStatus>;
  /** Run the verifier canary (default true). */
  readonly canary?: boolean;
  /** Metrics to count canary outcomes in. */
  readonly metrics?: NodeMetrics;
  readonly logger?: Logger;
  /** Pinned digests (default the shipped table). */
  readonly expected?: ExpectedDigests;
}

/**
 * Probes the GPU the way the node would use it: disabled by env or config, else Dawn + adapter.
 * @param cfg the node configuration
 * @param timeoutMs adapter request timeout
 * @returns the GPU status (never throws)
 */
export async function probeGpu(cfg: NodeConfig, timeoutMs = 15_000): Promise<GpuStatus> {
  if (cfg.gpuDisabledByEnv) return { status: 'disabled', reason: 'PLONKY3_GPU_DISABLE is set' };
  if (!cfg.useGpuAcceleration) return { status: 'disabled', reason: 'use_gpu_acceleration = false' };
  let loader: typeof import('./gpu.ts');
  let ctxMod: typeof import('../runtime/gpu-context.ts');
  try {
    loader = await import('./gpu.ts');
    ctxMod = await import('../runtime/gpu-context.ts');
  } catch (e) {
    return {
      status: 'unknown',
      reason: `GPU support not available in this build: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  const gpu = await loader.loadDawnGpu();
  if (gpu === undefined)
    return { status: 'unavailable', reason: `no WebGPU adapter (${(await loader.probeDawn()).reason})` };
  try {
    const ctx = await ctxMod.GpuContext.create(gpu, { timeoutMs });
    const a = ctx.adapterInfo;
    ctx.close();
    return {
      status: 'available',
      adapter:
        [a.vendor, a.architecture, a.device, a.description].filter((s) => s).join(' / ') || 'unnamed adapter',
    };
  } catch (e) {
    return { status: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Runs the dry run.
 * @param configPath the node.toml path
 * @param opts environment, GPU probe, canary switch, metrics, logger
 * @returns the report (ok false when any problem was found)
 * @example
 * const r = await runPreflight('config/node.toml'); process.exitCode = r.ok ? 0 : 1;
 */
export async function runPreflight(
  configPath: string,
  opts: PreflightOptions = {},
): Promise<PreflightReport> {
  const t0 = performance.now();
  const log = opts.logger ?? noopLogger;
  const problems: PreflightProblem[] = [];
  let cfg: NodeConfig;
  try {
    cfg = loadNodeConfig(configPath, opts.env ?? process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push({ kind: 'CONFIG_INVALID', file: e.file, key: e.key || undefined, message: e.message });
    return {
      ok: false,
      configFile: configPath,
      preset: null,
      cacheDir: null,
      families: [],
      cacheSizeBytes: 0,
      lastKeyRotation: null,
      gpu: { status: 'unknown', reason: 'configuration invalid' },
      canary: [],
      problems,
      durationMs: performance.now() - t0,
    };
  }
  const report = await inspectCache(cfg, opts.expected);
  for (const p of report.problems) {
    problems.push({ kind: p.kind, family: p.family, file: p.file, message: p.message });
    opts.metrics?.cacheIntegrityFailures.inc({
      artifact: p.family ?? (p.kind === 'STALE_TEMP' ? 'temp' : 'manifest'),
    });
  }
  const gpu = await (opts.gpuProbe ?? probeGpu)(cfg);
  const canary: CanaryResult[] = [];
  if (opts.canary !== false && report.params.size > 0) {
    const families = [...report.params.keys()];
    const engine = createStarkEngine({
      preset: cfg.securityPreset,
      size: cfg.size,
      families,
      allowInsecure: cfg.allowInsecure,
    });
    for (const family of families) {
      const p = report.params.get(family);
      if (!p) continue;
      const file = join(cfg.proofCacheDir, p.canary.file);
      // The bytes inspectCache read (type- and size-checked, digest-checked): never re-read here.
      const proof = report.canaries.get(family);
      if (proof === undefined) continue;
      try {
        const run = (bytes: Uint8Array): string => {
          const r = engine.verify(family as FamilyName, bytes, p.canary.publicValues);
          return r.ok ? 'OK' : r.code;
        };
        const valid = run(proof);
        if (valid !== 'OK')
          problems.push({
            kind: 'CANARY_VALID_REJECTED',
            family,
            file,
            message: `the stored valid proof was rejected with ${valid}`,
          });
        const tampered = tamperedVariants(proof).map((t) => ({ label: t.label, code: run(t.bytes) }));
        for (const t of tampered) {
          if (t.code === 'OK') {
            problems.push({
              kind: 'CANARY_TAMPER_ACCEPTED',
              family,
              file,
              message: `a tampered proof (${t.label}) was ACCEPTED`,
            });
            opts.metrics?.tamperAccepted.inc({ proof_kind: family });
          }
        }
        canary.push({ family, valid, tampered });
      } catch (e) {
        problems.push({
          kind: 'CANARY_ERROR',
          family,
          file,
          message: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
  const ok = problems.length === 0;
  log[ok ? 'info' : 'error']({ ok, problems: problems.length, gpu: gpu.status }, 'preflight finished');
  return {
    ok,
    configFile: configPath,
    preset: cfg.securityPreset,
    cacheDir: cfg.proofCacheDir,
    families: [...cfg.families],
    cacheSizeBytes: report.sizeBytes,
    lastKeyRotation: report.manifest?.rotatedAt ?? null,
    gpu,
    canary,
    problems,
    durationMs: performance.now() - t0,
  };
}

/**
 * Human-readable report: one line per check, then every problem.
 * @param r the report
 * @returns the text
 */
export function formatPreflightReport(r: PreflightReport): string {
  const lines: string[] = [];
  lines.push(`preflight ${r.ok ? 'PASSED' : 'FAILED'}: ${r.configFile}`);
  lines.push(
    `  config        ${r.problems.some((p) => p.kind === 'CONFIG_INVALID') ? 'INVALID' : 'ok'} (preset ${r.preset ?? '-'})`,
  );
  lines.push(
    `  cache dir     ${r.cacheDir ?? '-'} (${r.cacheSizeBytes} bytes, last rotation ${r.lastKeyRotation ?? '-'})`,
  );
  for (const f of r.families) {
    const bad = r.problems.filter((p) => p.family === f);
    const c = r.canary.find((x) => x.family === f);
    const canary = c
      ? `canary valid=${c.valid} tampered=${c.tampered.filter((t) => t.code !== 'OK').length}/${c.tampered.length} rejected`
      : 'canary not run';
    lines.push(`  family ${f.padEnd(12)} ${bad.length === 0 ? 'ok' : 'PROBLEM'}; ${canary}`);
  }
  lines.push(
    `  gpu           ${r.gpu.status}${r.gpu.adapter ? ` (${r.gpu.adapter})` : ''}${r.gpu.reason ? ` — ${r.gpu.reason}` : ''}`,
  );
  if (r.problems.length > 0) {
    lines.push(`problems (${r.problems.length}):`);
    for (const p of r.problems)
      lines.push(
        `  - ${p.kind}${p.family ? ` [${p.family}]` : ''}${p.file ? ` ${p.file}` : ''}: ${p.message}`,
      );
  }
  lines.push(`(${Math.round(r.durationMs)} ms)`);
  return lines.join('\n');
}
