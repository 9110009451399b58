// `npm run bench`: SDK → Kafka → processor → ClickHouse, measured. The processor runs as its
// own process (as in production) against a fresh database and topic prefix; the simulator
// sends from this process. Prints figures; asserts nothing about time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { createClickHouse } from '../../common/clickhouse.ts';
import { topicsFor, type Config } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import { dropDatabase, migrate } from '../../storage/migrate.ts';
import { simulate } from '../simulate.ts';
import { REPO_ROOT, stack } from '../stack.ts';
import { waitForSweep } from '../wait.ts';

export async function benchPipeline(base: Config, o: { configs: number; seeds: number; steps: number }): Promise<void> {
  await stack('up', base);
  const tag = `bench${Date.now()}`;
  const config: Config = { ...base, clickhouseDatabase: `runlens_${tag}`, topicPrefix: `runlens.${tag}.` };
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, config.clickhouseDatabase);

  const processor = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), 'processor'], {
    env: { ...process.env, RUNLENS_CLICKHOUSE_DATABASE: config.clickhouseDatabase, RUNLENS_TOPIC_PREFIX: config.topicPrefix, RUNLENS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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
    processor.kill('SIGTERM');
    await new Promise((r) => processor.once('exit', r));
    await dropDatabase(admin, config.clickhouseDatabase);
    await admin.close();
    const kadmin = createKafka(config.kafkaBrokers, 'runlens-bench').admin();
    await kadmin.connect();
    const t = topicsFor(config);
    await kadmin.deleteTopics({ topics: [t.events, t.deadLetter] }).catch(() => undefined);
    await kadmin.disconnect();
  }
}
