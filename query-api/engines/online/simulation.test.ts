// The sequential answer's promise, checked by simulation: 1,000 A/A experiments (no difference),
// each looked at after every batch of traffic, wrongly find a difference at most alpha of the
// time with the always-valid interval, while a t-test repeated at every look does much more
// often. Also: a planted effect is found with the power the normal theory expects (fixed
// horizon) and by the sequential answer too; a planted sample-ratio mismatch is caught; CUPED
// keeps the estimate unbiased and shrinks its variance. The figures are printed: docs/online.md
// quotes them.
import { describe, expect, it } from 'vitest';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { xoshiro128StarStar } from '../statistics/prng.ts';
import { analyseExperiment, type BucketSums, type ExperimentSpec, type MetricSpec } from './analyse.ts';
import { welch } from './fixed-horizon.ts';
import { addMoments, emptyMoments, varianceOf, type Moments } from './moments.ts';
import { sampleRatioCheck } from './srm.ts';

const EXPERIMENTS = 1_000;
const LOOKS = 20;
const PER_LOOK = 250; // per arm: 5,000 per arm at the last look
const ALPHA = 0.05;
const CUPED_EXPERIMENTS = 1_000;

function generator(seed: number) {
  const next = xoshiro128StarStar(seed, seed ^ 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35 + seed);
  const uniform = () => (next() + 0.5) / 4294967296;
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  return { uniform, normal };
}

function batch(draw: () => number, n: number): Moments {
  const m = emptyMoments();
  for (let i = 0; i < n; i++) {
    const y = draw();
    m.n++;
    m.sum += y;
    m.sumSq += y * y;
  }
  return m;
}

const spec = (metric: MetricSpec): ExperimentSpec => ({
  variants: [{ name: 'champion', weight: 0.5, label: 'v1' }, { name: 'challenger', weight: 0.5, label: 'v2' }],
  control: 'champion', metrics: [metric], alpha: ALPHA, plannedSampleSize: 2 * LOOKS * PER_LOOK,
});

/** One simulated experiment: per look, a batch per arm; whether the sequential answer and a t-test at every look ever reject, and at the end. */
function simulate(seed: number, metric: MetricSpec, draw: (g: ReturnType<typeof generator>, arm: 0 | 1) => number) {
  const g = generator(seed);
  const buckets: BucketSums[] = [];
  const totals = [emptyMoments(), emptyMoments()];
  let naiveEver = false;
  for (let look = 1; look <= LOOKS; look++) {
    for (const arm of [0, 1] as const) {
      const m = batch(() => draw(g, arm), PER_LOOK);
      totals[arm] = addMoments(totals[arm]!, m);
      buckets.push({ metric: metric.name, variant: arm === 0 ? 'champion' : 'challenger', end: look, moments: m });
    }
    const side = (m: Moments) => ({ n: m.n, mean: m.sum / m.n, variance: varianceOf(m) });
    if (welch(side(totals[1]!), side(totals[0]!), ALPHA).pValue < ALPHA) naiveEver = true;
  }
  const side = (m: Moments) => ({ n: m.n, mean: m.sum / m.n, variance: varianceOf(m) });
  const fixedAtEnd = welch(side(totals[1]!), side(totals[0]!), ALPHA).pValue < ALPHA;
  const answer = analyseExperiment(spec(metric), { buckets, histograms: [] }).metrics[0]!.comparisons[0]!;
  return { sequentialEver: answer.sequential!.significant, naiveEver, fixedAtEnd, looks: answer.sequential!.looks };
}

function rates(metric: MetricSpec, draw: (g: ReturnType<typeof generator>, arm: 0 | 1) => number) {
  let sequential = 0, naive = 0, fixed = 0;
  for (let e = 0; e < EXPERIMENTS; e++) {
    const r = simulate(1000 + e, metric, draw);
    expect(r.looks).toBe(LOOKS);
    sequential += r.sequentialEver ? 1 : 0;
    naive += r.naiveEver ? 1 : 0;
    fixed += r.fixedAtEnd ? 1 : 0;
  }
  return { sequential: sequential / EXPERIMENTS, naive: naive / EXPERIMENTS, fixed: fixed / EXPERIMENTS };
}

const continuous: MetricSpec = { name: 'revenue', kind: 'continuous', role: 'primary', better: 'higher', statistic: 'mean', margin: null };
const binary: MetricSpec = { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null };

describe(`${EXPERIMENTS} A/A experiments, looked at after each of ${LOOKS} batches`, () => {
  it('continuous outcomes: the always-valid answer keeps false positives at or below alpha; a t-test at every look does not', () => {
    const r = rates(continuous, (g) => 10 + 2 * g.normal());
    console.log(`A/A continuous, ${EXPERIMENTS} experiments × ${LOOKS} looks: false positives — sequential ${r.sequential}, t-test at every look ${r.naive}, one t-test at the end ${r.fixed}`);
    expect(r.sequential).toBeLessThanOrEqual(ALPHA);
    expect(r.naive).toBeGreaterThan(2 * ALPHA);
    // The end-only test is valid: within 3 binomial SDs of alpha.
    expect(Math.abs(r.fixed - ALPHA)).toBeLessThan(3 * Math.sqrt((ALPHA * (1 - ALPHA)) / EXPERIMENTS));
  });

  it('binary outcomes (5% conversion): the same', () => {
    const r = rates(binary, (g) => (g.uniform() < 0.05 ? 1 : 0));
    console.log(`A/A binary, ${EXPERIMENTS} experiments × ${LOOKS} looks: false positives — sequential ${r.sequential}, t-test at every look ${r.naive}, one t-test at the end ${r.fixed}`);
    expect(r.sequential).toBeLessThanOrEqual(ALPHA);
    expect(r.naive).toBeGreaterThan(2 * ALPHA);
  });
});

