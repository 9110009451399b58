import { describe, expect, it } from 'vitest';
import { fixed, formatP, percent, sharedDecimals, significant } from './format.ts';

describe('sentence number formatting', () => {
  it('shares decimals across a difference and its interval (3 significant digits of the largest, 2 of the others)', () => {
    expect(sharedDecimals([0.012, 0.004, 0.02])).toBe(4);
    expect(sharedDecimals([2.5, 0.45, 4.55])).toBe(2);
    expect(sharedDecimals([1234, 10, null])).toBe(0);
    expect(sharedDecimals([0, null])).toBe(3);
    // Every other value keeps 2 significant digits: -0.5 beside -125 is -0.50, not -1.
    expect(sharedDecimals([-0.5, -125, 2.5])).toBe(2);
    expect(fixed(-0.5, sharedDecimals([-0.5, -125, 2.5]))).toBe('-0.50');
    expect(sharedDecimals([1.2, 0.004, 2.5])).toBe(4);
    // Rounding noise (under a millionth of the largest) does not add decimals.
    expect(sharedDecimals([1e-17, -1, 1])).toBe(2);
    expect(fixed(-0.00001, 3)).toBe('0.000');
    expect(fixed(-0.0123, 3)).toBe('-0.012');
  });

  it('prints p-values with three significant digits, very small ones as a bound', () => {
    expect(formatP(0.0078125)).toBe('p = 0.00781');
    expect(formatP(0.125)).toBe('p = 0.125');
    expect(formatP(1)).toBe('p = 1');
    expect(formatP(0.00001)).toBe('p < 0.0001');
  });

  it('prints confidence levels as percentages and numbers with significant digits', () => {
    expect(percent(0.95)).toBe('95%');
    expect(percent(0.999)).toBe('99.9%');
    expect(percent(1 - 0.05)).toBe('95%');
    expect(significant(0.91234, 3)).toBe('0.912');
    expect(significant(1.5e-7, 2)).toBe('1.5e-7');
    expect(significant(0)).toBe('0');
  });
});
