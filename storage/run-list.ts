// The run list over the run source: any number of sort keys, a total and stable order, and
// keyset pagination. Sort keys become fixed SQL per kind; every literal is quoted. A page of up
// to TWO_STEP_MAX_RUNS runs is read in two steps: the page's run ids and sort values (the only
// columns read of every run, so ClickHouse leaves the rest of the run source unread), then those
// runs' records by id. The steps are two reads: a run whose status or lifecycle changes between
// them is listed by the first and shown as the second finds it. Longer pages (exports, MLflow's
// searches of up to 50,000) are one query with every column: their id lists would not fit one.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { getRuns, RUN_SOURCE_ID_COPIES_WITH_ORPHANS, runSourceSql, toRunRecord, type RunRecord, type RunSourceQuery } from './runs.ts';
import { quoteInteger, quoteNumber, quoteString, quoteStringList } from './sql-quote.ts';
import { chunkStatsFor, SUMMARY_AGGREGATES, type SummaryAggregate } from './summaries.ts';

export type SortSpec =
  | { kind: 'attribute'; field: 'started_at' | 'name' | 'run_id'; direction: 'asc' | 'desc' }
  | { kind: 'param'; key: string; direction: 'asc' | 'desc' }
  | { kind: 'metric'; key: string; aggregate: SummaryAggregate; segment: string; direction: 'asc' | 'desc' };

/** The last row of a page, as the sort columns hold it: per key [has, isText, number, text]. */
export interface Keyset {
  keys: [number, number, number, string][];
  runId: string;
}

export interface ListRunsQuery extends RunSourceQuery {
  sorts: SortSpec[];
  limit: number;
  after?: Keyset;
  /** Each run's params as text too (RunRecord.paramTexts). */
  paramTexts?: boolean;
}

const ATTRIBUTE_SORT = {
  started_at: (i: number) => `1 AS h${i}, 0 AS t${i}, toFloat64(started_at_ms) AS n${i}, '' AS s${i}`,
  name: (i: number) => `1 AS h${i}, 0 AS t${i}, toFloat64(0) AS n${i}, name AS s${i}`,
  run_id: (i: number) => `1 AS h${i}, 0 AS t${i}, toFloat64(0) AS n${i}, run_id AS s${i}`,
} as const;

/** Pages up to this many runs are read in two steps (see above). */
export const TWO_STEP_MAX_RUNS = 200;

/** The longest id list (all its copies) a page's second step spells out; a longer one (ids of multibyte characters) is read in one step. */
const TWO_STEP_MAX_ID_BYTES = 128 * 1024;

/**
 * Each sort key becomes four columns: h (has a value; runs without come last in either
 * direction), t (text sorts after numbers), n (the number) and s (the text); run_id breaks
 * ties, so the order is total and pages never overlap or skip.
 * `records`: every column of the run source (one step); else the page's keys only (the first of two).
 */
