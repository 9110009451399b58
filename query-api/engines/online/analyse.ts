// One online experiment's answer from its rollups: per metric and per challenger against the
// control, the fixed-horizon test and the always-valid (sequential) interval with its path over
// time, CUPED where every record carried a covariate, guardrails judged against their
// non-inferiority margin, the sample-ratio check, and sentences. Pure: the route reads the rollups
// (storage/online.ts) and hands them here.
import { confidenceSequence, MIN_LOOK_N, type Look, type SequentialPoint } from './sequential.ts';
import { twoProportions, welch, zComparison, type Interval } from './fixed-horizon.ts';
import { addMoments, cupedAdjust, emptyMoments, varianceOf, type Moments, type SideEstimate } from './moments.ts';
import { quantileEstimate } from './quantile.ts';
import { ratioEstimate } from './ratio.ts';
import { sampleRatioCheck, SRM_ALPHA } from './srm.ts';
import { describeComparison, describeGuardrail, describeSrm } from './sentences.ts';
import type { Analysis, AnalysisOptions, BucketSums, Comparison, ExperimentSpec, MetricAnswer, MetricSpec, OutcomeData, SequentialAnswer, VariantSpec } from './types.ts';

export type * from './types.ts';

function cumulative(buckets: BucketSums[], metric: string, variant: string, ends: number[]): Moments[] {
  const own = new Map<number, Moments>();
  for (const b of buckets) if (b.metric === metric && b.variant === variant) own.set(b.end, addMoments(own.get(b.end) ?? emptyMoments(), b.moments));
  const out: Moments[] = [];
  let acc = emptyMoments();
  for (const end of ends) {
    const m = own.get(end);
    if (m) acc = addMoments(acc, m);
    out.push(acc);
  }
  return out;
}

/** The two sides as a comparison needs them, CUPED-adjusted when asked and possible. */
function sides(metric: MetricSpec, v: Moments, c: Moments, useCuped: boolean): { v: SideEstimate; c: SideEstimate; cuped: Comparison['cuped'] } {
  const plain = (m: Moments): SideEstimate => ({ n: m.n, mean: m.sum / m.n, variance: metric.kind === 'binary' ? binaryVariance(m) : varianceOf(m) });
  if (!useCuped) return { v: plain(v), c: plain(c), cuped: { applied: false, theta: null, varianceReduction: null, why: 'not asked' } };
  if (v.covN === 0 && c.covN === 0) return { v: plain(v), c: plain(c), cuped: { applied: false, theta: null, varianceReduction: null, why: 'no covariate logged' } };
  const adjusted = cupedAdjust([v, c]);
  if (!adjusted) return { v: plain(v), c: plain(c), cuped: { applied: false, theta: null, varianceReduction: null, why: 'some records lack a covariate, or it does not vary' } };
  const [av, ac] = adjusted.adjusted as [SideEstimate, SideEstimate];
  const pv = plain(v);
  const pc = plain(c);
  const before = pv.variance / pv.n + pc.variance / pc.n;
  const after = av.variance / av.n + ac.variance / ac.n;
  return { v: av, c: ac, cuped: { applied: true, theta: adjusted.theta, varianceReduction: before > 0 ? 1 - after / before : null, why: null } };
}

/** p(1 − p) with the sample proportion: the variance of one 0/1 value (what proportion tests use). */
function binaryVariance(m: Moments): number {
  const p = m.sum / m.n;
  return p * (1 - p);
}

/**
 * Which way a significant answer points, read from its interval (for the sequential answer, the
 * running intersection: its estimate may lie outside it). An empty intersection decides nothing.
 */
function verdictOf(metric: MetricSpec, answer: { significant: boolean; interval: Interval }): Comparison['verdict'] {
  const { lower, upper } = answer.interval;
  if (!answer.significant || !(lower <= upper)) return 'inconclusive';
  const sign = lower > 0 ? 1 : upper < 0 ? -1 : 0;
  if (sign === 0) return 'inconclusive';
  return (sign > 0) === (metric.better === 'higher') ? 'better' : 'worse';
}

