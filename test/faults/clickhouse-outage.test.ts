// ClickHouse stopped for a minute mid-insert: the processor pauses, keeps memory bounded,
// retries with backoff and resumes with nothing lost — no crash loop, no rebalance storm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultStack } from './global-setup.ts';
import { faultNamespace, ProcessorProcess, report, sendPaced, stored, summaryMismatches, waitForStored, type FaultNamespace } from './harness.ts';

const OUTAGE_S = Number(process.env.RUNLENS_FAULT_OUTAGE_S ?? 60);

let ns: FaultNamespace;
beforeAll(async () => {
  ns = await faultNamespace('chdown');
});
afterAll(async () => ns?.close());

describe('ClickHouse outage', () => {
  it(`resumes after ${OUTAGE_S}s without ClickHouse, nothing lost or doubled`, async () => {
    const processor = new ProcessorProcess(ns.config);
    let peakRss = 0;
    const sampler = setInterval(() => {
      if (processor.alive) peakRss = Math.max(peakRss, processor.rssMiB());
    }, 500);
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 3_000));
      await faultStack('down', 'clickhouse');
      await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
      await faultStack('up', 'clickhouse');
    })();
    // Keeps sending through the outage: Kafka buffers, the processor must not.
    const sent = await sendPaced(ns.config, { label: 'chdown', runs: 10, steps: 10_000, pointsPerSecond: 10_000 });
    await outage;
    const result = await waitForStored(ns.clickhouse, sent.ackedPoints, 180_000);
    clearInterval(sampler);
    const alive = processor.alive;
    const retries = processor.count(/ClickHouse unavailable; retrying insert/);
    const crashes = processor.count(/consumer crashed/);
    const joins = processor.count(/partitions assigned/);
    await processor.stop();
    const final = await stored(ns.clickhouse);
    report('ClickHouse outage', {
      'outage s': OUTAGE_S,
      'points sent': sent.points,
      acked: sent.ackedPoints,
      stored: final.distinct,
      lost: sent.ackedPoints - result.distinct,
      duplicated: final.logical - final.distinct,
      'insert retries': retries,
      crashes,
      'group joins': joins,
      'peak RSS MiB': Math.round(peakRss),
    });
    expect(alive).toBe(true);
    expect(crashes).toBe(0);
    expect(joins).toBe(1); // joined once at start; the outage caused no rebalance
    expect(retries).toBeGreaterThan(0);
    expect(peakRss).toBeLessThan(600);
    expect(final.distinct).toBe(sent.ackedPoints);
    expect(final.logical).toBe(final.distinct);
    expect(await summaryMismatches(ns.clickhouse)).toEqual([]);
  });
});
