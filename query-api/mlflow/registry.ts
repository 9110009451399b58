// MLflow's model registry REST (registered-models/*, model-versions/*) over runlens's registry
// (query-api/registry/): the same changes, the same replay and the same audit log as /v1/models,
// in MLflow's shapes — versions as strings, status READY (no asynchronous registration here),
// tags and aliases as lists, times in ms — and MLflow's error codes: a name taken is
// RESOURCE_ALREADY_EXISTS (400, which mlflow.register_model relies on), a missing model or
// version RESOURCE_DOES_NOT_EXIST (404), a move refused for want of evidence RESOURCE_CONFLICT
// (409). A version comes from a run (run_id, or the run of a runs:/ source); its source is kept
// as given. Searches take MLflow's filter grammar (search.ts's parser), evaluated here.
import { MODEL_STAGES } from '../../schemas/events.ts';
import type { RunScope } from '../../storage/runs.ts';
import { likeMatches } from '../filter/like.ts';
import { change, modelOf, readRegistry, versionOf, versionSource, type ChangeRequest, type RegistryDeps } from '../registry/service.ts';
import type { ModelVersion, RegisteredModel, RegistryState } from '../registry/state.ts';
import { invalidParameter, notFound } from './errors.ts';
import { keyValues, optionalInteger, optionalString, requiredString, type KeyValue } from './json.ts';
import { parseClauses, type Clause } from './search.ts';

/** Who asks, and in which project. */
export interface Asker {
  scope: RunScope;
  actor: string;
}

type Body = Record<string, unknown>;

const MAX_MODEL_RESULTS = 1000;
const MAX_VERSION_RESULTS = 200_000;

const tagList = (tags: Record<string, string>): KeyValue[] => Object.entries(tags).map(([key, value]) => ({ key, value }));

export function mvJson(v: ModelVersion): Body {
  return {
    name: v.model, version: String(v.version), creation_timestamp: v.createdAt, last_updated_timestamp: v.updatedAt, user_id: v.createdBy,
    current_stage: v.stage, description: v.description, source: v.artifactUri ?? '', run_id: v.runId, status: 'READY', run_link: '',
    tags: tagList(v.tags), aliases: v.aliases,
  };
}

/** The newest version in each of these stages (all four when none is named). */
function latestVersions(m: RegisteredModel, stages: readonly string[]): ModelVersion[] {
  const wanted = stages.length > 0 ? stages : MODEL_STAGES;
  return wanted.flatMap((s) => {
    const v = m.versions.filter((x) => x.stage === s).at(-1);
    return v ? [v] : [];
  });
}

export function rmJson(m: RegisteredModel): Body {
  return {
    name: m.name, creation_timestamp: m.createdAt, last_updated_timestamp: m.updatedAt, user_id: m.createdBy, description: m.description,
    latest_versions: latestVersions(m, []).map((v) => ({ ...mvJson(v), aliases: [] })), tags: tagList(m.tags),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  };
}

const send = (deps: RegistryDeps, who: Asker, request: ChangeRequest) => change(deps, who.scope.project, who.actor, request);
const read = (deps: RegistryDeps, who: Asker): Promise<RegistryState> => readRegistry(deps.clickhouse, who.scope.project);

function versionNumber(b: Body): number {
  const text = b.version;
  const n = typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw invalidParameter(`Parameter 'version' must be an integer, got '${String(text)}'.`);
  return n;
}

function stageOf(text: string): (typeof MODEL_STAGES)[number] {
  const s = MODEL_STAGES.find((x) => x.toLowerCase() === text.trim().toLowerCase());
  if (!s) throw invalidParameter(`Invalid Model Version stage: ${text}. Value must be one of ${MODEL_STAGES.join(', ')}.`);
  return s;
}

const tagsOf = (b: Body): Record<string, string> => Object.fromEntries(keyValues(b, 'tags').map((t) => [t.key, t.value]));

// ---- registered models

export async function createRegisteredModel(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const { state } = await send(deps, who, { action: 'createModel', model: name, description: optionalString(b, 'description') ?? null, tags: tagsOf(b) });
  return { registered_model: rmJson(modelOf(state, name)) };
}

export async function getRegisteredModel(deps: RegistryDeps, who: Asker, q: Body) {
  const name = requiredString(q, 'name');
  const state = await read(deps, who);
  return { registered_model: rmJson(modelOf(state, name)) };
}

