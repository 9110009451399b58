import { describe, expect, it } from 'vitest';
import { AnalyticsInputError } from '../engines/sweep-analytics/index.ts';
import { parseSweepField } from './fields.ts';
import { chartAxes, encodeValues, pick, rowsWithValues } from './table.ts';

describe('chartAxes', () => {
  const lr = parseSweepField('lr', 'x');
  const opt = parseSweepField('optimizer', 'y');
  const acc = parseSweepField('metrics.val/acc.max', 'c');

  it('types each axis and encodes categories as indexes into the stable order', () => {
    const { axes, values } = chartAxes([
      { field: lr, values: [1e-4, 1e-3, 3e-4, 1e-2, null, 1e-1] },
      { field: opt, values: ['sgd', 'adamw', 'Adam', null, 'sgd', 'adamw'] },
      { field: acc, values: [0.5, 0.6, 0.7, 0.8, 0.9, null] },
    ]);
    expect(axes.map((a) => [a.field, a.kind, a.name, a.scale])).toEqual([
      ['params.lr', 'param', 'lr', 'log'],
      ['params.optimizer', 'param', 'optimizer', 'categorical'],
      ['metrics.val/acc.max', 'metric', 'val/acc.max', 'linear'],
    ]);
    expect(axes[1]).toMatchObject({ categories: ['Adam', 'adamw', 'sgd'], counts: [1, 2, 2], present: 5, missing: 1 });
    expect(axes[0]).toMatchObject({ min: 1e-4, max: 1e-1, present: 5, missing: 1 });
    expect(axes[0]).not.toHaveProperty('param');
    expect(values).toEqual([
      [1e-4, 1e-3, 3e-4, 1e-2, null, 1e-1],
      [2, 1, 0, null, 2, 1],
      [0.5, 0.6, 0.7, 0.8, 0.9, null],
    ]);
  });

  it('honours scale overrides by param name, field or metric label', () => {
    const cols = [{ field: lr, values: [1, 2, 3, 4] }, { field: acc, values: [1, 10, 100, 1000] }];
    expect(chartAxes(cols, { scale: { lr: 'categorical', 'val/acc.max': 'linear' } }).axes.map((a) => a.scale)).toEqual(['categorical', 'linear']);
    expect(chartAxes(cols, { scale: { 'params.lr': 'log', 'metrics.val/acc.max': 'categorical' } }).axes.map((a) => a.scale)).toEqual(['log', 'categorical']);
    expect(() => chartAxes([{ field: opt, values: ['a', 'b'] }], { scale: { optimizer: 'log' } })).toThrow(AnalyticsInputError);
  });

  it('encodes numbers as they are and anything else on a numeric axis as null', () => {
    const { axes } = chartAxes([{ field: lr, values: [1, 2] }]);
    expect(encodeValues({ ...axes[0]!, param: 'lr' } as never, [1, null, 2])).toEqual([1, null, 2]);
  });
});

describe('rows', () => {
  it('keeps the rows where every required column has a value', () => {
    const rows = rowsWithValues([[1, null, 3, 4], ['a', 'b', null, 'd']], 4);
    expect(Array.from(rows)).toEqual([0, 3]);
    expect(pick(['w', 'x', 'y', 'z'], rows)).toEqual(['w', 'z']);
  });
});
