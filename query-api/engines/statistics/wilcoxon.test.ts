import { describe, expect, it } from 'vitest';
import { StatsInputError } from './errors.ts';
import { EXACT, NORMAL_APPROXIMATION } from './types.ts';
import { wilcoxonSignedRank } from './wilcoxon.ts';
import { expectRel } from './test-util.ts';

// SciPy's wilcoxon documentation example: Darwin's cross- vs self-fertilised corn height
// differences from Wilcoxon (1945). Documented: wilcoxon(d) → (24.0, 0.041259765625);
// wilcoxon(d, alternative='greater') → (96.0, 0.0206298828125).
const corn = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
const zeros = corn.map(() => 0);

// R's ?wilcox.test example (Hollander & Wolfe 1973, p. 29): depression scale at first and
// second visit. R prints V = 40, p-value = 0.01953 for alternative = "greater".
const visit1 = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const visit2 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

// Made up for n > 50 (no ties) and for ties and zeros; references from scipy 1.17.1.
const largeA = [-1.1238, 1.5637, -0.5707, 0.0408, 0.2247, -0.4409, -1.0678, 0.9489, 0.6611, -1.6529, 2.6474, 1.2685, -0.4594, 1.2022, -0.167, 0.2393, 1.0888, -0.9567, 0.8759, 1.699, 1.6223, 0.0003, 1.2029, -1.3216, 0.1418, 0.7495, -1.0436, 0.2183, 2.0247, 2.9182, 1.0774, 1.1286, -0.659, -0.9094, -1.1123, 0.8415, 1.0519, -0.3588, -0.9287, 0.5576, 0.6129, 0.1692, 1.57, 0.207, 0.2338, -0.8082, 0.436, 1.6471, 0.3611, 0.3709, 0.7337, 0.5775, 0.8303, 0.8367, 0.9184, -0.495, 0.6, -1.3027, 0.5668, -0.9616];
const largeB = [-0.0713, 0.474, -0.4149, 0.0977, -1.6404, -0.8573, 0.6883, -1.1545, 0.6505, -1.3884, -0.9074, -1.0954, 0.0071, 0.5344, -1.0658, -0.1815, 1.622, -0.3174, -0.8158, 0.3866, -0.2236, -0.7017, -1.7957, 0.8183, -0.571, 0.0008, -1.0636, 1.3017, 0.7479, 0.9809, -0.1104, 0.4679, 0.8906, 1.023, 0.3124, -0.0619, -0.3595, -0.7486, -0.9655, 0.36, -0.2446, -1.9959, -0.1552, 1.0638, -0.2752, -1.8533, -0.1243, 0.785, 0.202, -0.4281, 1.8483, 1.9, -0.0984, 0.8134, 0.3925, 0.7814, 1.4533, 0.8202, 0.0877, -0.6535];

