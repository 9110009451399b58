// Runs as the API sees them: the run source (runs with the params set after start merged in,
// joined with their finish; orphaned runs included; the status, crashed after a silence), the
// RunRecord each row becomes, and lookups by id. Every literal goes through the
// quoting module. Joined subqueries carry aliases: current ClickHouse requires them
// (joined_subquery_requires_alias), 18.16 accepts them. Reads use FINAL so replayed Kafka
// ranges (collapsed by the tables' source-offset keys) never count twice.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { iso, orNull, rows, zip } from './read.ts';
import { quoteInteger, quoteString, quoteStringList } from './sql-quote.ts';
import type { RunsRow } from './tables.ts';

export interface RunRecord {
  id: string;
  name: string;
  experiment: string;
  sweepId: string | null;
  user: string;
  /**
   * running, finished, failed, killed; crashed (no RunFinished, and no sign of life for the
   * API's crash silence); or orphaned (events arrived but no RunStarted).
   */
  status: string;
  /** For an orphaned run: the earliest time any of its events was seen. */
  startedAt: string;
  /** Deleted (RunLifecycleSet, MLflow's runs/delete): kept, shown when asked for by id, left out of run lists until restored. */
  deleted: boolean;
  endedAt: string | null;
  durationMs: number | null;
  /** The final values its RunFinished reported (empty until then, or when it sent none). */
  summary: Record<string, number>;
  params: Record<string, number | string | boolean>;
  /** Only when asked for (the MLflow surface): each param as text, as it was logged (MLflow's params are strings). */
  paramTexts?: Record<string, string>;
  /** The params set after start (ParamsLogged), each with the step (when given) and time of its latest value. */
  paramsSetAfterStart: Record<string, { step: number | null; at: string }>;
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

/**
 * The columns of a run row, each with what an orphaned run (events logged, no RunStarted)
 * holds in its place: only the id and the earliest time anything of it was seen are known.
 */
const RUN_FIELDS: [column: Exclude<keyof RunsRow, "project" | "src_partition" | "src_offset">, orphan: string][] = [
  ['run_id', 'run_id'],
  ['name', "''"],
  ['experiment', "''"],
  ['sweep_id', "''"],
  ['user', "''"],
  ['started_at_ms', 'first_seen_ms'],
  ['param_keys', 'emptyArrayString()'],
  ['param_types', 'emptyArrayString()'],
  ['param_strings', 'emptyArrayString()'],
  ['param_numbers', 'emptyArrayFloat64()'],
  ['tag_keys', 'emptyArrayString()'],
  ['tag_values', 'emptyArrayString()'],
  ['git_commit', "''"],
  ['git_dirty', 'toUInt8(0)'],
  ['data_version', "''"],
  ['env_language', "''"],
  ['env_language_version', "''"],
  ['env_library_names', 'emptyArrayString()'],
  ['env_library_versions', 'emptyArrayString()'],
  ['env_hardware', "''"],
  ['seed', 'CAST(NULL AS Nullable(Int64))'],
  ['host', "''"],
  ['parent_run_id', "''"],
];

const PARAM_COLUMNS = new Set(['param_keys', 'param_types', 'param_strings', 'param_numbers']);
const TAG_COLUMNS = new Set(['tag_keys', 'tag_values']);

/** Params and tags as RunStarted set them, before the merge with those set after start: base_param_keys and so on. */
const base = (column: string) => (PARAM_COLUMNS.has(column) || TAG_COLUMNS.has(column) ? `base_${column}` : column);

const STARTED_COLUMNS = RUN_FIELDS.map(([c]) => (base(c) === c ? c : `${c} AS ${base(c)}`)).join(', ');

/** STARTED_COLUMNS in the same order, as an orphaned run fills them (from run_id and first_seen_ms). */
const ORPHAN_RUN_COLUMNS = RUN_FIELDS.map(([c, orphan]) => (orphan === c ? c : `${orphan} AS ${base(c)}`)).join(', ');

/**
 * A run column with params merged (tags still base_): a key set after start (ParamsLogged)
 * replaces the started value. Key order: the untouched keys of RunStarted, then the updated ones.
 */
function paramsMergedColumn(c: string): string {
  if (!PARAM_COLUMNS.has(c)) return base(c);
  const kept = c === 'param_keys' ? 'arrayFilter(k -> NOT has(set_param_keys, k), base_param_keys)' : `arrayFilter((v, k) -> NOT has(set_param_keys, k), ${base(c)}, base_param_keys)`;
  return `arrayConcat(${kept}, set_${c}) AS ${c}`;
}

/**
 * A run column with tags merged too: a tag set or removed after start (TagsSet) decides, per
 * key, by its latest event. Key order: the untouched tags of RunStarted, then the set ones.
 */
function mergedColumn(c: string): string {
  if (!TAG_COLUMNS.has(c)) return c;
  const kept = c === 'tag_keys' ? 'arrayFilter(k -> NOT has(touched_tag_keys, k), base_tag_keys)' : 'arrayFilter((v, k) -> NOT has(touched_tag_keys, k), base_tag_values, base_tag_keys)';
  const set = c === 'tag_keys' ? 'arrayFilter((k, gone) -> gone = 0, touched_tag_keys, touched_tag_removed)' : 'arrayFilter((v, gone) -> gone = 0, touched_tag_values, touched_tag_removed)';
  return `arrayConcat(${kept}, ${set}) AS ${c}`;
}

/**
 * The run source's optional parts, and the columns that read each: a query that names its reads
 * (RunSourceQuery.reads) gets only the parts they mention. A quoted literal that happens to
 * spell a column only adds a part back; a part left out takes its columns with it, so a read
 * this misses fails loudly instead of seeing unmerged values.
 */
const PART_COLUMNS = {
  params: /\b(param_keys|param_types|param_strings|param_numbers|set_param_\w+)\b/,
  tags: /\b(tag_keys|tag_values)\b/,
  finish: /\b(status_value|has_finish|finish_\w+|ended_at_ms|duration_ms|summary_keys|summary_values)\b/,
} as const;

/** The columns after the run fields that every level of the run source carries up (set_param_* with the params part). */
const CARRIED = 'start_partition, start_offset, orphaned';
const CARRIED_SET_PARAMS = 'set_param_keys, set_param_steps, set_param_times';

/** Per run, each tag key set or removed after start with its latest state (the latest set_at_ms, then the later origin). */
function tagUpdatesSql(projectSql: string, idsSql: string): string {
  const latest = (column: string) => `argMax(${column}, (set_at_ms, src_partition, src_offset))`;
  return `
      SELECT run_id, groupArray(k) AS touched_tag_keys, groupArray(v) AS touched_tag_values, groupArray(gone) AS touched_tag_removed FROM
      (
        SELECT run_id, uk AS k, ${latest('uv')} AS v, ${latest('ug')} AS gone
        FROM run_tag_updates FINAL
        ARRAY JOIN arrayConcat(tag_keys, removed_keys) AS uk, arrayConcat(tag_values, arrayMap(x -> '', removed_keys)) AS uv,
          arrayConcat(arrayMap(x -> toUInt8(0), tag_keys), arrayMap(x -> toUInt8(1), removed_keys)) AS ug
        WHERE project = ${projectSql}${idsSql}
        GROUP BY run_id, uk
      )
      GROUP BY run_id`;
}

/**
 * A run's latest value per param key set after start (the latest logged_at_ms, then the later
 * origin), with the step (-1: none given) and time it was set.
 */
function paramUpdatesSql(projectSql: string, idsSql: string): string {
  const latest = (column: string) => `argMax(${column}, (logged_at_ms, src_partition, src_offset))`;
  return `
    SELECT run_id, groupArray(k) AS set_param_keys, groupArray(t) AS set_param_types, groupArray(s) AS set_param_strings, groupArray(n) AS set_param_numbers,
      groupArray(st) AS set_param_steps, groupArray(at) AS set_param_times FROM
    (
      SELECT run_id, uk AS k, ${latest('ut')} AS t, ${latest('us')} AS s, ${latest('un')} AS n,
        ${latest('ifNull(toInt64(step), -1)')} AS st, max(logged_at_ms) AS at
      FROM run_param_updates FINAL ARRAY JOIN param_keys AS uk, param_types AS ut, param_strings AS us, param_numbers AS un
      WHERE project = ${projectSql}${idsSql}
      GROUP BY run_id, uk
    )
    GROUP BY run_id`;
}

/** Where a request reads runs: the token's project, and when a silent run counts as crashed (the API's crashAfterMs). */
export interface RunScope {
  project: string;
  crashAfterMs: number;
}

/** How long a run without RunFinished may stay silent before it is shown as crashed (RUNLENS_CRASH_AFTER_S's default). */
export const DEFAULT_CRASH_AFTER_MS = 300_000;

/** What a RunFinished adds to a run row; finish_seen is 0 (the join's default) without one. */
const FINISH_COLUMNS =
  'status AS finish_status, ended_at_ms, duration_ms, summary_keys, summary_values, toUInt8(1) AS finish_seen, src_partition AS finish_partition, src_offset AS finish_offset';

/**
 * A RunFinished counts unless the run's latest RunStarted came after it on Kafka (both are keyed
 * by run id, so they share a partition): a job restarted under the same run id (torchrun's
 * elastic restarts keep TORCHELASTIC_RUN_ID) is running again, whatever its earlier attempt
 * reported. Kafka order, not the events' times, which scripts and importers set freely.
 */
const HAS_FINISH = 'finish_seen = 1 AND (orphaned = 1 OR finish_partition != start_partition OR finish_offset > start_offset)';

export interface RunSourceQuery {
  project: string;
  experiment?: string;
  /** Runs of any of these experiments (MLflow's experiment_ids), chosen in the runs table itself. */
  experiments?: string[];
  sweepId?: string;
  /** Only these runs, read by primary key (the ids are spelled out RUN_SOURCE_ID_COPIES times). */
  runIds?: string[];
  /** Include orphaned runs (default true; a query restricted to an experiment or sweep never has any). */
  orphans?: boolean;
  /** A compiled filter expression (storage/run-filter/sql.ts) over the run source. */
  filterSql?: string;
  /** Which runs by lifecycle stage (default 'active': deleted runs are left out); the `deleted` column says which a row is. */
  lifecycle?: RunLifecycle;
  /**
   * The SQL the caller will evaluate over the source, besides run_id, `deleted` and filterSql:
   * given, the source leaves out the params, tags and finish parts (joins) it does not mention
   * (PART_COLUMNS) — the run list's page keys over 100,000 runs. Absent, every part is there.
   */
  reads?: string;
  /** A run with no RunFinished and no sign of life (run_liveness, its start) for this long is crashed. */
  crashAfterMs: number;
}

/** How many times runSourceSql spells out a runIds list without orphans (for refuseLongIdList). */
export const RUN_SOURCE_ID_COPIES = 4;

/** How many times it spells them out with orphans (their lookup holds the list twice more). */
export const RUN_SOURCE_ID_COPIES_WITH_ORPHANS = 6;

/** Runs by lifecycle stage, as MLflow's run_view_type: ACTIVE_ONLY, DELETED_ONLY, ALL. */
export type RunLifecycle = 'active' | 'deleted' | 'all';

/**
 * The run ids of the project whose latest RunLifecycleSet on Kafka deleted them (migration 0022).
 * Few runs are ever deleted, so the set needs no id list (which would lower how many ids fit a query).
 */
function deletedRunsSql(projectSql: string): string {
  return `SELECT run_id FROM run_lifecycle WHERE project = ${projectSql} GROUP BY run_id HAVING argMax(lifecycle_stage, (src_partition, src_offset)) = 'deleted'`;
}

/**
 * Runs of a project, one row each: the RUN_FIELDS columns (params merged with those set after
 * start), the RunFinished columns (FINISH_COLUMNS), `orphaned` and `status_value` ('running'
 * until a RunFinished, 'crashed' after crashAfterMs without a sign of life, 'orphaned' for a run
 * whose RunStarted never arrived), filtered. Orphaned runs — metric points, artifacts or a
 * RunFinished under a run id with no RunStarted — are shown rather than hidden, with what is
 * known (their id, the earliest time seen as started_at_ms, their finish); they belong to no
 * experiment or sweep, so a query restricted to one skips looking for them.
 */
export function runSourceSql(q: RunSourceQuery): string {
  const p = quoteString(q.project);
  const ids = q.runIds ? ` AND run_id IN (${quoteStringList(q.runIds)})` : '';
  const where = [`project = ${p}`];
  if (q.experiment !== undefined) where.push(`experiment = ${quoteString(q.experiment)}`);
  if (q.experiments !== undefined) where.push(q.experiments.length > 0 ? `experiment IN (${quoteStringList(q.experiments)})` : '0');
  if (q.sweepId !== undefined) where.push(`sweep_id = ${quoteString(q.sweepId)}`);
  const started = `SELECT ${STARTED_COLUMNS}, src_partition AS start_partition, src_offset AS start_offset, toUInt8(0) AS orphaned FROM runs FINAL WHERE ${where.join(' AND ')}${ids}`;
  // Orphans: runs sighted (run_sightings: one row per run after merges) but never started. No
  // FINAL: a replayed or repeated sighting only repeats a time, which min() takes once. The
  // NOT IN after GROUP BY: in WHERE, 18.16 took twice as long over 100,000 runs.
  const orphans = `
    SELECT ${ORPHAN_RUN_COLUMNS}, toUInt32(0) AS start_partition, toUInt64(0) AS start_offset, toUInt8(1) AS orphaned FROM
    (
      SELECT run_id, min(first_seen_ms) AS first_seen_ms FROM run_sightings
      WHERE project = ${p}${ids}
      GROUP BY run_id HAVING run_id NOT IN (SELECT run_id FROM runs WHERE project = ${p}${ids})
    )`;
  const withOrphans = q.orphans !== false && q.experiment === undefined && q.experiments === undefined && q.sweepId === undefined;
  const all = withOrphans ? `${started}\n    UNION ALL${orphans}` : started;
  // Alive: started within the silence, or a sign of life within it. The set holds recent runs
  // only, so it needs no id list (which would lower how many ids fit a query).
  const cutoff = `(toInt64(toUnixTimestamp(now())) * 1000 - ${quoteInteger(q.crashAfterMs)})`;
  const alive = `toInt64(started_at_ms) >= ${cutoff} OR run_id IN (SELECT run_id FROM run_liveness WHERE project = ${p} AND toInt64(last_seen_ms) >= ${cutoff})`;
  const reads = q.reads === undefined ? undefined : `${q.reads}\n${q.filterSql ?? ''}`;
  const has = (part: keyof typeof PART_COLUMNS) => reads === undefined || PART_COLUMNS[part].test(reads);
  const withParams = has('params');
  const withTags = has('tags');
  const fields = RUN_FIELDS.map(([c]) => c).filter((c) => (withParams || !PARAM_COLUMNS.has(c)) && (withTags || !TAG_COLUMNS.has(c)));
  const carried = withParams ? `${CARRIED_SET_PARAMS}, ${CARRIED}` : CARRIED;
  // Each part is a join its layer adds only when the part is there; a column outside the
  // parts is passed through unchanged by paramsMergedColumn and mergedColumn.
  const paramsMerged = `
    SELECT ${[...fields.map(paramsMergedColumn), carried].join(', ')} FROM
      (
        ${all}
      ) AS started${withParams ? `
      ANY LEFT JOIN
      (${paramUpdatesSql(p, ids)}
      ) AS param_updates USING run_id` : ''}`;
  const merged = `
    SELECT ${[...fields.map(mergedColumn), carried].join(', ')} FROM
    (${paramsMerged}
    ) AS params_merged${withTags ? `
    ANY LEFT JOIN
    (${tagUpdatesSql(p, ids)}
    ) AS tag_updates USING run_id` : ''}`;
  const withFinish = has('finish');
  const status = `toUInt8(${HAS_FINISH}) AS has_finish, if(orphaned = 1, 'orphaned', if(${HAS_FINISH}, finish_status, if(${alive}, 'running', 'crashed'))) AS status_value,
    `;
  const source = `
  SELECT *, ${withFinish ? status : ''}toUInt8(run_id IN (${deletedRunsSql(p)})) AS deleted FROM
  (${merged}
  ) AS merged${withFinish ? `
  ANY LEFT JOIN
  (
    SELECT run_id, ${FINISH_COLUMNS} FROM run_finishes FINAL WHERE project = ${p}${ids}
  ) AS finished USING run_id` : ''}`;
  const lifecycle = q.lifecycle ?? 'active';
  const conditions = [...(lifecycle === 'all' ? [] : [`deleted = ${lifecycle === 'deleted' ? 1 : 0}`]), ...(q.filterSql ? [q.filterSql] : [])];
  return conditions.length > 0 ? `SELECT * FROM (${source}) WHERE ${conditions.join(' AND ')}` : source;
}

export function toRunRecord(r: Record<string, unknown>, withParamTexts = false): RunRecord {
  const keys = r.param_keys as string[];
  const types = r.param_types as string[];
  const strings = r.param_strings as string[];
  const numbers = r.param_numbers as (number | null)[];
  const params = Object.create(null) as RunRecord['params']; // a param may be called "__proto__"
  keys.forEach((k, i) => {
    const t = types[i];
    // A bool's number is 1 or 0; its text may be MLflow's "True" (ParamsLogged.texts).
    params[k] = t === 'number' ? Number(numbers[i]) : t === 'bool' ? Number(numbers[i]) === 1 : strings[i]!;
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
    deleted: Number(r.deleted) === 1,
    endedAt: finished ? iso(r.ended_at_ms) : null,
    durationMs: finished && r.duration_ms !== null ? Number(r.duration_ms) : null,
    summary: finished ? zip<number>(r.summary_keys, r.summary_values) : {},
    params,
    ...(withParamTexts ? { paramTexts: zip<string>(r.param_keys, r.param_strings) } : {}),
    paramsSetAfterStart: paramsSetAfterStart(r.set_param_keys, r.set_param_steps, r.set_param_times),
    tags: zip<string>(r.tag_keys, r.tag_values),
    lineage: lineageOf(r),
  };
}

/** The run source's lineage columns, as lineageOf reads them (all outside the optional parts). */
export const LINEAGE_READS = 'git_commit, git_dirty, data_version, env_language, env_language_version, env_library_names, env_library_versions, env_hardware, seed, host, parent_run_id';

/** A run's lineage from a row holding LINEAGE_READS (empty text is null). */
export function lineageOf(r: Record<string, unknown>): RunRecord['lineage'] {
  return {
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
  };
}

function paramsSetAfterStart(keys: unknown, steps: unknown, times: unknown): RunRecord['paramsSetAfterStart'] {
  const out = Object.create(null) as RunRecord['paramsSetAfterStart'];
  (keys as string[]).forEach((k, i) => {
    const step = Number((steps as (number | string)[])[i]);
    out[k] = { step: step < 0 ? null : step, at: iso((times as (number | string)[])[i]) };
  });
  return out;
}

/**
 * The runs of these ids that exist in the project, deleted ones too. Started runs first, by primary key with the
 * ids spelled out RUN_SOURCE_ID_COPIES times; the orphan lookup only for ids not found (usually none).
 */
export async function getRuns(ch: ClickHouseClient, scope: RunScope, runIds: string[], opts: { paramTexts?: boolean } = {}): Promise<RunRecord[]> {
  const { project, crashAfterMs } = scope;
  if (runIds.length === 0) return [];
  const record = (r: Record<string, unknown>) => toRunRecord(r, opts.paramTexts);
  const found = (await rows(ch, runSourceSql({ project, runIds, orphans: false, crashAfterMs, lifecycle: 'all' }))).map(record);
  const have = new Set(found.map((r) => r.id));
  const missing = runIds.filter((id) => !have.has(id));
  if (missing.length === 0) return found;
  return [...found, ...(await rows(ch, runSourceSql({ project, runIds: missing, crashAfterMs, lifecycle: 'all' }))).map(record)];
}
