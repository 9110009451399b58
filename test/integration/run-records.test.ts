// Every route that returns runs says the same about a run as GET /v1/runs/:id does: the list
// (JSON, NDJSON, CSV), compare, groups and curves. Runs in every status, a RunFinished summary,
// and orphaned runs (events under a run id whose RunStarted never came) are among them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
const PROJECT = 'records';
const STATUSES = { 'r-finished': 'finished', 'r-failed': 'failed', 'r-killed': 'killed', 'r-running': null } as const;
const T0 = Date.UTC(2026, 10, 1);

beforeAll(async () => {
  ns = await freshNamespace('records');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  const ingest = bearer(await createTestToken(ns, PROJECT, ['ingest']));
  const sdk = await connectSdk(ns);
  let i = 0;
  for (const [id, status] of Object.entries(STATUSES)) {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'e', sweepId: 'sw', runId: id, name: `name-${id}`, params: { lr: 0.1 * (i + 1), opt: 'adam', amp: i % 2 === 0 }, tags: { team: 'cv' }, lineage: { gitCommit: `c${i}`, seed: i } });
    run.log({ 'val/acc': 0.5 + i / 10 }, 1);
    if (status) await run.finish({ status, summary: { 'val/acc': 0.5 + i / 10, epochs: 3 }, endedAt: T0 + 60_000 + i });
    else await run.flush();
    i++;
  }
  await sdk.close();
  // Orphans: points, and a RunFinished, under run ids that never had a RunStarted.
  const batch = { project: PROJECT, runId: 'r-orphan-points', workerRank: null, keys: ['val/acc'], segments: [], keyIndex: [0, 0], segmentIndex: [-1, -1], steps: [1, 2], values: [0.3, 0.4], wallTimes: [T0 + 5, T0 + 9] };
  const finished = { project: PROJECT, runId: 'r-orphan-finish', status: 'failed', endedAt: T0 + 7, durationMs: null, summary: { loss: 1.5 } };
  const sent = await app.inject({ method: 'POST', url: '/v1/ingest/events', headers: ingest, payload: [{ type: 'MetricBatch', event: batch }, { type: 'RunFinished', event: finished }] });
  expect(sent.statusCode).toBe(202);
  await eventually(async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/runs?limit=100', headers: read });
    const runs = r.json().runs as { id: string }[];
    return runs.length === 6 ? true : undefined;
  }, 60_000, 'six runs listed');
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

type RunJson = Record<string, unknown> & { id: string };
const RUN_FIELDS = ['id', 'name', 'experiment', 'sweepId', 'user', 'status', 'startedAt', 'endedAt', 'durationMs', 'summary', 'params', 'tags', 'lineage'];
const pick = (r: Record<string, unknown>, fields: string[]) => Object.fromEntries(fields.map((f) => [f, r[f]]));

async function details(ids: string[]): Promise<Map<string, RunJson>> {
  const out = new Map<string, RunJson>();
  for (const id of ids) {
    const r = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: read });
    expect(r.statusCode, id).toBe(200);
    out.set(id, r.json() as RunJson);
  }
  return out;
}

