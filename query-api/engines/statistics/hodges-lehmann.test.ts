import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsInputError } from './errors.ts';
import { hodgesLehmannPaired, hodgesLehmannTwoSample } from './hodges-lehmann.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import { expectRel } from './test-util.ts';
import { EXACT, NORMAL_APPROXIMATION, type Alternative } from './types.ts';
import { wilcoxonSignedRank } from './wilcoxon.ts';

// How the reference values were obtained. There is no R here, so they come from a brute-force
// Python 3 port of R's wilcox.test(conf.int = TRUE) (src/library/stats/R/wilcox.test.R):
// - exact: the null distribution by enumerating all 2ⁿ sign patterns (W+) or all C(nA + nB, nA)
//   rank sets of a (U); q = the smallest q with P(V ≤ q) ≥ α/2 (α for one-sided), as qsignrank
//   and qwilcox, then q = max(q, 1); every Walsh average (d_i + d_j)/2, i ≤ j, or difference
//   a_i − b_j computed and sorted; interval [sorted[q], sorted[M + 1 − q]] (1-based, M values);
//   estimate = median(sorted); achieved confidence 1 − 2·P(V ≤ q − 1).
// - normal approximation: R's wdiff(d, zq) ported literally (average ranks, tie table,
//   continuity correction) and evaluated between every two neighbouring candidate values; the
//   bound is the candidate where wdiff changes sign, the root that R's uniroot(tol = 1e-4)
//   converges to, so R's printed bounds agree with it to about 1e-4.
// The published R outputs quoted below (approximate cases) were checked against that port.
const within = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);

// R's ?wilcox.test paired example (Hollander & Wolfe 1973, p. 29): depression scale at the first
// (x) and second (y) visit; d = x − y has 9 distinct nonzero |d|, so the test is exact.
const visit1 = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const visit2 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

// R's ?wilcox.test two-sample example (Hollander & Wolfe 1973, p. 69): permeability at term (x)
// and at 12 to 26 weeks (y); 10 vs 5 values, no ties, so the test is exact.
const permeabilityA = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const permeabilityB = [1.15, 0.88, 0.9, 0.74, 1.21];

// R's ?t.test sleep data; drug1 − drug2 has ties and one zero: normal approximation.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// mtcars$mpg split by am (0: automatic, 1: manual), as in R's datasets; ties: approximation.
const mpgAutomatic = [21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2];
const mpgManual = [21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4];

const ALTERNATIVES: Alternative[] = ['two-sided', 'greater', 'less'];

