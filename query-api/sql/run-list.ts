// The run source (runs with their status, filtered) and the run list built on it: any number
// of sort keys, a total and stable order, and keyset pagination. Every literal through the
// quoting module; sort keys through fixed SQL per kind. Joined subqueries carry aliases:
// current ClickHouse requires them (joined_subquery_requires_alias), 18.16 accepts them.
import { quoteInteger, quoteNumber, quoteString, quoteStringList } from '../../storage/sql-quote.ts';
import { FINISH_COLUMNS, ORPHAN_RUN_COLUMNS, RUN_COLUMNS, SUMMARY_AGGREGATES, type SortSpec } from './queries.ts';

export interface RunSourceQuery {
  project: string;
  experiment?: string;
  sweepId?: string;
  /** Only these runs (read by primary key; the ids are spelled out three times). */
  runIds?: string[];
  /** A compiled filter expression (query-api/filter/compile.ts) over the run source. */
  filterSql?: string;
}

/** How many times runSourceSql spells out a runIds list (for refuseLongIdList). */
export const RUN_SOURCE_ID_COPIES = 3;

/**
 * Runs of a project, one row each: RUN_COLUMNS, the RunFinished columns (FINISH_COLUMNS),
 * `orphaned` and `status_value` ('running' until a RunFinished; 'orphaned' for a run whose
 * RunStarted never arrived), filtered. Orphaned runs — metric points, artifacts or a
 * RunFinished under a run id with no RunStarted — are shown rather than hidden, with what is
 * known (their id, the earliest time seen as started_at_ms, their finish); they belong to no
 * experiment or sweep, so a query restricted to one skips looking for them.
 */
export function runSourceSql(q: RunSourceQuery): string {
  const p = quoteString(q.project);
  const ids = q.runIds ? ` AND run_id IN (${quoteStringList(q.runIds)})` : '';
  const where = [`project = ${p}`];
  if (q.experiment !== undefined) where.push(`experiment = ${quoteString(q.experiment)}`);
  if (q.sweepId !== undefined) where.push(`sweep_id = ${quoteString(q.sweepId)}`);
  const started = `SELECT ${RUN_COLUMNS}, toUInt8(0) AS orphaned FROM runs FINAL WHERE ${where.join(' AND ')}${ids}`;
  // Orphans: ids seen in the other event tables but not in runs. No FINAL: a replayed row only
  // repeats an id, which GROUP BY collapses.
  const orphans = `
    SELECT ${ORPHAN_RUN_COLUMNS}, toUInt8(1) AS orphaned FROM
    (
      SELECT run_id, min(seen_ms) AS first_seen_ms FROM
      (
        SELECT run_id, last_wall_time_ms AS seen_ms FROM metric_chunks WHERE project = ${p}
        UNION ALL SELECT run_id, ended_at_ms AS seen_ms FROM run_finishes WHERE project = ${p}
        UNION ALL SELECT run_id, logged_at_ms AS seen_ms FROM artifacts WHERE project = ${p}
      )
      WHERE run_id NOT IN (SELECT run_id FROM runs WHERE project = ${p})${ids}
      GROUP BY run_id
    )`;
  const restricted = q.experiment !== undefined || q.sweepId !== undefined;
  const all = restricted ? started : `${started}\n    UNION ALL${orphans}`;
  const source = `
  SELECT *, if(orphaned = 1, 'orphaned', if(has_finish = 1, finish_status, 'running')) AS status_value FROM
  (
    ${all}
  ) AS started
  ANY LEFT JOIN
  (
    SELECT run_id, ${FINISH_COLUMNS} FROM run_finishes FINAL WHERE project = ${p}${ids}
  ) AS finished USING run_id`;
  return q.filterSql ? `SELECT * FROM (${source}) WHERE ${q.filterSql}` : source;
}

/** The last row of a page, as the sort columns hold it: per key [has, isText, number, text]. */
export interface Keyset {
  keys: [number, number, number, string][];
  runId: string;
}

export interface ListRunsQuery extends RunSourceQuery {
  sorts: SortSpec[];
  limit: number;
  after?: Keyset;
}

const ATTRIBUTE_SORT = {
  started_at: (i: number) => `1 AS h${i}, 0 AS t${i}, toFloat64(started_at_ms) AS n${i}, '' AS s${i}`,
  name: (i: number) => `1 AS h${i}, 0 AS t${i}, toFloat64(0) AS n${i}, name AS s${i}`,
  run_id: (i: number) => `1 AS h${i}, 0 AS t${i}, toFloat64(0) AS n${i}, run_id AS s${i}`,
} as const;

/**
 * Each sort key becomes four columns: h (has a value; runs without come last in either
 * direction), t (text sorts after numbers), n (the number) and s (the text); run_id breaks
 * ties, so the order is total and pages never overlap or skip.
 */
export function listRunsSql(q: ListRunsQuery): string {
  let sql = runSourceSql(q);
  q.sorts.forEach((sort, i) => {
    switch (sort.kind) {
      case 'attribute':
        sql = `SELECT *, ${ATTRIBUTE_SORT[sort.field](i)} FROM (${sql})`;
        break;
      case 'param': {
        const idx = `indexOf(param_keys, ${quoteString(sort.key)})`;
        sql = `SELECT *, ${idx} > 0 AS h${i}, param_types[${idx}] = 'string' AS t${i},
          if(t${i}, toFloat64(0), param_numbers[${idx}]) AS n${i}, if(t${i}, param_strings[${idx}], '') AS s${i} FROM (${sql})`;
        break;
      }
      case 'metric':
        sql = `SELECT * FROM (${sql}) AS sorted${i} ANY LEFT JOIN (
          SELECT run_id, toUInt8(1) AS h${i}, toUInt8(0) AS t${i}, toFloat64(${SUMMARY_AGGREGATES[sort.aggregate]}) AS n${i}, '' AS s${i}
          FROM metric_chunk_stats FINAL
          WHERE project = ${quoteString(q.project)} AND key = ${quoteString(sort.key)} AND segment = ${quoteString(sort.segment)}
          GROUP BY run_id
        ) AS metric${i} USING run_id`;
        break;
    }
  });
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
  return `SELECT * FROM (${sql}) ${where} ORDER BY ${order} LIMIT ${quoteInteger(q.limit + 1)}`;
}
