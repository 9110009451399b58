// Fixed values of the online engine's parts: the confidence sequence's width at the planned size
// and its p-value's duality with it, a sample quantile's variance, the verdict read from the
// interval, guardrails both ways, withheld binary answers, undeclared names and the sentences.
import { describe, expect, it } from 'vitest';
import { analyseExperiment, type BucketSums, type ExperimentSpec, type MetricSpec } from './analyse.ts';
import { emptyMoments, type Moments } from './moments.ts';
import { quantileEstimate } from './quantile.ts';
import { confidenceSequence, mixtureLook, mixtureRho2 } from './sequential.ts';
import { formatNumber } from './sentences.ts';

describe('the confidence sequence', () => {
  it('is 3.035·√V wide at the planned size (α = 0.05), and its p-value is α exactly at its edge', () => {
    const rho2 = mixtureRho2(10_000, 0.05);
    const { halfWidth } = mixtureLook(0, 4e-4, 10_000, rho2, 0.05);
    expect(halfWidth / Math.sqrt(4e-4)).toBeCloseTo(3.035, 3);
    expect(mixtureLook(halfWidth, 4e-4, 10_000, rho2, 0.05).pValue).toBeCloseTo(0.05, 12);
  });

  it('keeps the running intersection and the smallest p-value', () => {
    const path = confidenceSequence([{ at: 1, n: 1_000, estimate: 0.5, variance: 0.01 }, { at: 2, n: 2_000, estimate: 0.1, variance: 0.005 }], 2_000, 0.05);
    expect(path[1]!.validLower).toBe(Math.max(path[0]!.lower, path[1]!.lower));
    expect(path[1]!.validUpper).toBe(Math.min(path[0]!.upper, path[1]!.upper));
    expect(path[1]!.pValue).toBe(Math.min(mixtureLook(0.5, 0.01, 1_000, mixtureRho2(2_000, 0.05), 0.05).pValue, mixtureLook(0.1, 0.005, 2_000, mixtureRho2(2_000, 0.05), 0.05).pValue));
  });
});

describe('quantileEstimate', () => {
  it('gives the p95 and about the large-sample variance p(1 − p) / (n f(q)²) on a logistic sample', () => {
    // 200,001 draws of the logistic with variance 1 (scale s = √3/π), by inverting its CDF: q95 = s·ln 19, f(q95) = 0.05·0.95/s.
    const n = 200_001;
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < n; i++) {
      seed = (seed * 16807) % 2147483647;
      const u = (seed - 0.5) / 2147483647;
      values.push(Math.log(u / (1 - u)) * (Math.sqrt(3) / Math.PI));
    }
    values.sort((a, b) => a - b);
    const q = quantileEstimate({ values, counts: values.map(() => 1) }, 0.95, 0.05);
    const s = Math.sqrt(3) / Math.PI;
    expect(q.value).toBeCloseTo(s * Math.log(19), 2);
    const theory = (0.95 * 0.05) / (n * ((0.05 * 0.95) / s) ** 2);
    expect(q.variance / theory).toBeGreaterThan(0.8);
    expect(q.variance / theory).toBeLessThan(1.25);
  });

  it('never claims more certainty than the histogram resolves: values in one bin get a bin-wide spread', () => {
    const q = quantileEstimate({ values: [100], counts: [5_000], relativeError: 0.005 }, 0.95, 0.05);
    expect(q.variance).toBeGreaterThan(0);
  });
});

const moments = (values: number[]): Moments => {
  const m = emptyMoments();
  for (const y of values) {
    m.n++;
    m.sum += y;
    m.sumSq += y * y;
  }
  return m;
};
const spec = (metric: MetricSpec): ExperimentSpec => ({
  variants: [{ name: 'a', weight: 0.5, label: 'v1' }, { name: 'b', weight: 0.5, label: 'v2' }], control: 'a', metrics: [metric], alpha: 0.05, plannedSampleSize: 4_000,
});
const repeat = (pattern: number[], n: number) => Array.from({ length: n }, (_, i) => pattern[i % pattern.length]!);

