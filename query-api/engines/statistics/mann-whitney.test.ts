import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatsInputError } from './errors.ts';
import { mannWhitneyPmf } from './exact-distributions.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import { EXACT, NORMAL_APPROXIMATION } from './types.ts';
import { expectRel } from './test-util.ts';

const ALTERNATIVES = ['two-sided', 'greater', 'less'] as const;
type Alt = (typeof ALTERNATIVES)[number];

/** SciPy's mannwhitneyu(a, b, method="exact") on untied samples up to 49 × 49; see the script. */
interface ReferenceCase {
  name: string;
  a: number[];
  b: number[];
  U: number;
  exact: Record<Alt, number>;
  /** Only the case: method="asymptotic", use_continuity=True. */
  asymptotic?: Record<Alt, number>;
}
const reference = JSON.parse(readFileSync(new URL('./reference/mann-whitney-exact.json', import.meta.url), 'utf8')) as { cases: ReferenceCase[] };

// SciPy's mannwhitneyu documentation example (ages at diagnosis, from its reference [4]).
// Documented: mannwhitneyu(males, females, method="exact") → U1 = 17.0, p = 0.1111111111111111;
// method="asymptotic" (with continuity correction) → 0.11134688653314041;
// mannwhitneyu(females, males, alternative="less", method="exact") → 3.0, 0.05555555555555555.
const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

// R's ?wilcox.test two-sample example (Hollander & Wolfe 1973, p. 69): R prints W = 35,
// p-value = 0.1272 for alternative = "greater".
const permeabilityA = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const permeabilityB = [1.15, 0.88, 0.9, 0.74, 1.21];

