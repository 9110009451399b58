// The MLflow-compatible tracking API: MLflow's REST API 2.0 under /api/2.0/mlflow/, so that
// MLFLOW_TRACKING_URI=<runlens> and MLFLOW_TRACKING_TOKEN=<runlens token> make MLflow clients
// log to runlens, and its model registry REST (registry.ts) register models in runlens's
// registry. Reads need scope `read`, tracking writes `ingest` (a training script's token needs
// both), registry changes `registry`; the project is the token's, as on /v1. Every error is MLflow's
// {"error_code", "message"} with MLflow's HTTP status. Not in the OpenAPI document: MLflow's
// own REST documentation describes this surface.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { asQueryLimitError, QueryLimitError } from '../../common/clickhouse.ts';
import { actorOf, projectOf } from '../../common/http/auth.ts';
import { HttpError } from '../../common/http/errors.ts';
import type { Scope } from '../../common/tokens/format.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { App, AppDeps, MlflowOptions } from '../deps.ts';
import type { EventWriter } from '../writes.ts';
import { isInputError } from '../http/input-errors.ts';
import { runScope } from '../selection/selection.ts';
import { alreadyExists, MlflowError } from './errors.ts';
import { RegistryRefusal, type RegistryDeps } from '../registry/service.ts';
import * as registry from './registry.ts';
import {
  createExperiment, ExperimentNames, getExperiment, getExperimentByName, searchExperiments, setExperimentStage, updateExperiment, type ExperimentDeps,
} from './experiments.ts';
import { createRun, deleteTag, getRun, logBatch, metricHistory, RunIds, searchRuns, setRunStage, updateRun, type RunDeps } from './runs.ts';

export const MLFLOW_PREFIX = '/api/2.0/mlflow';

/** MLflow's error codes for the auth plugin's answers. */
const AUTH_CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 503: 'TEMPORARILY_UNAVAILABLE' };

type Handler = (deps: RunDeps, req: FastifyRequest) => Promise<unknown>;
type RegistryHandler = (deps: RegistryDeps, who: registry.Asker, req: FastifyRequest) => Promise<unknown>;

const body = (req: FastifyRequest): Record<string, unknown> => {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new MlflowError('MALFORMED_REQUEST', 'The request body must be a JSON object.', 400);
  return b as Record<string, unknown>;
};
const query = (req: FastifyRequest): Record<string, unknown> => (req.query ?? {}) as Record<string, unknown>;

