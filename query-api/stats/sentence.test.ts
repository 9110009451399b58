import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runTest } from './run-test.ts';
import { summarize } from './sentence.ts';

// Distinct paired differences (no ties), so the signed-rank test is exact.
const worse = [0.909, 0.904, 0.917, 0.905, 0.913, 0.908, 0.916, 0.91];
const deltas = [0.012, 0.011, 0.013, 0.0105, 0.0125, 0.0115, 0.0135, 0.0095];
const better = worse.map((v, i) => v + deltas[i]!);
const opts = { alternative: 'two-sided', alpha: 0.05, confidence: 0.95 } as const;

describe('summarize', () => {
  it('names the winner with "beats" when a direction is known, in the form of the issue', () => {
    const r = runTest({ test: 'wilcoxon', paired: true, a: better, b: worse, ...opts });
    const s = summarize(r, { labelA: 'config A', labelB: 'B', metric: 'val/acc.max', direction: 'maximize', pairedOver: 'seeds' });
    // A rank test reports its Hodges-Lehmann estimate, named so it does not read as a mean.
    expect(s).toMatch(/^config A beats B on val\/acc\.max by a Hodges-Lehmann median difference of 0\.0117 \(95% CI 0\.0105 to 0\.0130\), paired over 8 seeds, p = 0\.00781 \(Wilcoxon signed-rank, exact\)$/);
    // Lower is better: the same numbers make B the winner, and the difference stays positive.
    expect(summarize(r, { labelA: 'A', labelB: 'B', metric: 'loss.min', direction: 'minimize', pairedOver: 'seeds' })).toMatch(/^B beats A on loss\.min by a Hodges-Lehmann median difference of 0\.0117 \(95% CI 0\.0105 to 0\.0130\)/);
    // Swapping sides flips the interval so it still reads winner minus loser.
    const swapped = runTest({ test: 'wilcoxon', paired: true, a: worse, b: better, ...opts });
    expect(summarize(swapped, { labelA: 'B', labelB: 'config A', metric: 'val/acc.max', direction: 'maximize', pairedOver: 'seeds' })).toMatch(/^config A beats B on val\/acc\.max by a Hodges-Lehmann median difference of 0\.0117 \(95% CI 0\.0105 to 0\.0130\)/);
  });

  it('never lets an outlier turn the winner against the rank test (reviewer reproduction)', () => {
    // 11 small paired gains for A and one loss of 30. The mean difference is -1.95 (t interval
    // -7.57 to 3.67), which used to print "B beats A … by 1.95 (95% CI -3.67 to 7.57) … p = 0.0342
    // (Wilcoxon signed-rank, exact)" although W+ = 66 of 78 (rank-biserial +0.69) favours A.
    const b = [0.81, 0.84, 0.79, 0.83, 0.8, 0.82, 0.85, 0.78, 0.8, 0.83, 0.81, 0.84];
    const gains = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, -30];
    const a = b.map((v, i) => v + gains[i]!);
    const r = runTest({ test: 'wilcoxon', paired: true, a, b, ...opts });
    expect(r).toMatchObject({ method: 'exact', pValue: 0.0341796875, significant: true });
    expect(r.effectSize!.value!).toBeCloseTo(54 / 78, 12);
    const s = summarize(r, { labelA: 'A', labelB: 'B', metric: 'val/acc.max', direction: 'maximize', pairedOver: 'seeds' });
    // Hodges-Lehmann 0.55 with the exact 95% interval [0.15, 0.8] (Walsh averages 14 and 65 of 78).
    expect(s).toBe('A beats B on val/acc.max by a Hodges-Lehmann median difference of 0.550 (95% CI 0.150 to 0.800), paired over 12 seeds, p = 0.0342 (Wilcoxon signed-rank, exact)');
    expect(r.notes.join(' ')).toMatch(/mean difference a - b is -1\.95, of the other sign/);
  });

  it('names the side the rank test favours, or no winner (property)', () => {
    const value = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(-1000, 1000));
    const pairs = fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(fc.array(value, { minLength: n, maxLength: n }), fc.array(value, { minLength: n, maxLength: n })));
    fc.assert(
      fc.property(pairs, fc.boolean(), fc.constantFrom(0.05, 0.2), ([a, b], paired, alpha) => {
        const r = runTest({ test: paired ? 'wilcoxon' : 'mann-whitney', paired, a, b, alternative: 'two-sided', alpha, confidence: 1 - alpha });
        const s = summarize(r, { labelA: 'A', labelB: 'B', direction: 'maximize' });
        const expected = !r.significant ? 'no significant difference' : r.effectSize!.value! > 0 ? 'A beats B' : 'B beats A';
        expect(s.startsWith(expected), `${s} (rank-biserial ${r.effectSize!.value})`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('says higher or lower without a direction, and "no significant difference" otherwise', () => {
    const r = runTest({ test: 'welch-t', paired: false, a: worse, b: better, ...opts });
    expect(summarize(r, { labelA: 'a', labelB: 'b', unit: 'values' })).toMatch(/^a is lower than b by 0\.0117 \(95% CI 0\.0060 to 0\.0174\), 8 vs 8 values, p = 0\.000671 \(Welch's t-test\)$/);
    const none = runTest({ test: 'mann-whitney', paired: false, a: [1, 3, 5, 7], b: [2, 4, 6, 8], ...opts });
    expect(summarize(none, { labelA: 'a', labelB: 'b', unit: 'runs' })).toBe('no significant difference between a and b at alpha = 0.05: Hodges-Lehmann shift a - b = -1.00 (95% CI -7.00 to 5.00), 4 vs 4 runs, p = 0.686 (Mann-Whitney U, exact)');
  });

  it('prints the estimate as the JSON has it, however wide the interval (issue 9 item 6)', () => {
    // Hodges-Lehmann shift -0.5 with the exact interval [-125, 2.5]: the decimals used to follow the
    // largest bound alone (3 significant digits of 125: none), printing "-1 (95% CI -125 to 3)".
    const a = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, -120];
    const b = [1, 2, 3, 4, 5, 6, 150];
    const r = runTest({ test: 'mann-whitney', paired: false, a, b, ...opts });
    expect(r).toMatchObject({ method: 'exact', estimate: -0.5, confidenceInterval: { lower: -125, upper: 2.5 }, significant: false });
    expect(summarize(r, { labelA: 'a', labelB: 'b', unit: 'values' })).toBe('no significant difference between a and b at alpha = 0.05: Hodges-Lehmann shift a - b = -0.50 (95% CI -125.00 to 2.50), 7 vs 7 values, p = 0.71 (Mann-Whitney U, exact)');
    // The same numbers as a significant result (alpha 0.75): the difference still reads 0.50.
    const loose = runTest({ test: 'mann-whitney', paired: false, a, b, alternative: 'two-sided', alpha: 0.75, confidence: 0.95 });
    expect(summarize(loose, { labelA: 'a', labelB: 'b', unit: 'values', direction: 'maximize' })).toBe('b beats a by a Hodges-Lehmann shift of 0.50 (95% CI -2.50 to 125.00), 7 vs 7 values, p = 0.71 (Mann-Whitney U, exact)');
  });

  it('the printed estimate and bounds round the JSON fields to at least 2 significant digits (property)', () => {
    const value = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(-1000, 1000, 0.001, -0.02));
    const samples = fc.integer({ min: 2, max: 15 }).chain((n) => fc.tuple(fc.array(value, { minLength: n, maxLength: n }), fc.array(value, { minLength: n, maxLength: n })));
    /** The printed text agrees with x when it is x rounded to 2 significant digits or more. */
    const agrees = (text: string, x: number, largest: number) => {
      const printed = Number(text);
      // Below a millionth of the largest a number counts as 0 when the decimals are chosen: it
      // is then only as exact as the printed decimals (-0.0005 may read -0.001 beside 999.98).
      const decimals = (text.split('.')[1] ?? '').length;
      if (Math.abs(x) < largest * 1e-6) return Math.abs(printed - x) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
      return Math.abs(printed - x) <= 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(x))) - 1) * (1 + 1e-9);
    };
    fc.assert(
      fc.property(samples, fc.boolean(), fc.constantFrom(0.05, 0.5), ([a, b], paired, alpha) => {
        const r = runTest({ test: paired ? 'wilcoxon' : 'mann-whitney', paired, a, b, alternative: 'two-sided', alpha, confidence: 0.95 });
        fc.pre(r.estimate !== null && r.confidenceInterval !== null);
        const s = summarize(r, { labelA: 'A', labelB: 'B', direction: 'maximize' });
        const m = /(?:= | of )(-?[\d.]+) \([\d.]+% CI (-?[\d.]+) to (-?[\d.]+)\)/.exec(s);
        expect(m, s).not.toBeNull();
        const { lower, upper } = r.confidenceInterval!;
        const est = r.estimate!;
        const largest = Math.max(Math.abs(est), Math.abs(lower!), Math.abs(upper!));
        // Decimals stop at 12: magnitudes far below 1e-3 are out of scope here.
        fc.pre(largest === 0 || largest >= 1e-3);
        // A named winner reads winner minus loser: the estimate's magnitude, the interval turned.
        const flipped = s.startsWith('B beats A');
        const [e, lo, hi] = flipped ? [-est, -upper!, -lower!] : [est, lower!, upper!];
        expect(agrees(m![1]!, e, largest), `${s} (estimate ${est})`).toBe(true);
        expect(agrees(m![2]!, lo, largest), `${s} (lower ${lower})`).toBe(true);
        expect(agrees(m![3]!, hi, largest), `${s} (upper ${upper})`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes one-sided intervals as a bound, and the bootstrap without a p-value', () => {
    const g = runTest({ test: 'paired-t', paired: true, a: better, b: worse, ...opts, alternative: 'greater' });
    expect(summarize(g, { labelA: 'A', labelB: 'B', direction: 'maximize', pairedOver: 'seeds' })).toMatch(/^A beats B by 0\.0117 \(95% CI: at least 0\.0108\), paired over 8 seeds, p < 0\.0001 \(paired t-test\)$/);
    const b = runTest({ test: 'bootstrap', paired: true, a: better, b: worse, ...opts, resamples: 1000 });
    expect(summarize(b, { labelA: 'A', labelB: 'B', pairedOver: 'seeds' })).toMatch(/^A is higher than B by 0\.0117 \(95% CI 0\.01\d\d to 0\.01\d\d\), paired over 8 seeds \(bootstrap BCa, 1000 resamples\)$/);
  });
});
