// MLflow's runs/* and metrics/get-history endpoints over runlens runs. Writes become runlens
// events (RunStarted, MetricBatch, ParamsLogged, TagsSet, RunFinished, RunLifecycleSet) sent through Kafka like
// every other writer's; reads come from ClickHouse. A run created here is visible to reads
// within the ingest→queryable latency; runs/get and the writes that need the run (log-batch,
// update) wait up to READ_YOUR_WRITES_MS for a run this process created, so MLflow clients that
// read back right after writing work.
import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import type { EventMap, ParamValue } from '../../schemas/events.ts';
import { listExperiments } from '../../storage/experiments.ts';
import { metricNames, paramNames } from '../../storage/project-names.ts';
import { listRuns } from '../../storage/run-list.ts';
import { getRuns, type RunLifecycle, type RunRecord, type RunScope } from '../../storage/runs.ts';
import { getMetricHistory } from '../../storage/series.ts';
import { getSummaries } from '../../storage/summaries.ts';
import { decodeCursor, encodeCursor, signature } from '../runs/cursor.ts';
import { compileFilterFor } from '../selection/selection.ts';
import { invalidParameter, notFound } from './errors.ts';
import { writeEvents, type MlflowEvent } from './events.ts';
import type { EventWriter } from '../writes.ts';
import { experimentNameForRun, READ_YOUR_WRITES_MS, type ExperimentDeps } from './experiments.ts';
import {
  FINISHED_STATUS, keyValues, metricValue, mlflowRun, mlflowRunInfo, optionalInteger, optionalString, RESERVED_TAGS, requiredString, type KeyValue,
} from './json.ts';
import { parseMlflowParamValue } from './param-values.ts';
import { MATCH_NOTHING, translateFilter, translateOrderBy } from './search.ts';

/** MLflow's log-batch limits (mlflow/utils/validation.py). */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, bytes: 1024 * 1024 } as const;
const MAX_SEARCH_RESULTS = 50_000;
const MAX_HISTORY_RESULTS = 25_000;
/** How long a read waits for a run id in MLflow's shape that this process did not create (another API process may have). */
const OTHER_PROCESS_WAIT_MS = 1_500;
const MLFLOW_RUN_ID = /^[0-9a-f]{32}$/;
/** How long an end this process wrote overrides ClickHouse's running run (the ingest lag is about a second). */
const ENDED_HOLD_MS = 10_000;
/** MLflow's run_view_type as the run source's lifecycle choice. */
const RUN_VIEW_TYPES: Record<string, RunLifecycle> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: 'all' };

/**
 * What this process knows of runs: the ids it created (waited for on read), the ids known to
 * exist in a project (no lookup before a write), and the ends it wrote that ClickHouse may not
 * show yet (MLflow's end_run then get_run reads FINISHED, as from MLflow's server).
 */
