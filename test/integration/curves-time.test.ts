// Curves over time axes: wall-time buckets against a hand computation, and relative time
// (since each run's start) lining up runs started hours apart, which wall time cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

let ns: Namespace;
let processor: Processor;
let app: App;
let headers: Record<string, string>;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
// Wall-time runs: [wall time offset from T0 in ms, value] per step.
const W1: [number, number][] = [[1000, 3], [2000, 1], [3000, 4], [4000, 1], [5000, 5], [6000, 9]];
const W2: [number, number][] = [[2500, 2], [3500, 7], [4500, 1]];
// [step, wall time offset, value]
const REWOUND: [number, number, number][] = [[1, 1000, 1], [2, 2000, 2], [3, 3000, 3], [4, 4000, 4], [2, 9000, 5], [3, 10_000, 6]];
// Relative-time runs: the same 20 steps, 30 s apart, started 10 hours apart; R0 has no start time.
const STEP_MS = 30_000;
const REL_STEPS = 20;
const relValue = (step: number) => 1 / step;
const REL_STARTS: Record<string, number> = { R1: T0 + 10 * HOUR, R2: T0 + 20 * HOUR, R0: 0 };
const R0_FIRST = T0 + 30 * HOUR;

interface Curve { runId: string; x: number[]; mean: number[]; min: number[]; max: number[]; count: number[] }
interface Group { x: number[]; mean: number[]; std: number[]; n: number[] }

