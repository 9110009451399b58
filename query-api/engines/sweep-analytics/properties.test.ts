// Property tests: invariants every analysis keeps on arbitrary sweeps — missing values, ties,
// constant params and mixed types included. Specific values live in the per-module tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNatural } from './category-order.ts';
import { bestRegion, contourGrid, marginalEffects, paramImportance, spearman } from './index.ts';
import type { ParamValue, SweepData } from './index.ts';
import { uniform } from './planted-sweep.ts';

const lrValue = fc.oneof(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.constantFrom(1e-4, 1e-3, 1e-2), fc.constant(null));
const warmupValue = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null));
const optValue = fc.constantFrom<ParamValue>('adam', 'sgd', 'layer10', 'layer2', true, null);
const targetValue = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: 0, max: 3 }), fc.constant(null));

const sweep = (minRuns = 1, maxRuns = 40) =>
  fc.integer({ min: minRuns, max: maxRuns }).chain((n) =>
    fc.record({
      lr: fc.array(lrValue, { minLength: n, maxLength: n }),
      warmup: fc.array(warmupValue, { minLength: n, maxLength: n }),
      opt: fc.array(optValue, { minLength: n, maxLength: n }),
      target: fc.array(targetValue, { minLength: n, maxLength: n }),
    }).map(({ lr, warmup, opt, target }): SweepData => ({
      runIds: lr.map((_, i) => `run-${i}`),
      params: { lr, warmup, opt },
      target: target.some((t) => t !== null) ? target : [1, ...target.slice(1)],
    })),
  );

/** The same runs in another order. */
function shuffle(data: SweepData, seed: number): SweepData {
  const u = uniform(seed);
  const order = data.runIds.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const pick = <T,>(column: readonly T[]) => order.map((i) => column[i]!);
  return {
    runIds: pick(data.runIds),
    params: Object.fromEntries(Object.entries(data.params).map(([k, v]) => [k, pick(v)])),
    target: pick(data.target),
  };
}

const complete = (data: SweepData, ...params: string[]) =>
  data.runIds.filter((_, i) => data.target[i] !== null && params.every((p) => data.params[p]![i] !== null)).length;

describe('contour properties', () => {
  it('counts sum to the runs with both params and the target; empty cells and only they have null means', () => {
    fc.assert(
      fc.property(sweep(), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('warmup', 'opt'), (data, nx, ny, y) => {
        const grid = contourGrid(data, 'lr', y, { nx, ny });
        const total = grid.count.flat().reduce((a, b) => a + b, 0);
        expect(total).toBe(complete(data, 'lr', y));
        expect(grid.runsUsed).toBe(total);
        expect(grid.runsUsed + grid.skipped.missingTarget + grid.skipped.missingParam).toBe(data.runIds.length);
        const targets = data.target.filter((t): t is number => t !== null);
        grid.count.forEach((row, iy) => row.forEach((c, ix) => {
          const mean = grid.mean[iy]![ix]!;
          expect(mean === null).toBe(c === 0);
          if (mean !== null) {
            expect(mean).toBeGreaterThanOrEqual(Math.min(...targets) - 1e-9);
            expect(mean).toBeLessThanOrEqual(Math.max(...targets) + 1e-9);
          }
        }));
      }),
    );
  });
});

describe('marginal properties', () => {
  it('bins hold every run with the param and the target once, in order, each mean inside its interval', () => {
    fc.assert(
      fc.property(sweep(), fc.integer({ min: 2, max: 12 }), (data, bins) => {
        for (const effect of marginalEffects(data, { params: ['lr', 'warmup', 'opt'], bins })) {
          expect(effect.bins.reduce((a, b) => a + b.n, 0)).toBe(complete(data, effect.param));
          expect(effect.runsUsed).toBe(complete(data, effect.param));
          let previousHi = -Infinity;
          for (const bin of effect.bins) {
            if (bin.kind === 'range') {
              expect(bin.lo).toBeGreaterThan(previousHi);
              expect(bin.hi).toBeGreaterThanOrEqual(bin.lo);
              previousHi = bin.hi;
            }
            if (bin.ci) {
              expect(bin.ci.lower).toBeLessThanOrEqual(bin.mean! + 1e-9);
              expect(bin.ci.upper).toBeGreaterThanOrEqual(bin.mean! - 1e-9);
            }
            expect(bin.ci === null).toBe(bin.n < 2);
          }
        }
      }),
    );
  });
});

