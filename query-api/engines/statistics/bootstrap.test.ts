import { describe, expect, it } from 'vitest';
import { bootstrapMeanDifference } from './bootstrap.ts';
import { StatsInputError } from './errors.ts';
import { createPrng, xoshiro128StarStar } from './prng.ts';

// A skewed metric (e.g. per-seed loss gaps) where BCa and percentile intervals clearly differ.
const a = [0.12, 0.31, 0.05, 0.88, 0.22, 0.47, 0.09, 1.35, 0.18, 0.26, 0.61, 0.14];
const b = [0.1, 0.2, 0.07, 0.35, 0.19, 0.3, 0.11, 0.42, 0.16, 0.21, 0.33, 0.12];

describe('bootstrapMeanDifference', () => {
  it('same seed → same result; another seed → another Monte Carlo draw', () => {
    const one = bootstrapMeanDifference(a, b, { paired: true, seed: 42 });
    expect(bootstrapMeanDifference(a, b, { paired: true, seed: 42 })).toEqual(one);
    expect(bootstrapMeanDifference(a, b, { paired: true, seed: 43 }).percentile).not.toEqual(one.percentile);
    expect(one).toMatchObject({ resamples: 10_000, seed: 42, paired: true, nA: 12, nB: 12 });
  });

  it('contains the observed mean difference for a typical sample', () => {
    for (const paired of [true, false]) {
      const r = bootstrapMeanDifference(a, b, { paired });
      for (const ci of [r.percentile, r.bca]) {
        expect(ci.lower).toBeLessThan(r.estimate);
        expect(ci.upper).toBeGreaterThan(r.estimate);
        expect(ci.confidence).toBe(0.95);
      }
    }
  });

  it('agrees with scipy.stats.bootstrap within Monte Carlo error', () => {
    // scipy 1.17.1: bootstrap((a, b), lambda x, y, axis: x.mean(axis) - y.mean(axis), paired=...,
    //   vectorized=True, n_resamples=400000, method='percentile' | 'BCa', rng=default_rng(1))
    const scipy = {
      paired: { percentile: [0.04583333333333331, 0.34833333333333333], bca: [0.06583333333333335, 0.4141666666666667] },
      unpaired: { percentile: [-0.019166666666666693, 0.4133333333333332], bca: [0.008333333333333304, 0.4716666666666667] },
    };
    for (const paired of [true, false]) {
      const r = bootstrapMeanDifference(a, b, { paired, resamples: 100_000, seed: 7 });
      const ref = scipy[paired ? 'paired' : 'unpaired'];
      // 0.01 is about 3 Monte Carlo standard errors of a tail quantile here; BCa and
      // percentile bounds differ by 0.02–0.07, so a wrong correction would fail.
      expect(Math.abs(r.percentile.lower - ref.percentile[0]!)).toBeLessThan(0.01);
      expect(Math.abs(r.percentile.upper - ref.percentile[1]!)).toBeLessThan(0.01);
      expect(Math.abs(r.bca.lower - ref.bca[0]!)).toBeLessThan(0.01);
      expect(Math.abs(r.bca.upper - ref.bca[1]!)).toBeLessThan(0.01);
    }
  });

  it('the acceleration equals the closed-form jackknife value for a mean', () => {
    // numpy: u = d - d.mean(); (u**3).sum() / (6 * ((u**2).sum())**1.5) for d = a - b
    const r = bootstrapMeanDifference(a, b, { paired: true, resamples: 100 });
    expect(Math.abs(r.acceleration - 0.0865548065740714)).toBeLessThan(1e-12);
  });

  it('one-sided alternatives leave one side open', () => {
    const two = bootstrapMeanDifference(a, b, { paired: true });
    const greater = bootstrapMeanDifference(a, b, { paired: true, alternative: 'greater' });
    expect(greater.percentile.upper).toBe(Infinity);
    expect(greater.bca.upper).toBe(Infinity);
    expect(greater.percentile.lower).toBeGreaterThan(two.percentile.lower);
    const less = bootstrapMeanDifference(a, b, { paired: true, alternative: 'less' });
    expect(less.percentile.lower).toBe(-Infinity);
    expect(less.percentile.upper).toBeLessThan(two.percentile.upper);
  });

  it('constant data: the intervals collapse to the estimate, with a note', () => {
    const r = bootstrapMeanDifference([2, 2, 2], [1, 1, 1, 1], { paired: false });
    expect(r.estimate).toBe(1);
    expect(r.percentile).toMatchObject({ lower: 1, upper: 1 });
    expect(r.bca).toMatchObject({ lower: 1, upper: 1 });
    expect(r.note).toMatch(/same mean difference/);
  });

  it('runs 10,000 resamples of 1,000 pairs quickly', () => {
    const x = Array.from({ length: 1000 }, (_, i) => Math.sin(i) + (i % 7));
    const y = Array.from({ length: 1000 }, (_, i) => Math.cos(i));
    const started = performance.now();
    bootstrapMeanDifference(x, y, { paired: true });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses bad options and samples too small to resample', () => {
    expect(() => bootstrapMeanDifference(a, b, {} as never)).toThrow(/options.paired/);
    expect(() => bootstrapMeanDifference(a, b, { paired: true, resamples: 10 })).toThrow(/resamples must be an integer from 100/);
    expect(() => bootstrapMeanDifference(a, b, { paired: true, seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => bootstrapMeanDifference([1], [2], { paired: true })).toThrow(StatsInputError);
    expect(() => bootstrapMeanDifference([1, 2], [2], { paired: false })).toThrow(/sample b has 1 value/);
    expect(() => bootstrapMeanDifference(a, b.slice(1), { paired: true })).toThrow(/same length/);
  });
});

describe('prng', () => {
  it('xoshiro128** matches the reference algorithm', () => {
    // Worked by hand from the reference C code (prng.di.unimi.it/xoshiro128starstar.c) with
    // state {1, 2, 3, 4}: rotl(2·5, 7)·9 = 11520, then 0, then rotl(1029·5, 7)·9 = 5927040.
    const next = xoshiro128StarStar(1, 2, 3, 4);
    expect([next(), next(), next()]).toEqual([11520, 0, 5927040]);
  });

  it('below(n) stays in range and the same seed repeats the stream', () => {
    const p = createPrng(123);
    const q = createPrng(123);
    const r = createPrng(2 ** 32 + 123);
    let differs = false;
    for (let i = 0; i < 1000; i++) {
      const v = p.below(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
      expect(q.below(7)).toBe(v);
      if (r.below(7) !== v) differs = true;
    }
    expect(differs).toBe(true);
  });
});