describe('a run is the same on every route that returns it', () => {
  it('GET /v1/runs/:id shows each status, the RunFinished summary and orphaned runs', async () => {
    const d = await details(['r-finished', 'r-failed', 'r-killed', 'r-running', 'r-orphan-points', 'r-orphan-finish']);
    expect([...d.values()].map((r) => r.status)).toEqual(['finished', 'failed', 'killed', 'running', 'orphaned', 'orphaned']);
    expect(d.get('r-failed')!.summary).toEqual({ 'val/acc': 0.6, epochs: 3 });
    expect(d.get('r-running')!.summary).toEqual({});
    expect(d.get('r-running')!.endedAt).toBeNull();
    const points = d.get('r-orphan-points')!;
    expect(points).toMatchObject({ startedAt: new Date(T0 + 5).toISOString(), endedAt: null, experiment: '', sweepId: null, params: {} });
    expect((points.metrics as { key: string; count: number }[]).map((m) => [m.key, m.count])).toEqual([['val/acc', 2]]);
    expect(d.get('r-orphan-finish')).toMatchObject({ startedAt: new Date(T0 + 7).toISOString(), endedAt: new Date(T0 + 7).toISOString(), summary: { loss: 1.5 } });
  });

  it('GET /v1/runs (JSON) lists every field as the detail has it', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/runs?limit=100&sort=run_id', headers: read });
    const listed = r.json().runs as RunJson[];
    expect(listed.map((x) => x.id)).toEqual(['r-failed', 'r-finished', 'r-killed', 'r-orphan-finish', 'r-orphan-points', 'r-running']);
    const d = await details(listed.map((x) => x.id));
    for (const run of listed) expect(pick(run, RUN_FIELDS), run.id).toEqual(pick(d.get(run.id)!, RUN_FIELDS));
    // The status filter and the listed status agree.
    const orphaned = await app.inject({ method: 'GET', url: `/v1/runs?filter=${encodeURIComponent("status = 'orphaned'")}&sort=run_id`, headers: read });
    expect((orphaned.json().runs as RunJson[]).map((x) => x.id)).toEqual(['r-orphan-finish', 'r-orphan-points']);
    // A run restricted to an experiment or sweep is never an orphan (they have neither).
    const inSweep = await app.inject({ method: 'GET', url: '/v1/runs?sweep=sw&limit=100', headers: read });
    expect((inSweep.json().runs as RunJson[]).length).toBe(4);
  });

  it('NDJSON export holds the same runs, field for field', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/runs?format=ndjson&sort=run_id', headers: read });
    const listed = r.body.trim().split('\n').map((l) => JSON.parse(l) as RunJson);
    expect(listed).toHaveLength(6);
    const d = await details(listed.map((x) => x.id));
    for (const run of listed) expect(pick(run, RUN_FIELDS), run.id).toEqual(pick(d.get(run.id)!, RUN_FIELDS));
  });

  it('CSV export holds the same fixed cells and params', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/runs?format=csv&sort=run_id', headers: read });
    const [header, ...lines] = r.body.trim().split('\n').map((l) => l.split(','));
    expect(header).toEqual(['run_id', 'name', 'experiment', 'sweep', 'status', 'started_at', 'ended_at', 'duration_ms', 'params.amp', 'params.lr', 'params.opt']);
    const d = await details(lines.map((l) => l[0]!));
    const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    for (const line of lines) {
      const run = d.get(line[0]!)!;
      const params = run.params as Record<string, unknown>;
      expect(line, run.id).toEqual([run.id, run.name, run.experiment, run.sweepId, run.status, run.startedAt, run.endedAt, run.durationMs, params.amp, params.lr, params.opt].map(cell));
    }
  });

  it('POST /v1/compare names each run as the detail does, orphans included', async () => {
    const ids = ['r-running', 'r-killed', 'r-orphan-points'];
    const r = await app.inject({ method: 'POST', url: '/v1/compare', headers: read, payload: { runIds: ids } });
    expect(r.statusCode).toBe(200);
    const d = await details(ids);
    const fields = ['id', 'name', 'status', 'experiment', 'sweepId', 'startedAt'];
    for (const run of r.json().runs as RunJson[]) expect(pick(run, fields), run.id).toEqual(pick(d.get(run.id)!, fields));
  });

  it('groups and curves select the same runs as the list', async () => {
    const groups = await app.inject({ method: 'POST', url: '/v1/groups', headers: read, payload: { by: ['opt'], metrics: ['val/acc.max'] } });
    expect(groups.statusCode).toBe(200);
    const members = (groups.json().groups as { runIds: string[] }[]).flatMap((g) => g.runIds).sort();
    expect(members).toEqual(['r-failed', 'r-finished', 'r-killed', 'r-orphan-finish', 'r-orphan-points', 'r-running']);
    const curves = await app.inject({ method: 'POST', url: '/v1/curves', headers: read, payload: { metrics: ['val/acc'] } });
    expect(curves.statusCode).toBe(200);
    expect(JSON.stringify(curves.json())).toContain('r-orphan-points');
    // Relative time of an orphaned run counts from its first point (it has no RunStarted).
    const relative = await app.inject({ method: 'POST', url: '/v1/curves', headers: read, payload: { selection: { runIds: ['r-orphan-points'] }, metrics: ['val/acc'], x: 'relative_time' } });
    const [orphan] = relative.json().series[0].runs as { runId: string; x: number[] }[];
    expect(orphan).toMatchObject({ runId: 'r-orphan-points', x: [0, 4] });
  });
});

describe('filters at the length limit', () => {
  // The longest chains 10,000 characters allow, of every kind of condition: compiled flat, none
  // reaches ClickHouse's AST depth limit (the 500 that 489 or-terms used to get).
  const chain = (term: string, op: string) => Array.from({ length: Math.floor(10_000 / (term.length + op.length + 2)) }, () => term).join(` ${op} `);
  const cases = {
    'params or': chain('params.lr>0', 'or'),
    'params and': chain('params.lr>0', 'and'),
    'names or': chain("name='x'", 'or'),
    'metrics or': chain('metrics.val/acc.max>0', 'or'),
    'metrics presence and': chain('exists metrics.val/acc', 'and'),
    'mixed': chain("(params.lr>0 or tags.team='cv') and not exists params.zz", 'or'),
  };

  it.each(Object.entries(cases))('%s: GET /v1/runs answers 200', async (_label, filter) => {
    expect(filter.length).toBeLessThanOrEqual(10_000);
    const r = await app.inject({ method: 'GET', url: `/v1/runs?filter=${encodeURIComponent(filter)}`, headers: read });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  });

  it('489 or-terms, the case that used to reach ClickHouse and fail, select the runs', async () => {
    const filter = Array.from({ length: 489 }, () => 'params.lr>0').join(' or ');
    const r = await app.inject({ method: 'GET', url: `/v1/runs?filter=${encodeURIComponent(filter)}&limit=100`, headers: read });
    expect(r.statusCode).toBe(200);
    expect(r.json().runs).toHaveLength(4);
    for (const url of ['/v1/groups', '/v1/curves', '/v1/sweeps/parallel']) {
      const body = url === '/v1/groups' ? { selection: { filter }, by: ['opt'], metrics: ['val/acc.max'] } : url === '/v1/curves' ? { selection: { filter }, metrics: ['val/acc'] } : { selection: { filter } };
      const s = await app.inject({ method: 'POST', url, headers: read, payload: body });
      expect(s.statusCode, `${url}: ${s.body.slice(0, 300)}`).toBe(200);
    }
  });
});
