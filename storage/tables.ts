// One typed definition per ClickHouse table: the columns as the processor writes them (JSONEachRow,
// or RowBinary for the tables that carry points) and as the readers in storage/ select them. The CREATE TABLE statements are in migrations/;
// a table's columns change only by a new migration, and then here. Every event table's sort key
// ends in the source of its row (Source: the Kafka position, or the event's identity), so a
// replayed range or a re-sent event collapses.

import type { BinaryColumns } from './row-binary.ts';

/**
 * Where a row came from, the last two columns of every event table's sort key: the Kafka
 * partition and offset of its message, or for an event that carries an identity (producerId,
 * sequence) a pair derived from that identity (processors/rows.ts `originOf`), the same on
 * every re-send.
 */
export interface Source {
  partition: number;
  offset: number;
}

/** runs (0001): one row per RunStarted. Params are three parallel arrays, readable by name. */
export interface RunsRow {
  project: string;
  run_id: string;
  experiment: string;
  sweep_id: string;
  name: string;
  user: string;
  started_at_ms: number;
  param_keys: string[];
  /** 'number', 'bool' or 'string' per param. */
  param_types: string[];
  param_strings: string[];
  /** The number (1/0 for bools); nan for strings, written as the string 'nan' (JSON has no NaN). */
  param_numbers: (number | 'nan')[];
  tag_keys: string[];
  tag_values: string[];
  git_commit: string;
  git_dirty: 0 | 1;
  data_version: string;
  env_language: string;
  env_language_version: string;
  env_library_names: string[];
  env_library_versions: string[];
  env_hardware: string;
  seed: number | null;
  host: string;
  parent_run_id: string;
  src_partition: number;
  src_offset: number;
}

/** run_finishes (0002): one row per RunFinished. */
export interface RunFinishesRow {
  project: string;
  run_id: string;
  status: string;
  ended_at_ms: number;
  duration_ms: number | null;
  summary_keys: string[];
  summary_values: number[];
  src_partition: number;
  src_offset: number;
}

/** artifacts (0003): every ArtifactLogged (a name logged at several steps keeps each). */
export interface ArtifactsRow {
  project: string;
  run_id: string;
  name: string;
  kind: string;
  uri: string;
  digest: string;
  size_bytes: number;
  step: number | null;
  logged_at_ms: number;
  meta_keys: string[];
  meta_values: string[];
  src_partition: number;
  src_offset: number;
}

/** metric_chunk_stats (0005, written directly since 0011): a chunk's summary, the source of every metric summary. */
export interface MetricChunkStatsRow {
  project: string;
  key: string;
  segment: string;
  run_id: string;
  worker_rank: number;
  src_partition: number;
  src_offset: number;
  point_count: number;
  value_sum: number;
  value_min: number;
  value_max: number;
  step_of_min: number;
  step_of_max: number;
  last_step: number;
  last_value: number;
  last_wall_time_ms: number;
}

/** Steps per level-of-detail bucket of metric_chunks' lod_* columns (migration 0004). */
export const LOD_STEPS = 64;

/** metric_chunks' sort key (migrations 0004, 0036): a chunk's identity, the same on every copy a replayed Kafka range writes. */
export const METRIC_CHUNK_KEY = 'project, run_id, key, segment, worker_rank, src_partition, src_offset';

/**
 * These columns of the metric_chunks rows matching `where`, each chunk once — as FINAL reads
 * them (a replay's copy is identical, so any one will do), without FINAL's merge: on 18.16 it
 * runs in one thread and copies every point array it reads (100 runs' 10,000-point series of a
 * 51M-point table: 100 ms with FINAL, 20 ms with LIMIT 1 BY, measured here).
 */
export function eachChunkOnceSql(columns: string, where: string): string {
  return `SELECT ${columns} FROM metric_chunks WHERE ${where} LIMIT 1 BY ${METRIC_CHUNK_KEY}`;
}

