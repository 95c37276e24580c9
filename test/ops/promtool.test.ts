/**
 * Alert rules and dashboard: `promtool check rules` and `promtool test rules` pass (when promtool
 * is installed; scripts/ci-extra.sh installs it in CI), every PromQL expression of the Grafana
 * dashboard parses (checked by promtool as recording rules), and every metric the rules and the
 * dashboard query is one NodeMetrics exports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeMetrics } from '../../src/node/metrics.ts';

const RULES = 'docs/alerts/plonky3.rules.yml';
const RULE_TESTS = 'docs/alerts/plonky3.rules.test.yml';
const DASHBOARD = 'docs/dashboards/consensus_proof_validation.json';
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  panels: Panel[];
  title: string;
  uid: string;
};
const exprs = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);
/** Grafana variables replaced by plain PromQL. */
const plain = (e: string): string => e.replaceAll('$__rate_interval', '5m').replaceAll('$proof_kind', '.*');

async function exportedNames(): Promise<Set<string>> {
  const m = new NodeMetrics();
  const names = new Set<string>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
  }
  return names;
}

/** Metric names in a PromQL expression: identifiers followed by `{`, `[` or `)` that are not functions/keywords. */
function metricNames(expr: string): string[] {
  const words = new Set([
    'sum',
    'by',
    'rate',
    'increase',
    'histogram_quantile',
    'max',
    'vector',
    'or',
    'unless',
    'le',
    'proof_kind',
    'code',
    'result',
    'state',
    'worker',
    'queue',
    'deriv',
    'and',
  ]);
  return [...expr.matchAll(/\b([a-z_][a-z0-9_]*)\s*(?=[{[)])/g)]
    .map((m) => m[1])
    .filter((n) => !words.has(n));
}

describe('alerts and dashboard', () => {
  it(`${DASHBOARD}: panels for prove/verify latency percentiles, proof sizes, proof volume, verifier payload`, () => {
    const titles = dashboard.panels.map((p) => p.title).join('\n');
    for (const t of [
      /Prove latency percentiles/,
      /Verify latency percentiles/,
      /Proof sizes/,
      /Proof volume/,
      /Verifier payload/,
      /Proof queue depth/,
      /Queue job latency/,
      /Proofs per queue worker/,
    ])
      expect(titles).toMatch(t);
    expect(dashboard.uid).toBe('plonky3-consensus-proof-validation');
    expect(exprs.length).toBeGreaterThan(10);
  });

  it('every metric queried by the rules and the dashboard is exported by NodeMetrics', async () => {
    const names = await exportedNames();
    const rules = readFileSync(RULES, 'utf8');
    const used = new Set([
      ...exprs.flatMap((e) => metricNames(e.expr)),
      ...metricNames(
        rules
          .split('\n')
          .filter((l) => !l.trim().startsWith('#') && !/^\s*(summary|description):/.test(l))
          .join('\n'),
      ),
    ]);
    expect(used.size).toBeGreaterThan(8);
    for (const n of used) expect(names, `metric ${n}`).toContain(n);
  });

  describe.skipIf(!hasPromtool)('promtool (Debian package prometheus)', () => {
    it(`promtool check rules ${RULES}`, () => {
      expect(execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' })).toMatch(
        /SUCCESS: 5 rules found/,
      );
    });
    it(`promtool test rules ${RULE_TESTS}`, () => {
      expect(execFileSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' })).toMatch(
        /SUCCESS/,
      );
    });
    it('promtool test rules fails when the p95 threshold is weakened (the tests can fail)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'p3rules-'));
      writeFileSync(join(dir, 'plonky3.rules.yml'), readFileSync(RULES, 'utf8').replace(') > 5.5', ') > 9'));
      writeFileSync(join(dir, 'plonky3.rules.test.yml'), readFileSync(RULE_TESTS, 'utf8'));
      const r = spawnSync('promtool', ['test', 'rules', join(dir, 'plonky3.rules.test.yml')], {
        encoding: 'utf8',
      });
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/Plonky3ProveLatencyP95High/);
    });
    it('promtool test rules fails when the queue alert ignores growth (the queue tests can fail)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'p3rules-'));
      const weakened = readFileSync(RULES, 'utf8').replace(
        /sum by \(queue\) \(deriv\(p3ts_queue_jobs\{state=~"waiting\|delayed"\}\[5m\]\)\) > 0/,
        'sum by (queue) (p3ts_queue_jobs{state=~"waiting|delayed"}) > 100',
      );
      expect(weakened).not.toBe(readFileSync(RULES, 'utf8'));
      writeFileSync(join(dir, 'plonky3.rules.yml'), weakened);
      writeFileSync(join(dir, 'plonky3.rules.test.yml'), readFileSync(RULE_TESTS, 'utf8'));
      const r = spawnSync('promtool', ['test', 'rules', join(dir, 'plonky3.rules.test.yml')], {
        encoding: 'utf8',
      });
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/Plonky3ProofQueueGrowing/);
    });
    it('every dashboard expression is valid PromQL (promtool check rules on recording rules)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'p3dash-'));
      const rules = exprs
        .map((e, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(plain(e.expr))}`)
        .join('\n');
      const f = join(dir, 'dashboard.rules.yml');
      writeFileSync(f, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
      expect(execFileSync('promtool', ['check', 'rules', f], { encoding: 'utf8' })).toMatch(
        new RegExp(`SUCCESS: ${exprs.length} rules found`),
      );
    });
  });
});
