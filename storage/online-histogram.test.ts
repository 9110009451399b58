import { describe, expect, it } from 'vitest';
import { HISTOGRAM_RELATIVE_ERROR, histogramBin, histogramValue } from './online-histogram.ts';

describe('the online histogram bins', () => {
  it('give back every normal double within 0.5%, and keep the order of values', () => {
    expect(HISTOGRAM_RELATIVE_ERROR).toBeLessThan(0.005);
    const values = [0, 1e-300, 0.001, 0.5, 1, 1.0099, 80, 131.7, 1e6, 1e300, Number.MAX_VALUE];
    for (const v of [...values, ...values.map((x) => -x)]) {
      const back = histogramValue(histogramBin(v));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR * Math.abs(v) * (1 + 1e-12));
    }
    const sorted = [...values.map((x) => -x).reverse(), ...values].map((v) => histogramValue(histogramBin(v)));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!).toBeGreaterThanOrEqual(sorted[i - 1]!);
  });
});
