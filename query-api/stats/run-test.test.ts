import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootstrapMeanDifference, hodgesLehmannPaired, hodgesLehmannTwoSample, mannWhitneyU, NORMAL_APPROXIMATION, pairedTTest, StatsInputError, welchTTest, wilcoxonSignedRank } from '../engines/statistics/index.ts';
import { runTest } from './run-test.ts';
import { TESTS, type TestSpec } from './types.ts';

// R's ?t.test sleep data (Cushny & Peebles): extra sleep of 10 patients under two drugs.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const base = { alternative: 'two-sided', alpha: 0.05, confidence: 0.95 } as const;
/** Paths of numbers that JSON.stringify would silently turn into null. */
function nonFinite(x: unknown, path = ''): string[] {
  if (typeof x === 'number') return Number.isFinite(x) ? [] : [path];
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
  return [];
}
const spec = (s: Partial<TestSpec> & Pick<TestSpec, 'test' | 'paired'>): TestSpec => ({ a: drug1, b: drug2, ...base, ...s });

describe('runTest', () => {
  it('returns exactly what the statistics module computes', () => {
    const t = runTest(spec({ test: 'paired-t', paired: true }));
    const ref = pairedTTest(drug1, drug2);
    // R: t = -4.0621, df = 9, p-value = 0.002833
    expect(t).toMatchObject({ statistic: ref.statistic, df: 9, pValue: ref.pValue, estimate: ref.estimate, significant: true, n: { a: 10, b: 10, pairs: 10 } });
    expect(t.confidenceInterval).toMatchObject({ lower: ref.confidenceInterval.lower, upper: ref.confidenceInterval.upper, confidence: 0.95 });
    expect(t.effectSize).toEqual(ref.effectSize);

    const w = runTest(spec({ test: 'welch-t', paired: false }));
    expect(w).toMatchObject({ statistic: welchTTest(drug1, drug2).statistic, pValue: welchTTest(drug1, drug2).pValue, paired: false });

    const s = runTest(spec({ test: 'wilcoxon', paired: true }));
    const sref = wilcoxonSignedRank(drug1, drug2);
    expect(s).toMatchObject({ statistic: sref.statistic, pValue: sref.pValue, method: sref.method, effectSize: sref.effectSize });
    // Rank tests carry the Hodges-Lehmann estimate and the interval that inverts the same test
    // (here its normal approximation: the differences tie), never a mean and its t interval.
    const shl = hodgesLehmannPaired(drug1, drug2, { method: 'approximate' });
    expect(s).toMatchObject({ estimate: shl.estimate, estimateName: 'Hodges-Lehmann median difference', confidenceInterval: { lower: shl.interval.lower, upper: shl.interval.upper, confidence: 0.95 } });
    expect(s.confidenceInterval?.method).toMatch(/^distribution-free interval of the Hodges-Lehmann median difference: order statistic\(s\) 6 and 40 of the 45 Walsh averages .* normal approximation/);
    expect(s.details.hodgesLehmann).toMatchObject({ estimate: shl.estimate, zeros: 1 });

    const u = runTest(spec({ test: 'mann-whitney', paired: false }));
    const uref = mannWhitneyU(drug1, drug2);
    expect(u).toMatchObject({ statistic: uref.statistic, pValue: uref.pValue, z: uref.z });
    const uhl = hodgesLehmannTwoSample(drug1, drug2, { method: 'approximate' });
    expect(u).toMatchObject({ estimate: uhl.estimate, estimateName: 'Hodges-Lehmann shift', confidenceInterval: { lower: uhl.interval.lower, upper: uhl.interval.upper } });
    expect(u.confidenceInterval?.method).toMatch(/differences a_i - b_j/);
    // t-tests keep the mean difference.
    expect(runTest(spec({ test: 'welch-t', paired: false }))).toMatchObject({ estimate: welchTTest(drug1, drug2).estimate, estimateName: 'mean difference' });
  });

  it('rank tests: the exact interval when the test is exact, a note when the mean points the other way', () => {
    // The reviewer's case: 11 small gains and one loss of 30. Mean −1.95, but W+ = 66 of 78.
    const d = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, -30];
    const r = runTest(spec({ test: 'wilcoxon', paired: true, a: d, b: d.map(() => 0) }));
    const hl = hodgesLehmannPaired(d, d.map(() => 0), { method: 'exact' });
    expect(r).toMatchObject({ method: 'exact', estimate: hl.estimate, confidenceInterval: { lower: hl.interval.lower, upper: hl.interval.upper } });
    expect(r.estimate).toBeCloseTo(0.55, 12);
    expect(r.confidenceInterval!.lower).toBeGreaterThan(0); // agrees with p = 0.0342 ≤ 0.05
    expect(r.notes).toEqual(['the mean difference a - b is -1.95, of the other sign: a few extreme values pull the mean, which the rank test and its estimate do not follow']);
  });

  it("Mann-Whitney 'auto': the interval takes the test's method, exact below 50 per sample without ties (as R)", () => {
    // SciPy reference samples, untied, from 1 × 1 up to 49 × 49 (query-api/engines/statistics/reference).
    const { cases } = JSON.parse(readFileSync(new URL('../engines/statistics/reference/mann-whitney-exact.json', import.meta.url), 'utf8')) as { cases: { a: number[]; b: number[] }[] };
    for (const { a, b } of cases) {
      const r = runTest(spec({ test: 'mann-whitney', paired: false, a, b }));
      const hl = r.details.hodgesLehmann as { method: string };
      expect([r.method, hl.method]).toEqual(['exact', 'exact']);
      const ci = r.confidenceInterval;
      if (ci === null) continue; // 1 vs 1: no interval reaches any confidence
      expect(ci.method).toMatch(/from the exact null distribution of U/);
      // Untied: 0 outside the 95% interval exactly when p < 0.05 (when 95% is reachable).
      if (ci.confidence === 0.95) expect(ci.lower! > 0 || ci.upper! < 0).toBe(r.pValue! < 0.05);
    }
    const big = cases.find((c) => c.a.length === 49 && c.b.length === 49)!;
    for (const [a, b] of [[[...big.a, 99], big.b], [big.a, [...big.b.slice(1), big.a[0]!]]]) {
      const r = runTest(spec({ test: 'mann-whitney', paired: false, a: a!, b: b! }));
      expect([r.method, (r.details.hodgesLehmann as { method: string }).method]).toEqual([NORMAL_APPROXIMATION, NORMAL_APPROXIMATION]);
    }
  });

  it('bootstrap: no p-value, significance from the BCa interval, reproducible with a seed', () => {
    const r = runTest(spec({ test: 'bootstrap', paired: true, seed: 7, resamples: 2000 }));
    const ref = bootstrapMeanDifference(drug1, drug2, { paired: true, seed: 7, resamples: 2000 });
    expect(r.pValue).toBeNull();
    expect(r.confidenceInterval).toMatchObject({ lower: ref.bca.lower, upper: ref.bca.upper });
    expect(r.significant).toBe(ref.bca.upper < 0 || ref.bca.lower > 0);
    expect(r.notes.join(' ')).toMatch(/not a p-value/);
    expect(r.warnings).toEqual([]);
    expect(runTest(spec({ test: 'bootstrap', paired: false, a: [1, 2, 3], b: [4, 5, 6] })).warnings[0]).toMatch(/too narrow/);
  });

  it('warns when a rank test can never reach alpha at these sizes', () => {
    const r = runTest(spec({ test: 'wilcoxon', paired: true, a: [1, 2, 3, 4], b: [0, 0, 0, 0] }));
    expect(r.pValue).toBe(0.125);
    expect(r.minAchievableP).toBe(0.125);
    expect(r.warnings).toEqual([expect.stringMatching(/4 pair\(s\) the Wilcoxon signed-rank test \(exact\) cannot give p below 0.125: it can never reach significance at alpha = 0.05/)]);
  });

  it('shows infinite values as null with a note, and documents degenerate data', () => {
    const r = runTest(spec({ test: 'welch-t', paired: false, a: [1, 1, 1], b: [2, 2, 2] }));
    expect(r.statistic).toBeNull();
    expect(r.effectSize?.value).toBeNull();
    expect(r.pValue).toBe(0);
    expect(r.notes).toEqual(expect.arrayContaining([expect.stringMatching(/zero variance/), 'statistic is -Infinity (unbounded), shown as null']));
    const one = runTest(spec({ test: 'paired-t', paired: true, alternative: 'greater' }));
    expect(one.confidenceInterval?.upper).toBeNull();
    expect(one.notes).toContain('confidenceInterval.upper is +Infinity (unbounded), shown as null');
    const same = runTest(spec({ test: 'wilcoxon', paired: true, a: [3, 3, 3], b: [3, 3, 3] }));
    expect(same.pValue).toBe(1);
    expect(same.notes[0]).toMatch(/every difference a - b is 0/);
  });

  it('lets bad input through as StatsInputError (the routes answer 400)', () => {
    expect(() => runTest(spec({ test: 'paired-t', paired: true, a: [1, 2, 3], b: [1, 2] }))).toThrow(/same length/);
    expect(() => runTest(spec({ test: 'welch-t', paired: false, a: [1], b: [1, 2] }))).toThrow(StatsInputError);
    expect(() => runTest(spec({ test: 'mann-whitney', paired: false, a: [], b: [1] }))).toThrow(/empty/);
    expect(() => runTest(spec({ test: 'wilcoxon', paired: true, a: [1, Infinity], b: [1, 2] }))).toThrow(/non-finite/);
    // A single value per side: the U test runs (p = 1); no interval reaches any confidence.
    const u = runTest(spec({ test: 'mann-whitney', paired: false, a: [1], b: [2] }));
    expect(u.confidenceInterval).toBeNull();
    expect(u.estimate).toBe(-1);
    expect(u.notes.join(' ')).toMatch(/no confidence interval/);
  });

  it('never puts NaN or Infinity into JSON, and keeps p within [0, 1] (property)', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(1e300, -1e300, 0));
    fc.assert(
      fc.property(
        fc.constantFrom(...TESTS),
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.array(value, { minLength: n, maxLength: n }), fc.array(value, { minLength: n, maxLength: n }))),
        fc.constantFrom('two-sided', 'greater', 'less'),
        (test, [a, b], alternative) => {
          const paired = test === 'paired-t' || test === 'wilcoxon' || (test === 'bootstrap' && a.length % 2 === 0);
          try {
            const r = runTest({ test, paired, a, b, alternative: alternative as 'two-sided', alpha: 0.05, confidence: 0.95, resamples: 200 });
            expect(nonFinite(r), JSON.stringify(r)).toEqual([]);
            if (r.pValue !== null) expect(r.pValue >= 0 && r.pValue <= 1).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(StatsInputError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
