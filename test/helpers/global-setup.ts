// Provides real Kafka and ClickHouse to the integration tests, in this order of preference:
//   1. RUNLENS_KAFKA_BROKERS and RUNLENS_CLICKHOUSE_URL set: use those services as they are;
//   2. a Docker engine answers: start both with testcontainers;
//   3. otherwise: the project's own deploy/local/stack.sh (Kafka jars + Debian ClickHouse).
// Tests read the outcome through inject('services') and never care which path ran.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../common/config.ts';
import { runStackScript } from '../../cli/stack.ts';

export interface Services {
  kafkaBrokers: string;
  clickhouseUrl: string;
  source: 'environment' | 'testcontainers' | 'local-stack';
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Services;
  }
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startWithTestcontainers(): Promise<{ services: Services; stop: () => Promise<void> }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const clickhouse = await new GenericContainer('clickhouse/clickhouse-server:24.8')
    .withExposedPorts(8123)
    .withEnvironment({ CLICKHOUSE_SKIP_USER_SETUP: '1' })
    .withWaitStrategy(Wait.forHttp('/ping', 8123))
    .start();
  // Kafka advertises the host port it is reached on, so bind the same number on both sides.
  const port = 19092 + Math.floor(Math.random() * 1000);
  const kafka = await new GenericContainer('apache/kafka:4.1.1')
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_MESSAGE_MAX_BYTES: '8388608',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    services: {
      kafkaBrokers: `127.0.0.1:${port}`,
      clickhouseUrl: `http://${clickhouse.getHost()}:${clickhouse.getMappedPort(8123)}`,
      source: 'testcontainers',
    },
    stop: async () => {
      await kafka.stop();
      await clickhouse.stop();
    },
  };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // Parsed like the CLI does, so a local stack moved with RUNLENS_LOCAL_* is used where it runs.
  const config = loadConfig(process.env);
  for (const w of config.warnings) console.warn(`[global-setup] warning: ${w}`);
  const addresses = { kafkaBrokers: config.kafkaBrokers.join(','), clickhouseUrl: config.clickhouseUrl };
  if (config.external) {
    project.provide('services', { ...addresses, source: 'environment' });
    return;
  }
  if (await dockerAnswers()) {
    const { services, stop } = await startWithTestcontainers();
    project.provide('services', services);
    return stop;
  }
  // The local stack stays up afterwards (like `npm run stack:up`); stop it with npm run stack:down.
  await runStackScript('up', config.local);
  project.provide('services', { ...addresses, source: 'local-stack' });
}
