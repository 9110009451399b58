// Artifacts compared side by side on the real Kafka, processor, ClickHouse and API, logged with
// the TypeScript SDK: a classifier sweep where one run is planted to take dogs for cats (the
// comparison names those two classes), PR curves of known average precision, samples with one
// planted bad answer (the score filter finds it), two runs' console logs with a planted first
// divergence, checkpoints that share a digest; and bad input refused at the SDK and the gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import type { RunlensClient } from '../../ingest/sdk/client.ts';

const PROJECT = 'arts';
const LABELS = ['cat', 'dog', 'fox'];
let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
let ingest: string;
let sdk: RunlensClient;

/** counts[actual][predicted] with `right` of 100 on the diagonal and the rest spread evenly, dogs taken for cats `dogAsCat` times. */
function matrix(right: number, dogAsCat = 5): number[][] {
  return LABELS.map((_, a) => LABELS.map((__, p) => {
    if (a === 1) return p === 1 ? 100 - dogAsCat - 5 : p === 0 ? dogAsCat : 5;
    return a === p ? right : (100 - right) / 2;
  }));
}

const logLines = (bad: boolean) => Array.from({ length: 10 }, (_, i) => (i === 7 && bad ? { text: `step ${i} loss is NaN`, level: 'error' as const } : { text: `step ${i} ok` }));

beforeAll(async () => {
  ns = await freshNamespace('artifacts');
  processor = await startProcessor(ns);
  app = await buildTestApp(ns, { gateway: true });
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  ingest = await createTestToken(ns, PROJECT, ['ingest']);
  sdk = await connectSdk(ns);
  const env = { language: 'python', languageVersion: '3.11', libraries: {} };
  const runs = { 'cls-a': { acc: 90, dogAsCat: 5, precision: [1, 0.5] }, 'cls-b': { acc: 88, dogAsCat: 6, precision: [0.8, 0.4] }, 'cls-confused': { acc: 90, dogAsCat: 40, precision: [0.6, 0.3] } };
  for (const [runId, r] of Object.entries(runs)) {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'cls', sweepId: 'cls', runId, params: {}, lineage: { environment: env } });
    // An earlier step that the comparison (latest step) must not read.
    await run.logConfusionMatrix('confusion/val', LABELS, matrix(50), 1);
    await run.logConfusionMatrix('confusion/val', LABELS, matrix(r.acc, r.dogAsCat), 2);
    await run.logPrCurve('pr/val', { thresholds: [0.9, 0.1], precision: r.precision, recall: [0.5, 1] }, 2);
    await run.logPerClass('per-class/val', LABELS, ['precision', 'recall'], [[0.9, 0.8], [0.7, 0.6], [0.95, 0.9]], 2);
    await run.logTable('errors', { columns: ['input', 'predicted', 'ok'], rows: [['img-1', 'cat', true], ['img-2', null, false]] }, 2);
    await run.logSamples('gen', ['p1', 'p2', 'p3', 'p4'].map((inputId) => ({
      inputId, text: runId === 'cls-confused' && inputId === 'p3' ? 'dog dog dog dog' : `a caption for ${inputId}`, scores: { quality: runId === 'cls-confused' && inputId === 'p3' ? 0.05 : 0.9 },
    })), 2);
    if (runId !== 'cls-b') await run.logLines(logLines(runId === 'cls-confused'));
    if (runId !== 'cls-confused') await run.logArtifact({ name: 'init', kind: 'checkpoint', uri: 's3://ckpt/init.pt', digest: 'sha256:same', sizeBytes: 100, step: 0 });
    await run.logArtifact({ name: 'final', kind: 'checkpoint', uri: `s3://ckpt/${runId}.pt`, digest: `sha256:${runId}`, sizeBytes: 100, step: 2 });
    await run.finish();
  }
  await sdk.flush();
  await eventually(async () => ((await count(ns, 'SELECT count() AS n FROM run_finishes')) === 3 && (await count(ns, 'SELECT sum(length(seqs)) AS n FROM log_chunks')) === 20 && (await count(ns, 'SELECT count() AS n FROM samples')) === 12 ? true : undefined), 60_000, 'artifacts stored');
}, 120_000);

