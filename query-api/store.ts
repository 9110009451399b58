// Reads from ClickHouse and shapes rows into the API's domain objects. Routes call these;
// nothing here knows about HTTP.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { MetricCatalogue, ParamCatalogue, ParamType } from './filter/catalogue.ts';
import * as sql from './sql/queries.ts';
import { listRunsSql, runSourceSql, type Keyset, type ListRunsQuery } from './sql/run-list.ts';

export interface MetricSummary {
  key: string;
  segment: string | null;
  count: number;
  mean: number;
  min: number;
  max: number;
  stepOfMin: number;
  stepOfMax: number;
  last: number;
  lastStep: number;
}

export interface RunRecord {
  id: string;
  name: string;
  experiment: string;
  sweepId: string | null;
  user: string;
  /** running, finished, failed, killed, or orphaned (events arrived but no RunStarted). */
  status: string;
  /** For an orphaned run: the earliest time any of its events was seen. */
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  /** The final values its RunFinished reported (empty until then, or when it sent none). */
  summary: Record<string, number>;
  params: Record<string, number | string | boolean>;
  tags: Record<string, string>;
  lineage: {
    gitCommit: string | null;
    gitDirty: boolean;
    dataVersion: string | null;
    environment: { language: string; languageVersion: string; libraries: Record<string, string>; hardware: string | null };
    seed: number | null;
    host: string | null;
    parentRunId: string | null;
  };
}

export interface Artifact {
  name: string;
  kind: string;
  uri: string;
  digest: string;
  sizeBytes: number;
  step: number | null;
  loggedAt: string;
  metadata: Record<string, string>;
}

type Raw = Record<string, unknown>;

