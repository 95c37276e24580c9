/**
 * Metrics: registered in the caller's registry or a private one (never prom-client's global
 * register), with the runbook's names and labels; GPU fallbacks are counted from the backend's
 * plain counter at scrape time.
 */
import { Registry, register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { NodeMetrics } from '../../src/node/metrics.ts';

describe('NodeMetrics', () => {
  it('uses a private registry by default and never the global one; two instances do not clash', async () => {
    const a = new NodeMetrics();
    const b = new NodeMetrics();
    expect(a.registry).not.toBe(register);
    expect(register.getSingleMetric('rpp_runtime_proof_generation_duration_seconds')).toBeUndefined();
    a.observeProve('state', 1.5, 1000);
    expect(await b.text()).not.toMatch(/proof_kind="state"/);
    expect(await a.text()).toMatch(
      /rpp_runtime_proof_generation_duration_seconds_bucket\{le="2",backend="plonky3",proof_kind="state"\} 1/,
    );
  });
  it("registers into the caller's registry", async () => {
    const r = new Registry();
    const m = new NodeMetrics({ registry: r });
    m.observeVerify('uptime', 0.2, 'OK', {
      totalBytes: 100,
      paramsBytes: 52,
      publicInputsBytes: 12,
      payloadBytes: 48,
    });
    const text = await r.metrics();
    expect(text).toMatch(
      /rpp_stark_verify_duration_seconds_count\{proof_backend="rpp-stark",proof_kind="uptime",result="accepted"\} 1/,
    );
    expect(text).toMatch(/rpp_stark_params_bytes_sum\{proof_backend="rpp-stark",proof_kind="uptime"\} 52/);
    expect(text).toMatch(/verifier_result_total\{result="accepted",code="OK"\} 1/);
  });
  it('INTERNAL_INVARIANT counts as an internal error', async () => {
    const m = new NodeMetrics();
    m.observeVerify('state', 0.1, 'INTERNAL_INVARIANT', {
      totalBytes: 1,
      paramsBytes: 0,
      publicInputsBytes: 0,
      payloadBytes: 1,
    });
    expect(await m.text()).toMatch(/^verifier_internal_error_total 1$/m);
  });
  it('gpu_fallback_total follows the backend counter at each scrape', async () => {
    const m = new NodeMetrics();
    const backend = { fallbacks: 0 };
    m.trackGpuFallbacks(backend);
    backend.fallbacks = 3;
    expect(await m.text()).toMatch(/gpu_fallback_total\{cause="error"\} 3/);
    backend.fallbacks = 5;
    expect(await m.text()).toMatch(/gpu_fallback_total\{cause="error"\} 5/);
    m.setGpu(false, 'disabled');
    expect(await m.text()).toMatch(/gpu_available\{reason="disabled"\} 0/);
  });
});