/** metric_chunks (0004): one row per (message, key, segment, rank) with its points and LOD_STEPS buckets. */
export interface MetricChunksRow extends MetricChunkStatsRow {
  first_step: number;
  point_steps: number[];
  point_values: number[];
  point_wall_times_ms: number[];
  lod_bucket: number[];
  lod_count: number[];
  lod_sum: number[];
  lod_min: number[];
  lod_max: number[];
}

/** metric_chunk_stats' columns as the processor writes them in RowBinary, typed as migration 0005 creates them. */
export const METRIC_CHUNK_STATS_COLUMNS = [
  ['project', 'String'], ['key', 'String'], ['segment', 'String'], ['run_id', 'String'], ['worker_rank', 'Int32'],
  ['src_partition', 'UInt32'], ['src_offset', 'UInt64'], ['point_count', 'UInt32'], ['value_sum', 'Float64'], ['value_min', 'Float64'],
  ['value_max', 'Float64'], ['step_of_min', 'UInt64'], ['step_of_max', 'UInt64'], ['last_step', 'UInt64'], ['last_value', 'Float64'],
  ['last_wall_time_ms', 'UInt64'],
] as const satisfies BinaryColumns<MetricChunkStatsRow>;

/** metric_chunks' columns as the processor writes them in RowBinary, typed as migration 0004 creates them (0036 rebuilds the table with its columns; ingested_at takes its default). */
export const METRIC_CHUNKS_COLUMNS = [
  ...METRIC_CHUNK_STATS_COLUMNS, ['first_step', 'UInt64'], ['point_steps', 'Array(UInt64)'], ['point_values', 'Array(Float64)'],
  ['point_wall_times_ms', 'Array(UInt64)'], ['lod_bucket', 'Array(UInt64)'], ['lod_count', 'Array(UInt32)'], ['lod_sum', 'Array(Float64)'],
  ['lod_min', 'Array(Float64)'], ['lod_max', 'Array(Float64)'],
] as const satisfies BinaryColumns<MetricChunksRow>;

/** run_sightings (0013): a run seen in a batch through an event other than RunStarted, and when. */
export interface RunSightingsRow {
  project: string;
  run_id: string;
  first_seen_ms: number;
}

/** run_param_updates (0017): one row per ParamsLogged, the params as RunsRow holds them. */
export interface RunParamUpdatesRow {
  project: string;
  run_id: string;
  logged_at_ms: number;
  step: number | null;
  param_keys: string[];
  param_types: string[];
  param_strings: string[];
  param_numbers: (number | 'nan')[];
  src_partition: number;
  src_offset: number;
}

/** run_tag_updates (0020): one row per TagsSet. */
export interface RunTagUpdatesRow {
  project: string;
  run_id: string;
  set_at_ms: number;
  tag_keys: string[];
  tag_values: string[];
  removed_keys: string[];
  src_partition: number;
  src_offset: number;
}

/** experiments (0021): one row per ExperimentDeclared. */
export interface ExperimentsRow {
  project: string;
  experiment_id: string;
  name: string;
  lifecycle_stage: string;
  artifact_location: string;
  tag_keys: string[];
  tag_values: string[];
  declared_at_ms: number;
  src_partition: number;
  src_offset: number;
}

/** run_lifecycle (0022): one row per RunLifecycleSet. */
export interface RunLifecycleRow {
  project: string;
  run_id: string;
  lifecycle_stage: string;
  set_at_ms: number;
  src_partition: number;
  src_offset: number;
}

/** registry_events (0023): one row per RegistryChanged, the change itself as JSON. */
export interface RegistryEventsRow {
  project: string;
  event_id: string;
  action: string;
  model: string;
  actor: string;
  at_ms: number;
  change: string;
  src_partition: number;
  src_offset: number;
}

/** evidence (0024): one row per EvidenceSaved. */
export interface EvidenceRow {
  project: string;
  evidence_id: string;
  kind: string;
  request: string;
  answer: string;
  summary: string;
  run_ids: string[];
  content_hash: string;
  note: string;
  actor: string;
  at_ms: number;
  src_partition: number;
  src_offset: number;
}

