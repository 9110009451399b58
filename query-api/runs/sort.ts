// Parses the `sort` parameter of GET /v1/runs:
//   params.<key>[:asc|desc]                     e.g. params.lr:asc
//   metrics.<key>[[<segment>]][.<aggregate>]    e.g. metrics.val/acc.max:desc, metrics.val/acc[class=cat].last
//   started_at | name | run_id
// The aggregate defaults to `last`. A metric key that itself ends in .last/.min/… must name
// its aggregate explicitly (metrics.x.max.last). Keys may hold ':', so a ":word" suffix other
// than asc/desc stays in the key; checkSorts then tells an unknown direction from a key.
import { SqlInputError } from '../../storage/sql-quote.ts';
import { unknownMetric, unknownParam } from '../filter/names.ts';
import { type MetricNames, type ParamNames } from '../../storage/project-names.ts';
import { SUMMARY_AGGREGATES, type SummaryAggregate } from '../../storage/summaries.ts';
import { type SortSpec } from '../../storage/run-list.ts';

const AGGREGATE = new RegExp(`\\.(${Object.keys(SUMMARY_AGGREGATES).join('|')})$`);

export function parseSort(input: string): SortSpec {
  // Ingest refuses control characters in keys, so no sort could match one; saying so beats a
  // sort that silently finds nothing (and `.` below would not match a newline anyway).
  if (/[\u0000-\u001f\u007f]/.test(input)) throw new SqlInputError('sort: param and metric names contain no control characters');
  const m = /^(.*?)(?::(asc|desc))?$/is.exec(input.trim())!;
  const field = m[1]!;
  const direction = (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc';
  if (field === 'started_at' || field === 'name' || field === 'run_id') return { kind: 'attribute', field, direction };
  if (field.startsWith('params.')) {
    const key = field.slice('params.'.length);
    if (!key) throw new SqlInputError(`sort "${input}": missing param name after "params."`);
    return { kind: 'param', key, direction };
  }
  if (field.startsWith('metrics.')) {
    let rest = field.slice('metrics.'.length);
    let aggregate: SummaryAggregate = 'last';
    const a = AGGREGATE.exec(rest);
    if (a) {
      aggregate = a[1] as SummaryAggregate;
      rest = rest.slice(0, -a[0].length);
    }
    let segment = '';
    const s = /^(.*)\[([^\]]*)\]$/s.exec(rest);
    if (s) {
      rest = s[1]!;
      segment = s[2]!;
      if (!segment) throw new SqlInputError(`sort "${input}": empty segment in []`);
    }
    if (!rest) throw new SqlInputError(`sort "${input}": missing metric name after "metrics."`);
    return { kind: 'metric', key: rest, segment, aggregate, direction };
  }
  const attr = /^(started_at|name|run_id):(.*)$/s.exec(field);
  if (attr) throw new SqlInputError(`sort "${input}": unknown direction '${attr[2]}'; use :asc or :desc`);
  throw new SqlInputError(
    `sort "${input}": expected params.<name>, metrics.<name>[.last|.min|.max|.mean|.count] or one of started_at, name, run_id, optionally followed by :asc or :desc`,
  );
}

export const MAX_SORT_KEYS = 5;

/** A comma-separated list of sort keys (commas inside a [segment] do not split). */
export function parseSorts(input: string): SortSpec[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const keys = parts.map((p) => p.trim()).filter(Boolean);
  if (keys.length === 0) throw new SqlInputError('sort is empty; e.g. sort=metrics.val/acc.max:desc,params.lr:asc');
  if (keys.length > MAX_SORT_KEYS) throw new SqlInputError(`sort takes at most ${MAX_SORT_KEYS} keys, got ${keys.length}`);
  return keys.map(parseSort);
}

/** The param or metric a sort key names, for loading the names it is checked against. */
type SortName = { kind: 'param'; name: string } | { kind: 'metric'; key: string; segment: string };
export function sortNames(sorts: readonly SortSpec[]): SortName[] {
  return sorts.flatMap((s): SortName[] => (s.kind === 'param' ? [{ kind: 'param', name: s.key }] : s.kind === 'metric' ? [{ kind: 'metric', key: s.key, segment: s.segment }] : []));
}

function unknown(spec: SortSpec, params: ParamNames | undefined, metrics: MetricNames | undefined): string | null {
  if (spec.kind === 'param') return unknownParam(spec.key, params);
  if (spec.kind === 'metric') return unknownMetric(spec, metrics, { prefix: 'metrics.', aggregates: true });
  return null;
}

/** Refuses sort keys naming params or metrics the project does not hold (see filter/names.ts for an empty project). */
export function checkSorts(sorts: readonly SortSpec[], params: ParamNames | undefined, metrics: MetricNames | undefined): void {
  for (const spec of sorts) {
    const why = unknown(spec, params, metrics);
    if (!why) continue;
    // metrics.loss:up kept ':up' in the key: if the key without it is known, the direction is what is wrong.
    const suffix = spec.kind === 'attribute' ? null : /^(.*):([^:]*)$/s.exec(spec.key);
    if (suffix) {
      const text = `${spec.kind === 'param' ? 'params' : 'metrics'}.${suffix[1]}`;
      let alternative: SortSpec | null = null;
      try {
        alternative = parseSort(text);
      } catch {
        // not a key either way
      }
      const keyKnown = alternative !== null && unknown(alternative, params, metrics) === null;
      throw new SqlInputError(`sort "${text}:${suffix[2]}": unknown direction '${suffix[2]}'; use :asc or :desc${keyKnown ? '' : ` (or ${why})`}`);
    }
    throw new SqlInputError(`sort: ${why}`);
  }
}
