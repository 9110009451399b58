// The Python package's artifacts against the real Kafka, processor, ClickHouse and API: a script
// (python/artifacts_run.py) logs two runs' confusion matrices, PR and ROC curves, per-class
// metrics, a table and samples, and prints while its console is captured; the API's artifact
// routes then read them back, and every figure equals the hand computation written here.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { MINUTE, REPO, runReportingScript } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';

const PROJECT = 'pyart';

interface Report { a: string; b: string; traceback: string[] }
interface Line { workerRank: number | null; stream: string; seq: number; at: string; level: string; text: string }

let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
let report: Report;

const request = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const r = await app.inject({ method, url, headers: read, payload: payload as never });
  return { status: r.statusCode, body: r.json() };
};
const post = async (url: string, payload: unknown) => {
  const r = await request('POST', url, payload);
  expect(r.status, `${url} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
};
const logs = async (id: string, query = ''): Promise<Line[]> => {
  const r = await request('GET', `/v1/runs/${id}/logs${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.lines as Line[];
};

beforeAll(async () => {
  const [venv, namespace] = await Promise.all([pythonSdkVirtualenv(), freshNamespace('python_artifacts')]);
  ns = namespace;
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  report = await runReportingScript<Report>(venv.python, join(REPO, 'test', 'integration', 'python', 'artifacts_run.py'), [PROJECT], 2 * MINUTE, pythonSdkEnv(ns));
  // Everything stored: both runs ended, both runs' last lines, the last samples event.
  await eventually(async () => {
    const [a, b] = await Promise.all([request('GET', `/v1/runs/${report.a}`), request('GET', `/v1/runs/${report.b}`)]);
    if (a.body.status !== 'finished' || b.body.status !== 'failed') return undefined;
    const [la, lb] = await Promise.all([logs(report.a), logs(report.b)]);
    if (la.length !== 4 + 2 + report.traceback.length || !lb.some((l) => l.text === 'RuntimeError: loss diverged')) return undefined;
    const many = await request('POST', '/v1/artifacts/samples', { runIds: [report.a], name: 'generations/many', limit: 1 });
    return many.status === 200 && many.body.total === 1500 ? true : undefined;
  }, 30_000, 'both runs, their lines and samples stored');
}, 3 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
});

describe('artifacts logged from Python', () => {
  it('compares the confusion matrices: per-class precision and recall as computed by hand', async () => {
    const r = await post('/v1/artifacts/confusion', { runIds: [report.a, report.b], name: 'confusion/val' });
    expect(r.labels).toEqual(['cat', 'dog', 'bird']);
    const [a, b] = r.runs;
    expect(a).toMatchObject({ runId: report.a, step: 10, matrix: [[8, 1, 1], [2, 6, 2], [0, 1, 9]], vsBaseline: null });
    expect(b.matrix).toEqual([[9, 1, 0], [1, 8, 1], [0, 0, 10]]);
    // Recall: the diagonal over each actual class (row); precision: over each predicted class (column).
    const want = {
      a: { recall: [8 / 10, 6 / 10, 9 / 10], precision: [8 / 10, 6 / 8, 9 / 12], accuracy: 23 / 30 },
      b: { recall: [9 / 10, 8 / 10, 10 / 10], precision: [9 / 10, 8 / 9, 10 / 11], accuracy: 27 / 30 },
    };
    for (const [run, w] of [[a, want.a], [b, want.b]] as const) {
      expect(run.accuracy).toBeCloseTo(w.accuracy, 12);
      run.classes.forEach((c: { label: string; support: number; recall: number; precision: number }, k: number) => {
        expect(c.support).toBe(10);
        expect(c.recall, `${run.runId} ${c.label} recall`).toBeCloseTo(w.recall[k]!, 12);
        expect(c.precision, `${run.runId} ${c.label} precision`).toBeCloseTo(w.precision[k]!, 12);
      });
    }
    b.vsBaseline.classes.forEach((c: { label: string; recall: number }, k: number) => expect(c.recall, c.label).toBeCloseTo(want.b.recall[k]! - want.a.recall[k]!, 12));
  });

  it("gives each PR curve its average precision, scikit-learn's shape included", async () => {
    const r = await post('/v1/artifacts/curves', { runIds: [report.a, report.b], name: 'pr/val' });
    expect(r).toMatchObject({ kind: 'prCurve', measure: 'averagePrecision', baseline: report.a });
    const [a, b] = r.runs;
    // a: (recall, precision) (0.5, 1.0), (1.0, 0.5) → 0.5·1.0 + 0.5·0.5. b: (0.5, 1.0), (1.0, 2/3) (its (0, 1) adds nothing).
    expect(a.area).toBeCloseTo(0.75, 12);
    expect(b.area).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
    expect(b.delta).toBeCloseTo(0.5 * (2 / 3) - 0.25, 12);
    const tables = await post('/v1/artifacts/tables', { runIds: [report.b], name: 'pr/val' });
    expect(tables.tables[0]).toMatchObject({ kind: 'prCurve', columns: ['threshold', 'precision', 'recall'], values: [0.1, 0.5, 1.0, 0.4, 2 / 3, 1.0, 0.8, 1.0, 0.5] });
  });

  it('gives each ROC curve its AUC, the infinite threshold of scikit-learn left out', async () => {
    const r = await post('/v1/artifacts/curves', { runIds: [report.a, report.b], name: 'roc/val' });
    expect(r).toMatchObject({ kind: 'rocCurve', measure: 'auc' });
    // Trapezoids from (0, 0) to (1, 1). a: (0, 0.5), (0.5, 1), (1, 1) → 0.5·1.5/2 + 0.5·1. b: (0, 0.75), (0.25, 1), (1, 1) → 0.25·1.75/2 + 0.75·1.
    expect(r.runs[0].area).toBeCloseTo(0.875, 12);
    expect(r.runs[1].area).toBeCloseTo(0.96875, 12);
  });

  it('stores per-class metrics and a generic table as logged, cells as JSON values', async () => {
    const perClass = await post('/v1/artifacts/tables', { runIds: [report.a], name: 'per-class/val' });
    expect(perClass.tables).toEqual([{ runId: report.a, kind: 'perClass', step: 10, labels: ['cat', 'dog', 'bird'], columns: ['precision', 'recall'], values: [0.8, 0.8, 0.75, 0.6, 0.75, 0.9], cells: [] }]);
    const table = await post('/v1/artifacts/tables', { runIds: [report.a], name: 'errors/val' });
    expect(table.tables).toEqual([{
      runId: report.a, kind: 'table', step: 10, labels: [], columns: ['input', 'predicted', 'confidence', 'correct', 'note'], values: [],
      cells: ['img-1', 'dog', 0.93, false, null, 'img-2', 'cat', 0.51, true, 'close call'],
    }]);
  });

  it('puts the samples side by side per input id', async () => {
    const all = await post('/v1/artifacts/samples', { runIds: [report.a, report.b], name: 'generations/val', mode: 'all' });
    expect(all.total).toBe(3);
    expect(all.rows).toEqual([
      { inputId: 'q1', outputs: [
        { text: 'Paris is the capital of France.', uri: null, digest: null, scores: { bleu: 0.9 } },
        { text: 'Lyon is the capital of France.', uri: null, digest: null, scores: { bleu: 0.2 } },
      ] },
      { inputId: 'q2', outputs: [
        { text: 'Two plus two is four.', uri: null, digest: null, scores: { bleu: 0.7 } },
        { text: 'Two plus two is four.', uri: null, digest: null, scores: { bleu: 0.7 } },
      ] },
      { inputId: 'q3', outputs: [{ text: null, uri: 's3://media/a/q3.png', digest: 'sha256:aa', scores: { bleu: 0.1 } }, null] },
    ]);
    const common = await post('/v1/artifacts/samples', { runIds: [report.a, report.b], name: 'generations/val' });
    expect(common.rows.map((r: { inputId: string }) => r.inputId)).toEqual(['q1', 'q2']);
    const spread = await post('/v1/artifacts/samples', { runIds: [report.a, report.b], name: 'generations/val', scoreDiff: { score: 'bleu', min: 0.5 } });
    expect(spread.rows.map((r: { inputId: string; scoreSpread: number }) => [r.inputId, r.scoreSpread])).toEqual([['q1', expect.closeTo(0.7, 12)]]);
    // 1,500 samples in one call went as two events; every one is there.
    const many = await post('/v1/artifacts/samples', { runIds: [report.a], name: 'generations/many', offset: 1499, limit: 5 });
    expect(many).toMatchObject({ total: 1500, rows: [{ inputId: 'p1499', outputs: [{ text: 'answer 1499' }] }] });
  });

  it('keeps the captured lines in order, numbered per stream, with their levels', async () => {
    const out = await logs(report.a, '?stream=stdout');
    expect(out.map((l) => [l.seq, l.level, l.text])).toEqual([[0, 'info', 'epoch 0 loss 0.700'], [1, 'info', 'epoch 1 loss 0.500'], [2, 'info', 'done'], [3, 'info', 'explicit line']]);
    expect(out.every((l) => l.workerRank === null && l.stream === 'stdout' && !Number.isNaN(Date.parse(l.at)))).toBe(true);
    const err = await logs(report.a, '?stream=stderr');
    expect(err.map((l) => [l.seq, l.level, l.text])).toEqual([
      [0, 'warning', 'lr warmup done'],
      ...report.traceback.map((text, i) => [i + 1, 'error', text]),
      [report.traceback.length + 1, 'error', 'ERROR: skipped batch 17'],
    ]);
    expect(report.traceback[0]).toBe('Traceback (most recent call last):');
    expect(report.traceback.at(-1)).toBe('ValueError: bad batch 17');
    const errors = await logs(report.a, '?level=error');
    expect(errors.map((l) => l.text)).toEqual([...report.traceback, 'ERROR: skipped batch 17']);
    const found = await logs(report.a, '?search=Skipped%20BATCH');  // case-insensitive
    expect(found.map((l) => l.text)).toEqual(['ERROR: skipped batch 17']);
  });

  it('records the traceback of the exception that ended a run captured from init', async () => {
    const err = await logs(report.b, '?stream=stderr');
    expect(err[0]).toMatchObject({ seq: 0, level: 'error', text: 'Traceback (most recent call last):' });
    expect(err.at(-1)).toMatchObject({ level: 'error', text: 'RuntimeError: loss diverged' });
    expect(err.map((l) => l.seq)).toEqual(err.map((_, i) => i));
  });

  it('diffs the two runs line by line', async () => {
    const d = await post('/v1/logs/diff', { a: report.a, b: report.b });
    expect(d).toMatchObject({ stream: 'stdout', lines: { a: 4, b: 4 }, differing: 1, firstDivergence: { seq: 1, a: 'epoch 1 loss 0.500', b: 'epoch 1 loss 0.450', same: false } });
    const blind = await post('/v1/logs/diff', { a: report.a, b: report.b, ignoreDigits: true });
    expect(blind).toMatchObject({ differing: 0, firstDivergence: null });
  });
});
