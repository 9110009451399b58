// When kafkajs stops the consumer for good — here because ClickHouse keeps rejecting a batch
// (a table is missing) until kafkajs' retries run out; in production also a broker gone for
// longer than the retry budget — the processor starts a fresh consumer with backoff, in the
// same process, and resumes once the cause is fixed. Nothing is lost or doubled meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, renderMigration } from '../../storage/migrate.ts';
import type { Processor } from '../../processors/processor.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { connectSdk, count, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor | undefined;

beforeAll(async () => {
  ns = await freshNamespace('restart');
});
afterAll(async () => {
  await processor?.stop();
  await ns?.drop();
});

describe('consumer restart', () => {
  it('replaces a consumer kafkajs gave up on and resumes once the cause is fixed', async () => {
    await ns.clickhouse.command({ query: 'DROP TABLE processed_batches' });
    processor = await startProcessor(ns, undefined, { maxRestartDelayMs: 2_000 });
    const sdk = await connectSdk(ns);
    const run = await sdk.startRun({ project: 'restart', experiment: 'e', runId: 'r-1', params: {} });
    for (let step = 1; step <= 25; step++) run.log({ loss: 1 / step }, step);
    await run.flush();
    await sdk.close();

    const p = processor;
    await eventually(async () => (p.stats.consumerRestarts >= 2 ? true : undefined), 90_000, 'two consumer restarts');
    expect(p.stats.batches).toBe(0); // nothing committed while the batch cannot be marked stored

    const marker = loadMigrations().find((m) => m.name === 'processed_batches')!;
    await ns.clickhouse.command({ query: renderMigration(marker.sql, ns.config.clickhouseDatabase) });
    await eventually(async () => (p.stats.batches > 0 ? true : undefined), 60_000, 'a batch committed after the fix');
    await eventually(async () => ((await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL')) === 25 ? true : undefined), 30_000, 'points stored');
    expect(await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunk_stats FINAL')).toBe(25);
    expect(await count(ns, 'SELECT count() AS n FROM runs FINAL')).toBe(1);
  }, 240_000);
});
