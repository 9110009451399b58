import { describe, expect, it } from 'vitest';
import { metricColumn, paramColumns, paramsQuery, runIdsQuery } from './sweep-columns.ts';

describe('paramsQuery and runIdsQuery', () => {
  it('read the params with one ARRAY JOIN over the selection, grouped by name, and the ids as one array', () => {
    const q = paramsQuery('SELECT * FROM runs');
    expect(q).toContain('ARRAY JOIN param_keys AS k, param_types AS t, param_strings AS s');
    expect(q).toContain('FROM (SELECT run_id, param_keys, param_types, param_strings FROM (SELECT * FROM runs))');
    expect(q).toMatch(/GROUP BY k\s+ORDER BY k/);
    expect(runIdsQuery('SELECT * FROM runs', 11)).toBe('SELECT groupArray(run_id) AS ids FROM (SELECT run_id FROM (SELECT * FROM runs) ORDER BY run_id LIMIT 11)');
  });
});

describe('paramColumns', () => {
  it('scatters each param into a column aligned with the run index, typed from its text', () => {
    const index = new Map([['a', 0], ['b', 1], ['c', 2]]);
    const cols = paramColumns([
      { k: 'lr', ids: ['c', 'a'], types: [0, 0], strings: ['0.040315835208070847', '1e-7'] },
      { k: 'amp', ids: ['b', 'a'], types: [1, 1], strings: ['true', 'false'] },
      { k: 'opt', ids: ['a', 'zz'], types: [2, 2], strings: ['adam', 'sgd'] }, // zz arrived after the id query
      { k: '__proto__', ids: ['a'], types: [2], strings: ['x'] },
      { k: 'gone', ids: ['zz'], types: [2], strings: ['x'] },
    ], index, 3);
    expect(cols.lr).toEqual([1e-7, null, 0.040315835208070847]);
    expect(cols.amp).toEqual([false, true, null]);
    expect(cols.opt).toEqual(['adam', null, null]);
    expect(Object.keys(cols)).toEqual(['lr', 'amp', 'opt', '__proto__']);
    expect(cols['__proto__']).toEqual(['x', null, null]);
  });

  it('reads a number from its exact text, never one ulp off', () => {
    const cols = paramColumns([{ k: 'lr', ids: ['a'], types: [0], strings: [String(0.04031583520807085)] }], new Map([['a', 0]]), 1);
    expect(cols.lr![0]).toBe(0.04031583520807085);
  });
});

describe('metricColumn', () => {
  it('aligns values with the run ids, null where missing or not finite', () => {
    expect(metricColumn(['a', 'b', 'c', 'd'], new Map([['a', 0.5], ['c', NaN], ['d', -2]]))).toEqual([0.5, null, null, -2]);
  });
});
