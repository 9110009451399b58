import { describe, expect, it } from 'vitest';
import { rankAverage } from '../statistics/ranks.ts';
import { rhoOfResample } from './correlation.ts';
import { AnalyticsInputError, spearman } from './index.ts';
import { uniform } from './planted-sweep.ts';

// References from SciPy 1.17: spearmanr for ρ; the Fisher interval computed from it with the
// Bonett–Wright standard error √((1 + ρ²/2) / (n − 3)) and norm.ppf.
describe('spearman', () => {
  it('matches SciPy without ties, with the Bonett–Wright Fisher interval', () => {
    const r = spearman([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 6, 8, 7]);
    expect(r.rho).toBeCloseTo(0.9221722216732094, 12);
    expect(r.n).toBe(8);
    expect(r.ci!.lower).toBeCloseTo(0.5057096339742478, 12);
    expect(r.ci!.upper).toBeCloseTo(0.9900617410900815, 12);
    expect(r.method).toMatch(/Bonett–Wright/);
  });

  it('matches SciPy with ties in both variables (average ranks), at another confidence', () => {
    const r = spearman([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8], { confidence: 0.8 });
    expect(r.rho).toBeCloseTo(0.13471506281091267, 12);
    expect(r.ci!.lower).toBeCloseTo(-0.3372928121016836, 12);
    expect(r.ci!.upper).toBeCloseTo(0.5525972647858198, 12);
  });

  it('uses the pairs where both values are present', () => {
    const full = spearman([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 6, 8, 7]);
    const gappy = spearman([1, null, 2, 3, 4, 5, NaN, 6, 7, 8, 9], [2, 5, 1, 4, 3, 6, 1, 6, 8, 7, null]);
    expect(gappy).toEqual(full);
  });

  it('says why when ρ or its interval is undefined', () => {
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4])).toMatchObject({ rho: null, ci: null, note: expect.stringMatching(/x is constant/) });
    expect(spearman([1, 2, 3], [3, 1, 2])).toMatchObject({ rho: -0.5, ci: null, note: expect.stringMatching(/at least 4 pairs/) });
    expect(spearman([1], [1])).toMatchObject({ rho: null, n: 1 });
    expect(spearman([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])).toMatchObject({ rho: 1, ci: { lower: 1, upper: 1 } });
  });

  it('ranks resamples through tie groups exactly as ranking the resampled values', () => {
    const u = uniform(7);
    const x = Float64Array.from({ length: 200 }, () => Math.floor(u() * 20));
    const y = Float64Array.from(x, (v) => Math.floor(v / 3 + u() * 5));
    const draws = Uint32Array.from({ length: 200 }, () => Math.floor(u() * 200));
    const rx = rankAverage(Float64Array.from(draws, (d) => x[d]!)).ranks;
    const ry = rankAverage(Float64Array.from(draws, (d) => y[d]!)).ranks;
    const mean = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;
    const [mx, my] = [mean(rx), mean(ry)];
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < rx.length; i++) {
      sxy += (rx[i]! - mx) * (ry[i]! - my);
      sxx += (rx[i]! - mx) ** 2;
      syy += (ry[i]! - my) ** 2;
    }
    expect(rhoOfResample(x, y, draws)).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 12);
  });

  it('bootstrap interval: seeded, around ρ, close to the Fisher interval for many pairs', () => {
    const u = uniform(3);
    const x = Array.from({ length: 400 }, () => u());
    const y = x.map((v) => v + u());
    const boot = spearman(x, y, { interval: 'bootstrap', seed: 5 });
    expect(spearman(x, y, { interval: 'bootstrap', seed: 5 })).toEqual(boot);
    expect(spearman(x, y, { interval: 'bootstrap', seed: 6 }).ci).not.toEqual(boot.ci);
    expect(boot.method).toBe('bootstrap percentile interval');
    expect(boot.resamplesUsed).toBe(1000);
    const fisher = spearman(x, y);
    expect(boot.rho).toBe(fisher.rho);
    expect(boot.ci!.lower).toBeLessThan(boot.rho!);
    expect(boot.ci!.upper).toBeGreaterThan(boot.rho!);
    expect(Math.abs(boot.ci!.lower - fisher.ci!.lower)).toBeLessThan(0.03);
    expect(Math.abs(boot.ci!.upper - fisher.ci!.upper)).toBeLessThan(0.03);
  });

  it('bootstrap leaves out resamples with a constant side and says so', () => {
    // Two distinct x values out of 6: some resamples draw only one of them.
    const r = spearman([0, 0, 0, 0, 0, 1], [1, 2, 3, 4, 5, 6], { interval: 'bootstrap', resamples: 200 });
    expect(r.resamplesUsed).toBeLessThan(200);
    expect(r.note).toMatch(/constant x or y and were left out/);
  });

  it('refuses bad input', () => {
    expect(() => spearman([1, 2], [1])).toThrow(/x has 2 values and y 1/);
    expect(() => spearman([1, Infinity], [1, 2])).toThrow(/x\[1\] is Infinity/);
    expect(() => spearman([1, 2], [1, '2' as never])).toThrow(AnalyticsInputError);
    expect(() => spearman([1, 2], [1, 2], { interval: 'exact' as never })).toThrow(/fisher, bootstrap/);
    expect(() => spearman([1, 2], [1, 2], { resamples: 10 })).toThrow(/resamples must be an integer from 100/);
    expect(() => spearman([1, 2], [1, 2], { seed: 1.5 })).toThrow(/seed must be an integer/);
    const big = Array.from({ length: 1000 }, (_, i) => i);
    expect(() => spearman(big, big, { interval: 'bootstrap', resamples: 100_000 })).toThrow(/above the limit/);
  });
});
