import { describe, expect, it } from 'vitest';
import { parseSort } from './sort.ts';

describe('parseSort', () => {
  it('reads params, metric aggregates, segments and directions', () => {
    expect(parseSort('params.lr:asc')).toEqual({ kind: 'param', key: 'lr', direction: 'asc' });
    expect(parseSort('metrics.val/acc.max:desc')).toEqual({ kind: 'metric', key: 'val/acc', segment: '', aggregate: 'max', direction: 'desc' });
    expect(parseSort('metrics.val/acc')).toEqual({ kind: 'metric', key: 'val/acc', segment: '', aggregate: 'last', direction: 'asc' });
    expect(parseSort('metrics.val/acc[class=cat].mean:DESC')).toEqual({ kind: 'metric', key: 'val/acc', segment: 'class=cat', aggregate: 'mean', direction: 'desc' });
    expect(parseSort('started_at:desc')).toEqual({ kind: 'attribute', field: 'started_at', direction: 'desc' });
  });
  it('explains what it expected', () => {
    expect(() => parseSort('lr')).toThrow(/expected params.<name>/);
    expect(() => parseSort('params.')).toThrow(/missing param name/);
    expect(() => parseSort('metrics..max')).toThrow(/missing metric name/);
    expect(() => parseSort('metrics.acc[].max')).toThrow(/empty segment/);
    expect(() => parseSort('params.a\nb')).toThrow(/control characters/);
    expect(() => parseSort('metrics.loss[a\u0000b]')).toThrow(/control characters/);
  });
});
