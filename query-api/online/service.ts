// Online experiments: declaring one (its variants resolved against the model registry, sent as
// an OnlineExperimentDeclared event and answered once stored), and analysing one (its rollups
// read from storage/online.ts, the numbers computed by engines/online). Nothing here keeps state.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { badRequest, HttpError, notFound } from '../../common/http/errors.ts';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import type { OnlineExperimentDeclared, OnlineMetric, OnlineVariant } from '../../schemas/events.ts';
import { ONLINE_BUCKET_MS } from '../../storage/tables.ts';
import { HISTOGRAM_RELATIVE_ERROR } from '../../storage/online-histogram.ts';
import { exposedUnits, getOnlineExperiments, lookStepMs, outcomeHistograms, outcomeSpan, outcomeSums, unitLooks, type StoredOnlineExperiment } from '../../storage/online.ts';
import { analyseExperiment, type Analysis, type BucketSums } from '../engines/online/index.ts';
import { aliasOf, readRegistry, versionOf } from '../registry/service.ts';
import { sendAndWait, type EventWriter } from '../writes.ts';
import type { AnalysisBody, DeclareBody } from './schemas.ts';

export interface OnlineDeps {
  clickhouse: ClickHouseClient;
  writer: EventWriter;
  catalogue: SchemaCatalogue;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_PLANNED_SAMPLE_SIZE = 100_000;
const DEFAULT_MAX_LOOKS = 500;
/** Looks of a ratio metric: each one re-adds every unit's rows (a GROUP BY over units per look). */
const MAX_RATIO_LOOKS = 50;

export function experimentJson(e: StoredOnlineExperiment) {
  const d = e.definition;
  return {
    id: d.experimentId, name: d.name, description: d.description, model: d.model, variants: d.variants, control: d.control, metrics: d.metrics, alpha: d.alpha,
    plannedSampleSize: d.plannedSampleSize, status: d.status, createdAt: new Date(e.createdAt).toISOString(), updatedAt: new Date(d.declaredAt).toISOString(), updatedBy: d.actor,
  };
}

export async function getExperiment(ch: ClickHouseClient, project: string, id: string): Promise<StoredOnlineExperiment> {
  const [found] = await getOnlineExperiments(ch, project, [id]);
  if (!found) throw notFound(`no online experiment "${id}" in this project`);
  return found;
}

/** The same variants, in any order: names, versions and weights. */
const sameVariants = (a: OnlineVariant[], b: OnlineVariant[]) =>
  a.length === b.length && a.every((v) => b.some((w) => w.name === v.name && w.version === v.version && w.weight === v.weight));
const sameMetric = (a: OnlineMetric, b: OnlineMetric) => a.kind === b.kind && a.role === b.role && a.better === b.better && a.statistic === b.statistic && a.margin === b.margin;

/**
 * What a declaration may change once made: name, description, status, and metrics added as
 * secondary. The rest is the test's design — variants and weights (what the sample-ratio check
 * tests), the control (the sign of every difference), alpha and the planned size (which tune the
 * always-valid interval), the metrics' roles and margins: changed after looking at the data, it
 * would void the guarantees. Null when the change is allowed, else why not.
 */
function refusedChange(before: OnlineExperimentDeclared, after: Pick<OnlineExperimentDeclared, 'variants' | 'control' | 'alpha' | 'plannedSampleSize' | 'metrics' | 'model'>): string | null {
  if (!sameVariants(before.variants, after.variants)) return `compares ${before.variants.map((v) => `${v.name} (v${v.version}, weight ${v.weight})`).join(', ')}: variants are fixed once declared (the sample-ratio check tests their split)`;
  if (before.model !== after.model) return `compares versions of ${before.model}`;
  if (before.control !== after.control) return `has control ${before.control}`;
  if (before.alpha !== after.alpha) return `has alpha ${before.alpha}`;
  if (before.plannedSampleSize !== after.plannedSampleSize) return `was planned for ${before.plannedSampleSize} observations, which tunes its always-valid interval`;
  for (const m of before.metrics) {
    const now = after.metrics.find((x) => x.name === m.name);
    if (!now) return `has metric ${m.name}, which stays`;
    if (!sameMetric(m, now)) return `declared metric ${m.name} as ${m.kind} ${m.role} (${m.better} is better${m.margin !== null ? `, margin ${m.margin}` : ''}${m.statistic !== 'mean' ? `, ${m.statistic}` : ''})`;
  }
  const added = after.metrics.filter((m) => !before.metrics.some((x) => x.name === m.name) && m.role !== 'secondary');
  if (added.length > 0) return `can take new metrics as secondary only (${added.map((m) => `${m.name}: ${m.role}`).join(', ')})`;
  return null;
}

/**
 * Declares (or changes) an experiment: each variant names a version of the model or an alias,
 * resolved now to its version (404 for a model, version or alias the registry does not have);
 * the variants are fixed once declared (409: their split is what the sample-ratio check tests).
 */
export async function declare(deps: OnlineDeps, project: string, actor: string, body: DeclareBody): Promise<{ experiment: StoredOnlineExperiment; created: boolean }> {
  const registry = await readRegistry(deps.clickhouse, project);
  const equal = body.variants.every((v) => v.weight === undefined);
  if (!equal && body.variants.some((v) => v.weight === undefined)) throw badRequest('give every variant a weight, or none (equal shares)');
  const [before] = await getOnlineExperiments(deps.clickhouse, project, [body.id]);
  const variants: OnlineVariant[] = body.variants.map((v) => {
    if ((v.version === undefined) === (v.alias === undefined)) throw badRequest(`variant "${v.name}": give exactly one of version and alias`);
    // Declared again: a variant named as it was (by the same alias, or by the version it was
    // resolved to) keeps what was declared — an alias is resolved once, when first declared, and
    // may have moved since on this experiment's own evidence; weights left out keep theirs.
    const declared = before?.definition.variants.find((x) => x.name === v.name && ((v.alias !== undefined && x.alias === v.alias) || (v.version !== undefined && x.version === v.version)));
    if (declared) return { ...declared, weight: equal ? declared.weight : v.weight! };
    const version = v.alias !== undefined ? aliasOf(registry, body.model, v.alias) : versionOf(registry, body.model, v.version!);
    return { name: v.name, alias: v.alias ?? null, version: version.version, runId: version.runId, weight: equal ? 1 / body.variants.length : v.weight! };
  });
  const total = variants.reduce((a, v) => a + v.weight, 0);
  if (Math.abs(total - 1) > 1e-9) throw badRequest(`the variants' weights sum to ${total}, not 1`);
  const metrics: OnlineMetric[] = body.metrics.map((m) => ({ name: m.name, kind: m.kind, role: m.role, better: m.better, statistic: m.statistic ?? 'mean', margin: m.margin ?? null }));
  const design = { model: body.model, variants, control: body.control, metrics, alpha: body.alpha ?? before?.definition.alpha ?? DEFAULT_ALPHA, plannedSampleSize: body.plannedSampleSize ?? before?.definition.plannedSampleSize ?? DEFAULT_PLANNED_SAMPLE_SIZE };
  const refused = before ? refusedChange(before.definition, design) : null;
  if (refused) throw new HttpError(409, `online experiment "${body.id}" ${refused}; declare a new experiment to test something else`);
  const event: OnlineExperimentDeclared = {
    project, experimentId: body.id, name: body.name ?? before?.definition.name ?? body.id, description: body.description ?? before?.definition.description ?? '', ...design,
    status: body.status ?? before?.definition.status ?? 'running', actor, declaredAt: Date.now(),
  };
  const stored = await sendAndWait(deps.writer, deps.catalogue, 'OnlineExperimentDeclared', event, async () => {
    const [now] = await getOnlineExperiments(deps.clickhouse, project, [body.id]);
    return now && now.definition.declaredAt === event.declaredAt && now.definition.actor === actor ? now : undefined;
  }, 'online experiment');
  return { experiment: stored, created: before === undefined };
}

/** A number JSON can carry: NaN and the infinities of open intervals become null. */
function jsonSafe<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map(jsonSafe) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)])) as T;
  return value;
}

