// Artifacts compared side by side — what runs logged to look at, not only numbers: confusion
// matrices (confusion.ts), PR and ROC curves (curves.ts), any logged table as stored, generated
// samples per input, console logs (tail, search, and a diff of two runs), and checkpoints by
// digest. Scope `read`; runs of the token's project only (another project's run is a 404 like an
// unknown one); runs without the artifact asked for are named in a 404.
import { Type, type Static } from '@sinclair/typebox';
import { projectOf } from '../../common/http/auth.ts';
import { badRequest, notFound } from '../../common/http/errors.ts';
import { LOG_LEVELS, type TableKind } from '../../schemas/events.ts';
import { getArtifacts } from '../../storage/artifacts.ts';
import { getArtifactNames, getLines, getSamples, getTables, type StoredTable } from '../../storage/run-artifacts.ts';
import { getRuns } from '../../storage/runs.ts';
import type { App, AppDeps } from '../deps.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { requireRuns, runScope } from '../selection/selection.ts';
import { compareConfusion } from './confusion.ts';
import { compareCurves } from './curves.ts';
import { diffLines, sampleRows } from './side-by-side.ts';

/** Most runs one comparison takes (a wider one says nothing more on a screen). */
export const MAX_ARTIFACT_RUNS = 50;

const RunIds = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: MAX_ARTIFACT_RUNS, uniqueItems: true });
const Name = Type.String({ minLength: 1, maxLength: 256, description: 'The name the runs logged it under, e.g. confusion/val' });
const Step = Type.Optional(Type.Integer({ minimum: 0, description: "Default: each run's latest step that has it" }));
const Baseline = Type.Optional(Type.String({ minLength: 1, description: 'The run the others are compared with (default the first)' }));
const Num = Type.Union([Type.Number(), Type.Null()]);
const errors = { 400: ErrorBody, 404: ErrorBody, ...AuthErrors } as const;

const ConfusionBody = Type.Object({ runIds: RunIds, name: Name, step: Step, baseline: Baseline, normalize: Type.Optional(Type.Boolean({ description: 'Rates by row (each actual class sums to 1) instead of counts' })), alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })) }, { additionalProperties: false });
const CurvesBody = Type.Object({ runIds: RunIds, name: Name, step: Step, baseline: Baseline }, { additionalProperties: false });
const TablesBody = Type.Object({ runIds: RunIds, name: Name, step: Step }, { additionalProperties: false });
const SamplesBody = Type.Object(
  {
    runIds: RunIds, name: Name, step: Step,
    mode: Type.Optional(Type.Union([Type.Literal('common'), Type.Literal('all')], { description: "Default 'common': only inputs every run answered; 'all' marks the gaps with null" })),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: "Rows where some run's text holds this (case-insensitive)" })),
    scoreDiff: Type.Optional(Type.Object({ score: Type.String({ minLength: 1 }), min: Type.Number({ minimum: 0 }) }, { additionalProperties: false, description: 'Rows where this score differs across the runs by at least min, widest first' })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const LogDiffBody = Type.Object(
  {
    a: Type.String({ minLength: 1, maxLength: 128 }), b: Type.String({ minLength: 1, maxLength: 128 }),
    stream: Type.Optional(Type.Union([Type.Literal('stdout'), Type.Literal('stderr')])),
    ignoreDigits: Type.Optional(Type.Boolean({ description: 'Treat lines that differ only in numbers (timings, losses) as the same' })),
    before: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })), after: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
/** Most lines a diff reads per run. */
export const MAX_DIFF_LINES = 200_000;

const ClassStats = Type.Object({ label: Type.String(), support: Type.Number(), precision: Num, recall: Num, f1: Num });
const ConfusionResponse = Type.Object({
  name: Type.String(),
  baseline: Type.String(),
  normalized: Type.Boolean(),
  labels: Type.Array(Type.String(), { description: 'The classes of every matrix: the union, the baseline\'s first' }),
  runs: Type.Array(Type.Object({
    runId: Type.String(),
    step: Num,
    matrix: Type.Array(Type.Array(Type.Number()), { description: 'matrix[actual][predicted]: counts, or rates by row when normalized' }),
    accuracy: Num,
    classes: Type.Array(ClassStats),
    vsBaseline: Type.Union([
      Type.Object({
        cells: Type.Array(Type.Array(Type.Number()), { description: "This run's matrix minus the baseline's" }),
        classes: Type.Array(Type.Object({ label: Type.String(), precision: Num, recall: Num, f1: Num, pValue: Num, withinNoise: Type.Union([Type.Boolean(), Type.Null()], { description: "Whether the recall's change is within sampling noise (two-proportion z-test at alpha)" }) })),
        mostChanged: Type.Array(Type.Object({ actual: Type.String(), predicted: Type.String(), rate: Type.Number(), baselineRate: Type.Number(), delta: Type.Number() })),
        sentence: Type.String(),
      }),
      Type.Null(),
    ]),
  })),
});