describe('hodgesLehmannPaired', () => {
  it("matches R's exact interval on the ?wilcox.test depression data", () => {
    // Python brute force (above): Walsh averages of the 9 differences, M = 45; n = 9 gives
    // qsignrank(0.025, 9) = 6 and qsignrank(0.05, 9) = 9.
    const two = hodgesLehmannPaired(visit1, visit2, { method: 'exact' });
    expect(two).toMatchObject({ method: EXACT, kind: 'paired', count: 45, lowerRank: 6, upperRank: 40, zeros: 0 });
    expectRel(two.estimate, 0.4600000000000001);
    expectRel(two.interval.lower, 0.010000000000000009);
    expectRel(two.interval.upper, 0.786);
    expect(two.interval.confidence).toBe(0.95);
    expect(two.achievedConfidence).toBe(0.9609375); // 1 − 2·P(V ≤ 5) = 1 − 2·10/512
    const greater = hodgesLehmannPaired(visit1, visit2, { method: 'exact', alternative: 'greater' });
    expect(greater).toMatchObject({ lowerRank: 9, upperRank: null, interval: { upper: Infinity } });
    expectRel(greater.interval.lower, 0.17500000000000004);
    expect(greater.achievedConfidence).toBe(0.951171875);
    const less = hodgesLehmannPaired(visit1, visit2, { method: 'exact', alternative: 'less' });
    expect(less).toMatchObject({ lowerRank: null, upperRank: 37, interval: { lower: -Infinity } });
    expectRel(less.interval.upper, 0.7260000000000002);
    const ninety = hodgesLehmannPaired(visit1, visit2, { method: 'exact', confidence: 0.9 });
    expectRel(ninety.interval.lower, 0.17500000000000004);
    expectRel(ninety.interval.upper, 0.7260000000000002);
    expect(ninety.achievedConfidence).toBe(0.90234375);
  });

  it('matches published R output on the sleep data (ties and a zero: normal approximation)', () => {
    // R, wilcox.test(extra ~ group, sleep, paired = TRUE, conf.int = TRUE), as printed in a
    // public R Markdown tutorial ("Mann-Whitney U & Wilcoxon signed-rank tests"): V = 0,
    // p-value = 0.009091, 95 percent CI -2.949921 -1.050018, (pseudo)median -1.400031.
    // Python port of wdiff (above): bounds -2.9499999999999997 and -1.05, estimate
    // -1.4000000000000001; one-sided 95%: 'greater' -2.6999999999999997, 'less' -1.1500000000000004.
    const test = wilcoxonSignedRank(drug1, drug2);
    expect(test).toMatchObject({ method: NORMAL_APPROXIMATION, wPlus: 0 });
    within(test.pValue, 0.009091, 5e-7);
    const r = hodgesLehmannPaired(drug1, drug2, { method: 'approximate' });
    expect(r).toMatchObject({ method: NORMAL_APPROXIMATION, count: 45, zeros: 1 });
    expect(r.note).toMatch(/1 zero difference\(s\) left out/);
    expectRel(r.estimate, -1.4000000000000001);
    expectRel(r.interval.lower, -2.9499999999999997);
    expectRel(r.interval.upper, -1.05);
    within(r.interval.lower, -2.949921, 1e-4);
    within(r.interval.upper, -1.050018, 1e-4);
    within(r.estimate, -1.400031, 1e-4);
    expectRel(hodgesLehmannPaired(drug1, drug2, { method: 'approximate', alternative: 'greater' }).interval.lower, -2.6999999999999997);
    expectRel(hodgesLehmannPaired(drug1, drug2, { method: 'approximate', alternative: 'less' }).interval.upper, -1.1500000000000004);
  });

  it('matches published R output for a one-sample 99% interval with many ties', () => {
    // R, from https://stats.stackexchange.com/questions/270889: wilcox.test(dat, conf.int = T,
    // correct = T, exact = F, conf.level = .99) → 99 percent CI 3.450018 5.499933,
    // (pseudo)median 4.400028. Python port of wdiff (above): 3.45, 5.5, estimate 4.4.
    const dat = [2.1, 2.35, 2.35, 3.1, 3.1, 3.15, 3.9, 3.9, 4.0, 4.8, 5.0, 5.0, 5.15, 5.35, 5.5, 6.0, 6.0, 6.25, 6.45];
    const r = hodgesLehmannPaired(dat, dat.map(() => 0), { method: 'approximate', confidence: 0.99 });
    expectRel(r.estimate, 4.4);
    expectRel(r.interval.lower, 3.45);
    expectRel(r.interval.upper, 5.5);
    within(r.interval.lower, 3.450018, 1e-4);
    within(r.interval.upper, 5.499933, 1e-4);
    within(r.estimate, 4.400028, 1e-4);
  });

  it('says so when too few pairs allow the requested confidence, and handles all-zero differences', () => {
    // n = 4: P(V ≤ 0) = 1/16 > 0.025, so the widest interval [min, max] covers 1 − 2/16 (R warns
    // "requested conf.level not achievable" and reports the lower level too).
    const r = hodgesLehmannPaired([1, 2, 3, 4], [0, 0, 0, 0], { method: 'exact' });
    expect(r).toMatchObject({ estimate: 2.5, interval: { lower: 1, upper: 4, confidence: 0.875 }, lowerRank: 1, upperRank: 10, achievedConfidence: 0.875 });
    expect(r.note).toMatch(/too few values for a 95% interval: the widest one, between the extreme Walsh averages, covers 87.5%/);
    const zero = hodgesLehmannPaired([3, 3], [3, 3], { method: 'exact', alternative: 'greater' });
    expect(zero).toMatchObject({ estimate: 0, interval: { lower: 0, upper: Infinity, confidence: 0.95 }, count: 0, zeros: 2 });
  });

  it('refuses bad input as the tests do', () => {
    expect(() => hodgesLehmannPaired([1, 2], [1], { method: 'exact' })).toThrow(/same length/);
    expect(() => hodgesLehmannPaired([1, 2], [0, 0], { method: 'auto' as never })).toThrow(StatsInputError);
    expect(() => hodgesLehmannPaired([1, 2], [0, 0], { method: 'exact', confidence: 1 })).toThrow(/confidence/);
  });
});

