// MLflow's `runs/search` grammar, translated into runlens's own: the `filter` string becomes
// runlens filter text (which the route then parses, checks and compiles with query-api/filter/,
// like any /v1 filter) and `order_by` becomes SortSpecs. This module owns MLflow's search
// syntax and what each MLflow name means in runlens; it owns no SQL. Pure.
//
// MLflow's grammar (mlflow/utils/search_utils.py): clauses joined by AND only (no OR, no
// parentheses but an IN list), each `<identifier> <comparator> <value>`:
//   identifier  metrics.<key> | params.<key> | tags.<key> | attributes.<key> | <attribute key>
//               (also metric., param., parameter(s)., tag., attr., attribute., run.); a key may
//               be quoted "…" or `…` (MLflow's way to write keys with spaces or '-').
//   comparator  metrics, start_time: = != < <= > >= against a number.
//               params, tags, string attributes: = != LIKE ILIKE against a quoted string;
//               IN / NOT IN ('a', 'b') (MLflow takes lists for run_id only; runlens for every
//               text field). Keywords in any case.
// Translation:
//   metrics.k <op> n          metrics.k.last <op> n (MLflow compares the latest value)
//   params.k <op> 'text'      by the param's types in the project: 'text' as a number or bool
//                             where the MLflow surface stores it so (param-values.ts), as text
//                             where the project holds text; LIKE/ILIKE on a param the project
//                             holds as numbers or bools is refused.
//   tags.mlflow.user → user, tags.mlflow.runName → name, tags.mlflow.source.git.commit →
//   lineage.git_commit, tags.mlflow.parentRunId → lineage.parent_run_id, other tags → tags.k
//   run_id → run_id, run_name (and "run name") → name, user_id → user,
//   start_time (and created), in ms → started_at compared with an ISO timestamp,
//   status → status in (…) of the runlens statuses shown as that MLflow status (RUN_STATUS).
// As in MLflow, a run without the field matches no clause on it (`!=` included), and a param
// or metric no run of the project has matches nothing instead of being a 400.
import type { MetricNames, ParamNames, ParamType } from '../../storage/project-names.ts';
import type { Field } from '../../storage/run-filter/ast.ts';
import type { SortSpec } from '../../storage/run-list.ts';
import { parseField } from '../filter/fields.ts';
import { likeMatches as like } from '../filter/like.ts';
import { MAX_FILTER_LENGTH, tokenize } from '../filter/lexer.ts';
import { invalidParameter, type MlflowError } from './errors.ts';
import { parseMlflowParamValue } from './param-values.ts';

export interface SearchNames {
  /** The project's params and their types: decides how a param's literal is written. */
  params: ParamNames;
  /** When given, a metric no run of the project has logged matches nothing (as in MLflow) instead of the filter check's 400. */
  metrics?: MetricNames;
}

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type RunlensStatus = 'running' | 'finished' | 'failed' | 'killed' | 'crashed' | 'orphaned';

/**
 * The MLflow status each runlens status is shown as, one table for runs/get, runs/search and
 * the filter. crashed (silent without RunFinished) and orphaned (events but no RunStarted) are
 * runs that did not end well; MLflow's enum has no such values and FAILED is its only
 * non-success end, so both show as FAILED and `status = 'FAILED'` finds them. No runlens run is
 * SCHEDULED: that status matches nothing.
 */
export const RUN_STATUS: Readonly<Record<RunlensStatus, MlflowRunStatus>> = {
  running: 'RUNNING', finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED', crashed: 'FAILED', orphaned: 'FAILED',
};
const RUNLENS_STATUSES = Object.keys(RUN_STATUS) as RunlensStatus[];

/** MLflow's system tags that runlens holds as fields of its own (the route fills them from the same tags). */
export const TAG_FIELDS = {
  'mlflow.user': 'user',
  'mlflow.runName': 'name',
  'mlflow.source.git.commit': 'lineage.git_commit',
  'mlflow.parentRunId': 'lineage.parent_run_id',
} as const;

/** Runlens filter text that no run satisfies (every run has a status). */
export const MATCH_NOTHING = "(status = 'running' and status != 'running')";
const MATCH_ALL = Symbol('match all');

