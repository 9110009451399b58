// /v1/models — the model registry: registered models, their versions (each from a run, with the
// run's metric summaries at registration and optionally its model files by reference), aliases
// (one version per alias; moves may name the version they expect to replace: another holder is
// a 409 naming it), MLflow's stages, tags, and the audit log of every change asked. Reads need
// scope `read`, changes `registry`. Every change is an event (service.ts); the audit log is
// append-only: no route updates or deletes it.
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { actorOf, projectOf } from '../../common/http/auth.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import type { App, AppDeps } from '../deps.ts';
import type { EventWriter } from '../writes.ts';
import { runScope } from '../selection/selection.ts';
import { AuthErrors, ErrorBody, Lineage, ParamValue } from '../http/schemas.ts';
import { getEvidence } from '../../storage/evidence.ts';
import { getRuns } from '../../storage/runs.ts';
import { EvidenceJson } from '../evidence/schemas.ts';
import { Verdict } from '../reproducibility/schemas.ts';
import { verdictOf } from '../reproducibility/verdict.ts';
import { buildTrail, changesOfVersion, trailMarkdown } from './trail.ts';
import { modelFilter } from './search.ts';
import {
  AliasParams, AuditEntry, auditJson, CreateModelBody, CreateVersionBody, DeleteAliasQuery, ModelJson, modelJson, ModelParams, ModelVersionJson, ModelWithVersions,
  RenameBody, SetAliasBody, StageBody, UpdateModelBody, UpdateVersionBody, VersionParams, versionJson,
} from './schemas.ts';
import { aliasOf, change, modelOf, readRegistry, versionOf, versionSource, type ChangeRequest, type RegistryDeps } from './service.ts';
import type { RegisteredModel } from './state.ts';

const reads = { 400: ErrorBody, 404: ErrorBody, ...AuthErrors } as const;
const writes = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...AuthErrors } as const;

/** A tags patch ({k: v, gone: null}) as the change's tags set and removed. */
export function tagPatch(patch: Record<string, string | null>): Pick<ChangeRequest, 'tags' | 'removedTags'> {
  const entries = Object.entries(patch);
  return { tags: Object.fromEntries(entries.filter(([, v]) => v !== null)) as Record<string, string>, removedTags: entries.filter(([, v]) => v === null).map(([k]) => k) };
}

const withVersions = (m: RegisteredModel) => ({ ...modelJson(m), versions: m.versions.map(versionJson) });

