import { describe, expect, it } from 'vitest';
import type { ParamNames, ParamType } from '../../storage/project-names.ts';
import { checkGroupingParams, heldParams } from './groups.ts';
import type { RunRecord } from '../../storage/runs.ts';

const run = (id: string, params: RunRecord['params']): RunRecord => ({
  id, name: id, experiment: 'e', sweepId: null, user: 'u', status: 'finished', startedAt: '', deleted: false, endedAt: null, durationMs: null, summary: {}, params, paramsSetAfterStart: {}, tags: {},
  lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'py', languageVersion: '3', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null },
});

describe('checkGroupingParams', () => {
  const names: ParamNames = new Map([['lr', new Set<ParamType>(['number'])], ['bs', new Set<ParamType>(['number'])], ['warmup', new Set<ParamType>(['number'])]]);
  const runs = heldParams([run('a', { lr: 0.1, bs: 32 }), run('b', { lr: 0.2, bs: 32 })]);

  it('accepts params the selected runs set', () => {
    expect(() => checkGroupingParams(['lr', 'bs'], runs, names, 'groupBy')).not.toThrow();
  });

  it('refuses a param unknown to the project, with a suggestion, and one no selected run sets', () => {
    expect(() => checkGroupingParams(['lrr'], runs, names, 'groupBy')).toThrow('groupBy: no run in this project has params.lrr; did you mean params.lr?');
    expect(() => checkGroupingParams(['lr', 'warmup'], runs, names, 'by')).toThrow('by: none of the 2 selected run(s) has params.warmup, so it cannot split them into groups');
    expect(() => checkGroupingParams(['warmup'], heldParams([]), names, 'by')).not.toThrow(); // an empty selection has no groups to spoil
  });
});
