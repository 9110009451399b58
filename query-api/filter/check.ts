// Checks a parsed filter against the project's names before it is compiled: a param or metric
// no run has, a comparison of a param with a literal of another type, or 'like'/'ilike' on a metric is
// a FilterError at the position of the condition. (`exists` is never an error: an unknown name
// simply exists on no run.) Pure.
import type { MetricNames, ParamNames } from '../../storage/project-names.ts';
import type { Expr, Field, Literal } from '../../storage/run-filter/ast.ts';
import { FilterError } from './errors.ts';
import { fieldLabel } from './fields.ts';
import { unknownMetric, unknownParam } from './names.ts';

export interface CheckContext {
  input: string;
  /** When given, params are checked against it (unknown names and type mismatches are errors). */
  params?: ParamNames;
  /** When given, metric keys and segments are checked against it. */
  metrics?: MetricNames;
}

function checkParam(name: string, kind: Literal['kind'], ctx: CheckContext, at: number): void {
  const unknown = unknownParam(name, ctx.params);
  if (unknown) throw new FilterError(unknown, ctx.input, at);
  const types = ctx.params?.get(name);
  if (types && !types.has(kind)) {
    const held = [...types].join(' or ');
    throw new FilterError(`params.${name} holds ${held} values in this project; compare it with a ${held}, not a ${kind}`, ctx.input, at);
  }
}

function checkField(f: Field, kind: Literal['kind'], ctx: CheckContext, at: number): void {
  if (f.kind === 'param') checkParam(f.name, kind, ctx, at);
  if (f.kind === 'metric') {
    const unknown = unknownMetric(f, ctx.metrics, { prefix: 'metrics.', aggregates: true });
    if (unknown) throw new FilterError(unknown, ctx.input, at);
  }
}

/** Throws a FilterError for the first condition (left to right) the project's names refuse. */
export function checkFilter(e: Expr, ctx: CheckContext): void {
  // Iterative: a chain of hundreds of and/or terms parses as a tree that deep.
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    switch (x.kind) {
      case 'and':
      case 'or':
        stack.push(x.right, x.left);
        break;
      case 'not':
        stack.push(x.expr);
        break;
      case 'exists':
        break;
      case 'compare':
        checkField(x.field, x.value.kind, ctx, x.at);
        break;
      case 'in':
        checkField(x.field, x.values[0]!.kind, ctx, x.at);
        break;
      case 'like':
        if (x.field.kind === 'metric') throw new FilterError(`'${x.caseInsensitive ? 'ilike' : 'like'}' does not apply to ${fieldLabel(x.field)}`, ctx.input, x.at);
        checkField(x.field, 'string', ctx, x.at);
        break;
    }
  }
}
