// A crash between the inserts of one batch leaves some tables holding it and others not. On
// restart the processor must process that batch again — the stored high-water mark comes from
// processed_batches, written after all of a batch's inserts, never from a data table's highest
// source offset (which would skip the rows the other tables lack, for good).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { connectSdk, count, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor | undefined;

beforeAll(async () => {
  ns = await freshNamespace('partial');
});
afterAll(async () => {
  await processor?.stop();
  await ns?.drop();
});

describe('a batch stored in part before a crash', () => {
  it('is processed again on restart, not skipped', async () => {
    const sdk = await connectSdk(ns, { maxBatchPoints: 5 });
    const run = await sdk.startRun({ project: 'partial', experiment: 'e', runId: 'r-1', params: { lr: 0.1 } });
    for (let step = 1; step <= 40; step++) run.log({ loss: 1 / step }, step);
    await run.flush();
    await sdk.close();
    // What a crash mid-batch leaves behind: another table already holds rows at offsets beyond
    // every message above (on every partition), while metric_chunks holds none of them.
    await ns.clickhouse.insert({
      table: 'artifacts',
      values: [0, 1, 2, 3, 4, 5].map((p) => ({ project: 'crash-sim', run_id: 'x', name: 'n', kind: 'k', uri: 'u', digest: 'd', size_bytes: 1, step: 0, logged_at_ms: 0, meta_keys: [], meta_values: [], src_partition: p, src_offset: 1_000_000 })),
      format: 'JSONEachRow',
    });
    processor = await startProcessor(ns);
    await eventually(async () => ((await count(ns, "SELECT sum(point_count) AS n FROM metric_chunks FINAL WHERE project = 'partial'")) === 40 ? true : undefined), 60_000, 'points stored');
    expect(await count(ns, "SELECT sum(point_count) AS n FROM metric_chunk_stats FINAL WHERE project = 'partial'")).toBe(40);
    expect(processor.stats.skippedStored).toBe(0);
  });
});