export class RunIds {
  private readonly created = new Map<string, number>();
  private readonly known = new Set<string>();
  private readonly orphans = new Set<string>();
  /** Ends this process wrote, with when: they only bridge the ingest lag, so they expire after ENDED_HOLD_MS. */
  private readonly ended = new Map<string, { end: { status: RunRecord['status']; endedAt: string; durationMs: number }; at: number }>();
  private key = (project: string, id: string) => `${project}\u0000${id}`;
  noteCreated(project: string, id: string): void {
    this.created.set(this.key(project, id), Date.now());
    if (this.created.size > 100_000) this.created.delete(this.created.keys().next().value!);
  }
  createdHere(project: string, id: string): boolean {
    return this.created.has(this.key(project, id));
  }
  noteKnown(project: string, id: string): void {
    if (this.known.size > 1_000_000) this.known.clear();
    this.known.add(this.key(project, id));
  }
  /** A run found orphaned after a whole wait for its start: later reads take it as it is. */
  noteOrphan(project: string, id: string): void {
    if (this.orphans.size > 100_000) this.orphans.clear();
    this.orphans.add(this.key(project, id));
  }
  isOrphan(project: string, id: string): boolean {
    return this.orphans.has(this.key(project, id));
  }
  isKnown(project: string, id: string): boolean {
    return this.known.has(this.key(project, id)) || this.createdHere(project, id);
  }
  noteEnded(project: string, id: string, end: { status: RunRecord['status']; endedAt: string; durationMs: number }): void {
    this.ended.set(this.key(project, id), { end, at: Date.now() });
    if (this.ended.size > 100_000) this.ended.delete(this.ended.keys().next().value!);
  }
  /** A resumed run: an end written before the resume no longer holds. */
  noteResumed(project: string, id: string): void {
    this.ended.delete(this.key(project, id));
  }
  /** The run as ClickHouse shows it, with the end this process wrote until ClickHouse shows one. */
  withEnd(project: string, run: RunRecord): RunRecord {
    const key = this.key(project, run.id);
    const noted = this.ended.get(key);
    if (!noted) return run;
    // ClickHouse shows an end (this one or a later one), or the note is too old to trust: another
    // process may have resumed the run since.
    if (run.endedAt !== null || Date.now() - noted.at > ENDED_HOLD_MS) {
      this.ended.delete(key);
      return run;
    }
    return { ...run, ...noted.end };
  }
}

