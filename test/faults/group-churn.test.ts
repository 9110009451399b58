// A second processor joins and leaves the group every few seconds during ingest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultNamespace, ProcessorProcess, report, sendPaced, stored, summaryMismatches, waitForStored, type FaultNamespace } from './harness.ts';

let ns: FaultNamespace;
beforeAll(async () => {
  ns = await faultNamespace('churn');
});
afterAll(async () => ns?.close());

describe('consumer group churn', () => {
  it('stores every point exactly once while a member keeps joining and leaving', async () => {
    const primary = new ProcessorProcess(ns.config);
    let cycles = 0;
    let sending = true;
    const churn = (async () => {
      while (sending) {
        const second = new ProcessorProcess(ns.config);
        await new Promise((r) => setTimeout(r, 3_000));
        await second.stop(); // graceful: finishes and commits its batch, leaves the group
        cycles++;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    const sent = await sendPaced(ns.config, { label: 'churn', runs: 10, steps: 10_000, pointsPerSecond: 20_000 });
    sending = false;
    await churn;
    await waitForStored(ns.clickhouse, sent.ackedPoints, 120_000);
    await primary.stop();
    const final = await stored(ns.clickhouse);
    const mismatches = await summaryMismatches(ns.clickhouse);
    report('group churn', {
      'join/leave cycles': cycles,
      'points sent': sent.points,
      acked: sent.ackedPoints,
      stored: final.distinct,
      lost: sent.ackedPoints - final.distinct,
      duplicated: final.logical - final.distinct,
      'physical copies awaiting merge': final.physical - final.logical,
    });
    expect(cycles).toBeGreaterThanOrEqual(3);
    expect(sent.ackedPoints).toBe(400_000);
    expect(final.distinct).toBe(sent.ackedPoints);
    expect(final.logical).toBe(final.distinct);
    expect(mismatches).toEqual([]);
  });
});
