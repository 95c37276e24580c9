/**
 * A dependency-free SVG of a stress report: one row (`<g class="family">`) per family with the
 * prove and verify latency distributions (every sample as a dot, box p50-p95, whiskers min-max,
 * tick at p99, dashed line at the p95 threshold) on shared log10 axes, and the median proof size
 * as a bar. Successor of the plots of the runbook's scripts/analyze_simnet.py; no Plonky3
 * counterpart. Invariant: the output is a standalone SVG 1.1 document with escaped text.
 */
import type { FamilyReport, StressReport } from './report.ts';

const ROW = 44;
const TOP = 70;
const LABEL_W = 170;
const PANEL_W = 300;
const GAP = 20;
const SIZE_W = 170;
const WIDTH = LABEL_W + 2 * PANEL_W + 3 * GAP + SIZE_W + 10;

/**
 * Escapes text for SVG content and attributes.
 * @param s raw text
 * @returns escaped text
 */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f1 = (v: number): string => (Math.round(v * 10) / 10).toString();

interface LogAxis {
  readonly lo: number;
  readonly hi: number;
  x(v: number): number;
}

function logAxis(values: readonly number[], x0: number): LogAxis {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = 10 ** Math.floor(Math.log10(pos.length ? Math.min(...pos) : 1));
  const hi = 10 ** Math.ceil(Math.log10(pos.length ? Math.max(...pos) : 10));
  const span = Math.max(Math.log10(hi) - Math.log10(lo), 1);
  return {
    lo,
    hi: Math.max(hi, lo * 10),
    x: (v: number): number => x0 + (PANEL_W * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / span,
  };
}

function axisSvg(a: LogAxis, title: string, x0: number, height: number): string {
  const parts = [`<text x="${x0}" y="${TOP - 30}" class="h">${escapeXml(title)}</text>`];
  for (let t = a.lo; t <= a.hi * 1.0001; t *= 10) {
    const x = f1(a.x(t));
    const label = t >= 1000 ? `${t / 1000} s` : t >= 1 ? `${t} ms` : `${t.toPrecision(1)} ms`;
    const anchor =
      t === a.lo ? ' style="text-anchor:start"' : t * 10 > a.hi * 1.0001 ? ' style="text-anchor:end"' : '';
    parts.push(`<line x1="${x}" y1="${TOP - 12}" x2="${x}" y2="${TOP + height}" class="grid"/>`);
    parts.push(`<text x="${x}" y="${TOP - 16}" class="tick"${anchor}>${label}</text>`);
  }
  return parts.join('');
}

function distSvg(
  a: LogAxis,
  samples: readonly number[],
  s: FamilyReport['proveMs'],
  threshold: number | undefined,
  cy: number,
): string {
  if (s.count === 0 || s.min === null || s.max === null || s.p50 === null || s.p95 === null || s.p99 === null)
    return `<text x="${f1(a.x(a.lo) + 4)}" y="${cy + 4}" class="small">no samples</text>`;
  const parts: string[] = [];
  parts.push(`<line x1="${f1(a.x(s.min))}" y1="${cy}" x2="${f1(a.x(s.max))}" y2="${cy}" class="whisker"/>`);
  const bx = a.x(s.p50);
  parts.push(
    `<rect x="${f1(bx)}" y="${cy - 7}" width="${f1(Math.max(a.x(s.p95) - bx, 1.5))}" height="14" class="box"/>`,
  );
  parts.push(`<line x1="${f1(bx)}" y1="${cy - 9}" x2="${f1(bx)}" y2="${cy + 9}" class="median"/>`);
  parts.push(
    `<line x1="${f1(a.x(s.p99))}" y1="${cy - 6}" x2="${f1(a.x(s.p99))}" y2="${cy + 6}" class="p99"/>`,
  );
  for (let i = 0; i < samples.length; i++) {
    const jitter = ((i * 7919) % 13) - 6; // deterministic vertical spread within the row
    parts.push(`<circle cx="${f1(a.x(samples[i]))}" cy="${cy + jitter * 1.2 + 0.5}" r="1.8" class="dot"/>`);
  }
  if (threshold !== undefined) {
    const tx = f1(a.x(Math.min(threshold, a.hi)));
    parts.push(`<line x1="${tx}" y1="${cy - 14}" x2="${tx}" y2="${cy + 14}" class="limit"/>`);
  }
  parts.push(
    `<title>p50 ${f1(s.p50)} ms, p95 ${f1(s.p95)} ms, p99 ${f1(s.p99)} ms, n=${s.count}${threshold === undefined ? '' : `, p95 limit ${threshold} ms`}</title>`,
  );
  return `<g>${parts.join('')}</g>`;
}

/**
 * Renders the report as an SVG document.
 * @param r the stress report
 * @returns the SVG text
 * @example
 * writeFileSync('report.svg', renderReportSvg(report));
 */
export function renderReportSvg(r: StressReport): string {
  const fams = r.families;
  const height = fams.length * ROW;
  const xProve = LABEL_W + GAP;
  const xVerify = xProve + PANEL_W + GAP;
  const xSize = xVerify + PANEL_W + GAP;
  const proveAxis = logAxis(
    fams.flatMap((f) => [...f.samples.proveMs, f.thresholds.proveP95Ms ?? 0]),
    xProve,
  );
  const verifyAxis = logAxis(
    fams.flatMap((f) => [...f.samples.verifyMs, f.thresholds.verifyP95Ms ?? 0]),
    xVerify,
  );
  const maxSize = Math.max(1, ...fams.map((f) => f.proofBytes.max ?? 0));
  const total = TOP + height + 70 + (r.verdict.pass ? 0 : 16 * r.verdict.reasons.length);
  const t = r.tamper;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${total}" viewBox="0 0 ${WIDTH} ${total}" font-family="sans-serif">`,
  );
  out.push(
    '<style>.h{font-size:13px;font-weight:bold}.tick{font-size:10px;text-anchor:middle;fill:#555}.small{font-size:10px;fill:#555}.lbl{font-size:12px}.grid{stroke:#ddd}.whisker{stroke:#888}.box{fill:#9ecae1;stroke:#3182bd}.median{stroke:#08519c;stroke-width:2}.p99{stroke:#de2d26;stroke-width:2}.dot{fill:#08306b;fill-opacity:0.5}.limit{stroke:#e6550d;stroke-dasharray:3 2;stroke-width:1.5}.bar{fill:#a1d99b;stroke:#31a354}.pass{fill:#31a354}.fail{fill:#de2d26}</style>',
  );
  out.push(`<rect width="${WIDTH}" height="${total}" fill="white"/>`);
  out.push(
    `<text x="10" y="18" class="h">${escapeXml(`${r.scenario.name}: preset ${r.scenario.preset}, ${r.provers.size} ${r.provers.kind} provers, ${r.machine.cpuModel} x${r.machine.cores}, git ${r.machine.git}`)}</text>`,
  );
  out.push(axisSvg(proveAxis, 'prove latency (log scale)', xProve, height));
  out.push(axisSvg(verifyAxis, 'verify latency (log scale)', xVerify, height));
  out.push(`<text x="${xSize}" y="${TOP - 30}" class="h">proof size (median)</text>`);
  fams.forEach((f, i) => {
    const y = TOP + i * ROW;
    const cy = y + ROW / 2;
    const g: string[] = [];
    g.push(`<g class="family" data-family="${escapeXml(f.name)}">`);
    g.push(`<text x="10" y="${cy - 2}" class="lbl">${escapeXml(f.name)}</text>`);
    g.push(
      `<text x="10" y="${cy + 12}" class="small">${escapeXml(`2^${f.logRows} rows, ${f.proofs} proofs, ${f.failures} failed`)}</text>`,
    );
    g.push(distSvg(proveAxis, f.samples.proveMs, f.proveMs, f.thresholds.proveP95Ms, cy));
    g.push(distSvg(verifyAxis, f.samples.verifyMs, f.verifyMs, f.thresholds.verifyP95Ms, cy));
    const bytes = f.proofBytes.p50 ?? 0;
    const w = ((SIZE_W - 60) * bytes) / maxSize;
    g.push(`<rect x="${xSize}" y="${cy - 7}" width="${f1(Math.max(w, 1))}" height="14" class="bar"/>`);
    g.push(`<text x="${f1(xSize + w + 4)}" y="${cy + 4}" class="small">${f1(bytes / 1024)} KiB</text>`);
    g.push('</g>');
    out.push(g.join(''));
  });
  const vy = TOP + height + 34;
  out.push(
    `<text x="${WIDTH - 10}" y="${TOP + height + 14}" class="small" style="text-anchor:end">box p50-p95, red tick p99, whiskers min-max, dashed p95 limit</text>`,
  );
  out.push(
    `<text x="10" y="${vy}" class="lbl">${escapeXml(`tamper: ${t.attempts} attempts, ${t.rejected} rejected, ${t.accepted} accepted, ${t.internal} internal invariants`)}</text>`,
  );
  const verdict = r.verdict.pass ? ['PASS'] : ['FAIL', ...r.verdict.reasons.map((x) => `- ${x}`)];
  verdict.forEach((line, i) => {
    out.push(
      `<text x="10" y="${vy + 20 + 16 * i}" class="${i === 0 ? 'h ' : 'lbl '}${r.verdict.pass ? 'pass' : 'fail'}">${escapeXml(line)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