describe('analyseExperiment', () => {
  const lower: MetricSpec = { name: 'latency', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'mean', margin: 1 };
  const buckets = (a: number[], b: number[], extra: BucketSums[] = []): BucketSums[] => [
    { metric: lower.name, variant: 'a', end: 1, moments: moments(a) }, { metric: lower.name, variant: 'b', end: 1, moments: moments(b) }, ...extra,
  ];

  it('lowers: a challenger clearly slower fails a lower-is-better guardrail, one clearly faster passes', () => {
    const slow = analyseExperiment(spec(lower), { buckets: buckets(repeat([10, 12], 2_000), repeat([15, 17], 2_000)), histograms: [] }).metrics[0]!.comparisons[0]!;
    expect(slow.guardrail).toMatchObject({ status: 'failed' });
    expect(slow.verdict).toBe('worse');
    expect(slow.sentence).toMatch(/^guardrail latency FAILED for v2: \+5 \(95% always-valid CI [\d.]+ to [\d.]+\), at most 1 higher allowed$/);
    const fast = analyseExperiment(spec(lower), { buckets: buckets(repeat([10, 12], 2_000), repeat([7, 9], 2_000)), histograms: [] }).metrics[0]!.comparisons[0]!;
    expect(fast.guardrail).toMatchObject({ status: 'passed' });
    expect(fast.verdict).toBe('better');
    const higher: MetricSpec = { ...lower, name: 'revenue', better: 'higher', margin: 1 };
    const cheaper = analyseExperiment(spec(higher), { buckets: buckets(repeat([10, 12], 2_000), repeat([7, 9], 2_000)).map((b) => ({ ...b, metric: 'revenue' })), histograms: [] }).metrics[0]!.comparisons[0]!;
    expect(cheaper.guardrail).toMatchObject({ status: 'failed' });
  });

  it('says "lowers" for a primary metric that went down, in pp for a binary one', () => {
    const conversion: MetricSpec = { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null };
    const c = analyseExperiment(spec(conversion), { buckets: buckets(repeat([1, 0, 0, 0], 4_000), repeat([1, 0, 0, 0, 0, 0, 0, 0], 4_000)).map((b) => ({ ...b, metric: 'conversion' })), histograms: [] }).metrics[0]!.comparisons[0]!;
    expect(c.verdict).toBe('worse');
    expect(c.sentence).toMatch(/^v2 lowers conversion by 12\.5 pp against v1 \(95% always-valid CI -[\d.]+ to -[\d.]+ pp\) after 8,000 observations$/);
  });

  it('withholds a binary metric whose values are not all 0 or 1', () => {
    const conversion: MetricSpec = { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null };
    const c = analyseExperiment(spec(conversion), { buckets: buckets(repeat([1, 0, 2], 300), repeat([1, 0], 300)).map((b) => ({ ...b, metric: 'conversion' })), histograms: [] }).metrics[0]!.comparisons[0]!;
    expect(c.verdict).toBe('invalid data');
    expect(c.fixedHorizon).toBeNull();
    expect(c.notes[0]).toMatch(/declared binary but not all its values are 0 or 1/);
  });

  it('names outcomes of variants and metrics the experiment does not declare', () => {
    const a = analyseExperiment(spec(lower), { buckets: buckets(repeat([1, 2], 200), repeat([1, 2], 200), [{ metric: 'latncy', variant: 'c', end: 1, moments: moments([1]) }]), histograms: [] });
    expect(a.warnings).toEqual(['outcomes name variants the experiment does not declare, left out: c', 'outcomes name metrics the experiment does not declare, left out: latncy']);
    expect(a.summary).toMatch(/Warning: outcomes name variants/);
  });

  it('checks the split on distinct units, not on exposures, and names units seen in several variants', () => {
    // The challenger's users come back twice as often: 2,000 units a side, 2,000 against 4,000 exposures.
    const exposed = [{ metric: '', variant: 'a', end: 1, moments: moments(repeat([0], 2_000)) }, { metric: '', variant: 'b', end: 1, moments: moments(repeat([0], 4_000)) }];
    const data = { buckets: buckets(repeat([1, 2], 2_000), repeat([1, 2], 2_000), exposed), histograms: [] };
    const onExposures = analyseExperiment(spec(lower), data);
    expect(onExposures.srm.mismatch).toBe(true);
    const onUnits = analyseExperiment(spec(lower), { ...data, exposedUnits: { perVariant: { a: 2_000, b: 2_000 }, total: 3_997 } });
    expect(onUnits.srm).toMatchObject({ mismatch: false, chiSquare: 0, counts: { a: 2_000, b: 2_000 } });
    expect(onUnits.exposures).toEqual({ a: 2_000, b: 4_000 });
    expect(onUnits.units).toEqual({ a: 2_000, b: 2_000 });
    expect(onUnits.unitsTotal).toBe(3_997);
    expect(onExposures.unitsTotal).toBe(6_000);
    expect(onUnits.warnings).toEqual(['3 units were exposed to more than one variant (is the assignment sticky? do unit ids collide?): each counts in every variant it saw']);
    const skewed = analyseExperiment(spec(lower), { ...data, exposedUnits: { perVariant: { a: 2_000, b: 2_400 }, total: 4_400 } });
    expect(skewed.srm.message).toMatch(/^SAMPLE RATIO MISMATCH: units exposed v1 2,000, v2 2,400 against the expected v1 2,200, v2 2,200/);
    expect(skewed.warnings).toEqual([]);
    const three = { ...spec(lower), variants: [...spec(lower).variants.map((v) => ({ ...v, weight: 1 / 3 })), { name: 'c', weight: 1 / 3, label: 'v3' }] };
    const crossed = analyseExperiment(three, { ...data, exposedUnits: { perVariant: { a: 2_000, b: 2_000, c: 2_000 }, total: 5_996 } });
    expect(crossed.warnings).toEqual(["units were exposed to more than one variant, 4 times beyond each one's first (is the assignment sticky? do unit ids collide?): each counts in every variant it saw"]);
  });

  it('answers "not enough data" for every kind of metric before any outcome arrives, every side with its value', () => {
    const exposed = [{ metric: '', variant: 'a', end: 1, moments: moments([0, 0]) }, { metric: '', variant: 'b', end: 1, moments: moments([0, 0]) }];
    const kinds: MetricSpec[] = [
      { ...lower, statistic: 'p95' }, lower, { ...lower, name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', margin: null }, { ...lower, name: 'ctr', kind: 'ratio', role: 'primary', better: 'higher', margin: null },
    ];
    for (const metric of kinds) {
      const c = analyseExperiment(spec(metric), { buckets: exposed, histograms: [], unitLooks: [] }).metrics[0]!.comparisons[0]!;
      expect(c.verdict, `${metric.kind} ${metric.statistic}`).toBe('not enough data');
      expect(typeof c.sides.variant.value, 'a number, NaN when unknown (null in JSON)').toBe('number');
      expect(c.sides.variant.n).toBe(0);
      expect(c.sentence).not.toMatch(/undefined/);
    }
  });

  it('reads the direction from the always-valid interval, and an empty intersection decides nothing', () => {
    const revenue: MetricSpec = { name: 'revenue', kind: 'continuous', role: 'primary', better: 'higher', statistic: 'mean', margin: null };
    // First far above, then far below: the looks' intervals stop overlapping.
    const early = [{ metric: 'revenue', variant: 'a', end: 1, moments: moments(repeat([0, 1], 2_000)) }, { metric: 'revenue', variant: 'b', end: 1, moments: moments(repeat([2, 3], 2_000)) }];
    const late = [{ metric: 'revenue', variant: 'a', end: 2, moments: moments(repeat([0, 1], 200_000)) }, { metric: 'revenue', variant: 'b', end: 2, moments: moments(repeat([-2, -1], 200_000)) }];
    const c = analyseExperiment(spec(revenue), { buckets: [...early, ...late], histograms: [] }).metrics[0]!.comparisons[0]!;
    expect(c.sequential!.interval.lower).toBeGreaterThan(c.sequential!.interval.upper);
    expect(c.verdict).toBe('inconclusive');
    expect(c.notes[0]).toMatch(/no longer overlap/);
    expect(c.sentence).toMatch(/^v2 against v1 on revenue: the always-valid intervals of successive looks no longer overlap/);
  });
});

describe('formatNumber', () => {
  it('keeps three significant digits', () => {
    expect([0.0123456, 1.23456, 123.456, 123456, -0.5, 0].map(formatNumber)).toEqual(['0.0123', '1.23', '123', '123,456', '-0.5', '0']);
  });
});
