// Writes the product's SQL as a JSON list of statements for test/compat/check_chdb.py, which
// runs them in order on current ClickHouse (chdb, in process). Every statement comes from
// product code, so the check follows the code as it changes:
//   - migrate.ts, driven through a recording client: its bootstrap SQL and every migration
//     rendered for the database (default `runlens`);
//   - the INSERTs of storage/write.ts (RowBinary for the tables that carry points, JSONEachRow
//     for the rest) of rows built by processors/rows.ts from realistic events;
//   - every template of storage/ (summaries, artifacts, series, project names, the run
//     source and the run list), and compiled filters (query-api/filter/) covering each field
//     kind, over runs FINAL and over the run source as the API wraps them;
//   - the curve queries (storage/curves.ts), as loadCurves sends them given a range answer;
//   - a few sanity counts, and the runs each query must return on this data.
// Queries carry `database` (the client's current database): the templates use unqualified
// table names, as the API's client is bound to its database.
//
//   npx tsx test/compat/generate-sql.ts --out <file.json> [--database runlens]
import { mkdirSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { loadMigrations, migrate, renderMigration } from '../../storage/migrate.ts';
import { artifactRow, chunkRows, earliest, evidenceRow, experimentRow, finishRow, latest, lifecycleRow, Liveness, originOf, paramUpdateRow, registryRow, runRow, Sightings, tagUpdateRow } from '../../processors/rows.ts';
import { BINARY_TABLES, emptyTableRows, type TableRows } from '../../storage/tables.ts';
import { columnList, encodeRowBinary, type BinaryColumns } from '../../storage/row-binary.ts';
/** A row of any table, as inserted. */
type Row = object;
import { compileFilter } from '../../query-api/filter/compile.ts';
import { type ParamNames, type ParamType } from '../../storage/project-names.ts';
import { parseFilter } from '../../query-api/filter/parser.ts';
import { artifactsSql } from '../../storage/artifacts.ts';
import { metricNamesSql, paramNamesSql, runFieldNamesSql } from '../../storage/project-names.ts';
import { PARAMS_READS, paramsQuery, runFieldsQuery, runIdsQuery } from '../../storage/sweep-columns.ts';
import { metricHistorySql, seriesBucketsSql, seriesRangeSql } from '../../storage/series.ts';
import { selectedRunsSql } from '../../storage/selection.ts';
import { declaredExperimentsSql, runExperimentsSql } from '../../storage/experiments.ts';
import { summariesForRunsSql, type SummaryAggregate } from '../../storage/summaries.ts';
import { loadCurves, type XAxis } from '../../storage/curves.ts';
import { listRunsSql, type Keyset, type ListRunsQuery, type SortSpec } from '../../storage/run-list.ts';
import { LINEAGE_READS, runSourceSql } from '../../storage/runs.ts';
import type { ArtifactLogged, EvidenceSaved, ExperimentDeclared, MetricBatch, ParamsLogged, RegistryChanged, RunFinished, RunLifecycleSet, RunStarted, TagsSet } from '../../schemas/events.ts';
import { registryChangesSql, registryEventSeenSql } from '../../storage/registry.ts';
import { evidenceSql } from '../../storage/evidence.ts';
import { onlineExperimentRow, outcomeRows, unitRows } from '../../processors/online-rows.ts';
import { exposedUnitsSql, onlineExperimentsSql, outcomeHistogramsSql, outcomeSpanSql, outcomeSumsSql, unitLooksSql } from '../../storage/online.ts';
import { artifactNamesSql, linesSql, samplesSql, tablesSql } from '../../storage/run-artifacts.ts';
import { exportChunksSql, exportRunIdsSql } from '../../storage/point-export.ts';
import { projectRowsSql, sqlBiUser, sqlBiUsersOfProjectSql, sqlIsBiUserSql } from '../../storage/bi-users.ts';
import { sqlWideParamsForUserSql, sweepParamsSql, wideParamsViewSql, wideViewsOfProjectSql } from '../../storage/bi-wide-params.ts';

/** What the checker verifies beyond "ran without error". Values compare as numbers when both parse as numbers. */
export interface Expectation {
  rows?: number;
  /** The whole column, in order. */
  column?: { name: string; values: Array<string | number> };
  /** The column as a set (order ignored); an array value compares as Python prints it. */
  columnSet?: { name: string; values: Array<string | number | number[]> };
}

export interface Statement {
  id: string;
  kind: 'setup' | 'migration' | 'insert' | 'query';
  /** Current database to select (USE) before running; null means any (the SQL is qualified). */
  database: string | null;
  sql: string;
  /** The data sent after an INSERT's SQL in a binary format, base64: check_chdb.py reads it FROM INFILE. */
  body?: string;
  expect?: Expectation;
}

export interface StatementFile {
  generatedAt: string;
  database: string;
  statements: Statement[];
}

// ---------------------------------------------------------------------------------------------
// Realistic events (shaped like those of test/integration/pipeline.test.ts).

const PROJECT = 'vision';
const T0 = Date.parse('2026-01-01T00:00:00Z'); // 1767225600000
const HOUR = 3_600_000;

const env = (libraries: Record<string, string>, languageVersion = '3.11', hardware: string | null = null) => ({
  language: 'python', languageVersion, libraries, hardware,
});

const started: RunStarted[] = [
  {
    project: PROJECT, runId: 'r-a', experiment: 'ablation', sweepId: 'sw1', name: 'resnet-a', user: 'alice', startedAt: T0,
    params: { lr: 0.1, batch_size: 32, optimizer: 'adamw', amp: true },
    tags: { team: 'vision', purpose: 'baseline' },
    lineage: { gitCommit: 'c1', gitDirty: true, dataVersion: 'v2', environment: env({ torch: '2.5.1', numpy: '2.1.0' }, '3.11', 'a100'), seed: 1, host: 'gpu-1', parentRunId: null },
  },
  {
    project: PROJECT, runId: 'r-b', experiment: 'ablation', sweepId: 'sw1', name: 'resnet-b', user: 'bob', startedAt: T0 + 24 * HOUR,
    params: { lr: 0.01, batch_size: 32, optimizer: 'sgd', amp: false },
    tags: { team: 'nlp' },
    lineage: { gitCommit: 'c2', gitDirty: false, dataVersion: 'v3', environment: env({ torch: '2.4.0' }), seed: 2, host: null, parentRunId: 'r-a' },
  },
  {
    project: PROJECT, runId: 'r-c', experiment: 'ablation', sweepId: null, name: 'vit-c', user: 'alice', startedAt: T0 + 48 * HOUR,
    params: { lr: 0.001, optimizer: 'adamw', warmup: 100 },
    tags: {},
    lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: env({ jax: '0.4.35' }, '3.12'), seed: null, host: 'cpu-7', parentRunId: null },
  },
];

/** A run deleted for good (below): started like the others, then left out of every list. */
const gone: RunStarted = {
  project: PROJECT, runId: 'r-gone', experiment: 'ablation', sweepId: null, name: 'typo', user: 'alice', startedAt: T0 + 49 * HOUR,
  params: {}, tags: {}, lineage: { gitCommit: null, gitDirty: false, dataVersion: null, environment: env({}), seed: null, host: null, parentRunId: null },
};

