import { describe, expect, it } from 'vitest';
import type { MetricNames, ParamNames, ParamType } from '../../storage/project-names.ts';
import { checkSorts, parseSorts, parseSort } from './sort.ts';

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
    expect(() => parseSort('started_at:up')).toThrow(/sort "started_at:up": unknown direction 'up'; use :asc or :desc/);
  });
});

describe('checkSorts', () => {
  const params: ParamNames = new Map([['lr', new Set<ParamType>(['number'])]]);
  const metrics: MetricNames = new Map([['loss', new Set([''])], ['eval:acc', new Set([''])], ['val/acc', new Set(['', 'class=cat'])]]);
  const check = (sort: string) => checkSorts(parseSorts(sort), params, metrics);

  it('accepts what the project holds, keys with colons included', () => {
    expect(() => check('params.lr:desc,metrics.loss.min,metrics.val/acc[class=cat].max:asc,started_at')).not.toThrow();
    expect(() => check('metrics.eval:acc')).not.toThrow();
  });

  it('names unknown params and metrics, with a suggestion', () => {
    expect(() => check('params.lrr')).toThrow('sort: no run in this project has params.lrr; did you mean params.lr?');
    expect(() => check('metrics.los.max:desc')).toThrow('sort: no run in this project has logged metrics.los; did you mean metrics.loss?');
    expect(() => check('metrics.loss.median')).toThrow(/unknown aggregate 'median' \(last, min, max, mean, count\) or unknown metric metrics.loss.median/);
  });

  it('tells an unknown direction from a key with a colon', () => {
    expect(() => check('metrics.loss:up')).toThrow(`sort "metrics.loss:up": unknown direction 'up'; use :asc or :desc`);
    expect(() => check('metrics.loss.max:up')).toThrow(`sort "metrics.loss.max:up": unknown direction 'up'; use :asc or :desc`);
    expect(() => check('metrics.val/acc[class=cat].max:descending')).toThrow(/unknown direction 'descending'; use :asc or :desc$/);
    expect(() => check('params.lr:up')).toThrow(`sort "params.lr:up": unknown direction 'up'; use :asc or :desc`);
    expect(() => check('params.nope:up')).toThrow(`sort "params.nope:up": unknown direction 'up'; use :asc or :desc (or no run in this project has params.nope:up)`);
  });

  it('checks nothing in a project with no params or metrics yet', () => {
    expect(() => checkSorts(parseSorts('params.lrr,metrics.nope.max'), new Map(), new Map())).not.toThrow();
  });
});