const StoredTableJson = Type.Object({ runId: Type.String(), kind: Type.String(), step: Num, labels: Type.Array(Type.String()), columns: Type.Array(Type.String()), values: Type.Array(Type.Number()), cells: Type.Array(Type.Unknown()) });
const Sample = Type.Union([Type.Object({ text: Type.Union([Type.String(), Type.Null()]), uri: Type.Union([Type.String(), Type.Null()]), digest: Type.Union([Type.String(), Type.Null()]), scores: Type.Record(Type.String(), Type.Number()) }), Type.Null()]);
const Line = Type.Object({ workerRank: Num, stream: Type.String(), seq: Type.Integer(), at: Type.String({ format: 'date-time' }), level: Type.String(), text: Type.String() });

export async function artifactRoutes(app: App, deps: AppDeps): Promise<void> {
  /** The runs (404 for unknown ones) and, per run, its table of this name (404 naming those without one, or with another kind). */
  const tablesOf = async (project: string, runIds: string[], name: string, step: number | undefined, kinds: readonly TableKind[]): Promise<StoredTable[]> => {
    const runs = await getRuns(deps.clickhouse, runScope(project, deps), runIds);
    requireRuns(runIds, runs.map((r) => r.id), false);
    const tables = await getTables(deps.clickhouse, project, runIds, name, step ?? null);
    const missing = runIds.filter((id) => !tables.has(id));
    if (missing.length > 0) throw notFound(`run(s) without a table "${name}"${step === undefined ? '' : ` at step ${step}`}: ${missing.join(', ')}`);
    const wrong = runIds.filter((id) => !kinds.includes(tables.get(id)!.kind));
    if (wrong.length > 0) throw badRequest(`"${name}" of ${wrong.join(', ')} is a ${tables.get(wrong[0]!)!.kind}, not a ${kinds.join(' or ')}`);
    return runIds.map((id) => tables.get(id)!);
  };
  const baselineOf = (runIds: string[], baseline: string | undefined) => {
    if (baseline === undefined) return 0;
    const i = runIds.indexOf(baseline);
    if (i < 0) throw badRequest(`baseline ${baseline} is not one of runIds`);
    return i;
  };

  app.post('/v1/artifacts/names', {
    config: { scope: 'read' },
    schema: {
      summary: 'What the runs logged to look at, by name: tables (with their kind), samples (with their scores), console lines per run',
      body: Type.Object({ runIds: RunIds }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          tables: Type.Array(Type.Object({ name: Type.String(), kind: Type.String(), runIds: Type.Array(Type.String()) })),
          samples: Type.Array(Type.Object({ name: Type.String(), runIds: Type.Array(Type.String()), scores: Type.Array(Type.String()) })),
          logs: Type.Array(Type.Object({ runId: Type.String(), lines: Type.Integer() })),
        }),
        ...errors,
      },
    },
  }, async (req) => {
    const project = projectOf(req);
    const runs = await getRuns(deps.clickhouse, runScope(project, deps), req.body.runIds);
    requireRuns(req.body.runIds, runs.map((r) => r.id), false);
    return getArtifactNames(deps.clickhouse, project, req.body.runIds);
  });

  app.post('/v1/artifacts/confusion', {
    config: { scope: 'read' },
    schema: {
      summary: "Confusion matrices side by side: per-class precision, recall and F1 with deltas against a baseline, the confusions that grew most, and which recall changes are beyond sampling noise",
      body: ConfusionBody,
      response: { 200: ConfusionResponse, ...errors },
    },
  }, async (req) => {
    const b = req.body;
    const tables = await tablesOf(projectOf(req), b.runIds, b.name, b.step, ['confusionMatrix']);
    const runs = tables.map((t) => {
      const n = t.labels.length;
      return { runId: t.runId, step: t.step, matrix: { labels: t.labels, counts: Array.from({ length: n }, (_, i) => t.values.slice(i * n, (i + 1) * n)) } };
    });
    return { name: b.name, baseline: b.runIds[baselineOf(b.runIds, b.baseline)]!, normalized: b.normalize === true, ...compareConfusion(runs, baselineOf(b.runIds, b.baseline), { normalize: b.normalize, alpha: b.alpha }) };
  });

  app.post('/v1/artifacts/curves', {
    config: { scope: 'read' },
    schema: {
      summary: 'PR or ROC curves on one grid, with average precision or AUC per run and deltas against a baseline',
      body: CurvesBody,
      response: { 200: Type.Object({ name: Type.String(), kind: Type.String(), baseline: Type.String(), measure: Type.String(), sentence: Type.String(), x: Type.Array(Type.Number()), runs: Type.Array(Type.Object({ runId: Type.String(), step: Num, area: Type.Number(), delta: Num, grid: Type.Array(Num) })) }), ...errors },
    },
  }, async (req) => {
    const b = req.body;
    const tables = await tablesOf(projectOf(req), b.runIds, b.name, b.step, ['prCurve', 'rocCurve']);
    const kind = tables[0]!.kind;
    if (tables.some((t) => t.kind !== kind)) throw badRequest(`"${b.name}" is a PR curve in some runs and a ROC curve in others`);
    // Rows of (threshold, y, x): precision, recall for PR; fpr, tpr for ROC.
    const curves = tables.map((t) => {
      const rows = t.values.length / 3;
      const col = (c: number) => Array.from({ length: rows }, (_, i) => t.values[i * 3 + c]!);
      return { runId: t.runId, step: t.step, curve: kind === 'prCurve' ? { x: col(2), y: col(1) } : { x: col(1), y: col(2) } };
    });
    return { name: b.name, kind, baseline: b.runIds[baselineOf(b.runIds, b.baseline)]!, ...compareCurves(kind === 'prCurve' ? 'pr' : 'roc', curves, baselineOf(b.runIds, b.baseline)) };
  });

  app.post('/v1/artifacts/tables', {
    config: { scope: 'read' },
    schema: { summary: 'Any table the runs logged under a name (per-class metrics, generic tables), as stored, side by side', body: TablesBody, response: { 200: Type.Object({ name: Type.String(), tables: Type.Array(StoredTableJson) }), ...errors } },
  }, async (req) => {
    const b = req.body;
    const tables = await tablesOf(projectOf(req), b.runIds, b.name, b.step, ['confusionMatrix', 'prCurve', 'rocCurve', 'perClass', 'table']);
    return { name: b.name, tables: tables.map((t) => ({ runId: t.runId, kind: t.kind, step: t.step, labels: t.labels, columns: t.columns, values: t.values, cells: t.cells.map((c) => JSON.parse(c) as unknown) })) };
  });

  app.post('/v1/artifacts/samples', {
    config: { scope: 'read' },
    schema: {
      summary: 'Generated samples side by side per input id, filtered by text or by score difference, paged',
      body: SamplesBody,
      response: { 200: Type.Object({ name: Type.String(), runIds: Type.Array(Type.String()), total: Type.Integer(), offset: Type.Integer(), rows: Type.Array(Type.Object({ inputId: Type.String(), outputs: Type.Array(Sample), scoreSpread: Type.Optional(Type.Number()) })) }), ...errors },
    },
  }, async (req) => {
    const b = req.body;
    const project = projectOf(req);
    const runs = await getRuns(deps.clickhouse, runScope(project, deps), b.runIds);
    requireRuns(b.runIds, runs.map((r) => r.id), false);
    const samples = await getSamples(deps.clickhouse, project, b.runIds, b.name, b.step ?? null);
    const offset = b.offset ?? 0;
    const r = sampleRows(samples, b.runIds, { mode: b.mode ?? 'common', search: b.search, scoreDiff: b.scoreDiff, offset, limit: b.limit ?? 50 });
    if (r.runsWithout.length > 0) throw notFound(`run(s) without samples "${b.name}"${b.step === undefined ? '' : ` at step ${b.step}`}: ${r.runsWithout.join(', ')}`);
    return { name: b.name, runIds: b.runIds, total: r.total, offset, rows: r.rows };
  });

  const LogsQuery = Type.Object(
    {
      stream: Type.Optional(Type.Union([Type.Literal('stdout'), Type.Literal('stderr')])),
      level: Type.Optional(Type.String({ description: `Comma-separated levels: ${LOG_LEVELS.join(', ')}` })),
      search: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Lines that hold this text (case-insensitive)' })),
      tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'The last n lines instead of the first' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    },
    { additionalProperties: false },
  );
  app.get('/v1/runs/:id/logs', {
    config: { scope: 'read' },
    schema: { summary: "A run's console lines: the first or last ones, by stream and level, or those holding some text", params: Type.Object({ id: Type.String({ minLength: 1 }) }), querystring: LogsQuery, response: { 200: Type.Object({ runId: Type.String(), lines: Type.Array(Line) }), ...errors } },
  }, async (req) => {
    const project = projectOf(req);
    const q = req.query as Static<typeof LogsQuery>;
    const runs = await getRuns(deps.clickhouse, runScope(project, deps), [req.params.id]);
    requireRuns([req.params.id], runs.map((r) => r.id), false);
    const levels = q.level?.split(',').map((l) => l.trim()).filter((l) => l !== '');
    const unknown = (levels ?? []).filter((l) => !(LOG_LEVELS as readonly string[]).includes(l));
    if (unknown.length > 0) throw badRequest(`unknown level(s) ${unknown.join(', ')}; levels are ${LOG_LEVELS.join(', ')}`);
    const lines = await getLines(deps.clickhouse, project, req.params.id, { stream: q.stream, levels, search: q.search, tail: q.tail, limit: q.limit ?? 1000 });
    return { runId: req.params.id, lines: lines.map((l) => ({ ...l, at: new Date(l.at).toISOString() })) };
  });

  app.post('/v1/logs/diff', {
    config: { scope: 'read' },
    schema: {
      summary: "Two runs' console lines aligned by line number: how many differ, the first divergence, and the lines around it",
      body: LogDiffBody,
      response: {
        200: Type.Object({
          a: Type.String(), b: Type.String(), stream: Type.String(), lines: Type.Object({ a: Type.Integer(), b: Type.Integer() }), differing: Type.Integer(),
          firstDivergence: Type.Union([Type.Object({ workerRank: Num, seq: Type.Integer(), a: Type.Union([Type.String(), Type.Null()]), b: Type.Union([Type.String(), Type.Null()]), same: Type.Boolean() }), Type.Null()]),
          rows: Type.Array(Type.Object({ workerRank: Num, seq: Type.Integer(), a: Type.Union([Type.String(), Type.Null()]), b: Type.Union([Type.String(), Type.Null()]), same: Type.Boolean() })),
          sentence: Type.String(),
        }),
        ...errors,
      },
    },
  }, async (req) => {
    const b = req.body;
    const project = projectOf(req);
    const runs = await getRuns(deps.clickhouse, runScope(project, deps), [b.a, b.b]);
    requireRuns([b.a, b.b], runs.map((r) => r.id), false);
    const stream = b.stream ?? 'stdout';
    const [la, lb] = await Promise.all([b.a, b.b].map((id) => getLines(deps.clickhouse, project, id, { stream, limit: MAX_DIFF_LINES })));
    const d = diffLines(la!, lb!, { ignoreDigits: b.ignoreDigits, before: b.before, after: b.after });
    const f = d.firstDivergence;
    const sentence = f === null
      ? `the ${stream} of ${b.a} and ${b.b} agree line for line (${d.lines.a} lines)`
      : `${d.differing} of ${Math.max(d.lines.a, d.lines.b)} lines differ; the first at line ${f.seq}: ${f.a === null ? `only ${b.b} has it` : f.b === null ? `only ${b.a} has it` : `"${f.a.slice(0, 80)}" against "${f.b.slice(0, 80)}"`}`;
    return { a: b.a, b: b.b, stream, ...d, sentence };
  });

  app.post('/v1/artifacts/checkpoints', {
    config: { scope: 'read' },
    schema: {
      summary: "Runs' checkpoints side by side (references: uri, digest, size, step) and which runs share a digest (identical weights)",
      body: Type.Object({ runIds: RunIds }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          runs: Type.Array(Type.Object({ runId: Type.String(), checkpoints: Type.Array(Type.Object({ name: Type.String(), uri: Type.String(), digest: Type.String(), sizeBytes: Type.Number(), step: Num })) })),
          shared: Type.Array(Type.Object({ digest: Type.String(), runIds: Type.Array(Type.String()) })),
        }),
        ...errors,
      },
    },
  }, async (req) => {
    const project = projectOf(req);
    const { runIds } = req.body;
    const runs = await getRuns(deps.clickhouse, runScope(project, deps), runIds);
    requireRuns(runIds, runs.map((r) => r.id), false);
    const artifacts = await getArtifacts(deps.clickhouse, project, runIds);
    const per = runIds.map((runId) => ({ runId, checkpoints: (artifacts.get(runId) ?? []).filter((a) => a.kind === 'checkpoint').map((a) => ({ name: a.name, uri: a.uri, digest: a.digest, sizeBytes: a.sizeBytes, step: a.step })) }));
    const holders = new Map<string, Set<string>>();
    // An empty digest says nothing about the weights: never shared.
    for (const r of per) for (const c of r.checkpoints) if (c.digest !== '') holders.set(c.digest, (holders.get(c.digest) ?? new Set()).add(r.runId));
    return { runs: per, shared: [...holders].filter(([, ids]) => ids.size > 1).map(([digest, ids]) => ({ digest, runIds: [...ids] })) };
  });
}
