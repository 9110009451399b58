// Starts the query API with the ingest gateway on it: the only module that listens. Creates the
// gateway's Kafka producer from config and connects it in the background, so reads are served
// even while Kafka is unreachable (the gateway answers 503 until it connects).
import { createClickHouse, queryLimitSettings } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import type { FastifyPluginAsync } from 'fastify';
import { gatewayRoutes } from '../ingest/gateway/routes.ts';
import { KafkaEventSink, type EventSink } from '../ingest/gateway/sink.ts';
import { loadCatalogue } from '../schemas/catalogue.ts';
import { buildApp } from '../query-api/app.ts';
import { type App } from '../query-api/deps.ts';

/** POST /v1/ingest/events through `sink`, as a plugin for buildApp's `routes`. */
export function ingestGateway(sink: EventSink): FastifyPluginAsync {
  return async (app) => {
    await app.register(gatewayRoutes, { sink, catalogue: loadCatalogue() });
  };
}

export async function startServer(config: Config, logger: Logger): Promise<{ app: App; url: string; close: () => Promise<void> }> {
  // Every API query runs under the configured limits; exceeding one is a 422 naming it.
  const clickhouse = createClickHouse(config, { settings: queryLimitSettings(config.queryLimits) });
  const ingest = new KafkaEventSink(config, logger.child({ component: 'ingest-gateway' }));
  ingest.connect().catch((err: unknown) => logger.warn({ err }, 'ingest gateway: Kafka not reachable yet; POST /v1/ingest/events retries on each request'));
  const app = await buildApp({ clickhouse, logger, tokenCacheMs: config.authCacheMs, routes: [ingestGateway(ingest)], queryLimits: config.queryLimits });
  const url = await app.listen({ port: config.apiPort, host: config.apiHost });
  return {
    app,
    url,
    close: async () => {
      await app.close();
      await ingest.close();
      await clickhouse.close();
    },
  };
}
