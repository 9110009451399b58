// Starts the query API with the ingest gateway on it: the only module that listens. Creates the
// gateway's Kafka producer from config and connects it in the background, so reads are served
// even while Kafka is unreachable (the gateway answers 503 until it connects).
import { createClickHouse, queryLimitSettings } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import type { ShutdownStep } from '../common/shutdown.ts';
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

/**
 * Listens, and hands back the steps that stop the server, in order: the HTTP server first (no
 * new requests; those in flight finish, ingest requests included), then the gateway's producer
 * (what was accepted is flushed to Kafka), then ClickHouse, which the requests used.
 */
export async function startServer(config: Config, logger: Logger): Promise<{ app: App; url: string; shutdownSteps: ShutdownStep[] }> {
  // Every API query runs under the configured limits; exceeding one is a 422 naming it.
  const clickhouse = createClickHouse(config, { settings: queryLimitSettings(config.queryLimits) });
  const ingest = new KafkaEventSink(config, logger.child({ component: 'ingest-gateway' }));
  ingest.connect().catch((err: unknown) => logger.warn({ err }, 'ingest gateway: Kafka not reachable yet; POST /v1/ingest/events retries on each request'));
  const app = await buildApp({ clickhouse, logger, tokenCacheMs: config.authCacheMs, crashAfterMs: config.crashAfterMs, routes: [ingestGateway(ingest)],
    writer: ingest, mlflow: { artifactRoot: config.mlflowArtifactRoot }, queryLimits: config.queryLimits });
  const url = await app.listen({ port: config.apiPort, host: config.apiHost });
  return {
    app,
    url,
    shutdownSteps: [
      { name: 'close the HTTP server after the requests in flight', run: () => app.close() },
      { name: 'flush and disconnect the ingest gateway producer', run: () => ingest.close() },
      { name: 'close ClickHouse', run: () => clickhouse.close() },
    ],
  };
}
