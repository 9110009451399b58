import { describe, expect, it } from 'vitest';
import { StatsInputError } from '../engines/statistics/index.ts';
import { chooseAuto, nonZeroDifferences, pairedFor } from './choose-test.ts';

const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('pairedFor', () => {
  it('derives pairing from named tests and refuses a contradicting flag', () => {
    expect(pairedFor('paired-t', undefined)).toBe(true);
    expect(pairedFor('wilcoxon', true)).toBe(true);
    expect(pairedFor('welch-t', undefined)).toBe(false);
    expect(pairedFor('mann-whitney', false)).toBe(false);
    expect(pairedFor('auto', undefined)).toBe(false);
    expect(pairedFor('bootstrap', true)).toBe(true);
    expect(() => pairedFor('welch-t', true)).toThrow(StatsInputError);
    expect(() => pairedFor('wilcoxon', false)).toThrow(/compares paired samples/);
  });
});

describe('chooseAuto', () => {
  it('paired: Wilcoxon when it can reach alpha, the paired t-test otherwise, and says why', () => {
    const six = chooseAuto({ paired: true, a: seq(6, 1), b: seq(6, 0), alternative: 'two-sided', alpha: 0.05 });
    expect(six.test).toBe('wilcoxon');
    expect(six.reason).toMatch(/6 nonzero differences it can reach p = 0.0313, below alpha = 0.05/);
    expect(six.warnings).toEqual([]);
    const five = chooseAuto({ paired: true, a: seq(5, 1), b: seq(5, 0), alternative: 'two-sided', alpha: 0.05 });
    expect(five.test).toBe('paired-t');
    expect(five.reason).toMatch(/cannot give p below 0.0625/);
    expect(five.warnings[0]).toMatch(/could never reach significance at alpha = 0.05/);
    // One-sided halves the smallest p: 5 pairs then suffice.
    expect(chooseAuto({ paired: true, a: seq(5, 1), b: seq(5, 0), alternative: 'greater', alpha: 0.05 }).test).toBe('wilcoxon');
    // Zero differences do not count.
    expect(nonZeroDifferences([1, 2, 3, 4, 5, 6], [1, 2, 0, 0, 0, 0])).toBe(4);
    expect(chooseAuto({ paired: true, a: [1, 2, 3, 4, 5, 6, 7, 8], b: [1, 2, 0, 0, 0, 0, 0, 0], alternative: 'two-sided', alpha: 0.05 }).test).toBe('wilcoxon');
    expect(chooseAuto({ paired: true, a: [1, 2, 3, 4, 5, 6], b: [1, 2, 0, 0, 0, 0], alternative: 'two-sided', alpha: 0.05 }).test).toBe('paired-t');
    expect(chooseAuto({ paired: true, a: [1, 2], b: [1, 2], alternative: 'two-sided', alpha: 0.05 })).toMatchObject({ test: 'wilcoxon', reason: expect.stringMatching(/every difference is 0/) });
  });

  it('independent: Mann-Whitney when it can reach alpha, Welch otherwise', () => {
    expect(chooseAuto({ paired: false, a: seq(4), b: seq(4), alternative: 'two-sided', alpha: 0.05 }).test).toBe('mann-whitney');
    const small = chooseAuto({ paired: false, a: seq(3), b: seq(3), alternative: 'two-sided', alpha: 0.05 });
    expect(small.test).toBe('welch-t');
    expect(small.reason).toMatch(/cannot give p below 0.1 /);
    expect(chooseAuto({ paired: false, a: seq(3), b: seq(3), alternative: 'two-sided', alpha: 0.1 }).test).toBe('mann-whitney');
  });
});