describe('hodgesLehmannTwoSample', () => {
  it("matches R's exact interval on the ?wilcox.test permeability data", () => {
    // Python brute force (above): the 50 differences a_i − b_j; qwilcox(0.025, 10, 5) = 9,
    // qwilcox(0.05, 10, 5) = 12.
    const two = hodgesLehmannTwoSample(permeabilityA, permeabilityB, { method: 'exact' });
    expect(two).toMatchObject({ method: EXACT, kind: 'two-sample', count: 50, lowerRank: 9, upperRank: 42 });
    expectRel(two.estimate, 0.30500000000000005);
    expectRel(two.interval.lower, -0.15000000000000002);
    expectRel(two.interval.upper, 0.7599999999999999);
    expectRel(two.achievedConfidence, 0.9600399600399601);
    const greater = hodgesLehmannTwoSample(permeabilityA, permeabilityB, { method: 'exact', alternative: 'greater' });
    expect(greater).toMatchObject({ lowerRank: 12, interval: { upper: Infinity } });
    expectRel(greater.interval.lower, -0.07999999999999996);
    expectRel(greater.achievedConfidence, 0.9503829503829504);
    const less = hodgesLehmannTwoSample(permeabilityA, permeabilityB, { method: 'exact', alternative: 'less' });
    expect(less).toMatchObject({ upperRank: 39, interval: { lower: -Infinity } });
    expectRel(less.interval.upper, 0.72);
  });

  it('matches published R output on mtcars mpg by transmission (ties: normal approximation)', () => {
    // R, wilcox.test(mpg ~ am, data = mtcars, conf.int = TRUE), printed in the same tutorial as
    // the sleep example: W = 42, p-value = 0.001871, 95 percent CI -11.699942 -2.900042, difference in
    // location -6.799963. Python port of wdiff (above): -11.7, -2.900000000000002, estimate
    // -6.800000000000001; one-sided 95%: 'greater' -10.999999999999998, 'less' -3.6000000000000014.
    const test = mannWhitneyU(mpgAutomatic, mpgManual);
    expect(test).toMatchObject({ method: NORMAL_APPROXIMATION, statistic: 42 });
    within(test.pValue, 0.001871, 5e-7);
    const r = hodgesLehmannTwoSample(mpgAutomatic, mpgManual, { method: 'approximate' });
    expect(r).toMatchObject({ count: 247, method: NORMAL_APPROXIMATION });
    expectRel(r.estimate, -6.800000000000001);
    expectRel(r.interval.lower, -11.7);
    expectRel(r.interval.upper, -2.900000000000002);
    within(r.interval.lower, -11.699942, 1e-4);
    within(r.interval.upper, -2.900042, 1e-4);
    within(r.estimate, -6.799963, 1e-4);
    expectRel(hodgesLehmannTwoSample(mpgAutomatic, mpgManual, { method: 'approximate', alternative: 'greater' }).interval.lower, -10.999999999999998);
    expectRel(hodgesLehmannTwoSample(mpgAutomatic, mpgManual, { method: 'approximate', alternative: 'less' }).interval.upper, -3.6000000000000014);
  });

  it('gives the reachable level for one value per side, and refuses differences that overflow', () => {
    const r = hodgesLehmannTwoSample([1], [2], { method: 'exact', alternative: 'greater' });
    expect(r).toMatchObject({ estimate: -1, interval: { lower: -1, upper: Infinity, confidence: 0.5 }, achievedConfidence: 0.5 });
    expect(() => hodgesLehmannTwoSample([1e308], [-1e308], { method: 'approximate' })).toThrow(/overflow/);
  });
});

// Untied, nonzero values: then the test and the interval invert each other exactly. (Not
// subnormal ones, whose halves round: a Walsh average of two could become 0.)
const distinct = (xs: number[]) => new Set(xs.map(Math.abs)).size === xs.length && !xs.includes(0);
const value = fc.double({ min: -100, max: 100, noNaN: true }).filter((x) => Math.abs(x) > 1e-300);

describe('agreement with the rank tests', () => {
  it('0 lies outside the interval exactly when the signed-rank test rejects (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 25 }), fc.constantFrom(...ALTERNATIVES), fc.constantFrom('exact', 'approximate'), fc.constantFrom(0.9, 0.95, 0.99), (d, alternative, method, confidence) => {
        fc.pre(distinct(d));
        const zeros = d.map(() => 0);
        const p = wilcoxonSignedRank(d, zeros, { alternative, method }).pValue;
        const alpha = 1 - confidence;
        fc.pre(Math.abs(p - alpha) > 1e-9);
        const { interval, estimate } = hodgesLehmannPaired(d, zeros, { alternative, confidence, method: method as 'exact' | 'approximate' });
        expect(estimate >= interval.lower && estimate <= interval.upper).toBe(true);
        // With too few pairs for the level the interval is the widest one, at a lower level.
        if (interval.confidence === confidence) expect(interval.lower > 0 || interval.upper < 0).toBe(p < alpha);
        else expect(p).toBeGreaterThan(alpha);
      }),
      { numRuns: 400 },
    );
  });

  it('0 lies outside the interval exactly when the Mann-Whitney test rejects (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 12 }), fc.array(value, { minLength: 1, maxLength: 12 }), fc.constantFrom(...ALTERNATIVES), fc.constantFrom('exact', 'approximate'), (a, b, alternative, method) => {
        fc.pre(new Set([...a, ...b]).size === a.length + b.length);
        const p = mannWhitneyU(a, b, { alternative, method }).pValue;
        fc.pre(Math.abs(p - 0.05) > 1e-9);
        const { interval, estimate } = hodgesLehmannTwoSample(a, b, { alternative, method: method as 'exact' | 'approximate' });
        expect(estimate >= interval.lower && estimate <= interval.upper).toBe(true);
        if (interval.confidence === 0.95) expect(interval.lower > 0 || interval.upper < 0).toBe(p < 0.05);
        else expect(p).toBeGreaterThan(0.05);
      }),
      { numRuns: 400 },
    );
  });
});
