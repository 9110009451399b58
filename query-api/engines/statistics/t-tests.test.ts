import { describe, expect, it } from 'vitest';
import { StatsInputError } from './errors.ts';
import { pairedTTest, welchTTest } from './t-tests.ts';
import { expectRel } from './test-util.ts';

// Student's (1908) sleep data, R's datasets::sleep: extra hours of sleep under two drugs, the
// same 10 patients. R's ?sleep and ?t.test print, for Welch: t = -1.8608, df = 17.776,
// p-value = 0.07939, 95% CI -3.3654832 0.2054832; paired: t = -4.0621, df = 9,
// p-value = 0.002833, 95% CI -2.4598858 -0.7001142. Full-precision values below are from
// scipy 1.17.1 and agree with those.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// SciPy's mannwhitneyu documentation example: ages at diagnosis.
const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

describe('pairedTTest', () => {
  it('matches R t.test(paired = TRUE) and scipy ttest_rel on the sleep data', () => {
    // scipy 1.17.1: scipy.stats.ttest_rel(drug1, drug2) and .confidence_interval(0.95)
    const r = pairedTTest(drug1, drug2);
    expectRel(r.statistic, -4.062127683382037);
    expect(r.df).toBe(9);
    expectRel(r.pValue, 0.002832890197384273);
    expectRel(r.estimate, -1.58);
    expectRel(r.confidenceInterval.lower, -2.459885763276983);
    expectRel(r.confidenceInterval.upper, -0.7001142367230175);
    expect(r.confidenceInterval.confidence).toBe(0.95);
    // Cohen's d_z = mean(d) / sd(d); numpy: d.mean() / d.std(ddof=1)
    expect(r.effectSize.measure).toBe('cohen-dz');
    expectRel(r.effectSize.value, -1.2845575625910546);
    expect(r.n).toBe(10);
    expect(r.note).toBeUndefined();
  });

  it('one-sided alternatives give one-sided p-values and intervals', () => {
    // scipy 1.17.1: ttest_rel(drug1, drug2, alternative=...).confidence_interval(0.95)
    const greater = pairedTTest(drug1, drug2, { alternative: 'greater' });
    expectRel(greater.pValue, 0.9985835549013079);
    expectRel(greater.confidenceInterval.lower, -2.293005267029284);
    expect(greater.confidenceInterval.upper).toBe(Infinity);
    const less = pairedTTest(drug1, drug2, { alternative: 'less' });
    expectRel(less.pValue, 0.0014164450986921364);
    expect(less.confidenceInterval.lower).toBe(-Infinity);
    expectRel(less.confidenceInterval.upper, -0.8669947329707163);
  });

  it('honours the confidence level', () => {
    // scipy 1.17.1: ttest_rel(drug1, drug2).confidence_interval(0.9)
    const r = pairedTTest(drug1, drug2, { confidence: 0.9 });
    expectRel(r.confidenceInterval.lower, -2.293005267029284);
    expectRel(r.confidenceInterval.upper, -0.8669947329707163);
  });

  it('identical differences: p = 1 when they are 0, p = 0 (t infinite, as SciPy) otherwise', () => {
    const same = pairedTTest([1, 2, 3], [1, 2, 3]);
    expect(same).toMatchObject({ statistic: 0, pValue: 1, estimate: 0, effectSize: { value: 0 } });
    expect(same.confidenceInterval).toMatchObject({ lower: 0, upper: 0 });
    expect(same.note).toMatch(/identical/);
    for (const alternative of ['less', 'greater'] as const) expect(pairedTTest([1, 2, 3], [1, 2, 3], { alternative }).pValue).toBe(1);
    // scipy 1.17.1: ttest_rel([2,2,2], [1,1,1]) → statistic=inf, pvalue=0.0
    const shifted = pairedTTest([2, 3, 4], [1, 2, 3]);
    expect(shifted).toMatchObject({ statistic: Infinity, pValue: 0, estimate: 1 });
    expect(shifted.note).toMatch(/zero variance/);
    expect(pairedTTest([2, 3, 4], [1, 2, 3], { alternative: 'less' }).pValue).toBe(1);
  });
});

describe('welchTTest', () => {
  it("matches R t.test (Welch) and scipy ttest_ind(equal_var=False) on the sleep data", () => {
    // scipy 1.17.1: ttest_ind(drug1, drug2, equal_var=False) and .confidence_interval(0.95)
    const r = welchTTest(drug1, drug2);
    expectRel(r.statistic, -1.8608134674868526);
    expectRel(r.df, 17.776473516178488);
    expectRel(r.pValue, 0.0793941401873583);
    expectRel(r.confidenceInterval.lower, -3.3654832307117104);
    expectRel(r.confidenceInterval.upper, 0.20548323071171137);
    // Cohen's d with the pooled SD (numpy): -0.8321810813495395
    expect(r.effectSize.measure).toBe('cohen-d-pooled');
    expectRel(r.effectSize.value, -0.8321810813495395);
    expect([r.nA, r.nB]).toEqual([10, 10]);
  });

  it('handles unequal sizes and every alternative', () => {
    // scipy 1.17.1: ttest_ind(males, females, equal_var=False, alternative=...).confidence_interval(0.99)
    const cases = [
      ['two-sided', 0.05675092592187574, -3.766856227216765, 17.766856227216763],
      ['greater', 0.02837546296093787, -2.217914394623776, Infinity],
      ['less', 0.9716245370390622, -Infinity, 16.217914394623776],
    ] as const;
    for (const [alternative, p, lower, upper] of cases) {
      const r = welchTTest(males, females, { alternative, confidence: 0.99 });
      expectRel(r.statistic, 2.2831482556870477);
      expectRel(r.df, 6.928837482846501);
      expectRel(r.pValue, p);
      expectRel(r.confidenceInterval.lower, lower);
      expectRel(r.confidenceInterval.upper, upper);
      expectRel(r.effectSize.value, 1.5021913817381662);
    }
  });

  it('zero variance in both samples: documented fallback instead of NaN', () => {
    const same = welchTTest([5, 5, 5], [5, 5]);
    expect(same).toMatchObject({ statistic: 0, pValue: 1, df: 3, effectSize: { value: 0 } });
    expect(same.note).toMatch(/df falls back/);
    expect(welchTTest([5, 5, 5], [5, 5], { alternative: 'greater' }).pValue).toBe(1);
    const apart = welchTTest([5, 5, 5], [4, 4]);
    expect(apart).toMatchObject({ statistic: Infinity, pValue: 0, estimate: 1, effectSize: { value: Infinity } });
  });

  it('zero variance in one sample only is an ordinary Welch test', () => {
    const r = welchTTest([1, 1, 1, 1], [0, 1, 2, 3]);
    // With vA = 0, df reduces to nB − 1 and t to (mA − mB) / (sB / √nB).
    expect(r.df).toBeCloseTo(3, 12);
    expect(r.note).toBeUndefined();
  });

  it('refuses samples too small for a variance', () => {
    expect(() => welchTTest([1], [1, 2])).toThrow(StatsInputError);
    expect(() => welchTTest([1], [1, 2])).toThrow(/sample a has 1 value\(s\); at least 2/);
    expect(() => pairedTTest([1], [2])).toThrow(/at least 2/);
  });
});
