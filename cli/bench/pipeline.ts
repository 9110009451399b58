// `npm run bench`: SDK → Kafka → processor → ClickHouse, measured. The processor runs as its
// own process (as in production) against a fresh database and topic prefix; the simulator
// sends from this process. Prints figures; asserts nothing about time.
import { cpus, totalmem } from 'node:os';
import { createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { simulate } from '../simulate.ts';
import { waitForSweep } from '../wait.ts';
import { closeScratch, openScratch } from './scratch.ts';

export async function benchPipeline(base: Config, o: { configs: number; seeds: number; steps: number }): Promise<void> {
  const tag = `bench${Date.now()}`;
  const scratch = await openScratch(base, tag);
  const { config } = scratch;
  try {
    const started = performance.now();
    const result = await simulate(config, { project: 'bench', experiment: 'bench', sweepId: tag, configs: o.configs, seeds: o.seeds, steps: o.steps });
    const lastSend = performance.now();
    const ch = createClickHouse(config);
    const runs = result.runIds.length;
    await waitForSweep(ch, 'bench', tag, { runs, finished: runs, points: result.points }, 600_000);
    const done = performance.now();
    await ch.close();
    const total = (done - started) / 1000;
    console.log(`
runlens pipeline benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}
  sweep:                      ${o.configs} configs × ${o.seeds} seeds × ${o.steps} steps = ${runs} runs, ${result.points.toLocaleString('en-US')} points
  SDK send rate:              ${Math.round(result.pointsPerSecond).toLocaleString('en-US')} points/s (${result.seconds.toFixed(1)} s)
  end-to-end sustained:       ${Math.round(result.points / total).toLocaleString('en-US')} points/s (first send → all queryable, ${total.toFixed(1)} s)
  last send → all queryable:  ${((done - lastSend) / 1000).toFixed(2)} s`);
  } finally {
    await closeScratch(scratch);
  }
}