describe('mannWhitneyU', () => {
  it('reproduces the SciPy documentation example', () => {
    // scipy 1.17.1: mannwhitneyu(males, females, method='exact', alternative=...)
    const exact = { 'two-sided': 0.1111111111111111, greater: 0.05555555555555555, less: 0.9682539682539683 };
    // scipy 1.17.1: mannwhitneyu(males, females, method='asymptotic', alternative=...)
    const approx = { 'two-sided': 0.11134688653314041, greater: 0.055673443266570206, less: 0.9669037101389033 };
    for (const alternative of ALTERNATIVES) {
      const e = mannWhitneyU(males, females, { alternative });
      expect(e).toMatchObject({ method: EXACT, statistic: 17, uB: 3, nA: 5, nB: 4 });
      expectRel(e.pValue, exact[alternative]);
      const n = mannWhitneyU(males, females, { alternative, method: 'approximate' });
      expect(n.method).toBe(NORMAL_APPROXIMATION);
      expectRel(n.pValue, approx[alternative]);
    }
    const reversed = mannWhitneyU(females, males, { alternative: 'less' });
    expect(reversed.statistic).toBe(3);
    expectRel(reversed.pValue, 0.05555555555555555);
    // rank-biserial 2·17/20 − 1
    expect(mannWhitneyU(males, females).effectSize).toEqual({ measure: 'rank-biserial', value: 0.7 });
  });

  it("reproduces R's wilcox.test two-sample example", () => {
    // R: W = 35, p-value = 0.1272; scipy 1.17.1: mannwhitneyu(x, y, alternative=...)
    const expected = { 'two-sided': 0.2544122544122544, greater: 0.1272061272061272, less: 0.8967698967698967 };
    for (const alternative of ALTERNATIVES) {
      const r = mannWhitneyU(permeabilityA, permeabilityB, { alternative });
      expect(r).toMatchObject({ method: EXACT, statistic: 35 });
      expectRel(r.pValue, expected[alternative]);
    }
  });

  it('uses the tie-corrected approximation when values tie', () => {
    const a = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7];
    const b = [2, 3, 3, 4, 5, 5, 6, 6, 8, 9, 9];
    // scipy 1.17.1: mannwhitneyu(a, b, alternative=...)
    const expected = { 'two-sided': 0.13572228483654566, greater: 0.9409684284183166, less: 0.06786114241827283 };
    for (const alternative of ALTERNATIVES) {
      const r = mannWhitneyU(a, b, { alternative });
      expect(r).toMatchObject({ method: NORMAL_APPROXIMATION, statistic: 33.5 });
      expectRel(r.pValue, expected[alternative]);
    }
    expect(() => mannWhitneyU(a, b, { method: 'exact' })).toThrow(/distinct/);
  });

  it('stays exact and precise for a small sample against a large one', () => {
    const a = [1.20123, 1.49875, 0.92586, 0.30941, 0.74533, 0.20835, 1.26014];
    const b = [1.34022, -0.49221, -0.62047, 0.48984, 0.35689, 0.10541, -0.93047, -0.02925, 0.6953, -1.34421, -0.45762, -1.90122, -1.28954, -1.84174, -0.23509, -1.26745, 0.27126, 0.15675, -0.18693, -2.51676, -0.53869, -0.0485, 0.11331, -1.53014, -0.47775, -0.97852, -0.80884, 1.0609, -0.80753, -0.03252, 0.88439, -0.5836, -0.1117, 0.11046, 0.06378, -1.22506, 0.07614, 1.35882, -1.54714, 0.85938, 0.11935, -0.64147, 2.00042, 0.76226, -1.19929, 0.07452, 0.57669, -0.18878, 0.68291, -0.06652, 0.66725, 1.43852, -0.67566, 0.20314, -0.46331, 0.12727, -1.18719, -0.5793, -0.1962, 0.89876, 1.14522, -1.32353, -0.79464, 0.6469, -1.99242, -0.46317, -0.09729, 1.25701, 0.6894, -0.32721, -0.36858, -0.2502, 1.52353, -0.42802, -0.30368, 0.35259, -0.12077, -0.19728, -1.11407, -0.01152, -0.44358, 1.16613, 0.65309, -0.02414, 0.66838, -0.33987, 1.05213, -0.0054, 0.58338, -1.29089, 0.34668, -1.6882, -2.03533, -0.30448, -0.89993, 0.16405, 2.24476, -0.83172, -0.62394, 0.2054, 0.49301, -0.17641, -0.20593, 0.70246, 0.51991, -1.03368, -0.07918, 0.03529, -1.05448, 0.25984, -0.85796, 0.97207, 0.19275, 0.08931, -0.59103, -0.11861, -1.99775, -1.13141, 0.36284, -2.12857];
    // scipy 1.17.1: mannwhitneyu(a, b, alternative=...) — SciPy's 'auto' picks exact since
    // len(a) ≤ 8; ours follows R and uses the approximation, as b has 120 values (≥ 50).
    const expected = { 'two-sided': 0.00044973368337859575, greater: 0.00022486684168929787, less: 0.999787338124127 };
    for (const alternative of ALTERNATIVES) {
      const r = mannWhitneyU(a, b, { alternative, method: 'exact' });
      expect(r).toMatchObject({ method: EXACT, statistic: 728 });
      expectRel(r.pValue, expected[alternative]);
      expect(mannWhitneyU(a, b, { alternative }).method).toBe(NORMAL_APPROXIMATION);
    }
    // scipy 1.17.1: mannwhitneyu(b, a) → statistic 112.0, same two-sided p
    const swapped = mannWhitneyU(b, a, { method: 'exact' });
    expect(swapped.statistic).toBe(112);
    expectRel(swapped.pValue, expected['two-sided']);
  });

  it("'auto' is exact for 12 vs 15 untied values (SciPy's own 'auto' would not be)", () => {
    const a = [0.6825, 0.1356, 0.6505, 1.2862, -1.1568, 2.2844, 0.1422, 0.0036, -0.447, 1.5318, 1.275, 1.8444];
    const b = [0.8931, 0.263, 0.3285, 0.9352, -0.8776, -0.0459, 0.3819, -0.4525, 0.7217, -0.3522, 0.6728, 0.1406, 0.4626, -1.5177, -0.8603];
    // scipy 1.17.1: mannwhitneyu(a, b, method='exact' | 'asymptotic', alternative=...); U = 122
    const exact = { 'two-sided': 0.12572685237916092, greater: 0.06286342618958046, less: 0.9430874961027068 };
    const approx = { 'two-sided': 0.12428287406255234, greater: 0.06214143703127617, less: 0.9436119251569733 };
    for (const alternative of ALTERNATIVES) {
      const e = mannWhitneyU(a, b, { alternative, method: 'exact' });
      expect(e).toMatchObject({ method: EXACT, statistic: 122 });
      expectRel(e.pValue, exact[alternative]);
      expect(mannWhitneyU(a, b, { alternative })).toEqual(e);
      const n = mannWhitneyU(a, b, { alternative, method: 'approximate' });
      expect(n.method).toBe(NORMAL_APPROXIMATION);
      expectRel(n.pValue, approx[alternative]);
    }
  });

  it("'auto' is exact below 50 values per sample without ties, as R: SciPy's method='exact' up to 49 × 49", () => {
    // Generated by reference/mann_whitney_exact.py (seeded; its header says how to regenerate).
    for (const c of reference.cases) {
      for (const alternative of ALTERNATIVES) {
        const r = mannWhitneyU(c.a, c.b, { alternative, method: 'auto' });
        expect(r, c.name).toMatchObject({ method: EXACT, statistic: c.U, uB: c.a.length * c.b.length - c.U, nA: c.a.length, nB: c.b.length });
        expectRel(r.pValue, c.exact[alternative], 1e-9);
      }
    }
    const sizes = reference.cases.map((c) => [c.a.length, c.b.length]);
    expect(sizes).toContainEqual([9, 11]);
    expect(sizes).toContainEqual([49, 49]);
    expect(reference.cases.length).toBeGreaterThanOrEqual(30);
  });

  it('issue 9 item 5: 9 vs 11 values give the exact p = 0.3702, no longer the approximate 0.3619', () => {
    const c = reference.cases.find((x) => x.name.startsWith('issue 9 item 5'))!;
    expect([c.a.length, c.b.length, c.U]).toEqual([9, 11, 37]);
    const auto = mannWhitneyU(c.a, c.b);
    expect(auto.method).toBe(EXACT);
    expectRel(auto.pValue, c.exact['two-sided'], 1e-9);
    expect(auto.pValue.toFixed(4)).toBe('0.3702');
    // What 'auto' used to answer, still available as 'approximate' (SciPy method='asymptotic').
    for (const alternative of ALTERNATIVES) {
      expectRel(mannWhitneyU(c.a, c.b, { alternative, method: 'approximate' }).pValue, c.asymptotic![alternative], 1e-9);
    }
    expect(mannWhitneyU(c.a, c.b, { method: 'approximate' }).pValue.toFixed(4)).toBe('0.3619');
  });

  it("'auto' uses the approximation with a tie below 50, or with 50 values in a sample", () => {
    const c = reference.cases.find((x) => x.a.length === 49 && x.b.length === 48)!;
    // One tie (a value of a repeated in b) at 49 vs 48: the approximation, as R (which warns).
    const tied = [...c.b.slice(0, -1), c.a[0]!];
    expect(mannWhitneyU(c.a, tied).method).toBe(NORMAL_APPROXIMATION);
    expect(mannWhitneyU(c.a, tied)).toEqual(mannWhitneyU(c.a, tied, { method: 'approximate' }));
    const small = mannWhitneyU([1, 2, 3], [3, 4, 5, 6]);
    expect(small.method).toBe(NORMAL_APPROXIMATION);
    // 50 untied values in one sample, 3 or 49 in the other: the approximation; 49 and 49: exact.
    const fifty = Array.from({ length: 50 }, (_, i) => i + 0.5);
    for (const other of [Array.from({ length: 3 }, (_, i) => 10 * i + 0.25), c.a]) {
      expect(mannWhitneyU(fifty, other).method).toBe(NORMAL_APPROXIMATION);
      expect(mannWhitneyU(other, fifty).method).toBe(NORMAL_APPROXIMATION);
      expect(mannWhitneyU(fifty, other, { method: 'exact' }).method).toBe(EXACT);
    }
    expect(mannWhitneyU(fifty.slice(1), c.a).method).toBe(EXACT);
  });

  it('computes the exact distribution for 49 × 49 quickly', () => {
    mannWhitneyPmf(49, 49);
    const start = performance.now();
    const pmf = mannWhitneyPmf(49, 49);
    const ms = performance.now() - start;
    expect(pmf.length).toBe(49 * 49 + 1);
    expect(ms).toBeLessThan(50);
  });

  it('all values identical: p = 1 with a note, not NaN', () => {
    // scipy 1.17.1: mannwhitneyu([3,3,3], [3,3,3,3]) → statistic 6.0, pvalue 1.0
    const r = mannWhitneyU([3, 3, 3], [3, 3, 3, 3]);
    expect(r).toMatchObject({ statistic: 6, pValue: 1, effectSize: { value: 0 } });
    expect(r.note).toMatch(/identical/);
  });

  it('refuses empty or non-finite samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(StatsInputError);
    expect(() => mannWhitneyU([], [1])).toThrow(/sample a is empty/);
    expect(() => mannWhitneyU([1, Infinity], [1])).toThrow(/index 1 \(Infinity\)/);
  });
});
