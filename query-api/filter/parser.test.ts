import { describe, expect, it } from 'vitest';
import { compileFilter } from './compile.ts';
import { type MetricNames, type ParamNames, type ParamType } from '../../storage/project-names.ts';
import { FilterError } from './errors.ts';
import { parseFilter } from './parser.ts';

describe('parseFilter', () => {
  it('parses the documented forms with and/or/not precedence', () => {
    const e = parseFilter("params.lr > 0.001 and (params.optimizer in ('adam', 'sgd') or tags.team = 'vision')");
    expect(e).toMatchObject({
      kind: 'and',
      left: { kind: 'compare', field: { kind: 'param', name: 'lr' }, op: '>', value: { kind: 'number', value: 0.001 } },
      right: { kind: 'or', left: { kind: 'in', values: [{ value: 'adam' }, { value: 'sgd' }] }, right: { kind: 'compare', field: { kind: 'tag', name: 'team' } } },
    });
    expect(parseFilter('a = 1 or b = 2 and c = 3'.replace(/\b([abc])\b/g, 'params.$1'))).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    expect(parseFilter('not exists params.warmup')).toMatchObject({ kind: 'not', expr: { kind: 'exists', field: { kind: 'param', name: 'warmup' } } });
    expect(parseFilter('metrics.val/acc[class=cat].max >= 0.9')).toMatchObject({ field: { kind: 'metric', key: 'val/acc', segment: 'class=cat', aggregate: 'max' } });
    expect(parseFilter('metrics.val/acc >= 0.9')).toMatchObject({ field: { kind: 'metric', key: 'val/acc', segment: '', aggregate: 'last' } });
    expect(parseFilter("lineage.data_version != 'v3' AND status = 'finished'")).toMatchObject({ kind: 'and' });
    expect(parseFilter("started_at > '2026-11-01'")).toMatchObject({ field: { kind: 'attribute', name: 'started_at' } });
    expect(parseFilter("params.name not like 'res%'")).toMatchObject({ kind: 'like', negated: true, pattern: 'res%' });
    expect(parseFilter("name = 'it\\'s'")).toMatchObject({ value: { value: "it's" } });
  });

  it("parses 'ilike' (any case, negated too) as a case-insensitive like; 'like' stays case-sensitive", () => {
    expect(parseFilter("name ilike 'ResNet%'")).toMatchObject({ kind: 'like', negated: false, caseInsensitive: true, pattern: 'ResNet%' });
    expect(parseFilter("tags.team NOT ILIKE 'vis%'")).toMatchObject({ kind: 'like', negated: true, caseInsensitive: true, field: { kind: 'tag', name: 'team' } });
    expect(parseFilter("params.opt iLike 'a_am'")).toMatchObject({ kind: 'like', caseInsensitive: true, field: { kind: 'param', name: 'opt' } });
    expect(parseFilter("name like 'r%'")).not.toHaveProperty('caseInsensitive');
    // A field whose name is the keyword is still a field.
    expect(parseFilter("params.ilike = 'x'")).toMatchObject({ kind: 'compare', field: { kind: 'param', name: 'ilike' } });
  });

  it.each([
    ['', /empty/],
    ['params.lr >', /expected a value/],
    ['params.lr > 0.1 and', /expected a field/],
    ["metrics.val/acc.max > 'high'", /holds numbers/],
    ['status = 1', /holds text; quote the value/],
    ["status > 'a'", /compares numbers or dates/],
    ['lineage.git_dirty = 1', /true or false/],
    ["params.lr > 'x'", /needs a number/],
    ['(params.lr > 1', /expected '\)'/],
    ['params.lr > 1)', /expected 'and', 'or' or the end/],
    ['foo.bar = 1', /unknown field "foo.bar"/],
    ['lineage.nope = 1', /unknown field/],
    ["params.a in (1, 'x')", /same type/],
    ["started_at > 'yesterday'", /not a date/],
    ["name = 'open", /unterminated string/],
    ['params.lr ! 1', /did you mean '!='/],
    ['exists status', /always exists/],
    ['metrics.acc[cat].median > 1', /an aggregate after the segment/],
    ['metrics.acc ilike \'a%\'', /'ilike' applies to text; metrics.acc.last holds numbers/],
    ['started_at ilike \'2026%\'', /'ilike' applies to text; started_at holds date values/],
    ['name ilike 1', /'ilike' needs a quoted pattern/],
    ["name not ilike", /'ilike' needs a quoted pattern/],
    ["name not = 'x'", /expected 'in', 'like' or 'ilike' after 'not'/],
  ])('rejects %j with a precise message', (input, message) => {
    let err: unknown;
    try {
      parseFilter(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FilterError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/at position \d+/);
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    expect(() => parseFilter('('.repeat(4000) + 'params.a = 1' + ')'.repeat(4000))).toThrow(/deeper than/);
    expect(() => parseFilter('not '.repeat(2000) + 'params.a = 1')).toThrow(/deeper than/);
    expect(() => parseFilter('params.a = 1 or '.repeat(1000) + 'params.a = 1')).toThrow(/longer than/);
  });
});

describe('compileFilter', () => {
  const params: ParamNames = new Map<string, Set<ParamType>>([
    ['lr', new Set<ParamType>(['number'])],
    ['optimizer', new Set<ParamType>(['string'])],
  ]);
  const compile = (input: string) => compileFilter(parseFilter(input), { project: 'p', input, params });

  it('quotes every literal and never emits a field name unquoted', () => {
    const sql = compile("params.optimizer = 'x\\' OR 1=1 --' or tags.a = 'b'");
    expect(sql).toContain("'x\\' OR 1=1 --'");
    expect(sql).toContain("has(tag_keys, 'a')");
  });

  it('checks params against the project\'s names', () => {
    expect(() => compile('params.lrr > 1')).toThrow(/no run in this project has params.lrr; did you mean params.lr/);
    expect(() => compile('params.optimizer = 1')).toThrow(/holds string values/);
    expect(compile('exists params.nothing')).toBe('0');
  });

  it('checks metric keys and segments against the project\'s names, dotted keys included', () => {
    const metrics: MetricNames = new Map([['val/acc', new Set(['', 'class=cat'])], ['train.loss', new Set([''])], ['acc', new Set([''])]]);
    const withMetrics = (input: string) => compileFilter(parseFilter(input), { project: 'p', input, params, metrics });
    const error = (input: string) => {
      try {
        withMetrics(input);
      } catch (e) {
        expect(e).toBeInstanceOf(FilterError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${input}`);
    };
    expect(error('metrics.nope.max > 1')).toMatch(/^no run in this project has logged metrics.nope \(at position 1/);
    expect(error('params.lr > 0 and metrics.acc.median > 1')).toMatch(/^unknown aggregate 'median' \(last, min, max, mean, count\) or unknown metric metrics.acc.median; did you mean metrics.acc.mean\? \(at position 19/);
    expect(error("metrics.val/acc[class=cot].max in (1, 2)")).toMatch(/did you mean metrics.val\/acc\[class=cat\]\?/);
    expect(withMetrics('metrics.train.loss < 1')).toContain("key = 'train.loss'");
    expect(withMetrics('metrics.train.loss.min < 1')).toContain('HAVING min(value_min) < 1');
    // Like a param, a metric no run has logged exists on no run.
    expect(withMetrics('exists metrics.nope')).toBe('0');
    expect(withMetrics('exists metrics.val/acc[class=cat]')).toContain("segment = 'class=cat'");
    // A project with no metric yet: nothing is checked and nothing matches.
    expect(compileFilter(parseFilter('metrics.nope > 1'), { project: 'p', input: 'metrics.nope > 1', params, metrics: new Map() })).toContain("key = 'nope'");
  });

  it("compiles 'ilike' to a LIKE of both sides lowercased (no ILIKE operator on ClickHouse 18.16)", () => {
    expect(compile("name ilike 'ResNet%'")).toBe("(1 AND lowerUTF8(name) LIKE lowerUTF8('ResNet%'))");
    expect(compile("not tags.team not ilike 'V%'")).toBe("(NOT (has(tag_keys, 'team') AND lowerUTF8(tag_values[indexOf(tag_keys, 'team')]) NOT LIKE lowerUTF8('V%')))");
    expect(compile("params.optimizer ilike 'AD\\'%'")).toBe(
      "(param_types[indexOf(param_keys, 'optimizer')] = 'string' AND lowerUTF8(param_strings[indexOf(param_keys, 'optimizer')]) LIKE lowerUTF8('AD\\'%'))",
    );
    expect(compile("name like 'ResNet%'")).toBe("(1 AND name LIKE 'ResNet%')");
  });

  it('compiles metric conditions to subqueries over the summary rollup, with FINAL where a replayed copy would count twice', () => {
    expect(compile('metrics.val/acc.max >= 0.9')).toBe(
      "run_id IN (SELECT run_id FROM metric_chunk_stats WHERE project = 'p' AND key = 'val/acc' AND segment = '' GROUP BY run_id HAVING max(value_max) >= 0.9)",
    );
    expect(compile('metrics.val/acc.mean >= 0.9')).toBe(
      "run_id IN (SELECT run_id FROM metric_chunk_stats FINAL WHERE project = 'p' AND key = 'val/acc' AND segment = '' GROUP BY run_id HAVING sum(value_sum) / sum(point_count) >= 0.9)",
    );
  });
});
