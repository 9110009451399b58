// Field paths of the filter language and the type of value each holds.
//   params.<name>                      typed per run: number, string or bool
//   tags.<name>                        string
//   metrics.<key>[<segment>].<agg>     number; agg ∈ last (default), min, max, mean, count
//   lineage.<name>                     git_commit, data_version, host, parent_run_id, language,
//                                      language_version, hardware (strings), git_dirty (bool), seed (number)
//   lineage.libraries.<name>           string (a library version)
//   run_id, name, experiment, sweep, user, status (strings), started_at (a date)
import type { Aggregate, AttributeName, Expr, Field, LineageName } from '../../storage/run-filter/ast.ts';

export type ValueType = 'number' | 'string' | 'bool' | 'date' | 'param';

const ATTRIBUTES: Record<AttributeName, ValueType> = {
  run_id: 'string', name: 'string', experiment: 'string', sweep: 'string', user: 'string', status: 'string', started_at: 'date',
};
const LINEAGE: Record<LineageName, ValueType> = {
  git_commit: 'string', git_dirty: 'bool', data_version: 'string', seed: 'number', host: 'string',
  parent_run_id: 'string', language: 'string', language_version: 'string', hardware: 'string',
};
export const AGGREGATE_NAMES: readonly Aggregate[] = ['last', 'min', 'max', 'mean', 'count'];
const AGGREGATES = new Set<Aggregate>(AGGREGATE_NAMES);
export const LINEAGE_NAMES = Object.keys(LINEAGE) as LineageName[];

export function fieldType(f: Field): ValueType {
  switch (f.kind) {
    case 'param': return 'param';
    case 'tag': return 'string';
    case 'metric': return 'number';
    case 'attribute': return ATTRIBUTES[f.name];
    case 'lineage': return LINEAGE[f.name];
    case 'library': return 'string';
  }
}

export function fieldLabel(f: Field): string {
  switch (f.kind) {
    case 'param': return `params.${f.name}`;
    case 'tag': return `tags.${f.name}`;
    case 'metric': return `metrics.${f.key}${f.segment ? `[${f.segment}]` : ''}.${f.aggregate}`;
    case 'attribute': return f.name;
    case 'lineage': return `lineage.${f.name}`;
    case 'library': return `lineage.libraries.${f.name}`;
  }
}

/** Resolves a field path, or returns what was expected instead. */
export function parseField(path: string): Field | string {
  if (Object.prototype.hasOwnProperty.call(ATTRIBUTES, path)) return { kind: 'attribute', name: path as AttributeName };
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? '' : path.slice(dot + 1);
  switch (head) {
    case 'params':
      return rest ? { kind: 'param', name: rest } : 'a param name after "params."';
    case 'tags':
      return rest ? { kind: 'tag', name: rest } : 'a tag name after "tags."';
    case 'lineage': {
      if (rest.startsWith('libraries.') && rest.length > 'libraries.'.length) return { kind: 'library', name: rest.slice('libraries.'.length) };
      if (Object.prototype.hasOwnProperty.call(LINEAGE, rest)) return { kind: 'lineage', name: rest as LineageName };
      return `one of lineage.${Object.keys(LINEAGE).join(', lineage.')} or lineage.libraries.<name>`;
    }
    case 'metrics': {
      let key = rest;
      let aggregate: Aggregate = 'last';
      let segment = '';
      const agg = /\.([A-Za-z_]\w*)$/.exec(key);
      if (agg && AGGREGATES.has(agg[1] as Aggregate)) {
        aggregate = agg[1] as Aggregate;
        key = key.slice(0, -agg[0].length);
      } else if (agg && /\]$/.test(key.slice(0, -agg[0].length))) {
        return `an aggregate after the segment: last, min, max, mean or count (not "${agg[1]}")`;
      }
      const seg = /^(.*)\[([^\]]*)\]$/.exec(key);
      if (seg) {
        key = seg[1]!;
        segment = seg[2]!;
        if (!segment) return 'a segment inside [], e.g. metrics.val/acc[class=cat].max';
      }
      return key ? { kind: 'metric', key, segment, aggregate } : 'a metric key after "metrics."';
    }
    default:
      return `a field: params.<name>, metrics.<key>[.<aggregate>], tags.<name>, lineage.<name> or one of ${Object.keys(ATTRIBUTES).join(', ')}`;
  }
}

/** Every field a filter names, in order (for loading the names it is checked against). */
export function fieldsIn(e: Expr): Field[] {
  const out: Field[] = [];
  // Iterative: a long chain of 'or' is a deep left-leaning tree.
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === 'and' || x.kind === 'or') stack.push(x.right, x.left);
    else if (x.kind === 'not') stack.push(x.expr);
    else out.push(x.field);
  }
  return out;
}