/** A table lookup that never reaches Object.prototype (a tag named "constructor" is a tag). */
const lookup = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
type Translated = string | typeof MATCH_ALL;

// ---------------------------------------------------------------------------------------------
// MLflow's syntax

type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';
export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
export type Value = { kind: 'number'; value: number; text: string } | { kind: 'string'; value: string } | { kind: 'list'; values: string[] };

interface Identifier {
  entity: Entity;
  key: string;
}

export interface Clause {
  id: Identifier;
  op: Op;
  value: Value;
  /** The clause as written, for messages. */
  text: string;
}

const ENTITIES: Record<string, Entity> = {
  metric: 'metric', metrics: 'metric',
  param: 'param', params: 'param', parameter: 'param', parameters: 'param',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
  dataset: 'dataset', datasets: 'dataset',
};
const ATTRIBUTE_ALIASES: Record<string, string> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' };
const STRING_ATTRIBUTES = new Set(['run_id', 'run_name', 'user_id', 'status', 'artifact_uri']);
const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);
const ORDERING: ReadonlySet<Op> = new Set(['<', '<=', '>', '>=']);
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])/y;
const WORD = /[A-Za-z_]\w*/y;
const BARE_KEY = /[^\s=<>!(),'"`]+/y;

class Scanner {
  i = 0;
  constructor(
    readonly input: string,
    private readonly what: string,
  ) {}

  error(message: string, at = this.i): MlflowError {
    return invalidParameter(`invalid ${this.what} ${JSON.stringify(this.input)}: ${message} (at position ${at + 1})`);
  }
  skipSpace(): void {
    while (this.i < this.input.length && /\s/.test(this.input[this.i]!)) this.i++;
  }
  atEnd(): boolean {
    this.skipSpace();
    return this.i >= this.input.length;
  }
  private match(re: RegExp): string | null {
    re.lastIndex = this.i;
    const m = re.exec(this.input);
    if (!m) return null;
    this.i += m[0].length;
    return m[0];
  }
  /** Consumes the keyword (any case) when it comes next as a whole word. */
  keyword(k: string): boolean {
    this.skipSpace();
    WORD.lastIndex = this.i;
    const m = WORD.exec(this.input);
    if (!m || m[0].toUpperCase() !== k) return false;
    this.i += m[0].length;
    return true;
  }
  peekWord(): string | null {
    this.skipSpace();
    WORD.lastIndex = this.i;
    return WORD.exec(this.input)?.[0] ?? null;
  }

  /** '…', "…" or `…`: the quote doubled, or after a backslash ('it\'s', 'it''s'), stands for itself; any other backslash is kept (C:\data). */
  quoted(): string {
    const q = this.input[this.i]!;
    const at = this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.input.length) throw this.error(`unterminated ${q}…${q}`, at);
      const c = this.input[this.i]!;
      const next = this.input[this.i + 1];
      if (c === q && next === q) {
        out += q;
        this.i += 2;
      } else if (c === q) {
        this.i++;
        return out;
      } else if (c === '\\' && next === q && q !== '`') {
        out += q;
        this.i += 2;
      } else {
        out += c;
        this.i++;
      }
    }
  }

  identifier(): Identifier {
    this.skipSpace();
    const at = this.i;
    const c = this.input[this.i];
    const head = c === '`' || c === '"' ? this.quoted() : this.match(WORD);
    if (head === null) throw this.error('expected an identifier such as metrics.rmse, params.lr, tags.team or attributes.status', at);
    if (this.input[this.i] !== '.') {
      const key = lookup(ATTRIBUTE_ALIASES, head) ?? head;
      return { entity: 'attribute', key };
    }
    this.i++;
    const entity = lookup(ENTITIES, head.toLowerCase());
    if (!entity) throw this.error(`unknown entity type '${head}'; expected metrics., params., tags., attributes. or datasets.`, at);
    const k = this.input[this.i];
    const key = k === '`' || k === '"' || k === "'" ? this.quoted() : this.match(BARE_KEY);
    if (!key) throw this.error(`expected a name after '${head}.'`);
    return { entity, key: entity === 'attribute' ? (lookup(ATTRIBUTE_ALIASES, key) ?? key) : key };
  }

  comparator(): Op {
    this.skipSpace();
    for (const op of ['>=', '<=', '!=', '=', '<', '>'] as const) {
      if (this.input.startsWith(op, this.i)) {
        if (op === '=' && this.input[this.i + 1] === '=') throw this.error("'==' is not a comparator; use '='");
        if (op === '<' && this.input[this.i + 1] === '>') throw this.error("'<>' is not a comparator; use '!='");
        this.i += op.length;
        return op;
      }
    }
    if (this.keyword('LIKE')) return 'LIKE';
    if (this.keyword('ILIKE')) return 'ILIKE';
    if (this.keyword('IN')) return 'IN';
    const at = this.i;
    if (this.keyword('NOT')) {
      if (this.keyword('IN')) return 'NOT IN';
      if (this.keyword('LIKE') || this.keyword('ILIKE')) throw this.error('MLflow has no NOT LIKE; use != or LIKE', at);
      throw this.error("expected IN after NOT", this.i);
    }
    throw this.error('expected a comparator: =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN');
  }

  value(): Value {
    this.skipSpace();
    const c = this.input[this.i];
    if (c === "'" || c === '"') return { kind: 'string', value: this.quoted() };
    const at = this.i;
    const text = this.match(NUMBER);
    if (text !== null) {
      const value = Number(text);
      if (!Number.isFinite(value)) throw this.error(`the number ${text} is out of range`, at);
      return { kind: 'number', value, text };
    }
    throw this.error('expected a number or a quoted string');
  }

  list(): Value {
    this.skipSpace();
    if (this.input[this.i] !== '(') throw this.error("expected '(' and a list of quoted strings after IN");
    this.i++;
    const values: string[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.input[this.i];
      if (c !== "'" && c !== '"') throw this.error('expected a quoted string in the IN list');
      values.push(this.quoted());
      this.skipSpace();
      const sep = this.input[this.i++];
      if (sep === ')') return { kind: 'list', values };
      if (sep !== ',') throw this.error("expected ',' or ')' in the IN list", this.i - 1);
    }
  }
}

