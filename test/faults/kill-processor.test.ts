// kill -9 of the processor at random moments during a 1M-point ingest, 20 times: every point
// stored exactly once, and every summary equal to a recomputation from the raw rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../ingest/simulate/random.ts';
import { faultNamespace, ledger, ProcessorProcess, report, sendPaced, stored, summaryMismatches, waitForStored, type FaultNamespace } from './harness.ts';

const KILLS = Number(process.env.RUNLENS_FAULT_KILLS ?? 20);
const SEED = Number(process.env.RUNLENS_FAULT_SEED ?? 7);

let ns: FaultNamespace;
beforeAll(async () => {
  ns = await faultNamespace('kill9');
});
afterAll(async () => ns?.close());

describe('processor killed with SIGKILL during ingest', () => {
  it(`stores every point exactly once across ${KILLS} kills`, async () => {
    const rng = new Rng(SEED);
    let processor = new ProcessorProcess(ns.config);
    const all = [processor];
    let kills = 0;
    let sending = true;
    const killer = (async () => {
      while (kills < KILLS) {
        // Random moments: sometimes mid-batch, sometimes while the group is still rebalancing.
        await new Promise((r) => setTimeout(r, 500 + rng.next() * 2500));
        processor.kill('SIGKILL');
        await processor.exited;
        kills++;
        processor = new ProcessorProcess(ns.config);
        all.push(processor);
      }
    })();
    // 20 runs × 12,500 steps × 4 metrics = 1,000,000 points over about 25 s.
    const sent = await sendPaced(ns.config, { label: 'kill9', runs: 20, steps: 12_500, pointsPerSecond: 40_000 });
    sending = false;
    await killer;
    const result = await waitForStored(ns.clickhouse, sent.ackedPoints, 300_000);
    await processor.stop();
    const final = await stored(ns.clickhouse);
    const mismatches = await summaryMismatches(ns.clickhouse);
    report('kill -9 processor', {
      kills,
      seed: SEED,
      ...ledger(sent, final, result),
      'messages skipped as already stored after a kill': all.reduce((n, p) => n + p.sumField('skipped messages already stored', 'skipped'), 0),
      'summary mismatches': mismatches.length,
    });
    expect(sending).toBe(false);
    expect(kills).toBe(KILLS);
    expect(sent.sendErrors).toBe(0);
    expect(sent.ackedPoints).toBe(1_000_000);
    expect(final.distinct).toBe(sent.ackedPoints);
    expect(final.logical).toBe(final.distinct);
    expect(mismatches).toEqual([]);
  });
});
