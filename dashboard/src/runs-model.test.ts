import { describe, expect, it } from 'vitest';
import type { ParallelAnswer } from './api.ts';
import { keptRows, rowsCsv, sortRows, targetAxis } from './runs-model.ts';

const data: ParallelAnswer = {
  rowKind: 'run', runs: 4, rows: 4, target: 'acc.last', omitted: [], ids: ['a', 'b', 'c', 'd'],
  axes: [
    { field: 'params.lr', kind: 'param', name: 'lr', scale: 'log', present: 4, missing: 0, reason: '', min: 0.001, max: 0.1 },
    { field: 'params.opt', kind: 'param', name: 'opt', scale: 'categorical', present: 3, missing: 1, reason: '', categories: ['adam', 'sgd, momentum'] },
    { field: 'metrics.acc.last', kind: 'metric', name: 'acc', scale: 'linear', present: 3, missing: 1, reason: '', min: 0.5, max: 0.9 },
  ],
  values: [[0.001, 0.01, 0.1, 0.01], [0, 1, null, 0], [0.9, 0.5, 0.7, null]],
};

describe('the runs table model', () => {
  it("finds the target's axis by its field", () => {
    expect(targetAxis(data)).toBe(2);
    expect(targetAxis({ ...data, target: null })).toBe(-1);
  });

  it('keeps the runs inside every brush; a run without the value is outside', () => {
    expect(keptRows(data, [])).toEqual([0, 1, 2, 3]);
    expect(keptRows(data, [{ field: 'params.lr', range: [0.005, 0.1] }])).toEqual([1, 2, 3]);
    expect(keptRows(data, [{ field: 'params.lr', range: [0.005, 0.1] }, { field: 'params.opt', categories: ['adam'] }])).toEqual([3]);
    expect(keptRows(data, [{ field: 'metrics.acc.last', range: [0.6, 1] }])).toEqual([0, 2]);
  });

  it('sorts by a column, runs without a value last either way', () => {
    expect(sortRows(data, [0, 1, 2, 3], { field: 'metrics.acc.last', desc: true })).toEqual([0, 2, 1, 3]);
    expect(sortRows(data, [0, 1, 2, 3], { field: 'metrics.acc.last', desc: false })).toEqual([1, 2, 0, 3]);
    expect(sortRows(data, [3, 1, 0], { field: 'run', desc: false })).toEqual([0, 1, 3]);
  });

  it('exports the shown rows as CSV, categories by name and quoted when needed', () => {
    expect(rowsCsv(data, [1, 2])).toBe('run_id,params.lr,params.opt,metrics.acc.last\nb,0.01,"sgd, momentum",0.5\nc,0.1,,0.7\n');
    // Text a spreadsheet would run as a formula is made inert; negative numbers stay numbers.
    const hostile = { ...data, ids: ['=HYPERLINK("x")', 'b', 'c', 'd'], values: [[-0.5, 0.01, 0.1, 0.01], ...data.values.slice(1)] };
    expect(rowsCsv(hostile, [0]).split('\n')[1]).toBe(`"'=HYPERLINK(""x"")",-0.5,adam,0.9`);
  });
});
