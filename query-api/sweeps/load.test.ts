import { describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { HttpError } from '../../common/http/errors.ts';
import { parseMetricRef } from '../selection/selection.ts';
import { loadSweep, MAX_SELECTION_SQL } from './load.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../../storage/runs.ts';

/** A ClickHouse stand-in that answers the loader's three kinds of query and records them. */
function fakeClickHouse(answers: { ids: string[]; params: object[]; metric: { run_id: string; v: number }[] }) {
  const queries: string[] = [];
  const ch = {
    query: async ({ query }: { query: string }) => {
      queries.push(query);
      const rows = query.includes('groupArray(run_id) AS ids FROM') ? [{ ids: answers.ids }] : query.includes('ARRAY JOIN param_keys AS k,') ? answers.params : answers.metric;
      return { json: async () => rows };
    },
  } as unknown as ClickHouseClient;
  return { ch, queries };
}

describe('loadSweep', () => {
  const answers = {
    ids: ['run-b', 'run-a', 'run-c'],
    params: [
      { k: 'lr', ids: ['run-a', 'run-b', 'run-c'], types: [0, 0, 0], strings: ['0.1', '0.01', '0.001'] },
      { k: 'opt', ids: ['run-c', 'run-a'], types: [2, 2], strings: ['sgd', 'adam'] },
    ],
    metric: [{ run_id: 'run-c', v: 0.3 }, { run_id: 'run-a', v: 0.9 }],
  };

  it('returns columns in canonical run-id order, without an object per run', async () => {
    const { ch, queries } = fakeClickHouse(answers);
    const loaded = await loadSweep(ch, { project: 'p', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { sweep: 's1' }, { metrics: [parseMetricRef('val/acc.max')] });
    expect(loaded.runIds).toEqual(['run-a', 'run-b', 'run-c']);
    expect(loaded.params).toEqual({ lr: [0.1, 0.01, 0.001], opt: ['adam', null, 'sgd'] });
    expect(loaded.metrics).toEqual({ 'val/acc.max': [0.9, null, 0.3] });
    expect(queries).toHaveLength(3);
    for (const q of queries) expect(q).toContain("project = 'p'");
    expect(queries.some((q) => q.includes("sweep_id = 's1'"))).toBe(true);
  });

  it('refuses unknown run ids with a 404, too many runs and runIds lists too long for ClickHouse with a 400', async () => {
    const { ch } = fakeClickHouse(answers);
    await expect(loadSweep(ch, { project: 'p', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { runIds: ['run-a', 'nope'] })).rejects.toMatchObject({ statusCode: 404, message: expect.stringMatching(/not found in this project: nope/) });
    await expect(loadSweep(ch, { project: 'p', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, {}, { maxRuns: 2 })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/more than 2 runs/) });
    const many = Array.from({ length: Math.ceil(MAX_SELECTION_SQL / 20) }, (_, i) => `a-long-run-id-${i}`);
    const err = await loadSweep(ch, { project: 'p', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { runIds: many }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toMatch(/runIds list is too long/);
  });

  it('quotes what the request names (through the selection SQL)', async () => {
    const { ch, queries } = fakeClickHouse({ ...answers, ids: ["it's"], params: [], metric: [] });
    await loadSweep(ch, { project: "o'brien", crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { runIds: ["it's"], experiment: "x\\' OR 1=1" });
    expect(queries[0]).toContain("project = 'o\\'brien'");
    expect(queries[0]).toContain("experiment = 'x\\\\\\' OR 1=1'");
    expect(queries[0]).toContain("run_id IN ('it\\'s')");
  });
});
