// MLflow's model registry REST with the real MLflow client (mlflow-skinny from PyPI, in a
// project-local virtualenv) against the real Kafka, processor, ClickHouse and API:
// mlflow.register_model("runs:/…") twice (creating the model, then finding it exists), aliases,
// stages, tags, searches, rename and deletes — and what the client did reads the same through
// /v1/models, audit log included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { ensureVirtualenv, MINUTE, REPO, runReportingScript } from '../helpers/python.ts';

const MLFLOW_CLIENT = ['mlflow-skinny==3.17.2'];
const PROJECT = 'mlflow-registry';
const MODEL = 'cats-vs-dogs';

interface Report {
  runs: [string, string];
  versions: [string, string];
  v2: { run_id: string; source: string; status: string; stage: string };
  champion: string;
  latest_alias: string;
  stages: Record<string, string>;
  latest_production: string[];
  by_run: string[];
  newer_than_1: string[];
  model: { name: string; description: string; tags: Record<string, string>; aliases: Record<string, string> };
  v2_after: { description: string; tags: Record<string, string> };
  search: string[];
  search_by_tag: string[];
  download_uri: string;
  errors: Record<string, string | null>;
  no_model_files: string | null;
  aliases_after_delete: Record<string, string>;
  renamed_versions: string[];
  after_version_delete: string[];
}

let ns: Namespace;
let processor: Processor;
let app: App;
let artifacts: string;
let report: Report;
let read: Record<string, string>;

beforeAll(async () => {
  const [venv, namespace] = await Promise.all([ensureVirtualenv('mlflow', MLFLOW_CLIENT), freshNamespace('mlflowreg')]);
  ns = namespace;
  processor = await startProcessor(ns);
  artifacts = mkdtempSync(join(tmpdir(), 'runlens-mlflow-artifacts-'));
  app = await buildTestApp(ns, { gateway: true, mlflowArtifactRoot: artifacts });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  const token = await createTestToken(ns, PROJECT, ['read', 'ingest', 'registry']);
  const env = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_TIMEOUT: '30', GIT_PYTHON_REFRESH: 'quiet' };
  report = await runReportingScript<Report>(venv.python, join(REPO, 'test', 'integration', 'python', 'mlflow_registry.py'), [MODEL], 5 * MINUTE, env);
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
  if (artifacts) rmSync(artifacts, { recursive: true, force: true });
});

describe("MLflow's registry client against runlens", () => {
  it('registers runs with mlflow.register_model: the model, then the next version, READY, sourced from the run', () => {
    expect(report.versions).toEqual(['1', '2']);
    expect(report.v2).toMatchObject({ run_id: report.runs[1], status: 'READY', stage: 'None' });
    expect(report.v2.source).toMatch(new RegExp(`^${artifacts}/.+/${report.runs[1]}/artifacts/model$`));
  });

  it('moves aliases and stages as MLflow does', () => {
    expect(report.champion).toBe('2');
    expect(report.latest_alias).toBe('2');
    expect(report.stages).toEqual({ '1': 'Archived', '2': 'Production' });
    expect(report.latest_production).toEqual(['2']);
    expect(report.aliases_after_delete).toEqual({});
  });

  it('searches, tags and describes models and versions', () => {
    expect(report.by_run).toEqual(['1']);
    expect(report.newer_than_1).toEqual(['2']);
    expect(report.search).toEqual([MODEL]);
    expect(report.search_by_tag).toEqual([MODEL]);
    expect(report.model).toEqual({ name: MODEL, description: 'cats and dogs', tags: { team: 'vision' }, aliases: { champion: '2' } });
    expect(report.v2_after).toEqual({ description: 'the better one', tags: { validated: 'yes' } });
    expect(report.download_uri).toMatch(new RegExp(`/${report.runs[0]}/artifacts/model$`));
  });

  it('refuses registry changes to a token without scope registry, in MLflow\'s words', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/registered-models/create', headers: { ...read, 'content-type': 'application/json' }, payload: { name: 'nope' } });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/scope "registry"/) });
    // Reads take a read token.
    const got = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/registered-models/get?name=${MODEL}-renamed`, headers: read });
    expect(got.statusCode).toBe(200);
    expect(got.json().registered_model).toMatchObject({ name: `${MODEL}-renamed`, latest_versions: [expect.objectContaining({ version: '2', status: 'READY' })] });
  });

  it("answers with MLflow's error codes", () => {
    expect(report.errors).toEqual({ duplicate: 'RESOURCE_ALREADY_EXISTS', missing_version: 'RESOURCE_DOES_NOT_EXIST', missing_model: 'RESOURCE_DOES_NOT_EXIST', bad_stage: 'INVALID_PARAMETER_VALUE' });
    expect(report.no_model_files).toBe(`Unable to find a logged_model with artifact_path nothing under run ${report.runs[0]}`);
  });

  it('renames and deletes versions; the numbers stay', () => {
    expect(report.renamed_versions.sort()).toEqual(['1', '2']);
    expect(report.after_version_delete).toEqual(['2']);
  });

  it('is the registry /v1/models shows, with every change in the audit log', async () => {
    const model = (await app.inject({ method: 'GET', url: `/v1/models/${MODEL}-renamed`, headers: read })).json();
    expect(model).toMatchObject({ name: `${MODEL}-renamed`, description: 'cats and dogs', tags: { team: 'vision' }, aliases: {} });
    expect(model.versions).toEqual([expect.objectContaining({ version: 2, runId: report.runs[1], stage: 'Production', metrics: { 'val_acc.last': 0.86, 'val_acc.min': 0.86, 'val_acc.max': 0.86 } })]);
    const audit = (await app.inject({ method: 'GET', url: `/v1/models/${MODEL}-renamed/audit`, headers: read })).json().entries as { action: string; accepted: boolean }[];
    expect(audit.filter((e) => e.accepted).map((e) => e.action)).toEqual([
      'createModel', 'createVersion', 'createVersion', 'setAlias', 'transitionStage', 'transitionStage', 'setModelTags', 'setVersionTags', 'updateModel', 'updateVersion', 'deleteAlias', 'renameModel', 'deleteVersion',
    ]);
    // The createModel of the later register_model calls (the second, the one without model
    // files), and the client's own duplicate, were refused and logged.
    expect(audit.filter((e) => !e.accepted).map((e) => e.action)).toEqual(['createModel', 'createModel', 'createModel']);
  });
});
