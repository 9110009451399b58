// The names a project has logged — which params (with their value types) and which metric
// keys (with their segments) — read from ClickHouse and cached per project for a few seconds;
// and, for pickers, its tag and library names (read fresh).
// Every filter, sort and column name is checked against them (query-api/filter/names.ts).
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteString } from './sql-quote.ts';

export type ParamType = 'number' | 'string' | 'bool';
/** param name → the value types it holds in the project. */
export type ParamNames = Map<string, Set<ParamType>>;
/** metric key → the segments it is logged with ('' for the unsegmented series). */
export type MetricNames = Map<string, Set<string>>;

/** Params of RunStarted and those set after start (run_param_updates; no FINAL: a replay only repeats a name). */
export function paramNamesSql(project: string): string {
  const p = quoteString(project);
  return `
SELECT k, t FROM
(
  SELECT param_keys, param_types FROM runs FINAL WHERE project = ${p}
  UNION ALL
  SELECT param_keys, param_types FROM run_param_updates WHERE project = ${p}
)
ARRAY JOIN param_keys AS k, param_types AS t
GROUP BY k, t`;
}

/**
 * Every (key, segment) a project has logged. Reads only the key and segment columns of the
 * summary rollup, whose sort key starts with (project, key, segment); no FINAL, as a replayed
 * chunk adds no new pair.
 */
export function metricNamesSql(project: string): string {
  return `
SELECT key, segment FROM metric_chunk_stats
WHERE project = ${quoteString(project)}
GROUP BY key, segment`;
}

/** Tag names (set at start or later) and library names of a project's runs, as (kind, name) rows. */
export function runFieldNamesSql(project: string): string {
  const p = quoteString(project);
  return `
SELECT 'tag' AS kind, k AS name FROM
(
  SELECT tag_keys FROM runs WHERE project = ${p}
  UNION ALL
  SELECT tag_keys FROM run_tag_updates WHERE project = ${p}
)
ARRAY JOIN tag_keys AS k
GROUP BY k
UNION ALL
SELECT 'library' AS kind, k AS name FROM runs ARRAY JOIN env_library_names AS k WHERE project = ${p} GROUP BY k`;
}

const NAMES_TTL_MS = 5_000;

const FRESH_ENOUGH_MS = 1_000;

type NamesCache<T> = Map<string, { at: number; value: Promise<T> }>;

const paramCache: NamesCache<ParamNames> = new Map();

const metricCache: NamesCache<MetricNames> = new Map();

/** A project's names, cached for a few seconds (every filter checks against one); `fresh` reloads it. */
function cachedNames<T>(cache: NamesCache<T>, project: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(project);
  // `fresh` still shares a load under a second old (or in flight): a burst of typos, or of
  // requests on an empty project, costs one scan, not one each.
  const maxAge = fresh ? FRESH_ENOUGH_MS : NAMES_TTL_MS;
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
export function paramNames(ch: ClickHouseClient, project: string, fresh = false): Promise<ParamNames> {
  return cachedNames(paramCache, project, fresh, async () =>
    setsByName((await rows<{ k: string; t: ParamType }>(ch, paramNamesSql(project))).map((r): [string, ParamType] => [r.k, r.t])),
  );
}

/** Which segments each metric key is logged with in a project ('' for the unsegmented series). */
export function metricNames(ch: ClickHouseClient, project: string, fresh = false): Promise<MetricNames> {
  return cachedNames(metricCache, project, fresh, async () =>
    setsByName((await rows<{ key: string; segment: string }>(ch, metricNamesSql(project))).map((r): [string, string] => [r.key, r.segment])),
  );
}

/** The tag names and library names a project's runs have (a tag once set counts), sorted; read fresh. */
export async function runFieldNames(ch: ClickHouseClient, project: string): Promise<{ tags: string[]; libraries: string[] }> {
  const found = await rows<{ kind: 'tag' | 'library'; name: string }>(ch, runFieldNamesSql(project));
  const names = (kind: string) => found.filter((r) => r.kind === kind).map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { tags: names('tag'), libraries: names('library') };
}