/** Why an answer is withheld or to be read with care; empty when none. */
function notesOf(sequential: SequentialAnswer | null): string[] {
  const notes: string[] = [];
  if (sequential && sequential.interval.lower > sequential.interval.upper) {
    notes.push('the always-valid intervals of successive looks no longer overlap: the difference changed over time (novelty, a shift in traffic), so no constant effect fits and the always-valid answer decides nothing');
  }
  return notes;
}

/**
 * A binary metric's records must all be 0 or 1: with every value in [0, 1], y − y² ≥ 0, so
 * Σy² = Σy (exact for sums of 0s and 1s) holds only when each is 0 or 1.
 */
function allZeroOrOne(buckets: BucketSums[], metric: string, variants: string[]): boolean {
  let m = emptyMoments();
  for (const b of buckets) {
    if (b.metric !== metric || !variants.includes(b.variant)) continue;
    if (b.range && (b.range.min < 0 || b.range.max > 1)) return false;
    m = addMoments(m, b.moments);
  }
  return m.sumSq === m.sum;
}

/** The confidence sequence over a pair's looks (tuned to the pair's share of the planned size), and its answer at the last look. */
function alwaysValid(spec: ExperimentSpec, variant: VariantSpec, control: VariantSpec, looks: Look[]): { path: SequentialPoint[]; sequential: SequentialAnswer | null } {
  const path = confidenceSequence(looks, Math.max(1, spec.plannedSampleSize * (variant.weight + control.weight)), spec.alpha);
  const last = path.at(-1);
  const sequential: SequentialAnswer | null = last
    ? { method: 'normal-mixture confidence sequence (asymptotic, always valid)', estimate: last.estimate, interval: { lower: last.validLower, upper: last.validUpper, confidence: 1 - spec.alpha }, pValue: last.pValue, significant: last.pValue < spec.alpha, looks: path.length }
    : null;
  return { path, sequential };
}

/** Non-inferiority: the whole interval on the acceptable side of −margin (higher is better) or +margin (lower is better). */
function guardrailStatus(metric: MetricSpec, interval: Interval): 'passed' | 'failed' | 'inconclusive' {
  const margin = metric.margin ?? 0;
  if (!(interval.lower <= interval.upper)) return 'inconclusive';
  if (metric.better === 'lower') return interval.upper < margin ? 'passed' : interval.lower > margin ? 'failed' : 'inconclusive';
  return interval.lower > -margin ? 'passed' : interval.upper < -margin ? 'failed' : 'inconclusive';
}

