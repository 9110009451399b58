import { describe, expect, it } from 'vitest';
import { compareCategories, compareNatural } from './category-order.ts';
import { AnalyticsInputError, inferAxes, inferAxis, looksLogScaled, varyingParams } from './index.ts';
import type { CategoricalAxis, NumericAxis, SweepData } from './index.ts';
import { plantedSweep } from './planted-sweep.ts';

const numeric = (values: (number | null)[], options = {}) => inferAxis('p', values, options) as NumericAxis;
const categorical = (values: (string | number | boolean | null)[], options = {}) => inferAxis('p', values, options) as CategoricalAxis;

describe('log rule', () => {
  it('log-spaced grids and log-uniform samples are log', () => {
    expect(looksLogScaled([1e-4, 3e-4, 1e-3, 3e-3]).log).toBe(true);
    expect(looksLogScaled([16, 32, 64, 128, 256]).log).toBe(true);
    expect(looksLogScaled([1e-5, 1e-3, 1e-1]).log).toBe(true);
    expect(looksLogScaled([1e-5, 1e-1]).log).toBe(true); // two values, ratio ≥ 1000
  });

  it('evenly spread values are linear, however large max/min', () => {
    expect(looksLogScaled([0.0003, 0.1, 0.2, 0.3, 0.4, 0.5]).log).toBe(false); // dropout ~ U(0, 0.5)
    expect(looksLogScaled([1, 500, 1000, 1500, 2000]).log).toBe(false);
    expect(looksLogScaled([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]).log).toBe(false);
  });

  it('needs every value > 0 and an order of magnitude', () => {
    expect(looksLogScaled([0, 1e-4, 1e-3, 1e-1]).log).toBe(false);
    expect(looksLogScaled([-1e-3, 1e-4, 1e-1]).log).toBe(false);
    expect(looksLogScaled([32, 64, 128, 256]).log).toBe(false); // max/min = 8
    expect(looksLogScaled([1, 999]).log).toBe(false); // two values, ratio < 1000
    expect(looksLogScaled([5]).log).toBe(false);
  });

  it('the axis says why', () => {
    expect(numeric([1e-4, 1e-3, 1e-2, 1e-1]).reason).toMatch(/log-spaced/);
    expect(numeric([0, 1, 2, 3]).reason).toMatch(/≤ 0/);
  });
});

describe('inferAxis', () => {
  it('numbers: range, distinct count, missing', () => {
    const axis = numeric([3, null, 1, 2, 2, null]);
    expect(axis).toMatchObject({ param: 'p', scale: 'linear', min: 1, max: 3, distinct: 3, present: 4, missing: 2 });
  });

  it('numbers with few, repeated values list them as levels', () => {
    expect(numeric([64, 16, 256, 16, 64, 256]).levels).toEqual([16, 64, 256]);
    // each distinct value used once: a continuous param, not a grid
    expect(numeric([0.1, 0.2, 0.3, 0.4]).levels).toBeNull();
    // more than maxLevels distinct values
    const many = Array.from({ length: 40 }, (_, i) => i % 20);
    expect(numeric(many).levels).toBeNull(); // default maxLevels 12
    expect(numeric(many, { maxLevels: 20 }).levels).toHaveLength(20);
    expect(numeric([1, 1, 2, 2], { maxLevels: 0 }).levels).toBeNull();
  });

  it('strings and booleans are categorical, in natural order with counts', () => {
    const axis = categorical(['layer10', 'layer2', null, 'Layer1', 'layer2', 'adam']);
    expect(axis.scale).toBe('categorical');
    expect(axis.categories).toEqual(['adam', 'Layer1', 'layer2', 'layer10']);
    expect(axis.counts).toEqual([1, 1, 2, 1]);
    expect(axis.missing).toBe(1);
    expect(categorical([true, false, true]).categories).toEqual([false, true]);
  });

  it('mixed types: booleans, then numbers, then strings; 1 and "1" are different categories', () => {
    expect(categorical(['b', 10, true, 2, '1', 1, false]).categories).toEqual([false, true, 1, 2, 10, '1', 'b']);
  });

  it('scale overrides', () => {
    expect(categorical([32, 16, 32, 8], { scale: 'categorical' }).categories).toEqual([8, 16, 32]);
    expect(numeric([1, 2, 3, 4], { scale: 'log' }).scale).toBe('log');
    expect(numeric([1e-5, 1e-3, 1e-1], { scale: 'linear' }).scale).toBe('linear');
    expect(() => inferAxis('lr', [0, 1, 2], { scale: 'log' })).toThrow(/lr.*≤ 0.*linear/);
    expect(() => inferAxis('opt', ['adam'], { scale: 'linear' })).toThrow(AnalyticsInputError);
    expect(() => inferAxis('x', [1], { scale: 'cubic' as never })).toThrow(/linear, log or categorical/);
  });

  it('a param no run sets has an empty axis', () => {
    expect(inferAxis('p', [null, null])).toMatchObject({ scale: 'categorical', categories: [], present: 0, missing: 2, reason: 'no run has a value' });
  });
});

describe('inferAxes and varyingParams on a planted sweep', () => {
  const data = plantedSweep(500);

  it('types every param', () => {
    const axes = Object.fromEntries(inferAxes(data).map((a) => [a.param, a]));
    expect(axes.lr!.scale).toBe('log');
    expect(axes.batch_size).toMatchObject({ scale: 'log', levels: [16, 32, 64, 128, 256] });
    expect(axes.dropout!.scale).toBe('linear');
    expect(axes.seed).toMatchObject({ scale: 'linear', levels: [0, 1, 2, 3, 4] });
    expect(axes.warmup!.scale).toBe('linear');
    expect(inferAxes(data, ['seed'], { scale: { seed: 'categorical' } })[0]!.scale).toBe('categorical');
  });

  it('finds the params that vary', () => {
    const withConstants: SweepData = {
      ...data,
      params: { ...data.params, epochs: data.runIds.map(() => 10), note: data.runIds.map((_, i) => (i === 3 ? 'x' : null)) },
    };
    expect(varyingParams(withConstants)).toEqual(['lr', 'batch_size', 'dropout', 'seed', 'warmup']);
    expect(varyingParams({ runIds: ['a', 'b'], params: { x: [1, '1'] }, target: [null, null] })).toEqual(['x']);
  });
});

describe('category order', () => {
  it('compares digit runs as numbers of any length, leading zeros last', () => {
    const sorted = ['a10', 'a2', 'a02', 'a1', 'b', 'A3', 'a99999999999999999999', 'a100000000000000000000'].sort(compareNatural);
    expect(sorted).toEqual(['a1', 'a02', 'a2', 'A3', 'a10', 'a99999999999999999999', 'a100000000000000000000', 'b']);
  });

  it('is a total order: antisymmetric, 0 only for equal values', () => {
    const values = ['x', 'X', 'x1', 'x01', 'x001', '', '1', true, false, 0, -1, 2.5];
    for (const a of values) {
      for (const b of values) {
        const ab = Math.sign(compareCategories(a, b)) || 0;
        expect(ab).toBe(-Math.sign(compareCategories(b, a)) || 0);
        expect(ab === 0).toBe(a === b);
      }
    }
  });
});
