/**
 * Latency statistics of the stress report: nearest-rank percentiles over the recorded samples.
 * No Plonky3 counterpart. Invariant: percentiles of an empty sample are null, never NaN.
 */

/** Summary of a sample of latencies (ms) or sizes (bytes). */
export interface Summary {
  readonly count: number;
  readonly min: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/**
 * Nearest-rank percentile of a sorted sample.
 * @param sorted ascending values
 * @param q quantile in (0, 1]
 * @returns the value at rank ceil(q * n), or null for an empty sample
 */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/**
 * Summarises a sample.
 * @param values the sample (any order)
 * @returns count, min, p50, p95, p99, max and mean
 * @example
 * summarize([3, 1, 2]).p50 // 2
 */
export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    count: n,
    min: round(n ? s[0] : null),
    p50: round(percentile(s, 0.5)),
    p95: round(percentile(s, 0.95)),
    p99: round(percentile(s, 0.99)),
    max: round(n ? s[n - 1] : null),
    mean: round(n ? s.reduce((a, b) => a + b, 0) / n : null),
  };
}
