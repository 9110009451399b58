// `npm run bench -- --only online`: an online experiment's outcomes, SDK → Kafka → processor →
// ClickHouse rollups, measured end to end (first send → every record in the rollups), then the
// analysis of the whole experiment (sequential path, CUPED, p95) over those rollups. The
// processor runs as its own process against a fresh database and topic prefix; the traffic is
// simulated in this process as it is sent (ingest/simulate/online.ts). Prints figures; asserts
// nothing about time.
import { cpus, totalmem } from 'node:os';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { RunlensClient } from '../../ingest/sdk/client.ts';
import { logSimulatedUnit, simulateTraffic } from '../../ingest/simulate/online.ts';
import { analyse } from '../../query-api/online/service.ts';
import { CpuTally, cpuSnapshot, localServerPids } from './cpu.ts';
import { median } from './median.ts';
import { recordFigure } from './report.ts';
import { closeScratch, openScratch } from './scratch.ts';

/** cpu.ts names this process 'this process (simulator)'; here it runs the SDK alone (the traffic is simulated before the clock starts). */
const CPU_NAMES = ['this process (simulator)', 'processor', 'ClickHouse', 'Kafka'] as const;
const PROJECT = 'bench';

export async function benchOnline(base: Config, o: { units: number; repeats: number }): Promise<void> {
  const tag = `benchonline${Date.now()}`;
  const scratch = await openScratch(base, tag);
  const { config } = scratch;
  const pids = { processor: scratch.processor.pid, ...localServerPids(config) };
  const ch = createClickHouse(config);
  const records = o.units * 4;
  const rounds: { send: number; endToEnd: number; analysisMs: number[] }[] = [];
  console.log(`
runlens online experiment benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}
  ${o.units.toLocaleString('en-US')} units a round, each an exposure and 3 outcomes (conversion, revenue with a covariate, latency): ${records.toLocaleString('en-US')} records, sent ${o.repeats} times
  round  SDK send rate       end to end (first send → all in the rollups)   analysis of the experiment (p50 of 5)   CPU s: this process (SDK), processor, ClickHouse, Kafka`);
  const sdk = await RunlensClient.connect({ brokers: config.kafkaBrokers, topicPrefix: config.topicPrefix, flushOnExit: false, logger: createLogger('bench-sdk', 'silent') });
  try {
    for (let round = 1; round <= o.repeats; round++) {
      const experimentId = `bench-${round}`;
      await sdk.emit('OnlineExperimentDeclared', {
        project: PROJECT, experimentId, name: experimentId, description: '', model: 'ranker', control: 'champion', alpha: 0.05, plannedSampleSize: o.units, status: 'running', actor: 'bench', declaredAt: Date.now(),
        variants: [{ name: 'champion', alias: null, version: 1, runId: 'r1', weight: 0.5 }, { name: 'challenger', alias: null, version: 2, runId: 'r2', weight: 0.5 }],
        metrics: [
          { name: 'conversion', kind: 'binary', role: 'primary', better: 'higher', statistic: 'mean', margin: null },
          { name: 'revenue', kind: 'continuous', role: 'secondary', better: 'higher', statistic: 'mean', margin: null },
          { name: 'latency_ms', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 5 },
        ],
      });
      const log = sdk.outcomeLogger(PROJECT, experimentId);
      let pending: Promise<void> = Promise.resolve();
      let i = 0;
      // Two hours of traffic, simulated first so the clock measures the SDK, Kafka, the processor and ClickHouse.
      const units: Parameters<Parameters<typeof simulateTraffic>[1]>[0][] = [];
      simulateTraffic({
        variants: [{ name: 'champion', weight: 0.5, conversion: 0.1, revenue: 20, latencyMs: 80 }, { name: 'challenger', weight: 0.5, conversion: 0.102, revenue: 20.1, latencyMs: 81 }],
        units: o.units, seed: round, startAt: Date.now() - 2 * 3_600_000, durationMs: 2 * 3_600_000, unitPrefix: `r${round}u`,
      }, (u) => units.push(u));
      const cpu = new CpuTally(CPU_NAMES);
      const c0 = cpuSnapshot(pids);
      const simulated = performance.now();
      for (const u of units) {
        logSimulatedUnit(log, u);
        if (++i % 5_000 === 0) {
          await pending;
          pending = sdk.waitForCapacity();
        }
      }
      await sdk.flush();
      const sent = performance.now();
      for (;;) {
        const [r] = await (await ch.query({ query: `SELECT sum(n) AS n FROM online_outcome_sums FINAL WHERE experiment_id = '${experimentId}'`, format: 'JSONEachRow' })).json<{ n: string }>();
        if (Number(r?.n ?? 0) >= records) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const done = performance.now();
      cpu.add(c0, cpuSnapshot(pids));
      const analysisMs: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t = performance.now();
        await analyse(ch, PROJECT, { experiment: experimentId });
        analysisMs.push(performance.now() - t);
      }
      const r = { send: records / ((sent - simulated) / 1000), endToEnd: records / ((done - simulated) / 1000), analysisMs };
      rounds.push(r);
      const cpuSeconds = CPU_NAMES.map((n) => (cpu.seconds[n] == null ? '–' : cpu.seconds[n]!.toFixed(1))).join(' / ');
      console.log(`  ${String(round).padStart(5)}  ${Math.round(r.send).toLocaleString('en-US').padStart(9)} records/s  ${Math.round(r.endToEnd).toLocaleString('en-US').padStart(9)} records/s (${((done - simulated) / 1000).toFixed(1)} s)${' '.repeat(24)}${median(analysisMs).toFixed(0).padStart(5)} ms${' '.repeat(30)}${cpuSeconds}`);
    }
  } finally {
    await sdk.close();
    await ch.close();
    await closeScratch(scratch);
  }
  const figure = (name: string, value: number, unit: string) => recordFigure('online', name, value, unit);
  const e2e = median(rounds.map((r) => r.endToEnd));
  figure(`SDK send rate, ${records} outcome records (median of ${rounds.length})`, median(rounds.map((r) => r.send)), 'records/s');
  figure(`end to end, first send → all in the rollups (median of ${rounds.length})`, e2e, 'records/s');
  figure(`analysis of a ${o.units}-unit experiment (median)`, median(rounds.flatMap((r) => r.analysisMs)), 'ms');
  console.log(`  median SDK send rate:  ${Math.round(median(rounds.map((r) => r.send))).toLocaleString('en-US')} records/s
  median end to end:     ${Math.round(e2e).toLocaleString('en-US')} records/s (target: 500,000)
  analysis, median:      ${median(rounds.flatMap((r) => r.analysisMs)).toFixed(0)} ms (two hours of 10-second buckets read as 500 looks, 3 metrics, p95 from the histograms)`);
}
