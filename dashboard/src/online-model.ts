// What the online page shows of an analysis (POST /v1/online/analysis), computed apart from the
// page so it can be tested: one table row per metric and challenger, binary metrics in
// percentage points, and the always-valid interval's path as chart series.
import type { OnlineAnswer, OnlineComparison } from './api.ts';

export interface OnlineRow {
  metric: string;
  role: string;
  challenger: string;
  control: string;
  /** The control's and the challenger's value (proportion, mean, p95 or ratio), as shown. */
  controlValue: string;
  challengerValue: string;
  difference: string;
  fixedHorizon: string;
  sequential: string;
  decision: string;
  /** 'good' | 'bad' | '' — the decision's colour. */
  tone: string;
  /** Why the answer is withheld or to be read with care (the API's notes). */
  notes: string;
}

const isPp = (kind: string, statistic: string) => kind === 'binary' && statistic === 'mean';

/** Three significant digits (a proportion as a percentage, a difference of proportions in pp). */
export function shown(x: number | null | undefined, kind: 'value' | 'pp' | 'percent' | 'plain' = 'plain'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const v = kind === 'pp' || kind === 'percent' ? x * 100 : x;
  const digits = v === 0 ? 0 : Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))));
  const text = Number(v.toFixed(Math.min(digits, 10))).toLocaleString('en-US', { maximumFractionDigits: 10 });
  return kind === 'pp' ? `${v > 0 ? '+' : ''}${text} pp` : kind === 'percent' ? `${text}%` : text;
}

function interval(c: { interval: { lower: number | null; upper: number | null } } | null, pp: boolean, p: number | null | undefined): string {
  if (!c) return 'not enough data';
  const unit = pp ? 'pp' : 'plain';
  const strip = (s: string) => s.replace(/^\+/, '').replace(/ pp$/, '');
  return `${strip(shown(c.interval.lower, unit))} to ${strip(shown(c.interval.upper, unit))}${pp ? ' pp' : ''}, p ${p === null || p === undefined ? '–' : p < 0.0001 ? p.toExponential(1) : shown(p)}`;
}

function decision(role: string, c: OnlineComparison): { text: string; tone: string } {
  if (c.verdict === 'invalid data') return { text: 'invalid data', tone: 'bad' };
  if (c.guardrail) return { text: `guardrail ${c.guardrail.status}`, tone: c.guardrail.status === 'passed' ? 'good' : c.guardrail.status === 'failed' ? 'bad' : '' };
  if (role === 'guardrail') return { text: 'guardrail: not enough data', tone: '' };
  return { text: c.verdict, tone: c.verdict === 'better' ? 'good' : c.verdict === 'worse' || c.verdict === 'invalid data' ? 'bad' : '' };
}

export function onlineRows(a: OnlineAnswer): OnlineRow[] {
  return a.metrics.flatMap((m) =>
    m.comparisons.map((c) => {
      const pp = isPp(m.kind, m.statistic);
      const d = decision(m.role, c);
      return {
        metric: m.statistic === 'p95' ? `${m.name} p95` : m.name, role: m.role, challenger: c.variant, control: c.control,
        controlValue: shown(c.sides.control.value, pp ? 'percent' : 'plain'), challengerValue: shown(c.sides.variant.value, pp ? 'percent' : 'plain'),
        difference: shown(c.estimate, pp ? 'pp' : 'plain'), fixedHorizon: interval(c.fixedHorizon, pp, c.fixedHorizon?.pValue),
        sequential: c.sequential ? interval(c.sequential, pp, c.sequential.pValue) : m.statistic === 'p95' ? 'fixed-horizon only' : 'not enough data',
        decision: d.text, tone: d.tone, notes: c.notes.join('; '),
      };
    }));
}

/** The path of a comparison as chart series: time, the estimate and the always-valid bounds (scaled to pp for binary metrics). */
export function pathSeries(kind: string, statistic: string, c: OnlineComparison): { at: number[]; estimate: (number | null)[]; lower: (number | null)[]; upper: (number | null)[] } {
  const scale = isPp(kind, statistic) ? 100 : 1;
  const s = (x: number | null) => (x === null ? null : x * scale);
  return { at: c.path.map((p) => p.at), estimate: c.path.map((p) => s(p.estimate)), lower: c.path.map((p) => s(p.validLower)), upper: c.path.map((p) => s(p.validUpper)) };
}
