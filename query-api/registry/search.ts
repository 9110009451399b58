// Which registered models a GET /v1/models filter keeps: the filter language
// (query-api/filter/parser.ts) over a model's name and tags — `name like 'resnet%'`,
// `tags.team = 'vision' and not name = 'old'`. Any other field is a FilterError at its position
// (a 400 with `position`, as every filter error).
import { FilterError } from '../filter/errors.ts';
import { likeMatches } from '../filter/like.ts';
import { parseFilter } from '../filter/parser.ts';
import type { Expr, Field, Literal } from '../../storage/run-filter/ast.ts';
import type { RegisteredModel } from './state.ts';

function valueOf(input: string, f: Field, at: number, m: RegisteredModel): string | undefined {
  if (f.kind === 'attribute' && f.name === 'name') return m.name;
  if (f.kind === 'tag') return Object.prototype.hasOwnProperty.call(m.tags, f.name) ? m.tags[f.name] : undefined;
  throw new FilterError('models are filtered by name and tags.<name> only', input, at);
}

function text(input: string, v: Literal, at: number): string {
  if (v.kind !== 'string') throw new FilterError('names and tags are text: compare them with a quoted string', input, at);
  return v.value;
}


const COMPARE = { '=': (a: string, b: string) => a === b, '!=': (a: string, b: string) => a !== b, '<': (a: string, b: string) => a < b, '<=': (a: string, b: string) => a <= b, '>': (a: string, b: string) => a > b, '>=': (a: string, b: string) => a >= b };

/** The models the filter keeps; a missing tag fails every test but `not` (as in run filters). */
export function modelFilter(input: string): (m: RegisteredModel) => boolean {
  const tree = parseFilter(input);
  const test = (e: Expr, m: RegisteredModel): boolean => {
    switch (e.kind) {
      case 'and':
        return test(e.left, m) && test(e.right, m);
      case 'or':
        return test(e.left, m) || test(e.right, m);
      case 'not':
        return !test(e.expr, m);
      case 'exists':
        return valueOf(input, e.field, e.at, m) !== undefined;
      case 'compare': {
        const v = valueOf(input, e.field, e.at, m);
        const literal = text(input, e.value, e.at);
        return v !== undefined && COMPARE[e.op](v, literal);
      }
      case 'in': {
        const v = valueOf(input, e.field, e.at, m);
        const hit = v !== undefined && e.values.some((x) => text(input, x, e.at) === v);
        return v !== undefined && (e.negated ? !hit : hit);
      }
      case 'like': {
        const v = valueOf(input, e.field, e.at, m);
        const hit = v !== undefined && likeMatches(v, e.pattern, e.caseInsensitive === true);
        return v !== undefined && (e.negated ? !hit : hit);
      }
    }
  };
  // Every leaf is checked up front, so a wrong field or literal is an error even on an empty registry.
  const check = (e: Expr): void => {
    if (e.kind === 'and' || e.kind === 'or') return (check(e.left), check(e.right));
    if (e.kind === 'not') return check(e.expr);
    if (!((e.field.kind === 'attribute' && e.field.name === 'name') || e.field.kind === 'tag')) throw new FilterError('models are filtered by name and tags.<name> only', input, e.at);
    if (e.kind === 'compare') text(input, e.value, e.at);
    if (e.kind === 'in') e.values.forEach((v) => text(input, v, e.at));
  };
  check(tree);
  return (m) => test(tree, m);
}
