// A benchmark's own corner of the local stack: a fresh database and topic prefix, the processor
// as a process of its own (as in production), and the clean-up that removes all of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { topicsFor, type Config } from '../../common/config.ts';
import { createKafka } from '../../common/kafka.ts';
import { dropDatabase, migrate } from '../../storage/migrate.ts';
import { REPO_ROOT, stack } from '../stack.ts';

export interface Scratch {
  config: Config;
  /** A client not bound to the scratch database (it creates and drops it). */
  admin: ClickHouseClient;
  processor: ChildProcess;
}

/** Starts the stack if needed, migrates a database runlens_<tag> and starts a processor on it and topics runlens.<tag>.*. */
export async function openScratch(base: Config, tag: string, overrides: Partial<Config> = {}): Promise<Scratch> {
  await stack('up', base);
  const config: Config = { ...base, clickhouseDatabase: `runlens_${tag}`, topicPrefix: `runlens.${tag}.`, ...overrides };
  // A DROP of a large database on a busy 18.16 can take longer than the default minute.
  const admin = createClickHouse(config, { database: 'default', requestTimeoutMs: 300_000 });
  await migrate(admin, config.clickhouseDatabase);
  // With this process's Node flags: `node --cpu-prof bin/runlens.js bench` profiles the processor too.
  const processor = spawn(process.execPath, [...process.execArgv, join(REPO_ROOT, 'bin', 'runlens.js'), 'processor'], {
    env: { ...process.env, RUNLENS_CLICKHOUSE_DATABASE: config.clickhouseDatabase, RUNLENS_TOPIC_PREFIX: config.topicPrefix, RUNLENS_LOG_LEVEL: 'warn', RUNLENS_PROCESSOR_METRICS_PORT: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { config, admin, processor };
}

/** Stops the processor, drops the database and deletes the topics; a failure only warns, so a benchmark keeps its figures. */
export async function closeScratch({ config, admin, processor }: Scratch): Promise<void> {
  if (processor.exitCode === null && processor.signalCode === null) {
    const exited = new Promise((r) => processor.once('exit', r));
    processor.kill('SIGTERM');
    await exited;
  }
  await dropDatabase(admin, config.clickhouseDatabase).catch((err: unknown) => console.warn(`  could not drop ${config.clickhouseDatabase} (${String(err)}); drop it by hand`));
  await admin.close();
  const kafka = createKafka(config.kafkaBrokers, 'runlens-bench').admin();
  await kafka.connect();
  const t = topicsFor(config);
  await kafka.deleteTopics({ topics: [t.events, t.deadLetter] }).catch(() => undefined);
  await kafka.disconnect();
}
