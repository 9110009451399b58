import { describe, expect, it } from 'vitest';
import { benjaminiHochbergAdjust, holmAdjust } from './corrections.ts';
import { StatsInputError } from './errors.ts';
import { expectRel } from './test-util.ts';

// The 15 p-values of Benjamini & Hochberg (1995), JRSS B 57(1), §4 — also the example in
// SciPy's false_discovery_control documentation. BH at q = 0.05 rejects the first four.
const bh1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

const expectAllRel = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expectRel(v, expected[i]!, 1e-12));
};

describe('benjaminiHochbergAdjust', () => {
  it('matches scipy false_discovery_control on the 1995 paper example', () => {
    // scipy 1.17.1: scipy.stats.false_discovery_control(ps, method='bh')
    const expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645, 0.07650000000000001, 0.486, 0.5811818181818181, 0.7148749999999999, 0.7532307692307693, 0.8132142857142857, 1.0];
    const adjusted = benjaminiHochbergAdjust(bh1995);
    expectAllRel(adjusted, expected);
    expect(adjusted.filter((p) => p <= 0.05)).toHaveLength(4);
  });

  it('keeps the input order and handles ties', () => {
    // scipy 1.17.1: false_discovery_control([0.04, 0.001, 0.2, 0.04, 0.03, 0.5, 0.012]);
    // statsmodels 0.15.0 multipletests(..., method='fdr_bh') agrees.
    expectAllRel(benjaminiHochbergAdjust([0.04, 0.001, 0.2, 0.04, 0.03, 0.5, 0.012]), [0.056, 0.007, 0.23333333333333336, 0.056, 0.056, 0.5, 0.042]);
  });
});

describe('holmAdjust', () => {
  it('matches statsmodels multipletests(method="holm")', () => {
    // statsmodels 0.15.0: multipletests(ps, method='holm')[1]
    const expected = [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1];
    expectAllRel(holmAdjust(bh1995), expected);
    // statsmodels 0.15.0: multipletests([0.04, 0.001, 0.2, 0.04, 0.03, 0.5, 0.012], method='holm')[1]
    expectAllRel(holmAdjust([0.04, 0.001, 0.2, 0.04, 0.03, 0.5, 0.012]), [0.16, 0.007, 0.4, 0.16, 0.15, 0.5, 0.072]);
  });
});

describe('both adjustments', () => {
  it('return [] for no p-values and p for a single one', () => {
    expect(holmAdjust([])).toEqual([]);
    expect(benjaminiHochbergAdjust([])).toEqual([]);
    expect(holmAdjust([0.3])).toEqual([0.3]);
    expect(benjaminiHochbergAdjust([0.3])).toEqual([0.3]);
  });

  it('refuse values that are not probabilities', () => {
    for (const bad of [NaN, -0.1, 1.5, Infinity]) {
      expect(() => holmAdjust([0.1, bad])).toThrow(StatsInputError);
      expect(() => benjaminiHochbergAdjust([0.1, bad])).toThrow(/index 1 must be a number from 0 to 1/);
    }
  });
});