describe('a planted effect', () => {
  it('is found as often as the normal theory expects (fixed horizon), and by the sequential answer too', () => {
    const effect = 0.05; // in SDs
    const n = LOOKS * PER_LOOK;
    const r = rates(continuous, (g, arm) => g.normal() + (arm === 1 ? effect : 0));
    const shift = effect / Math.sqrt(2 / n);
    const expected = normalCdf(shift - 1.959963984540054, 0, 1) + normalCdf(-shift - 1.959963984540054, 0, 1);
    console.log(`planted effect of ${effect} SD, ${n} per arm: power — fixed horizon ${r.fixed} (theory ${expected.toFixed(3)}), sequential by the last look ${r.sequential}`);
    expect(Math.abs(r.fixed - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / EXPERIMENTS));
    expect(r.sequential).toBeGreaterThan(0.3);
    expect(r.sequential).toBeLessThan(r.fixed);
  });
});

describe('sample-ratio mismatch', () => {
  it('a planted 50.6/49.4 split of 100,000 units is caught; true 50/50 splits raise a false alarm about 0.1% of the time', () => {
    const g = generator(7);
    const split = (share: number, n: number) => {
      let a = 0;
      for (let i = 0; i < n; i++) if (g.uniform() < share) a++;
      return [a, n - a];
    };
    expect(sampleRatioCheck(split(0.506, 100_000), [0.5, 0.5])!.mismatch).toBe(true);
    let alarms = 0;
    for (let i = 0; i < 2_000; i++) if (sampleRatioCheck(split(0.5, 10_000), [0.5, 0.5])!.mismatch) alarms++;
    console.log(`SRM false alarms on 2,000 true 50/50 splits: ${alarms}`);
    expect(alarms).toBeLessThanOrEqual(8); // expected 2
  });

  it('says so loudly in the summary', () => {
    const m = (n: number): Moments => ({ ...emptyMoments(), n });
    const buckets: BucketSums[] = [{ metric: '', variant: 'champion', end: 1, moments: m(50_600) }, { metric: '', variant: 'challenger', end: 1, moments: m(49_400) }];
    const a = analyseExperiment(spec(continuous), { buckets, histograms: [] });
    expect(a.srm.mismatch).toBe(true);
    expect(a.summary).toMatch(/^SAMPLE RATIO MISMATCH: units exposed v1 50,600, v2 49,400 against the expected v1 50,000, v2 50,000 .*do not trust these results/);
  });
});

describe('CUPED', () => {
  it('keeps the estimate unbiased and shrinks its variance by about the squared correlation', () => {
    const estimates: number[] = [];
    const plain: number[] = [];
    let reduction = 0;
    const rho = 0.7;
    for (let e = 0; e < CUPED_EXPERIMENTS; e++) {
      const g = generator(50_000 + e);
      const arms = [emptyMoments(), emptyMoments()];
      for (const arm of [0, 1] as const) {
        for (let i = 0; i < 2_000; i++) {
          const x = 5 + g.normal();
          const y = 10 + 0.1 * arm + 2 * (rho * (x - 5) + Math.sqrt(1 - rho * rho) * g.normal());
          const m = arms[arm]!;
          m.n++; m.sum += y; m.sumSq += y * y; m.covN++; m.covSum += x; m.covSumSq += x * x; m.cross += x * y;
        }
      }
      const buckets: BucketSums[] = arms.map((moments, arm) => ({ metric: 'revenue', variant: arm === 0 ? 'champion' : 'challenger', end: 1, moments }));
      const c = analyseExperiment(spec(continuous), { buckets, histograms: [] }).metrics[0]!.comparisons[0]!;
      expect(c.cuped.applied).toBe(true);
      estimates.push(c.estimate);
      plain.push(arms[1]!.sum / arms[1]!.n - arms[0]!.sum / arms[0]!.n);
      reduction += c.cuped.varianceReduction! / CUPED_EXPERIMENTS;
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs: number[]) => xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1);
    console.log(`CUPED, correlation ${rho}: mean estimate ${mean(estimates).toFixed(4)} (true 0.1), variance ${variance(estimates).toExponential(2)} against ${variance(plain).toExponential(2)} unadjusted; reported reduction ${reduction.toFixed(3)}`);
    expect(Math.abs(mean(estimates) - 0.1)).toBeLessThan(4 * Math.sqrt(variance(estimates) / estimates.length));
    expect(variance(estimates) / variance(plain)).toBeLessThan(0.65);
    expect(Math.abs(reduction - rho * rho)).toBeLessThan(0.03);
  });
});
