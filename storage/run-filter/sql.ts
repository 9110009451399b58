// Compiles a checked filter tree (query-api/filter/check.ts has refused unknown names and type
// mismatches) into a ClickHouse boolean expression over the run source (runSourceSql). Every
// literal goes through the quoting module; field names never reach SQL except as quoted literals.
//
// Missing values: a comparison, 'in' or 'like' on a field a run does not have is false, and
// 'not' negates that, so `not params.warmup = 0` keeps runs without warmup. Use
// `exists params.warmup` to test presence.
import { quoteNumber, quoteString } from '../sql-quote.ts';
import { chunkStatsFor, SUMMARY_AGGREGATES } from '../summaries.ts';
import type { Expr, Field, Literal } from './ast.ts';
import type { MetricNames, ParamNames } from '../project-names.ts';


export interface RunFilterContext {
  project: string;
  /** The project's names: an `exists` on a param or metric no run has compiles to false. */
  params?: ParamNames;
  metrics?: MetricNames;
}


const LINEAGE_COLUMNS = {
  git_commit: 'git_commit', data_version: 'data_version', host: 'host', parent_run_id: 'parent_run_id',
  language: 'env_language', language_version: 'env_language_version', hardware: 'env_hardware',
} as const;

const ATTRIBUTE_COLUMNS = { run_id: 'run_id', name: 'name', experiment: 'experiment', sweep: 'sweep_id', user: 'user', status: 'status_value' } as const;

function literalSql(v: Literal): string {
  if (v.kind === 'number') return quoteNumber(v.value);
  if (v.kind === 'bool') return v.value ? '1' : '0';
  return quoteString(v.value);
}

function dateMs(v: Literal): string {
  return quoteNumber(v.kind === 'number' ? v.value : Date.parse((v as { value: string }).value));
}

/** A value expression for the field, and the condition under which the run has it. */
function access(f: Field, literalKind: Literal['kind']): { value: string; present: string } {
  switch (f.kind) {
    case 'param': {
      const k = quoteString(f.name);
      const idx = `indexOf(param_keys, ${k})`;
      if (literalKind === 'string') return { value: `param_strings[${idx}]`, present: `param_types[${idx}] = 'string'` };
      if (literalKind === 'bool') return { value: `param_numbers[${idx}]`, present: `param_types[${idx}] = 'bool'` };
      return { value: `param_numbers[${idx}]`, present: `param_types[${idx}] = 'number'` };
    }
    case 'tag': {
      const k = quoteString(f.name);
      return { value: `tag_values[indexOf(tag_keys, ${k})]`, present: `has(tag_keys, ${k})` };
    }
    case 'library': {
      const k = quoteString(f.name);
      return { value: `env_library_versions[indexOf(env_library_names, ${k})]`, present: `has(env_library_names, ${k})` };
    }
    case 'lineage':
      if (f.name === 'git_dirty') return { value: 'git_dirty', present: '1' };
      if (f.name === 'seed') return { value: 'assumeNotNull(seed)', present: 'isNotNull(seed)' };
      return { value: LINEAGE_COLUMNS[f.name], present: `${LINEAGE_COLUMNS[f.name]} != ''` };
    case 'attribute':
      if (f.name === 'started_at') return { value: 'started_at_ms', present: '1' };
      if (f.name === 'sweep') return { value: 'sweep_id', present: "sweep_id != ''" };
      return { value: ATTRIBUTE_COLUMNS[f.name], present: '1' };
    case 'metric':
      throw new Error('metrics compile to subqueries');
  }
}

/** A field held on the run itself (tag, lineage, library, attribute) as SQL over the run source. */
export type RunField = Exclude<Field, { kind: 'param' | 'metric' }>;

/** A run field's value expression, and the condition under which a run has it. */
export function runFieldSql(f: RunField): { value: string; present: string } {
  return access(f, 'string');
}

function metricSubquery(f: Extract<Field, { kind: 'metric' }>, ctx: RunFilterContext, having: string | null): string {
  const where = `project = ${quoteString(ctx.project)} AND key = ${quoteString(f.key)} AND segment = ${quoteString(f.segment)}`;
  if (having === null) return `run_id IN (SELECT run_id FROM metric_chunk_stats WHERE ${where})`;
  return `run_id IN (SELECT run_id FROM ${chunkStatsFor(f.aggregate)} WHERE ${where} GROUP BY run_id HAVING ${SUMMARY_AGGREGATES[f.aggregate]} ${having})`;
}

/** The operands of a chain of one operator, in order: ((a or b) or c) → [a, b, c]. */
function operandsOf(e: Expr, kind: 'and' | 'or'): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === kind) stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}

/** The filter as a boolean expression over the run source's columns. */
export function runFilterSql(e: Expr, ctx: RunFilterContext): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      // A chain `a or b or c …` parses left-deep; written flat, ClickHouse reads it as one
      // and()/or() of n arguments, so its AST depth does not grow with the length of the chain.
      return `(${operandsOf(e, e.kind).map((x) => runFilterSql(x, ctx)).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${runFilterSql(e.expr, ctx)})`;
    case 'exists': {
      const f = e.field;
      // Like a param, a metric no run has logged simply does not exist on any run.
      if (f.kind === 'metric') return ctx.metrics && !ctx.metrics.get(f.key)?.has(f.segment) ? '0' : metricSubquery(f, ctx, null);
      if (f.kind === 'param') {
        if (ctx.params && !ctx.params.has(f.name)) return '0';
        return `has(param_keys, ${quoteString(f.name)})`;
      }
      return access(f, 'string').present;
    }
    case 'compare': {
      const f = e.field;
      if (f.kind === 'metric') {
        return metricSubquery(f, ctx, `${e.op} ${literalSql(e.value)}`);
      }
      const a = access(f, e.value.kind);
      const v = f.kind === 'attribute' && f.name === 'started_at' ? dateMs(e.value) : literalSql(e.value);
      return `(${a.present} AND ${a.value} ${e.op} ${v})`;
    }
    case 'in': {
      const f = e.field;
      const list = e.values.map((v) => (f.kind === 'attribute' && f.name === 'started_at' ? dateMs(v) : literalSql(v))).join(', ');
      const op = e.negated ? 'NOT IN' : 'IN';
      if (f.kind === 'metric') {
        return metricSubquery(f, ctx, `${op} (${list})`);
      }
      const a = access(f, e.values[0]!.kind);
      return `(${a.present} AND ${a.value} ${op} (${list}))`;
    }
    case 'like': {
      const f = e.field;
      if (f.kind === 'metric') throw new Error("'like' on a metric is refused by the filter check");
      const a = access(f, 'string');
      const op = e.negated ? 'NOT LIKE' : 'LIKE';
      // ilike: both sides lowercased by the same ClickHouse function (ClickHouse 18.16 has no
      // ILIKE operator; lowerUTF8 exists on 18.16 and current versions alike).
      if (e.caseInsensitive) return `(${a.present} AND lowerUTF8(${a.value}) ${op} lowerUTF8(${quoteString(e.pattern)}))`;
      return `(${a.present} AND ${a.value} ${op} ${quoteString(e.pattern)})`;
    }
  }
}
