import { describe, expect, it } from 'vitest';
import { HttpError } from '../../common/http/errors.ts';
import { distinctMetrics, paramName, parseSweepField, parseTarget } from './fields.ts';

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof HttpError ? err.statusCode : -1;
  }
  return 0;
};

describe('parseSweepField', () => {
  it('reads bare names and params.<name> as params', () => {
    expect(parseSweepField('lr', 'x')).toEqual({ kind: 'param', name: 'lr', label: 'params.lr' });
    expect(parseSweepField('params.model.depth', 'x')).toEqual({ kind: 'param', name: 'model.depth', label: 'params.model.depth' });
    expect(parseSweepField('  batch_size ', 'x')).toMatchObject({ kind: 'param', name: 'batch_size' });
  });

  it('reads metrics.<key>[<segment>].<aggregate> as metric summaries, .last by default', () => {
    expect(parseSweepField('metrics.val/acc.max', 'y')).toEqual({ kind: 'metric', ref: { key: 'val/acc', segment: '', aggregate: 'max', label: 'val/acc.max' }, label: 'metrics.val/acc.max' });
    expect(parseSweepField('metrics.loss[split=val]', 'y')).toMatchObject({ kind: 'metric', ref: { key: 'loss', segment: 'split=val', aggregate: 'last', label: 'loss[split=val].last' } });
  });

  it('reads tags and lineage as fields of the run, typed as the filter language types them', () => {
    expect(parseSweepField('tags.team', 'x')).toEqual({ kind: 'run', label: 'tags.team', ref: { field: { kind: 'tag', name: 'team' }, type: 'string', label: 'tags.team' } });
    expect(parseSweepField('lineage.seed', 'x')).toMatchObject({ kind: 'run', ref: { type: 'number' } });
    expect(parseSweepField('lineage.git_dirty', 'x')).toMatchObject({ kind: 'run', ref: { type: 'bool' } });
    expect(parseSweepField('lineage.libraries.torch', 'x')).toMatchObject({ kind: 'run', label: 'lineage.libraries.torch', ref: { field: { kind: 'library', name: 'torch' }, type: 'string' } });
  });

  it('refuses other fields and empty input with a 400 naming the request field', () => {
    for (const bad of ['lineage.nope', 'tags.', 'metrics.', 'params.', '', 'metrics.acc[].max', 'metrics.acc[x].foo']) {
      expect(status(() => parseSweepField(bad, 'axes[3]')), bad).toBe(400);
    }
    expect(() => parseSweepField('lineage.nope', 'axes[3]')).toThrow(/^axes\[3\]: "lineage.nope" is not a field; expected one of lineage.git_commit/);
  });
});

describe('parseTarget', () => {
  it('accepts the metric with or without metrics., bare keys meaning .last', () => {
    expect(parseTarget('val/acc.max')).toEqual({ key: 'val/acc', segment: '', aggregate: 'max', label: 'val/acc.max' });
    expect(parseTarget('metrics.loss[split=val].min').label).toBe('loss[split=val].min');
    expect(parseTarget('loss').label).toBe('loss.last');
  });

  it('answers 400 for nonsense', () => {
    expect(status(() => parseTarget(''))).toBe(400);
    expect(status(() => parseTarget('acc[].max'))).toBe(400);
    expect(() => parseTarget('acc[].max')).toThrow(/^target: /);
  });
});

describe('helpers', () => {
  it('strips params. and keeps one metric per label', () => {
    expect(paramName('params.lr')).toBe('lr');
    expect(paramName('lr')).toBe('lr');
    const a = parseTarget('acc.max');
    expect(distinctMetrics([a, parseTarget('metrics.acc.max'), parseTarget('acc.min')]).map((m) => m.label)).toEqual(['acc.max', 'acc.min']);
  });
});