beforeAll(async () => {
  ns = await freshNamespace('curves_time');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  headers = bearer(await createTestToken(ns, 'ct', ['read']));
  const sdk = await connectSdk(ns);
  for (const [id, points] of [['W1', W1], ['W2', W2]] as const) {
    const run = await sdk.startRun({ project: 'ct', experiment: 'wall', runId: id, startedAt: T0, params: { cfg: 'a', seed: id === 'W1' ? 0 : 1 } });
    points.forEach(([dt, v], i) => run.log({ loss: v }, i + 1, { wallTime: T0 + dt }));
    await run.finish({ endedAt: T0 + 10_000 });
  }
  // A resumed run: steps 1–4, then steps 2–3 again later. Its last step is not its last wall time.
  const rewound = await sdk.startRun({ project: 'ct', experiment: 'wall', runId: 'W3', startedAt: T0, params: { cfg: 'c', seed: 0 } });
  REWOUND.forEach(([step, dt, v]) => rewound.log({ loss: v }, step, { wallTime: T0 + dt }));
  await rewound.finish({ endedAt: T0 + 11_000 });
  for (const [i, [id, start]] of Object.entries(REL_STARTS).entries()) {
    const run = await sdk.startRun({ project: 'ct', experiment: 'rel', runId: id, startedAt: start, params: { cfg: 'b', seed: i } });
    // R0's points: the same timing, counted from its first point (its start, for want of one).
    const base = start > 0 ? start : R0_FIRST - STEP_MS;
    for (let s = 1; s <= REL_STEPS; s++) run.log({ loss: relValue(s) }, s, { wallTime: base + s * STEP_MS });
    await run.finish({ endedAt: base + (REL_STEPS + 1) * STEP_MS });
  }
  await sdk.close();
  const points = W1.length + W2.length + REWOUND.length + 3 * REL_STEPS;
  await eventually(async () => ((await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === points ? true : undefined), 60_000, 'runs stored');
});

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const curves = async (payload: object) => {
  const r = await app.inject({ method: 'POST', url: '/v1/curves', payload: { metrics: ['loss'], ...payload }, headers });
  expect(r.statusCode, r.body).toBe(200);
  const [series] = r.json().series as { bucketWidth: number; runs: Curve[]; groups?: Group[] }[];
  return series!;
};

describe('POST /v1/curves over wall time', () => {
  it('buckets every run on one epoch-ms grid with min, max and mean as computed by hand', async () => {
    const s = await curves({ selection: { runIds: ['W1', 'W2'] }, x: 'wall_time', maxPoints: 3, groupBy: ['cfg'] });
    // Span T0+1000 … T0+6000 = 5,001 ms over 3 buckets → 1,667 ms: [1000, 2667), [2667, 4334), [4334, 6001).
    expect(s.bucketWidth).toBe(1667);
    const x = [T0 + 1000, T0 + 2667, T0 + 4334];
    const [w1, w2] = s.runs;
    // W1: {3, 1}, {4, 1}, {5, 9}
    expect(w1).toEqual({ runId: 'W1', x, mean: [2, 2.5, 7], min: [1, 1, 5], max: [3, 4, 9], count: [2, 2, 2] });
    // W2: 2 at 2500, 7 at 3500, 1 at 4500 — one point per bucket.
    expect(w2).toEqual({ runId: 'W2', x, mean: [2, 7, 1], min: [2, 7, 1], max: [2, 7, 1], count: [1, 1, 1] });
    // Band over the two runs' bucket means: (2, 2), (2.5, 7), (7, 1); sample std |a − b| / √2.
    const [g] = s.groups!;
    expect(g!.x).toEqual(x);
    expect(g!.n).toEqual([2, 2, 2]);
    expect(g!.mean).toEqual([2, 4.75, 4]);
    expect(g!.std[0]).toBe(0);
    expect(g!.std[1]).toBeCloseTo(4.5 / Math.SQRT2, 12);
    expect(g!.std[2]).toBeCloseTo(6 / Math.SQRT2, 12);
  });

  it('spans a rewound run up to its latest wall time, not its last step\'s', async () => {
    const s = await curves({ selection: { runIds: ['W3'] }, x: 'wall_time', maxPoints: 3 });
    // T0+1000 … T0+10000 = 9,001 ms over 3 buckets → 3,001 ms; the middle bucket is empty.
    expect(s.bucketWidth).toBe(3001);
    expect(s.runs[0]).toEqual({ runId: 'W3', x: [T0 + 1000, T0 + 7002], mean: [2.5, 5.5], min: [1, 5], max: [4, 6], count: [4, 2] });
  });
});

describe('POST /v1/curves over relative time', () => {
  const both = { selection: { runIds: ['R1', 'R2'] }, maxPoints: 50, groupBy: ['cfg'] };

  it('lines up runs started at different times, with a band of std 0', async () => {
    const s = await curves({ ...both, x: 'relative_time' });
    const [r1, r2] = s.runs;
    expect(r1!.runId).toBe('R1');
    expect(r1!.x[0]).toBe(STEP_MS); // milliseconds since the run's start: step 1 is 30 s in
    expect(r1!.count.reduce((a, b) => a + b, 0)).toBe(REL_STEPS);
    expect(r1!.x.length).toBeLessThanOrEqual(50);
    expect({ ...r2, runId: 'R1' }).toEqual(r1);
    const [g] = s.groups!;
    expect(g!.x).toEqual(r1!.x);
    expect(g!.n.every((n) => n === 2)).toBe(true);
    expect(g!.std.every((d) => d === 0)).toBe(true);
    expect(g!.mean).toEqual(r1!.mean);
  });

  it('does not line them up over wall time: their buckets never overlap', async () => {
    const s = await curves({ ...both, x: 'wall_time' });
    const [r1, r2] = s.runs;
    expect(r1!.x.filter((x) => r2!.x.includes(x))).toEqual([]);
    expect(s.groups![0]!.n.every((n) => n === 1)).toBe(true);
  });

  it('starts a run without a start time at its first point', async () => {
    const s = await curves({ selection: { runIds: ['R0'] }, x: 'relative_time', maxPoints: REL_STEPS });
    const [r0] = s.runs;
    // Relative 0 … 570,000 ms over 20 buckets → 28,501 ms: point k (at 30,000·k) lands in bucket k.
    expect(s.bucketWidth).toBe(28_501);
    expect(r0!.x).toEqual(Array.from({ length: REL_STEPS }, (_, k) => k * 28_501));
    expect(r0!.count).toEqual(Array(REL_STEPS).fill(1));
    expect(r0!.mean).toEqual(Array.from({ length: REL_STEPS }, (_, i) => relValue(i + 1)));
  });
});