export async function renameRegisteredModel(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const to = requiredString(b, 'new_name');
  const { state } = await send(deps, who, { action: 'renameModel', model: name, newName: to });
  return { registered_model: rmJson(modelOf(state, to)) };
}

export async function updateRegisteredModel(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const { state } = await send(deps, who, { action: 'updateModel', model: name, description: optionalString(b, 'description') ?? '' });
  return { registered_model: rmJson(modelOf(state, name)) };
}

export async function deleteRegisteredModel(deps: RegistryDeps, who: Asker, b: Body) {
  await send(deps, who, { action: 'deleteModel', model: requiredString(b, 'name') });
  return {};
}

export async function setRegisteredModelTag(deps: RegistryDeps, who: Asker, b: Body, remove: boolean) {
  const name = requiredString(b, 'name');
  const key = requiredString(b, 'key');
  await send(deps, who, remove ? { action: 'setModelTags', model: name, removedTags: [key] } : { action: 'setModelTags', model: name, tags: { [key]: String(b.value ?? '') } });
  return {};
}

export async function getLatestVersions(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const raw = b.stages === undefined ? [] : Array.isArray(b.stages) ? b.stages : [b.stages];
  const stages = raw.map((s) => stageOf(String(s)));
  const state = await read(deps, who);
  return { model_versions: latestVersions(modelOf(state, name), stages).map(mvJson) };
}

// ---- model versions

/** The run a version comes from: run_id, or the run of a runs:/<id>/… source. */
function runOf(b: Body, source: string): string {
  const runId = optionalString(b, 'run_id');
  const fromSource = /^runs:\/([^/]+)/.exec(source)?.[1];
  if (runId && fromSource && runId !== fromSource) throw invalidParameter('The run_id request parameter must identify the resource that contains the source.');
  const id = runId || fromSource;
  if (!id) throw invalidParameter('runlens registers versions of runs: pass run_id (or a runs:/<run_id>/… source).');
  return id;
}

export async function createModelVersion(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const source = requiredString(b, 'source');
  const runId = runOf(b, source);
  // An unknown model is a 404 before the run is looked up or anything is sent.
  const state = await read(deps, who);
  modelOf(state, name);
  const run = await versionSource(deps.clickhouse, who.scope, runId, {});
  const { state: after, outcome } = await send(deps, who, {
    action: 'createVersion', model: name, ...run, artifactUri: source, artifactDigest: null, description: optionalString(b, 'description') ?? null, tags: tagsOf(b),
  });
  return { model_version: mvJson(versionOf(after, name, outcome.version!)) };
}

export async function getModelVersion(deps: RegistryDeps, who: Asker, q: Body) {
  const name = requiredString(q, 'name');
  const version = versionNumber(q);
  const state = await read(deps, who);
  return { model_version: mvJson(versionOf(state, name, version)) };
}

export async function updateModelVersion(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const version = versionNumber(b);
  const { state } = await send(deps, who, { action: 'updateVersion', model: name, version, description: optionalString(b, 'description') ?? '' });
  return { model_version: mvJson(versionOf(state, name, version)) };
}

export async function deleteModelVersion(deps: RegistryDeps, who: Asker, b: Body) {
  await send(deps, who, { action: 'deleteVersion', model: requiredString(b, 'name'), version: versionNumber(b) });
  return {};
}

export async function transitionStage(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const version = versionNumber(b);
  const stage = stageOf(requiredString(b, 'stage'));
  const archive = b.archive_existing_versions === true || b.archive_existing_versions === 'true';
  // MLflow's own server answers 500 here; a 500 would make its client retry for minutes.
  if (archive && stage !== 'Staging' && stage !== 'Production') throw invalidParameter(`archive_existing_versions applies to Staging and Production only, not ${stage}.`);
  const { state } = await send(deps, who, { action: 'transitionStage', model: name, version, stage, archiveExisting: archive });
  return { model_version: mvJson(versionOf(state, name, version)) };
}

export async function setModelVersionTag(deps: RegistryDeps, who: Asker, b: Body, remove: boolean) {
  const name = requiredString(b, 'name');
  const version = versionNumber(b);
  const key = requiredString(b, 'key');
  await send(deps, who, remove ? { action: 'setVersionTags', model: name, version, removedTags: [key] } : { action: 'setVersionTags', model: name, version, tags: { [key]: String(b.value ?? '') } });
  return {};
}