function compareMeans(spec: ExperimentSpec, metric: MetricSpec, variant: VariantSpec, control: VariantSpec, data: OutcomeData, ends: number[], opts: Required<AnalysisOptions>): Comparison {
  const vPath = cumulative(data.buckets, metric.name, variant.name, ends);
  const cPath = cumulative(data.buckets, metric.name, control.name, ends);
  const v = vPath.at(-1) ?? emptyMoments();
  const c = cPath.at(-1) ?? emptyMoments();
  const base = { variant: variant.name, control: control.name, sides: { variant: { variant: variant.name, n: v.n, value: v.sum / v.n }, control: { variant: control.name, n: c.n, value: c.sum / c.n } } };
  if (v.n < 2 || c.n < 2) {
    const none: Comparison = { ...base, estimate: NaN, relative: null, fixedHorizon: null, sequential: null, cuped: { applied: false, theta: null, varianceReduction: null, why: 'not enough data' }, verdict: 'not enough data', guardrail: null, path: [], notes: [], sentence: '' };
    none.sentence = metric.role === 'guardrail' ? describeGuardrail(metric, variant, control, none) : describeComparison(metric, variant, control, none, opts.basis, 0);
    return none;
  }
  if (metric.kind === 'binary' && !allZeroOrOne(data.buckets, metric.name, [variant.name, control.name])) {
    const why = `${metric.name} is declared binary but not all its values are 0 or 1: its answers are withheld (declare it continuous, or log 0 and 1)`;
    return { ...base, estimate: NaN, relative: null, fixedHorizon: null, sequential: null, cuped: { applied: false, theta: null, varianceReduction: null, why: 'withheld' }, verdict: 'invalid data', guardrail: null, path: [], notes: [why], sentence: why };
  }
  const s = sides(metric, v, c, opts.cuped);
  const fixedHorizon = metric.kind === 'binary' && !s.cuped.applied
    ? twoProportions({ successes: v.sum, n: v.n }, { successes: c.sum, n: c.n }, spec.alpha)
    : metric.kind === 'binary'
      ? zComparison(s.v.mean - s.c.mean, Math.sqrt(s.v.variance / s.v.n + s.c.variance / s.c.n), spec.alpha)
      : welch(s.v, s.c, spec.alpha);
  // The looks: each bucket's end with enough data on both sides (CUPED's θ re-estimated at each).
  const looks: Look[] = [];
  for (let i = 0; i < ends.length; i++) {
    const lv = vPath[i]!;
    const lc = cPath[i]!;
    if (lv.n < MIN_LOOK_N || lc.n < MIN_LOOK_N) continue;
    const ls = sides(metric, lv, lc, opts.cuped && s.cuped.applied);
    const variance = ls.v.variance / ls.v.n + ls.c.variance / ls.c.n;
    if (!(variance > 0)) continue;
    looks.push({ at: ends[i]!, n: lv.n + lc.n, estimate: ls.v.mean - ls.c.mean, variance });
  }
  const { path, sequential } = alwaysValid(spec, variant, control, looks);
  const estimate = s.v.mean - s.c.mean;
  const decided = opts.basis === 'sequential' ? sequential : fixedHorizon;
  const out: Comparison = {
    ...base, estimate, relative: base.sides.control.value !== 0 ? estimate / base.sides.control.value : null, fixedHorizon, sequential, cuped: s.cuped,
    verdict: decided ? verdictOf(metric, decided) : 'not enough data',
    guardrail: metric.role === 'guardrail' && decided ? { margin: metric.margin ?? 0, status: guardrailStatus(metric, decided.interval), basis: opts.basis } : null,
    path, notes: notesOf(sequential), sentence: '',
  };
  out.sentence = metric.role === 'guardrail' ? describeGuardrail(metric, variant, control, out) : describeComparison(metric, variant, control, out, opts.basis, v.n + c.n);
  return out;
}

function compareQuantiles(spec: ExperimentSpec, metric: MetricSpec, variant: VariantSpec, control: VariantSpec, data: OutcomeData): Comparison {
  const hist = (name: string) => data.histograms.find((h) => h.metric === metric.name && h.variant === name)?.histogram ?? { values: [], counts: [] };
  const qv = quantileEstimate(hist(variant.name), 0.95, spec.alpha);
  const qc = quantileEstimate(hist(control.name), 0.95, spec.alpha);
  const base = { variant: variant.name, control: control.name, sides: { variant: { variant: variant.name, n: qv.n, value: qv.value }, control: { variant: control.name, n: qc.n, value: qc.value } } };
  const cuped = { applied: false, theta: null, varianceReduction: null, why: 'quantiles are not adjusted' };
  if (qv.n < MIN_LOOK_N || qc.n < MIN_LOOK_N || !(qv.variance + qc.variance > 0)) {
    const none: Comparison = { ...base, estimate: NaN, relative: null, fixedHorizon: null, sequential: null, cuped, verdict: 'not enough data', guardrail: null, path: [], notes: [], sentence: '' };
    none.sentence = describeGuardrail(metric, variant, control, none);
    return none;
  }
  const estimate = qv.value - qc.value;
  const fixedHorizon = zComparison(estimate, Math.sqrt(qv.variance + qc.variance), spec.alpha);
  const out: Comparison = {
    ...base, estimate, relative: qc.value !== 0 ? estimate / qc.value : null, fixedHorizon, sequential: null, cuped,
    verdict: verdictOf(metric, fixedHorizon),
    guardrail: metric.role === 'guardrail' ? { margin: metric.margin ?? 0, status: guardrailStatus(metric, fixedHorizon.interval), basis: 'fixedHorizon' } : null,
    path: [], notes: [], sentence: '',
  };
  out.sentence = describeGuardrail(metric, variant, control, out);
  return out;
}

