// Each integration test file gets its own ClickHouse database and Kafka topic prefix, so files
// never see each other's rows or messages, and a fresh database proves migrations from zero.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { loadConfig, topicsFor, type Config } from '../../common/config.ts';
import { createKafka, ensureTopics } from '../../common/kafka.ts';
import { migrate } from '../../storage/migrate.ts';

export interface Namespace {
  config: Config;
  clickhouse: ClickHouseClient;
  drop: () => Promise<void>;
}

export async function freshNamespace(label: string): Promise<Namespace> {
  const services = inject('services');
  const tag = `${label}_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    RUNLENS_KAFKA_BROKERS: services.kafkaBrokers,
    RUNLENS_CLICKHOUSE_URL: services.clickhouseUrl,
    RUNLENS_CLICKHOUSE_DATABASE: `runlens_test_${tag}`,
    RUNLENS_TOPIC_PREFIX: `runlens.test.${tag}.`,
    RUNLENS_LOG_LEVEL: 'warn',
  });
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, config.clickhouseDatabase);
  const kafka = createKafka(config.kafkaBrokers, 'runlens-test');
  const kadmin = kafka.admin();
  await kadmin.connect();
  await ensureTopics(kadmin, topicsFor(config), 3);
  await kadmin.disconnect();
  const clickhouse = createClickHouse(config);
  return {
    config,
    clickhouse,
    drop: async () => {
      await clickhouse.close();
      await admin.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouseDatabase}` });
      await admin.close();
      const k = kafka.admin();
      await k.connect();
      const t = topicsFor(config);
      await k.deleteTopics({ topics: [t.events, t.deadLetter] }).catch(() => undefined);
      await k.disconnect();
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
