import { describe, expect, it } from 'vitest';
import { quantileSorted } from './descriptive.ts';

describe('quantileSorted (type 7, linear interpolation)', () => {
  const x = Float64Array.of(1, 3, 7, 15);

  it("matches R's quantile(c(1, 3, 7, 15), type = 7)", () => {
    // R: quantile(c(1, 3, 7, 15), c(0.1, 0.25, 0.5, 0.75, 0.9)) → 1.6 2.5 5 9 12.6 (h = 3q)
    expect(quantileSorted(x, 0.1)).toBeCloseTo(1.6, 12);
    expect(quantileSorted(x, 0.25)).toBe(2.5);
    expect(quantileSorted(x, 0.5)).toBe(5);
    expect(quantileSorted(x, 0.75)).toBe(9);
    expect(quantileSorted(x, 0.9)).toBeCloseTo(12.6, 12);
  });

  it('gives the order statistic itself when (n − 1)q is whole, and the midpoint of two values at q = 0.5', () => {
    expect(quantileSorted(x, 1 / 3)).toBe(3);
    expect(quantileSorted(Float64Array.of(-2, 4), 0.5)).toBe(1);
    expect(quantileSorted(Float64Array.of(2, 2, 2, 5), 0.5)).toBe(2);
  });

  it('q = 0 is the minimum and q = 1 the maximum (no read past the end)', () => {
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(15);
  });

  it('one value is every quantile', () => {
    const one = Float64Array.of(42);
    for (const q of [0, 0.025, 0.5, 0.975, 1]) expect(quantileSorted(one, q)).toBe(42);
  });
});
