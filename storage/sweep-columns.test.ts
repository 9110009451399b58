import { describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { LINEAGE_READS, lineageOf } from './runs.ts';
import { loadSweepColumns, metricColumn, PARAMS_READS, paramColumns, paramsQuery, runIdsQuery } from './sweep-columns.ts';

describe('paramsQuery and runIdsQuery', () => {
  it('read the params with one ARRAY JOIN over the selection, grouped by name, and the ids as one array', () => {
    const q = paramsQuery('SELECT * FROM runs');
    expect(q).toContain('ARRAY JOIN param_keys AS k, param_types AS t, param_strings AS s');
    expect(q).toContain('FROM (SELECT run_id, param_keys, param_types, param_strings FROM (SELECT * FROM runs))');
    expect(q).toMatch(/GROUP BY k\s+ORDER BY k/);
    expect(runIdsQuery('SELECT * FROM runs', 11)).toBe('SELECT groupArray(run_id) AS ids FROM (SELECT run_id FROM (SELECT * FROM runs) ORDER BY run_id LIMIT 11)');
  });
});

describe('paramColumns', () => {
  it('scatters each param into a column aligned with the run index, typed from its text', () => {
    const index = new Map([['a', 0], ['b', 1], ['c', 2]]);
    const cols = paramColumns([
      { k: 'lr', ids: ['c', 'a'], types: [0, 0], strings: ['0.040315835208070847', '1e-7'] },
      { k: 'amp', ids: ['b', 'a'], types: [1, 1], strings: ['true', 'false'] },
      { k: 'opt', ids: ['a', 'zz'], types: [2, 2], strings: ['adam', 'sgd'] }, // zz arrived after the id query
      { k: '__proto__', ids: ['a'], types: [2], strings: ['x'] },
      { k: 'gone', ids: ['zz'], types: [2], strings: ['x'] },
    ], index, 3);
    expect(cols.lr).toEqual([1e-7, null, 0.040315835208070847]);
    expect(cols.amp).toEqual([false, true, null]);
    expect(cols.opt).toEqual(['adam', null, null]);
    expect(Object.keys(cols)).toEqual(['lr', 'amp', 'opt', '__proto__']);
    expect(cols['__proto__']).toEqual(['x', null, null]);
  });

  it('reads a number from its exact text, never one ulp off', () => {
    const cols = paramColumns([{ k: 'lr', ids: ['a'], types: [0], strings: [String(0.04031583520807085)] }], new Map([['a', 0]]), 1);
    expect(cols.lr![0]).toBe(0.04031583520807085);
  });
});

describe('metricColumn', () => {
  it('aligns values with the run ids, null where missing or not finite', () => {
    expect(metricColumn(['a', 'b', 'c', 'd'], new Map([['a', 0.5], ['c', NaN], ['d', -2]]))).toEqual([0.5, null, null, -2]);
  });
});

describe('loadSweepColumns', () => {
  it('gives each query a run source with only the joins it reads, bounded to the limit, and lines lineage up by run (null for a run it missed)', async () => {
    const queries: string[] = [];
    const answers: [RegExp, unknown[]][] = [
      [/^SELECT groupArray\(run_id\) AS ids FROM/, [{ ids: ['b', 'a', 'c'] }]],
      [/ARRAY JOIN param_keys/, [{ k: 'lr', ids: ['a', 'b', 'c'], types: [0, 0, 0], strings: ['0.1', '0.2', '0.3'] }]],
      [/AS has/, [{ run_id: 'a', has: [1], text: ['alice'] }]],
      [/git_commit/, [{ run_id: 'a', git_commit: 'abc', git_dirty: 1, data_version: '', env_language: 'python', env_language_version: '3.11', env_library_names: ['torch'], env_library_versions: ['2.4'], env_hardware: '', seed: 7, host: 'h', parent_run_id: '' }, { run_id: 'b', git_commit: '', git_dirty: 0, data_version: 'v2', env_language: 'python', env_language_version: '3.11', env_library_names: [], env_library_versions: [], env_hardware: 'a100', seed: null, host: '', parent_run_id: '' }]],
      [/metric_chunk_stats/, [{ run_id: 'c', v: 0.5 }]],
    ];
    const ch = {
      query: async ({ query }: { query: string }) => {
        queries.push(query);
        return { json: async () => answers.find(([re]) => re.test(query))?.[1] ?? [] };
      },
    } as unknown as ClickHouseClient;
    const source = (reads?: string) => `SOURCE<${reads ?? 'everything'}>`;
    const loaded = await loadSweepColumns(ch, 'p', source, {
      limit: 11,
      metrics: [{ key: 'val/acc', segment: '', aggregate: 'max', label: 'val/acc.max' }],
      runFields: [{ field: { kind: 'tag', name: 'owner' }, type: 'string', label: 'tags.owner' }],
      lineage: true,
    });
    const sourceOf = (re: RegExp) => {
      const q = queries.find((x) => re.test(x))!;
      return /SOURCE<([^>]*)>/.exec(q)![1];
    };
    expect(sourceOf(/^SELECT groupArray\(run_id\) AS ids FROM/)).toBe('');
    expect(sourceOf(/metric_chunk_stats/)).toBe('');
    expect(sourceOf(/ARRAY JOIN param_keys/)).toBe(PARAMS_READS);
    expect(sourceOf(/git_commit/)).toBe(LINEAGE_READS);
    expect(sourceOf(/AS has/)).toMatch(/tag_keys/); // a tag's value needs the tags join
    for (const q of queries) expect(q).toMatch(/LIMIT 11\b/);
    expect(loaded.runIds).toEqual(['a', 'b', 'c']);
    expect(loaded.params.lr).toEqual([0.1, 0.2, 0.3]);
    expect(loaded.metrics['val/acc.max']).toEqual([null, null, 0.5]);
    expect(loaded.runFields['tags.owner']).toEqual(['alice', null, null]);
    expect(loaded.lineage![0]).toEqual({ gitCommit: 'abc', gitDirty: true, dataVersion: null, environment: { language: 'python', languageVersion: '3.11', libraries: { torch: '2.4' }, hardware: null }, seed: 7, host: 'h', parentRunId: null });
    expect(loaded.lineage![1]!.dataVersion).toBe('v2');
    expect(loaded.lineage![2]).toBeNull();
  });
});

describe('lineageOf and LINEAGE_READS', () => {
  it('read the same columns, so the lineage query never leaves one out', () => {
    const read = new Set<string>();
    lineageOf(new Proxy({}, { get: (_t, k) => (read.add(String(k)), k === 'env_library_names' || k === 'env_library_versions' ? [] : '') }));
    expect([...read].sort()).toEqual(LINEAGE_READS.split(', ').sort());
  });
});
