// What the app is built from and what every route module receives: the app's type and its
// dependencies. Apart from app.ts, so route modules need not import the app that registers them.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import type { TokenVerifier } from '../common/tokens/verifier.ts';
import type { EventWriter } from './writes.ts';

export interface AppDeps {
  clickhouse: ClickHouseClient;
  logger: Logger;
  /** Lifetime of cached token lookups, i.e. how long a revoked token may still work (config.authCacheMs). */
  tokenCacheMs: number;
  /**
   * Where the API's own writes go (the MLflow surface, the model registry): the ingest gateway's
   * Kafka sink, wired in cli/. Without one the API serves reads only and those routes are absent.
   */
  writer?: EventWriter;
  /** The MLflow-compatible surface (/api/2.0/mlflow/), registered when the API can write. */
  mlflow?: MlflowOptions;
  /** Where the built dashboard is (default dist/dashboard, query-api/http/dashboard.ts). */
  dashboardDir?: string;
  /** More routes, registered after the API's own, each as a plugin of its own (the ingest gateway). */
  routes?: FastifyPluginAsync[];
  /** A run with no RunFinished and no sign of life for this long is shown as crashed (config.crashAfterMs). */
  crashAfterMs: number;
  /** The limits the ClickHouse client enforces (cli/api-server.ts); named in 422 answers. */
  queryLimits?: Config['queryLimits'];
  /** Replaces the ClickHouse-backed token verifier (unit tests). */
  verifier?: Pick<TokenVerifier, 'verify'>;
}

/** The MLflow-compatible surface's own dependencies. */
export interface MlflowOptions {
  /** Prefix of the runs' artifact_uri (RUNLENS_MLFLOW_ARTIFACT_ROOT): MLflow clients upload artifacts there themselves. */
  artifactRoot: string;
}

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;