export async function getDownloadUri(deps: RegistryDeps, who: Asker, q: Body) {
  const name = requiredString(q, 'name');
  const version = versionNumber(q);
  const state = await read(deps, who);
  return { artifact_uri: versionOf(state, name, version).artifactUri ?? '' };
}

// ---- aliases

export async function setAlias(deps: RegistryDeps, who: Asker, b: Body) {
  await send(deps, who, { action: 'setAlias', model: requiredString(b, 'name'), alias: requiredString(b, 'alias'), version: versionNumber(b) });
  return {};
}

/** As MLflow: deleting an alias the model does not have is a no-op (the model must exist). */
export async function deleteAlias(deps: RegistryDeps, who: Asker, b: Body) {
  const name = requiredString(b, 'name');
  const alias = requiredString(b, 'alias');
  const state = await read(deps, who);
  if (modelOf(state, name).aliases[alias] === undefined) return {};
  await send(deps, who, { action: 'deleteAlias', model: name, alias });
  return {};
}

export async function getByAlias(deps: RegistryDeps, who: Asker, q: Body) {
  const name = requiredString(q, 'name');
  const alias = requiredString(q, 'alias');
  const state = await read(deps, who);
  const model = modelOf(state, name);
  // "latest" (any case) is the newest version, as MLflow resolves it.
  if (alias.toLowerCase() === 'latest') {
    const newest = model.versions.at(-1);
    if (!newest) throw notFound(`Latest version not found for model ${name}.`);
    return { model_version: mvJson(newest) };
  }
  const n = model.aliases[alias];
  // MLflow answers a missing alias with 400, not 404.
  if (n === undefined) throw invalidParameter(`Registered model alias ${alias} not found.`);
  return { model_version: mvJson(versionOf(state, name, n)) };
}

// ---- searches

/** Paging as MLflow's: the token is base64 of {"offset": n}. */
function page<T>(items: T[], q: Body, max: number, fallback: number): { items: T[]; next: string | null } {
  const limit = optionalInteger(q, 'max_results') ?? fallback;
  if (limit < 1 || limit > max) throw invalidParameter(`Invalid value "${limit}" for parameter 'max_results' supplied. It must be at most ${max}, and at least 1.`);
  const token = optionalString(q, 'page_token');
  let offset = 0;
  if (token) {
    try {
      offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: number }).offset;
    } catch {
      offset = NaN;
    }
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalidParameter(`Invalid page token: ${token}`);
  }
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64') : null;
  return { items: slice, next };
}

const listOf = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** A clause's test over text: = != LIKE ILIKE IN NOT IN; a missing value fails every one. */
function textTest(c: Clause, v: string | undefined): boolean {
  if (v === undefined) return false;
  const want = c.value;
  switch (c.op) {
    case '=':
    case '!=': {
      if (want.kind !== 'string') throw invalidParameter(`invalid filter clause: ${c.text} (compare with a quoted string)`);
      return (v === want.value) === (c.op === '=');
    }
    case 'LIKE':
    case 'ILIKE':
      if (want.kind !== 'string') throw invalidParameter(`invalid filter clause: ${c.text} (LIKE takes a quoted pattern)`);
      return likeMatches(v, want.value, c.op === 'ILIKE');
    case 'IN':
    case 'NOT IN':
      if (want.kind !== 'list') throw invalidParameter(`invalid filter clause: ${c.text} (IN takes a list)`);
      return want.values.includes(v) === (c.op === 'IN');
    default:
      throw invalidParameter(`invalid filter clause: ${c.text} (${c.op} compares numbers)`);
  }
}

/** The prompt clause MLflow's client appends to every model search: models without the tag are no prompts. */
const PROMPT_TAG = 'mlflow.prompt.is_prompt';

function tagTest(c: Clause, tags: Record<string, string>): boolean {
  const v = Object.hasOwn(tags, c.id.key) ? tags[c.id.key] : undefined;
  if (v === undefined && c.id.key === PROMPT_TAG && c.value.kind === 'string') return (c.op === '!=' && c.value.value === 'true') || (c.op === '=' && c.value.value === 'false');
  return textTest(c, v);
}