describe('wilcoxonSignedRank', () => {
  it('reproduces the SciPy documentation example (exact)', () => {
    // scipy 1.17.1: wilcoxon(d, alternative=...) with method='exact'
    const two = wilcoxonSignedRank(corn, zeros);
    expect(two).toMatchObject({ method: EXACT, statistic: 24, wPlus: 96, wMinus: 24, n: 15, zeros: 0, nUsed: 15 });
    expect(two.pValue).toBe(0.041259765625);
    const greater = wilcoxonSignedRank(corn, zeros, { alternative: 'greater' });
    expect(greater.statistic).toBe(96);
    expect(greater.pValue).toBe(0.0206298828125);
    const less = wilcoxonSignedRank(corn, zeros, { alternative: 'less' });
    expect(less.statistic).toBe(96);
    expectRel(less.pValue, 0.982330322265625);
    // matched-pairs rank-biserial (96 − 24) / 120
    expect(two.effectSize).toEqual({ measure: 'rank-biserial', value: 0.6 });
  });

  it('normal approximation with continuity correction matches scipy', () => {
    // scipy 1.17.1: wilcoxon(d, method='asymptotic', correction=True, alternative=...)
    const expected = { 'two-sided': 0.043772323763041174, greater: 0.021886161881520587, less: 0.9809166843332187 } as const;
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const r = wilcoxonSignedRank(corn, zeros, { alternative, method: 'approximate' });
      expect(r.method).toBe(NORMAL_APPROXIMATION);
      expectRel(r.pValue, expected[alternative]);
    }
  });

  it("reproduces SciPy's roundoff example: x − y is computed in floating point", () => {
    // SciPy docs: wilcoxon(x, y, alternative='greater') → WilcoxonResult(statistic=5.0, pvalue=0.5625)
    const r = wilcoxonSignedRank([0.5, 0.825, 0.375, 0.5], [0.525, 0.775, 0.325, 0.55], { alternative: 'greater' });
    expect(r.statistic).toBe(5);
    expect(r.pValue).toBe(0.5625);
  });

  it("reproduces R's wilcox.test paired example", () => {
    // R: V = 40, p-value = 0.01953; scipy 1.17.1: 40.0, 0.01953125 (= 10/512)
    const r = wilcoxonSignedRank(visit1, visit2, { alternative: 'greater' });
    expect(r.wPlus).toBe(40);
    expect(r.pValue).toBe(0.01953125);
    // scipy 1.17.1 two-sided: (5.0, 0.0390625)
    expect(wilcoxonSignedRank(visit1, visit2)).toMatchObject({ statistic: 5, pValue: 0.0390625 });
  });

  it('uses the approximation with tie correction when |differences| tie, dropping zeros', () => {
    const a = [1.5, 2.0, 3.0, 3.0, 4.5, 5.0, 6.0, 2.5, 7.0, 8.0, 1.0, 4.0];
    const b = [1.0, 2.5, 2.0, 2.0, 3.5, 4.0, 6.0, 3.0, 5.0, 6.0, 1.0, 2.0];
    // scipy 1.17.1: wilcoxon(a, b, method='asymptotic', correction=True, alternative=...)
    const expected = { 'two-sided': [4, 0.017679220543013283], greater: [51, 0.008839610271506641], less: [51, 0.993345853504557] } as const;
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const r = wilcoxonSignedRank(a, b, { alternative });
      expect(r).toMatchObject({ method: NORMAL_APPROXIMATION, n: 12, zeros: 2, nUsed: 10, statistic: expected[alternative][0] });
      expectRel(r.pValue, expected[alternative][1]);
    }
    expect(() => wilcoxonSignedRank(a, b, { method: 'exact' })).toThrow(/distinct/);
  });

  it('drops zero differences and stays exact when the rest do not tie', () => {
    const a = [3.1, 2.0, 5.5, 4.0, 1.2, 6.3, 2.2, 8.0];
    const b = [1.0, 2.0, 5.0, 4.0, 1.9, 2.3, 1.0, 8.0];
    // scipy 1.17.1: wilcoxon(a, b, method='exact', alternative=...) (also its 'auto' here)
    const expected = { 'two-sided': [2, 0.1875], greater: [13, 0.09375], less: [13, 0.9375] } as const;
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const r = wilcoxonSignedRank(a, b, { alternative });
      expect(r).toMatchObject({ method: EXACT, zeros: 3, nUsed: 5, statistic: expected[alternative][0], pValue: expected[alternative][1] });
    }
  });

  it('is exact up to 50 pairs and approximate above', () => {
    // scipy 1.17.1: wilcoxon(a[:50], b[:50], method='exact', alternative=...)
    const exact = { 'two-sided': [343, 0.003913313547160513], greater: [932, 0.0019566567735802565], less: [932, 0.998106776513767] } as const;
    // scipy 1.17.1: wilcoxon(a, b, method='asymptotic', correction=True, alternative=...)
    const approx = { 'two-sided': [632, 0.03755738590042525], greater: [1198, 0.018778692950212623], less: [1198, 0.9815565858579751] } as const;
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const e = wilcoxonSignedRank(largeA.slice(0, 50), largeB.slice(0, 50), { alternative });
      expect(e).toMatchObject({ method: EXACT, statistic: exact[alternative][0] });
      expectRel(e.pValue, exact[alternative][1]);
      const n = wilcoxonSignedRank(largeA, largeB, { alternative });
      expect(n).toMatchObject({ method: NORMAL_APPROXIMATION, statistic: approx[alternative][0] });
      expectRel(n.pValue, approx[alternative][1]);
    }
  });

  it('all differences zero: p = 1 with a note, not NaN', () => {
    const r = wilcoxonSignedRank([1, 2, 3], [1, 2, 3]);
    expect(r).toMatchObject({ statistic: 0, pValue: 1, nUsed: 0, zeros: 3 });
    expect(r.note).toMatch(/every difference/);
  });

  it('refuses mismatched lengths and bad options', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(StatsInputError);
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(/same length/);
    expect(() => wilcoxonSignedRank([1, 2], [0, 1], { method: 'fast' as never })).toThrow(/method must be one of/);
  });
});
