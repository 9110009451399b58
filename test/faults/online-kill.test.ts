// An online experiment's outcomes streamed while the processor is killed with SIGKILL 4 times:
// the analysis afterwards equals the analysis of the same traffic through a processor never
// killed (into a database of its own), number for number (up to the last bits of float sums,
// which ClickHouse's threads add in any order).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunlensClient } from '../../ingest/sdk/client.ts';
import { logSimulatedUnit, simulateTraffic, type SimulatedUnit } from '../../ingest/simulate/online.ts';
import { createLogger } from '../../common/logger.ts';
import { analyse } from '../../query-api/online/service.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import { jsonDifference } from '../helpers/same-json.ts';
import { faultNamespace, ProcessorProcess, report, type FaultNamespace } from './harness.ts';

const PROJECT = 'shop';
const EXPERIMENT = 'ranker-ab';
const UNITS = 200_000;
const KILLS = 4;
const DECLARED_AT = Date.now();

let killed: FaultNamespace;
let clean: FaultNamespace;
beforeAll(async () => {
  [killed, clean] = await Promise.all([faultNamespace('online_kill'), faultNamespace('online_clean')]);
});
afterAll(async () => {
  await killed?.close();
  await clean?.close();
});

const units: SimulatedUnit[] = [];
simulateTraffic({
  variants: [{ name: 'champion', weight: 0.5, conversion: 0.1, revenue: 20, latencyMs: 80 }, { name: 'challenger', weight: 0.5, conversion: 0.105, revenue: 20.2, latencyMs: 82 }],
  units: UNITS, seed: 5, startAt: Date.now() - 30 * 60_000, durationMs: 20 * 60_000,
}, (u) => units.push(u));

/** Declares the experiment and sends every unit's exposure and outcomes, paced over about 32 s. */
async function stream(ns: FaultNamespace): Promise<void> {
  const sdk = await RunlensClient.connect({ brokers: ns.config.kafkaBrokers, topicPrefix: ns.config.topicPrefix, flushOnExit: false, logger: createLogger('fault-sdk', 'silent') });
  await sdk.emit('OnlineExperimentDeclared', {
    project: PROJECT, experimentId: EXPERIMENT, name: 'ranker', description: '', model: 'ranker', control: 'champion', alpha: 0.05, plannedSampleSize: UNITS, status: 'running', actor: 'test', declaredAt: DECLARED_AT,
    variants: [{ name: 'champion', alias: 'champion', version: 1, runId: 'r1', weight: 0.5 }, { name: 'challenger', alias: null, version: 2, runId: 'r2', weight: 0.5 }],
    metrics: [
      { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null },
      { name: 'revenue', kind: 'continuous', role: 'secondary', better: 'higher', statistic: 'mean', margin: null },
      { name: 'latency_ms', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 5 },
    ],
  });
  const log = sdk.outcomeLogger(PROJECT, EXPERIMENT);
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    logSimulatedUnit(log, u);
    if (i % 2_500 === 2_499) {
      await sdk.waitForCapacity();
      await new Promise((r) => setTimeout(r, 400));
    }
  }
  await sdk.close();
}

async function settled(ns: FaultNamespace) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      const a = await analyse(ns.clickhouse, PROJECT, { experiment: EXPERIMENT });
      const n = (m: number) => a.metrics[m]!.comparisons[0]!.sides.variant.n + a.metrics[m]!.comparisons[0]!.sides.control.n;
      if (Object.values(a.exposures).reduce((x, y) => x + y, 0) === UNITS && a.unitsTotal === UNITS && n(0) === UNITS && n(1) === UNITS && n(2) === UNITS) return a;
    } catch {
      /* the declaration is not stored yet */
    }
    if (Date.now() > deadline) throw new Error('the outcomes were not all stored within 5 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('online outcomes through processor kills', () => {
  it(`give the same analysis as a clean run after ${KILLS} kill -9`, async () => {
    const rng = new Rng(3);
    let processor = new ProcessorProcess(killed.config);
    const all = [processor];
    let kills = 0;
    // The clean run streams the same traffic at the same time, into its own database.
    const cleanProcessor = new ProcessorProcess(clean.config);
    const cleanSending = stream(clean);
    const sending = stream(killed);
    let done = false;
    void sending.finally(() => (done = true));
    while (kills < KILLS) {
      // Mid-stream: once the new processor consumes, after a random moment.
      await processor.waitFor(/processor consuming/, 20_000);
      await new Promise((r) => setTimeout(r, 300 + rng.next() * 1500));
      processor.kill('SIGKILL');
      await processor.exited;
      kills++;
      processor = new ProcessorProcess(killed.config);
      all.push(processor);
    }
    const doneAtLastKill = done;
    await sending;
    await cleanSending;
    const [afterKills, cleanRun] = await Promise.all([settled(killed), settled(clean)]);
    await Promise.all([processor.stop(), cleanProcessor.stop()]);
    const raw = async (ns: FaultNamespace, final: boolean) =>
      Number((await (await ns.clickhouse.query({ query: `SELECT sum(n) AS n FROM online_outcome_sums${final ? ' FINAL' : ''}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
    report('kill -9 during online outcomes', {
      kills, 'sending still going at the last kill': doneAtLastKill ? 'no' : 'yes', units: UNITS, records: UNITS * 4,
      'records in the rollups before deduplication (kills)': await raw(killed, false), 'after (FINAL)': await raw(killed, true),
    });
    expect(kills).toBe(KILLS);
    expect(doneAtLastKill).toBe(false);
    const strip = (a: Awaited<ReturnType<typeof analyse>>) => ({ ...a, window: { ...a.window, asOf: null } });
    expect(jsonDifference(strip(afterKills), strip(cleanRun))).toBeNull();
    expect(afterKills.summary).toMatch(/SRM check passed/);
  });
});