/** MLflow's filter as clauses (AND only); a syntax error is INVALID_PARAMETER_VALUE with the position. Shared with the registry's searches (registry.ts). */
export function parseClauses(filter: string): Clause[] {
  const s = new Scanner(filter, 'filter');
  const clauses: Clause[] = [];
  for (;;) {
    s.skipSpace();
    if (s.input[s.i] === '(') throw s.error('parentheses only enclose an IN list (MLflow has no grouping)');
    const start = s.i;
    const id = s.identifier();
    const op = s.comparator();
    const value = op === 'IN' || op === 'NOT IN' ? s.list() : s.value();
    clauses.push({ id, op, value, text: filter.slice(start, s.i).trim() });
    if (s.atEnd()) return clauses;
    const at = s.i;
    if (s.keyword('AND')) continue;
    if (s.keyword('OR')) throw s.error('OR is not supported: MLflow joins conditions with AND only', at);
    throw s.error(`expected AND or the end of the filter, found ${JSON.stringify(filter.slice(at, at + 20))}`, at);
  }
}

// ---------------------------------------------------------------------------------------------
// Runlens's syntax

const unsupported = (c: Clause, why: string): MlflowError => invalidParameter(`unsupported filter clause: ${c.text} (${why})`);
const invalid = (c: Clause, why: string): MlflowError => invalidParameter(`invalid filter clause: ${c.text} (${why})`);

/** A runlens string literal: the runlens lexer reads `\x` as x. */
export const filterString = (v: string): string => `'${v.replace(/[\\']/g, '\\$&')}'`;
const filterNumber = (n: number): string => String(n);

/** Whether `path` is one field token of the runlens lexer that resolves to the field `ok` expects. */
function expressible(path: string, ok: (f: Field) => boolean): boolean {
  let tokens;
  try {
    tokens = tokenize(path);
  } catch {
    return false;
  }
  const t = tokens[0]!;
  if (tokens.length !== 2 || t.type !== 'field' || t.text !== path) return false;
  const f = parseField(path);
  return typeof f !== 'string' && ok(f);
}

