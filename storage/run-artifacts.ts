// What runs logged to compare side by side, as stored: tables (artifact_tables, 0025), samples
// (samples, 0026) and console lines (log_chunks, 0027: a row per event). Written only by the processor; this
// module reads them. A table or sample logged again (same name, step and input) reads as its
// latest source; a replayed one collapses.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { TableKind } from '../schemas/events.ts';
import { rows, zip } from './read.ts';
import { quoteInteger, quoteString, quoteStringList } from './sql-quote.ts';

export interface StoredTable {
  runId: string;
  name: string;
  kind: TableKind;
  step: number | null;
  loggedAt: number;
  labels: string[];
  columns: string[];
  values: number[];
  cells: string[];
}

/**
 * Per run, the table of this name at `step` (default: the run's latest step that has one);
 * runs without it are absent.
 */
export function tablesSql(project: string, runIds: readonly string[], name: string, step: number | null): string {
  const stepWhere = step === null ? '' : ` AND step = ${quoteInteger(step)}`;
  return `
SELECT run_id, kind, step, argMax(logged_at_ms, (logged_at_ms, src_partition, src_offset)) AS logged_at, argMax(labels, (logged_at_ms, src_partition, src_offset)) AS labels,
  argMax(columns, (logged_at_ms, src_partition, src_offset)) AS columns, argMax(values, (logged_at_ms, src_partition, src_offset)) AS values, argMax(cells, (logged_at_ms, src_partition, src_offset)) AS cells
FROM artifact_tables
WHERE project = ${quoteString(project)} AND name = ${quoteString(name)} AND run_id IN (${quoteStringList([...runIds])})${stepWhere}
GROUP BY run_id, kind, step
ORDER BY run_id, step DESC
LIMIT 1 BY run_id`;
}

export async function getTables(ch: ClickHouseClient, project: string, runIds: readonly string[], name: string, step: number | null = null): Promise<Map<string, StoredTable>> {
  const out = new Map<string, StoredTable>();
  if (runIds.length === 0) return out;
  for (const r of await rows<Record<string, unknown>>(ch, tablesSql(project, runIds, name, step))) {
    const s = Number(r.step);
    out.set(String(r.run_id), {
      runId: String(r.run_id), name, kind: r.kind as TableKind, step: s < 0 ? null : s, loggedAt: Number(r.logged_at),
      labels: r.labels as string[], columns: r.columns as string[], values: (r.values as (number | string)[]).map(Number), cells: r.cells as string[],
    });
  }
  return out;
}

export interface StoredSample {
  runId: string;
  inputId: string;
  step: number | null;
  text: string | null;
  uri: string | null;
  digest: string | null;
  scores: Record<string, number>;
}

/** Per run and input id, the sample of this name at `step` (default: the run's latest step with samples of this name). */
export function samplesSql(project: string, runIds: readonly string[], name: string, step: number | null): string {
  const p = quoteString(project);
  const n = quoteString(name);
  const ids = quoteStringList([...runIds]);
  const at = step === null
    ? `(run_id, step) IN (SELECT run_id, max(step) FROM samples WHERE project = ${p} AND name = ${n} AND run_id IN (${ids}) GROUP BY run_id)`
    : `step = ${quoteInteger(step)}`;
  return `
SELECT run_id, input_id, step, argMax(text, (logged_at_ms, src_partition, src_offset)) AS text, argMax(has_text, (logged_at_ms, src_partition, src_offset)) AS has_text,
  argMax(uri, (logged_at_ms, src_partition, src_offset)) AS uri, argMax(digest, (logged_at_ms, src_partition, src_offset)) AS digest,
  argMax(score_keys, (logged_at_ms, src_partition, src_offset)) AS score_keys, argMax(score_values, (logged_at_ms, src_partition, src_offset)) AS score_values
FROM samples
WHERE project = ${p} AND name = ${n} AND run_id IN (${ids}) AND ${at}
GROUP BY run_id, input_id, step
ORDER BY input_id, run_id`;
}

export async function getSamples(ch: ClickHouseClient, project: string, runIds: readonly string[], name: string, step: number | null = null): Promise<StoredSample[]> {
  if (runIds.length === 0) return [];
  return (await rows<Record<string, unknown>>(ch, samplesSql(project, runIds, name, step))).map((r) => {
    const s = Number(r.step);
    return {
      runId: String(r.run_id), inputId: String(r.input_id), step: s < 0 ? null : s, text: Number(r.has_text) === 1 ? String(r.text) : null,
      uri: r.uri ? String(r.uri) : null, digest: r.digest ? String(r.digest) : null,
      scores: Object.fromEntries(Object.entries(zip<number | string>(r.score_keys, r.score_values)).map(([k, v]) => [k, Number(v)])),
    };
  });
}

export interface StoredLine {
  workerRank: number | null;
  stream: 'stdout' | 'stderr';
  seq: number;
  at: number;
  level: string;
  text: string;
}

