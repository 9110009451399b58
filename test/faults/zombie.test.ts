// A zombie consumer: a processor frozen (SIGSTOP) for longer than the session timeout loses its
// partitions to another processor, then wakes up (SIGCONT) holding a batch it read before —
// it may insert it again and try to commit over the new owner. Nothing may be lost or doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultNamespace, ledger, ProcessorProcess, report, sendPaced, stored, summaryMismatches, waitForStored, type FaultNamespace } from './harness.ts';

let ns: FaultNamespace;
beforeAll(async () => {
  ns = await faultNamespace('zombie');
});
afterAll(async () => ns?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('zombie consumer', () => {
  it('stores every point exactly once after a frozen processor wakes up', async () => {
    const zombie = new ProcessorProcess(ns.config);
    let successor: ProcessorProcess | undefined;
    const freeze = (async () => {
      await zombie.waitFor(/processor consuming/, 30_000);
      await sleep(3_000); // mid-ingest: the zombie holds partitions and, most likely, a batch
      zombie.kill('SIGSTOP');
      successor = new ProcessorProcess(ns.config);
      await sleep(12_000); // twice the 6 s session timeout the harness sets: the group moves on
      zombie.kill('SIGCONT');
    })();
    const sent = await sendPaced(ns.config, { label: 'zombie', runs: 10, steps: 10_000, pointsPerSecond: 20_000 });
    await freeze;
    await waitForStored(ns.clickhouse, sent.ackedPoints, 120_000);
    await sleep(3_000); // let the woken zombie do whatever it still does
    const zombieAlive = zombie.alive;
    const successorJoins = successor!.count(/partitions assigned/);
    await zombie.stop();
    await successor!.stop();
    const final = await stored(ns.clickhouse);
    const mismatches = await summaryMismatches(ns.clickhouse);
    report('zombie consumer', {
      'frozen s': 12,
      ...ledger(sent, final),
      'zombie group joins': zombie.count(/partitions assigned/),
      'successor group joins': successor!.count(/partitions assigned/),
    });
    expect(zombieAlive).toBe(true);
    expect(successorJoins).toBeGreaterThanOrEqual(1); // the group did move on while the zombie slept
    expect(sent.ackedPoints).toBe(400_000);
    expect(final.distinct).toBe(sent.ackedPoints);
    expect(final.logical).toBe(final.distinct);
    expect(mismatches).toEqual([]);
  });
});
