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
    expect(s).toMatch(/^config A beats B on val\/acc\.max by 0\.0117 \(95% CI 0\.0106 to 0\.0128\), paired over 8 seeds, p = 0\.00781 \(Wilcoxon signed-rank, exact\)$/);
    // Lower is better: the same numbers make B the winner, and the difference stays positive.
    expect(summarize(r, { labelA: 'A', labelB: 'B', metric: 'loss.min', direction: 'minimize', pairedOver: 'seeds' })).toMatch(/^B beats A on loss\.min by 0\.0117 \(95% CI 0\.0106 to 0\.0128\)/);
    // Swapping sides flips the interval so it still reads winner minus loser.
    const swapped = runTest({ test: 'wilcoxon', paired: true, a: worse, b: better, ...opts });
    expect(summarize(swapped, { labelA: 'B', labelB: 'config A', metric: 'val/acc.max', direction: 'maximize', pairedOver: 'seeds' })).toMatch(/^config A beats B on val\/acc\.max by 0\.0117 \(95% CI 0\.0106 to 0\.0128\)/);
  });

  it('says higher or lower without a direction, and "no significant difference" otherwise', () => {
    const r = runTest({ test: 'welch-t', paired: false, a: worse, b: better, ...opts });
    expect(summarize(r, { labelA: 'a', labelB: 'b', unit: 'values' })).toMatch(/^a is lower than b by 0\.0117 \(95% CI 0\.0060 to 0\.0174\), 8 vs 8 values, p = 0\.000671 \(Welch's t-test\)$/);
    const none = runTest({ test: 'mann-whitney', paired: false, a: [1, 3, 5, 7], b: [2, 4, 6, 8], ...opts });
    expect(summarize(none, { labelA: 'a', labelB: 'b', unit: 'runs' })).toMatch(/^no significant difference between a and b at alpha = 0\.05: a - b = -1\.00 \(95% CI -\d\.\d\d to \d\.\d\d\), 4 vs 4 runs, p = 0\.686 \(Mann-Whitney U, exact\)$/);
  });

  it('writes one-sided intervals as a bound, and the bootstrap without a p-value', () => {
    const g = runTest({ test: 'paired-t', paired: true, a: better, b: worse, ...opts, alternative: 'greater' });
    expect(summarize(g, { labelA: 'A', labelB: 'B', direction: 'maximize', pairedOver: 'seeds' })).toMatch(/^A beats B by 0\.0117 \(95% CI: at least 0\.0108\), paired over 8 seeds, p < 0\.0001 \(paired t-test\)$/);
    const b = runTest({ test: 'bootstrap', paired: true, a: better, b: worse, ...opts, resamples: 1000 });
    expect(summarize(b, { labelA: 'A', labelB: 'B', pairedOver: 'seeds' })).toMatch(/^A is higher than B by 0\.0117 \(95% CI 0\.01\d\d to 0\.01\d\d\), paired over 8 seeds \(bootstrap BCa, 1000 resamples\)$/);
  });
});
