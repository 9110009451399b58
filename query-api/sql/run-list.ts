// The run source (runs with their status, filtered) and the run list built on it: any number
// of sort keys, a total and stable order, and keyset pagination. Every literal through the
// quoting module; sort keys through fixed SQL per kind. Joined subqueries carry aliases:
// current ClickHouse requires them (joined_subquery_requires_alias), 18.16 accepts them.
import { quoteInteger, quoteNumber, quoteString } from '../../common/sql-quote.ts';
import { RUN_COLUMNS, SUMMARY_AGGREGATES, type SortSpec } from './queries.ts';

export interface RunSourceQuery {
  project: string;
  experiment?: string;
  sweepId?: string;
  /** A compiled filter expression (query-api/filter/compile.ts) over the run source. */
  filterSql?: string;
}

/** Runs of a project with status_value ('running' until a RunFinished), filtered. */
export function runSourceSql(q: RunSourceQuery): string {
  const p = quoteString(q.project);
  const where = [`project = ${p}`];
  if (q.experiment !== undefined) where.push(`experiment = ${quoteString(q.experiment)}`);
  if (q.sweepId !== undefined) where.push(`sweep_id = ${quoteString(q.sweepId)}`);
  const source = `
  SELECT *, if(has_finish = 1, finish_status, 'running') AS status_value FROM
  (
    SELECT ${RUN_COLUMNS} FROM runs FINAL WHERE ${where.join(' AND ')}
  ) AS started
  ANY LEFT JOIN
  (
    SELECT run_id, status AS finish_status, ended_at_ms, duration_ms, 1 AS has_finish FROM run_finishes FINAL WHERE project = ${p}
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