async function rows<T = Raw>(ch: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

const zip = <V>(keys: unknown, values: unknown): Record<string, V> => {
  const out: Record<string, V> = {};
  const k = keys as string[];
  const v = values as V[];
  for (let i = 0; i < k.length; i++) out[k[i]!] = v[i]!;
  return out;
};
const orNull = (s: unknown): string | null => (s === '' || s === undefined || s === null ? null : String(s));
const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

export function toRunRecord(r: Raw): RunRecord {
  const keys = r.param_keys as string[];
  const types = r.param_types as string[];
  const strings = r.param_strings as string[];
  const numbers = r.param_numbers as (number | null)[];
  const params: RunRecord['params'] = {};
  keys.forEach((k, i) => {
    const t = types[i];
    params[k] = t === 'number' ? Number(numbers[i]) : t === 'bool' ? strings[i] === 'true' : strings[i]!;
  });
  const finished = Number(r.has_finish) === 1;
  return {
    id: String(r.run_id),
    name: String(r.name),
    experiment: String(r.experiment),
    sweepId: orNull(r.sweep_id),
    user: String(r.user),
    status: String(r.status_value),
    startedAt: iso(r.started_at_ms),
    endedAt: finished ? iso(r.ended_at_ms) : null,
    durationMs: finished && r.duration_ms !== null ? Number(r.duration_ms) : null,
    summary: finished ? zip<number>(r.summary_keys, r.summary_values) : {},
    params,
    tags: zip<string>(r.tag_keys, r.tag_values),
    lineage: {
      gitCommit: orNull(r.git_commit),
      gitDirty: Number(r.git_dirty) === 1,
      dataVersion: orNull(r.data_version),
      environment: {
        language: String(r.env_language),
        languageVersion: String(r.env_language_version),
        libraries: zip<string>(r.env_library_names, r.env_library_versions),
        hardware: orNull(r.env_hardware),
      },
      seed: r.seed === null || r.seed === undefined ? null : Number(r.seed),
      host: orNull(r.host),
      parentRunId: orNull(r.parent_run_id),
    },
  };
}

export async function getRuns(ch: ClickHouseClient, project: string, runIds: string[]): Promise<RunRecord[]> {
  if (runIds.length === 0) return [];
  return (await rows(ch, runSourceSql({ project, runIds }))).map(toRunRecord);
}

export async function getSummaries(ch: ClickHouseClient, project: string, runIds: string[], keys?: string[]): Promise<Map<string, MetricSummary[]>> {
  const out = new Map<string, MetricSummary[]>();
  if (runIds.length === 0) return out;
  for (const r of await rows(ch, sql.summariesForRunsSql(project, runIds, keys))) {
    const id = String(r.run_id);
    const list = out.get(id) ?? [];
    list.push({
      key: String(r.key),
      segment: orNull(r.segment),
      count: Number(r.s_count),
      mean: Number(r.s_mean),
      min: Number(r.s_min),
      max: Number(r.s_max),
      stepOfMin: Number(r.s_step_of_min),
      stepOfMax: Number(r.s_step_of_max),
      last: Number(r.s_last),
      lastStep: Number(r.s_last_step),
    });
    out.set(id, list);
  }
  return out;
}

export async function getArtifacts(ch: ClickHouseClient, project: string, runIds: string[]): Promise<Map<string, Artifact[]>> {
  const out = new Map<string, Artifact[]>();
  if (runIds.length === 0) return out;
  for (const r of await rows(ch, sql.artifactsSql(project, runIds))) {
    const id = String(r.run_id);
    const list = out.get(id) ?? [];
    list.push({
      name: String(r.name),
      kind: String(r.kind),
      uri: String(r.uri),
      digest: String(r.digest),
      sizeBytes: Number(r.size_bytes),
      step: r.step === null ? null : Number(r.step),
      loggedAt: iso(r.logged_at_ms),
      metadata: zip<string>(r.meta_keys, r.meta_values),
    });
    out.set(id, list);
  }
  return out;
}

export interface RunListItem extends RunRecord {
  /** The value of each sort key for this run, in sort order (null when the run has none). */
  sortValues: (number | string | null)[];
}

export async function listRuns(ch: ClickHouseClient, q: ListRunsQuery): Promise<{ runs: RunListItem[]; last: Keyset | null; hasMore: boolean }> {
  const raw = await rows(ch, listRunsSql(q));
  const hasMore = raw.length > q.limit;
  const page = raw.slice(0, q.limit);
  const runs = page.map((r) => ({
    ...toRunRecord(r),
    sortValues: q.sorts.map((sort, i) => {
      if (Number(r[`h${i}`]) !== 1) return null;
      if (sort.kind === 'attribute') return sort.field === 'started_at' ? new Date(Number(r[`n${i}`])).toISOString() : String(r[`s${i}`]);
      return Number(r[`t${i}`]) === 1 ? String(r[`s${i}`]) : Number(r[`n${i}`]);
    }),
  }));
  const end = page[page.length - 1];
  const last: Keyset | null = end
    ? { keys: q.sorts.map((_, i) => [Number(end[`h${i}`]), Number(end[`t${i}`]), Number(end[`n${i}`]), String(end[`s${i}`])]), runId: String(end.run_id) }
    : null;
  return { runs, last, hasMore };
}

const CATALOGUE_TTL_MS = 5_000;
const FRESH_ENOUGH_MS = 1_000;
type CatalogueCache<T> = Map<string, { at: number; value: Promise<T> }>;
const paramCache: CatalogueCache<ParamCatalogue> = new Map();
const metricCache: CatalogueCache<MetricCatalogue> = new Map();

/** A per-project catalogue, cached for a few seconds (every filter checks against one); `fresh` reloads it. */
function cachedCatalogue<T>(cache: CatalogueCache<T>, project: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(project);
  // `fresh` still shares a load under a second old (or in flight): a burst of typos, or of
  // requests on an empty project, costs one scan, not one each.
  const maxAge = fresh ? FRESH_ENOUGH_MS : CATALOGUE_TTL_MS;
  if (hit && Date.now() - hit.at < maxAge) return hit.value;
  const value = load();
  value.catch(() => {
    if (cache.get(project)?.value === value) cache.delete(project);
  });
  cache.delete(project);
  cache.set(project, { at: Date.now(), value });
  if (cache.size > 1000) cache.delete(cache.keys().next().value!);
  return value;
}

/** name → the set of values seen with it, from (name, value) rows. */
function setsByName<V>(pairs: Iterable<[string, V]>): Map<string, Set<V>> {
  const out = new Map<string, Set<V>>();
  for (const [name, value] of pairs) {
    const set = out.get(name) ?? new Set<V>();
    set.add(value);
    out.set(name, set);
  }
  return out;
}

/** Which types each param takes in a project. */
export function paramCatalogue(ch: ClickHouseClient, project: string, fresh = false): Promise<ParamCatalogue> {
  return cachedCatalogue(paramCache, project, fresh, async () =>
    setsByName((await rows<{ k: string; t: ParamType }>(ch, sql.paramCatalogueSql(project))).map((r): [string, ParamType] => [r.k, r.t])),
  );
}

/** Which segments each metric key is logged with in a project ('' for the unsegmented series). */
export function metricCatalogue(ch: ClickHouseClient, project: string, fresh = false): Promise<MetricCatalogue> {
  return cachedCatalogue(metricCache, project, fresh, async () =>
    setsByName((await rows<{ key: string; segment: string }>(ch, sql.metricCatalogueSql(project))).map((r): [string, string] => [r.key, r.segment])),
  );
}

export interface SeriesBucket {
  fromStep: number;
  toStep: number;
  count: number;
  mean: number;
  min: number;
  stepOfMin: number;
  max: number;
  stepOfMax: number;
}

export interface Series {
  totalPoints: number;
  bucketWidth: number;
  points: { step: number; value: number }[];
  buckets: SeriesBucket[];
}

/** The series cut into at most ⌊maxPoints/2⌋ step buckets; each yields its min and max point. */
export async function getSeries(ch: ClickHouseClient, project: string, runId: string, key: string, segment: string, maxPoints: number): Promise<Series | null> {
  const [range] = await rows(ch, sql.seriesRangeSql(project, runId, key, segment));
  const total = Number(range?.count ?? 0);
  if (!range || total === 0) return null;
  const minStep = Number(range.min_step);
  const span = Number(range.max_step) - minStep + 1;
  const bucketCount = Math.max(1, Math.floor(maxPoints / 2));
  const bucketWidth = total <= maxPoints ? 1 : Math.max(1, Math.ceil(span / bucketCount));
  const raw = await rows(ch, sql.seriesBucketsSql(project, runId, key, segment, minStep, bucketWidth));
  const buckets: SeriesBucket[] = raw.map((r) => ({
    fromStep: Number(r.from_step),
    toStep: Number(r.to_step),
    count: Number(r.count),
    mean: Number(r.mean),
    min: Number(r.min),
    stepOfMin: Number(r.step_of_min),
    max: Number(r.max),
    stepOfMax: Number(r.step_of_max),
  }));
  const points: Series['points'] = [];
  for (const b of buckets) {
    if (b.count === 1 || b.stepOfMin === b.stepOfMax) {
      points.push({ step: b.stepOfMin, value: b.min });
    } else if (b.stepOfMin < b.stepOfMax) {
      points.push({ step: b.stepOfMin, value: b.min }, { step: b.stepOfMax, value: b.max });
    } else {
      points.push({ step: b.stepOfMax, value: b.max }, { step: b.stepOfMin, value: b.min });
    }
  }
  return { totalPoints: total, bucketWidth, points, buckets };
}
