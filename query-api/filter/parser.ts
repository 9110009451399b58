// Recursive-descent parser of the run filter language:
//   expr       := or
//   or         := and ('or' and)*
//   and        := unary ('and' unary)*
//   unary      := 'not' unary | '(' expr ')' | 'exists' FIELD | predicate
//   predicate  := FIELD OP literal | FIELD ['not'] 'in' '(' literal (',' literal)* ')' | FIELD ['not'] ('like' | 'ilike') STRING
//   literal    := NUMBER | STRING | 'true' | 'false'
// Types are checked here (a number against a string field is an error, not an empty result);
// params (whose type lives in the data) and metric keys are checked against the project's
// names in check.ts.
import type { Comparator, Expr, Field, Literal } from '../../storage/run-filter/ast.ts';
import { FilterError } from './errors.ts';
import { fieldLabel, fieldType, parseField } from './fields.ts';
import { tokenize, type Token } from './lexer.ts';

const MAX_DEPTH = 64;
const MAX_IN_VALUES = 1000;

export function parseFilter(input: string): Expr {
  return new Parser(input).parse();
}

function describe(t: Token): string {
  switch (t.type) {
    case 'end': return 'the end of the filter';
    case 'string': return `the string '${t.value}'`;
    case 'number': return `the number ${t.text}`;
    default: return `'${t.text}'`;
  }
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  parse(): Expr {
    if (this.peek().type === 'end') throw this.error('the filter is empty; expected a condition such as params.lr > 0.001', this.peek());
    const e = this.or();
    if (this.peek().type !== 'end') throw this.error(`expected 'and', 'or' or the end of the filter, found ${describe(this.peek())}`, this.peek());
    return e;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isKeyword(text: string): boolean {
    const t = this.peek();
    return t.type === 'keyword' && t.text === text;
  }
  private error(message: string, at: Token): FilterError {
    return new FilterError(message, this.input, at.at);
  }

  private or(): Expr {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.unary();
    while (this.isKeyword('and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (++this.depth > MAX_DEPTH) throw this.error(`the filter nests deeper than ${MAX_DEPTH} levels`, this.peek());
    try {
      const t = this.peek();
      if (t.type === 'keyword' && t.text === 'not') {
        this.next();
        return { kind: 'not', expr: this.unary() };
      }
      if (t.type === 'punct' && t.text === '(') {
        this.next();
        const e = this.or();
        const close = this.next();
        if (close.type !== 'punct' || close.text !== ')') throw this.error(`expected ')' to close the '(' at position ${t.at + 1}, found ${describe(close)}`, close);
        return e;
      }
      if (t.type === 'keyword' && t.text === 'exists') {
        this.next();
        const field = this.field();
        if (field.kind === 'attribute') throw this.error(`exists applies to params, tags, metrics and lineage; ${fieldLabel(field)} always exists`, t);
        return { kind: 'exists', field, at: t.at };
      }
      return this.predicate();
    } finally {
      this.depth--;
    }
  }

  private field(): Field {
    const t = this.next();
    if (t.type !== 'field') throw this.error(`expected a field such as params.lr or metrics.val/acc.max, found ${describe(t)}`, t);
    const f = parseField(t.text);
    if (typeof f === 'string') throw this.error(`unknown field "${t.text}"; expected ${f}`, t);
    return f;
  }

  private predicate(): Expr {
    const start = this.peek();
    const field = this.field();
    const t = this.next();
    let negated = false;
    let op = t;
    if (t.type === 'keyword' && t.text === 'not') {
      negated = true;
      op = this.next();
      if (!(op.type === 'keyword' && (op.text === 'in' || op.text === 'like' || op.text === 'ilike'))) throw this.error(`expected 'in', 'like' or 'ilike' after 'not', found ${describe(op)}`, op);
    }
    if (op.type === 'op') {
      const value = this.literal();
      this.checkType(field, value, op.text, op);
      return { kind: 'compare', field, op: op.text, value, at: start.at };
    }
    if (op.type === 'keyword' && op.text === 'in') {
      const open = this.next();
      if (open.type !== 'punct' || open.text !== '(') throw this.error(`expected '(' after 'in', found ${describe(open)}`, open);
      const values: Literal[] = [];
      for (;;) {
        const at = this.peek();
        const v = this.literal();
        this.checkType(field, v, '=', at);
        if (values.length > 0 && values[0]!.kind !== v.kind) throw this.error(`every value of an 'in' list must have the same type (${values[0]!.kind} vs ${v.kind})`, at);
        values.push(v);
        if (values.length > MAX_IN_VALUES) throw this.error(`an 'in' list holds at most ${MAX_IN_VALUES} values`, at);
        const sep = this.next();
        if (sep.type === 'punct' && sep.text === ')') break;
        if (sep.type !== 'punct' || sep.text !== ',') throw this.error(`expected ',' or ')' in the 'in' list, found ${describe(sep)}`, sep);
      }
      return { kind: 'in', field, values, negated, at: start.at };
    }
    if (op.type === 'keyword' && (op.text === 'like' || op.text === 'ilike')) {
      const word = op.text;
      const p = this.next();
      if (p.type !== 'string') throw this.error(`'${word}' needs a quoted pattern such as 'resnet%', found ${describe(p)}`, p);
      const type = fieldType(field);
      if (type !== 'string' && type !== 'param') throw this.error(`'${word}' applies to text; ${fieldLabel(field)} holds ${type === 'number' ? 'numbers' : type + ' values'}`, op);
      return word === 'ilike'
        ? { kind: 'like', field, pattern: p.value, negated, caseInsensitive: true, at: start.at }
        : { kind: 'like', field, pattern: p.value, negated, at: start.at };
    }
    throw this.error(`expected a comparison (=, !=, <, <=, >, >=), 'in', 'like' or 'ilike' after ${fieldLabel(field)}, found ${describe(op)}`, op);
  }

  private literal(): Literal {
    const t = this.next();
    if (t.type === 'number') {
      if (!Number.isFinite(t.value)) throw this.error(`the number ${t.text} is out of range`, t);
      return { kind: 'number', value: t.value };
    }
    if (t.type === 'string') return { kind: 'string', value: t.value };
    if (t.type === 'keyword' && (t.text === 'true' || t.text === 'false')) return { kind: 'bool', value: t.text === 'true' };
    throw this.error(`expected a value (a number, a quoted string, true or false), found ${describe(t)}`, t);
  }

  private checkType(field: Field, value: Literal, op: Comparator | string, at: Token): void {
    const type = fieldType(field);
    const ordering = op === '<' || op === '<=' || op === '>' || op === '>=';
    const label = fieldLabel(field);
    if (type === 'param') {
      if (ordering && value.kind !== 'number') throw this.error(`${op} needs a number; ${label} ${op} ${value.kind === 'string' ? `'${value.value}'` : value.value} compares order of ${value.kind}s`, at);
      return;
    }
    if (type === 'date') {
      if (value.kind === 'bool') throw this.error(`${label} is a date; compare it with a quoted date such as '2026-11-01'`, at);
      if (value.kind === 'string' && Number.isNaN(Date.parse(value.value))) throw this.error(`'${value.value}' is not a date; use ISO 8601 such as '2026-11-01' or '2026-11-01T12:00:00Z'`, at);
      return;
    }
    if (type === 'number' && value.kind !== 'number') throw this.error(`${label} holds numbers; compare it with a number, not a ${value.kind}`, at);
    if (type === 'string') {
      if (value.kind !== 'string') throw this.error(`${label} holds text; quote the value: ${label} ${op} '${String(value.value)}'`, at);
      if (ordering) throw this.error(`${op} compares numbers or dates; ${label} holds text (use =, !=, in or like)`, at);
    }
    if (type === 'bool') {
      if (value.kind !== 'bool') throw this.error(`${label} is true or false; compare it with true or false`, at);
      if (ordering) throw this.error(`${op} does not apply to ${label}, which is true or false`, at);
    }
  }
}
