// POST /v1/sweeps/* — the data behind sweep charts for selections of up to 200k runs: parallel
// coordinates, scatter, contour, slice, parameter importance (Spearman and a random forest, side
// by side, with intervals), marginal effects and the best-region sentence. Scope `read`; runs
// are selected inside the token's project (projectOf) by `selection` (selection.ts: runIds, or
// filter/experiment/sweep; every run of the project when absent).
// Data comes from the columnar loader (load.ts); analysis from engines/sweep-analytics/, importance
// on a worker thread (importance-pool.ts) since it takes seconds of CPU. Per-run
// answers (parallel, scatter, slice) are columnar and streamed; bad input of any kind —
// including what analytics refuses (AnalyticsInputError, mapped by the app's error handler) — is a 400.
import { runScope } from '../selection/selection.ts';
import type { FastifyReply } from 'fastify';
import type { App, AppDeps } from '../deps.ts';
import {
  bestRegion,
  contourGrid,
  marginalEffects,
  varyingParams,
  type AxisOptions,
  type AxisScale,
  type ParamValue,
  type SweepData,
} from '../engines/sweep-analytics/index.ts';
import { badRequest } from '../../common/http/errors.ts';
import { projectOf } from '../../common/http/auth.ts';
import type { Selection } from '../selection/selection.ts';
import { columnarJsonStream, type LongValue } from './columnar-json.ts';
import { requireField, requireSelectedParam, requireSomeRuns, runColumn } from './columns.ts';
import { distinctMetrics, distinctRunFields, paramName, parseSweepField, parseTarget, type SweepField } from './fields.ts';
import { allButSeed, groupColumns } from '../groups/grouping.ts';
import type { ImportancePool } from './importance-pool.ts';
import { jsonSafe } from '../http/json-safe.ts';
import { loadSweep, type LoadedSweep } from './load.ts';
import { defaultAxes, parallelTable } from './parallel.ts';
import {
  BestRegionBody, BestRegionResponse, ContourBody, ContourResponse, ImportanceBody, ImportanceResponse, MarginalsBody,
  MarginalsResponse, ParallelBody, ParallelResponse, ScatterBody, ScatterResponse, SliceBody, SliceResponse,
} from './schemas.ts';
import { chartAxes, pick, rowsWithValues, scaleOf } from './table.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';

/** Most trees an importance request may fit (resamples × trees; the default is 20 × 50). */
export const MAX_FOREST_TREES = 10_000;
/** resamples × trees × runs per fit above which an importance request is refused (10× the default work at 5,000 runs). */
export const MAX_FOREST_WORK = 5e7;

const errors = { 400: ErrorBody, ...AuthErrors } as const;

export interface SweepDeps extends AppDeps {
  /** Where param importance runs: the app's worker thread. */
  importance: ImportancePool;
}

const targetField = (input: string): SweepField & { kind: 'metric' } => {
  const ref = parseTarget(input);
  return { kind: 'metric', ref, label: `metrics.${ref.label}` };
};

/** The key a field's column has in the SweepData handed to analytics: the param name, or the metric's field label. */
const dataKey = (f: SweepField): string => (f.kind === 'param' ? f.name : f.label);

/** Per-param scale overrides for analyses over params (keys with or without "params."). */
function paramScales(scale: Record<string, AxisScale> | undefined): Record<string, AxisScale> | undefined {
  if (!scale) return undefined;
  const out = Object.create(null) as Record<string, AxisScale>;
  for (const [k, v] of Object.entries(scale)) if (!k.startsWith('metrics.')) out[paramName(k)] = v;
  return out;
}

/** Loads the selection with the given metric fields and checks that every field exists in it. */
async function load(deps: AppDeps, project: string, body: { selection?: Selection }, fields: { field: SweepField; what: string }[]): Promise<LoadedSweep> {
  const metrics = distinctMetrics(fields.flatMap(({ field }) => (field.kind === 'metric' ? [field.ref] : [])));
  const runFields = distinctRunFields(fields.map(({ field }) => field));
  const loaded = await loadSweep(deps.clickhouse, runScope(project, deps), body.selection ?? {}, { metrics, runFields });
  requireSomeRuns(loaded);
  for (const { field, what } of fields) requireField(loaded, field, what);
  return loaded;
}

