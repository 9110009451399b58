// The columnar loader behind every sweep chart: for a selection's source (storage/selection.ts),
// the run ids (canonical order: ascending by UTF-16 code units, as the analytics order them),
// one array per param and one per metric summary, index i of each belonging to run i. No
// object per run is built (but for lineage, when asked for):
// - run ids: one query, one row holding them all as an array;
// - params: one query over the selection SQL with ARRAY JOIN on the param arrays, grouped by
//   param name, so each param arrives as parallel arrays (run ids, type codes, values as text)
//   and is scattered into its column through one id → index map. Numbers are read from their
//   text (param_strings holds String(v) as the processor wrote it), not from param_numbers:
//   ClickHouse 18.16 parses some doubles one ulp off, and the text is exact;
// - metrics: metricValues (summaries.ts), one query per summary, run in parallel;
// - run fields (tags, lineage; asked for by name only): one query, a row per run with each
//   field's presence and its value as text, typed here.
// - lineage (asked for as a whole, for confound warnings): one query, a row per run, read as a
//   run record's lineage (an object per run).
// Every query reads at most `limit` runs (the ids query the first `limit` by id, the others any
// `limit`: within the caller's limit that is all of them), so a selection the caller will refuse
// as too large costs neither ClickHouse a full read nor the API its memory.
// Every literal is in the selection SQL; nothing else is quoted here.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteInteger } from './sql-quote.ts';
import { runFieldSql, type RunField } from './run-filter/sql.ts';
import { metricValues, type SummaryAggregate } from './summaries.ts';
import type { SelectionSource } from './selection.ts';
import { LINEAGE_READS, lineageOf, type RunRecord } from './runs.ts';

/** A param's value in a run; null where the run does not set it. */
export type ParamValue = number | string | boolean | null;

export interface MetricColumnRef {
  key: string;
  segment: string;
  aggregate: SummaryAggregate;
  /** The column's name in the result. */
  label: string;
}

export interface RunFieldColumnRef {
  field: RunField;
  /** How its text is read: git_dirty is a bool, seed a number, tags and the rest strings. */
  type: 'number' | 'string' | 'bool' | 'date';
  /** The column's name in the result. */
  label: string;
}

export interface SweepColumns {
  runIds: string[];
  /** Every param any selected run sets; null where a run does not. */
  params: Record<string, ParamValue[]>;
  /** One column per requested metric summary, by label; null where a run lacks it. */
  metrics: Record<string, (number | null)[]>;
  /** One column per requested run field, by label; null where a run lacks it. */
  runFields: Record<string, ParamValue[]>;
  /** Each run's lineage, when asked for (index i belongs to run i; null for a run it missed). */
  lineage?: (RunLineage | null)[];
}

type RunLineage = RunRecord['lineage'];

interface ParamRow {
  k: string;
  ids: string[];
  /** 0 number, 1 bool, 2 string */
  types: number[];
  /** The value as text; for numbers JavaScript's own String(v), written by processors/rows.ts. */
  strings: string[];
}

/** What paramsQuery reads of the run source (RunSourceQuery.reads). */
export const PARAMS_READS = 'param_keys, param_types, param_strings';

export function paramsQuery(source: string): string {
  return `
SELECT k, groupArray(run_id) AS ids, groupArray(toUInt8(multiIf(t = 'number', 0, t = 'bool', 1, 2))) AS types, groupArray(s) AS strings
FROM (SELECT run_id, param_keys, param_types, param_strings FROM (${source}))
ARRAY JOIN param_keys AS k, param_types AS t, param_strings AS s
GROUP BY k
ORDER BY k`;
}

export function runIdsQuery(source: string, limit: number): string {
  return `SELECT groupArray(run_id) AS ids FROM (SELECT run_id FROM (${source}) ORDER BY run_id LIMIT ${quoteInteger(Math.floor(limit))})`;
}

/** Per run of the selection: whether it has each field, and the field's value as text. */
export function runFieldsQuery(source: SelectionSource, refs: readonly RunFieldColumnRef[]): string {
  const sql = refs.map((r) => runFieldSql(r.field));
  const columns = `[${sql.map((f) => `toUInt8(${f.present})`).join(', ')}] AS has, [${sql.map((f) => `toString(${f.value})`).join(', ')}] AS text`;
  return `SELECT run_id, ${columns} FROM (${source(columns)})`;
}

/** Run field rows as columns aligned with `index`. */
export function runFieldColumns(found: readonly { run_id: string; has: number[]; text: string[] }[], refs: readonly RunFieldColumnRef[], index: ReadonlyMap<string, number>, n: number): Record<string, ParamValue[]> {
  const out = Object.create(null) as Record<string, ParamValue[]>;
  const columns = refs.map((r) => (out[r.label] = new Array<ParamValue>(n).fill(null)));
  for (const row of found) {
    const i = index.get(row.run_id);
    if (i === undefined) continue;
    refs.forEach((r, k) => {
      if (Number(row.has[k]) !== 1) return;
      const text = String(row.text[k]);
      columns[k]![i] = r.type === 'string' ? text : r.type === 'bool' ? text === '1' : Number(text);
    });
  }
  return out;
}

