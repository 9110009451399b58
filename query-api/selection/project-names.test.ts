import { describe, expect, it, vi } from 'vitest';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { namesFor } from './project-names.ts';

/** Answers the name queries from mutable lists, counting the queries of each kind. */
function fakeClickHouse(data: { params: { k: string; t: string }[]; metrics: { key: string; segment: string }[] }) {
  const count = { params: 0, metrics: 0 };
  const ch = {
    query: async ({ query }: { query: string }) => {
      const metric = query.includes('metric_chunk_stats');
      count[metric ? 'metrics' : 'params']++;
      const rows = metric ? [...data.metrics] : [...data.params];
      return { json: async () => rows };
    },
  } as unknown as ClickHouseClient;
  return { ch, count };
}

describe('namesFor', () => {
  it('loads only the names the names need, from the cache while every name is in it', async () => {
    const { ch, count } = fakeClickHouse({ params: [{ k: 'lr', t: 'number' }], metrics: [{ key: 'loss', segment: '' }] });
    expect(await namesFor(ch, 'cat-a', [{ kind: 'tag' }])).toEqual({});
    const first = await namesFor(ch, 'cat-a', [{ kind: 'param', name: 'lr' }]);
    expect(first.metrics).toBeUndefined();
    expect([...first.params!.keys()]).toEqual(['lr']);
    await namesFor(ch, 'cat-a', [{ kind: 'param', name: 'lr' }, { kind: 'metric', key: 'loss', segment: '' }]);
    await namesFor(ch, 'cat-a', [{ kind: 'metric', key: 'loss' }]);
    expect(count).toEqual({ params: 1, metrics: 1 });
  });

  it('reloads past the cache when a name is missing: a metric logged a second ago is not unknown', async () => {
    const data = { params: [{ k: 'lr', t: 'number' }], metrics: [{ key: 'loss', segment: '' }] };
    const { ch, count } = fakeClickHouse(data);
    let now = 1_000_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      await namesFor(ch, 'cat-b', [{ kind: 'metric', key: 'loss', segment: '' }]);
      data.metrics.push({ key: 'val/acc', segment: 'class=cat' });
      // Within a second of a load, misses share it: a burst of typos costs one scan.
      now += 500;
      const burst = await namesFor(ch, 'cat-b', [{ kind: 'metric', key: 'val/acc', segment: 'class=cat' }]);
      expect(burst.metrics!.has('val/acc')).toBe(false);
      expect(count.metrics).toBe(1);
      // Past that second, a miss reloads.
      now += 1_000;
      const after = await namesFor(ch, 'cat-b', [{ kind: 'metric', key: 'val/acc', segment: 'class=cat' }]);
      expect(after.metrics!.get('val/acc')).toEqual(new Set(['class=cat']));
      expect(count.metrics).toBe(2);
      // The reloaded copy is cached for the next request.
      await namesFor(ch, 'cat-b', [{ kind: 'metric', key: 'val/acc' }]);
      expect(count.metrics).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });
});
