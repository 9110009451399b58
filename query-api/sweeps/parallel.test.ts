import { describe, expect, it } from 'vitest';
import { parseSweepField } from './fields.ts';
import { groupColumns } from '../groups/grouping.ts';
import type { LoadedSweep } from './load.ts';
import { defaultAxes, MAX_DEFAULT_CATEGORIES, parallelTable } from './parallel.ts';

const loaded: LoadedSweep = {
  runIds: ['a', 'b', 'c', 'd'],
  params: {
    lr: [1e-4, 1e-3, 1e-2, 1e-3],
    layer10: [1, 1, 1, 1], // constant: not an axis by default
    batch_size: [32, 64, 32, 64],
    optimizer: ['sgd', 'adam', null, 'adam'],
  },
  metrics: { 'val/acc.max': [0.5, 0.9, 0.7, null] },
  runFields: {},
};
const target = parseSweepField('metrics.val/acc.max', 'target');

describe('defaultAxes', () => {
  it('takes the varying params in natural order, then the target', () => {
    const { fields, omitted } = defaultAxes(loaded, target);
    expect(fields.map((f) => f.label)).toEqual(['params.batch_size', 'params.lr', 'params.optimizer', 'metrics.val/acc.max']);
    expect(omitted).toEqual([]);
    expect(defaultAxes(loaded, null).fields.map((f) => f.label)).toEqual(['params.batch_size', 'params.lr', 'params.optimizer']);
  });

  it('keeps only grouping params when grouped', () => {
    expect(defaultAxes(loaded, target, ['optimizer', 'layer10']).fields.map((f) => f.label)).toEqual(['params.optimizer', 'metrics.val/acc.max']);
  });

  it('omits categorical params with too many categories, saying why', () => {
    const n = MAX_DEFAULT_CATEGORIES + 1;
    const wide: LoadedSweep = {
      runIds: Array.from({ length: n }, (_, i) => `r${i}`),
      params: { name: Array.from({ length: n }, (_, i) => `n${i}`), step: Array.from({ length: n }, (_, i) => i) },
      metrics: {},
      runFields: {},
    };
    const { fields, omitted } = defaultAxes(wide, null);
    expect(fields.map((f) => f.label)).toEqual(['params.step']); // numbers are never omitted
    expect(omitted).toEqual([{ field: 'params.name', reason: expect.stringMatching(/more than 1000 categories/) }]);
  });
});

describe('parallelTable', () => {
  const fields = defaultAxes(loaded, target).fields;

  it('one row per run, columns aligned with the run ids', () => {
    const t = parallelTable(loaded, fields, null, {});
    expect(t).toMatchObject({ rowKind: 'run', ids: ['a', 'b', 'c', 'd'], sizes: null });
    expect(t.axes.map((a) => a.scale)).toEqual(['linear', 'log', 'categorical', 'linear']);
    expect(t.values).toEqual([
      [32, 64, 32, 64],
      [1e-4, 1e-3, 1e-2, 1e-3],
      [1, 0, null, 0],
      [0.5, 0.9, 0.7, null],
    ]);
  });

  it('one row per group: shared params kept, mixed ones null, metrics averaged', () => {
    const g = groupColumns(loaded.params, ['batch_size'], 4);
    const t = parallelTable(loaded, [...fields, parseSweepField('layer10', 'axes')], g, {});
    expect(t).toMatchObject({ rowKind: 'group', ids: ['batch_size=32', 'batch_size=64'], sizes: [2, 2] });
    expect(t.values[0]).toEqual([32, 64]);
    expect(t.values[1]).toEqual([null, 1e-3]); // lr: 1e-4 vs 1e-2 differ; 1e-3 twice
    expect(t.values[2]).toEqual([null, 0]); // optimizer: sgd vs missing; adam twice
    expect(t.values[3]![0]).toBeCloseTo(0.6, 12);
    expect(t.values[3]![1]).toBe(0.9); // d has no value
    expect(t.values[4]).toEqual([1, 1]);
  });

  it('draws a param the selection lacks as an empty axis', () => {
    const t = parallelTable(loaded, [parseSweepField('nope', 'axes')], null, {});
    expect(t.axes[0]).toMatchObject({ scale: 'categorical', categories: [], present: 0, missing: 4 });
    expect(t.values[0]).toEqual([null, null, null, null]);
  });
});
