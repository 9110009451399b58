// Starts the real processor and builds the real API app over a test namespace; creates API
// tokens in the namespace's database for the requests the tests make.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { Processor, type ProcessorOptions } from '../../processors/processor.ts';
import { buildApp } from '../../query-api/app.ts';
import { type App } from '../../query-api/deps.ts';
import { ingestGateway } from '../../cli/api-server.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import { RunlensClient } from '../../ingest/sdk/client.ts';
import type { Scope } from '../../common/tokens/format.ts';
import { createToken, getToken } from '../../storage/api-tokens.ts';
import { TokenVerifier } from '../../common/tokens/verifier.ts';
import { KafkaEventSink } from '../../ingest/gateway/sink.ts';
import type { Namespace } from './namespace.ts';
import { DEFAULT_CRASH_AFTER_MS } from '../../storage/runs.ts';

export async function startProcessor(ns: Namespace, groupId?: string, opts: Pick<ProcessorOptions, 'skipStored' | 'maxRestartDelayMs'> = {}): Promise<Processor> {
  const p = new Processor({ config: ns.config, catalogue: loadCatalogue(), logger: createLogger('test-processor', 'silent'), groupId, ...opts });
  await p.start();
  return p;
}

export interface TestAppOptions {
  /** How long a silent run stays running before it is shown as crashed (default DEFAULT_CRASH_AFTER_MS). */
  crashAfterMs?: number;
  /** Token cache lifetime (default 5 s, as in production); 0 makes revocations take effect at once. */
  tokenCacheMs?: number;
  /** Serve POST /v1/ingest/events through a real Kafka producer on the namespace's topic. */
  gateway?: boolean;
  /** Another ClickHouse client (e.g. one with tight query limits) and the limits it enforces. */
  clickhouse?: ClickHouseClient;
  queryLimits?: Config['queryLimits'];
  /** The MLflow surface's artifact root (default s3://mlflow-test); a local directory lets MLflow clients write artifacts. */
  mlflowArtifactRoot?: string;
}

export async function buildTestApp(ns: Namespace, opts: TestAppOptions = {}): Promise<App> {
  const logger = createLogger('test-api', 'silent');
  const ingest = opts.gateway ? new KafkaEventSink(ns.config, logger) : undefined;
  await ingest?.connect();
  // With another client (tight limits), tokens are still looked up through the namespace's own:
  // the test is about the queries the routes run, not about authentication.
  const tokenCacheMs = opts.tokenCacheMs ?? 5_000;
  const verifier = opts.clickhouse ? new TokenVerifier((id) => getToken(ns.clickhouse, id), { ttlMs: tokenCacheMs }) : undefined;
  const app = await buildApp({ clickhouse: opts.clickhouse ?? ns.clickhouse, logger, tokenCacheMs, crashAfterMs: opts.crashAfterMs ?? DEFAULT_CRASH_AFTER_MS, routes: ingest ? [ingestGateway(ingest)] : [],
    writer: ingest ?? undefined, mlflow: ingest ? { artifactRoot: opts.mlflowArtifactRoot ?? 's3://mlflow-test' } : undefined, queryLimits: opts.queryLimits, verifier });
  if (ingest) app.addHook('onClose', () => ingest.close());
  return app;
}

/** A fresh API token of `project` with `scopes`, stored in the namespace's database. */
export async function createTestToken(ns: Namespace, project: string, scopes: Scope[]): Promise<string> {
  return (await createToken(ns.clickhouse, { project, scopes, name: 'test' })).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function connectSdk(ns: Namespace, opts: { maxBatchPoints?: number } = {}): Promise<RunlensClient> {
  return RunlensClient.connect({ brokers: ns.config.kafkaBrokers, topicPrefix: ns.config.topicPrefix, flushOnExit: false, maxBatchPoints: opts.maxBatchPoints, logger: createLogger('test-sdk', 'silent') });
}

export async function count(ns: Namespace, query: string): Promise<number> {
  const [row] = await (await ns.clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: number }>();
  return Number(row?.n ?? 0);
}
