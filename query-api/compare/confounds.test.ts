import { describe, expect, it } from 'vitest';
import { findConfounds, findConfoundsInColumns, studiedFields } from './confounds.ts';
import { lineageByName } from './compare.ts';
import type { RunRecord } from '../../storage/runs.ts';

const run = (id: string, params: RunRecord['params'], dataVersion: string, commit = 'c1'): RunRecord => ({
  id, name: id, experiment: 'e', sweepId: 's', user: 'u', status: 'finished', startedAt: '', deleted: false, endedAt: null, durationMs: null, summary: {}, params, paramsSetAfterStart: {}, tags: {},
  lineage: { gitCommit: commit, gitDirty: false, dataVersion, environment: { language: 'py', languageVersion: '3', libraries: { torch: '2' }, hardware: null }, seed: Number(params.seed ?? 0), host: `h${id}`, parentRunId: null },
});

describe('findConfounds', () => {
  it('names a lineage difference besides the studied param, in plain words and the filter language\'s names', () => {
    const c = findConfounds([[run('a', { lr: 0.1, seed: 0 }, 'v2')], [run('b', { lr: 0.2, seed: 1 }, 'v3')]], ['params.lr']);
    expect(c.map((x) => x.field)).toEqual(['lineage.data_version']);
    expect(c[0]!.message).toBe('runs differ in lineage.data_version (v2 vs v3) besides params.lr: the effect of lr is not isolated');
  });

  it('counts other params as confounds when variables are named, never seeds or hosts', () => {
    const c = findConfounds([[run('a', { lr: 0.1, bs: 32, seed: 0 }, 'v2')], [run('b', { lr: 0.2, bs: 64, seed: 5 }, 'v2')]], ['lr']);
    expect(c.map((x) => x.field)).toEqual(['params.bs']);
    expect(findConfounds([[run('a', { lr: 0.1, bs: 32 }, 'v2')], [run('b', { lr: 0.2, bs: 64 }, 'v2')]], [])).toEqual([]);
  });

  it('lets a lineage field be a variable, and words the warning plainly without variables', () => {
    const units = [[run('a', { lr: 0.1 }, 'v2', 'c1')], [run('b', { lr: 0.1 }, 'v3', 'c2')]];
    expect(findConfounds(units, ['lineage.data_version']).map((x) => x.field)).toEqual(['lineage.git_commit']);
    const plain = findConfounds(units, []);
    expect(plain.map((x) => x.field)).toEqual(['lineage.data_version', 'lineage.git_commit']);
    expect(plain[0]!.message).toBe(
      'runs differ in lineage.data_version (v2 vs v3), which may account for part of any difference in their metrics; name the fields you meant to vary in variables to check everything else',
    );
  });

  it('compares groups by the sets of values their runs hold', () => {
    const g1 = [run('a', { lr: 0.1, seed: 0 }, 'v2'), run('b', { lr: 0.1, seed: 1 }, 'v2')];
    const g2 = [run('c', { lr: 0.2, seed: 0 }, 'v2'), run('d', { lr: 0.2, seed: 1 }, 'v3', 'c2')];
    const c = findConfounds([g1, g2], ['params.lr']);
    expect(c.map((x) => x.field)).toEqual(['lineage.data_version', 'lineage.git_commit']);
    expect(c[0]!.values).toEqual([['v2'], ['v2', 'v3']]);
    expect(c[0]!.message).toMatch(/^groups differ in lineage.data_version \(v2 vs v2\/v3\)/);
  });
});

describe('studiedFields', () => {
  const known = { params: ['lr', 'bs', 'seed'], libraries: ['torch'] };
  const error = (variables: string[]) => {
    try {
      studiedFields(variables, known);
    } catch (e) {
      return e as { statusCode: number; message: string };
    }
    throw new Error('accepted');
  };

  it('spells variables as the filter language does', () => {
    expect(studiedFields(['lr', 'params.bs', 'lineage.data_version', 'lineage.libraries.torch', 'params.lr'], known)).toEqual([
      'params.lr', 'params.bs', 'lineage.data_version', 'lineage.libraries.torch',
    ]);
  });

  it('refuses unknown variables with a 400 and a suggestion', () => {
    expect(error(['params.lrr'])).toMatchObject({ statusCode: 400, message: 'variables: no run in this project has params.lrr; did you mean params.lr?' });
    expect(error(['lineage.dataVersion']).message).toBe('variables: unknown field "lineage.dataVersion"; did you mean lineage.data_version?');
    expect(error(['data_version']).message).toMatch(/no run in this project has params.data_version; did you mean lineage.data_version\?/);
    expect(error(['lineage.libraries.jax']).message).toMatch(/no compared run has lineage.libraries.jax/);
    expect(error(['metrics.val/acc']).message).toMatch(/not something a run is set up with/);
  });
});

describe('findConfoundsInColumns', () => {
  it('answers as findConfounds on the same runs: params and libraries some runs lack, lineage nulls, studied and plain', () => {
    const withLibs = (r: RunRecord, libraries: Record<string, string>): RunRecord => ({ ...r, lineage: { ...r.lineage, environment: { ...r.lineage.environment, libraries } } });
    const runs = [
      run('a', { lr: 0.1, bs: 32, seed: 0 }, 'v2'),
      withLibs(run('b', { lr: 0.1, seed: 1 }, 'v2'), {}),
      run('c', { lr: 0.2, bs: 32, seed: 0 }, 'v2', 'c2'),
      withLibs(run('d', { lr: 0.2, bs: 64, wd: 'x' }, 'v3'), { torch: '2', jax: '0.4' }),
      { ...run('e', { lr: 0.3 }, 'v2'), lineage: { ...run('e', {}, 'v2').lineage, gitCommit: null, dataVersion: null } },
    ];
    const columns = new Map<string, unknown[]>();
    const set = (field: string, i: number, v: unknown) => {
      if (!columns.has(field)) columns.set(field, new Array<unknown>(runs.length).fill(null));
      columns.get(field)![i] = v;
    };
    runs.forEach((r, i) => {
      for (const [k, v] of Object.entries(r.params)) set(`params.${k}`, i, v);
      for (const [k, v] of Object.entries(lineageByName(r))) set(`lineage.${k}`, i, v);
    });
    for (const units of [[[0, 1], [2, 3], [4]], [[0], [3]], [[0, 1, 2], [3, 4]]]) {
      for (const variables of [['params.lr'], [], ['lineage.data_version', 'bs']]) {
        const expected = findConfounds(units.map((u) => u.map((i) => runs[i]!)), variables);
        expect(expected.length).toBeGreaterThan(0);
        expect(findConfoundsInColumns(units, columns, variables)).toEqual(expected);
      }
    }
  });
});