describe('run order never matters', () => {
  it('contour, marginals and best region', () => {
    fc.assert(
      fc.property(sweep(), fc.integer(), (data, seed) => {
        const moved = shuffle(data, seed);
        expect(contourGrid(moved, 'lr', 'opt', { nx: 5 })).toEqual(contourGrid(data, 'lr', 'opt', { nx: 5 }));
        expect(marginalEffects(moved, { params: ['lr', 'warmup', 'opt'], bins: 4 })).toEqual(marginalEffects(data, { params: ['lr', 'warmup', 'opt'], bins: 4 }));
        expect(bestRegion(moved, { topPercent: 20, params: ['lr', 'warmup', 'opt'] })).toEqual(bestRegion(data, { topPercent: 20, params: ['lr', 'warmup', 'opt'] }));
      }),
    );
  });

  it('importance with a fixed seed, forest and bootstrap included', () => {
    fc.assert(
      fc.property(sweep(12, 40), fc.integer(), fc.integer({ min: 0, max: 1000 }), (data, seed, fitSeed) => {
        const options = { params: ['lr', 'warmup', 'opt'], seed: fitSeed, resamples: 3, trees: 4, minLeaf: 2, spearman: { interval: 'bootstrap' as const, resamples: 100, seed: fitSeed } };
        const valid = data.target.filter((t) => t !== null).length >= 10;
        fc.pre(valid);
        expect(paramImportance(shuffle(data, seed), options)).toEqual(paramImportance(data, options));
      }),
      { numRuns: 30 },
    );
  });
});

describe('spearman properties', () => {
  const pairs = fc.integer({ min: 2, max: 40 }).chain((n) =>
    fc.tuple(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n })),
  );

  it('ρ lies in [−1, 1], is symmetric, flips sign with x, ignores increasing maps of x', () => {
    fc.assert(
      fc.property(pairs, ([x, y]) => {
        const r = spearman(x, y).rho;
        if (r === null) return;
        const close = (a: number | null, b: number) => expect(Math.abs(a! - b)).toBeLessThan(1e-12);
        expect(Math.abs(r)).toBeLessThanOrEqual(1);
        close(spearman(y, x).rho, r);
        close(spearman(x.map((v) => -v), y).rho, -r);
        close(spearman(x.map((v) => v ** 3 + 7), y).rho, r);
      }),
    );
  });

  it('intervals contain ρ (Fisher) and are ordered (bootstrap)', () => {
    fc.assert(
      fc.property(pairs, fc.integer(), ([x, y], seed) => {
        const fisher = spearman(x, y);
        if (fisher.ci) {
          expect(fisher.ci.lower).toBeLessThanOrEqual(fisher.rho!);
          expect(fisher.ci.upper).toBeGreaterThanOrEqual(fisher.rho!);
        }
        const boot = spearman(x, y, { interval: 'bootstrap', resamples: 100, seed });
        if (boot.ci) expect(boot.ci.lower).toBeLessThanOrEqual(boot.ci.upper);
      }),
      { numRuns: 50 },
    );
  });
});

describe('category order properties', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'B', 'b', '0', '1', '2', '9', '-', ' ') , maxLength: 6 });
  it('natural order is antisymmetric and transitive', () => {
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        expect(Math.sign(compareNatural(a, b)) || 0).toBe(-Math.sign(compareNatural(b, a)) || 0);
        expect(compareNatural(a, b) === 0).toBe(a === b);
        if (compareNatural(a, b) < 0 && compareNatural(b, c) < 0) expect(compareNatural(a, c)).toBeLessThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
