import { describe, expect, it } from 'vitest';
import { prepare } from './input.ts';
import { AnalyticsInputError, bestRegion, contourGrid, formatNumber, inferAxes, marginalEffects, varyingParams } from './index.ts';
import type { SweepData } from './index.ts';

const data: SweepData = { runIds: ['b', 'a', 'c'], params: { lr: [0.1, 0.01, null], opt: ['x', 'y', 'x'] }, target: [1, null, 3] };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AnalyticsInputError);
    expect((error as Error).name).toBe('AnalyticsInputError');
    return (error as Error).message;
  }
  throw new Error('expected an AnalyticsInputError');
}

describe('input checks', () => {
  it('puts runs in run-id order and keeps missing values as null / NaN', () => {
    const p = prepare(data);
    expect(p.runIds).toEqual(['a', 'b', 'c']);
    expect(Array.from(p.target)).toEqual([NaN, 1, 3]);
    expect(p.column('lr')).toEqual([0.01, 0.1, null]);
    expect(p.targetPresent).toBe(2);
  });

  it('an empty selection', () => {
    expect(messageOf(() => varyingParams({ runIds: [], params: {}, target: [] }))).toMatch(/selection has no runs; widen the filter/);
  });

  it('columns of the wrong length, duplicate ids, bad values', () => {
    expect(messageOf(() => inferAxes({ ...data, target: [1, 2] }))).toBe('data.target has 2 values but there are 3 runs; give one value per run, null where the run has none');
    expect(messageOf(() => inferAxes({ ...data, params: { lr: [1, 2] } }))).toMatch(/data.params.lr has 2 values but there are 3 runs/);
    expect(messageOf(() => inferAxes({ ...data, runIds: ['a', 'b', 'a'] }))).toBe('run id "a" appears more than once; give each run once');
    expect(messageOf(() => inferAxes({ ...data, params: { lr: [1, NaN, 2] } }))).toMatch(/params.lr\[1\] is NaN; params must be finite numbers, strings, booleans, or null/);
    expect(messageOf(() => inferAxes({ ...data, params: { lr: [1, undefined as never, 2] } }))).toMatch(/params.lr\[1\] is undefined; use a number, string or boolean, or null/);
    expect(messageOf(() => inferAxes({ ...data, params: { lr: [1, {} as never, 2] } }))).toMatch(/params.lr\[1\] is object/);
    expect(messageOf(() => inferAxes({ ...data, target: [1, Infinity, 2] }))).toMatch(/data.target\[1\] \(run "a"\) is Infinity; the target must be a finite number, or null/);
    expect(messageOf(() => inferAxes(null as never))).toMatch(/data must be an object/);
    expect(messageOf(() => inferAxes({ ...data, runIds: 'abc' as never }))).toMatch(/runIds must be an array/);
    expect(messageOf(() => inferAxes({ ...data, runIds: [1, 2, 3] as never }))).toMatch(/runIds\[0\] is not a string/);
  });

  it('an unknown param lists the known ones', () => {
    expect(messageOf(() => inferAxes(data, ['momentum']))).toBe('unknown param "momentum"; the selection has these params: lr, opt');
    const many: SweepData = { runIds: ['a'], params: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, [i]])), target: [1] };
    expect(messageOf(() => inferAxes(many, ['q']))).toMatch(/p19, … \(30 in all\)$/);
  });

  it('a target missing everywhere', () => {
    const none = { ...data, target: [null, null, null] };
    for (const fn of [() => marginalEffects(none), () => bestRegion(none), () => contourGrid(none, 'lr', 'opt')]) {
      expect(messageOf(fn)).toBe('the target has no value for any of the 3 runs; choose a metric summary these runs logged');
    }
    expect(inferAxes(none)).toHaveLength(2); // axes need no target
  });
});

describe('formatNumber', () => {
  it('keeps labels short and readable', () => {
    expect([3e-4, 0.00316, 0.5, 2000, 1234567, 0.1 + 0.2, -2.5e-7, 64].map(formatNumber)).toEqual(['3e-4', '0.00316', '0.5', '2000', '1.23e+6', '0.3', '-2.5e-7', '64']);
  });
});