afterAll(async () => {
  await sdk?.close();
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

const post = async (url: string, payload: object) => {
  const r = await app.inject({ method: 'POST', url, payload, headers: read });
  return { status: r.statusCode, body: r.json() };
};

describe('artifacts compared', () => {
  it('names the two classes the planted run confuses, with per-class deltas and which are beyond sampling noise', async () => {
    const r = await post('/v1/artifacts/confusion', { runIds: ['cls-a', 'cls-b', 'cls-confused'], name: 'confusion/val' });
    expect(r.status).toBe(200);
    expect(r.body.labels).toEqual(LABELS);
    const [a, b, confused] = r.body.runs;
    expect(a.step).toBe(2);
    expect(a.matrix).toEqual(matrix(90));
    expect(confused.vsBaseline.mostChanged[0]).toMatchObject({ actual: 'dog', predicted: 'cat', rate: 0.4, baselineRate: 0.05 });
    const dog = confused.vsBaseline.classes.find((c: { label: string }) => c.label === 'dog');
    expect(dog).toMatchObject({ recall: expect.closeTo(-0.35, 9), withinNoise: false });
    expect(confused.vsBaseline.sentence).toMatch(/^cls-confused takes dog for cat 40\.0% of the time \(baseline cls-a: 5\.0%\)/);
    // cls-b differs by a point or two: within noise everywhere.
    expect(b.vsBaseline.classes.every((c: { withinNoise: boolean }) => c.withinNoise)).toBe(true);
    const normalized = await post('/v1/artifacts/confusion', { runIds: ['cls-a', 'cls-confused'], name: 'confusion/val', normalize: true, step: 1 });
    expect(normalized.body.runs[0].matrix[0]).toEqual([0.5, 0.25, 0.25]);
  });

  it('puts PR curves on one grid with their average precision (known: 0.75, 0.6, 0.45)', async () => {
    const r = await post('/v1/artifacts/curves', { runIds: ['cls-a', 'cls-b', 'cls-confused'], name: 'pr/val' });
    expect(r.body.measure).toBe('averagePrecision');
    expect(r.body.runs.map((x: { area: number }) => x.area)).toEqual([0.75, expect.closeTo(0.6, 12), expect.closeTo(0.45, 12)]);
    expect(r.body.runs[2].delta).toBeCloseTo(-0.3, 12);
    expect(r.body.runs[0].grid).toHaveLength(101);
  });

  it('returns any logged table as stored, cells typed', async () => {
    const r = await post('/v1/artifacts/tables', { runIds: ['cls-a'], name: 'errors' });
    expect(r.body.tables[0]).toMatchObject({ kind: 'table', step: 2, columns: ['input', 'predicted', 'ok'], cells: ['img-1', 'cat', true, 'img-2', null, false] });
    expect((await post('/v1/artifacts/curves', { runIds: ['cls-a'], name: 'per-class/val' })).body.error).toBe('"per-class/val" of cls-a is a perClass, not a prCurve or rocCurve');
  });

  it('puts samples side by side per input, and finds the planted bad answer by score and by text', async () => {
    const byScore = await post('/v1/artifacts/samples', { runIds: ['cls-a', 'cls-confused'], name: 'gen', scoreDiff: { score: 'quality', min: 0.5 } });
    expect(byScore.body.rows.map((r: { inputId: string }) => r.inputId)).toEqual(['p3']);
    expect(byScore.body.rows[0].outputs.map((o: { text: string }) => o.text)).toEqual(['a caption for p3', 'dog dog dog dog']);
    const byText = await post('/v1/artifacts/samples', { runIds: ['cls-a', 'cls-b', 'cls-confused'], name: 'gen', search: 'DOG DOG' });
    expect(byText.body).toMatchObject({ total: 1, rows: [{ inputId: 'p3' }] });
    expect((await post('/v1/artifacts/samples', { runIds: ['cls-a'], name: 'gen', limit: 2, offset: 2 })).body).toMatchObject({ total: 4, rows: [{ inputId: 'p3' }, { inputId: 'p4' }] });
  });

  it('tails and searches a run\'s console, and finds where two runs\' logs part', async () => {
    const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: read })).json();
    expect((await get('/v1/runs/cls-a/logs?tail=2')).lines.map((l: { text: string }) => l.text)).toEqual(['step 8 ok', 'step 9 ok']);
    expect((await get('/v1/runs/cls-confused/logs?level=error')).lines).toEqual([expect.objectContaining({ seq: 7, level: 'error', text: 'step 7 loss is NaN', stream: 'stdout' })]);
    expect((await get('/v1/runs/cls-confused/logs?search=nan')).lines).toHaveLength(1);
    expect((await get('/v1/runs/cls-a/logs?level=fatal')).error).toMatch(/unknown level\(s\) fatal/);
    const diff = await post('/v1/logs/diff', { a: 'cls-a', b: 'cls-confused', before: 2, after: 2 });
    expect(diff.body).toMatchObject({ differing: 1, firstDivergence: { seq: 7, a: 'step 7 ok', b: 'step 7 loss is NaN' }, sentence: '1 of 10 lines differ; the first at line 7: "step 7 ok" against "step 7 loss is NaN"' });
    expect(diff.body.rows.map((r: { seq: number }) => r.seq)).toEqual([5, 6, 7, 8]);
  });

  it('shows which runs share a checkpoint digest', async () => {
    const r = await post('/v1/artifacts/checkpoints', { runIds: ['cls-a', 'cls-b', 'cls-confused'] });
    expect(r.body.shared).toEqual([{ digest: 'sha256:same', runIds: ['cls-a', 'cls-b'] }]);
    expect(r.body.runs[2].checkpoints).toEqual([{ name: 'final', uri: 's3://ckpt/cls-confused.pt', digest: 'sha256:cls-confused', sizeBytes: 100, step: 2 }]);
  });

  it('lists what the runs logged, by name', async () => {
    const r = await post('/v1/artifacts/names', { runIds: ['cls-a', 'cls-b', 'cls-confused'] });
    const all = ['cls-a', 'cls-b', 'cls-confused'];
    expect(r.body).toEqual({
      tables: [{ name: 'confusion/val', kind: 'confusionMatrix', runIds: all }, { name: 'errors', kind: 'table', runIds: all }, { name: 'per-class/val', kind: 'perClass', runIds: all }, { name: 'pr/val', kind: 'prCurve', runIds: all }],
      samples: [{ name: 'gen', runIds: all, scores: ['quality'] }],
      logs: [{ runId: 'cls-a', lines: 10 }, { runId: 'cls-confused', lines: 10 }],
    });
  });

  it('names the runs without the artifact asked for', async () => {
    const r = await post('/v1/artifacts/confusion', { runIds: ['cls-a', 'cls-b'], name: 'confusion/test' });
    expect(r).toEqual({ status: 404, body: { error: 'run(s) without a table "confusion/test": cls-a, cls-b' } });
    expect((await post('/v1/artifacts/samples', { runIds: ['cls-a'], name: 'gen', step: 9 })).body.error).toBe('run(s) without samples "gen" at step 9: cls-a');
  });
});

