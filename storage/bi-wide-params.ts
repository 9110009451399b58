// The BI contract's wide per-sweep params (docs/bi.md): one view per sweep, one row per run and
// one column per param of the sweep — what Superset and Metabase chart without a pivot. A view
// cannot grow columns by itself, so `runlens bi-wide-params` makes it from the params the sweep
// holds when run (run it again to add new ones). Named bi_v1_params_wide__<name>, filtered to
// its project and sweep, in the runlens database and in the database of each BI user of the
// project (storage/bi-users.ts). Pure: statements here, running them in cli/bi-wide-params.ts.
import { onClusterSql } from './cluster.ts';
import { quoteString } from './sql-quote.ts';

export const WIDE_PARAMS_PREFIX = 'bi_v1_params_wide__';

export interface WideParam {
  name: string;
  /** The value types the param holds in the sweep (bi_v1_params.value_type). */
  types: string[];
}

const NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** Why a wide view name cannot be used, or null. */
export function wideNameError(name: string): string | null {
  return NAME.test(name) ? null : `wide params view name "${name}" must be 1 to 48 characters of a-z, 0-9 and _, starting with a letter`;
}

/** The default name of a sweep's wide view: the sweep id in lower case, other characters as _. */
export const wideNameOf = (sweepId: string) => {
  const n = sweepId.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 48);
  return /^[a-z]/.test(n) ? n : `s_${n}`.slice(0, 48);
};

/** A column name for any param name (backquoted; a backquote or backslash in it escaped). */
const column = (name: string) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;

const sweepRuns = (database: string, project: string, sweepId: string) =>
  `SELECT run_id FROM ${database}.bi_v1_runs WHERE project = ${quoteString(project)} AND sweep_id = ${quoteString(sweepId)}`;

/** The sweep's params with the value types each holds. */
export function sweepParamsSql(database: string, project: string, sweepId: string): string {
  return `SELECT param AS name, groupUniqArray(value_type) AS types FROM ${database}.bi_v1_params
WHERE project = ${quoteString(project)} AND run_id IN (${sweepRuns(database, project, sweepId)})
GROUP BY param ORDER BY param`;
}

/**
 * The wide view: project, run_id, sweep_id, then one column per param — Nullable(Float64) for a
 * param that holds only numbers or bools (bools as 0/1), Nullable(String) (its text) otherwise;
 * NULL for a run without it. On a cluster, made on every server.
 */
export function wideParamsViewSql(database: string, name: string, project: string, sweepId: string, params: WideParam[], cluster?: string): string {
  if (params.length === 0) throw new Error(`sweep ${sweepId} of project ${project} has no params`);
  const columns = params.map((p) => {
    const numeric = p.types.every((t) => t === 'number' || t === 'bool');
    const has = `countIf(param = ${quoteString(p.name)}) > 0`;
    const value = numeric ? `anyIf(assumeNotNull(value_number), param = ${quoteString(p.name)})` : `anyIf(value_text, param = ${quoteString(p.name)})`;
    return `if(${has}, toNullable(${value}), NULL) AS ${column(p.name)}`;
  });
  return `CREATE VIEW IF NOT EXISTS ${database}.${WIDE_PARAMS_PREFIX}${name}${onClusterSql(cluster)}
AS SELECT project, run_id, ${quoteString(sweepId)} AS sweep_id,
    ${columns.join(',\n    ')}
FROM
(
    SELECT project, run_id, param, value_number, value_text FROM ${database}.bi_v1_params
    WHERE project = ${quoteString(project)} AND run_id IN (${sweepRuns(database, project, sweepId)})
)
GROUP BY project, run_id`;
}

/** Drops the wide view (to make it again with the sweep's params of now); on a cluster, on every server. */
export function dropWideParamsViewSql(database: string, view: string, cluster?: string): string {
  return `DROP TABLE IF EXISTS ${database}.${view}${onClusterSql(cluster)}`;
}

/** 24.4 and later: the wide view in a BI user's database, as that user reads the others (bi-users.ts; before 24.4, legacyBiTableSql). */
export function sqlWideParamsForUserSql(database: string, view: string, user: string): string {
  return `CREATE VIEW IF NOT EXISTS ${user}.${view} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT * FROM ${database}.${view}`;
}

/** The wide views of a project (column `wide_name`: the name without the prefix): found by their project filter. */
export function wideViewsOfProjectSql(database: string, project: string): string {
  return `SELECT substring(name, ${WIDE_PARAMS_PREFIX.length + 1}) AS wide_name FROM system.tables
WHERE database = ${quoteString(database)} AND substring(name, 1, ${WIDE_PARAMS_PREFIX.length}) = ${quoteString(WIDE_PARAMS_PREFIX)}
  AND position(create_table_query, ${quoteString(`project = ${quoteString(project)}`)}) > 0 ORDER BY wide_name`;
}
