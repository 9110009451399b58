import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { loadCurves, type XAxis } from './curves.ts';
import { encodeRowBinary } from './row-binary.ts';

interface Range {
  lo: number | string;
  hi: number | string;
  chunks: number | string;
  /** Each run's id and its hash's text, as groupUniqArray returns them. */
  names?: [string, string][];
}

/** A run's buckets as the bucket query returns them in RowBinary: its key (the hash's text, or the id), then x, count, mean, min, max. */
interface Buckets {
  key: string;
  x: number[];
  count: number[];
  mean: number[];
  min: number[];
  max: number[];
}
const BUCKET_COLUMNS = [['key', 'String'], ['x', 'Array(Int64)'], ['count', 'Array(UInt64)'], ['mean', 'Array(Float64)'], ['min', 'Array(Float64)'], ['max', 'Array(Float64)']] as const;

/** Answers the range query (JSON) with `range`, the bucket query (RowBinary) with `buckets`; keeps every query. */
function fakeClickHouse(range: Range, buckets: Buckets[]) {
  const queries: string[] = [];
  const ch = {
    query: async ({ query }: { query: string }) => {
      queries.push(query);
      return { json: async () => [{ names: [], ...range }] };
    },
    exec: async ({ query }: { query: string }) => {
      queries.push(query);
      expect(query).toMatch(/FORMAT RowBinary$/);
      return { stream: Readable.from([encodeRowBinary(BUCKET_COLUMNS, buckets)]) };
    },
  } as unknown as ClickHouseClient;
  return { ch, queries };
}

// 1,000 ids may take 130 KB: ClickHouse takes 256 KiB per query, so at most one copy.
const IDS = ['a', 'b'];
const SOURCE = "'a', 'b'";
const SELECTION = "SELECT * FROM runs FINAL WHERE project = 'p'";
const query = (x: XAxis, maxPoints = 10) => ({ project: 'p', runIds: IDS, sourceSql: SELECTION, key: 'loss', segment: '', x, maxPoints });

