import { describe, expect, it } from 'vitest';
import { AnalyticsInputError, paramImportance } from './index.ts';
import type { ImportanceResult, ParamImportance, SweepData } from './index.ts';
import { plantedSweep, uniform } from './planted-sweep.ts';

const byName = (result: ImportanceResult) => Object.fromEntries(result.params.map((p) => [p.param, p])) as Record<string, ParamImportance>;

describe('paramImportance on the planted sweep (see planted-sweep.ts for the truth)', () => {
  const data = plantedSweep(2500, { missingTarget: 0.02, missingWarmup: 0.05, seed: 4 });
  const result = paramImportance(data, { seed: 1 });
  const p = byName(result);

  // The order: lr (strong, with an optimum), dropout (weak), the lr × batch_size
  // interaction, then seed and warmup. Across data seeds 1–10 and two forest seeds each, dropout
  // came out ≥ 2.2× batch_size and lr ≥ 2.1× dropout, their intervals apart by ≥ 0.1.
  it('the forest ranks lr, then dropout, then batch_size, then seed and warmup', () => {
    expect(result.params.slice(0, 3).map((r) => r.param)).toEqual(['lr', 'dropout', 'batch_size']);
    expect(new Set(result.params.slice(3).map((r) => r.param))).toEqual(new Set(['seed', 'warmup']));
    expect(result.params.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(p.lr!.forest.ci.lower).toBeGreaterThan(p.dropout!.forest.ci.upper);
    expect(p.dropout!.forest.ci.lower).toBeGreaterThan(p.batch_size!.forest.ci.upper);
    expect(p.batch_size!.forest.ci.lower).toBeGreaterThan(Math.max(p.seed!.forest.ci.upper, p.warmup!.forest.ci.upper));
  });

  it('flags seed and warmup insensitive, and nothing else', () => {
    expect(p.seed!.insensitive).toBe(true);
    expect(p.warmup!.insensitive).toBe(true);
    for (const name of ['lr', 'dropout', 'batch_size']) {
      expect(p[name]!.insensitive).toBe(false);
      expect(p[name]!.forest.ci.lower).toBeGreaterThan(0);
    }
    expect(p.lr!.reason).toMatch(/drives about \d+% of the target variance/);
  });

  it('the forest sees the interaction: batch_size matters though it has no main effect', () => {
    // 15% of the variance is the lr × batch_size term; the forest credits part of it (≈ 10% here)
    expect(p.batch_size!.forest.importance).toBeGreaterThan(0.05);
    expect(Math.abs(p.batch_size!.spearman.rho!)).toBeLessThan(0.1);
  });

  it('Spearman sees only the monotone effect: dropout, not the optimum of lr nor the interaction', () => {
    // dropout lowers the target monotonically: ρ < 0, interval clear of 0
    expect(p.dropout!.spearman.rho).toBeLessThan(-0.4);
    expect(p.dropout!.spearman.ci!.upper).toBeLessThan(0);
    // ρ is 0 in truth for lr (its optimum sits mid-range), batch_size (interaction only), seed and
    // warmup alike, so Spearman cannot rank lr or batch_size above the params without effect. The
    // bound is loose (SE ≈ 0.02 here) rather than "interval spans 0", which fails 1 seed in 20.
    for (const name of ['lr', 'batch_size', 'seed', 'warmup']) expect(Math.abs(p[name]!.spearman.rho!), name).toBeLessThan(0.1);
    expect(p.lr!.spearman.method).toMatch(/Bonett–Wright/);
  });

  it('reports the runs used, the runs dropped and the missing values', () => {
    expect(result.runsUsed + result.runsDropped).toBe(2500);
    expect(result.runsDropped).toBe(data.target.filter((t) => t === null).length);
    expect(result.runsDropped).toBeGreaterThan(20);
    const warmupMissing = data.params.warmup!.filter((w, i) => w === null && data.target[i] !== null).length;
    expect(p.warmup!.missing).toBe(warmupMissing);
    expect(p.warmup!.spearman.n).toBe(result.runsUsed - warmupMissing);
    expect(result.forest).toMatchObject({ trees: 50, maxFeatures: 2, minLeaf: 5, resamples: 20, rowsPerFit: result.runsUsed });
    expect(result.forest.oobR2!.mean).toBeGreaterThan(0.6);
  });

  it('is reproducible for a seed and JSON-safe', () => {
    const again = paramImportance(data, { seed: 1 });
    expect(again).toEqual(result);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('paramImportance with categorical params', () => {
  const u = uniform(21);
  const n = 800;
  const optimizers = ['adam', 'adamw', 'sgd'];
  const opt = Array.from({ length: n }, () => optimizers[Math.floor(u() * 3)]!);
  const amp = Array.from({ length: n }, () => u() < 0.5);
  const noise = Array.from({ length: n }, () => u());
  const data: SweepData = {
    runIds: Array.from({ length: n }, (_, i) => `r${i}`),
    params: { optimizer: opt, amp, noise },
    // adamw is best and sits in the middle of the category order; amp helps a little
    target: opt.map((o, i) => (o === 'adamw' ? 1 : 0) + (amp[i] ? 0.3 : 0) + 0.2 * (u() - 0.5)),
  };

  it('finds a categorical effect, gives booleans a ρ and other categories none', () => {
    const p = byName(paramImportance(data, { seed: 3, resamples: 10 }));
    expect(p.optimizer!.rank).toBe(1);
    expect(p.optimizer!.insensitive).toBe(false);
    expect(p.optimizer!.spearman.rho).toBeNull();
    expect(p.optimizer!.spearman.note).toMatch(/categorical param/);
    expect(p.amp!.insensitive).toBe(false);
    expect(p.amp!.spearman.rho).toBeGreaterThan(0.2); // false = 0, true = 1
    expect(p.noise!.insensitive).toBe(true);
  });

  it('Spearman can use bootstrap intervals', () => {
    const p = byName(paramImportance(data, { seed: 3, resamples: 2, trees: 5, spearman: { interval: 'bootstrap', resamples: 200, seed: 1 } }));
    expect(p.amp!.spearman.method).toBe('bootstrap percentile interval');
    expect(p.amp!.spearman.resamplesUsed).toBe(200);
  });
});

describe('paramImportance input checks', () => {
  const data = plantedSweep(50);

  it('needs enough runs with the target and a param that varies', () => {
    const few = plantedSweep(9);
    expect(() => paramImportance(few)).toThrow(/only 9 run\(s\) have the target; param importance needs at least 10/);
    const constant: SweepData = { runIds: ['a', 'b'], params: { x: [1, 1] }, target: [1, 2] };
    expect(() => paramImportance(constant)).toThrow(/no param varies/);
    expect(() => paramImportance({ ...data, target: data.target.map(() => null) })).toThrow(/the target has no value for any of the 50 runs/);
  });

  it('checks its options', () => {
    expect(() => paramImportance(data, { resamples: 1 })).toThrow(/resamples must be an integer from 2 to 500; got 1/);
    expect(() => paramImportance(data, { trees: 0 })).toThrow(/trees must be an integer/);
    expect(() => paramImportance(data, { maxFeatures: 9 })).toThrow(/maxFeatures must be an integer from 1 to 5; got 9/);
    expect(() => paramImportance(data, { minImportance: 2 })).toThrow(/minImportance/);
    expect(() => paramImportance(data, { params: ['lr', 'momentum'] })).toThrow(AnalyticsInputError);
    const big = plantedSweep(100_000);
    expect(() => paramImportance(big, { maxRows: 100_000, minLeaf: 1, maxBins: 1024 })).toThrow(/MB per tree .*lower maxRows or maxBins, or raise minLeaf/);
  });
});

describe('paramImportance speed', () => {
  it('handles 10k runs in a few seconds (figure printed, generous bound asserted)', () => {
    const data = plantedSweep(10_000, { missingTarget: 0.02, missingWarmup: 0.05 });
    const started = performance.now();
    const result = paramImportance(data, { seed: 2 });
    const ms = performance.now() - started;
    console.log(`paramImportance, 10k runs × 5 params, ${result.forest.resamples} forests of ${result.forest.trees} trees on ${result.forest.rowsPerFit} rows: ${Math.round(ms)} ms`);
    expect(result.params[0]!.param).toBe('lr');
    expect(ms).toBeLessThan(30_000);
  }, 60_000);
});
