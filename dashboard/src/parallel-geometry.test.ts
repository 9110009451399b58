import { describe, expect, it } from 'vitest';
import type { ChartAxis, ParallelAnswer } from './api.ts';
import { axisTicks, brushOf, brushSpan, COLOUR_BUCKETS, fromUnit, NO_VALUE, PLAIN, rowColours, toUnit } from './parallel-geometry.ts';
import { keptRows } from './runs-model.ts';

const axis = (a: Partial<ChartAxis> & Pick<ChartAxis, 'scale'>): ChartAxis => ({ field: 'params.x', kind: 'param', name: 'x', present: 1, missing: 0, reason: '', ...a });
const lr = axis({ field: 'params.lr', scale: 'log', min: 1e-5, max: 1e-1 });
const warmup = axis({ field: 'params.warmup', scale: 'linear', min: 0, max: 2000 });
const opt = axis({ field: 'params.opt', scale: 'categorical', categories: ['adam', 'adamw', 'sgd', true] });

describe('parallel coordinates geometry', () => {
  it('places values linearly, by their logarithm, or in the middle of their category slot', () => {
    expect(toUnit(warmup, 500)).toBe(0.25);
    expect(toUnit(lr, 1e-3)).toBeCloseTo(0.5, 12);
    expect(toUnit(opt, 0)).toBe(0.125);
    expect(toUnit(opt, 3)).toBe(0.875);
    // One value only: the middle, not NaN.
    expect(toUnit(axis({ scale: 'linear', min: 3, max: 3 }), 3)).toBe(0.5);
    for (const u of [0, 0.3, 1]) {
      expect(toUnit(lr, fromUnit(lr, u))).toBeCloseTo(u, 12);
      expect(toUnit(warmup, fromUnit(warmup, u))).toBeCloseTo(u, 12);
    }
  });

  it('turns a drag into a value range (either direction) or the categories it covers', () => {
    expect(brushOf(warmup, 0.75, 0.25)).toEqual({ field: 'params.warmup', range: [500, 1500] });
    expect(brushOf(lr, 0.25, 0.5)).toEqual({ field: 'params.lr', range: [0.0001, 0.001] });
    // Past the ends: clamped to the axis.
    expect(brushOf(warmup, -0.2, 1.4)).toEqual({ field: 'params.warmup', range: [0, 2000] });
    expect(brushOf(opt, 0.1, 0.4)).toEqual({ field: 'params.opt', categories: ['adam', 'adamw'] });
    expect(brushOf(opt, 0.8, 1)).toEqual({ field: 'params.opt', categories: ['true'] });
    // Between two slot middles: no category, no brush.
    expect(brushOf(opt, 0.15, 0.3)).toBeNull();
  });

  it('draws a brush where it was dragged, a categorical one over its slots', () => {
    const span = brushSpan(warmup, brushOf(warmup, 0.25, 0.75)!)!;
    expect(span[0]).toBeCloseTo(0.25, 9);
    expect(span[1]).toBeCloseTo(0.75, 9);
    expect(brushSpan(opt, { field: 'params.opt', categories: ['adamw', 'sgd'] })).toEqual([0.25, 0.75]);
    expect(brushSpan(opt, { field: 'params.opt', categories: ['rmsprop'] })).toBeNull();
  });

  it('keeps, through the table model, exactly the runs whose lines cross the dragged span', () => {
    const values = Array.from({ length: 200 }, (_, i) => 1e-5 * 10 ** ((i / 199) * 4));
    const data: ParallelAnswer = { rowKind: 'run', runs: 200, rows: 200, target: null, omitted: [], ids: values.map((_, i) => `r${i}`), axes: [lr], values: [values] };
    const [u0, u1] = [0.3, 0.62];
    const kept = keptRows(data, [brushOf(lr, u0, u1)!]);
    const inside = values.flatMap((v, i) => (toUnit(lr, v) >= u0 - 1e-6 && toUnit(lr, v) <= u1 + 1e-6 ? [i] : []));
    expect(kept).toEqual(inside);
    expect(kept.length).toBeGreaterThan(50);
  });

  it('ticks powers of ten on a log axis, round steps on a linear one, and thins many categories', () => {
    expect(axisTicks(lr).map(([, t]) => t)).toEqual(['1e-5', '1e-4', '1e-3', '0.01', '0.1']);
    expect(axisTicks(warmup).map(([, t]) => t)).toEqual(['0', '500', '1000', '1500', '2000']);
    expect(axisTicks(warmup).map(([u]) => u)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // A log axis spanning less than a decade falls back to round steps.
    expect(axisTicks(axis({ scale: 'log', min: 16, max: 256 })).map(([, t]) => t)).toEqual(['50', '100', '150', '200', '250']);
    const many = axis({ scale: 'categorical', categories: Array.from({ length: 100 }, (_, i) => `c${i}`) });
    expect(axisTicks(many)).toHaveLength(20);
    expect(axisTicks(opt).map(([, t]) => t)).toEqual(['adam', 'adamw', 'sgd', 'true']);
  });

  it('colours each run by its target bucket, grey without a value, one colour without a target', () => {
    const acc = axis({ field: 'metrics.acc.max', kind: 'metric', scale: 'linear', min: 0, max: 1 });
    const data: ParallelAnswer = { rowKind: 'run', runs: 4, rows: 4, target: 'acc.max', omitted: [], ids: ['a', 'b', 'c', 'd'], axes: [warmup, acc], values: [[0, 1, 2, 3], [0, 0.5, 1, null]] };
    const { colours, index } = rowColours(data, 1);
    expect(colours).toHaveLength(COLOUR_BUCKETS + 1);
    expect([...index]).toEqual([0, COLOUR_BUCKETS / 2, COLOUR_BUCKETS - 1, COLOUR_BUCKETS]);
    expect(colours[COLOUR_BUCKETS]).toBe(NO_VALUE);
    expect(colours[0]).toBe('rgb(49,54,149)');
    expect(rowColours(data, -1)).toEqual({ colours: [PLAIN], index: new Uint8Array(4) });
  });
});
