// Bulk export on the real services: every point of a sweep's chosen metrics as NDJSON, CSV, Arrow
// IPC and Parquet, equal to what the SDK logged; the Arrow and Parquet files read by pandas,
// polars and DuckDB from PyPI (in a project-local virtualenv), as a data scientist would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';
import { ensureVirtualenv, MINUTE, runCommand, type Virtualenv } from '../helpers/python.ts';

const PROJECT = 'exp';
const RUNS = 3;
const STEPS = 1500;
/** Points per run: loss and acc at every step, acc[class=cat] every 10th. */
const PER_RUN = 2 * STEPS + STEPS / 10;
let ns: Namespace;
let processor: Processor;
let app: App;
let read: Record<string, string>;
let venv: Virtualenv;
let dir: string;

const loss = (run: number, step: number) => 1 / (step + run);

beforeAll(async () => {
  [venv, ns] = await Promise.all([ensureVirtualenv('export', ['pyarrow==21.0.0', 'pandas==2.3.3', 'polars==1.34.0', 'duckdb==1.4.1']), freshNamespace('export')]);
  processor = await startProcessor(ns);
  app = await buildTestApp(ns);
  read = bearer(await createTestToken(ns, PROJECT, ['read']));
  dir = mkdtempSync(join(tmpdir(), 'runlens-export-'));
  const sdk = await connectSdk(ns, { maxBatchPoints: 700 });
  for (let r = 0; r < RUNS; r++) {
    const run = await sdk.startRun({ project: PROJECT, experiment: 'e', sweepId: 'sw', runId: `run-${r}`, params: { lr: r }, lineage: { environment: { language: 'python', languageVersion: '3.11', libraries: {} } } });
    for (let step = 1; step <= STEPS; step++) {
      run.log({ loss: loss(r, step), acc: 1 - loss(r, step) }, step, { wallTime: 1_700_000_000_000 + step });
      if (step % 10 === 0) run.log({ acc: 0.5 }, step, { segment: 'class=cat', wallTime: 1_700_000_000_000 + step });
    }
    await run.finish();
  }
  await sdk.close();
  await eventually(async () => ((await count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL')) === RUNS * PER_RUN ? true : undefined), 60_000, 'points stored');
}, 10 * MINUTE);

afterAll(async () => {
  await processor?.stop();
  await app?.close();
  await ns?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const exportAs = (format: string, extra: object = {}) =>
  app.inject({ method: 'POST', url: '/v1/export/points', headers: read, payload: { selection: { sweep: 'sw' }, metrics: ['loss', 'acc'], format, ...extra } });

describe('POST /v1/export/points', () => {
  it('streams every point as NDJSON, in run, key, segment and step order, as logged', async () => {
    const r = await exportAs('ndjson');
    expect(r.statusCode, r.body.slice(0, 500)).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-ndjson');
    const lines = r.body.trim().split('\n').map((l) => JSON.parse(l) as { run_id: string; key: string; segment: string | null; step: number; wall_time_ms: number; value: number });
    expect(lines).toHaveLength(RUNS * PER_RUN);
    expect(lines[0]).toEqual({ run_id: 'run-0', key: 'acc', segment: null, step: 1, wall_time_ms: 1_700_000_000_001, value: 1 - loss(0, 1) });
    const run1Loss = lines.filter((l) => l.run_id === 'run-1' && l.key === 'loss');
    expect(run1Loss.map((l) => l.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(run1Loss.every((l) => l.value === loss(1, l.step))).toBe(true);
    expect(lines.filter((l) => l.segment === 'class=cat')).toHaveLength(RUNS * (STEPS / 10));
    // Without segments, and for a filter.
    const plain = await app.inject({ method: 'POST', url: '/v1/export/points', headers: read, payload: { selection: { filter: 'params.lr >= 2' }, metrics: ['acc'], segments: 'none' } });
    expect(plain.body.trim().split('\n')).toHaveLength(STEPS);
  });

  it('writes CSV with a header', async () => {
    const r = await exportAs('csv', { metrics: ['loss'] });
    const rows = r.body.trim().split('\n');
    expect(rows[0]).toBe('run_id,key,segment,step,wall_time_ms,value');
    expect(rows).toHaveLength(1 + RUNS * STEPS);
    expect(rows[1]).toBe(`run-0,loss,,1,1700000000001,${loss(0, 1)}`);
  });

  it('writes an Arrow IPC stream and a Parquet file that pandas, polars and DuckDB read', async () => {
    const arrow = await exportAs('arrow');
    expect(arrow.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(arrow.rawPayload);
    expect(table.numRows).toBe(RUNS * PER_RUN);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['run_id', 'key', 'segment', 'step', 'wall_time_ms', 'value']);
    const parquet = await exportAs('parquet');
    expect(parquet.headers['content-type']).toBe('application/vnd.apache.parquet');
    writeFileSync(join(dir, 'points.arrows'), arrow.rawPayload);
    writeFileSync(join(dir, 'points.parquet'), parquet.rawPayload);
    const script = `
import json, sys, pandas, polars, duckdb, pyarrow.ipc as ipc
d = sys.argv[1]
pq = pandas.read_parquet(f"{d}/points.parquet")
pl = polars.read_parquet(f"{d}/points.parquet")
db = duckdb.sql(f"SELECT count(*), sum(value) FILTER (WHERE run_id = 'run-2' AND key = 'loss') FROM '{d}/points.parquet'").fetchone()
arrow = ipc.open_stream(open(f"{d}/points.arrows", "rb").read()).read_all()
cat = pl.filter(polars.col("segment") == "class=cat")
print(json.dumps({"pandas": len(pq), "columns": list(pq.columns), "polars": pl.height, "duckdb": db[0], "loss_sum": db[1], "arrow": arrow.num_rows, "cat": cat.height, "first_step": int(pq["step"].iloc[0])}))
`;
    const r = await runCommand(venv.python, ['-c', script, dir], 2 * MINUTE, {});
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const lossSum = Array.from({ length: STEPS }, (_, i) => loss(2, i + 1)).reduce((s, x) => s + x, 0);
    expect(got).toMatchObject({ pandas: RUNS * PER_RUN, polars: RUNS * PER_RUN, duckdb: RUNS * PER_RUN, arrow: RUNS * PER_RUN, cat: RUNS * (STEPS / 10), first_step: 1, columns: ['run_id', 'key', 'segment', 'step', 'wall_time_ms', 'value'] });
    expect(got.loss_sum).toBeCloseTo(lossSum, 9);
  }, 5 * MINUTE);

  it('names metrics no run logged, with a suggestion', async () => {
    const r = await exportAs('ndjson', { metrics: ['los'] });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe('no run of this project logged los (did you mean loss?)');
  });
});