/** A MetricBatch from (key, segment, step, value) points, as the SDK encodes it (dictionary-coded keys and segments). */
function batch(runId: string, workerRank: number | null, points: Array<[string, string, number, number]>): MetricBatch {
  const keys: string[] = [];
  const segments: string[] = [];
  const b: MetricBatch = { project: PROJECT, runId, workerRank, keys, segments, keyIndex: [], segmentIndex: [], steps: [], values: [], wallTimes: [] };
  for (const [key, segment, step, value] of points) {
    if (!keys.includes(key)) keys.push(key);
    if (segment && !segments.includes(segment)) segments.push(segment);
    b.keyIndex.push(keys.indexOf(key));
    b.segmentIndex.push(segment ? segments.indexOf(segment) : -1);
    b.steps.push(step);
    b.values.push(value);
    b.wallTimes.push(T0 + step * 1000);
  }
  return b;
}

// r-a: val/acc 0.5 0.7 0.6 0.65 and loss 2 1 1.5 0.5 at steps 1..4 over two messages,
//      val/acc[class=cat] 0.4 @2, 0.8 @4;
// r-b: val/acc 0.6 0.75 0.8 0.78 at steps 1..4 (worker rank 0), val/acc[class=dog] 0.9 @4;
// r-c: val/acc 0.3 0.4 at steps 1..2 (still running).
const batches: MetricBatch[] = [
  batch('r-a', null, [['val/acc', '', 1, 0.5], ['loss', '', 1, 2], ['val/acc', '', 2, 0.7], ['loss', '', 2, 1], ['val/acc', 'class=cat', 2, 0.4]]),
  batch('r-a', null, [['val/acc', '', 3, 0.6], ['loss', '', 3, 1.5], ['val/acc', '', 4, 0.65], ['loss', '', 4, 0.5], ['val/acc', 'class=cat', 4, 0.8]]),
  // Sent with an identity, and (below) re-sent: stored once.
  { ...batch('r-b', 0, [['val/acc', '', 1, 0.6], ['val/acc', '', 2, 0.75], ['val/acc', '', 3, 0.8], ['val/acc', '', 4, 0.78], ['val/acc', 'class=dog', 4, 0.9]]), producerId: 'sdk-b', sequence: 0 },
  batch('r-c', null, [['val/acc', '', 1, 0.3], ['val/acc', '', 2, 0.4]]),
];

const artifacts: ArtifactLogged[] = [
  { project: PROJECT, runId: 'r-a', name: 'model.ckpt', kind: 'checkpoint', uri: 's3://ckpt/r-a/4', digest: 'sha256:aaa', sizeBytes: 10_000_000, step: 4, loggedAt: T0 + HOUR, metadata: { epoch: '4', format: 'torch' } },
  { project: PROJECT, runId: 'r-b', name: 'confusion.json', kind: 'confusion_matrix', uri: 's3://eval/r-b.json', digest: 'sha256:bbb', sizeBytes: 2048, step: null, loggedAt: T0 + 25 * HOUR, metadata: {} },
];

const finished: RunFinished[] = [
  { project: PROJECT, runId: 'r-a', status: 'finished', endedAt: T0 + 2 * HOUR, durationMs: 2 * HOUR, summary: { 'val/acc': 0.65, loss: 0.5 } },
  { project: PROJECT, runId: 'r-b', status: 'failed', endedAt: T0 + 26 * HOUR, durationMs: null, summary: {} },
];

// r-c sets params after start: warmup changes, ema is new.
const paramUpdates: ParamsLogged[] = [
  { project: PROJECT, runId: 'r-c', params: { warmup: 200 }, loggedAt: T0 + 49 * HOUR, step: 1, producerId: 'sdk-c', sequence: 1 },
  { project: PROJECT, runId: 'r-c', params: { warmup: 500, ema: true }, loggedAt: T0 + 50 * HOUR, step: 2, producerId: 'sdk-c', sequence: 2 },
];

// r-c's tags after start: owner set then removed, stage set twice (the later wins).
const tagUpdates: TagsSet[] = [
  { project: PROJECT, runId: 'r-c', tags: { stage: 'dev', owner: 'alice' }, setAt: T0 + 49 * HOUR, producerId: 'sdk-c', sequence: 3 },
  { project: PROJECT, runId: 'r-c', tags: { stage: 'prod' }, removed: ['owner'], setAt: T0 + 50 * HOUR, producerId: 'sdk-c', sequence: 4 },
];

const experiments: ExperimentDeclared[] = [
  { project: PROJECT, experimentId: '123', name: 'ablation', lifecycleStage: 'active', artifactLocation: 's3://a', tags: { owner: 'cv' }, declaredAt: T0 },
  { project: PROJECT, experimentId: '123', name: 'ablation', lifecycleStage: 'deleted', artifactLocation: 's3://a', tags: { owner: 'cv' }, declaredAt: T0 + HOUR },
];

// r-a deleted, then restored: the later event on Kafka decides (active), on every engine; r-gone
// restored, then deleted (deleted).
const lifecycle: RunLifecycleSet[] = [
  { project: PROJECT, runId: 'r-a', lifecycleStage: 'deleted', setAt: T0 + 60 * HOUR },
  { project: PROJECT, runId: 'r-a', lifecycleStage: 'active', setAt: T0 + 60 * HOUR },
  { project: PROJECT, runId: 'r-gone', lifecycleStage: 'active', setAt: T0 + 60 * HOUR },
  { project: PROJECT, runId: 'r-gone', lifecycleStage: 'deleted', setAt: T0 + 60 * HOUR },
];

// The registry: a model, a version of r-a, an alias; and one saved answer.
const registry: RegistryChanged[] = [
  { project: PROJECT, eventId: 'c-1', action: 'createModel', model: 'resnet', actor: 'token:a', at: T0 + 61 * HOUR },
  { project: PROJECT, eventId: 'c-2', action: 'createVersion', model: 'resnet', runId: 'r-a', metrics: { 'loss.min': 0.5 }, actor: 'token:a', at: T0 + 62 * HOUR },
  { project: PROJECT, eventId: 'c-3', action: 'setAlias', model: 'resnet', alias: 'champion', version: 1, evidence: ['ev-1'], actor: 'token:a', at: T0 + 63 * HOUR },
];
const saved: EvidenceSaved[] = [
  { project: PROJECT, evidenceId: 'ev-1', kind: 'statsCompare', request: '{"a":{"runIds":["r-a"]}}', answer: '{"summary":"A beats B"}', summary: 'A beats B', runIds: ['r-a', 'r-b'], contentHash: 'a'.repeat(64), note: null, actor: 'token:a', at: T0 + 62 * HOUR },
];

/** Long enough that no run here counts as crashed (they all ended or were last seen in 2026). */
const NEVER_CRASHED_MS = 100 * 365 * 24 * HOUR;