/** artifact_tables (0025): one row per TableLogged; step -1 when none was given. */
export interface ArtifactTablesRow {
  project: string;
  run_id: string;
  name: string;
  kind: string;
  step: number;
  logged_at_ms: number;
  labels: string[];
  columns: string[];
  values: number[];
  cells: string[];
  src_partition: number;
  src_offset: number;
}

/** samples (0026): one row per sample of a SamplesLogged. */
export interface SamplesRow {
  project: string;
  run_id: string;
  name: string;
  step: number;
  input_id: string;
  text: string;
  has_text: number;
  uri: string;
  digest: string;
  score_keys: string[];
  score_values: number[];
  logged_at_ms: number;
  src_partition: number;
  src_offset: number;
}

/** log_chunks (0027): one row per LogLines event, its lines as parallel arrays; worker_rank -1 when none. */
export interface LogChunksRow {
  project: string;
  run_id: string;
  worker_rank: number;
  stream: string;
  first_seq: number;
  seqs: number[];
  ats_ms: number[];
  levels: string[];
  texts: string[];
  first_at_ms: number;
  last_at_ms: number;
  src_partition: number;
  src_offset: number;
}

/** run_liveness (0018): a run's latest event time in a batch (points, artifact, params, heartbeat). */
export interface RunLivenessRow {
  project: string;
  run_id: string;
  last_seen_ms: number;
}

/** Width of the time buckets of online_outcome_sums (0056): the finest step of an online experiment's timeline. */
export const ONLINE_BUCKET_MS = 10_000;

/** online_outcome_sums (0056): one message's records of one (metric, variant, bucket), summed; metric '' for exposures. */
export interface OnlineOutcomeSumsRow {
  project: string;
  experiment_id: string;
  metric: string;
  variant: string;
  bucket_ms: number;
  src_partition: number;
  src_offset: number;
  n: number;
  value_sum: number;
  value_sum_sq: number;
  covariate_n: number;
  covariate_sum: number;
  covariate_sum_sq: number;
  cross_sum: number;
  value_min: number;
  value_max: number;
  /** Log-scale histogram (storage/online-histogram.ts's bins): bin keys and their counts. */
  hist_bins: number[];
  hist_counts: number[];
}

/** online_outcome_sums' columns as the processor writes them in RowBinary (exact doubles), typed as migration 0056 creates them. */
export const ONLINE_OUTCOME_SUMS_COLUMNS = [
  ['project', 'String'], ['experiment_id', 'String'], ['metric', 'String'], ['variant', 'String'], ['bucket_ms', 'UInt64'], ['src_partition', 'UInt32'], ['src_offset', 'UInt64'],
  ['n', 'UInt64'], ['value_sum', 'Float64'], ['value_sum_sq', 'Float64'], ['covariate_n', 'UInt64'], ['covariate_sum', 'Float64'], ['covariate_sum_sq', 'Float64'], ['cross_sum', 'Float64'],
  ['value_min', 'Float64'], ['value_max', 'Float64'], ['hist_bins', 'Array(Int64)'], ['hist_counts', 'Array(UInt64)'],
] as const satisfies BinaryColumns<OnlineOutcomeSumsRow>;

/**
 * online_unit_sums (0058): one message's records of one (metric, variant, unit, bucket), summed:
 * exposures (metric '', n the times logged, value_sum 0) and the records of metrics kept per unit.
 */
export interface OnlineUnitSumsRow {
  project: string;
  experiment_id: string;
  metric: string;
  variant: string;
  unit_id: string;
  bucket_ms: number;
  src_partition: number;
  src_offset: number;
  n: number;
  value_sum: number;
}

