import { describe, expect, it } from 'vitest';
import { findConfounds } from './confounds.ts';
import type { RunRecord } from './store.ts';

const run = (id: string, params: RunRecord['params'], dataVersion: string, commit = 'c1'): RunRecord => ({
  id, name: id, experiment: 'e', sweepId: 's', user: 'u', status: 'finished', startedAt: '', endedAt: null, durationMs: null, params, tags: {},
  lineage: { gitCommit: commit, gitDirty: false, dataVersion, environment: { language: 'py', languageVersion: '3', libraries: { torch: '2' }, hardware: null }, seed: Number(params.seed ?? 0), host: `h${id}`, parentRunId: null },
});

describe('findConfounds', () => {
  it('names a lineage difference besides the studied param, in plain words', () => {
    const c = findConfounds([[run('a', { lr: 0.1, seed: 0 }, 'v2')], [run('b', { lr: 0.2, seed: 1 }, 'v3')]], ['params.lr']);
    expect(c.map((x) => x.field)).toEqual(['lineage.dataVersion']);
    expect(c[0]!.message).toBe('runs differ in lineage.dataVersion (v2 vs v3) besides params.lr: the effect of lr is not isolated');
  });

  it('counts other params as confounds when variables are named, never seeds or hosts', () => {
    const c = findConfounds([[run('a', { lr: 0.1, bs: 32, seed: 0 }, 'v2')], [run('b', { lr: 0.2, bs: 64, seed: 5 }, 'v2')]], ['lr']);
    expect(c.map((x) => x.field)).toEqual(['params.bs']);
    expect(findConfounds([[run('a', { lr: 0.1, bs: 32 }, 'v2')], [run('b', { lr: 0.2, bs: 64 }, 'v2')]], [])).toEqual([]);
  });

  it('compares groups by the sets of values their runs hold', () => {
    const g1 = [run('a', { lr: 0.1, seed: 0 }, 'v2'), run('b', { lr: 0.1, seed: 1 }, 'v2')];
    const g2 = [run('c', { lr: 0.2, seed: 0 }, 'v2'), run('d', { lr: 0.2, seed: 1 }, 'v3', 'c2')];
    const c = findConfounds([g1, g2], ['params.lr']);
    expect(c.map((x) => x.field)).toEqual(['lineage.dataVersion', 'lineage.gitCommit']);
    expect(c[0]!.values).toEqual([['v2'], ['v2', 'v3']]);
    expect(c[0]!.message).toMatch(/^groups differ in lineage.dataVersion \(v2 vs v2\/v3\)/);
  });
});