describe('loadCurves', () => {
  it.each(['step', 'wall_time', 'relative_time'] as const)('spells the run ids out once per query (%s)', async (x) => {
    const { ch, queries } = fakeClickHouse({ lo: 0, hi: 100_000, chunks: 3 }, []);
    await loadCurves(ch, query(x));
    expect(queries).toHaveLength(2);
    for (const q of queries) expect(q.split(SOURCE).length - 1).toBe(1);
  });

  it('reads nothing for no runs, and the selection once per query instead of an id list too long to spell out', async () => {
    const none = fakeClickHouse({ lo: 0, hi: 1, chunks: 0 }, []);
    expect(await loadCurves(none.ch, { ...query('step'), runIds: [] })).toEqual({ bucketWidth: 1, curves: [] });
    expect(none.queries).toHaveLength(0);
    const long = Array.from({ length: 1000 }, (_, i) => `${'é'.repeat(100)}${i}`);
    const { ch, queries } = fakeClickHouse({ lo: 0, hi: 100_000, chunks: 3 }, []);
    await loadCurves(ch, { ...query('step'), runIds: long });
    expect(queries).toHaveLength(2);
    for (const q of queries) {
      expect(q.split(SELECTION).length - 1).toBe(1);
      expect(q).not.toContain(long[0]);
    }
  });

  it('reads the 64-step summaries only over steps: they say nothing about time', async () => {
    for (const x of ['step', 'wall_time', 'relative_time'] as const) {
      const { ch, queries } = fakeClickHouse({ lo: 0, hi: 1_000_000, chunks: 3 }, []);
      await loadCurves(ch, query(x));
      expect(queries[1]!.includes('lod_bucket'), x).toBe(x === 'step');
    }
  });

  it('puts relative-time buckets at lo + b·width, below 0 for points logged before the start', async () => {
    // 64-bit integers come back as strings in JSON.
    const { ch, queries } = fakeClickHouse({ lo: '-1000', hi: '8999', chunks: '2', names: [['a', '17']] }, [{ key: '17', x: [-1000, 2000], count: [2, 1], mean: [1.5, 4], min: [1, 4], max: [2, 4] }]);
    const { bucketWidth, curves } = await loadCurves(ch, query('relative_time'));
    expect(bucketWidth).toBe(1000);
    expect(curves).toEqual([{ runId: 'a', x: [-1000, 2000], mean: [1.5, 4], min: [1, 4], max: [2, 4], count: [2, 1] }]);
    expect(queries[1]).toContain('(toInt64(x) - start_ms) - (-1000)');
    expect(queries[1]).toContain('toInt64(-1000) + b * 1000');
    // A run's start: its RunStarted's, else (none, or an orphaned run) its first point's wall time.
    expect(queries[0]).toContain("SELECT run_id, toInt64(started_at_ms) AS start_ms FROM runs FINAL WHERE project = 'p' AND started_at_ms > 0");
    expect(queries[0]).toMatch(/toInt64\(min\(arrayReduce\('min', point_wall_times_ms\)\)\) AS start_ms FROM metric_chunks\s+WHERE project = 'p' AND key = 'loss' AND segment = '' AND run_id NOT IN/);
  });

  it('zoomed, spreads the buckets over the asked range alone and leaves the points outside it out', async () => {
    // Data over steps 0…100,000; zoom on 2,000…2,999 with 20 buckets: 50 steps each, every point read.
    const { ch, queries } = fakeClickHouse({ lo: 0, hi: 100_000, chunks: 3, names: [['a', '17']] }, [{ key: '17', x: [2000], count: [100], mean: [0.5], min: [0.1], max: [0.9] }]);
    const { bucketWidth, curves } = await loadCurves(ch, { ...query('step', 20), range: { from: 2000, to: 2999 } });
    expect(bucketWidth).toBe(50);
    expect(queries[1]).toContain('toInt64(2000) + b * 50');
    expect(curves[0]!.x).toEqual([2000]);
    expect(queries[1]).not.toContain('lod_bucket');
    expect(queries[1]).toContain('WHERE x >= 2000 AND x <= 2999');
    // A wide zoom reads the 64-step blocks overlapping it, the grid aligned to them.
    const wide = fakeClickHouse({ lo: 0, hi: 1_000_000, chunks: 3 }, []);
    await loadCurves(wide.ch, { ...query('step'), range: { from: 10_000, to: 500_000 } });
    expect(wide.queries[1]).toContain('lod_bucket');
    expect(wide.queries[1]).toContain(`WHERE lb * 64 >= ${Math.floor(10_000 / 64) * 64} AND lb * 64 <= 500000`);
    // A range past the data: nothing, without a second query.
    const none = fakeClickHouse({ lo: 0, hi: 100, chunks: 1 }, []);
    expect(await loadCurves(none.ch, { ...query('step'), range: { from: 500, to: 900 } })).toEqual({ bucketWidth: 1, curves: [] });
    expect(none.queries).toHaveLength(1);
  });

  it('returns no curves when the selection has no points', async () => {
    const { ch, queries } = fakeClickHouse({ lo: '0', hi: '0', chunks: '0' }, []);
    expect(await loadCurves(ch, query('relative_time'))).toEqual({ bucketWidth: 1, curves: [] });
    expect(queries).toHaveLength(1);
  });

  it('keys buckets by each run id\'s hash, by the id itself when two hashes collide, and sorts the runs by id bytewise', async () => {
    const buckets = (key: string): Buckets => ({ key, x: [0], count: [1], mean: [1], min: [1], max: [1] });
    const hashed = fakeClickHouse({ lo: 0, hi: 10, chunks: 2, names: [['b', '2'], ['a', '1']] }, [buckets('2'), buckets('1'), buckets('3')]);
    const byHash = await loadCurves(hashed.ch, query('step'));
    expect(hashed.queries[1]).toContain('cityHash64(run_id) AS rk');
    // '3': a run first logged after the range query, left to the next request.
    expect(byHash.curves.map((c) => c.runId)).toEqual(['a', 'b']);
    const collided = fakeClickHouse({ lo: 0, hi: 10, chunks: 2, names: [['b', '1'], ['a', '1'], ['\u{1F600}', '9'], ['\uFFFF', '8']] }, ['b', 'a', '\u{1F600}', '\uFFFF'].map(buckets));
    const byId = await loadCurves(collided.ch, query('step'));
    expect(collided.queries[1]).toContain('run_id AS rk');
    expect(collided.queries[1]).not.toContain('cityHash64');
    // UTF-8 order: U+FFFF (EF BF BF) before U+1F600 (F0 …), though UTF-16 sorts the surrogates first.
    expect(byId.curves.map((c) => c.runId)).toEqual(['a', 'b', '\uFFFF', '\u{1F600}']);
  });
});
