import { describe, expect, it } from 'vitest';
import { nearest, parseSeries, unknownMetric, unknownParam, unknownSeries } from './names.ts';
import { type MetricNames, type ParamNames, type ParamType } from '../../storage/project-names.ts';

const params: ParamNames = new Map<string, Set<ParamType>>([
  ['lr', new Set<ParamType>(['number'])],
  ['optimizer', new Set<ParamType>(['string'])],
  ['batch_size', new Set<ParamType>(['number'])],
]);
// Keys hold slashes and dots; val/acc is logged per segment too, per_class only per segment.
const metrics: MetricNames = new Map([
  ['loss', new Set([''])],
  ['val/acc', new Set(['', 'class=cat', 'class=dog'])],
  ['train.loss', new Set([''])],
  ['x.max', new Set([''])],
  ['per_class', new Set(['class=cat'])],
]);
const field = { prefix: 'metrics.', aggregates: true };

describe('nearest', () => {
  it('suggests typos, containment and case differences, closest first, at most three', () => {
    expect(nearest('lrr', params.keys())).toEqual(['lr']);
    expect(nearest('batch', params.keys())).toEqual(['batch_size']);
    expect(nearest('LR', params.keys())).toEqual(['lr']);
    expect(nearest('median', ['last', 'min', 'max', 'mean', 'count'])).toEqual(['mean']);
    expect(nearest('zzz', params.keys())).toEqual([]);
    expect(nearest('a', ['ab', 'abc', 'abcd', 'abcde'])).toEqual(['ab', 'abc', 'abcd']);
  });
});

describe('unknownParam', () => {
  it('names an unknown param with a suggestion from the same project\'s names', () => {
    expect(unknownParam('lr', params)).toBeNull();
    expect(unknownParam('lrr', params)).toBe('no run in this project has params.lrr; did you mean params.lr?');
    expect(unknownParam('nope', params)).toBe('no run in this project has params.nope');
  });

  it('checks nothing in a project with no param yet (or without names)', () => {
    expect(unknownParam('lr', new Map())).toBeNull();
    expect(unknownParam('lr', undefined)).toBeNull();
  });
});

describe('unknownMetric', () => {
  it('accepts keys with slashes and dots, and their segments', () => {
    expect(unknownMetric({ key: 'val/acc', segment: 'class=cat' }, metrics, field)).toBeNull();
    expect(unknownMetric({ key: 'train.loss', segment: '' }, metrics, field)).toBeNull();
    expect(unknownMetric({ key: 'x.max', segment: '' }, metrics, field)).toBeNull();
  });

  it('names an unknown key, with a suggestion', () => {
    expect(unknownMetric({ key: 'nope', segment: '' }, metrics, field)).toBe('no run in this project has logged metrics.nope');
    expect(unknownMetric({ key: 'los', segment: '' }, metrics, field)).toBe('no run in this project has logged metrics.los; did you mean metrics.loss or metrics.train.loss?');
    expect(unknownMetric({ key: 'val/ac', segment: 'class=cat' }, metrics, field)).toBe('no run in this project has logged metrics.val/ac[class=cat]; did you mean metrics.val/acc[class=cat]?');
  });

  it('reads a trailing word that is no aggregate as "unknown aggregate or unknown metric"', () => {
    expect(unknownMetric({ key: 'val/acc.median', segment: '' }, metrics, field)).toBe(
      "unknown aggregate 'median' (last, min, max, mean, count) or unknown metric metrics.val/acc.median; did you mean metrics.val/acc.mean?",
    );
    expect(unknownMetric({ key: 'nope.median', segment: '' }, metrics, field)).toBe("unknown aggregate 'median' (last, min, max, mean, count) or unknown metric metrics.nope.median");
    // Where no aggregate can follow (a list of series), a dotted name is just a key.
    expect(unknownMetric({ key: 'val/acc.median', segment: '' }, metrics, { prefix: '', aggregates: false })).toBe('no run in this project has logged val/acc.median; did you mean val/acc?');
  });

  it('names unknown segments and keys logged per segment only', () => {
    expect(unknownMetric({ key: 'val/acc', segment: 'class=dgo' }, metrics, field)).toBe('no run in this project has logged metrics.val/acc[class=dgo]; did you mean metrics.val/acc[class=dog]?');
    expect(unknownMetric({ key: 'val/acc', segment: 'split=test' }, metrics, field)).toBe('no run in this project has logged metrics.val/acc[split=test]; its segments are class=cat, class=dog, or none (metrics.val/acc)');
    expect(unknownMetric({ key: 'per_class', segment: '' }, metrics, field)).toBe('metrics.per_class is logged per segment only in this project; name a segment, e.g. metrics.per_class[class=cat]');
  });

  it('checks nothing in a project with no metric yet', () => {
    expect(unknownMetric({ key: 'nope', segment: '' }, new Map(), field)).toBeNull();
    expect(unknownMetric({ key: 'nope', segment: '' }, undefined, field)).toBeNull();
  });
});

describe('parseSeries and unknownSeries', () => {
  const curves = (name: string) => unknownSeries(name, metrics, true, 'every bucket has its mean, min and max');
  const compare = (name: string) => unknownSeries(name, metrics, false, 'compare returns every summary and segment of it');

  it('parses key[segment] where segments are allowed', () => {
    expect(parseSeries('val/acc[class=cat]', true)).toEqual({ key: 'val/acc', segment: 'class=cat' });
    expect(parseSeries('val/acc[class=cat]', false)).toEqual({ key: 'val/acc[class=cat]', segment: '' });
    expect(parseSeries('loss.min', true)).toEqual({ key: 'loss.min', segment: '' });
    expect(parseSeries('val/acc[]', true)).toBeNull();
  });

  it('tells a summary or a segment of a known series from an unknown metric', () => {
    expect(curves('loss')).toBeNull();
    expect(curves('train.loss')).toBeNull();
    expect(curves('x.max')).toBeNull(); // a key that ends like an aggregate is still a key
    expect(curves('val/acc[class=cat]')).toBeNull();
    expect(curves('loss.min')).toBe('"loss.min" is a summary of loss, not a series; ask for "loss" (every bucket has its mean, min and max)');
    expect(curves('val/acc[class=cat].max')).toBe('"val/acc[class=cat].max" is a summary of val/acc[class=cat], not a series; ask for "val/acc[class=cat]" (every bucket has its mean, min and max)');
    expect(curves('val/acc[class=cow]')).toBe('no run in this project has logged val/acc[class=cow]; did you mean val/acc[class=cat] or val/acc[class=dog]?');
    expect(curves('nope')).toBe('no run in this project has logged nope');
    expect(compare('val/acc')).toBeNull();
    expect(compare('per_class')).toBeNull();
    expect(compare('val/acc[class=cat]')).toBe('"val/acc[class=cat]" is a segment of val/acc, not a series; ask for "val/acc" (compare returns every summary and segment of it)');
    expect(compare('val/acc.max')).toMatch(/^"val\/acc.max" is a summary of val\/acc/);
    expect(compare('los')).toBe('no run in this project has logged los; did you mean loss or train.loss?');
    expect(unknownSeries('nope', new Map(), true, '')).toBeNull();
  });
});