describe('bad artifacts', () => {
  it('are refused at the SDK and the gateway, with the reason', async () => {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'cls', runId: 'bad', params: {}, lineage: { environment: { language: 'python', languageVersion: '3.11', libraries: {} } } });
    await expect(run.logConfusionMatrix('cm', ['a', 'b'], [[1, 2], [3]])).rejects.toThrow('TableLogged (cm): counts must be 2 rows of 2');
    await expect(run.logTable('t', { columns: ['x', 'y'], rows: [[1]] })).rejects.toThrow('row 0 holds 1 cells, not 2');
    await expect(run.logPrCurve('pr', { thresholds: [0.5], precision: [1.5], recall: [0.5] })).rejects.toThrow(/precision and recall lie in \[0, 1\]/);
    await expect(run.logSamples('s', [{ inputId: 'x' }])).rejects.toThrow('sample 0 (x) has neither text nor uri');
    await run.finish();
    const r = await app.inject({
      method: 'POST', url: '/v1/ingest/events', headers: bearer(ingest),
      payload: { type: 'TableLogged', event: { project: PROJECT, runId: 'bad', name: 'cm', kind: 'confusionMatrix', step: 1, loggedAt: 1, labels: ['a', 'b'], values: [1, 2, 3] } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe('event 0 (TableLogged): a confusion matrix of 2 classes holds 4 counts, not 3');
  });
});
