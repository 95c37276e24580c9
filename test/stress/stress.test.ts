/**
 * The stress harness end to end: the CI smoke scenario (scenarios/smoke.toml) through the
 * `p3ts stress` command's run(), its report (0 tampered proofs accepted, every tamper class
 * exercised, no internal invariant), `p3ts analyze` turning it into a table and an SVG, the
 * verdict failing on a threshold, and the scenario parser naming bad keys.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as analyze } from '../../src/cli/commands/analyze.ts';
import { run as stress } from '../../src/cli/commands/stress.ts';
import { NodeMetrics } from '../../src/node/metrics.ts';
import { runStress } from '../../tools/stress/harness.ts';
import { type StressReport, verdictOf } from '../../tools/stress/report.ts';
import { allocateProofs, parseScenario, ScenarioError } from '../../tools/stress/scenario.ts';
import { percentile, summarize } from '../../tools/stress/stats.ts';
import { renderReportSvg } from '../../tools/stress/svg.ts';

const dir = mkdtempSync(join(tmpdir(), 'p3ts-stress-'));
const smokePath = join(dir, 'smoke.json');
let smoke: StressReport;
let smokeExit: number;
const logs: string[] = [];

beforeAll(async () => {
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    logs.push(a.join(' '));
  });
  try {
    smokeExit = await stress(['--scenario', 'scenarios/smoke.toml', '--out', smokePath, '--quiet']);
  } finally {
    log.mockRestore();
  }
  smoke = JSON.parse(readFileSync(smokePath, 'utf8')) as StressReport;
}, 240_000);

afterAll(() => {
  vi.restoreAllMocks();
});

describe('scenarios/smoke.toml through p3ts stress', () => {
  it('passes, with every family proved and verified', () => {
    expect(smoke.verdict.reasons).toEqual([]);
    expect(smokeExit).toBe(0);
    expect(smoke.families.map((f) => f.name)).toEqual([
      'consensus',
      'transaction',
      'state',
      'pruning',
      'uptime',
    ]);
    for (const f of smoke.families) {
      expect(f.failures, f.name).toBe(0);
      expect(f.proveMs.count, f.name).toBe(f.proofs);
      expect(f.verifyMs.p95, f.name).not.toBeNull();
      expect(f.proofBytes.min, f.name).toBeGreaterThan(1000);
    }
    expect(smoke.failures).toEqual([]);
    expect(smoke.machine.cores).toBeGreaterThan(0);
  });
  it('shows 0 tampered proofs accepted and 0 internal invariants over every class and both variants', () => {
    const t = smoke.tamper;
    expect(t.acceptedCases).toEqual([]);
    expect(t.accepted).toBe(0);
    expect(t.internal).toBe(0);
    expect(t.attempts).toBeGreaterThan(500);
    expect(t.rejected).toBe(t.attempts);
    expect(Object.keys(t.byClass).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'K', 'R']);
    expect(Object.keys(t.byVariant).sort()).toEqual(['no-pow', 'production']);
    const sumCodes = Object.values(t.codes).reduce((s, n) => s + n, 0);
    expect(sumCodes).toBe(t.attempts);
  });
  it('the structural cases hit the codes docs/verifier-hardening.md §4 names (no-PoW variant reaches the Merkle checks)', () => {
    const c = smoke.tamper.cases;
    expect(Object.keys(c['A1.empty'])).toEqual(['DECODE_EMPTY']);
    expect(Object.keys(c['A4.bad-magic'])).toEqual(['DECODE_BAD_HEADER']);
    expect(Object.keys(c['A11.trace-cap-len-2'])).toEqual(['SHAPE_CAP_LENGTH']);
    expect(Object.keys(c['D1.trace-local-width+1'])).toEqual(['SHAPE_TRACE_LOCAL_WIDTH']);
    expect(Object.keys(c['F6.query-count-1'])).toEqual(['FRI_QUERY_COUNT']);
    expect(Object.keys(c['H2.input-sibling-bit'])).toEqual(['MERKLE_ROOT_MISMATCH']);
    expect(smoke.tamper.codeMismatches).toBe(0);
  });
});

describe('p3ts analyze', () => {
  it('prints the acceptance table and writes an SVG with one group per family', async () => {
    const svgPath = join(dir, 'smoke.svg');
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      out.push(a.join(' '));
    });
    let code: number;
    try {
      code = await analyze([smokePath, '--svg', svgPath]);
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(0);
    const text = out.join('\n');
    for (const f of smoke.families)
      expect(text).toMatch(new RegExp(`^${f.name}\\s+2\\^\\d+\\s+1\\s+0\\s`, 'm'));
    expect(text).toMatch(/^total\s+\d+\s+\d+\s+0\s+0$/m);
    expect(text).toContain('VERDICT: PASS');
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<g class="family"/g)?.length).toBe(smoke.families.length);
    for (const f of smoke.families) expect(svg).toContain(`data-family="${f.name}"`);
    // XML-ish sanity: balanced <g> and <svg>, no raw '&' or '<' in text
    expect(svg.match(/<g[ >]/g)?.length).toBe(svg.match(/<\/g>/g)?.length);
    expect(svg.match(/<svg[ >]/g)?.length).toBe(1);
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });
  it('re-derives a failing verdict from the numbers of a report', async () => {
    const bad: StressReport = {
      ...smoke,
      tamper: { ...smoke.tamper, accepted: 1 },
      families: smoke.families.map((f, i) => (i === 0 ? { ...f, thresholds: { proveP95Ms: 0.001 } } : f)),
    };
    const v = verdictOf(bad);
    expect(v.pass).toBe(false);
    expect(v.reasons.join('\n')).toMatch(/tampered proofs ACCEPTED/);
    expect(v.reasons.join('\n')).toMatch(/consensus: prove p95 .* > threshold 0.001 ms/);
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify(bad));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await analyze([p, '--no-svg'])).toBe(1);
    } finally {
      log.mockRestore();
    }
    const svg = renderReportSvg({ ...bad, verdict: v });
    expect(svg).toContain('>FAIL<');
    expect(svg).toContain('- 1 tampered proofs ACCEPTED');
  });
  it('refuses a file that is not a stress report', async () => {
    const p = join(dir, 'other.json');
    writeFileSync(p, '{"rows": []}');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await analyze([p])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});

describe('p3ts stress exit codes', () => {
  it('exits 1 when a p95 threshold is exceeded (main-thread provers)', async () => {
    const scen = join(dir, 'tight.toml');
    writeFileSync(
      scen,
      [
        'name = "tight"',
        'preset = "insecure-test"',
        '[load]',
        'proofs = 2',
        'mode = "main"',
        '[[families]]',
        'name = "fibonacci"',
        'log_rows = 3',
        '[tamper]',
        'classes = ["A"]',
        'no_pow_variant = false',
        '[thresholds]',
        'prove_p95_ms = 0.0001',
      ].join('\n'),
    );
    const out = join(dir, 'tight.json');
    expect(await stress(['--scenario', scen, '--out', out, '--quiet'])).toBe(1);
    const r = JSON.parse(readFileSync(out, 'utf8')) as StressReport;
    expect(r.provers.kind).toBe('main-thread');
    expect(r.verdict.reasons).toHaveLength(1);
    expect(r.verdict.reasons[0]).toMatch(/^fibonacci: prove p95 .* > threshold 0.0001 ms$/);
    expect(r.tamper.accepted).toBe(0);
    expect(r.tamper.byClass.A.attempts).toBeGreaterThan(20);
  }, 60_000);
  it('counts an input the verifier accepts as an accepted tamper and fails the verdict', async () => {
    const s = parseScenario(
      'name = "canary"\npreset = "insecure-test"\n[load]\nproofs = 1\nmode = "main"\n[[families]]\nname = "fibonacci"\nlog_rows = 3\n[tamper]\nclasses = ["C"]\nno_pow_variant = false\n',
    );
    // the valid proof, checked by an equal copy of the configuration: not byte-identical to the base input, still valid
    const metrics = new NodeMetrics();
    const r = await runStress(s, {
      metrics,
      extraCases: [
        {
          id: 'X.valid-proof',
          cls: 'X',
          apply: (b) => ({
            bytes: b.body,
            publicValues: b.publicValues,
            air: b.air,
            config: { ...b.config },
            format: 'postcard',
          }),
        },
      ],
    });
    expect(r.tamper.cases).toMatchObject({ 'X.valid-proof': { OK: 1 } });
    expect(r.tamper.accepted).toBe(1);
    expect(r.tamper.acceptedCases.map((c) => c.id)).toEqual(['X.valid-proof']);
    expect(r.tamper.byClass.C.accepted).toBe(0);
    expect(r.verdict.pass).toBe(false);
    expect(r.verdict.reasons).toEqual(['1 tampered proofs ACCEPTED']);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^verifier_tamper_accepted_total\{proof_kind="fibonacci"\} 1$/m);
    expect(text).toMatch(/^verifier_result_total\{result="rejected",code="SHAPE_PUBLIC_VALUES_LENGTH"\} 2$/m);
    expect(text).toMatch(
      /^rpp_runtime_proof_generation_count_total\{backend="plonky3",proof_kind="fibonacci"\} 1$/m,
    );
  }, 60_000);
  it('exits 2 on a scenario error', async () => {
    const scen = join(dir, 'typo.toml');
    writeFileSync(scen, 'name = "x"\n[load]\nproofs = 1\nconcurency = 2\n[[families]]\nname = "consensus"\n');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await stress(['--scenario', scen, '--quiet'])).toBe(2);
      expect(String(err.mock.calls[0][0])).toContain("load: unknown key 'concurency'");
    } finally {
      err.mockRestore();
    }
  });
});

describe('scenario parsing and statistics', () => {
  it('names the offending key', () => {
    const base = 'name = "x"\n[load]\nproofs = 3\n';
    expect(() => parseScenario(base)).toThrow(/families: expected a non-empty array/);
    expect(() => parseScenario(`${base}[[families]]\nname = "a"\nsize = "huge"\n`)).toThrow(
      /families\[0\]\.size: expected 'production' or 'test'/,
    );
    expect(() => parseScenario(`${base}[[families]]\nname = "a"\n[tamper]\nclasses = ["Z"]\n`)).toThrow(
      ScenarioError,
    );
    const s = parseScenario(`${base}[[families]]\nname = "a"\n`);
    expect(s.preset).toBe('c100');
    expect(s.mode).toBe('threads');
    expect(s.tamper.classes).toContain('R');
  });
  it('both shipped scenarios parse', () => {
    for (const f of ['scenarios/smoke.toml', 'scenarios/consensus_quorum_stress.toml'])
      expect(parseScenario(readFileSync(f, 'utf8'), f).families.length).toBe(5);
  });
  it('allocates proofs by weight, at least one per weighted family', () => {
    const fam = (weight: number) => ({ name: 'f', size: 'test' as const, weight });
    expect(allocateProofs([fam(4), fam(2), fam(1), fam(1), fam(1)], 40)).toEqual([18, 9, 5, 4, 4]);
    expect(allocateProofs([fam(100), fam(1)], 2)).toEqual([1, 1]);
  });
  it('nearest-rank percentiles (hand-computed)', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    expect(percentile(s, 0.5)).toBe(10); // rank ceil(10) = 10
    expect(percentile(s, 0.95)).toBe(19); // rank 19
    expect(percentile(s, 0.99)).toBe(20); // rank ceil(19.8) = 20
    expect(percentile([], 0.5)).toBeNull();
    expect(summarize([5, 1, 3])).toMatchObject({ count: 3, min: 1, p50: 3, max: 5, mean: 3 });
  });
});
