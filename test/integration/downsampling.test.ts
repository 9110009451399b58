// Server-side downsampling keeps every bucket's true min and max, so spikes survive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
let token: string; // read, project "d"
const STEPS = 10_000;
const series = new Map<number, number>();

beforeAll(async () => {
  ns = await freshNamespace('downsample');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  token = await createTestToken(ns, 'd', ['read']);
  const sdk = await connectSdk(ns, { maxBatchPoints: 2_500 });
  const run = await sdk.startRun({ project: 'd', experiment: 'e', runId: 'spiky' });
  for (let step = 1; step <= STEPS; step++) {
    let v = 0.5 + 0.4 * Math.sin(step / 300);
    if (step === 1234) v = 50;
    if (step === 7777) v = -50;
    series.set(step, v);
    run.log({ loss: v }, step);
  }
  await run.finish();
  await sdk.close();
  await eventually(async () => ((await count(ns, "SELECT sum(point_count) AS n FROM metric_chunks WHERE run_id = 'spiky'")) === STEPS ? true : undefined), 60_000, 'series stored');
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

describe('GET /v1/runs/:id/metrics/<key>', () => {
  it('returns at most maxPoints points and keeps the spikes at their steps', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/runs/spiky/metrics/loss?maxPoints=100', headers: bearer(token) });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { totalPoints: number; points: { step: number; value: number }[]; buckets: { fromStep: number; toStep: number; min: number; max: number; count: number; stepOfMin: number; stepOfMax: number }[] };
    expect(body.totalPoints).toBe(STEPS);
    expect(body.points.length).toBeLessThanOrEqual(100);
    expect(body.points).toContainEqual({ step: 1234, value: 50 });
    expect(body.points).toContainEqual({ step: 7777, value: -50 });
    // Every bucket's min and max equal the true extremes of the raw points it covers.
    let covered = 0;
    for (const b of body.buckets) {
      const values = [...series.entries()].filter(([s]) => s >= b.fromStep && s <= b.toStep).map(([, v]) => v);
      expect(b.count).toBe(values.length);
      expect(b.min).toBe(Math.min(...values));
      expect(b.max).toBe(Math.max(...values));
      expect(series.get(b.stepOfMin)).toBe(b.min);
      expect(series.get(b.stepOfMax)).toBe(b.max);
      covered += b.count;
    }
    expect(covered).toBe(STEPS);
    const steps = body.points.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('returns the full series when it fits, and a key with a slash works', async () => {
    const r = await app.inject({ method: 'GET', url: `/v1/runs/spiky/metrics/loss?maxPoints=${STEPS}`, headers: bearer(token) });
    expect(r.json().points).toHaveLength(STEPS);
    expect(r.json().bucketWidth).toBe(1);
    const missing = await app.inject({ method: 'GET', url: '/v1/runs/spiky/metrics/val/acc', headers: bearer(token) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatch(/val\/acc/);
    expect((await app.inject({ method: 'GET', url: '/v1/runs/spiky/metrics/loss?maxPoints=1', headers: bearer(token) })).statusCode).toBe(400);
  });
});

describe('POST /v1/curves after a replayed Kafka range', () => {
  it('counts each chunk once when the table holds a copy of every one (as a replay writes them, before a merge collapses them)', async () => {
    const curves = async (maxPoints: number, x: 'step' | 'wall_time') => {
      const r = await app.inject({ method: 'POST', url: '/v1/curves', headers: bearer(token), payload: { selection: { runIds: ['spiky'] }, metrics: ['loss'], maxPoints, x } });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().series[0] as { bucketWidth: number; runs: { count: number[]; mean: number[]; min: number[]; max: number[] }[] };
    };
    // 1,000 buckets of 10 steps read the points; 50 of 256 steps the 64-step summaries; wall time the points.
    const asked = [[1000, 'step'], [50, 'step'], [500, 'wall_time']] as const;
    const before = await Promise.all(asked.map(([n, x]) => curves(n, x)));
    for (const s of before) expect(s.runs[0]!.count.reduce((a, c) => a + c, 0)).toBe(STEPS);
    // No merge may collapse the copies before the curves are read (it would test nothing).
    await ns.clickhouse.command({ query: 'SYSTEM STOP MERGES metric_chunks' });
    try {
      await ns.clickhouse.command({ query: "INSERT INTO metric_chunks SELECT * FROM metric_chunks WHERE run_id = 'spiky'" });
      const after = await Promise.all(asked.map(([n, x]) => curves(n, x)));
      expect(await count(ns, "SELECT count() AS n FROM metric_chunks WHERE run_id = 'spiky'")).toBe(2 * (await count(ns, "SELECT count() AS n FROM metric_chunks FINAL WHERE run_id = 'spiky'")));
      expect(after).toEqual(before);
    } finally {
      await ns.clickhouse.command({ query: 'SYSTEM START MERGES metric_chunks' });
    }
  });
});