const NAME_RULE = 'names in a runlens filter are ASCII letters, digits and _ . / : - (brackets name a segment)';

function textPredicate(field: string, op: Op, value: Value): string {
  switch (op) {
    case 'IN':
    case 'NOT IN':
      return `${field} ${op === 'IN' ? 'in' : 'not in'} (${(value as { values: string[] }).values.map(filterString).join(', ')})`;
    case 'LIKE':
    case 'ILIKE':
      return `${field} ${op.toLowerCase()} ${filterString((value as { value: string }).value)}`;
    default:
      return `${field} ${op} ${filterString((value as { value: string }).value)}`;
  }
}

function translateMetric(c: Clause, names: SearchNames): Translated {
  const key = c.id.key;
  const path = `metrics.${key}.last`;
  if (!expressible(path, (f) => f.kind === 'metric' && f.key === key && f.segment === '' && f.aggregate === 'last')) {
    throw unsupported(c, `runlens filters cannot name the metric ${JSON.stringify(key)}: ${NAME_RULE}`);
  }
  if (names.metrics && names.metrics.size > 0 && !names.metrics.get(key)?.has('')) return MATCH_NOTHING;
  return `${path} ${c.op} ${filterNumber((c.value as { value: number }).value)}`;
}

const PARAM_KINDS: readonly ParamType[] = ['number', 'bool', 'string'];

/** How the text `v` is written for runs that hold the param as `kind`, or null when no such run can hold it. */
function paramLiteral(v: string, kind: ParamType): string | null {
  if (kind === 'string') return filterString(v);
  const parsed = parseMlflowParamValue(v);
  if (kind === 'number') return typeof parsed === 'number' ? filterNumber(parsed) : null;
  return typeof parsed === 'boolean' ? String(parsed) : null;
}

function translateParam(c: Clause, names: SearchNames): Translated {
  const name = c.id.key;
  const field = `params.${name}`;
  if (!expressible(field, (f) => f.kind === 'param' && f.name === name)) throw unsupported(c, `runlens filters cannot name the param ${JSON.stringify(name)}: ${NAME_RULE}`);
  const types = names.params.get(name);
  // No run of the project has it: MLflow matches nothing. (A project with no params at all
  // checks nothing and matches nothing either way.)
  if (names.params.size > 0 && !types) return MATCH_NOTHING;
  const kinds = PARAM_KINDS.filter((k) => (types ? types.has(k) : k === 'string'));
  if (c.op === 'LIKE' || c.op === 'ILIKE') {
    const other = kinds.filter((k) => k !== 'string');
    if (other.length > 0) {
      const held = `${other.map((k) => (k === 'number' ? 'numbers' : 'bools')).join(' and ')}${kinds.includes('string') ? ' as well as text' : ''}`;
      throw unsupported(c, `in this project ${field} holds ${held} (MLflow param values that parse as numbers or bools are stored as such), and ${c.op} matches text only; use = or IN`);
    }
    return textPredicate(field, c.op, c.value);
  }
  const values = c.value.kind === 'list' ? c.value.values : [(c.value as { value: string }).value];
  // Per type the project holds, the literals of that type the texts stand for.
  const groups = kinds
    .map((kind) => [...new Set(values.map((v) => paramLiteral(v, kind)).filter((l): l is string => l !== null))])
    .filter((literals) => literals.length > 0);
  const term = (literals: string[], negated: boolean) =>
    literals.length === 1 ? `${field} ${negated ? '!=' : '='} ${literals[0]}` : `${field} ${negated ? 'not in' : 'in'} (${literals.join(', ')})`;
  if (c.op === '=' || c.op === 'IN') {
    if (groups.length === 0) return MATCH_NOTHING;
    return groups.length === 1 ? term(groups[0]!, false) : `(${groups.map((g) => term(g, false)).join(' or ')})`;
  }
  // != and NOT IN: the run has the param and its value is none of these. A run holds the param
  // as one type: with one type in the project that is runlens's own != / not in.
  if (groups.length === 0) return `exists ${field}`;
  if (kinds.length === 1) return term(groups[0]!, true);
  return `(exists ${field} and not (${groups.map((g) => term(g, false)).join(' or ')}))`;
}