function buildRows(): { rows: TableRows; replay: TableRows } {
  const rows = emptyTableRows();
  let offset = 0;
  const src = () => ({ partition: 0, offset: offset++ });
  for (const e of [...started, gone]) rows.runs.push(runRow(e, src()));
  for (const b of batches) chunkRows(b, originOf(b, src()), rows);
  for (const e of paramUpdates) rows.run_param_updates.push(paramUpdateRow(e, originOf(e, src())));
  for (const e of tagUpdates) rows.run_tag_updates.push(tagUpdateRow(e, originOf(e, src())));
  for (const e of experiments) rows.experiments.push(experimentRow(e, src()));
  for (const e of lifecycle) rows.run_lifecycle.push(lifecycleRow(e, src()));
  for (const e of artifacts) rows.artifacts.push(artifactRow(e, src()));
  for (const e of finished) rows.run_finishes.push(finishRow(e, src()));
  for (const e of registry) rows.registry_events.push(registryRow(e, src()));
  for (const e of saved) rows.evidence.push(evidenceRow(e, src()));
  // An online experiment declared twice (the second stops it) and two outcome batches over two buckets.
  for (const status of ['running', 'stopped'] as const) {
    rows.online_experiments.push(onlineExperimentRow({
      project: PROJECT, experimentId: 'ab-1', name: 'ab', description: '', model: 'm', control: 'a', alpha: 0.05, plannedSampleSize: 100, status, actor: 't', declaredAt: status === 'running' ? 1_000 : 2_000,
      variants: [{ name: 'a', alias: 'champion', version: 1, runId: 'r-a', weight: 0.5 }, { name: 'b', alias: null, version: 2, runId: 'r-b', weight: 0.5 }],
      metrics: [{ name: 'latency', kind: 'continuous', role: 'guardrail', better: 'lower', statistic: 'p95', margin: 5 }],
    }, src()));
  }
  for (const times of [[1_000, 2_000, 3_000, 4_000], [11_000, 12_000, 13_000, 14_000]]) {
    const outcomes = {
      project: PROJECT, experimentId: 'ab-1', variants: ['a', 'b'], metrics: ['latency'], unitIds: ['u1', 'u2', 'u1', 'u2'], variantIndex: [0, 1, 0, 1], metricIndex: [-1, -1, 0, 0],
      values: [0, 0, 80, 120.5], covariates: [1, 2, 3, 4], times, metricsPerUnit: [true],
    };
    const at = src();
    rows.online_outcome_sums.push(...outcomeRows(outcomes, at));
    rows.online_unit_sums.push(...unitRows(outcomes, at));
  }
  // Exposures only, of another experiment: u1 shown both variants (the second in the next bucket), u2 the second one twice.
  const crossed = {
    project: PROJECT, experimentId: 'ab-2', variants: ['a', 'b'], metrics: ['latency'], unitIds: ['u1', 'u1', 'u2', 'u2'], variantIndex: [0, 1, 1, 1], metricIndex: [-1, -1, -1, -1],
    values: [0, 0, 0, 0], covariates: [], times: [1_000, 12_000, 3_000, 4_000],
  };
  const crossedAt = src();
  rows.online_outcome_sums.push(...outcomeRows(crossed, crossedAt));
  rows.online_unit_sums.push(...unitRows(crossed, crossedAt));
  // What the processor notes of the runs that had points, artifacts or a finish (all started here).
  const sightings = new Sightings();
  for (const b of batches) sightings.note(b.project, b.runId, earliest(b.wallTimes));
  for (const e of artifacts) sightings.note(e.project, e.runId, e.loggedAt);
  for (const e of finished) sightings.note(e.project, e.runId, e.endedAt);
  for (const e of paramUpdates) sightings.note(e.project, e.runId, e.loggedAt);
  rows.run_sightings = sightings.rows();
  const liveness = new Liveness();
  for (const b of batches) liveness.note(b.project, b.runId, latest(b.wallTimes));
  for (const e of paramUpdates) liveness.note(e.project, e.runId, e.loggedAt);
  for (const e of artifacts) liveness.note(e.project, e.runId, e.loggedAt);
  rows.run_liveness = liveness.rows();
  // A Kafka range processed twice (crash between insert and commit): the same rows with the
  // same source offsets, which FINAL must collapse.
  const replay = emptyTableRows();
  replay.runs = rows.runs.slice();
  replay.metric_chunks = rows.metric_chunks.slice();
  replay.metric_chunk_stats = rows.metric_chunk_stats.slice();
  // r-b's identified batch re-sent (a retry or a spool replay): at a new Kafka offset, the same identity.
  chunkRows(batches[2]!, originOf(batches[2]!, src()), replay);
  replay.run_param_updates = rows.run_param_updates.slice();
  replay.run_tag_updates = rows.run_tag_updates.slice();
  replay.run_lifecycle = rows.run_lifecycle.slice();
  replay.registry_events = rows.registry_events.slice();
  replay.evidence = rows.evidence.slice();
  replay.online_outcome_sums = rows.online_outcome_sums.slice();
  replay.online_experiments = rows.online_experiments.slice();
  // In another order: on a cluster an identical block would be dropped by replicated block
  // deduplication, and FINAL's collapsing of the copies would go untested.
  replay.online_unit_sums = rows.online_unit_sums.slice().reverse();
  return { rows, replay };
}

// ---------------------------------------------------------------------------------------------