/** MLflow's error body for whatever a route threw. */
function mlflowError(err: unknown, deps: AppDeps, req: FastifyRequest): MlflowError {
  if (err instanceof MlflowError) return err;
  // The registry's refusals: a name taken is MLflow's RESOURCE_ALREADY_EXISTS (400: mlflow.register_model reads it).
  if (err instanceof RegistryRefusal) {
    if (err.refusal === 'exists') return alreadyExists(err.message);
    if (err.refusal === 'missing') return new MlflowError('RESOURCE_DOES_NOT_EXIST', err.message, 404);
    return new MlflowError('RESOURCE_CONFLICT', err.message, 409);
  }
  if (err instanceof HttpError) {
    const code = err.statusCode === 404 ? 'RESOURCE_DOES_NOT_EXIST' : err.statusCode === 503 ? 'TEMPORARILY_UNAVAILABLE' : err.statusCode === 403 ? 'PERMISSION_DENIED' : 'INVALID_PARAMETER_VALUE';
    return new MlflowError(code, err.message, err.statusCode);
  }
  if (isInputError(err)) return new MlflowError('INVALID_PARAMETER_VALUE', (err as Error).message, 400);
  if (deps.queryLimits && asQueryLimitError(err, deps.queryLimits) instanceof QueryLimitError) {
    return new MlflowError('INVALID_PARAMETER_VALUE', (asQueryLimitError(err, deps.queryLimits) as Error).message, 400);
  }
  const e = err as Partial<FastifyError>;
  if (e.statusCode === 415 || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new MlflowError('BAD_REQUEST', e.message ?? 'unsupported content type', 415);
  if (e.statusCode === 413) return new MlflowError('INVALID_PARAMETER_VALUE', e.message ?? 'request body too large', 413);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new MlflowError('MALFORMED_REQUEST', e.message ?? 'malformed request', 400);
  if ((err as Error).name === 'SinkUnavailableError' || (err as Error).name === 'SendError') {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', `Kafka did not accept the write: ${(err as Error).message}; retry`, 503);
  }
  req.log.error({ err }, 'mlflow request failed');
  return new MlflowError('INTERNAL_ERROR', `internal error (request ${req.id})`, 500);
}

export function mlflowRoutes(writer: EventWriter, options: MlflowOptions) {
  return async (app: App, deps: AppDeps): Promise<void> => {
    const runDeps: RunDeps = {
      clickhouse: deps.clickhouse, writer, catalogue: loadCatalogue(), artifactRoot: options.artifactRoot,
      names: new ExperimentNames(), runIds: new RunIds(),
    } satisfies ExperimentDeps & RunDeps;

    app.setErrorHandler((err, req, reply: FastifyReply) => {
      const m = mlflowError(err, deps, req);
      if (m.statusCode === 503) reply.header('retry-after', '5');
      return reply.status(m.statusCode).send(m.toJSON());
    });

    // The auth plugin answers 401/403/503 before any route runs, with runlens's {"error"}: in
    // MLflow's shape here, so MLflow clients read an error_code.
    app.addHook('onSend', async (_req, reply, payload) => {
      const code = AUTH_CODES[reply.statusCode];
      if (!code || typeof payload !== 'string' || payload.includes('"error_code"')) return payload;
      try {
        const { error } = JSON.parse(payload) as { error?: unknown };
        return typeof error === 'string' ? JSON.stringify({ error_code: code, message: error }) : payload;
      } catch {
        return payload;
      }
    });

    const route = (method: 'GET' | 'POST', path: string, scope: Scope, handler: Handler) =>
      app.route({ method, url: `${MLFLOW_PREFIX}/${path}`, config: { scope }, schema: { hide: true }, handler: (req) => handler(runDeps, req) });
    const registryDeps: RegistryDeps = { clickhouse: deps.clickhouse, writer, catalogue: runDeps.catalogue };
    const model = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, handler: RegistryHandler, scope: Scope = method === 'GET' ? 'read' : 'registry') =>
      app.route({
        method, url: `${MLFLOW_PREFIX}/${path}`, config: { scope }, schema: { hide: true },
        handler: (req) => handler(registryDeps, { scope: runScope(projectOf(req), deps), actor: actorOf(req) }, req),
      });
    const scopeOf = (req: FastifyRequest) => runScope(projectOf(req), deps);

    route('POST', 'experiments/create', 'ingest', (d, req) => createExperiment(d, projectOf(req), body(req)));
    route('GET', 'experiments/get', 'read', (d, req) => getExperiment(d, projectOf(req), query(req)));
    route('GET', 'experiments/get-by-name', 'read', (d, req) => getExperimentByName(d, projectOf(req), query(req)));
    route('POST', 'experiments/search', 'read', (d, req) => searchExperiments(d, projectOf(req), body(req)));
    route('GET', 'experiments/search', 'read', (d, req) => searchExperiments(d, projectOf(req), query(req)));
    route('POST', 'experiments/delete', 'ingest', (d, req) => setExperimentStage(d, projectOf(req), body(req), 'deleted'));
    route('POST', 'experiments/restore', 'ingest', (d, req) => setExperimentStage(d, projectOf(req), body(req), 'active'));
    route('POST', 'experiments/update', 'ingest', async () => updateExperiment());

    route('POST', 'runs/create', 'ingest', (d, req) => createRun(d, scopeOf(req), body(req)));
    route('GET', 'runs/get', 'read', (d, req) => getRun(d, scopeOf(req), query(req)));
    route('POST', 'runs/update', 'ingest', (d, req) => updateRun(d, scopeOf(req), body(req)));
    route('POST', 'runs/log-batch', 'ingest', (d, req) => logBatch(d, scopeOf(req), body(req), Number(req.headers['content-length'] ?? 0)));
    route('POST', 'runs/log-metric', 'ingest', (d, req) => {
      const b = body(req);
      return logBatch(d, scopeOf(req), { run_id: b.run_id ?? b.run_uuid, metrics: [{ key: b.key, value: b.value, timestamp: b.timestamp, step: b.step }] }, 0);
    });
    route('POST', 'runs/log-parameter', 'ingest', (d, req) => {
      const b = body(req);
      return logBatch(d, scopeOf(req), { run_id: b.run_id ?? b.run_uuid, params: [{ key: b.key, value: b.value }] }, 0);
    });
    route('POST', 'runs/set-tag', 'ingest', (d, req) => {
      const b = body(req);
      return logBatch(d, scopeOf(req), { run_id: b.run_id ?? b.run_uuid, tags: [{ key: b.key, value: b.value }] }, 0);
    });
    route('POST', 'runs/delete-tag', 'ingest', (d, req) => deleteTag(d, scopeOf(req), body(req)));
    route('POST', 'runs/delete', 'ingest', (d, req) => setRunStage(d, scopeOf(req), body(req), 'deleted'));
    route('POST', 'runs/restore', 'ingest', (d, req) => setRunStage(d, scopeOf(req), body(req), 'active'));
    // Datasets are not tracked by runlens: accepted and not stored (documented).
    route('POST', 'runs/log-inputs', 'ingest', async () => ({}));
    route('POST', 'runs/search', 'read', (d, req) => searchRuns(d, scopeOf(req), body(req)));
    // MLflow 3's logged models are not kept by runlens (a model is a run's artifact): none is ever
    // found, so register_model of a runs:/ uri without model files says so instead of failing.
    route('POST', 'logged-models/search', 'read', async () => ({ models: [] }));
    route('GET', 'metrics/get-history', 'read', (d, req) => metricHistory(d, scopeOf(req), query(req)));

    // The model registry: reads need scope read, changes scope registry (query-api/registry/).
    model('POST', 'registered-models/create', (d, who, req) => registry.createRegisteredModel(d, who, body(req)));
    model('GET', 'registered-models/get', (d, who, req) => registry.getRegisteredModel(d, who, query(req)));
    model('POST', 'registered-models/rename', (d, who, req) => registry.renameRegisteredModel(d, who, body(req)));
    model('PATCH', 'registered-models/update', (d, who, req) => registry.updateRegisteredModel(d, who, body(req)));
    model('DELETE', 'registered-models/delete', (d, who, req) => registry.deleteRegisteredModel(d, who, body(req)));
    model('GET', 'registered-models/search', (d, who, req) => registry.searchRegisteredModels(d, who, query(req)));
    model('POST', 'registered-models/set-tag', (d, who, req) => registry.setRegisteredModelTag(d, who, body(req), false));
    model('DELETE', 'registered-models/delete-tag', (d, who, req) => registry.setRegisteredModelTag(d, who, body(req), true));
    // A read both ways: MLflow's client POSTs, and falls back to GET.
    model('POST', 'registered-models/get-latest-versions', (d, who, req) => registry.getLatestVersions(d, who, body(req)), 'read');
    model('GET', 'registered-models/get-latest-versions', (d, who, req) => registry.getLatestVersions(d, who, query(req)));
    model('POST', 'registered-models/alias', (d, who, req) => registry.setAlias(d, who, body(req)));
    model('DELETE', 'registered-models/alias', (d, who, req) => registry.deleteAlias(d, who, body(req)));
    model('GET', 'registered-models/alias', (d, who, req) => registry.getByAlias(d, who, query(req)));
    model('POST', 'model-versions/create', (d, who, req) => registry.createModelVersion(d, who, body(req)));
    model('GET', 'model-versions/get', (d, who, req) => registry.getModelVersion(d, who, query(req)));
    model('PATCH', 'model-versions/update', (d, who, req) => registry.updateModelVersion(d, who, body(req)));
    model('DELETE', 'model-versions/delete', (d, who, req) => registry.deleteModelVersion(d, who, body(req)));
    model('GET', 'model-versions/search', (d, who, req) => registry.searchModelVersions(d, who, query(req)));
    model('POST', 'model-versions/transition-stage', (d, who, req) => registry.transitionStage(d, who, body(req)));
    model('POST', 'model-versions/set-tag', (d, who, req) => registry.setModelVersionTag(d, who, body(req), false));
    model('DELETE', 'model-versions/delete-tag', (d, who, req) => registry.setModelVersionTag(d, who, body(req), true));
    model('GET', 'model-versions/get-download-uri', (d, who, req) => registry.getDownloadUri(d, who, query(req)));
  };
}