function translateTag(c: Clause): Translated {
  const name = c.id.key;
  const own = lookup(TAG_FIELDS, name);
  if (own) return textPredicate(own, c.op, c.value);
  const field = `tags.${name}`;
  if (!expressible(field, (f) => f.kind === 'tag' && f.name === name)) throw unsupported(c, `runlens filters cannot name the tag ${JSON.stringify(name)}: ${NAME_RULE}`);
  return textPredicate(field, c.op, c.value);
}


function translateStatus(c: Clause): Translated {
  const v = c.value;
  const test = (s: string): boolean => {
    switch (c.op) {
      case '=': return s === (v as { value: string }).value;
      case '!=': return s !== (v as { value: string }).value;
      case 'LIKE': return like(s, (v as { value: string }).value, false);
      case 'ILIKE': return like(s, (v as { value: string }).value, true);
      case 'IN': return (v as { values: string[] }).values.includes(s);
      case 'NOT IN': return !(v as { values: string[] }).values.includes(s);
      default: return false;
    }
  };
  const matching = RUNLENS_STATUSES.filter((r) => test(RUN_STATUS[r]));
  if (matching.length === 0) return MATCH_NOTHING;
  return `status in (${matching.map(filterString).join(', ')})`;
}

const MAX_DATE_MS = 8.64e15;

function translateStartTime(c: Clause): Translated {
  const ms = (c.value as { value: number }).value;
  if (Math.abs(ms) > MAX_DATE_MS) throw invalid(c, 'start_time is in milliseconds since the epoch and this is past any date');
  let t = ms;
  if (!Number.isInteger(ms)) {
    // Start times are whole milliseconds: compare with the nearest one that gives the same answer.
    if (c.op === '=') return MATCH_NOTHING;
    if (c.op === '!=') return MATCH_ALL;
    t = c.op === '>' || c.op === '<=' ? Math.floor(ms) : Math.ceil(ms);
  }
  return `started_at ${c.op} '${new Date(t).toISOString()}'`;
}

function translateAttribute(c: Clause): Translated {
  switch (c.id.key) {
    case 'run_id': return textPredicate('run_id', c.op, c.value);
    case 'run_name': return textPredicate('name', c.op, c.value);
    case 'user_id': return textPredicate('user', c.op, c.value);
    case 'status': return translateStatus(c);
    case 'start_time': return translateStartTime(c);
    case 'end_time':
      throw unsupported(c, 'runlens can search a run\'s start time (attributes.start_time), not its end time');
    case 'artifact_uri':
      throw unsupported(c, 'runlens does not store artifact URIs; a run\'s artifact_uri is derived from RUNLENS_MLFLOW_ARTIFACT_ROOT and its id');
    default:
      throw invalid(c, `unknown attribute '${c.id.key}'; runlens can search run_id, run_name, user_id, status and start_time`);
  }
}

/** Refuses what MLflow refuses: the comparators and value types each kind of field takes. */
function validate(c: Clause): void {
  const { entity, key } = c.id;
  const list = c.op === 'IN' || c.op === 'NOT IN';
  const isNumeric = entity === 'metric' || (entity === 'attribute' && NUMERIC_ATTRIBUTES.has(key));
  if (entity === 'dataset') throw unsupported(c, 'runlens does not record datasets (MLflow log-inputs is a no-op here)');
  if (entity === 'attribute' && !NUMERIC_ATTRIBUTES.has(key) && !STRING_ATTRIBUTES.has(key)) {
    throw invalid(c, `unknown attribute '${key}'; MLflow's searchable attributes are run_id, run_name, user_id, status, start_time, end_time and artifact_uri`);
  }
  const [label, s] = entity === 'attribute' ? [key, 's'] : [`${entity}s`, ''];
  if (isNumeric) {
    if (!(c.op === '=' || c.op === '!=' || ORDERING.has(c.op))) throw invalid(c, `${label} take${s} =, !=, <, <=, > or >=, not ${c.op}`);
    if (c.value.kind !== 'number') throw invalid(c, `${label} compare${s} with a number, not a quoted string`);
    return;
  }
  if (ORDERING.has(c.op)) throw invalid(c, `${label} compare${s} as text: use =, !=, LIKE, ILIKE, IN or NOT IN, not ${c.op}`);
  if (!list && c.value.kind !== 'string') throw invalid(c, `${label} compare${s} with a quoted string, e.g. '${(c.value as { text: string }).text}'`);
}