/** migrate() against a client that records every statement instead of sending it; on `cluster`, its DDL ON CLUSTER. */
async function recordMigrate(database: string, cluster?: string): Promise<Statement[]> {
  const out: Statement[] = [];
  const rendered = new Map(loadMigrations().map((m) => [renderMigration(m.sql, database), `${String(m.version).padStart(4, '0')}_${m.name}`]));
  let setupIndex = 0;
  const label = (sql: string) => `migrate.ts #${++setupIndex}: ${sql.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
  const recorder = {
    command: async ({ query }: { query: string }) => {
      const name = rendered.get(query);
      out.push(name ? { id: `migration ${name}`, kind: 'migration', database: null, sql: query } : { id: label(query), kind: 'setup', database: null, sql: query });
      return {};
    },
    query: async ({ query }: { query: string }) => {
      out.push({ id: label(query), kind: 'setup', database: null, sql: query });
      // Nothing exists yet: no table (EXISTS TABLE, before a clustered RENAME), no rows.
      return { json: async () => [], text: async () => '0\n' };
    },
  };
  await migrate(recorder as unknown as ClickHouseClient, database, undefined, { cluster });
  if (cluster) return out;
  // Should migrate() ever stop applying a file itself, still check every migration.
  const seen = new Set(out.map((s) => s.sql));
  for (const [sql, name] of rendered) if (!seen.has(sql)) out.push({ id: `migration ${name}`, kind: 'migration', database: null, sql });
  return out;
}

function insertStatements(database: string, tables: TableRows, label: string): Statement[] {
  return (Object.entries(tables) as Array<[keyof TableRows, Row[]]>)
    .filter(([, rows]) => rows.length > 0)
    .map(([table, rows]) => {
      const id = `insert ${table} (${label}, ${rows.length} rows)`;
      const binary = BINARY_TABLES[table] as BinaryColumns<Row> | undefined;
      // What storage/write.ts sends: the statement and body of its exec(), or of @clickhouse/client's insert({ format: 'JSONEachRow' }).
      if (binary) return { id, kind: 'insert' as const, database: null, sql: `INSERT INTO ${database}.${table} (${columnList(binary)}) FORMAT RowBinary`, body: encodeRowBinary(binary, rows).toString('base64') };
      return { id, kind: 'insert' as const, database: null, sql: `INSERT INTO ${database}.${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}` };
    });
}

const ALL = ['r-a', 'r-b', 'r-c'];

/** Filters covering every field kind and operator, with the runs each must select. */
const FILTERS: Array<[string, string[]]> = [
  // params: number, string, bool; in / not in / like / not like / exists / not
  ['params.lr > 0.005', ['r-a', 'r-b']],
  ['params.lr in (0.1, 0.001)', ['r-a', 'r-c']],
  ['params.lr not in (0.1)', ['r-b', 'r-c']],
  ['params.batch_size = 32', ['r-a', 'r-b']],
  ['params.lr <= 1e-3', ['r-c']],
  ["params.optimizer = 'adamw'", ['r-a', 'r-c']],
  ["params.optimizer in ('sgd', 'adam')", ['r-b']],
  ["params.optimizer like 'ad%'", ['r-a', 'r-c']],
  ["params.optimizer not like 'ad%'", ['r-b']],
  ['params.amp = true', ['r-a']],
  ['params.amp != true', ['r-b']],
  ['params.amp in (false)', ['r-b']],
  ['not params.amp = true', ['r-b', 'r-c']],
  ['exists params.warmup', ['r-c']],
  ['not exists params.warmup', ['r-a', 'r-b']],
  // tags
  ["tags.team = 'vision'", ['r-a']],
  ["tags.team != 'vision'", ['r-b']],
  ["tags.team in ('vision', 'nlp')", ['r-a', 'r-b']],
  ["tags.team like 'v%'", ['r-a']],
  ['exists tags.purpose', ['r-a']],
  // metrics: each aggregate, with and without a segment, in / not in / exists
  ['metrics.val/acc > 0.7', ['r-b']],
  ['metrics.val/acc.last >= 0.65', ['r-a', 'r-b']],
  ['metrics.val/acc.min < 0.55', ['r-a', 'r-c']],
  ['metrics.val/acc.max >= 0.8', ['r-b']],
  ['metrics.val/acc.mean > 0.6', ['r-a', 'r-b']],
  ['metrics.val/acc.count = 4', ['r-a', 'r-b']],
  ['metrics.val/acc.count in (2)', ['r-c']],
  ['metrics.val/acc.count not in (2)', ['r-a', 'r-b']],
  ['metrics.val/acc[class=cat].max >= 0.8', ['r-a']],
  ['metrics.val/acc[class=cat].last = 0.8', ['r-a']],
  ['metrics.val/acc[class=cat].mean > 0.5', ['r-a']],
  ['metrics.val/acc[class=dog].count = 1', ['r-b']],
  ['metrics.loss.min <= 0.5', ['r-a']],
  ['exists metrics.loss', ['r-a']],
  ['not exists metrics.val/acc[class=dog]', ['r-a', 'r-c']],
  // lineage: strings, seed (Nullable number), git_dirty (bool), libraries
  ['lineage.seed = 1', ['r-a']],
  ['lineage.seed in (1, 2)', ['r-a', 'r-b']],
  ['lineage.seed > 1', ['r-b']],
  ['exists lineage.seed', ['r-a', 'r-b']],
  ['not exists lineage.seed', ['r-c']],
  ['lineage.git_dirty = true', ['r-a']],
  ['lineage.git_dirty = false', ['r-b', 'r-c']],
  ["lineage.git_commit = 'c1'", ['r-a']],
  ['exists lineage.git_commit', ['r-a', 'r-b']],
  ["lineage.data_version in ('v2', 'v3')", ['r-a', 'r-b']],
  ["lineage.data_version not in ('v2')", ['r-b']],
  ["lineage.host like 'gpu-%'", ['r-a']],
  ["lineage.parent_run_id = 'r-a'", ['r-b']],
  ["lineage.language = 'python'", ALL],
  ["lineage.language_version != '3.11'", ['r-c']],
  ["lineage.hardware = 'a100'", ['r-a']],
  ["lineage.libraries.torch = '2.5.1'", ['r-a']],
  ["lineage.libraries.torch like '2.%'", ['r-a', 'r-b']],
  ["lineage.libraries.torch not in ('2.5.1')", ['r-b']],
  ['exists lineage.libraries.jax', ['r-c']],
  // attributes: started_at (date string or ms), status, strings
  ["started_at > '2026-01-01T12:00:00Z'", ['r-b', 'r-c']],
  ['started_at >= 1767225600000', ALL],
  ["started_at in ('2026-01-01T00:00:00Z')", ['r-a']],
  ["started_at < '2026-01-03'", ['r-a', 'r-b']],
  ["status = 'running'", ['r-c']],
  ["status in ('finished', 'failed')", ['r-a', 'r-b']],
  ["status != 'failed'", ['r-a', 'r-c']],
  ["not status like 'fin%'", ['r-b', 'r-c']],
  ["status not in ('running')", ['r-a', 'r-b']],
  ["name like 'resnet%'", ['r-a', 'r-b']],
  ["experiment = 'ablation'", ALL],
  ["sweep = 'sw1'", ['r-a', 'r-b']],
  ["user = 'alice'", ['r-a', 'r-c']],
  ["run_id in ('r-a', 'r-c', 'nope')", ['r-a', 'r-c']],
  // combinations
  ["params.lr > 0.005 and (params.optimizer in ('adamw', 'sgd') or tags.team = 'vision') and not lineage.git_dirty = true", ['r-b']],
  ["status = 'finished' or metrics.val/acc[class=dog].max > 0.5", ['r-a', 'r-b']],
  ["(exists params.warmup or lineage.seed = 2) and not status = 'failed'", ['r-c']],
];

/** The param catalogue the API would build for this project (which types each param takes). */
function paramNames(): ParamNames {
  const cat: ParamNames = new Map();
  for (const e of started) {
    for (const [k, v] of Object.entries(e.params)) {
      const t: ParamType = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
      if (!cat.has(k)) cat.set(k, new Set<ParamType>());
      cat.get(k)!.add(t);
    }
  }
  return cat;
}

function queryStatements(database: string, cluster?: string): Statement[] {
  const q = (id: string, sql: string, expect?: Expectation): Statement => ({ id, kind: 'query', database, sql: sql.trim(), ...(expect ? { expect } : {}) });
  const out: Statement[] = [];

  // Sanity: the inserted rows are there once after FINAL, replays included.
  out.push(q('sanity: runs FINAL', 'SELECT count() AS n FROM runs FINAL', { column: { name: 'n', values: [4] } }));
  out.push(q('sanity: run_finishes FINAL', 'SELECT count() AS n FROM run_finishes FINAL', { column: { name: 'n', values: [2] } }));
  out.push(q('sanity: artifacts FINAL', 'SELECT count() AS n FROM artifacts FINAL', { column: { name: 'n', values: [2] } }));
  out.push(q('sanity: metric points FINAL', 'SELECT sum(point_count) AS n FROM metric_chunks FINAL', { column: { name: 'n', values: [17] } }));
  out.push(q('sanity: metric_chunk_stats FINAL', 'SELECT sum(point_count) AS n FROM metric_chunk_stats FINAL', { column: { name: 'n', values: [17] } }));
  out.push(q('sanity: schema_migrations', 'SELECT count() AS n FROM schema_migrations', { column: { name: 'n', values: [loadMigrations().length] } }));
  // The views the migrations create (BI tools read them).
  out.push(q('view metric_summaries', `SELECT * FROM metric_summaries WHERE project = '${PROJECT}' ORDER BY run_id, key, segment`, { rows: 6 }));
  // The BI views (0009) predate deleting runs: a deleted run is still there (README, "BI tools").
  out.push(q('view bi_runs', 'SELECT run_id, status FROM bi_runs ORDER BY run_id', { column: { name: 'status', values: ['finished', 'failed', 'running', 'running'] } }));
  out.push(q('view bi_params', 'SELECT * FROM bi_params ORDER BY run_id, key', { rows: 11 }));

  // storage/: summaries, artifacts, series, project names
  out.push(q('summariesForRunsSql (all metrics)', summariesForRunsSql(PROJECT, ALL), { rows: 6 }));
  out.push(q('summariesForRunsSql (keys)', summariesForRunsSql(PROJECT, ALL, ['val/acc']), { rows: 5, column: { name: 's_count', values: [4, 2, 4, 1, 2] } }));
  out.push(q('runSourceSql (run ids)', runSourceSql({ project: PROJECT, runIds: [...ALL, 'nope'], crashAfterMs: NEVER_CRASHED_MS }), { columnSet: { name: 'run_id', values: ALL } }));
  out.push(q('artifactsSql', artifactsSql(PROJECT, ALL), { column: { name: 'name', values: ['model.ckpt', 'confusion.json'] } }));
  out.push(q('seriesRangeSql', seriesRangeSql(PROJECT, 'r-a', 'val/acc', ''), { rows: 1, column: { name: 'count', values: [4] } }));
  out.push(q('seriesRangeSql (segment)', seriesRangeSql(PROJECT, 'r-a', 'val/acc', 'class=cat'), { column: { name: 'min_step', values: [2] } }));
  out.push(q('seriesBucketsSql (width 2)', seriesBucketsSql(PROJECT, 'r-a', 'val/acc', '', 1, 2), { column: { name: 'max', values: [0.7, 0.65] } }));
  out.push(q('seriesBucketsSql (segment, width 1)', seriesBucketsSql(PROJECT, 'r-a', 'val/acc', 'class=cat', 2, 1), { column: { name: 'bucket', values: [0, 2] } }));
  out.push(q('metricHistorySql (a page)', metricHistorySql(PROJECT, 'r-a', 'val/acc', 1, 2), { column: { name: 'step', values: [2, 3] } }));
  out.push(q('declaredExperimentsSql (latest declaration, first time)', declaredExperimentsSql(PROJECT), { column: { name: 'e_stage', values: ['deleted'] } }));
  out.push(q('runExperimentsSql', runExperimentsSql(PROJECT), { column: { name: 'experiment', values: ['ablation'] } }));
  out.push(q('paramNamesSql', paramNamesSql(PROJECT), { columnSet: { name: 'k', values: ['amp', 'batch_size', 'ema', 'lr', 'optimizer', 'warmup'] } }));
  // The registry's log in Kafka order (the replayed rows read twice: the replay skips a seen event id), and saved evidence (FINAL collapses the replay).
  out.push(q('registryChangesSql', registryChangesSql(PROJECT), { rows: 6 }));
  out.push(q('registryEventSeenSql', registryEventSeenSql(PROJECT, 'c-2'), { column: { name: 'n', values: [2] } }));
  // The BI contract's views (0028–0035) over the fixture.
  out.push(q('bi_v1_runs', `SELECT run_id, deleted FROM bi_v1_runs WHERE project = '${PROJECT}' ORDER BY run_id`, { column: { name: 'run_id', values: [...ALL, 'r-gone'].sort() } }));
  out.push(q('bi_v1_runs deleted', `SELECT run_id FROM bi_v1_runs WHERE project = '${PROJECT}' AND deleted = 1`, { column: { name: 'run_id', values: ['r-gone'] } }));
  out.push(q('bi_v1_tags after updates (owner set then removed, stage set twice)', `SELECT tag, value FROM bi_v1_tags WHERE project = '${PROJECT}' AND run_id = 'r-c' ORDER BY tag`, { column: { name: 'value', values: ['prod'] } }));
  out.push(q('bi_v1_params', `SELECT param FROM bi_v1_params WHERE project = '${PROJECT}' AND run_id = 'r-a' ORDER BY param`, { rows: 4 }));
  out.push(q('bi_v1_metric_summaries', `SELECT metric FROM bi_v1_metric_summaries WHERE project = '${PROJECT}'`, { rows: 6 }));
  out.push(q('bi_v1_metric_points', `SELECT count() AS n FROM bi_v1_metric_points WHERE project = '${PROJECT}'`, { rows: 1 }));
  out.push(q('bi_v1_lineage', `SELECT field FROM bi_v1_lineage WHERE project = '${PROJECT}' AND run_id = 'r-a' AND field LIKE 'libraries.%' ORDER BY field`, { column: { name: 'field', values: ['libraries.numpy', 'libraries.torch'] } }));
  out.push(q('bi_v1_artifacts', `SELECT name FROM bi_v1_artifacts WHERE project = '${PROJECT}'`, { columnSet: { name: 'name', values: artifacts.map((a) => a.name) } }));
  // Per-project BI users as current ClickHouse makes them (storage/bi-users.ts): chdb keeps no
  // users, so the access statements are parsed only (EXPLAIN AST); the user's database and its
  // definer-rights views are made and read: the project's rows, and none for another project.
  for (const [name, project] of [['bi_compat', PROJECT], ['bi_compat_other', 'other']] as const) {
    for (const [i, sql] of sqlBiUser(database, { name, project, passwordSha256: '0'.repeat(64), networks: [] }).entries()) {
      if (/^(CREATE (SETTINGS PROFILE|USER)|GRANT) /.test(sql)) out.push(q(`sqlBiUser ${name} ${i} parses`, `EXPLAIN AST ${sql}`));
      else out.push({ id: `sqlBiUser ${name} ${i}`, kind: 'setup', database: null, sql });
    }
  }
  out.push(q('BI user of the project: bi_v1_runs', 'SELECT run_id FROM bi_compat.bi_v1_runs ORDER BY run_id', { column: { name: 'run_id', values: [...ALL, 'r-gone'].sort() } }));
  out.push(q('BI user of the project: bi_v1_artifacts', 'SELECT name FROM bi_compat.bi_v1_artifacts', { columnSet: { name: 'name', values: artifacts.map((a) => a.name) } }));
  out.push(q('BI user of another project: bi_v1_runs', 'SELECT run_id FROM bi_compat_other.bi_v1_runs', { rows: 0 }));
  out.push(q('BI user of another project: bi_v1_metric_points', 'SELECT count() AS n FROM bi_compat_other.bi_v1_metric_points', { column: { name: 'n', values: [0] } }));
  // r-a's loss (2 1 1.5 0.5 at steps 1..4, over two messages): one bucket of steps 0–63 merging both chunks.
  const lod = `FROM bi_v1_metric_points_lod WHERE project = '${PROJECT}' AND run_id = 'r-a' AND metric = 'loss' AND segment IS NULL`;
  out.push(q('bi_v1_metric_points_lod (points)', `SELECT step_from, points ${lod}`, { rows: 1, column: { name: 'points', values: [4] } }));
  out.push(q('bi_v1_metric_points_lod (min)', `SELECT min_value ${lod}`, { column: { name: 'min_value', values: [0.5] } }));
  out.push(q('bi_v1_metric_points_lod (max, mean)', `SELECT max_value, mean_value ${lod}`, { column: { name: 'mean_value', values: [1.25] } }));
  // A sweep's wide params view (storage/bi-wide-params.ts), and the copy a BI user reads.
  out.push(q('sweepParamsSql (sw1)', sweepParamsSql(database, PROJECT, 'sw1'), { column: { name: 'name', values: ['amp', 'batch_size', 'lr', 'optimizer'] } }));
  const sw1Params = [{ name: 'amp', types: ['bool'] }, { name: 'batch_size', types: ['number'] }, { name: 'lr', types: ['number'] }, { name: 'optimizer', types: ['string'] }];
  out.push({ id: 'wideParamsViewSql (sw1)', kind: 'setup', database: null, sql: wideParamsViewSql(database, 'sw1', PROJECT, 'sw1', sw1Params, cluster) });
  out.push({ id: 'wideParamsForUserSql (sw1, bi_compat)', kind: 'setup', database: null, sql: sqlWideParamsForUserSql(database, 'bi_v1_params_wide__sw1', 'bi_compat') });
  out.push(q('bi_v1_params_wide__sw1 (lr)', 'SELECT run_id, lr, optimizer, amp FROM bi_v1_params_wide__sw1 ORDER BY run_id', { column: { name: 'lr', values: [0.1, 0.01] } }));
  out.push(q('bi_v1_params_wide__sw1 (optimizer)', 'SELECT optimizer FROM bi_v1_params_wide__sw1 ORDER BY run_id', { column: { name: 'optimizer', values: ['adamw', 'sgd'] } }));
  out.push(q("a BI user's bi_v1_params_wide__sw1", 'SELECT amp FROM bi_compat.bi_v1_params_wide__sw1 ORDER BY run_id', { column: { name: 'amp', values: [1, 0] } }));
  out.push(q('sqlBiUsersOfProjectSql', sqlBiUsersOfProjectSql(database, PROJECT), { column: { name: 'user', values: ['bi_compat'] } }));
  out.push(q('sqlIsBiUserSql (a BI user)', sqlIsBiUserSql(database, 'bi_compat'), { column: { name: 'n', values: [1] } }));
  out.push(q('sqlIsBiUserSql (another database)', sqlIsBiUserSql(database, database), { column: { name: 'n', values: [0] } }));
  out.push(q('projectRowsSql (the API feed of URL tables)', projectRowsSql('bi_v1_runs', PROJECT), { rows: ALL.length + 1 }));
  out.push(q('wideViewsOfProjectSql', wideViewsOfProjectSql(database, PROJECT), { column: { name: 'wide_name', values: ['sw1'] } }));
  // Bulk export: the selection's runs, then their chunks.
  out.push(q('exportRunIdsSql', exportRunIdsSql(selectedRunsSql({ project: PROJECT, sweepId: 'sw1', crashAfterMs: NEVER_CRASHED_MS })), { column: { name: 'run_id', values: ['r-a', 'r-b'] } }));
  out.push(q('exportChunksSql', exportChunksSql(PROJECT, ['r-a', 'r-b'], ['loss', 'val/acc'], 'all')));
  // The artifacts' reads (no rows in the fixture: the SQL must run).
  out.push(q('tablesSql', tablesSql(PROJECT, ['r-a'], 'confusion/val', null), { rows: 0 }));
  out.push(q('samplesSql', samplesSql(PROJECT, ['r-a'], 'gen', null), { rows: 0 }));
  out.push(q('linesSql (tail, search)', linesSql(PROJECT, 'r-a', { tail: 5, search: 'nan', levels: ['error'], limit: 10 }), { rows: 0 }));
  out.push(q('artifactNamesSql', artifactNamesSql(PROJECT, ['r-a', 'r-b']), { rows: 0 }));
  out.push(q('evidenceSql', evidenceSql(PROJECT, ['ev-1', 'ev-nope']), { rows: 1, column: { name: 'evidence_id', values: ['ev-1'] } }));
  // Online experiments: the latest declaration (the replay collapses), sums per look (each message once), histograms.
  out.push(q('onlineExperimentsSql', onlineExperimentsSql(PROJECT), { rows: 1, column: { name: 'min_declared', values: [1_000] } }));
  out.push(q('onlineExperimentsSql (named)', `SELECT visitParamExtractString(definition, 'status') AS status FROM (${onlineExperimentsSql(PROJECT, ['ab-1', 'nope'])})`, { rows: 1, column: { name: 'status', values: ['stopped'] } }));
  out.push(q('outcomeSpanSql', outcomeSpanSql(PROJECT, 'ab-1', {}), { column: { name: 'last', values: [10_000] } }));
  out.push(q('outcomeSumsSql (10-second looks)', `SELECT end_ms, metric, variant, n, value_sum FROM (${outcomeSumsSql(PROJECT, 'ab-1', 10_000, {})})`, { column: { name: 'n', values: [1, 1, 1, 1, 1, 1, 1, 1] } }));
  out.push(q('outcomeSumsSql (one look, a window)', outcomeSumsSql(PROJECT, 'ab-1', 20_000, { from: 0, until: 20_000 }), { column: { name: 'n', values: [2, 2, 2, 2] } }));
  out.push(q('unitLooksSql (two looks, each unit once per look)', unitLooksSql(PROJECT, 'ab-1', 'latency', [10_000, 20_000], {}), { column: { name: 'sum_nn', values: [1, 1, 4, 4] } }));
  // The distinct units of all variants together, then of each.
  const units = (sql: string) => `SELECT arrayJoin(arrayConcat([units], per_variant)) AS n FROM (${sql})`;
  out.push(q('exposedUnitsSql (each unit once, in every message and replay)', units(exposedUnitsSql(PROJECT, 'ab-1', ['a', 'b'], {})), { column: { name: 'n', values: [2, 1, 1] } }));
  out.push(q('exposedUnitsSql (a unit in both variants)', units(exposedUnitsSql(PROJECT, 'ab-2', ['a', 'b'], {})), { column: { name: 'n', values: [2, 1, 2] } }));
  out.push(q('exposedUnitsSql (a window: the first bucket)', units(exposedUnitsSql(PROJECT, 'ab-2', ['a', 'b'], { until: 10_000 })), { column: { name: 'n', values: [2, 1, 1] } }));
  out.push(q('outcomeHistogramsSql', `SELECT variant, length(histogram.1) AS bins, arraySum(histogram.2) AS n FROM (${outcomeHistogramsSql(PROJECT, 'ab-1', ['latency'], {})}) ORDER BY variant`, { column: { name: 'n', values: [2, 2] } }));
  // Tags set at start or later (owner was set, then removed: still a name once set), and libraries.
  out.push(q('runFieldNamesSql', runFieldNamesSql(PROJECT), { columnSet: { name: 'name', values: ['jax', 'numpy', 'owner', 'purpose', 'stage', 'team', 'torch'] } }));
  out.push(q('runFieldsQuery (a tag, a library, the seed) over sweep sw1', runFieldsQuery((reads) => selectedRunsSql({ project: PROJECT, sweepId: 'sw1', crashAfterMs: NEVER_CRASHED_MS, reads }), [
    { field: { kind: 'tag', name: 'team' }, type: 'string', label: 'tags.team' },
    { field: { kind: 'library', name: 'torch' }, type: 'string', label: 'lineage.libraries.torch' },
    { field: { kind: 'lineage', name: 'seed' }, type: 'number', label: 'lineage.seed' },
  ]), { rows: 2, columnSet: { name: 'run_id', values: ['r-a', 'r-b'] } }));
  // The sweep loader's queries, each over a source with only the joins it reads (storage/sweep-columns.ts).
  const sw1 = (reads?: string) => selectedRunsSql({ project: PROJECT, sweepId: 'sw1', crashAfterMs: NEVER_CRASHED_MS, reads });
  out.push(q('runIdsQuery over sweep sw1 (no joins)', runIdsQuery(sw1(''), 10), { rows: 1 }));
  out.push(q('paramsQuery over sweep sw1 (the params join only)', paramsQuery(sw1(PARAMS_READS)), { column: { name: 'k', values: ['amp', 'batch_size', 'lr', 'optimizer'] } }));
  out.push(q('the lineage query over sweep sw1', `SELECT run_id, ${LINEAGE_READS} FROM (${sw1(LINEAGE_READS)})`, { columnSet: { name: 'run_id', values: ['r-a', 'r-b'] } }));
  out.push(q('metricNamesSql', metricNamesSql(PROJECT), { columnSet: { name: 'segment', values: ['', '', 'class=cat', 'class=dog'] } }));

  // storage/runs.ts and storage/run-list.ts: the run source and the run list (every sort kind, several keys, keyset pages).
  out.push(q('runSourceSql', runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS }), { columnSet: { name: 'run_id', values: ALL } }));
  out.push(q('runSourceSql deleted runs (r-a restored, r-gone deleted)', runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS, lifecycle: 'deleted' }), { columnSet: { name: 'run_id', values: ['r-gone'] } }));
  out.push(q('runSourceSql every lifecycle stage', `SELECT run_id, deleted FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS, lifecycle: 'all' })}) ORDER BY run_id`, { column: { name: 'deleted', values: [0, 0, 0, 1] } }));
  out.push(q('selectedRunsSql: a deleted run named by id is selected', selectedRunsSql({ project: PROJECT, runIds: ['r-a', 'r-gone'], crashAfterMs: NEVER_CRASHED_MS }), { columnSet: { name: 'run_id', values: ['r-a', 'r-gone'] } }));
  out.push(q('runSourceSql (experiments)', runSourceSql({ project: PROJECT, experiments: ['ablation', 'other'], crashAfterMs: NEVER_CRASHED_MS }), { columnSet: { name: 'run_id', values: ALL } }));
  out.push(q('runSourceSql (experiment, sweep)', runSourceSql({ project: PROJECT, experiment: 'ablation', sweepId: 'sw1', crashAfterMs: NEVER_CRASHED_MS }), { columnSet: { name: 'run_id', values: ['r-a', 'r-b'] } }));
  out.push(q('runSourceSql status_value', `SELECT run_id, status_value FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS })}) ORDER BY run_id`, { column: { name: 'status_value', values: ['finished', 'failed', 'running'] } }));
  out.push(q('runSourceSql status_value (silent for over an hour: crashed)', `SELECT run_id, status_value FROM (${runSourceSql({ project: PROJECT, crashAfterMs: HOUR })}) ORDER BY run_id`, { column: { name: 'status_value', values: ['finished', 'failed', 'crashed'] } }));
  out.push(q('runSourceSql params set after start (latest wins, new keys added)', `SELECT run_id, param_strings[indexOf(param_keys, 'warmup')] AS warmup, param_strings[indexOf(param_keys, 'ema')] AS ema, length(param_keys) AS n FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS })}) ORDER BY run_id`, { column: { name: 'warmup', values: ['', '', '500'] } }));
  out.push(q('runSourceSql params set after start: when (step of the latest value)', `SELECT run_id, set_param_steps, length(set_param_keys) AS n_set FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS })}) ORDER BY run_id`, { column: { name: 'n_set', values: [0, 0, 2] } }));
  out.push(q('runSourceSql tags set and removed after start', `SELECT run_id, tag_values[indexOf(tag_keys, 'stage')] AS stage, has(tag_keys, 'owner') AS owner, length(tag_keys) AS n FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS })}) ORDER BY run_id`, { column: { name: 'stage', values: ['', '', 'prod'] } }));
  out.push(q('runSourceSql tags of runs without updates kept', `SELECT run_id, length(tag_keys) AS n FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS })}) ORDER BY run_id`, { column: { name: 'n', values: [2, 1, 1] } }));
  out.push(q('runSourceSql params set after start (other keys kept)', `SELECT run_id, length(param_keys) AS n FROM (${runSourceSql({ project: PROJECT, crashAfterMs: NEVER_CRASHED_MS })}) ORDER BY run_id`, { column: { name: 'n', values: [4, 4, 4] } }));
  const asc = 'asc' as const;
  const desc = 'desc' as const;
  const metric = (aggregate: SummaryAggregate, direction: 'asc' | 'desc', segment = '', key = 'val/acc'): SortSpec => ({ kind: 'metric', key, segment, aggregate, direction });
  const list = (id: string, sorts: SortSpec[], expected: string[], extra: Partial<ListRunsQuery> = {}) =>
    out.push(q(`listRunsSql ${id}`, listRunsSql({ project: PROJECT, sorts, limit: 10, crashAfterMs: NEVER_CRASHED_MS, ...extra }), { column: { name: 'run_id', values: expected } }));
  list('sort=started_at:desc', [{ kind: 'attribute', field: 'started_at', direction: desc }], ['r-c', 'r-b', 'r-a']);
  list('sort=name:asc', [{ kind: 'attribute', field: 'name', direction: asc }], ['r-a', 'r-b', 'r-c']);
  list('sort=run_id:desc', [{ kind: 'attribute', field: 'run_id', direction: desc }], ['r-c', 'r-b', 'r-a']);
  list('sort=params.lr:asc', [{ kind: 'param', key: 'lr', direction: asc }], ['r-c', 'r-b', 'r-a']);
  list('sort=params.optimizer:desc (string param)', [{ kind: 'param', key: 'optimizer', direction: desc }], ['r-b', 'r-a', 'r-c']);
  list('sort=params.warmup:asc (missing values last)', [{ kind: 'param', key: 'warmup', direction: asc }], ['r-c', 'r-a', 'r-b']);
  list('sort=metrics.val/acc.last:desc', [metric('last', desc)], ['r-b', 'r-a', 'r-c']);
  list('sort=metrics.val/acc.min:asc', [metric('min', asc)], ['r-c', 'r-a', 'r-b']);
  list('sort=metrics.val/acc.max:desc', [metric('max', desc)], ['r-b', 'r-a', 'r-c']);
  // Pages above TWO_STEP_MAX_RUNS: one query with every column of the run source.
  out.push(q('listRunsSql sort=metrics.val/acc.max:desc (one step, every column)', listRunsSql({ project: PROJECT, sorts: [metric('max', desc)], limit: 10, crashAfterMs: NEVER_CRASHED_MS }, { records: true }), { column: { name: 'run_id', values: ['r-b', 'r-a', 'r-c'] } }));
  list('sort=metrics.val/acc.mean:desc', [metric('mean', desc)], ['r-b', 'r-a', 'r-c']);
  list('sort=metrics.val/acc.count:asc', [metric('count', asc)], ['r-c', 'r-a', 'r-b']);
  list('sort=metrics.val/acc[class=cat].last:desc (missing values last)', [metric('last', desc, 'class=cat')], ['r-a', 'r-b', 'r-c']);
  list('sort=params.batch_size:asc,metrics.val/acc.max:desc', [{ kind: 'param', key: 'batch_size', direction: asc }, metric('max', desc)], ['r-b', 'r-a', 'r-c']);
  list('sort=metrics.loss.min:asc, experiment+sweep', [metric('min', asc, '', 'loss')], ['r-a', 'r-b'], { experiment: 'ablation', sweepId: 'sw1' });
  list('sort=params.lr:desc, limit 1 (one extra row)', [{ kind: 'param', key: 'lr', direction: desc }], ['r-a', 'r-b'], { limit: 1 });
  const after = (keys: Keyset['keys'], runId: string): Keyset => ({ keys, runId });
  list('sort=params.lr:desc, page after r-a', [{ kind: 'param', key: 'lr', direction: desc }], ['r-b', 'r-c'], { after: after([[1, 0, 0.1, '']], 'r-a') });
  list('sort=started_at:asc, page after r-a', [{ kind: 'attribute', field: 'started_at', direction: asc }], ['r-b', 'r-c'], { after: after([[1, 0, T0, '']], 'r-a') });
  list('sort=params.optimizer:asc, page after r-a', [{ kind: 'param', key: 'optimizer', direction: asc }], ['r-c', 'r-b'], { after: after([[1, 1, 0, 'adamw']], 'r-a') });
  list('sort=metrics.val/acc[class=cat].max:desc, page after r-b (no value)', [metric('max', desc, 'class=cat')], ['r-c'], { after: after([[0, 0, 0, '']], 'r-b') });

  // Filters (query-api/filter/) over runs FINAL where they need no status (the brief's form),
  // and as the API runs them: runSourceSql with filterSql, and inside listRunsSql.
  const params = paramNames();
  for (const [input, expected] of FILTERS) {
    const filterSql = compileFilter(parseFilter(input), { project: PROJECT, input, params });
    const expect: Expectation = { columnSet: { name: 'run_id', values: expected } };
    // Straight over the table, without the run source's lifecycle: the deleted run left out by hand.
    if (!filterSql.includes('status_value')) out.push(q(`filter over runs FINAL: ${input}`, `SELECT run_id FROM runs FINAL WHERE run_id != 'r-gone' AND (${filterSql})`, expect));
    out.push(q(`filter over runSourceSql: ${input}`, runSourceSql({ project: PROJECT, filterSql, crashAfterMs: NEVER_CRASHED_MS }), expect));
  }
  for (const [input, sorts, expected] of [
    ["status != 'failed'", [metric('max', desc)], ['r-a', 'r-c']],
    ["params.optimizer = 'adamw' and metrics.val/acc.count >= 2", [{ kind: 'param', key: 'lr', direction: asc }], ['r-c', 'r-a']],
  ] as Array<[string, SortSpec[], string[]]>) {
    const filterSql = compileFilter(parseFilter(input), { project: PROJECT, input, params });
    list(`filter=${input}`, sorts, expected, { filterSql, experiment: 'ablation' });
  }
  return out;
}

/**
 * storage/curves.ts's two queries for val/acc of the three runs (steps 1..4: r-a's over two
 * chunks), as loadCurves sends them: the range query, then — given an answer — the bucket query,
 * keyed by the ids' hashes or (two hashes colliding) by the ids; by step (points, and the 64-step
 * level of detail), wall time and relative time.
 */
async function curveStatements(database: string): Promise<Statement[]> {
  const out: Statement[] = [];
  // Per run, its buckets' point counts (2 buckets over 1..4): steps 1–2 and 3–4 (r-c: 1–2); one
  // 64-step block; a point a bucket on the time axes (points 1 s apart, buckets of 2 ms).
  const pairs = [[2, 2], [2, 2], [2]];
  const lod = [[4], [4], [2]];
  const single = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1]];
  const variants: Array<[string, XAxis, number, [string, string][], number[][]]> = [
    ['step, points, hash keys', 'step', 4, [['r-a', '1'], ['r-b', '2'], ['r-c', '3']], pairs],
    ['step, points, id keys', 'step', 4, [['r-a', '1'], ['r-b', '1'], ['r-c', '3']], pairs],
    ['step, level of detail', 'step', 1_000_000, [['r-a', '1'], ['r-b', '2'], ['r-c', '3']], lod],
    ['wall_time', 'wall_time', 4, [['r-a', '1'], ['r-b', '2'], ['r-c', '3']], single],
    ['relative_time', 'relative_time', 4, [['r-a', '1'], ['r-b', '2'], ['r-c', '3']], single],
  ];
  for (const [label, x, hi, names, counts] of variants) {
    const sent: string[] = [];
    const recorder = {
      query: async ({ query }: { query: string }) => {
        sent.push(query);
        return { json: async () => [{ lo: 1, hi, chunks: 4, names }] };
      },
      exec: async ({ query }: { query: string }) => {
        sent.push(query.replace(/\s*FORMAT RowBinary$/, ''));
        return { stream: Readable.from([]) };
      },
    };
    await loadCurves(recorder as unknown as ClickHouseClient, { project: PROJECT, runIds: ALL, sourceSql: '', key: 'val/acc', segment: '', x, maxPoints: 2 });
    const [range, buckets] = sent;
    // Without FINAL (a replayed copy changes no extent): steps 1..4 whatever the copies.
    out.push({ id: `loadCurves range (${label})`, kind: 'query', database, sql: range!, expect: x === 'step' ? { rows: 1, column: { name: 'hi', values: [4] } } : { rows: 1 } });
    // Each chunk counted once though the fixture writes every one twice (the replayed range).
    out.push({ id: `loadCurves buckets (${label})`, kind: 'query', database, sql: buckets!, expect: { rows: 3, columnSet: { name: 'counts', values: counts } } });
  }
  return out;
}

/** Every statement, in order; `cluster`: the migrations as DDL ON CLUSTER (storage/cluster.ts) for test/cluster/. */
export async function generate(database = 'runlens', cluster?: string): Promise<StatementFile> {
  const { rows, replay } = buildRows();
  const statements = [
    ...(await recordMigrate(database, cluster)),
    ...insertStatements(database, rows, 'processors/rows.ts'),
    ...insertStatements(database, replay, 'replayed Kafka range'),
    ...queryStatements(database, cluster),
    ...(await curveStatements(database)),
  ];
  return { generatedAt: new Date().toISOString(), database, statements };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, database: { type: 'string', default: 'runlens' } } });
  if (!values.out) throw new Error('usage: npx tsx test/compat/generate-sql.ts --out <file.json> [--database runlens]');
  const file = resolve(values.out);
  const result = await generate(values.database);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`${result.statements.length} statements → ${file}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
