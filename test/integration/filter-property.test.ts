// The run query language against the real ClickHouse: random filters over a random sweep must
// select exactly the runs a plain in-memory evaluation selects, and multi-key sorts must page
// through every run exactly once in the reference order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../ingest/simulate/random.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import type { Comparator, Expr, Field, Literal } from '../../storage/run-filter/ast.ts';
import { evaluate, print, type RefRun } from '../helpers/filter-reference.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
let headers: Record<string, string>;
const runs: RefRun[] = [];
const RUNS = 60;
const T0 = Date.parse('2026-11-01T00:00:00Z');

beforeAll(async () => {
  ns = await freshNamespace('filters');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  headers = bearer(await createTestToken(ns, 'prop', ['read']));
  const sdk = await connectSdk(ns, { maxBatchPoints: 7 });
  const rng = new Rng(11);
  const finishes: Promise<void>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const params: RefRun['params'] = { lr: rng.pick([0.1, 0.03, 0.01, 0.001]), opt: rng.pick(['adam', 'sgd', "o'brien\\x"]), amp: rng.next() < 0.5 };
    if (rng.next() < 0.6) params.warmup = rng.pick([0, 100, 500]);
    params.bs = rng.next() < 0.8 ? rng.pick([32, 64]) : 'auto';
    const tags: Record<string, string> = {};
    if (rng.next() < 0.7) tags.team = rng.pick(['vision', 'nlp']);
    const dataVersion = rng.next() < 0.8 ? rng.pick(['v1', 'v2']) : null;
    const seed = rng.next() < 0.8 ? Math.floor(rng.next() * 3) : null;
    const torch = rng.pick(['2.5.1', '2.6.0']);
    const status = rng.pick(['finished', 'failed', 'running']);
    const name = `${rng.pick(['resnet', 'vit'])}-${i}`;
    const run = await sdk.startRun({
      project: 'prop', experiment: rng.pick(['exp-a', 'exp-b']), runId: `fr-${String(i).padStart(2, '0')}`, sweepId: i % 3 === 0 ? null : 'sw', name, user: 'u',
      startedAt: T0 + i * 3_600_000, params, tags,
      lineage: { gitCommit: rng.pick(['aaa', 'bbb']), gitDirty: rng.next() < 0.3, dataVersion, seed, environment: { language: 'python', languageVersion: '3.11', libraries: { torch } } },
    });
    const metrics = new Map<string, { last: number; min: number; max: number; mean: number; count: number }>();
    const log = (key: string, segment: string, values: number[]) => {
      values.forEach((v, s) => run.log({ [key]: v }, s + 1, segment ? { segment } : {}));
      metrics.set(`${key}|${segment}`, { last: values[values.length - 1]!, min: Math.min(...values), max: Math.max(...values), mean: values.reduce((a, b) => a + b, 0) / values.length, count: values.length });
    };
    const n = 1 + Math.floor(rng.next() * 6);
    log('val/acc', '', Array.from({ length: n }, () => Math.round(rng.next() * 1000) / 1000));
    if (rng.next() < 0.5) log('val/acc', 'class=cat', Array.from({ length: 2 }, () => Math.round(rng.next() * 1000) / 1000));
    if (rng.next() < 0.8) log('loss', '', Array.from({ length: 3 }, () => Math.round(rng.next() * 3000) / 1000));
    if (status === 'running') finishes.push(run.flush());
    else finishes.push(run.finish({ status: status as 'finished' | 'failed' }));
    runs.push({
      id: run.id, name, experiment: '', sweep: i % 3 === 0 ? null : 'sw', user: 'u', status, startedAt: T0 + i * 3_600_000, params, tags,
      lineage: { git_commit: null, git_dirty: false, data_version: dataVersion, seed, host: null, parent_run_id: null, language: 'python', language_version: '3.11', hardware: null },
      libraries: { torch }, metrics,
    });
  }
  await Promise.all(finishes);
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM runs')) === RUNS ? true : undefined), 60_000, 'runs stored');
  // Fill the reference with what the API reports for fields the generator chose by name only.
  const all = await app.inject({ method: 'GET', url: `/v1/runs?limit=1000&sort=run_id`, headers });
  for (const r of all.json().runs as { id: string; experiment: string; lineage: { gitCommit: string; gitDirty: boolean; host: string } }[]) {
    const ref = runs.find((x) => x.id === r.id)!;
    ref.experiment = r.experiment;
    ref.lineage.git_commit = r.lineage.gitCommit;
    ref.lineage.git_dirty = r.lineage.gitDirty;
    ref.lineage.host = r.lineage.host;
  }
  const expectedPoints = runs.reduce((n, r) => n + [...r.metrics.values()].reduce((m, s) => m + s.count, 0), 0);
  await eventually(async () => ((await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === expectedPoints ? true : undefined), 60_000, 'points stored');
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes')) === runs.filter((r) => r.status !== 'running').length ? true : undefined), 60_000, 'finishes stored');
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const num = (value: number): Literal => ({ kind: 'number', value });
const str = (value: string): Literal => ({ kind: 'string', value });
const bool = (value: boolean): Literal => ({ kind: 'bool', value });

/** Leaves: a field and literals of a type the field (and the catalogue) accepts. */
const leafSpecs: { field: Field; literals: fc.Arbitrary<Literal>; ordered: boolean }[] = [
  { field: { kind: 'param', name: 'lr' }, literals: fc.constantFrom(0.1, 0.03, 0.01, 0.001, 0.05).map(num), ordered: true },
  { field: { kind: 'param', name: 'opt' }, literals: fc.constantFrom('adam', 'sgd', "o'brien\\x", 'nope').map(str), ordered: false },
  { field: { kind: 'param', name: 'amp' }, literals: fc.boolean().map(bool), ordered: false },
  { field: { kind: 'param', name: 'warmup' }, literals: fc.constantFrom(0, 100, 500, 250).map(num), ordered: true },
  { field: { kind: 'param', name: 'bs' }, literals: fc.oneof(fc.constantFrom(32, 64).map(num), fc.constant(str('auto'))), ordered: false },
  { field: { kind: 'tag', name: 'team' }, literals: fc.constantFrom('vision', 'nlp', 'x').map(str), ordered: false },
  { field: { kind: 'lineage', name: 'data_version' }, literals: fc.constantFrom('v1', 'v2').map(str), ordered: false },
  { field: { kind: 'lineage', name: 'seed' }, literals: fc.constantFrom(0, 1, 2).map(num), ordered: true },
  { field: { kind: 'lineage', name: 'git_dirty' }, literals: fc.boolean().map(bool), ordered: false },
  { field: { kind: 'library', name: 'torch' }, literals: fc.constantFrom('2.5.1', '2.6.0').map(str), ordered: false },
  { field: { kind: 'attribute', name: 'status' }, literals: fc.constantFrom('finished', 'failed', 'running').map(str), ordered: false },
  { field: { kind: 'attribute', name: 'sweep' }, literals: fc.constant(str('sw')), ordered: false },
  { field: { kind: 'attribute', name: 'experiment' }, literals: fc.constantFrom('exp-a', 'exp-b').map(str), ordered: false },
  { field: { kind: 'attribute', name: 'started_at' }, literals: fc.integer({ min: 0, max: RUNS }).map((h) => str(new Date(T0 + h * 3_600_000 + 1).toISOString())), ordered: true },
  ...(['last', 'min', 'max', 'count', 'mean'] as const).map((aggregate) => ({
    field: { kind: 'metric', key: 'val/acc', segment: '', aggregate } as Field,
    literals: (aggregate === 'count' ? fc.integer({ min: 1, max: 6 }) : fc.constantFrom(0.25001, 0.50001, 0.75001)).map(num),
    ordered: true,
  })),
  { field: { kind: 'metric', key: 'val/acc', segment: 'class=cat', aggregate: 'max' }, literals: fc.constantFrom(0.25001, 0.50001, 0.75001).map(num), ordered: true },
  { field: { kind: 'metric', key: 'loss', segment: '', aggregate: 'min' }, literals: fc.constantFrom(0.5001, 1.5001).map(num), ordered: true },
];

const leaf: fc.Arbitrary<Expr> = fc.constantFrom(...leafSpecs).chain((spec) => {
  const options: fc.Arbitrary<Expr>[] = [
    fc.tuple(fc.constantFrom<Comparator>(...(spec.ordered ? (['=', '!=', '<', '<=', '>', '>='] as const) : (['=', '!='] as const))), spec.literals).map(([op, value]): Expr => ({ kind: 'compare', field: spec.field, op, value, at: 0 })),
    fc.tuple(fc.boolean(), spec.literals, spec.literals).map(([negated, a, b]): Expr => ({ kind: 'in', field: spec.field, values: a.kind === b.kind ? [a, b] : [a], negated, at: 0 })),
  ];
  // Attributes always exist, and the parser refuses `exists` on them.
  if (spec.field.kind !== 'attribute') options.push(fc.constant<Expr>({ kind: 'exists', field: spec.field, at: 0 }));
  return fc.oneof(...options);
});
const likeLeaf: fc.Arbitrary<Expr> = fc.tuple(fc.boolean(), fc.constantFrom('resnet%', '%-1_', 'vit-%', "o'%")).chain(([negated, pattern]) =>
  fc.constantFrom<Field>({ kind: 'attribute', name: 'name' }, { kind: 'param', name: 'opt' }).map((field): Expr => ({ kind: 'like', field, pattern, negated, at: 0 })),
);
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
    leaf,
    likeLeaf,
    fc.tuple(tie('e'), tie('e')).map(([left, right]): Expr => ({ kind: 'and', left, right })),
    fc.tuple(tie('e'), tie('e')).map(([left, right]): Expr => ({ kind: 'or', left, right })),
    tie('e').map((inner): Expr => ({ kind: 'not', expr: inner })),
  ),
})).e;