export interface LinesQuery {
  stream?: 'stdout' | 'stderr';
  /** Only lines at these levels. */
  levels?: readonly string[];
  /** Only lines whose text contains this (case-insensitive). */
  search?: string;
  /** The last `tail` lines (by time) instead of the first `limit`. */
  tail?: number;
  limit: number;
}

/**
 * A run's console lines in time order (then worker, stream, number), filtered: the chunks
 * (FINAL: a replayed or re-sent event collapses by its origin) with their arrays joined out.
 */
export function linesSql(project: string, runId: string, q: LinesQuery): string {
  const chunkWhere = [`project = ${quoteString(project)}`, `run_id = ${quoteString(runId)}`];
  if (q.stream) chunkWhere.push(`stream = ${quoteString(q.stream)}`);
  const lineWhere: string[] = [];
  if (q.levels && q.levels.length > 0) lineWhere.push(`level IN (${quoteStringList([...q.levels])})`);
  // positionCaseInsensitiveUTF8: a substring, not a pattern (no escaping of % or _ needed).
  if (q.search) lineWhere.push(`positionCaseInsensitiveUTF8(text, ${quoteString(q.search)}) > 0`);
  const lines = `
SELECT worker_rank, stream, seq, at_ms, level, text FROM
(
  SELECT worker_rank, stream, seqs, ats_ms, levels, texts FROM log_chunks FINAL PREWHERE ${chunkWhere.join(' AND ')}
)
ARRAY JOIN seqs AS seq, ats_ms AS at_ms, levels AS level, texts AS text
${lineWhere.length > 0 ? `WHERE ${lineWhere.join(' AND ')}` : ''}`;
  const base = `SELECT worker_rank, stream, seq, at_ms, level, text FROM (${lines})`;
  if (q.tail !== undefined) return `SELECT * FROM (${base} ORDER BY at_ms DESC, worker_rank DESC, stream DESC, seq DESC LIMIT ${quoteInteger(q.tail)}) ORDER BY at_ms, worker_rank, stream, seq`;
  return `${base} ORDER BY at_ms, worker_rank, stream, seq LIMIT ${quoteInteger(q.limit)}`;
}

export async function getLines(ch: ClickHouseClient, project: string, runId: string, q: LinesQuery): Promise<StoredLine[]> {
  return (await rows<Record<string, unknown>>(ch, linesSql(project, runId, q))).map((r) => ({
    workerRank: Number(r.worker_rank) < 0 ? null : Number(r.worker_rank), stream: r.stream as 'stdout' | 'stderr', seq: Number(r.seq), at: Number(r.at_ms), level: String(r.level), text: String(r.text),
  }));
}

export interface ArtifactNames {
  tables: { name: string; kind: TableKind; runIds: string[] }[];
  samples: { name: string; runIds: string[]; scores: string[] }[];
  /** Console lines per run (runs with none absent). */
  logs: { runId: string; lines: number }[];
}

export function artifactNamesSql(project: string, runIds: readonly string[]): string {
  const p = quoteString(project);
  const ids = quoteStringList([...runIds]);
  return `
SELECT 'table' AS what, name, kind, arraySort(groupUniqArray(run_id)) AS runs, emptyArrayString() AS scores, toUInt64(0) AS n
FROM artifact_tables WHERE project = ${p} AND run_id IN (${ids}) GROUP BY name, kind
UNION ALL
SELECT 'samples' AS what, name, '' AS kind, arraySort(groupUniqArray(run_id)) AS runs, arraySort(groupUniqArrayArray(score_keys)) AS scores, toUInt64(0) AS n
FROM samples WHERE project = ${p} AND run_id IN (${ids}) GROUP BY name
UNION ALL
SELECT 'logs' AS what, '' AS name, '' AS kind, [run_id] AS runs, emptyArrayString() AS scores, count() AS n
FROM (SELECT run_id, worker_rank, stream, seqs FROM log_chunks FINAL WHERE project = ${p} AND run_id IN (${ids})) ARRAY JOIN seqs AS seq GROUP BY run_id`;
}

/** What the runs logged to look at, by name: for a picker. */
export async function getArtifactNames(ch: ClickHouseClient, project: string, runIds: readonly string[]): Promise<ArtifactNames> {
  const out: ArtifactNames = { tables: [], samples: [], logs: [] };
  if (runIds.length === 0) return out;
  for (const r of await rows<{ what: string; name: string; kind: string; runs: string[]; scores: string[]; n: number | string }>(ch, artifactNamesSql(project, runIds))) {
    if (r.what === 'table') out.tables.push({ name: r.name, kind: r.kind as TableKind, runIds: r.runs });
    else if (r.what === 'samples') out.samples.push({ name: r.name, runIds: r.runs, scores: r.scores });
    else out.logs.push({ runId: r.runs[0]!, lines: Number(r.n) });
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  out.tables.sort(byName);
  out.samples.sort(byName);
  out.logs.sort((a, b) => (a.runId < b.runId ? -1 : 1));
  return out;
}