/** Scatters the grouped param rows into columns aligned with `index` (run id → position). */
export function paramColumns(rows: readonly ParamRow[], index: ReadonlyMap<string, number>, n: number): Record<string, ParamValue[]> {
  // No prototype: a param may be called "__proto__" or "constructor".
  const out = Object.create(null) as Record<string, ParamValue[]>;
  for (const row of rows) {
    const column = new Array<ParamValue>(n).fill(null);
    let any = false;
    for (let j = 0; j < row.ids.length; j++) {
      const i = index.get(row.ids[j]!);
      if (i === undefined) continue; // a run that arrived between the two queries
      const type = Number(row.types[j]);
      let v: ParamValue;
      if (type === 0) {
        const x = Number(row.strings[j]);
        v = Number.isFinite(x) ? x : null;
      } else if (type === 1) v = String(row.strings[j]).toLowerCase() === 'true'; // MLflow's text may be "True"
      else v = String(row.strings[j]);
      column[i] = v;
      any = true;
    }
    if (any) out[row.k] = column;
  }
  return out;
}

/** A metric column aligned with `runIds`; non-finite summaries (e.g. a mean of no points) become null. */
export function metricColumn(runIds: readonly string[], values: ReadonlyMap<string, number>): (number | null)[] {
  const out = new Array<number | null>(runIds.length);
  for (let i = 0; i < runIds.length; i++) {
    const v = values.get(runIds[i]!);
    out[i] = v !== undefined && Number.isFinite(v) ? v : null;
  }
  return out;
}

/**
 * Columns of the runs `source` selects: at most `limit` run ids (the caller asks one more than
 * it allows, to tell "too many"), params unless skipped, and the given metric summaries. Each
 * query reads a source with only the joins it needs.
 */
export async function loadSweepColumns(
  ch: ClickHouseClient,
  project: string,
  source: SelectionSource,
  opts: { limit: number; metrics: readonly MetricColumnRef[]; runFields?: readonly RunFieldColumnRef[]; skipParams?: boolean; lineage?: boolean },
): Promise<SweepColumns> {
  const runFields = opts.runFields ?? [];
  // Every query reads `limit` runs at most, so a selection far over the caller's limit (which it
  // refuses) cannot fill the API's memory first. Unordered: within the limit, that is every run.
  const limit = quoteInteger(Math.floor(opts.limit));
  const bounded: SelectionSource = (reads) => `SELECT * FROM (${source(reads)}) LIMIT ${limit}`;
  const [idRows, paramRows, metricMaps, runFieldRows, lineageRows] = await Promise.all([
    rows<{ ids: string[] }>(ch, runIdsQuery(source(''), opts.limit)),
    opts.skipParams ? Promise.resolve([] as ParamRow[]) : rows<ParamRow>(ch, paramsQuery(bounded(PARAMS_READS))),
    Promise.all(opts.metrics.map((m) => metricValues(ch, project, bounded(''), m))),
    runFields.length > 0 ? rows<{ run_id: string; has: number[]; text: string[] }>(ch, runFieldsQuery(bounded, runFields)) : Promise.resolve([]),
    opts.lineage ? rows(ch, `SELECT run_id, ${LINEAGE_READS} FROM (${bounded(LINEAGE_READS)})`) : Promise.resolve(undefined),
  ]);
  // ClickHouse orders by UTF-8 bytes; the canonical order is UTF-16 code units (they differ only
  // past U+FFFF). Sorting an already sorted array is a single pass.
  const runIds = (idRows[0]?.ids ?? []).sort();
  const index = new Map<string, number>();
  for (let i = 0; i < runIds.length; i++) index.set(runIds[i]!, i);
  const columns = Object.create(null) as Record<string, (number | null)[]>;
  opts.metrics.forEach((m, k) => (columns[m.label] = metricColumn(runIds, metricMaps[k]!)));
  const loaded: SweepColumns = { runIds, params: paramColumns(paramRows, index, runIds.length), metrics: columns, runFields: runFieldColumns(runFieldRows, runFields, index, runIds.length) };
  if (lineageRows) loaded.lineage = lineageColumn(lineageRows, index, runIds.length);
  return loaded;
}

/** Lineage rows aligned with `index`: null for a run the lineage query did not return (one that arrived between the queries); a row of a run not in `index` is left out. */
function lineageColumn(found: readonly Record<string, unknown>[], index: ReadonlyMap<string, number>, n: number): (RunLineage | null)[] {
  const out = new Array<RunLineage | null>(n).fill(null);
  for (const row of found) {
    const i = index.get(String(row.run_id));
    if (i !== undefined) out[i] = lineageOf(row);
  }
  return out;
}