function compareRatios(spec: ExperimentSpec, metric: MetricSpec, variant: VariantSpec, control: VariantSpec, data: OutcomeData, opts: Required<AnalysisOptions>): Comparison {
  const looksOf = (name: string) => new Map((data.unitLooks ?? []).filter((l) => l.metric === metric.name && l.variant === name).map((l) => [l.end, l.sums]));
  const vLooks = looksOf(variant.name);
  const cLooks = looksOf(control.name);
  const ends = [...new Set([...vLooks.keys(), ...cLooks.keys()])].sort((a, b) => a - b);
  const empty = { units: 0, sumY: 0, sumYY: 0, sumN: 0, sumNN: 0, sumYN: 0 };
  const v = vLooks.get(ends.at(-1)!) ?? empty;
  const c = cLooks.get(ends.at(-1)!) ?? empty;
  const ev = ratioEstimate(v);
  const ec = ratioEstimate(c);
  const base = { variant: variant.name, control: control.name, sides: { variant: { variant: variant.name, n: v.units, value: ev.ratio }, control: { variant: control.name, n: c.units, value: ec.ratio } } };
  const cuped = { applied: false, theta: null, varianceReduction: null, why: 'ratio metrics are not adjusted' };
  if (!Number.isFinite(ev.variance) || !Number.isFinite(ec.variance)) {
    const none: Comparison = { ...base, estimate: NaN, relative: null, fixedHorizon: null, sequential: null, cuped, verdict: 'not enough data', guardrail: null, path: [], notes: [], sentence: '' };
    none.sentence = metric.role === 'guardrail' ? describeGuardrail(metric, variant, control, none) : `${describeComparison(metric, variant, control, none, opts.basis, 0)} (a ratio metric needs its records kept per unit: log it with perUnit)`;
    return none;
  }
  const estimate = ev.ratio - ec.ratio;
  const fixedHorizon = zComparison(estimate, Math.sqrt(ev.variance + ec.variance), spec.alpha);
  const looks: Look[] = [];
  for (const end of ends) {
    const lv = vLooks.get(end);
    const lc = cLooks.get(end);
    if (!lv || !lc || lv.units < MIN_LOOK_N || lc.units < MIN_LOOK_N) continue;
    const a = ratioEstimate(lv);
    const b = ratioEstimate(lc);
    const variance = a.variance + b.variance;
    if (variance > 0) looks.push({ at: end, n: lv.units + lc.units, estimate: a.ratio - b.ratio, variance });
  }
  const { path, sequential } = alwaysValid(spec, variant, control, looks);
  const decided = opts.basis === 'sequential' ? sequential : fixedHorizon;
  const out: Comparison = {
    ...base, estimate, relative: ec.ratio !== 0 ? estimate / ec.ratio : null, fixedHorizon, sequential, cuped,
    verdict: decided ? verdictOf(metric, decided) : 'not enough data',
    guardrail: metric.role === 'guardrail' && decided ? { margin: metric.margin ?? 0, status: guardrailStatus(metric, decided.interval), basis: opts.basis } : null,
    path, notes: notesOf(sequential), sentence: '',
  };
  out.sentence = metric.role === 'guardrail' ? describeGuardrail(metric, variant, control, out) : describeComparison(metric, variant, control, out, opts.basis, v.units + c.units, 'units');
  return out;
}