async function select(filter: string): Promise<string[]> {
  const r = await app.inject({ method: 'GET', url: `/v1/runs?limit=1000&sort=run_id&filter=${encodeURIComponent(filter)}`, headers });
  if (r.statusCode !== 200) throw new Error(`${r.statusCode} for ${filter}: ${r.body}`);
  return (r.json().runs as { id: string }[]).map((x) => x.id);
}

describe('filter language vs in-memory evaluation', () => {
  it('selects exactly the runs the reference selects', async () => {
    await fc.assert(
      fc.asyncProperty(expr, async (e) => {
        const filter = print(e);
        const expected = runs.filter((r) => evaluate(e, r)).map((r) => r.id).sort();
        expect(await select(filter), filter).toEqual(expected);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });

  it('rejects type mismatches instead of returning nothing', async () => {
    for (const filter of ['params.lr = \'0.1\'', 'params.opt > 1', 'params.nope = 1', 'metrics.val/acc.max = \'x\'', 'status = 1']) {
      const r = await app.inject({ method: 'GET', url: `/v1/runs?filter=${encodeURIComponent(filter)}`, headers });
      expect(r.statusCode, filter).toBe(400);
      expect(r.json().error, filter).toMatch(/position/);
    }
  });
});

describe('multi-key sort with keyset pagination', () => {
  type Dir = 'asc' | 'desc';
  const keyOf = (r: RefRun, sort: string): [number, number, number, string] => {
    if (sort === 'started_at') return [1, 0, r.startedAt, ''];
    if (sort === 'name') return [1, 0, 0, r.name];
    if (sort.startsWith('params.')) {
      const v = r.params[sort.slice(7)];
      if (v === undefined) return [0, 0, 0, ''];
      if (typeof v === 'string') return [1, 1, 0, v];
      return [1, 0, Number(v), ''];
    }
    const m = r.metrics.get(sort === 'metrics.loss.min' ? 'loss|' : 'val/acc|');
    if (!m) return [0, 0, 0, ''];
    return [1, 0, sort === 'metrics.loss.min' ? m.min : m.max, ''];
  };
  const compareRuns = (a: RefRun, b: RefRun, sorts: [string, Dir][]) => {
    for (const [s, dir] of sorts) {
      const x = keyOf(a, s);
      const y = keyOf(b, s);
      if (x[0] !== y[0]) return y[0] - x[0];
      if (x[1] !== y[1]) return x[1] - y[1];
      const sign = dir === 'desc' ? -1 : 1;
      if (x[2] !== y[2]) return sign * (x[2] - y[2]);
      if (x[3] !== y[3]) return sign * (x[3] < y[3] ? -1 : 1);
    }
    return a.id < b.id ? -1 : 1;
  };

  it('pages through every run exactly once, in order', async () => {
    const sortKeys = ['params.lr', 'params.bs', 'params.warmup', 'metrics.val/acc.max', 'metrics.loss.min', 'name', 'started_at'];
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(fc.constantFrom(...sortKeys), fc.constantFrom<Dir>('asc', 'desc')), { minLength: 1, maxLength: 3, selector: (t) => t[0] }), fc.integer({ min: 1, max: 13 }), async (sorts, limit) => {
        const sortParam = sorts.map(([s, d]) => `${s}:${d}`).join(',');
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 100; page++) {
          const url: string = `/v1/runs?limit=${limit}&sort=${encodeURIComponent(sortParam)}${cursor ? `&cursor=${cursor}` : ''}`;
          const r: { statusCode: number; body: string; json: () => { runs: { id: string }[]; nextCursor: string | null } } = await app.inject({ method: 'GET', url, headers });
          expect(r.statusCode, r.body).toBe(200);
          seen.push(...r.json().runs.map((x) => x.id));
          cursor = r.json().nextCursor;
          if (!cursor) break;
        }
        const expected = [...runs].sort((a, b) => compareRuns(a, b, sorts)).map((r) => r.id);
        expect(seen, sortParam).toEqual(expected);
        // A page above TWO_STEP_MAX_RUNS is read in one query with every column: the same order.
        const whole = await app.inject({ method: 'GET', url: `/v1/runs?limit=1000&sort=${encodeURIComponent(sortParam)}`, headers });
        expect(whole.json().runs.map((x: { id: string }) => x.id), `${sortParam}, one step`).toEqual(expected);
      }),
      { numRuns: 25, seed: 99 },
    );
  });

  it('refuses a cursor from another query', async () => {
    const first = await app.inject({ method: 'GET', url: '/v1/runs?limit=5&sort=params.lr', headers });
    const other = await app.inject({ method: 'GET', url: `/v1/runs?limit=5&sort=params.bs&cursor=${first.json().nextCursor}`, headers });
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toMatch(/different filter or sort/);
  });
});
