import { describe, expect, it } from 'vitest';
import { AnalyticsInputError, contourGrid } from './index.ts';
import type { SweepData } from './index.ts';
import { plantedSweep } from './planted-sweep.ts';

// Eight runs: lr on a log axis (1e-4 … 1e-1, so 3 bins are the decades), optimizer categorical.
const tiny: SweepData = {
  runIds: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
  params: {
    lr: [1e-4, 2e-4, 2e-4, 3e-3, 5e-2, 1e-1, 3e-3, null],
    optimizer: ['adam', 'adam', 'sgd', 'adam', 'sgd', 'sgd', 'sgd', 'adam'],
  },
  target: [0.5, 0.7, 0.4, 0.9, 0.2, 0.3, null, 0.8],
};

describe('contourGrid', () => {
  it('matches a hand computation on a tiny sweep', () => {
    const grid = contourGrid(tiny, 'lr', 'optimizer', { nx: 3 });
    expect(grid.x.scale).toBe('log');
    expect(grid.x.bins.map((b) => b.label)).toEqual(['[1e-4, 0.001)', '[0.001, 0.01)', '[0.01, 0.1]']);
    expect(grid.y.bins.map((b) => b.label)).toEqual(['adam', 'sgd']);
    // adam: {a, b} | {d} | none;  sgd: {c} | {g has no target} | {e, f}
    expect(grid.count).toEqual([
      [2, 1, 0],
      [1, 0, 2],
    ]);
    expect(grid.mean[0]![0]).toBeCloseTo(0.6, 12);
    expect(grid.mean[0]![1]).toBeCloseTo(0.9, 12);
    expect(grid.mean[0]![2]).toBeNull();
    expect(grid.mean[1]![0]).toBeCloseTo(0.4, 12);
    expect(grid.mean[1]![1]).toBeNull();
    expect(grid.mean[1]![2]).toBeCloseTo(0.25, 12);
    expect(grid.runsUsed).toBe(6);
    expect(grid.skipped).toEqual({ missingTarget: 1, missingParam: 1 });
  });

  it('bins a linear axis with equal widths, the max in the last bin', () => {
    const data: SweepData = { runIds: ['1', '2', '3', '4', '5'], params: { w: [0, 249, 250, 999, 1000], k: ['x', 'x', 'x', 'x', 'x'] }, target: [1, 2, 3, 4, 5] };
    const grid = contourGrid(data, 'w', 'k', { nx: 4 });
    expect(grid.x.bins.map((b) => (b.kind === 'range' ? [b.lo, b.hi] : null))).toEqual([[0, 250], [250, 500], [500, 750], [750, 1000]]);
    expect(grid.count).toEqual([[2, 1, 0, 2]]);
    expect(grid.mean).toEqual([[1.5, 3, null, 4.5]]);
  });

  it('gives each level of a grid param its own cell, whatever nx', () => {
    const data = plantedSweep(300);
    const grid = contourGrid(data, 'batch_size', 'lr', { nx: 40, ny: 5 });
    expect(grid.x.bins.map((b) => b.label)).toEqual(['16', '32', '64', '128', '256']);
    expect(grid.count).toHaveLength(5);
    expect(grid.count.flat().reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('a constant param gets one cell', () => {
    const data: SweepData = { runIds: ['a', 'b', 'c'], params: { x: [2, 2, 2], y: [1, 2, 3] }, target: [1, 2, 3] };
    const grid = contourGrid(data, 'x', 'y', { nx: 10, ny: 3, axes: { maxLevels: 0 } });
    expect(grid.x.bins).toHaveLength(1);
    expect(grid.count).toEqual([[1], [1], [1]]);
  });

  it('refuses what it cannot draw, saying what to change', () => {
    expect(() => contourGrid(tiny, 'lr', 'lr')).toThrow(/two different params/);
    expect(() => contourGrid(tiny, 'lr', 'momentum')).toThrow(/unknown param "momentum".*lr, optimizer/);
    expect(() => contourGrid(tiny, 'lr', 'optimizer', { nx: 0 })).toThrow(/nx must be an integer from 1 to 200; got 0/);
    expect(() => contourGrid(tiny, 'lr', 'optimizer', { ny: 1e6 })).toThrow(AnalyticsInputError);
    expect(() => contourGrid(tiny, 'lr', 'optimizer', { nx: 2.5 })).toThrow(AnalyticsInputError);
    const wide: SweepData = {
      runIds: Array.from({ length: 300 }, (_, i) => `r${i}`),
      params: { name: Array.from({ length: 300 }, (_, i) => `n${i}`), x: Array.from({ length: 300 }, (_, i) => i) },
      target: Array.from({ length: 300 }, () => 1),
    };
    expect(() => contourGrid(wide, 'name', 'x')).toThrow(/300 categories.*at most 200/);
    expect(() => contourGrid(wide, 'x', 'x2' as string)).toThrow(/unknown param/);
    const twoWide: SweepData = { ...wide, params: { ...wide.params, y: wide.params.x! } };
    expect(() => contourGrid(twoWide, 'x', 'y', { nx: 150, ny: 150 })).toThrow(/22500 cells, above the limit of 10000; lower nx or ny/);
    expect(() => contourGrid({ ...tiny, target: tiny.target.map(() => null) }, 'lr', 'optimizer')).toThrow(/no value for any of the 8 runs/);
  });
});
