import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MetricBatch } from '../schemas/events.ts';
import { chunkRows, runRow } from './rows.ts';
import type { TableRows } from '../storage/tables.ts';

const batchArb = fc
  .record({
    keys: fc.uniqueArray(fc.constantFrom('loss', 'acc', 'val/acc', 'lr'), { minLength: 1, maxLength: 4 }),
    segments: fc.uniqueArray(fc.constantFrom('class=cat', 'class=dog', 'split=val'), { maxLength: 3 }),
    n: fc.integer({ min: 1, max: 200 }),
    seed: fc.integer(),
  })
  .chain(({ keys, segments, n }) =>
    fc.record({
      keys: fc.constant(keys),
      segments: fc.constant(segments),
      keyIndex: fc.array(fc.integer({ min: 0, max: keys.length - 1 }), { minLength: n, maxLength: n }),
      segmentIndex: fc.array(fc.integer({ min: -1, max: segments.length - 1 }), { minLength: n, maxLength: n }),
      steps: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }),
      // -0 becomes 0: min/max of {0, -0} is either, and toBe tells them apart (a flake, about 1 run in 50).
      values: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (v === 0 ? 0 : v)), { minLength: n, maxLength: n }),
      wallTimes: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: n, maxLength: n }),
    }),
  );

describe('chunkRows', () => {
  it('groups points by (key, segment) and computes each chunk summary exactly', () => {
    fc.assert(
      fc.property(batchArb, (cols) => {
        const batch: MetricBatch = { project: 'p', runId: 'r', workerRank: 2, ...cols };
        const rows: Pick<TableRows, 'metric_chunks' | 'metric_chunk_stats'> = { metric_chunks: [], metric_chunk_stats: [] };
        chunkRows(batch, { partition: 3, offset: 99 }, rows);
        const out = rows.metric_chunks;
        // Brute force: the same summary from the raw points.
        const groups = new Map<string, { step: number; value: number; wall: number }[]>();
        for (let i = 0; i < batch.steps.length; i++) {
          const si = batch.segmentIndex[i]!;
          const id = `${batch.keys[batch.keyIndex[i]!]}|${si < 0 ? '' : batch.segments[si]}`;
          const g = groups.get(id) ?? [];
          g.push({ step: batch.steps[i]!, value: batch.values[i]!, wall: batch.wallTimes[i]! });
          groups.set(id, g);
        }
        expect(out.length).toBe(groups.size);
        for (const row of out) {
          const pts = groups.get(`${row.key}|${row.segment}`)!;
          const min = Math.min(...pts.map((p) => p.value));
          const max = Math.max(...pts.map((p) => p.value));
          const last = [...pts].sort((a, b) => a.step - b.step || a.wall - b.wall).at(-1)!;
          expect(row.point_count).toBe(pts.length);
          expect(row.value_min).toBe(min);
          expect(row.value_max).toBe(max);
          expect(row.step_of_min).toBe(Math.min(...pts.filter((p) => p.value === min).map((p) => p.step)));
          expect(row.step_of_max).toBe(Math.min(...pts.filter((p) => p.value === max).map((p) => p.step)));
          expect(row.last_step).toBe(last.step);
          expect(row.last_wall_time_ms).toBe(last.wall);
          expect(row.value_sum as number).toBeCloseTo(pts.reduce((s, p) => s + p.value, 0), 6);
          expect(row.point_steps).toEqual(pts.map((p) => p.step));
          expect(row).toMatchObject({ worker_rank: 2, src_partition: 3, src_offset: 99 });
        }
        // Each chunk's stats row carries exactly its chunk's statistics and key.
        expect(rows.metric_chunk_stats.length).toBe(out.length);
        rows.metric_chunk_stats.forEach((stats, i) => {
          for (const [column, value] of Object.entries(stats)) expect(out[i]![column as keyof typeof stats]).toEqual(value);
        });
      }),
    );
  });
});

describe('runRow', () => {
  it('stores typed params as parallel arrays, sorted by key', () => {
    const row = runRow(
      {
        project: 'p', runId: 'r', experiment: 'e', sweepId: null, name: 'n', user: 'u', startedAt: 5,
        params: { opt: 'adam', lr: 0.1, amp: true }, tags: {},
        lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: { language: 'py', languageVersion: '3', libraries: {}, hardware: null }, seed: null, host: null, parentRunId: null },
      },
      { partition: 0, offset: 1 },
    );
    expect(row.param_keys).toEqual(['amp', 'lr', 'opt']);
    expect(row.param_types).toEqual(['bool', 'number', 'string']);
    expect(row.param_numbers).toEqual([1, 0.1, 'nan']);
    expect(row.sweep_id).toBe('');
  });
});
