// Parses the `sort` parameter of GET /v1/runs:
//   params.<key>[:asc|desc]                     e.g. params.lr:asc
//   metrics.<key>[[<segment>]][.<aggregate>]    e.g. metrics.val/acc.max:desc, metrics.val/acc[class=cat].last
//   started_at | name | run_id
// The aggregate defaults to `last`. A metric key that itself ends in .last/.min/… must name
// its aggregate explicitly (metrics.x.max.last).
import { SqlInputError } from '../../common/sql-quote.ts';
import { SUMMARY_AGGREGATES, type SortSpec, type SummaryAggregate } from './queries.ts';

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
