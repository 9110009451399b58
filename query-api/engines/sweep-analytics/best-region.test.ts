import { describe, expect, it } from 'vitest';
import { binomialUpperTail } from './best-region.ts';
import { bestRegion } from './index.ts';
import type { RegionParam, SweepData } from './index.ts';
import { uniform } from './planted-sweep.ts';

/**
 * A planted optimum: runs with lr in [3e-4, 1e-3] and warmup ≥ 500 score 0.9, the rest 0.5
 * (plus a little noise); seed and optimizer do nothing. About 10% of runs are in the region.
 */
function optimumSweep(n: number, seed = 1): SweepData {
  const u = uniform(seed);
  const lr: number[] = [];
  const warmup: number[] = [];
  const seeds: number[] = [];
  const optimizer: string[] = [];
  const target: number[] = [];
  for (let i = 0; i < n; i++) {
    lr.push(10 ** (-5 + 4 * u()));
    warmup.push(Math.round(2000 * u()));
    seeds.push(Math.floor(5 * u()));
    optimizer.push(['adam', 'adamw', 'sgd'][Math.floor(3 * u())]!);
    const inRegion = lr[i]! >= 3e-4 && lr[i]! <= 1e-3 && warmup[i]! >= 500;
    target.push((inRegion ? 0.9 : 0.5) + 0.05 * u());
  }
  return { runIds: lr.map((_, i) => `r${i}`), params: { lr, warmup, seed: seeds, optimizer }, target };
}

const param = (params: RegionParam[], name: string) => params.find((p) => p.param === name)!;

describe('bestRegion', () => {
  const data = optimumSweep(1000);

  it('describes a planted optimum in one sentence', () => {
    const r = bestRegion(data);
    expect(r.n).toBe(50);
    expect(r.runsUsed).toBe(1000);
    expect(r.sentence).toMatch(/^top 5% of runs \(n=50\) all have lr in \[3\.\d+e-4, 9\.\d+e-4\] and warmup ≥ 5\d\d$/);
    const lr = param(r.params, 'lr');
    expect(lr.kind).toBe('range');
    if (lr.kind === 'range') {
      expect(lr.lo).toBeGreaterThanOrEqual(3e-4);
      expect(lr.hi).toBeLessThanOrEqual(1e-3);
    }
    expect(lr.mentioned && param(r.params, 'warmup').mentioned).toBe(true);
    expect(param(r.params, 'seed').mentioned).toBe(false);
    expect(param(r.params, 'optimizer')).toMatchObject({ kind: 'categories', mentioned: false, categories: ['adam', 'adamw', 'sgd'] });
    expect(r.params.slice(0, 2).map((p) => p.param)).toEqual(['lr', 'warmup']); // narrowest first
    expect(r.threshold).toBeGreaterThanOrEqual(0.9);
  });

  it('minimize flips the ranking; the target name goes in the sentence', () => {
    const loss: SweepData = { ...data, target: data.target.map((t) => 1 - t!) };
    const r = bestRegion(loss, { direction: 'minimize', targetName: 'val/loss' });
    expect(r.sentence).toMatch(/^top 5% of runs by lowest val\/loss \(n=50\) all have lr in/);
    expect(r.threshold).toBeLessThanOrEqual(0.1);
  });

  it('a central share gives a narrower range and says so', () => {
    const full = param(bestRegion(data).params, 'lr');
    const central = bestRegion(data, { central: 0.9 });
    const lr = param(central.params, 'lr');
    if (lr.kind !== 'range' || full.kind !== 'range') throw new Error('numeric expected');
    expect(lr.lo).toBeGreaterThan(full.lo!);
    expect(lr.hi).toBeLessThan(full.hi!);
    expect(central.sentence).toMatch(/mostly have .* \(numeric ranges: central 90% of the top runs\)$/);
  });

  it('names categories the top runs share', () => {
    const u = uniform(9);
    const opt = Array.from({ length: 600 }, () => ['adam', 'adamw', 'sgd', 'rmsprop'][Math.floor(4 * u())]!);
    const r = bestRegion({ runIds: opt.map((_, i) => `r${i}`), params: { optimizer: opt }, target: opt.map((o) => (o === 'adamw' ? 1 : 0) + u()) }, { topPercent: 10 });
    expect(r.sentence).toBe('top 10% of runs (n=60) all have optimizer = adamw');
    expect(param(r.params, 'optimizer')).toMatchObject({ categories: ['adamw'], sweepCategories: ['adam', 'adamw', 'rmsprop', 'sgd'] });
  });

  it('mentions nothing when the target ignores every param', () => {
    const u = uniform(4);
    const noise: SweepData = { ...data, target: data.target.map(() => u()) };
    const r = bestRegion(noise, { topPercent: 10 });
    expect(r.sentence).toBe("top 10% of runs (n=100): no param's range is clearly narrower than across the whole sweep");
    expect(r.params.every((p) => !p.mentioned)).toBe(true);
  });

  it('one top run establishes nothing', () => {
    const r = bestRegion(data, { topPercent: 0.1 });
    expect(r.n).toBe(1);
    expect(r.params.every((p) => p.pValue === 1 && !p.mentioned)).toBe(true);
  });

  it('counts top runs that lack a param', () => {
    const gappy: SweepData = { ...data, params: { ...data.params, lr: data.params.lr!.map((v, i) => (i % 10 === 0 ? null : v)) } };
    const lr = param(bestRegion(gappy).params, 'lr');
    expect(lr.n).toBeLessThan(50);
    expect(lr.phrase).toMatch(new RegExp(`\\(${lr.n} of 50 set lr\\)$`));
  });

  it('checks k and the other options', () => {
    expect(() => bestRegion(data, { topPercent: 0 })).toThrow(/topPercent must be a percentage in \(0, 100\], e.g. 5 for the top 5% of runs; got 0/);
    expect(() => bestRegion(data, { topPercent: 150 })).toThrow(/topPercent/);
    expect(() => bestRegion(data, { direction: 'up' as never })).toThrow(/direction must be one of maximize, minimize/);
    expect(() => bestRegion(data, { central: 0 })).toThrow(/central/);
    expect(() => bestRegion(data, { params: ['lr', 'nope'] })).toThrow(/unknown param "nope"/);
  });
});

describe('binomialUpperTail', () => {
  it('matches the closed form of the min–max coverage for random draws', () => {
    for (const [m, c] of [[5, 0.5], [20, 0.3], [50, 0.9], [2, 0.01]] as const) {
      expect(binomialUpperTail(m, c, m - 1)).toBeCloseTo(m * c ** (m - 1) - (m - 1) * c ** m, 12);
    }
  });

  it('has the right edges and stays finite for large m', () => {
    expect(binomialUpperTail(10, 0.5, 0)).toBe(1);
    expect(binomialUpperTail(10, 0, 3)).toBe(0);
    expect(binomialUpperTail(10, 1, 3)).toBe(1);
    expect(binomialUpperTail(10, 0.5, 11)).toBe(0);
    expect(binomialUpperTail(10, 0.5, 10)).toBeCloseTo(1 / 1024, 15);
    const big = binomialUpperTail(5000, 0.5, 2600);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(0.01);
  });
});
