import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.ts';
import type { RunRecord } from '../../storage/runs.ts';

const run = (id: string, params: RunRecord['params'], dataVersion: string): RunRecord => ({
  id, name: id, experiment: 'e', sweepId: 's', user: 'u', status: 'finished', startedAt: '', deleted: false, endedAt: null, durationMs: null, summary: {},
  params, paramsSetAfterStart: {}, tags: { team: 'x' },
  lineage: { gitCommit: 'c', gitDirty: false, dataVersion, environment: { language: 'py', languageVersion: '3', libraries: { torch: '2' }, hardware: null }, seed: 1, host: null, parentRunId: null },
});

describe('compareRuns', () => {
  it('flags differing params and lineage, keeps runs in the given order, fills gaps with null', () => {
    const runs = [run('a', { lr: 0.1, bs: 32 }, 'v2'), run('b', { lr: 0.2, bs: 32, warmup: 5 }, 'v3')];
    const summaries = new Map([['a', [{ key: 'acc', segment: null, count: 2, mean: 1, min: 0, max: 2, stepOfMin: 1, stepOfMax: 2, last: 2, lastStep: 2, lastWallMs: 7 }]]]);
    const artifacts = new Map([
      ['a', [{ name: 'model', kind: 'checkpoint', uri: 'u1', digest: 'd1', sizeBytes: 1, step: 1, loggedAt: '', metadata: {} }]],
      ['b', [{ name: 'model', kind: 'checkpoint', uri: 'u2', digest: 'd1', sizeBytes: 1, step: 1, loggedAt: '', metadata: {} }]],
    ]);
    const c = compareRuns(runs, summaries, artifacts, { params: 'all' });
    expect(c.runs.map((r) => r.id)).toEqual(['a', 'b']);
    expect(c.params).toEqual([
      { key: 'bs', values: [32, 32], differs: false },
      { key: 'lr', values: [0.1, 0.2], differs: true },
      { key: 'warmup', values: [null, 5], differs: true },
    ]);
    expect(c.lineage.find((l) => l.key === 'dataVersion')).toEqual({ key: 'dataVersion', values: ['v2', 'v3'], differs: true });
    expect(c.lineage.find((l) => l.key === 'gitCommit')?.differs).toBe(false);
    expect(c.metrics).toEqual([{ key: 'acc', segment: null, values: [{ count: 2, mean: 1, min: 0, max: 2, stepOfMin: 1, stepOfMax: 2, last: 2, lastStep: 2, lastWallMs: 7 }, null], deltas: [{ last: 0, min: 0, max: 0, mean: 0 }, null] }]);
    expect(c.baseline).toBe('a');
    expect(compareRuns(runs, summaries, artifacts).params.map((p) => p.key)).toEqual(['lr', 'warmup']);
    expect(c.artifacts[0]).toMatchObject({ key: 'model', differs: false });
  });
});
