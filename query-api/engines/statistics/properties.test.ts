// Property tests: invariants every test must keep on arbitrary finite data, ties and zeros
// included. References for specific values live in the per-module tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benjaminiHochbergAdjust, bootstrapMeanDifference, holmAdjust, mannWhitneyU, pairedTTest, wilcoxonSignedRank, welchTTest } from './index.ts';
import type { Alternative, Sample } from './index.ts';

const ALTERNATIVES: Alternative[] = ['two-sided', 'greater', 'less'];

interface AnyResult {
  statistic: number;
  pValue: number;
  effectSize: { value: number };
}
type Test = (a: Sample, b: Sample, alternative: Alternative) => AnyResult;
const pairedTests: Record<string, Test> = {
  pairedTTest: (a, b, alternative) => pairedTTest(a, b, { alternative }),
  wilcoxonSignedRank: (a, b, alternative) => wilcoxonSignedRank(a, b, { alternative }),
};
const unpairedTests: Record<string, Test> = {
  welchTTest: (a, b, alternative) => welchTTest(a, b, { alternative }),
  mannWhitneyU: (a, b, alternative) => mannWhitneyU(a, b, { alternative }),
};

// Small integers make ties, zero differences and zero variances common; doubles do not.
const value = fc.oneof(fc.integer({ min: -6, max: 6 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }));
const sample = (min = 2, max = 30) => fc.array(value, { minLength: min, maxLength: max });
const pairedSamples = fc.integer({ min: 2, max: 30 }).chain((n) => fc.tuple(fc.array(value, { minLength: n, maxLength: n }), fc.array(value, { minLength: n, maxLength: n })));
const unpairedSamples = fc.tuple(sample(), sample());
const intSample = (n: number) => fc.array(fc.integer({ min: -50, max: 50 }), { minLength: n, maxLength: n });
const intPaired = fc.integer({ min: 2, max: 30 }).chain((n) => fc.tuple(intSample(n), intSample(n)));
const intUnpaired = fc.tuple(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 30 })).chain(([n, m]) => fc.tuple(intSample(n), intSample(m)));
const shift = fc.integer({ min: -1000, max: 1000 });

// Equal infinities count as close (t and d are ±Infinity for zero-variance samples that differ).
const closeTo = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

const suites = [
  ['paired', pairedTests, pairedSamples, intPaired],
  ['unpaired', unpairedTests, unpairedSamples, intUnpaired],
] as const;

for (const [kind, tests, samples, intSamples] of suites) {
  describe.each(Object.entries(tests))(`%s (${kind}) properties`, (_name, test) => {
    it('p-values lie in [0, 1] and nothing is NaN', () => {
      fc.assert(
        fc.property(samples, fc.constantFrom(...ALTERNATIVES), ([a, b], alternative) => {
          const r = test(a, b, alternative);
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
          expect(Number.isNaN(r.statistic) || Number.isNaN(r.effectSize.value)).toBe(false);
        }),
      );
    });

    it('two-sided p is the same when a and b swap; one-sided p swaps with the alternative', () => {
      fc.assert(
        fc.property(samples, ([a, b]) => {
          expect(closeTo(test(b, a, 'two-sided').pValue, test(a, b, 'two-sided').pValue)).toBe(true);
          expect(closeTo(test(b, a, 'less').pValue, test(a, b, 'greater').pValue)).toBe(true);
          expect(closeTo(test(b, a, 'two-sided').effectSize.value, -test(a, b, 'two-sided').effectSize.value)).toBe(true);
        }),
      );
    });

    it('shifting both samples by the same constant changes no p-value', () => {
      fc.assert(
        fc.property(intSamples, shift, fc.constantFrom(...ALTERNATIVES), ([a, b], c, alternative) => {
          const moved = test(a.map((x) => x + c), b.map((x) => x + c), alternative);
          expect(closeTo(moved.pValue, test(a, b, alternative).pValue)).toBe(true);
        }),
      );
    });
  });
}

describe('multiple-comparison adjustments', () => {
  const pValues = fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.01, 0.05, 1)), { maxLength: 40 });

  it('are monotone in p, at least p, at most 1, and Holm ≥ BH', () => {
    fc.assert(
      fc.property(pValues, (p) => {
        const holm = holmAdjust(p);
        const bh = benjaminiHochbergAdjust(p);
        for (const adj of [holm, bh]) {
          for (let i = 0; i < p.length; i++) {
            expect(adj[i]).toBeGreaterThanOrEqual(p[i]!);
            expect(adj[i]).toBeLessThanOrEqual(1);
            for (let j = 0; j < p.length; j++) if (p[i]! <= p[j]!) expect(adj[i]).toBeLessThanOrEqual(adj[j]!);
          }
        }
        for (let i = 0; i < p.length; i++) {
          expect(holm[i]).toBeGreaterThanOrEqual(bh[i]!);
          expect(holm[i]).toBeLessThanOrEqual(Math.min(1, p.length * p[i]!));
        }
      }),
    );
  });

  it('do not depend on the order of the input', () => {
    fc.assert(
      fc.property(pValues, (p) => {
        const reversed = [...p].reverse();
        expect(holmAdjust(reversed)).toEqual(holmAdjust(p).reverse());
        expect(benjaminiHochbergAdjust(reversed)).toEqual(benjaminiHochbergAdjust(p).reverse());
      }),
    );
  });
});

describe('bootstrap properties', () => {
  it('same seed → same result, and lower ≤ upper', () => {
    fc.assert(
      fc.property(unpairedSamples, fc.boolean(), fc.integer(), ([a, b], paired, seed) => {
        const y = paired ? a.map((x, i) => b[i % b.length]!) : b;
        const r = bootstrapMeanDifference(a, y, { paired, seed, resamples: 200 });
        expect(bootstrapMeanDifference(a, y, { paired, seed, resamples: 200 })).toEqual(r);
        expect(r.percentile.lower).toBeLessThanOrEqual(r.percentile.upper);
        expect(r.bca.lower).toBeLessThanOrEqual(r.bca.upper);
      }),
      { numRuns: 40 },
    );
  });

  it('paired intervals ignore a common shift', () => {
    fc.assert(
      fc.property(intPaired, shift, fc.integer(), ([a, b], c, seed) => {
        const r = bootstrapMeanDifference(a, b, { paired: true, seed, resamples: 200 });
        const moved = bootstrapMeanDifference(a.map((x) => x + c), b.map((x) => x + c), { paired: true, seed, resamples: 200 });
        expect(moved).toEqual(r);
      }),
      { numRuns: 40 },
    );
  });
});
