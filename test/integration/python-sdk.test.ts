// The Python package (ingest/python) against the real Kafka, processor, ClickHouse and API: a
// script logs runs as the README shows, and every summary the API returns equals the one the
// script computed from what it logged. confluent-kafka and fastavro live in a project-local
// virtualenv (test/helpers/python-sdk.ts); the package itself is used from its source tree.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { MINUTE, REPO, runReportingScript } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';

const PROJECT = 'pysdk';
// Two metrics per step and one per 100 steps: 1,005,000 points in one run (the "one run with 1M points").
const STEPS = 500_000;

interface Summary { count: number; min: number; max: number; mean: number; last: number; lastStep: number }
interface Report {
  runs: Record<string, { summaries: Record<string, Summary>; status: string }>;
  refused: (string | null)[];
  timing: { points: number; log_us_per_point: number; points_per_s_to_kafka: number };
}

let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
let report: Report;

beforeAll(async () => {
  const [venv, namespace] = await Promise.all([pythonSdkVirtualenv(), freshNamespace('python_sdk')]);
  ns = namespace;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  const env = pythonSdkEnv(ns);
  report = await runReportingScript<Report>(venv.python, join(REPO, 'test', 'integration', 'python', 'sdk_run.py'), [PROJECT, 'py-sweep', String(STEPS)], 5 * MINUTE, env);
  const t = report.timing;
  console.log(`[python sdk] ${t.points.toLocaleString('en-US')} points: log() ${t.log_us_per_point.toFixed(2)} µs per point (2 metrics per call), ${Math.round(t.points_per_s_to_kafka).toLocaleString('en-US')} points/s until Kafka acknowledged them`);
  const expected = Object.values(report.runs).reduce((n, run) => n + Object.values(run.summaries).reduce((m, s) => m + s.count, 0), 0);
  await eventually(async () => ((await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks')) === expected ? true : undefined), 90_000, 'every point stored');
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url, headers: read });
  expect(r.statusCode, url).toBe(200);
  return r.json();
};

describe('the Python package', () => {
  it('stores every run with the summaries the script computed from what it logged', async () => {
    for (const [id, logged] of Object.entries(report.runs)) {
      await eventually(async () => ((await get(`/v1/runs/${id}`)).status === logged.status ? true : undefined), 30_000, `${id} ${logged.status}`);
      const run = await get(`/v1/runs/${id}`);
      const got = Object.fromEntries((run.metrics as (Summary & { key: string; segment: string | null })[]).map((m) => [`${m.key}|${m.segment ?? ''}`, m]));
      expect(Object.keys(got).sort(), id).toEqual(Object.keys(logged.summaries).sort());
      for (const [series, want] of Object.entries(logged.summaries)) {
        const s = got[series]!;
        expect({ count: s.count, min: s.min, max: s.max, last: s.last, lastStep: s.lastStep }, `${id} ${series}`).toEqual({ count: want.count, min: want.min, max: want.max, last: want.last, lastStep: want.lastStep });
        expect(s.mean).toBeCloseTo(want.mean, 9);
      }
    }
  });

  it('records config (nested, flattened), tags, lineage, the artifact and the finish summary', async () => {
    const [id] = Object.keys(report.runs);
    const run = await get(`/v1/runs/${id}`);
    expect(run).toMatchObject({
      name: 'resnet-py', experiment: 'py-sdk', sweepId: 'py-sweep', status: 'finished',
      params: { lr: 3e-4, batch_size: 128, 'optimizer.name': 'adamw', 'optimizer.beta1': 0.9, amp: true },
      tags: { team: 'cv' },
      lineage: { seed: 7, dataVersion: 'imagenet-v2', environment: { language: 'python', languageVersion: expect.stringMatching(/^3\.\d+\.\d+$/) } },
    });
    expect(run.lineage.host).toEqual(expect.any(String));
    expect(Object.keys(run.summary)).toEqual(['best/acc']);
    expect(run.artifacts).toMatchObject([{ name: 'model.ckpt', kind: 'checkpoint', uri: 's3://ckpt/resnet-py', digest: 'sha256:abc', sizeBytes: 123456, step: STEPS - 1 }]);
  });

  it('refuses bad points at log() with a ValueError naming them, and sends nothing of them', () => {
    expect(report.refused).toEqual([
      expect.stringMatching(/metric "x": value nan is not a finite number/),
      expect.stringMatching(/metric "x": value 'high' is not a number/),
      expect.stringMatching(/step -1 is out of range/),
      expect.stringMatching(/metric key .* is not valid Unicode/),
    ]);
  });
});
