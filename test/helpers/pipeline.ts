// Starts the real processor and builds the real API app over a test namespace.
import { createLogger } from '../../common/logger.ts';
import { Processor } from '../../processors/processor.ts';
import { buildApp, type App } from '../../query-api/app.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import { RunlensClient } from '../../ingest/sdk/client.ts';
import type { Namespace } from './namespace.ts';

export async function startProcessor(ns: Namespace, groupId?: string, opts: { skipStored?: boolean } = {}): Promise<Processor> {
  const p = new Processor({ config: ns.config, catalogue: loadCatalogue(), logger: createLogger('test-processor', 'silent'), groupId, ...opts });
  await p.start();
  return p;
}

export function buildTestApp(ns: Namespace): Promise<App> {
  return buildApp({ clickhouse: ns.clickhouse, logger: createLogger('test-api', 'silent') });
}

export function connectSdk(ns: Namespace, opts: { maxBatchPoints?: number } = {}): Promise<RunlensClient> {
  return RunlensClient.connect({ brokers: ns.config.kafkaBrokers, topicPrefix: ns.config.topicPrefix, flushOnExit: false, maxBatchPoints: opts.maxBatchPoints, logger: createLogger('test-sdk', 'silent') });
}

export async function count(ns: Namespace, query: string): Promise<number> {
  const [row] = await (await ns.clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: number }>();
  return Number(row?.n ?? 0);
}