export function analyseExperiment(spec: ExperimentSpec, data: OutcomeData, options: AnalysisOptions = {}): Analysis {
  const opts: Required<AnalysisOptions> = { basis: options.basis ?? 'sequential', cuped: options.cuped ?? true };
  const ends = [...new Set(data.buckets.map((b) => b.end))].sort((a, b) => a - b);
  const control = spec.variants.find((v) => v.name === spec.control)!;
  const challengers = spec.variants.filter((v) => v.name !== spec.control);
  const exposures: Record<string, number> = {};
  for (const v of spec.variants) exposures[v.name] = 0;
  for (const b of data.buckets) if (b.metric === '' && b.variant in exposures) exposures[b.variant]! += b.moments.n;
  const units: Record<string, number> = {};
  for (const v of spec.variants) units[v.name] = data.exposedUnits ? data.exposedUnits.perVariant[v.name] ?? 0 : exposures[v.name]!;
  const memberships = Object.values(units).reduce((a, b) => a + b, 0);
  const unitsTotal = data.exposedUnits ? data.exposedUnits.total : memberships;
  const srmResult = sampleRatioCheck(spec.variants.map((v) => units[v.name]!), spec.variants.map((v) => v.weight));
  const srm = srmResult
    ? { ...srmResult, counts: units, threshold: SRM_ALPHA, message: describeSrm(srmResult, spec.variants) }
    : { mismatch: false as const, threshold: SRM_ALPHA, message: 'SRM check not run: no exposures logged (log them with the SDK\'s expose)' };
  const metrics: MetricAnswer[] = spec.metrics.map((metric) => ({
    ...metric,
    comparisons: challengers.map((variant) =>
      metric.statistic === 'p95' ? compareQuantiles(spec, metric, variant, control, data)
        : metric.kind === 'ratio' ? compareRatios(spec, metric, variant, control, data, opts)
          : compareMeans(spec, metric, variant, control, data, ends, opts)),
  }));
  const parts: string[] = [];
  for (const variant of challengers) {
    const primary = metrics.filter((m) => m.role === 'primary').map((m) => m.comparisons.find((c) => c.variant === variant.name)!.sentence);
    const guards = metrics.filter((m) => m.role === 'guardrail').map((m) => m.comparisons.find((c) => c.variant === variant.name)!.sentence);
    parts.push([...primary, ...guards].join('; '));
  }
  const declaredVariants = new Set(spec.variants.map((v) => v.name));
  const declaredMetrics = new Set(spec.metrics.map((m) => m.name));
  const strayVariants = [...new Set(data.buckets.map((b) => b.variant).filter((v) => !declaredVariants.has(v)))].sort();
  const strayMetrics = [...new Set(data.buckets.map((b) => b.metric).filter((m) => m !== '' && !declaredMetrics.has(m)))].sort();
  const warnings: string[] = [];
  const some = (names: string[]) => (names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', '));
  if (strayVariants.length > 0) warnings.push(`outcomes name variants the experiment does not declare, left out: ${some(strayVariants)}`);
  if (strayMetrics.length > 0) warnings.push(`outcomes name metrics the experiment does not declare, left out: ${some(strayMetrics)}`);
  // Σ per variant − all together: with two variants the units exposed to both; with more, a unit in k variants counts k − 1.
  const crossed = memberships - unitsTotal;
  if (crossed > 0) {
    const what = spec.variants.length === 2 ? `${crossed.toLocaleString('en-US')} unit${crossed === 1 ? ' was' : 's were'} exposed to more than one variant` : `units were exposed to more than one variant, ${crossed.toLocaleString('en-US')} times beyond each one's first`;
    warnings.push(`${what} (is the assignment sticky? do unit ids collide?): each counts in every variant it saw`);
  }
  let summary = parts.join('. ');
  summary = srm.mismatch ? `${srm.message}. ${summary}` : `${summary}; ${srm.message}`;
  if (warnings.length > 0) summary += `. Warning: ${warnings.join('; ')}`;
  return { basis: opts.basis, alpha: spec.alpha, srm, exposures, units, unitsTotal, metrics, warnings, summary };
}