export interface RunDeps extends ExperimentDeps {
  writer: EventWriter;
  catalogue: SchemaCatalogue;
  runIds: RunIds;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The run, waiting for one just created; MLflow's 404 otherwise (a run of another project does not exist for this token). */
async function runOf(deps: RunDeps, scope: RunScope, id: string): Promise<RunRecord> {
  const wait = deps.runIds.createdHere(scope.project, id) ? READ_YOUR_WRITES_MS : MLFLOW_RUN_ID.test(id) ? OTHER_PROCESS_WAIT_MS : 0;
  const deadline = Date.now() + wait;
  for (;;) {
    const [run] = await getRuns(deps.clickhouse, scope, [id], { paramTexts: true });
    // A run's points can reach ClickHouse before its RunStarted: until the wait is over, an
    // orphaned sighting is not the run (its experiment, hence its artifact_uri, is not known yet:
    // a client would write artifacts under one uri and read them under another). A run already
    // found orphaned after a whole wait is not waited for again.
    const orphanWait = run?.status === 'orphaned' && Date.now() < deadline && !deps.runIds.isOrphan(scope.project, id);
    if (run && !orphanWait) {
      if (run.status === 'orphaned') deps.runIds.noteOrphan(scope.project, id);
      deps.runIds.noteKnown(scope.project, id);
      return deps.runIds.withEnd(scope.project, run);
    }
    if (Date.now() >= deadline) throw notFound(`Run with id=${id} not found`);
    await sleep(100);
  }
}

/** Makes sure a run exists in the project before writing to it (cached: a run never changes project). */
async function requireRun(deps: RunDeps, scope: RunScope, id: string): Promise<void> {
  if (!deps.runIds.isKnown(scope.project, id)) await runOf(deps, scope, id);
}

const runIdOf = (body: Record<string, unknown>) => requiredString(body, 'run_id', 'run_uuid');
const tagMap = (tags: KeyValue[]) => Object.fromEntries(tags.map((t) => [t.key, t.value]));

export async function createRun(deps: RunDeps, scope: RunScope, body: Record<string, unknown>) {
  const { project } = scope;
  const experimentId = optionalString(body, 'experiment_id') ?? '0';
  const experiment = await experimentNameForRun(deps, project, experimentId);
  const tags = tagMap(keyValues(body, 'tags'));
  const runId = randomBytes(16).toString('hex');
  const name = optionalString(body, 'run_name') ?? tags[RESERVED_TAGS.runName] ?? `run-${runId.slice(0, 8)}`;
  const user = optionalString(body, 'user_id') ?? tags[RESERVED_TAGS.user] ?? '';
  const gitCommit = tags[RESERVED_TAGS.gitCommit] ?? null;
  const parentRunId = tags[RESERVED_TAGS.parentRunId] ?? null;
  for (const reserved of Object.values(RESERVED_TAGS)) delete tags[reserved];
  const started: EventMap['RunStarted'] = {
    project, runId, experiment, sweepId: null, name, user, startedAt: optionalInteger(body, 'start_time') ?? Date.now(), params: {}, tags,
    lineage: { gitCommit, gitDirty: false, dataVersion: null, environment: { language: '', languageVersion: '', libraries: {}, hardware: null }, seed: null, host: null, parentRunId },
  };
  await writeEvents(deps.writer, deps.catalogue, [{ type: 'RunStarted', value: started }]);
  deps.runIds.noteCreated(project, runId);
  const record: RunRecord = {
    id: runId, name, experiment, sweepId: null, user, status: 'running', startedAt: new Date(started.startedAt).toISOString(), deleted: false, endedAt: null, durationMs: null,
    summary: {}, params: {}, paramsSetAfterStart: {}, tags, lineage: started.lineage,
  };
  return { run: mlflowRun(record, [], {}, deps.artifactRoot) };
}

export async function getRun(deps: RunDeps, scope: RunScope, query: Record<string, unknown>) {
  const run = await runOf(deps, scope, runIdOf(query));
  const summaries = (await getSummaries(deps.clickhouse, scope.project, [run.id])).get(run.id) ?? [];
  return { run: mlflowRun(run, summaries, run.paramTexts ?? {}, deps.artifactRoot) };
}

/** Polls ClickHouse until the run shows what `shows` expects, for at most READ_YOUR_WRITES_MS. */
async function untilShown(deps: RunDeps, scope: RunScope, id: string, shows: (run: RunRecord) => boolean): Promise<void> {
  const deadline = Date.now() + READ_YOUR_WRITES_MS;
  for (;;) {
    const [run] = await getRuns(deps.clickhouse, scope, [id]);
    if ((run && shows(run)) || Date.now() >= deadline) return;
    await sleep(100);
  }
}

/**
 * `mlflow.start_run(run_id=...)` of an ended run sets it RUNNING again: its RunStarted is sent
 * again (same name, experiment, start time, lineage; its params and tags as they are now), and a
 * RunStarted after the RunFinished on Kafka makes the run running (storage/runs.ts, HAS_FINISH),
 * until the client ends it again. A heartbeat goes with it: a run started long ago would
 * otherwise be crashed (silent for the crash silence) until its first point. Answered once
 * ClickHouse shows it running, so the reads that follow do not see the old end.
 */
async function resumeRun(deps: RunDeps, scope: RunScope, run: RunRecord): Promise<RunRecord> {
  const params = Object.fromEntries(Object.entries(run.params).filter(([k]) => !(k in run.paramsSetAfterStart)));
  const started: EventMap['RunStarted'] = {
    project: scope.project, runId: run.id, experiment: run.experiment, sweepId: run.sweepId, name: run.name, user: run.user, startedAt: Date.parse(run.startedAt),
    params, tags: run.tags, lineage: run.lineage,
  };
  const alive: EventMap['RunHeartbeat'] = { project: scope.project, runId: run.id, workerRank: null, at: Date.now() };
  await writeEvents(deps.writer, deps.catalogue, [{ type: 'RunStarted', value: started }, { type: 'RunHeartbeat', value: alive }]);
  deps.runIds.noteResumed(scope.project, run.id);
  await untilShown(deps, scope, run.id, (r) => r.status === 'running');
  return { ...run, status: 'running', endedAt: null, durationMs: null, summary: {} };
}

export async function updateRun(deps: RunDeps, scope: RunScope, body: Record<string, unknown>) {
  const run = await runOf(deps, scope, runIdOf(body));
  const status = optionalString(body, 'status');
  const runName = optionalString(body, 'run_name');
  if (runName !== undefined && runName !== run.name) throw invalidParameter(`Renaming runs is not supported by runlens yet (run ${run.id} is named '${run.name}').`);
  if (status !== undefined && !['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(status)) throw invalidParameter(`Invalid value '${status}' for parameter 'status'.`);
  const finished = status !== undefined ? FINISHED_STATUS[status] : undefined;
  let updated = status === 'RUNNING' && run.endedAt !== null ? await resumeRun(deps, scope, run) : run;
  if (finished) {
    const endedAt = optionalInteger(body, 'end_time') ?? Date.now();
    const durationMs = Math.max(0, endedAt - Date.parse(run.startedAt));
    await writeEvents(deps.writer, deps.catalogue, [{ type: 'RunFinished', value: { project: scope.project, runId: run.id, status: finished, endedAt, durationMs, summary: {} } }]);
    const end = { status: finished, endedAt: new Date(endedAt).toISOString(), durationMs };
    deps.runIds.noteEnded(scope.project, run.id, end);
    updated = { ...run, ...end };
  }
  return { run_info: mlflowRunInfo(updated, deps.artifactRoot) };
}

/**
 * A diverged run logs NaN losses, which MLflow stores and runlens does not (its summaries and
 * statistics take finite values only). Refusing them would stop a training script that works
 * against MLflow, so log-batch stores the batch's finite points and says on the run, in this
 * tag, which non-finite value of which metric it dropped last.
 */
export const NON_FINITE_TAG = 'runlens.non_finite_dropped';

function logBatchEvents(project: string, runId: string, metrics: unknown[], params: KeyValue[], batchTags: KeyValue[]): MlflowEvent[] {
  const tags = [...batchTags];
  const events: MlflowEvent[] = [];
  const now = Date.now();
  if (metrics.length > 0) {
    const keys: string[] = [];
    const keyIndex: number[] = [];
    const batch: EventMap['MetricBatch'] = { project, runId, workerRank: null, keys, segments: [], keyIndex, segmentIndex: [], steps: [], values: [], wallTimes: [] };
    const index = new Map<string, number>();
    // A point sent twice in one batch (same key, step, timestamp, value) is kept once, as MLflow's store keeps it.
    const seen = new Set<string>();
    const nonFinite = new Map<string, string>();
    metrics.forEach((m, i) => {
      const o = m as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || typeof o.key !== 'string' || o.key === '') throw invalidParameter(`metrics[${i}]: expected {"key", "value", "timestamp", "step"}.`);
      const value = metricValue(o.value, o.key);
      const step = optionalInteger(o, 'step') ?? 0;
      const wall = optionalInteger(o, 'timestamp') ?? now;
      if (!Number.isFinite(value)) {
        nonFinite.set(o.key, `${o.key}: ${value} at step ${step}`);
        return;
      }
      const point = JSON.stringify([o.key, step, wall, value]);
      if (seen.has(point)) return;
      seen.add(point);
      let k = index.get(o.key);
      if (k === undefined) {
        k = keys.push(o.key) - 1;
        index.set(o.key, k);
      }
      keyIndex.push(k);
      batch.segmentIndex.push(-1);
      batch.values.push(value);
      batch.steps.push(step);
      batch.wallTimes.push(wall);
    });
    if (batch.steps.length > 0) events.push({ type: 'MetricBatch', value: batch });
    if (nonFinite.size > 0) tags.push({ key: NON_FINITE_TAG, value: `${[...nonFinite.values()].join('; ').slice(0, 4_000)} (not stored: runlens keeps finite values only)` });
  }
  if (params.length > 0) {
    const values: Record<string, ParamValue> = {};
    const texts: Record<string, string> = {};
    for (const p of params) {
      const v = parseMlflowParamValue(p.value);
      values[p.key] = v;
      if (typeof v !== 'string') texts[p.key] = p.value;
    }
    events.push({ type: 'ParamsLogged', value: { project, runId, params: values, texts, loggedAt: now, step: null } });
  }
  if (tags.length > 0) events.push({ type: 'TagsSet', value: { project, runId, tags: tagMap(tags), removed: [], setAt: now } });
  return events;
}

export async function logBatch(deps: RunDeps, scope: RunScope, body: Record<string, unknown>, bodyBytes: number) {
  const runId = runIdOf(body);
  const metrics = body.metrics === undefined || body.metrics === null ? [] : body.metrics;
  if (!Array.isArray(metrics)) throw invalidParameter("Invalid value for parameter 'metrics' supplied: expected a list.");
  const params = keyValues(body, 'params');
  const tags = keyValues(body, 'tags');
  const duplicated = [...new Set(params.map((p) => p.key).filter((k, i, all) => all.indexOf(k) !== i))];
  if (duplicated.length > 0) throw invalidParameter(`Duplicate parameter keys have been submitted: ${JSON.stringify(duplicated)}. Please ensure the request contains only one param value per param key.`);
  const limits = LOG_BATCH_LIMITS;
  if (metrics.length > limits.metrics) throw invalidParameter(`A batch logging request can contain at most ${limits.metrics} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
  if (params.length > limits.params) throw invalidParameter(`A batch logging request can contain at most ${limits.params} params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
  if (tags.length > limits.tags) throw invalidParameter(`A batch logging request can contain at most ${limits.tags} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
  const total = metrics.length + params.length + tags.length;
  if (total > limits.total) throw invalidParameter(`A batch logging request can contain at most ${limits.total} total values. Got ${total} total values. Please split up values across multiple requests and try again.`);
  if (bodyBytes > limits.bytes) throw invalidParameter(`Batched logging API requests must be at most ${limits.bytes} bytes, got a request of ${bodyBytes} bytes.`);
  await requireRun(deps, scope, runId);
  await writeEvents(deps.writer, deps.catalogue, logBatchEvents(scope.project, runId, metrics, params, tags));
  return {};
}

/**
 * runs/delete and runs/restore: a RunLifecycleSet. A deleted run keeps its data; run lists
 * (runs/search without run_view_type, /v1) leave it out until it is restored. Answered once
 * ClickHouse shows the change (deleting is rare), so a search right after agrees.
 */
export async function setRunStage(deps: RunDeps, scope: RunScope, body: Record<string, unknown>, stage: 'active' | 'deleted') {
  const run = await runOf(deps, scope, runIdOf(body));
  const deleted = stage === 'deleted';
  // Written even when ClickHouse already shows this stage: it may lag behind an opposite change
  // still on its way, and the latest event on Kafka decides.
  await writeEvents(deps.writer, deps.catalogue, [{ type: 'RunLifecycleSet', value: { project: scope.project, runId: run.id, lifecycleStage: stage, setAt: Date.now() } }]);
  await untilShown(deps, scope, run.id, (r) => r.deleted === deleted);
  return {};
}

export async function deleteTag(deps: RunDeps, scope: RunScope, body: Record<string, unknown>) {
  const runId = runIdOf(body);
  const key = requiredString(body, 'key');
  await requireRun(deps, scope, runId);
  await writeEvents(deps.writer, deps.catalogue, [{ type: 'TagsSet', value: { project: scope.project, runId, tags: {}, removed: [key], setAt: Date.now() } }]);
  return {};
}

/** runs/search: MLflow's filter and order_by translated (search.ts), checked and compiled like any /v1 filter. */
export async function searchRuns(deps: RunDeps, scope: RunScope, body: Record<string, unknown>) {
  const { project } = scope;
  const max = optionalInteger(body, 'max_results') ?? 1000;
  if (max < 1 || max > MAX_SEARCH_RESULTS) throw invalidParameter(`Invalid value ${max} for parameter 'max_results' supplied. It must be at most ${MAX_SEARCH_RESULTS}, and at least 1.`);
  const view = optionalString(body, 'run_view_type') ?? 'ACTIVE_ONLY';
  if (!(view in RUN_VIEW_TYPES)) throw invalidParameter(`Invalid run_view_type '${view}': ACTIVE_ONLY, DELETED_ONLY or ALL.`);
  const ids = body.experiment_ids;
  if (ids !== undefined && (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' || typeof x === 'number'))) {
    throw invalidParameter("Invalid value for parameter 'experiment_ids' supplied: expected a list of experiment ids.");
  }
  const orderBy = body.order_by === undefined || body.order_by === null ? [] : body.order_by;
  if (!Array.isArray(orderBy) || !orderBy.every((x) => typeof x === 'string')) throw invalidParameter("Invalid value for parameter 'order_by' supplied: expected a list of strings.");
  const filter = optionalString(body, 'filter') ?? '';
  const experiments = await listExperiments(deps.clickhouse, project);
  const wanted = (ids ?? []).map(String);
  const names = wanted.map((id) => experiments.find((e) => e.id === id)?.name).filter((n): n is string => n !== undefined);
  const clauses: string[] = [];
  // The experiments are chosen in the runs table (18.16 pushes no filter into the run source's joins).
  const experimentNames = wanted.length === 0 ? undefined : names.length > 0 ? names : undefined;
  if (wanted.length > 0 && names.length === 0) clauses.push(MATCH_NOTHING);
  const [params, metrics] = await Promise.all([paramNames(deps.clickhouse, project), metricNames(deps.clickhouse, project)]);
  const translated = translateFilter(filter, { params, metrics });
  if (translated) clauses.push(`(${translated})`);
  const filterSql = clauses.length > 0 ? await compileFilterFor(deps.clickhouse, project, clauses.join(' and ')) : undefined;
  const sorts = [...translateOrderBy(orderBy as string[]), { kind: 'attribute' as const, field: 'started_at' as const, direction: 'desc' as const }];
  const sig = signature([JSON.stringify(wanted), filter, JSON.stringify(orderBy), view]);
  const pageToken = optionalString(body, 'page_token');
  const after = pageToken ? decodeCursor(pageToken, sig) : undefined;
  const { runs, last, hasMore } = await listRuns(deps.clickhouse, { project, experiments: experimentNames, filterSql, sorts, limit: max, after, crashAfterMs: scope.crashAfterMs, paramTexts: true, lifecycle: RUN_VIEW_TYPES[view] });
  const summaries = await getSummaries(deps.clickhouse, project, runs.map((r) => r.id));
  return {
    runs: runs.map((r) => mlflowRun(deps.runIds.withEnd(project, r), summaries.get(r.id) ?? [], r.paramTexts ?? {}, deps.artifactRoot)),
    ...(hasMore && last ? { next_page_token: encodeCursor(last, sig) } : {}),
  };
}

export async function metricHistory(deps: RunDeps, scope: RunScope, query: Record<string, unknown>) {
  // Only whether the run is in the project (usually cached), not its whole record.
  const runId = runIdOf(query);
  await requireRun(deps, scope, runId);
  const run = { id: runId };
  const key = requiredString(query, 'metric_key');
  // Without max_results, the whole series, as MLflow's server answers; with it, pages.
  const asked = optionalInteger(query, 'max_results');
  if (asked !== undefined && (asked < 1 || asked > MAX_HISTORY_RESULTS)) throw invalidParameter(`Invalid value ${asked} for parameter 'max_results' supplied. It must be at most ${MAX_HISTORY_RESULTS}, and at least 1.`);
  const max = asked ?? Number.MAX_SAFE_INTEGER - 1;
  const token = optionalString(query, 'page_token');
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalidParameter('Invalid page token: pass back next_page_token unchanged.');
  const points = await getMetricHistory(deps.clickhouse, scope.project, run.id, key, offset, max + 1);
  const page = points.slice(0, max);
  return {
    metrics: page.map((p) => ({ key, value: p.value, timestamp: p.wallMs, step: p.step })),
    ...(points.length > max ? { next_page_token: Buffer.from(String(offset + max)).toString('base64url') } : {}),
  };
}
