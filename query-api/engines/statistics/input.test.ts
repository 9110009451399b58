import { describe, expect, it } from 'vitest';
import { StatsInputError, bootstrapMeanDifference, mannWhitneyU, pairedTTest, wilcoxonSignedRank, welchTTest } from './index.ts';
import type { Sample } from './index.ts';

type Test = (a: Sample, b: Sample) => unknown;
const tests: Record<string, Test> = {
  pairedTTest,
  welchTTest,
  wilcoxonSignedRank,
  mannWhitneyU,
  'bootstrap (paired)': (a, b) => bootstrapMeanDifference(a, b, { paired: true, resamples: 100 }),
  'bootstrap (unpaired)': (a, b) => bootstrapMeanDifference(a, b, { paired: false, resamples: 100 }),
};
const paired = ['pairedTTest', 'wilcoxonSignedRank', 'bootstrap (paired)'];

const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
};

describe.each(Object.entries(tests))('%s input rules', (name, test) => {
  it.each([NaN, Infinity, -Infinity])('refuses %s with the index named', (bad) => {
    const e = thrown(() => test([1, 2, bad, 4], [1, 2, 3, 5]));
    expect(e).toBeInstanceOf(StatsInputError);
    expect(e.name).toBe('StatsInputError');
    expect(e.message).toBe(`sample a has a non-finite value at index 2 (${String(bad)}); remove or replace it before testing`);
    expect(() => test([1, 2, 3, 4], [1, bad, 3, 5])).toThrow(/sample b has a non-finite value at index 1/);
  });

  it('refuses empty samples', () => {
    expect(() => test([], [1, 2])).toThrow(StatsInputError);
    expect(() => test([1, 2], [])).toThrow(/sample b is empty/);
  });

  it('refuses non-numbers and non-arrays', () => {
    expect(() => test([1, '2' as never, 3], [1, 2, 3])).toThrow(/index 1/);
    expect(() => test(null as never, [1, 2])).toThrow(/must be an array of numbers/);
  });

  if (paired.includes(name)) {
    it('refuses paired samples of different lengths', () => {
      expect(() => test([1, 2, 3], [1, 2])).toThrow(/same length: a has 3 values, b has 2/);
    });
  }

  it('accepts typed arrays', () => {
    expect(() => test(Float64Array.of(1, 2, 3.5, 4), Float32Array.of(0.5, 2, 3, 6))).not.toThrow();
  });
});

describe('options', () => {
  it('refuse unknown alternatives and confidence levels outside (0, 1)', () => {
    expect(() => pairedTTest([1, 2], [2, 4], { alternative: 'bigger' as never })).toThrow(/alternative must be one of two-sided, greater, less; got "bigger"/);
    for (const confidence of [0, 1, 95, NaN]) {
      expect(() => welchTTest([1, 2], [2, 4], { confidence })).toThrow(/confidence must be a number strictly between 0 and 1/);
    }
    expect(() => mannWhitneyU([1, 2], [2, 4], { alternative: 'two.sided' as never })).toThrow(StatsInputError);
  });

  it('n = 1 is fine where no variance is needed', () => {
    expect(wilcoxonSignedRank([2], [1]).pValue).toBe(1);
    expect(mannWhitneyU([2], [1]).pValue).toBe(1);
  });

  it('values so large that sums overflow are refused instead of returning NaN or nonsense', () => {
    expect(() => pairedTTest([1e308, -1e308, 1e308], [0, 0, 0])).toThrow(/too large in magnitude to compute the standard deviation/);
    expect(() => welchTTest([1e308, 1e308, 1e307], [1, 2])).toThrow(/the mean of a/);
    expect(() => wilcoxonSignedRank([1e308, 1], [-1e308, 2])).toThrow(/a\[0\] - b\[0\]/);
    expect(() => bootstrapMeanDifference([1e308, -1e308], [0, 1], { paired: false, resamples: 100 })).toThrow(/resampled means/);
    // Ranks do not care about magnitude.
    expect(mannWhitneyU([1e308, -1e308], [0, 1]).pValue).toBe(1);
  });
});