/** The experiment's answer over the window asked (the whole experiment by default). */
export async function analyse(ch: ClickHouseClient, project: string, body: AnalysisBody) {
  const experiment = await getExperiment(ch, project, body.experiment);
  const d = experiment.definition;
  if (body.from !== undefined && body.until !== undefined && body.until <= body.from) throw badRequest('until must be after from');
  // Windows are whole buckets: what the rollups can answer exactly.
  const whole = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / ONLINE_BUCKET_MS) * ONLINE_BUCKET_MS);
  const window = { from: whole(body.from), until: whole(body.until) };
  if (window.from !== undefined && window.until !== undefined && window.until <= window.from) throw badRequest('the window from..until holds no whole 10-second bucket');
  const span = await outcomeSpan(ch, project, d.experimentId, window);
  const step = span ? lookStepMs(span, body.maxLooks ?? DEFAULT_MAX_LOOKS) : null;
  const quantileMetrics = d.metrics.filter((m) => m.statistic === 'p95').map((m) => m.name);
  const ratioMetrics = d.metrics.filter((m) => m.kind === 'ratio').map((m) => m.name);
  const ratioStep = span ? Math.max(step!, lookStepMs(span, Math.min(MAX_RATIO_LOOKS, body.maxLooks ?? MAX_RATIO_LOOKS))) : null;
  const ratioEnds: number[] = [];
  if (span && ratioStep) for (let end = (Math.floor(span.first / ratioStep) + 1) * ratioStep; end <= (Math.floor(span.last / ratioStep) + 1) * ratioStep; end += ratioStep) ratioEnds.push(end);
  const [sums, histograms, perUnit, exposed] = span && step
    ? await Promise.all([
      outcomeSums(ch, project, d.experimentId, step, window), outcomeHistograms(ch, project, d.experimentId, quantileMetrics, window),
      Promise.all(ratioMetrics.map((m) => unitLooks(ch, project, d.experimentId, m, ratioEnds, window).then((ls) => ls.map((l) => ({ metric: m, variant: l.variant, end: l.end, sums: l }))))).then((x) => x.flat()),
      exposedUnits(ch, project, d.experimentId, d.variants.map((v) => v.name), window),
    ])
    : [[], [], [], undefined];
  // storage's sums carry the engine's moment names: handed over as they are.
  const buckets: BucketSums[] = sums.map((s) => ({ metric: s.metric, variant: s.variant, end: s.end, moments: s, range: { min: s.min, max: s.max } }));
  const label = (v: OnlineVariant) => (v.name === `v${v.version}` ? v.name : `${v.name} (v${v.version})`);
  const analysis: Analysis = analyseExperiment(
    { variants: d.variants.map((v) => ({ name: v.name, weight: v.weight, label: label(v) })), control: d.control, metrics: d.metrics, alpha: d.alpha, plannedSampleSize: d.plannedSampleSize },
    { buckets, histograms: histograms.map((h) => ({ metric: h.metric, variant: h.variant, histogram: { values: h.values, counts: h.counts, relativeError: HISTOGRAM_RELATIVE_ERROR } })), unitLooks: perUnit, exposedUnits: exposed },
    { basis: body.basis ?? 'sequential', cuped: body.cuped ?? true },
  );
  const srm = analysis.srm as Analysis['srm'] & { counts?: Record<string, number>; observed?: number[]; expected?: number[] };
  return jsonSafe({
    experiment: experimentJson(experiment),
    runIds: [...new Set(d.variants.map((v) => v.runId))],
    window: { from: window.from ?? span?.first ?? null, until: window.until ?? (span && step ? (Math.floor(span.last / step) + 1) * step : null), lookMs: step, asOf: new Date().toISOString() },
    basis: analysis.basis,
    alpha: analysis.alpha,
    exposures: analysis.exposures,
    units: analysis.units,
    unitsTotal: analysis.unitsTotal,
    srm: { mismatch: srm.mismatch, message: srm.message, threshold: srm.threshold, ...('chiSquare' in srm ? { chiSquare: srm.chiSquare, df: srm.df, pValue: srm.pValue, counts: srm.counts } : {}) },
    metrics: analysis.metrics,
    warnings: analysis.warnings,
    summary: analysis.summary,
  });
}
