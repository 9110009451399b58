// Builds the fastify app: OpenAPI, one error handler, the auth plugin, then routes (and any
// routes the composition root adds: cli/api-server.ts adds the ingest gateway). cli/api-server.ts
// alone listens, so tests build the app and use app.inject against the real ClickHouse.
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { asQueryLimitError, QueryLimitError } from '../common/clickhouse.ts';
import { loadConfig } from '../common/config.ts';
import { BODY_LIMIT_BYTES } from '../common/http/limits.ts';
import { getToken } from '../storage/api-tokens.ts';
import { TokenVerifier } from '../common/tokens/verifier.ts';
import { HttpError } from '../common/http/errors.ts';
import { FilterError } from './filter/errors.ts';
import { isInputError } from './http/input-errors.ts';
import { validatorCompiler } from './http/validation.ts';
import { authPlugin } from '../common/http/auth.ts';
import { methodNotAllowedPlugin } from './http/method-not-allowed.ts';
import { metricsPlugin } from './http/metrics.ts';
import type { App, AppDeps } from './deps.ts';
import { MAX_HEADER_BYTES, MAX_PARAM_LENGTH, swaggerOptions } from './http/openapi.ts';
import { healthRoutes } from './health/route.ts';
import { runRoutes } from './runs/routes.ts';
import { compareRoutes } from './compare/route.ts';
import { seriesRoutes } from './runs/series-route.ts';
import { sweepRoutes } from './sweeps/route.ts';
import { groupRoutes } from './groups/route.ts';
import { curveRoutes } from './curves/route.ts';
import { statsRoutes } from './stats/route.ts';
import { ImportancePool } from './sweeps/importance-pool.ts';
import { mlflowRoutes } from './mlflow/routes.ts';
import { registryRoutes } from './registry/route.ts';
import { evidenceRoutes } from './evidence/route.ts';
import { onlineRoutes } from './online/route.ts';
import { reproducibilityRoutes } from './reproducibility/route.ts';
import { artifactRoutes } from './artifacts/route.ts';
import { biRoutes } from './bi/route.ts';
import { withRedactedRequests } from './http/request-log.ts';
import { exportRoutes } from './export/route.ts';
import { dashboardRoutes } from './http/dashboard.ts';
import { fieldRoutes } from './fields/route.ts';


const DEFAULT_LIMITS = loadConfig({}).queryLimits;




export async function buildApp(deps: AppDeps): Promise<App> {
  // Run ids are up to 128 characters; percent-encoded that is more than fastify's default of 100.
  const routerOptions = { maxParamLength: MAX_PARAM_LENGTH };
  const app = Fastify({
    // A token may be in a URL (the BI feed's ?token=): no request log shows it, whatever the route.
    loggerInstance: withRedactedRequests(deps.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  // The document is OpenAPI 3.0.3 (query-api/openapi.ts says how route schemas become valid 3.0).
  await app.register(swagger, swaggerOptions);

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof HttpError) {
      if (err.statusCode === 503) reply.header('retry-after', '5');
      return reply.status(err.statusCode).send({ error: err.message });
    }
    if (err instanceof FilterError) return reply.status(400).send({ error: err.message, position: err.position });
    if (isInputError(err)) return reply.status(400).send({ error: (err as Error).message });
    const limited = asQueryLimitError(err, deps.queryLimits ?? DEFAULT_LIMITS);
    if (limited instanceof QueryLimitError) return reply.status(422).send({ error: limited.message });
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) return reply.status(400).send({ error: e.message });
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return reply.status(e.statusCode).send({ error: e.message });
    request.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: 'internal error', requestId: request.id });
  });

  const verifier = deps.verifier ?? new TokenVerifier((id) => getToken(deps.clickhouse, id), { ttlMs: deps.tokenCacheMs });
  await app.register(authPlugin, { verifier });
  // After auth (a stranger gets its 401), before any route (it learns their methods): 405 with Allow.
  await app.register(methodNotAllowedPlugin, { routerOptions });
  await app.register(metricsPlugin);
  app.get('/docs/json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, deps);
  await app.register(runRoutes, deps);
  await app.register(compareRoutes, deps);
  await app.register(seriesRoutes, deps);
  await app.register(groupRoutes, deps);
  await app.register(curveRoutes, deps);
  // Param importance runs on a worker thread (seconds of CPU at sweep scale); the thread lives and dies with the app.
  const importance = new ImportancePool(deps.logger);
  app.addHook('onClose', async () => importance.close());
  await app.register(sweepRoutes, { ...deps, importance });
  await app.register(statsRoutes, deps);
  await app.register(fieldRoutes, deps);
  await app.register(reproducibilityRoutes, deps);
  await app.register(artifactRoutes, deps);
  await app.register(exportRoutes, deps);
  await app.register(biRoutes, deps);
  if (deps.writer) await app.register(registryRoutes(deps.writer), deps);
  if (deps.writer) await app.register(evidenceRoutes(deps.writer), deps);
  if (deps.writer) await app.register(onlineRoutes(deps.writer), deps);
  if (deps.writer && deps.mlflow) await app.register(mlflowRoutes(deps.writer, deps.mlflow), deps);
  await app.register(dashboardRoutes, { dir: deps.dashboardDir });
  for (const routes of deps.routes ?? []) await app.register(routes);
  return app;
}
