// The Kafka broker restarted mid-stream. Producer side: every acknowledged point is stored
// exactly once, and every send that failed was reported to the caller. A short restart is
// absorbed by the producer's retries; an outage longer than its retry budget (~20 s) makes
// sends fail, and those failures must reach the caller. Processor side: the same process
// consumes again once the broker is back, even after kafkajs gave up on its consumer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultStack } from './global-setup.ts';
import { faultNamespace, ProcessorProcess, report, sendPaced, stored, summaryMismatches, waitForStored, type FaultNamespace } from './harness.ts';

let ns: FaultNamespace;
beforeAll(async () => {
  ns = await faultNamespace('broker');
});
afterAll(async () => ns?.close());

async function ingestThroughRestart(label: string, downSeconds: number) {
  const processor = new ProcessorProcess(ns.config);
  const restart = (async () => {
    await new Promise((r) => setTimeout(r, 4_000));
    await faultStack('down', 'kafka');
    await new Promise((r) => setTimeout(r, downSeconds * 1000));
    await faultStack('up', 'kafka');
  })();
  const sent = await sendPaced(ns.config, { label, runs: 10, steps: 7_500, pointsPerSecond: 20_000 });
  await restart;
  // Both cases share the database: wait for this case's own runs.
  await waitForStored(ns.clickhouse, sent.ackedPoints, 120_000, `${label}-`);
  const alive = processor.alive;
  const restarts = processor.count(/consumer restarted/);
  await processor.stop();
  const final = await stored(ns.clickhouse);
  let lostAcked = 0;
  let storedHere = 0;
  for (const [run, n] of final.distinctByRun) if (run.startsWith(`${label}-`)) storedHere += n;
  for (const [run, acked] of sent.ackedByRun) lostAcked += Math.max(0, acked - (final.distinctByRun.get(run) ?? 0));
  report(`broker down ${downSeconds}s`, {
    'points logged': sent.points,
    acked: sent.ackedPoints,
    'failed (reported)': sent.failedPoints,
    'send errors reported': sent.sendErrors,
    stored: storedHere,
    'acked but lost': lostAcked,
    duplicated: final.logical - final.distinct,
    'consumer restarts': restarts,
  });
  if (lostAcked > 0) console.log(`[fault] processor's last warnings:\n${processor.lines.filter((l) => /"level":(40|50|60)/.test(l)).slice(-30).join('\n')}`);
  expect(alive).toBe(true);
  expect(lostAcked).toBe(0);
  expect(final.logical).toBe(final.distinct);
  expect(sent.ackedPoints + sent.failedPoints).toBeLessThanOrEqual(sent.points);
  expect(await summaryMismatches(ns.clickhouse)).toEqual([]);
  return sent;
}

describe('broker restart', () => {
  it('a short restart: no acknowledged point lost, nothing doubled', async () => {
    await ingestThroughRestart('short', 3);
  });

  it('an outage twice the retry budget: failed sends are reported, acknowledged points all stored', async () => {
    const sent = await ingestThroughRestart('long', 40);
    expect(sent.failedPoints).toBeGreaterThan(0);
    expect(sent.sendErrors).toBeGreaterThan(0);
  });
});
