import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from './proportions.ts';

describe('twoProportionZTest', () => {
  it('matches a hand computation (45/100 against 60/100: pooled 0.525)', () => {
    const r = twoProportionZTest(45, 100, 60, 100);
    // se = sqrt(0.525 · 0.475 · 0.02) = 0.070622; z = −0.15 / se = −2.12398; p = 2·Φ(−2.12398) = 0.033674
    expect(r.difference).toBeCloseTo(-0.15, 12);
    expect(r.z).toBeCloseTo(-2.12398, 4);
    expect(r.pValue).toBeCloseTo(0.033674, 5);
    expect(twoProportionZTest(45, 100, 60, 100, 'less').pValue).toBeCloseTo(0.016837, 5);
  });

  it('has no statistic for an empty side, and p = 1 when both sides are all or none alike', () => {
    expect(twoProportionZTest(0, 0, 3, 10)).toEqual({ difference: NaN, z: null, pValue: null });
    expect(twoProportionZTest(10, 10, 20, 20)).toEqual({ difference: 0, z: null, pValue: 1 });
  });
});
