import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kthDifference, kthWalshAverage } from './order-statistics.ts';
import { createPrng } from './prng.ts';

// References by brute force: every Walsh average or difference computed the same way, sorted.
function allWalsh(x: Float64Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) for (let j = i; j < x.length; j++) out.push(0.5 * x[i]! + 0.5 * x[j]!);
  return Float64Array.from(out).sort();
}
function allDifferences(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length * y.length);
  let at = 0;
  for (const a of x) for (const b of y) out[at++] = a - b;
  return out.sort();
}
const sorted = (values: number[]) => Float64Array.from(values).sort();

// Small integers make ties common; doubles make every value distinct.
const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }));

describe('order statistics of Walsh averages and differences', () => {
  it('equal the sorted Walsh averages at every rank (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), (values) => {
        const x = sorted(values);
        const all = allWalsh(x);
        for (let k = 1; k <= all.length; k++) expect(kthWalshAverage(x, k)).toBe(all[k - 1]);
      }),
      { numRuns: 100 },
    );
  });

  it('equal the sorted differences at every rank (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), fc.array(value, { minLength: 1, maxLength: 40 }), (a, b) => {
        const x = sorted(a);
        const y = sorted(b);
        const all = allDifferences(x, y);
        for (let k = 1; k <= all.length; k++) expect(kthDifference(x, y, k)).toBe(all[k - 1]);
      }),
      { numRuns: 100 },
    );
  });

  it('select from millions of values without building them', () => {
    const prng = createPrng(3);
    const x = sorted(Array.from({ length: 2500 }, () => prng.below(1e6) / 1e3 - 400));
    const y = sorted(Array.from({ length: 1500 }, () => prng.below(1e4) / 10));
    const walsh = allWalsh(x); // 3,126,250 values
    const differences = allDifferences(x, y); // 3,750,000 values
    for (const q of [0, 0.025, 0.5, 0.975, 1]) {
      const k = Math.max(1, Math.round(q * walsh.length));
      expect(kthWalshAverage(x, k)).toBe(walsh[k - 1]);
      const m = Math.max(1, Math.round(q * differences.length));
      expect(kthDifference(x, y, m)).toBe(differences[m - 1]);
    }
  });

  it('refuses ranks outside the set', () => {
    expect(() => kthWalshAverage(sorted([1, 2]), 4)).toThrow(RangeError);
    expect(() => kthDifference(sorted([1]), sorted([2]), 0)).toThrow(RangeError);
  });
});
