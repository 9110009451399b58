// The sentences of an online answer, as the offline statistics give them: what the challenger
// does to a metric, by how much, with which interval, after how much traffic; guardrails against
// their margin; the sample-ratio check. Binary metrics speak in percentage points.
import type { Comparison, DecisionBasis, MetricSpec, VariantSpec } from './types.ts';
import type { SrmResult } from './srm.ts';

/** Three significant digits, without trailing zeros or exponent for everyday sizes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 12))).toLocaleString('en-US', { maximumFractionDigits: 12 });
}

const formatP = (p: number) => (p < 0.0001 ? p.toExponential(1) : formatNumber(p));
const inUnits = (metric: MetricSpec, x: number) => (metric.kind === 'binary' && metric.statistic === 'mean' ? `${formatNumber(x * 100)} pp` : formatNumber(x));
const percent = (x: number) => `${formatNumber(Math.round(x * 1000) / 10)}%`;

function intervalText(metric: MetricSpec, lower: number, upper: number, confidence: number, kind: string): string {
  const bound = (x: number) => (metric.kind === 'binary' && metric.statistic === 'mean' ? formatNumber(x * 100) : formatNumber(x));
  return `${percent(confidence)} ${kind} CI ${bound(lower)} to ${bound(upper)}${metric.kind === 'binary' && metric.statistic === 'mean' ? ' pp' : ''}`;
}

export function describeComparison(metric: MetricSpec, variant: VariantSpec, control: VariantSpec, c: Comparison, basis: DecisionBasis, n: number, noun = 'observations'): string {
  if (c.verdict === 'not enough data') return `${variant.label} vs ${control.label}: not enough data on ${metric.name} yet`;
  const answer = basis === 'sequential' ? c.sequential! : c.fixedHorizon!;
  const kind = basis === 'sequential' ? 'always-valid' : 'fixed-horizon';
  const ci = intervalText(metric, answer.interval.lower, answer.interval.upper, answer.interval.confidence, kind);
  const adjusted = c.cuped.applied ? ', CUPED-adjusted' : '';
  const after = `after ${n.toLocaleString('en-US')} ${noun}`;
  if (c.notes.length > 0 && c.verdict === 'inconclusive') return `${variant.label} against ${control.label} on ${metric.name}: ${c.notes[0]} (${ci}) ${after}`;
  if (c.verdict === 'inconclusive') return `${variant.label} shows no detectable change in ${metric.name} against ${control.label}: ${c.estimate >= 0 ? '+' : ''}${inUnits(metric, c.estimate)} (${ci}${adjusted}, p = ${formatP(answer.pValue)}) ${after}`;
  // The direction is the interval's (it excludes 0 on one side); the latest estimate may lie outside an always-valid interval.
  const up = answer.interval.lower > 0;
  const verb = up ? 'raises' : 'lowers';
  if ((c.estimate > 0) !== up) return `${variant.label} ${verb} ${metric.name} against ${control.label} (${ci}${adjusted}) ${after}; the latest estimate, ${inUnits(metric, c.estimate)}, lies outside that interval`;
  return `${variant.label} ${verb} ${metric.name} by ${inUnits(metric, Math.abs(c.estimate))} against ${control.label} (${ci}${adjusted}) ${after}`;
}

export function describeGuardrail(metric: MetricSpec, variant: VariantSpec, control: VariantSpec, c: Comparison): string {
  const what = `guardrail ${metric.name}${metric.statistic === 'p95' ? ' p95' : ''}`;
  if (!c.guardrail) return `${what}: not enough data yet`;
  const answer = c.guardrail.basis === 'sequential' ? c.sequential! : c.fixedHorizon!;
  const kind = c.guardrail.basis === 'sequential' ? 'always-valid' : 'fixed-horizon';
  const worse = metric.better === 'lower' ? 'higher' : 'lower';
  const status = c.guardrail.status === 'passed' ? 'passed' : c.guardrail.status === 'failed' ? 'FAILED' : 'not yet decided';
  return `${what} ${status} for ${variant.label}: ${c.estimate >= 0 ? '+' : ''}${inUnits(metric, c.estimate)} (${intervalText(metric, answer.interval.lower, answer.interval.upper, answer.interval.confidence, kind)}), at most ${inUnits(metric, c.guardrail.margin)} ${worse} allowed`;
}

export function describeSrm(srm: SrmResult, variants: VariantSpec[]): string {
  const split = variants.map((v, i) => `${v.label} ${srm.observed[i]!.toLocaleString('en-US')}`).join(', ');
  if (srm.mismatch) {
    const expected = variants.map((v, i) => `${v.label} ${Math.round(srm.expected[i]!).toLocaleString('en-US')}`).join(', ');
    return `SAMPLE RATIO MISMATCH: units exposed ${split} against the expected ${expected} (chi-square p = ${formatP(srm.pValue)}); the assignment or the logging is broken, do not trust these results`;
  }
  return `SRM check passed (p = ${formatP(srm.pValue)})`;
}