export function registryRoutes(writer: EventWriter) {
  return async (app: App, deps: AppDeps): Promise<void> => {
    const registry: RegistryDeps = { clickhouse: deps.clickhouse, writer, catalogue: loadCatalogue() };
    const send = (req: FastifyRequest, request: ChangeRequest) => change(registry, projectOf(req), actorOf(req), request);

    app.post('/v1/models', {
      config: { scope: 'registry' },
      schema: { summary: 'Register a model (a name for the versions to come)', body: CreateModelBody, response: { 201: ModelWithVersions, ...writes } },
    }, async (req, reply) => {
      const b = req.body;
      const { state } = await send(req, { action: 'createModel', model: b.name, description: b.description ?? null, tags: b.tags ?? {}, aliases: b.requireEvidence ?? [] });
      return reply.status(201).send(withVersions(modelOf(state, b.name)));
    });

    app.get('/v1/models', {
      config: { scope: 'read' },
      schema: {
        summary: 'Registered models, by name; filtered in the filter language over name and tags',
        querystring: Type.Object({ filter: Type.Optional(Type.String({ maxLength: 10_000, description: "e.g. name like 'resnet%' and tags.team = 'vision'" })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ models: Type.Array(ModelJson) }), ...reads },
      },
    }, async (req) => {
      const keep = req.query.filter?.trim() ? modelFilter(req.query.filter) : () => true;
      const state = await readRegistry(deps.clickhouse, projectOf(req));
      return { models: [...state.models.values()].filter(keep).sort((a, b) => (a.name < b.name ? -1 : 1)).map(modelJson) };
    });

    app.get('/v1/models/:name', {
      config: { scope: 'read' },
      schema: { summary: 'A registered model with its versions', params: ModelParams, response: { 200: ModelWithVersions, ...reads } },
    }, async (req) => withVersions(modelOf(await readRegistry(deps.clickhouse, projectOf(req)), req.params.name)));

    app.patch('/v1/models/:name', {
      config: { scope: 'registry' },
      schema: { summary: "Change a model's description, tags, or the aliases whose moves must cite evidence", params: ModelParams, body: UpdateModelBody, response: { 200: ModelWithVersions, ...writes } },
    }, async (req) => {
      const { name } = req.params;
      const b = req.body;
      let last = null;
      if (b.description !== undefined) last = await send(req, { action: 'updateModel', model: name, description: b.description });
      if (b.tags !== undefined) last = await send(req, { action: 'setModelTags', model: name, ...tagPatch(b.tags) });
      if (b.requireEvidence !== undefined) last = await send(req, { action: 'requireEvidence', model: name, aliases: b.requireEvidence });
      return withVersions(modelOf(last!.state, name));
    });

    app.post('/v1/models/:name/rename', {
      config: { scope: 'registry' },
      schema: { summary: 'Rename a model (its versions, aliases and audit log follow)', params: ModelParams, body: RenameBody, response: { 200: ModelWithVersions, ...writes } },
    }, async (req) => {
      const { state } = await send(req, { action: 'renameModel', model: req.params.name, newName: req.body.name });
      return withVersions(modelOf(state, req.body.name));
    });

    app.delete('/v1/models/:name', {
      config: { scope: 'registry' },
      schema: { summary: 'Delete a model and its versions (the audit log keeps them)', params: ModelParams, response: { 200: Type.Object({ deleted: Type.String() }), ...writes } },
    }, async (req) => {
      await send(req, { action: 'deleteModel', model: req.params.name });
      return { deleted: req.params.name };
    });

    app.post('/v1/models/:name/versions', {
      config: { scope: 'registry' },
      schema: { summary: "Register a run as the model's next version, with its metric summaries and model files", params: ModelParams, body: CreateVersionBody, response: { 201: ModelVersionJson, ...writes } },
    }, async (req, reply) => {
      const { name } = req.params;
      const b = req.body;
      const project = projectOf(req);
      // Before anything is sent: an unknown model is a 404 without an event in the log.
      modelOf(await readRegistry(deps.clickhouse, project), name);
      const source = await versionSource(deps.clickhouse, runScope(project, deps), b.runId, { artifact: b.artifact, artifactUri: b.artifactUri, artifactDigest: b.artifactDigest, metrics: b.metrics });
      const { state, outcome } = await send(req, { action: 'createVersion', model: name, ...source, description: b.description ?? null, tags: b.tags ?? {} });
      return reply.status(201).send(versionJson(versionOf(state, name, outcome.version!)));
    });

    app.get('/v1/models/:name/versions', {
      config: { scope: 'read' },
      schema: { summary: "A model's versions, oldest first", params: ModelParams, response: { 200: Type.Object({ versions: Type.Array(ModelVersionJson) }), ...reads } },
    }, async (req) => ({ versions: modelOf(await readRegistry(deps.clickhouse, projectOf(req)), req.params.name).versions.map(versionJson) }));

    app.get('/v1/models/:name/versions/:version', {
      config: { scope: 'read' },
      schema: { summary: 'One version', params: VersionParams, response: { 200: ModelVersionJson, ...reads } },
    }, async (req) => versionJson(versionOf(await readRegistry(deps.clickhouse, projectOf(req)), req.params.name, req.params.version)));

    app.patch('/v1/models/:name/versions/:version', {
      config: { scope: 'registry' },
      schema: { summary: "Change a version's description or tags", params: VersionParams, body: UpdateVersionBody, response: { 200: ModelVersionJson, ...writes } },
    }, async (req) => {
      const { name, version } = req.params;
      let last = null;
      if (req.body.description !== undefined) last = await send(req, { action: 'updateVersion', model: name, version, description: req.body.description });
      if (req.body.tags !== undefined) last = await send(req, { action: 'setVersionTags', model: name, version, ...tagPatch(req.body.tags) });
      return versionJson(versionOf(last!.state, name, version));
    });

    app.delete('/v1/models/:name/versions/:version', {
      config: { scope: 'registry' },
      schema: { summary: 'Delete a version (its aliases go; its number is never reused; the audit log keeps it)', params: VersionParams, response: { 200: Type.Object({ deleted: Type.Integer() }), ...writes } },
    }, async (req) => {
      await send(req, { action: 'deleteVersion', model: req.params.name, version: req.params.version });
      return { deleted: req.params.version };
    });

    app.post('/v1/models/:name/versions/:version/stage', {
      config: { scope: 'registry' },
      schema: { summary: "Move a version to one of MLflow's stages", params: VersionParams, body: StageBody, response: { 200: ModelVersionJson, ...writes } },
    }, async (req) => {
      const { name, version } = req.params;
      const b = req.body;
      const { state } = await send(req, { action: 'transitionStage', model: name, version, stage: b.stage, archiveExisting: b.archiveExisting ?? false, reason: b.reason ?? null, evidence: b.evidence ?? [] });
      return versionJson(versionOf(state, name, version));
    });

    app.get('/v1/models/:name/aliases/:alias', {
      config: { scope: 'read' },
      schema: { summary: 'The version an alias points to', params: AliasParams, response: { 200: ModelVersionJson, ...reads } },
    }, async (req) => versionJson(aliasOf(await readRegistry(deps.clickhouse, projectOf(req)), req.params.name, req.params.alias)));

    app.put('/v1/models/:name/aliases/:alias', {
      config: { scope: 'registry' },
      schema: { summary: 'Point an alias at a version (who, when and why are logged)', params: AliasParams, body: SetAliasBody, response: { 200: ModelVersionJson, ...writes } },
    }, async (req) => {
      const { name, alias } = req.params;
      const b = req.body;
      const { state } = await send(req, { action: 'setAlias', model: name, alias, version: b.version, expectedVersion: b.expectedVersion ?? null, reason: b.reason ?? null, evidence: b.evidence ?? [] });
      return versionJson(versionOf(state, name, b.version));
    });

    app.delete('/v1/models/:name/aliases/:alias', {
      config: { scope: 'registry' },
      schema: { summary: 'Remove an alias', params: AliasParams, querystring: DeleteAliasQuery, response: { 200: Type.Object({ deleted: Type.String(), version: Type.Integer() }), ...writes } },
    }, async (req) => {
      const { name, alias } = req.params;
      const { outcome } = await send(req, { action: 'deleteAlias', model: name, alias, expectedVersion: req.query.expectedVersion ?? null, reason: req.query.reason ?? null });
      return { deleted: alias, version: outcome.version! };
    });

    app.get('/v1/models/:name/versions/:version/trail', {
      config: { scope: 'read', docs: { alsoProduces: { 'text/markdown': { type: 'string', description: 'Accept: text/markdown: the same trail as markdown, to paste into a review' } } } },
      schema: {
        summary: 'The decision trail of a version: its run and lineage, the evidence its moves cited (with their sentences), and every move with who, when and why',
        params: VersionParams,
        response: {
          200: Type.Object({
            version: ModelVersionJson,
            run: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), experiment: Type.String(), sweepId: Type.Union([Type.String(), Type.Null()]), status: Type.String(), startedAt: Type.String(), params: Type.Record(Type.String(), ParamValue), lineage: Lineage }), Type.Null()]),
            reproducibility: Type.Union([Verdict, Type.Null()]),
            evidence: Type.Array(EvidenceJson),
            moves: Type.Array(AuditEntry),
          }),
          ...reads,
        },
      },
    }, async (req, reply) => {
      const project = projectOf(req);
      const { name, version } = req.params;
      const state = await readRegistry(deps.clickhouse, project);
      const v = versionOf(state, name, version);
      const changes = changesOfVersion(state, modelOf(state, name).id, version);
      const [run] = await getRuns(deps.clickhouse, runScope(project, deps), [v.runId]);
      const evidence = await getEvidence(deps.clickhouse, project, [...new Set(changes.flatMap((l) => l.change.evidence ?? []))]);
      const trail = buildTrail(v, changes, run ?? null, run ? verdictOf(run) : null, evidence);
      if (/\btext\/markdown\b/.test(req.headers.accept ?? '')) return reply.type('text/markdown; charset=utf-8').send(trailMarkdown(trail) as never);
      return trail;
    });

    app.get('/v1/models/:name/audit', {
      config: { scope: 'read' },
      schema: { summary: 'Every change asked of the model (under any of its names), in order, refused ones with why', params: ModelParams, response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }), ...reads } },
    }, async (req) => {
      const state = await readRegistry(deps.clickhouse, projectOf(req));
      const id = modelOf(state, req.params.name).id;
      return { entries: state.log.filter((l) => l.modelId === id).map(auditJson) };
    });
  };
}
