// `npm run bench`: SDK → Kafka → processor → ClickHouse, measured. The processor runs as its
// own process (as in production) against a fresh database and topic prefix; the simulator
// sends from this process. Each sweep is sent `repeats` times (a fresh sweep id each time, in
// one scratch database); every round is printed with the CPU each process used, then medians,
// then ClickHouse alone inserting the last round's chunk rows (./clickhouse-alone.ts): the
// ceiling the end-to-end figure is set against. Prints figures; asserts nothing about time.
import { cpus, totalmem } from 'node:os';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { simulate } from '../simulate.ts';
import { waitForSweep } from '../wait.ts';
import { clickhouseAlone } from './clickhouse-alone.ts';
import { CpuTally, cpuSnapshot, localServerPids, peakRssMbOf } from './cpu.ts';
import { median } from './median.ts';
import { recordFigure } from './report.ts';
import { closeScratch, openScratch } from './scratch.ts';

const CPU_NAMES = ['this process (simulator)', 'processor', 'ClickHouse', 'Kafka'] as const;

/** Points per insert when ClickHouse alone re-inserts a round: about the processor's batches here (18 for 4.35M points). */
const ALONE_POINTS_PER_INSERT = 250_000;

export async function benchPipeline(base: Config, o: { configs: number; seeds: number; steps: number; repeats: number }): Promise<void> {
  const tag = `bench${Date.now()}`;
  const scratch = await openScratch(base, tag);
  const { config } = scratch;
  const pids = { processor: scratch.processor.pid, ...localServerPids(config) };
  const ch = createClickHouse(config);
  const rounds: { send: number; endToEnd: number; tail: number; cpu: CpuTally }[] = [];
  let points = 0;
  let runs = 0;
  let alone: { rate: number; inserts: number; clickhouseCpu: number | null } | undefined;
  let processorPeakMb: number | null = null;
  console.log(`
runlens pipeline benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}
  sweep: ${o.configs} configs × ${o.seeds} seeds × ${o.steps} steps, sent ${o.repeats} times
  round  SDK send rate     end to end (first send → all queryable)  last send → queryable   CPU s: ${CPU_NAMES.join(', ')}; machine cores busy`);
  try {
    for (let round = 1; round <= o.repeats; round++) {
      const sweepId = `${tag}-${round}`;
      const cpu = new CpuTally(CPU_NAMES);
      const c0 = cpuSnapshot(pids);
      const started = performance.now();
      const result = await simulate(config, { project: 'bench', experiment: 'bench', sweepId, configs: o.configs, seeds: o.seeds, steps: o.steps }, { progress: false });
      const lastSend = performance.now();
      runs = result.runIds.length;
      points = result.points;
      await waitForSweep(ch, 'bench', sweepId, { runs, finished: runs, points }, 600_000);
      const done = performance.now();
      cpu.add(c0, cpuSnapshot(pids));
      const r = { send: result.pointsPerSecond, endToEnd: points / ((done - started) / 1000), tail: (done - lastSend) / 1000, cpu };
      rounds.push(r);
      const cpuSeconds = CPU_NAMES.map((n) => (cpu.seconds[n] == null ? '–' : cpu.seconds[n]!.toFixed(1))).join(' / ');
      const machine = cpu.total === 0 ? '–' : ((cpu.busy / cpu.total) * cpus().length).toFixed(2);
      if (round === o.repeats) {
        const a = await clickhouseAlone(ch, 'bench', sweepId, ALONE_POINTS_PER_INSERT, pids.ClickHouse);
        alone = { rate: a.points / a.seconds, inserts: a.inserts, clickhouseCpu: a.clickhouseCpu };
      }
      console.log(`  ${String(round).padStart(5)}  ${Math.round(r.send).toLocaleString('en-US').padStart(9)} points/s  ${Math.round(r.endToEnd).toLocaleString('en-US').padStart(9)} points/s (${((done - started) / 1000).toFixed(1)} s)${' '.repeat(20)}${r.tail.toFixed(2).padStart(6)} s              ${cpuSeconds}; ${machine}`);
    }
    processorPeakMb = peakRssMbOf(pids.processor);
  } finally {
    await ch.close();
    await closeScratch(scratch);
  }
  const figure = (name: string, value: number, unit: string) => recordFigure('pipeline', name, value, unit);
  figure(`SDK send rate, ${points} points (median of ${rounds.length})`, median(rounds.map((r) => r.send)), 'points/s');
  figure(`end to end, first send → all queryable (median of ${rounds.length})`, median(rounds.map((r) => r.endToEnd)), 'points/s');
  figure(`last send → queryable (median of ${rounds.length})`, median(rounds.map((r) => r.tail)), 's');
  if (processorPeakMb !== null) figure('processor peak RSS', processorPeakMb, 'MB');
  console.log(`  ${runs} runs, ${points.toLocaleString('en-US')} points a round
  median SDK send rate:       ${Math.round(median(rounds.map((r) => r.send))).toLocaleString('en-US')} points/s
  median end to end:          ${Math.round(median(rounds.map((r) => r.endToEnd))).toLocaleString('en-US')} points/s (first send → all queryable)
  median last send → queryable: ${median(rounds.map((r) => r.tail)).toFixed(2)} s
  processor peak RSS:         ${processorPeakMb === null ? '–' : `${processorPeakMb.toFixed(0)} MB`}`);
  if (alone) {
    const e2e = median(rounds.map((r) => r.endToEnd));
    figure('ClickHouse alone, the same chunk rows (RowBinary)', alone.rate, 'points/s');
    figure('end to end / ClickHouse alone', (100 * e2e) / alone.rate, '%');
    console.log(`  ClickHouse alone:           ${Math.round(alone.rate).toLocaleString('en-US')} points/s (the last round's chunk rows in ${alone.inserts} RowBinary inserts of ~${ALONE_POINTS_PER_INSERT.toLocaleString('en-US')} points, both tables in parallel; ClickHouse CPU ${alone.clickhouseCpu === null ? '–' : `${alone.clickhouseCpu.toFixed(1)} s`})
  end to end / ClickHouse alone: ${((100 * e2e) / alone.rate).toFixed(0)}%`);
  }
}