const targetOf = (loaded: LoadedSweep, target: SweepField): (number | null)[] => runColumn(loaded, target) as (number | null)[];

/** The analyses of every param against one target metric: the selection loaded with it, as SweepData. */
async function loadAgainstTarget(deps: AppDeps, project: string, body: { selection?: Selection; target: string }) {
  const target = targetField(body.target);
  const loaded = await load(deps, project, body, [{ field: target, what: 'target' }]);
  const data: SweepData = { runIds: loaded.runIds, params: loaded.params, target: targetOf(loaded, target) };
  return { target, loaded, data };
}

function sendColumnar(reply: FastifyReply, head: Record<string, unknown>, long: Record<string, LongValue>): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(columnarJsonStream(head, long));
}

export async function sweepRoutes(app: App, deps: SweepDeps): Promise<void> {
  app.post(
    '/v1/sweeps/parallel',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Parallel coordinates: typed axes and one row per run (or per group), as columns; streamed',
        body: ParallelBody,
        response: { 200: ParallelResponse, ...errors },
      },
    },
    async (req, reply) =>
      {
        const b = req.body;
        const target = b.target !== undefined ? targetField(b.target) : null;
        const asked = b.axes?.map((a, i) => parseSweepField(a, `axes[${i}]`));
        const checks = (asked ?? []).map((field, i) => ({ field, what: `axes[${i}]` }));
        if (target) checks.push({ field: target, what: 'target' });
        const loaded = await load(deps, projectOf(req), b, checks);
        let groupBy: string[] | null = null;
        if (b.groupBy !== undefined) {
          if (b.groupBy === 'all-but-seed') {
            const n = loaded.runIds.length;
            groupBy = allButSeed(varyingParams({ runIds: loaded.runIds, params: loaded.params, target: new Array<null>(n).fill(null) }));
          } else {
            groupBy = b.groupBy.map(paramName);
            groupBy.forEach((p, i) => requireSelectedParam(loaded, p, `groupBy[${i}]`));
          }
        }
        let fields: SweepField[];
        let omitted: { field: string; reason: string }[] = [];
        if (asked) {
          fields = [...asked];
          if (target && !asked.some((f) => f.label === target.label)) fields.push(target);
        } else {
          ({ fields, omitted } = defaultAxes(loaded, target, groupBy));
        }
        const grouping = groupBy ? groupColumns(loaded.params, groupBy, loaded.runIds.length) : null;
        const table = parallelTable(loaded, fields, grouping, { scale: b.scale, maxLevels: b.maxLevels });
        const head = {
          rowKind: table.rowKind,
          runs: loaded.runIds.length,
          rows: table.ids.length,
          target: target?.ref.label ?? null,
          groupBy,
          axes: table.axes,
          omitted,
        };
        const long: Record<string, LongValue> = { ids: { array: table.ids } };
        if (table.sizes) long.sizes = { array: table.sizes };
        long.values = { arrays: table.values };
        return sendColumnar(reply, head, long);
      },
  );

  app.post(
    '/v1/sweeps/scatter',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Scatter of any two params or metrics, optionally coloured by a third; one point per run that has both, as columns; streamed',
        body: ScatterBody,
        response: { 200: ScatterResponse, ...errors },
      },
    },
    async (req, reply) =>
      {
        const b = req.body;
        if (b.colour !== undefined && b.color !== undefined) throw badRequest('give colour or color, not both');
        const colourInput = b.colour ?? b.color;
        const x = parseSweepField(b.x, 'x');
        const y = parseSweepField(b.y, 'y');
        const colour = colourInput !== undefined ? parseSweepField(colourInput, 'colour') : null;
        const checks = [{ field: x, what: 'x' }, { field: y, what: 'y' }];
        if (colour) checks.push({ field: colour, what: 'colour' });
        const loaded = await load(deps, projectOf(req), b, checks);
        const n = loaded.runIds.length;
        const xs = runColumn(loaded, x);
        const ys = runColumn(loaded, y);
        const rows = rowsWithValues([xs, ys], n);
        const columns = [{ field: x, values: pick(xs, rows) }, { field: y, values: pick(ys, rows) }];
        if (colour) columns.push({ field: colour, values: pick(runColumn(loaded, colour), rows) });
        const { axes, values } = chartAxes(columns, { scale: b.scale, maxLevels: b.maxLevels });
        const missing = (col: readonly ParamValue[]) => col.reduce<number>((c, v) => c + (v === null ? 1 : 0), 0);
        const head = {
          runs: n,
          points: rows.length,
          skipped: { missingX: missing(xs), missingY: missing(ys) },
          axes: { x: axes[0], y: axes[1], colour: axes[2] ?? null },
        };
        const long: Record<string, LongValue> = { ids: { array: pick(loaded.runIds, rows) }, x: { array: values[0]! }, y: { array: values[1]! } };
        if (colour) long.colour = { array: values[2]! };
        return sendColumnar(reply, head, long);
      },
  );

  app.post(
    '/v1/sweeps/contour',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Contour of two params (or metrics) against a metric: mean and run count per grid cell; empty cells are null, never interpolated',
        body: ContourBody,
        response: { 200: ContourResponse, ...errors },
      },
    },
    async (req) =>
      {
        const b = req.body;
        const x = parseSweepField(b.x, 'x');
        const y = parseSweepField(b.y, 'y');
        const target = targetField(b.target);
        if (dataKey(x) === dataKey(y)) throw badRequest(`x and y are both ${x.label}; pick two different fields`);
        const loaded = await load(deps, projectOf(req), b, [{ field: x, what: 'x' }, { field: y, what: 'y' }, { field: target, what: 'target' }]);
        const params = Object.create(null) as Record<string, readonly ParamValue[]>;
        params[dataKey(x)] = runColumn(loaded, x);
        params[dataKey(y)] = runColumn(loaded, y);
        const data: SweepData = { runIds: loaded.runIds, params, target: targetOf(loaded, target) };
        const scale = Object.create(null) as Record<string, AxisScale>;
        for (const f of [x, y]) {
          const s = scaleOf(f, b.scale);
          if (s) scale[dataKey(f)] = s;
        }
        const grid = contourGrid(data, dataKey(x), dataKey(y), { nx: b.nx, ny: b.ny, axes: { scale, maxLevels: b.maxLevels } });
        return jsonSafe({ target: target.ref.label, runs: loaded.runIds.length, ...grid });
      },
  );

  app.post(
    '/v1/sweeps/slice',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Slice: the metric against one param with every other param free — one point per run, and the mean with its interval per bin; streamed',
        body: SliceBody,
        response: { 200: SliceResponse, ...errors },
      },
    },
    async (req, reply) =>
      {
        const b = req.body;
        const param = parseSweepField(b.param, 'param');
        const target = targetField(b.target);
        if (param.label === target.label) throw badRequest(`param and target are both ${target.label}; slice a metric against something else`);
        const loaded = await load(deps, projectOf(req), b, [{ field: param, what: 'param' }, { field: target, what: 'target' }]);
        const n = loaded.runIds.length;
        const xs = runColumn(loaded, param);
        const ys = targetOf(loaded, target);
        const params = Object.create(null) as Record<string, readonly ParamValue[]>;
        params[dataKey(param)] = xs;
        const scale = Object.create(null) as Record<string, AxisScale>;
        const s = scaleOf(param, b.scale);
        if (s) scale[dataKey(param)] = s;
        const [effect] = marginalEffects({ runIds: loaded.runIds, params, target: ys }, { params: [dataKey(param)], bins: b.bins, confidence: b.confidence, axes: { scale, maxLevels: b.maxLevels } });
        const rows = rowsWithValues([xs, ys], n);
        const { axes, values } = chartAxes([{ field: param, values: pick(xs, rows) }, { field: target, values: pick(ys, rows) }], { scale: b.scale, maxLevels: b.maxLevels });
        const head = { target: target.ref.label, runs: n, points: rows.length, axes: { x: axes[0], y: axes[1] }, bins: effect!.bins };
        return sendColumnar(reply, head, { ids: { array: pick(loaded.runIds, rows) }, x: { array: values[0]! }, y: { array: values[1]! } });
      },
  );

  app.post(
    '/v1/sweeps/importance',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Parameter importance for a target metric: Spearman ρ with its interval and random-forest permutation importance with a bootstrap interval, side by side; insensitive params flagged',
        body: ImportanceBody,
        response: { 200: ImportanceResponse, ...errors },
      },
    },
    async (req) =>
      {
        const b = req.body;
        const resamples = b.resamples ?? 20;
        const trees = b.trees ?? 50;
        const { target, loaded, data } = await loadAgainstTarget(deps, projectOf(req), b);
        const rowsPerFit = Math.min(loaded.runIds.length, b.maxRows ?? 5000);
        if (resamples * trees > MAX_FOREST_TREES) {
          throw badRequest(`resamples × trees is ${resamples} × ${trees} = ${resamples * trees}, above the limit of ${MAX_FOREST_TREES.toLocaleString('en-US')} trees; lower resamples or trees`);
        }
        if (resamples * trees * rowsPerFit > MAX_FOREST_WORK) {
          throw badRequest(`resamples × trees × runs per fit is ${resamples} × ${trees} × ${rowsPerFit}, above the limit of ${MAX_FOREST_WORK.toExponential(0)}; lower resamples, trees or maxRows`);
        }
        const axes: AxisOptions = { scale: paramScales(b.scale), maxLevels: b.maxLevels };
        const result = await deps.importance.run(data, {
          params: b.params?.map(paramName), resamples: b.resamples, trees: b.trees, maxRows: b.maxRows, minLeaf: b.minLeaf,
          maxDepth: b.maxDepth, maxFeatures: b.maxFeatures, maxBins: b.maxBins, minImportance: b.minImportance,
          confidence: b.confidence, seed: b.seed, spearman: b.spearman, axes,
        });
        return jsonSafe({ target: target.ref.label, runs: loaded.runIds.length, ...result });
      },
  );

  app.post(
    '/v1/sweeps/marginals',
    {
      config: { scope: 'read' },
      schema: {
        summary: "Marginal effects: per param, the target's mean and interval per bin (quantile bins, or one per category), to see where more search buys nothing",
        body: MarginalsBody,
        response: { 200: MarginalsResponse, ...errors },
      },
    },
    async (req) =>
      {
        const b = req.body;
        const { target, loaded, data } = await loadAgainstTarget(deps, projectOf(req), b);
        const effects = marginalEffects(data, { params: b.params?.map(paramName), bins: b.bins, confidence: b.confidence, axes: { scale: paramScales(b.scale), maxLevels: b.maxLevels } });
        return jsonSafe({ target: target.ref.label, runs: loaded.runIds.length, effects });
      },
  );

  app.post(
    '/v1/sweeps/best-region',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Best region: the param ranges or categories the top k% of runs share, tested against chance, in one sentence',
        body: BestRegionBody,
        response: { 200: BestRegionResponse, ...errors },
      },
    },
    async (req) =>
      {
        const b = req.body;
        const { target, loaded, data } = await loadAgainstTarget(deps, projectOf(req), b);
        const region = bestRegion(data, {
          topPercent: b.topPercent, direction: b.direction, central: b.central, params: b.params?.map(paramName),
          maxCoverage: b.maxCoverage, alpha: b.alpha, targetName: target.ref.label, axes: { scale: paramScales(b.scale), maxLevels: b.maxLevels },
        });
        return jsonSafe({ target: target.ref.label, runs: loaded.runIds.length, ...region });
      },
  );
}