export function listRunsSql(q: ListRunsQuery, opts: { records?: boolean } = {}): string {
  // Each sort key wraps the source in a layer that adds its columns; for the keys alone the
  // source gets only the parts the sort keys and the filter read (runSourceSql's reads).
  const layers = q.sorts.map((sort, i) => {
    switch (sort.kind) {
      case 'attribute':
        return (inner: string) => `SELECT *, ${ATTRIBUTE_SORT[sort.field](i)} FROM (${inner})`;
      case 'param': {
        const idx = `indexOf(param_keys, ${quoteString(sort.key)})`;
        return (inner: string) => `SELECT *, ${idx} > 0 AS h${i}, param_types[${idx}] = 'string' AS t${i},
          if(t${i}, toFloat64(0), param_numbers[${idx}]) AS n${i}, if(t${i}, param_strings[${idx}], '') AS s${i} FROM (${inner})`;
      }
      case 'metric':
        return (inner: string) => `SELECT * FROM (${inner}) AS sorted${i} ANY LEFT JOIN (
          SELECT run_id, toUInt8(1) AS h${i}, toUInt8(0) AS t${i}, toFloat64(${SUMMARY_AGGREGATES[sort.aggregate]}) AS n${i}, '' AS s${i}
          FROM ${chunkStatsFor(sort.aggregate)}
          WHERE project = ${quoteString(q.project)} AND key = ${quoteString(sort.key)} AND segment = ${quoteString(sort.segment)}
          GROUP BY run_id
        ) AS metric${i} USING run_id`;
    }
  });
  const reads = opts.records ? undefined : layers.map((layer) => layer('')).join('\n');
  const sql = layers.reduce((inner, layer) => layer(inner), runSourceSql({ ...q, reads }));
  const components: { column: string; desc: boolean; value?: string }[] = [];
  q.sorts.forEach((sort, i) => {
    const desc = sort.direction === 'desc';
    const k = q.after?.keys[i];
    components.push(
      { column: `h${i}`, desc: true, value: k && quoteInteger(k[0]) },
      { column: `t${i}`, desc: false, value: k && quoteInteger(k[1]) },
      { column: `n${i}`, desc, value: k && quoteNumber(k[2]) },
      { column: `s${i}`, desc, value: k && quoteString(k[3]) },
    );
  });
  components.push({ column: 'run_id', desc: false, value: q.after && quoteString(q.after.runId) });
  let where = '';
  if (q.after) {
    // Lexicographic "comes after" over mixed directions: the first differing component decides.
    const ors = components.map((c, i) => {
      const equal = components.slice(0, i).map((p) => `${p.column} = ${p.value}`);
      return `(${[...equal, `${c.column} ${c.desc ? '<' : '>'} ${c.value}`].join(' AND ')})`;
    });
    where = `WHERE ${ors.join(' OR ')}`;
  }
  const order = components.map((c) => `${c.column} ${c.desc ? 'DESC' : 'ASC'}`).join(', ');
  const columns = opts.records ? '*' : components.map((c) => c.column).join(', ');
  return `SELECT ${columns} FROM (${sql}) ${where} ORDER BY ${order} LIMIT ${quoteInteger(q.limit + 1)}`;
}

export interface RunListItem extends RunRecord {
  /** The value of each sort key for this run, in sort order (null when the run has none). */
  sortValues: (number | string | null)[];
}

interface PageRows {
  /** The sorted rows with their sort columns, up to limit + 1 (one more says there is more). */
  raw: Record<string, unknown>[];
  /** The records of the first `limit` of them, in the same order. */
  records: RunRecord[];
}

/** The page in one query with every column. */
async function oneStep(ch: ClickHouseClient, q: ListRunsQuery): Promise<PageRows> {
  const raw = await rows(ch, listRunsSql(q, { records: true }));
  return { raw, records: raw.slice(0, q.limit).map((r) => toRunRecord(r, q.paramTexts)) };
}

/** The page's keys, then its runs by id; in one step after all if their ids are too long to spell out. */
async function twoSteps(ch: ClickHouseClient, q: ListRunsQuery): Promise<PageRows> {
  const raw = await rows(ch, listRunsSql(q));
  const ids = raw.slice(0, q.limit).map((r) => String(r.run_id));
  if (ids.length === 0) return { raw, records: [] };
  if (Buffer.byteLength(quoteStringList(ids)) * RUN_SOURCE_ID_COPIES_WITH_ORPHANS > TWO_STEP_MAX_ID_BYTES) return oneStep(ch, q);
  const byId = new Map((await getRuns(ch, q, ids, { paramTexts: q.paramTexts })).map((r) => [r.id, r]));
  // Runs are never removed (a deleted one is marked), so each listed id finds its record.
  const records = ids.map((id) => {
    const record = byId.get(id);
    if (!record) throw new Error(`run ${id} was listed but not found by id`);
    return record;
  });
  return { raw, records };
}

export async function listRuns(ch: ClickHouseClient, q: ListRunsQuery): Promise<{ runs: RunListItem[]; last: Keyset | null; hasMore: boolean }> {
  const { raw, records } = q.limit <= TWO_STEP_MAX_RUNS ? await twoSteps(ch, q) : await oneStep(ch, q);
  const hasMore = raw.length > q.limit;
  const page = raw.slice(0, q.limit);
  const runs = page.map((r, k) => ({
    ...records[k]!,
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