/** online_unit_sums' columns in RowBinary, typed as migration 0058 creates them. */
export const ONLINE_UNIT_SUMS_COLUMNS = [
  ['project', 'String'], ['experiment_id', 'String'], ['metric', 'String'], ['variant', 'String'], ['unit_id', 'String'], ['bucket_ms', 'UInt64'],
  ['src_partition', 'UInt32'], ['src_offset', 'UInt64'], ['n', 'UInt64'], ['value_sum', 'Float64'],
] as const satisfies BinaryColumns<OnlineUnitSumsRow>;

/** online_experiments (0057): one row per OnlineExperimentDeclared, the event as JSON in definition. */
export interface OnlineExperimentsRow {
  project: string;
  experiment_id: string;
  model: string;
  status: string;
  declared_at_ms: number;
  definition: string;
  src_partition: number;
  src_offset: number;
}

/** processed_batches (0012): the last offset of a partition whose whole batch is stored. */
export interface ProcessedBatchesRow {
  topic: string;
  src_partition: number;
  first_offset: number;
  last_offset: number;
}

/** The rows one Kafka batch writes, per data table. */
export interface TableRows {
  runs: RunsRow[];
  run_finishes: RunFinishesRow[];
  artifacts: ArtifactsRow[];
  metric_chunks: MetricChunksRow[];
  /** One small row per chunk, written by the processor itself: see migration 0011 for why not a view. */
  metric_chunk_stats: MetricChunkStatsRow[];
  /** One row per run the batch has points, an artifact or a finish of (for finding orphaned runs). */
  run_sightings: RunSightingsRow[];
  /** Params set after start (ParamsLogged). */
  run_param_updates: RunParamUpdatesRow[];
  /** One row per run the batch has a sign of life of, with the latest time (for crashed runs). */
  run_liveness: RunLivenessRow[];
  /** Tags set or removed after start (TagsSet). */
  run_tag_updates: RunTagUpdatesRow[];
  /** Experiment declarations (ExperimentDeclared). */
  experiments: ExperimentsRow[];
  /** Runs deleted or restored (RunLifecycleSet). */
  run_lifecycle: RunLifecycleRow[];
  /** The model registry's changes (RegistryChanged). */
  registry_events: RegistryEventsRow[];
  /** Saved answers (EvidenceSaved). */
  evidence: EvidenceRow[];
  /** Tables logged to compare (TableLogged). */
  artifact_tables: ArtifactTablesRow[];
  /** Generated samples (SamplesLogged). */
  samples: SamplesRow[];
  /** Console lines (LogLines), a row per event. */
  log_chunks: LogChunksRow[];
  /** Online experiments' outcomes, summed per message, metric, variant and bucket (OutcomeBatch). */
  online_outcome_sums: OnlineOutcomeSumsRow[];
  /** Exposures and ratio metrics' records summed per unit too (OutcomeBatch: exposures, metricsPerUnit). */
  online_unit_sums: OnlineUnitSumsRow[];
  /** Online experiments' declarations (OnlineExperimentDeclared). */
  online_experiments: OnlineExperimentsRow[];
}

/** The tables written in RowBinary (the rest in JSONEachRow): those that carry points, the bulk of every insert. */
export const BINARY_TABLES: { [T in keyof TableRows]?: BinaryColumns<TableRows[T][number]> } = {
  metric_chunks: METRIC_CHUNKS_COLUMNS,
  metric_chunk_stats: METRIC_CHUNK_STATS_COLUMNS,
  online_outcome_sums: ONLINE_OUTCOME_SUMS_COLUMNS,
  online_unit_sums: ONLINE_UNIT_SUMS_COLUMNS,
};

export function emptyTableRows(): TableRows {
  return { runs: [], run_finishes: [], artifacts: [], metric_chunks: [], metric_chunk_stats: [], run_sightings: [], run_param_updates: [], run_liveness: [], run_tag_updates: [], experiments: [], run_lifecycle: [], registry_events: [], evidence: [], artifact_tables: [], samples: [], log_chunks: [], online_outcome_sums: [], online_unit_sums: [], online_experiments: [] };
}