function modelMatches(clauses: Clause[]): (m: RegisteredModel) => boolean {
  for (const c of clauses) {
    if (c.id.entity === 'tag') continue;
    if (!(c.id.entity === 'attribute' && c.id.key === 'name')) throw invalidParameter(`Invalid attribute key '${c.id.key}' specified. Valid keys are '{'name'}'`);
  }
  return (m) => clauses.every((c) => (c.id.entity === 'tag' ? tagTest(c, m.tags) : textTest(c, m.name)));
}

function versionMatches(clauses: Clause[]): (v: ModelVersion) => boolean {
  const text: Record<string, (v: ModelVersion) => string> = { name: (v) => v.model, run_id: (v) => v.runId, source_path: (v) => v.artifactUri ?? '' };
  for (const c of clauses) {
    if (c.id.entity === 'tag' || (c.id.entity === 'attribute' && (Object.hasOwn(text, c.id.key) || c.id.key === 'version_number'))) continue;
    throw invalidParameter(`Invalid attribute key '${c.id.key}' specified. Valid keys are '{'name', 'run_id', 'source_path', 'version_number'}'`);
  }
  return (v) =>
    clauses.every((c) => {
      if (c.id.entity === 'tag') return tagTest(c, v.tags);
      if (c.id.key !== 'version_number') return textTest(c, text[c.id.key]!(v));
      if (c.value.kind !== 'number') throw invalidParameter(`invalid filter clause: ${c.text} (version_number takes an unquoted integer)`);
      const n = c.value.value;
      return { '=': v.version === n, '!=': v.version !== n, '<': v.version < n, '<=': v.version <= n, '>': v.version > n, '>=': v.version >= n }[c.op as '='] ?? false;
    });
}

type Order<T> = { key: (x: T) => string | number; desc: boolean };

function orderBy<T>(specs: string[], keys: Record<string, (x: T) => string | number>, fallback: Order<T>[]): Order<T>[] {
  const out = specs.map((spec) => {
    const m = /^\s*([\w.]+)\s*(ASC|DESC)?\s*$/i.exec(spec);
    const key = m ? keys[m[1]!] : undefined;
    if (!m || !key) throw invalidParameter(`Invalid order_by clause '${spec}'. Keys: ${Object.keys(keys).join(', ')}, each optionally ASC or DESC.`);
    return { key, desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' };
  });
  return [...out, ...fallback];
}

function sortBy<T>(items: T[], order: Order<T>[]): T[] {
  return [...items].sort((a, b) => {
    for (const o of order) {
      const x = o.key(a);
      const y = o.key(b);
      if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
    }
    return 0;
  });
}

export async function searchRegisteredModels(deps: RegistryDeps, who: Asker, q: Body) {
  const filter = optionalString(q, 'filter') ?? '';
  const keep = modelMatches(filter.trim() === '' ? [] : parseClauses(filter));
  const name = (m: RegisteredModel) => m.name;
  const updated = (m: RegisteredModel) => m.updatedAt;
  const order = orderBy<RegisteredModel>(listOf(q.order_by), { name, timestamp: updated, last_updated_timestamp: updated, creation_timestamp: (m) => m.createdAt }, [{ key: name, desc: false }]);
  const models = sortBy([...(await read(deps, who)).models.values()].filter(keep), order);
  const { items, next } = page(models, q, MAX_MODEL_RESULTS, 100);
  return { registered_models: items.map(rmJson), ...(next ? { next_page_token: next } : {}) };
}

export async function searchModelVersions(deps: RegistryDeps, who: Asker, q: Body) {
  const filter = optionalString(q, 'filter') ?? '';
  const keep = versionMatches(filter.trim() === '' ? [] : parseClauses(filter));
  const name = (v: ModelVersion) => v.model;
  const number = (v: ModelVersion) => v.version;
  const updated = (v: ModelVersion) => v.updatedAt;
  const order = orderBy<ModelVersion>(listOf(q.order_by), { name, version_number: number, creation_timestamp: (v) => v.createdAt, last_updated_timestamp: updated, timestamp: updated }, [
    ...(listOf(q.order_by).length === 0 ? [{ key: updated, desc: true }] : []),
    { key: name, desc: false },
    { key: number, desc: true },
  ]);
  const versions = sortBy([...(await read(deps, who)).models.values()].flatMap((m) => m.versions).filter(keep), order);
  const { items, next } = page(versions, q, MAX_VERSION_RESULTS, 10_000);
  return { model_versions: items.map(mvJson), ...(next ? { next_page_token: next } : {}) };
}
