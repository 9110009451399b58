// A plain in-memory evaluation of the filter language, written from the documented semantics
// (query-api/filter/compile.ts header) and used as the oracle of the property test. It shares
// only the syntax tree with the product, not any SQL.
import type { Expr, Field, Literal } from '../../storage/run-filter/ast.ts';

export interface RefRun {
  id: string;
  name: string;
  experiment: string;
  sweep: string | null;
  user: string;
  status: string;
  startedAt: number;
  params: Record<string, number | string | boolean>;
  tags: Record<string, string>;
  lineage: { git_commit: string | null; git_dirty: boolean; data_version: string | null; seed: number | null; host: string | null; parent_run_id: string | null; language: string; language_version: string; hardware: string | null };
  libraries: Record<string, string>;
  /** By `${key}|${segment}`. */
  metrics: Map<string, { last: number; min: number; max: number; mean: number; count: number }>;
}

type Value = number | string | boolean | null;

function valueOf(run: RefRun, f: Field): Value {
  switch (f.kind) {
    case 'param': return run.params[f.name] ?? null;
    case 'tag': return run.tags[f.name] ?? null;
    case 'library': return run.libraries[f.name] ?? null;
    case 'lineage': return run.lineage[f.name];
    case 'metric': return run.metrics.get(`${f.key}|${f.segment}`)?.[f.aggregate] ?? null;
    case 'attribute':
      switch (f.name) {
        case 'run_id': return run.id;
        case 'sweep': return run.sweep;
        case 'started_at': return run.startedAt;
        default: return run[f.name];
      }
  }
}

function literal(f: Field, l: Literal): Value {
  if (f.kind === 'attribute' && f.name === 'started_at' && l.kind === 'string') return Date.parse(l.value);
  return l.value;
}

/** Same type only: a number never equals a string, a bool only a bool; missing is false. */
function compare(a: Value, op: string, b: Value): boolean {
  if (a === null || b === null || typeof a !== typeof b) return false;
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return (a as number) < (b as number);
    case '<=': return (a as number) <= (b as number);
    case '>': return (a as number) > (b as number);
    case '>=': return (a as number) >= (b as number);
  }
  throw new Error(op);
}

function like(value: string, pattern: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

export function evaluate(e: Expr, run: RefRun): boolean {
  switch (e.kind) {
    case 'and': return evaluate(e.left, run) && evaluate(e.right, run);
    case 'or': return evaluate(e.left, run) || evaluate(e.right, run);
    case 'not': return !evaluate(e.expr, run);
    case 'exists': return valueOf(run, e.field) !== null;
    case 'compare': return compare(valueOf(run, e.field), e.op, literal(e.field, e.value));
    case 'in': {
      const v = valueOf(run, e.field);
      if (v === null || typeof v !== typeof literal(e.field, e.values[0]!)) return false;
      const hit = e.values.some((l) => compare(v, '=', literal(e.field, l)));
      return e.negated ? !hit : hit;
    }
    case 'like': {
      const v = valueOf(run, e.field);
      if (typeof v !== 'string') return false;
      return e.negated ? !like(v, e.pattern) : like(v, e.pattern);
    }
  }
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const lit = (l: Literal) => (l.kind === 'string' ? quote(l.value) : String(l.value));

export function fieldText(f: Field): string {
  switch (f.kind) {
    case 'param': return `params.${f.name}`;
    case 'tag': return `tags.${f.name}`;
    case 'library': return `lineage.libraries.${f.name}`;
    case 'lineage': return `lineage.${f.name}`;
    case 'attribute': return f.name;
    case 'metric': return `metrics.${f.key}${f.segment ? `[${f.segment}]` : ''}.${f.aggregate}`;
  }
}

/** Prints a tree back as filter text (fully parenthesised). */
export function print(e: Expr): string {
  switch (e.kind) {
    case 'and': return `(${print(e.left)} and ${print(e.right)})`;
    case 'or': return `(${print(e.left)} or ${print(e.right)})`;
    case 'not': return `not ${print(e.expr)}`;
    case 'exists': return `exists ${fieldText(e.field)}`;
    case 'compare': return `${fieldText(e.field)} ${e.op} ${lit(e.value)}`;
    case 'in': return `${fieldText(e.field)}${e.negated ? ' not' : ''} in (${e.values.map(lit).join(', ')})`;
    case 'like': return `${fieldText(e.field)}${e.negated ? ' not' : ''} like ${quote(e.pattern)}`;
  }
}
