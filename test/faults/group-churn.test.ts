// A second processor joins and leaves the group every few seconds during ingest. Each leaves
// by a graceful stop, which must drain, commit and close in order, and exit 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultNamespace, ledger, ProcessorProcess, report, sendPaced, stored, summaryMismatches, uncommittedMessages, waitForStored, type FaultNamespace } from './harness.ts';

let ns: FaultNamespace;
beforeAll(async () => {
  ns = await faultNamespace('churn');
});
afterAll(async () => ns?.close());

describe('consumer group churn', () => {
  it('stores every point exactly once while a member keeps joining and leaving', async () => {
    const primary = new ProcessorProcess(ns.config);
    let cycles = 0;
    const exitCodes: (number | null)[] = [];
    let sending = true;
    const churn = (async () => {
      while (sending) {
        const second = new ProcessorProcess(ns.config);
        await second.waitFor(/processor consuming/, 30_000);
        await new Promise((r) => setTimeout(r, 1_500));
        await second.stop(); // graceful: finishes and commits its batch, leaves the group
        const code = await second.exited;
        exitCodes.push(code);
        if (code !== 0) console.log(`[fault] a second processor exited ${code}:\n${second.lines.filter((l) => /"level":(40|50|60)|shutdown/.test(l)).slice(-15).join('\n')}`);
        cycles++;
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const sent = await sendPaced(ns.config, { label: 'churn', runs: 10, steps: 10_000, pointsPerSecond: 16_000 });
    sending = false;
    await churn;
    await waitForStored(ns.clickhouse, sent.ackedPoints, 120_000);
    await primary.stop();
    // A graceful stop drains, commits, then closes, in that order, and exits 0.
    const steps = primary.lines.filter((l) => l.includes('shutdown step done')).map((l) => (JSON.parse(l) as { step: string }).step);
    const uncommitted = await uncommittedMessages(ns.config, `${ns.config.topicPrefix}processors`);
    const final = await stored(ns.clickhouse);
    const mismatches = await summaryMismatches(ns.clickhouse);
    report('group churn', {
      'join/leave cycles': cycles,
      ...ledger(sent, final),
      'uncommitted after stop': uncommitted,
    });
    expect(cycles).toBeGreaterThanOrEqual(3);
    expect(exitCodes.every((c) => c === 0)).toBe(true);
    expect(await primary.exited).toBe(0);
    if (steps.length !== 2 || steps[0]!.startsWith('close')) console.log(`[fault] primary's shutdown lines:\n${primary.lines.filter((l) => /shutdown|stopped|crash|restart/.test(l)).join('\n')}`);
    expect(steps).toEqual(['stop consuming after the batch in flight is stored and committed', 'close metrics endpoint']);
    expect(uncommitted).toBe(0);
    expect(sent.ackedPoints).toBe(400_000);
    expect(final.distinct).toBe(sent.ackedPoints);
    expect(final.logical).toBe(final.distinct);
    expect(mismatches).toEqual([]);
  });
});