/**
 * MLflow's `filter` of runs/search as runlens filter text ('' for no filter). Throws an
 * INVALID_PARAMETER_VALUE MlflowError naming the clause for what MLflow refuses ("invalid filter
 * clause: …") and for what runlens cannot search ("unsupported filter clause: …").
 */
export function translateFilter(filter: string, names: SearchNames): string {
  if (filter.trim() === '') return '';
  const out: string[] = [];
  let nothing = false;
  for (const c of parseClauses(filter)) {
    validate(c);
    let t: Translated;
    switch (c.id.entity) {
      case 'metric': t = translateMetric(c, names); break;
      case 'param': t = translateParam(c, names); break;
      case 'tag': t = translateTag(c); break;
      default: t = translateAttribute(c); break;
    }
    if (t === MATCH_NOTHING) nothing = true;
    else if (t !== MATCH_ALL) out.push(t);
  }
  // Every clause was checked above; one that matches nothing decides the whole AND.
  if (nothing) return MATCH_NOTHING;
  const text = out.join(' and ');
  if (text.length > MAX_FILTER_LENGTH) throw invalidParameter(`the filter is too long: as runlens filter text it takes ${text.length} characters, more than ${MAX_FILTER_LENGTH}`);
  return text;
}

/**
 * MLflow's `order_by` of runs/search (`metrics.rmse DESC`, `params.lr`, `attributes.start_time
 * ASC`; ascending unless DESC) as runlens sort keys. Metrics sort by their latest value. Tags,
 * end_time, status, user_id and artifact_uri are orders runlens cannot sort by: an
 * INVALID_PARAMETER_VALUE naming the key. The route appends MLflow's own tie-breakers.
 */
export function translateOrderBy(orderBy: string[]): SortSpec[] {
  return orderBy.map((clause) => {
    const s = new Scanner(clause, 'order_by');
    if (s.atEnd()) throw s.error('empty; expected e.g. metrics.rmse DESC');
    const id = s.identifier();
    let direction: 'asc' | 'desc' = 'asc';
    if (!s.atEnd()) {
      const word = s.peekWord()?.toUpperCase();
      if (word !== 'ASC' && word !== 'DESC') throw s.error('expected ASC, DESC or the end of the clause');
      s.keyword(word);
      direction = word === 'DESC' ? 'desc' : 'asc';
      if (!s.atEnd()) throw s.error('expected the end of the clause after ' + word);
    }
    const cannot = (why: string) => invalidParameter(`unsupported order_by clause: ${clause.trim()} (${why})`);
    switch (id.entity) {
      case 'metric':
        return { kind: 'metric', key: id.key, aggregate: 'last', segment: '', direction };
      case 'param':
        return { kind: 'param', key: id.key, direction };
      case 'tag':
        throw cannot('runlens sorts by metrics, params, start_time, run_name and run_id, not by tags');
      case 'dataset':
        throw invalidParameter(`invalid order_by clause: ${clause.trim()} (runs cannot be ordered by datasets)`);
      case 'attribute':
        switch (id.key) {
          case 'start_time': return { kind: 'attribute', field: 'started_at', direction };
          case 'run_name': return { kind: 'attribute', field: 'name', direction };
          case 'run_id': return { kind: 'attribute', field: 'run_id', direction };
          case 'end_time':
          case 'status':
          case 'user_id':
          case 'artifact_uri':
          case 'experiment_id':
          case 'lifecycle_stage':
            throw cannot(`runlens sorts by metrics, params, start_time, run_name and run_id, not by ${id.key}`);
          default:
            throw invalidParameter(`invalid order_by clause: ${clause.trim()} (unknown attribute '${id.key}')`);
        }
    }
  });
}
