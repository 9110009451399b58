import { describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { HttpError } from '../../common/http/errors.ts';
import { MAX_SELECTION_SQL, refuseLongIdList, selectionSql } from './selection.ts';
import { DEFAULT_CRASH_AFTER_MS, RUN_SOURCE_ID_COPIES, runSourceSql } from '../../storage/runs.ts';

/** A ClickHouse stand-in for the name queries a filter needs. */
function fakeClickHouse() {
  const queries: string[] = [];
  const ch = {
    query: async ({ query }: { query: string }) => {
      queries.push(query);
      const rows = query.includes('metric_chunk_stats') ? [{ key: 'loss', segment: '' }] : [{ k: 'lr', t: 'number' }];
      return { json: async () => rows };
    },
  } as unknown as ClickHouseClient;
  return { ch, queries };
}

const ids = (n: number, prefix = 'a-run-id-of-some-length-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('selectionSql', () => {
  it('refuses a runIds list too long for ClickHouse with a 400 that says what to send instead', async () => {
    const { ch } = fakeClickHouse();
    const many = ids(10_000);
    const err = await selectionSql(ch, { project: 'sel-long', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { runIds: many }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).statusCode).toBe(400);
    expect((err as HttpError).message).toMatch(/^the runIds list is too long for one query \(10,000 ids; about [\d,]+ ids of this length fit\): select the runs with a filter .* instead of 10,000 run ids$/);
    // The estimate is right: that many ids of this length pass.
    const fit = Number(/about ([\d,]+) ids/.exec((err as HttpError).message)![1]!.replace(/,/g, ''));
    expect(Buffer.byteLength(await selectionSql(ch, { project: 'sel-long', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { runIds: many.slice(0, fit) }))).toBeLessThanOrEqual(MAX_SELECTION_SQL);
    await expect(selectionSql(ch, { project: 'sel-long', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { runIds: many.slice(0, fit + 200) })).rejects.toThrow(/too long/);
  });

  it('checks the filter against the project\'s names', async () => {
    const { ch, queries } = fakeClickHouse();
    await expect(selectionSql(ch, { project: 'sel-filter', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { filter: 'metrics.los > 1' })).rejects.toThrow(/no run in this project has logged metrics.los; did you mean metrics.loss\?/);
    await expect(selectionSql(ch, { project: 'sel-filter', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { filter: 'params.lrr > 1' })).rejects.toThrow(/did you mean params.lr\?/);
    expect(await selectionSql(ch, { project: 'sel-filter', crashAfterMs: DEFAULT_CRASH_AFTER_MS }, { filter: 'params.lr > 1 and metrics.loss.min < 1' })).toContain("key = 'loss'");
    expect(queries.some((q) => /SELECT key, segment FROM metric_chunk_stats\s+WHERE project = 'sel-filter'\s+GROUP BY key, segment/.test(q))).toBe(true);
  });
});

describe('refuseLongIdList', () => {
  it('counts every copy of the list, as compare\'s run lookup holds it twice', () => {
    const list = ids(1000, 'x'.repeat(100));
    const lookup = (runIds: string[]) => runSourceSql({ project: 'p', runIds, orphans: false, crashAfterMs: DEFAULT_CRASH_AFTER_MS });
    expect(() => refuseLongIdList(lookup(list), list, RUN_SOURCE_ID_COPIES, 'compare fewer runs')).toThrow(/\(1,000 ids; about 45\d ids of this length fit\): compare fewer runs$/);
    expect(() => refuseLongIdList(lookup(list.slice(0, 450)), list.slice(0, 450), RUN_SOURCE_ID_COPIES, 'compare fewer runs')).not.toThrow();
  });
});
