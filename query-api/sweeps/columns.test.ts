import { describe, expect, it } from 'vitest';
import { requireField, requireSelectedParam, requireSomeRuns, runColumn } from './columns.ts';
import { parseSweepField } from './fields.ts';
import type { LoadedSweep } from './load.ts';

const loaded: LoadedSweep = { runIds: ['a', 'b'], params: { lr: [0.1, null] }, metrics: { 'acc.max': [null, 0.5], 'loss.min': [null, null] }, runFields: {} };

describe('field checks', () => {
  it('passes fields the selection has', () => {
    expect(() => requireSomeRuns(loaded)).not.toThrow();
    expect(() => requireField(loaded, parseSweepField('lr', 'x'), 'x')).not.toThrow();
    expect(() => requireField(loaded, parseSweepField('metrics.acc.max', 'y'), 'y')).not.toThrow();
  });

  it('answers 400 for no runs, an unknown param, or a metric no run has', () => {
    expect(() => requireSomeRuns({ runIds: [], params: {}, metrics: {}, runFields: {} })).toThrow(/selection has no runs/);
    expect(() => requireSelectedParam(loaded, 'nope', 'groupBy[0]')).toThrow(/^groupBy\[0\]: unknown param "nope"; the selected runs have these params: lr$/);
    expect(() => requireField(loaded, parseSweepField('metrics.loss.min', 'y'), 'y')).toThrow(/^y: metric loss.min has no value for any of the 2 selected runs/);
    expect(() => requireField(loaded, parseSweepField('metrics.never.max', 'y'), 'y')).toThrow(/has no value/);
    try {
      requireSelectedParam(loaded, 'x', 'x');
    } catch (err) {
      expect((err as { statusCode: number }).statusCode).toBe(400);
    }
  });

  it('gives a column per field, all null for one the selection lacks', () => {
    expect(runColumn(loaded, parseSweepField('lr', 'x'))).toEqual([0.1, null]);
    expect(runColumn(loaded, parseSweepField('metrics.acc.max', 'x'))).toEqual([null, 0.5]);
    expect(runColumn(loaded, parseSweepField('nope', 'x'))).toEqual([null, null]);
  });
});
