// The dashboard's one API client: the documented /v1 routes, with the bearer token the person
// signed in with (sessionStorage: gone when the tab closes). Errors come back as ApiError with
// the API's message and, for a filter, the position in it.
export interface ChartAxis {
  field: string;
  kind: 'param' | 'metric' | 'tag' | 'lineage';
  name: string;
  scale: 'linear' | 'log' | 'categorical';
  present: number;
  missing: number;
  reason: string;
  min?: number;
  max?: number;
  categories?: (number | string | boolean)[];
}

/** POST /v1/sweeps/parallel: one row per run, values[k][row] for axis k (categories as indexes). */
export interface ParallelAnswer {
  rowKind: 'run' | 'group';
  runs: number;
  rows: number;
  target: string | null;
  axes: ChartAxis[];
  omitted: { field: string; reason: string }[];
  ids: string[];
  values: (number | null)[][];
}

export interface Selection {
  sweep?: string;
  experiment?: string;
  filter?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Where in the filter the error is (0-based), when it is in the filter. */
    readonly position: number | null,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'runlens.token';

/** A link may carry #token=…: kept in sessionStorage and taken out of the address bar (a fragment never reaches a server). */
export function adoptTokenFromLink(): void {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]!));
  } catch {
    // A mangled link (a stray %): sign in by pasting the token instead.
  }
  history.replaceState(history.state, '', location.pathname + location.search);
}

/** Called when the API refuses the token (401): the page asks for another. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (f: () => void): void => {
  onUnauthorized = f;
};

export const signedIn = (): boolean => sessionStorage.getItem(TOKEN_KEY) !== null;
export const signIn = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token.trim());
export const signOut = (): void => sessionStorage.removeItem(TOKEN_KEY);

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, accept = 'application/json'): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, {
    method,
    headers: { accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    if (res.status === 401) {
      signOut();
      onUnauthorized();
    }
    const err = (await res.json().catch(() => ({}))) as { error?: string; position?: number };
    throw new ApiError(res.status, err.error ?? `${res.status} ${res.statusText}`, err.position ?? null);
  }
  return (accept === 'application/json' ? await res.json() : await res.text()) as T;
}

const selectionOf = (s: Selection) => ({
  ...(s.sweep ? { sweep: s.sweep } : {}),
  ...(s.experiment ? { experiment: s.experiment } : {}),
  ...(s.filter && s.filter.trim() !== '' ? { filter: s.filter } : {}),
});

/** The axes default to every param that varies; `axes` names them instead (the target is appended). */
export const parallel = (selection: Selection, target: string | undefined, axes: string[] = []): Promise<ParallelAnswer> =>
  request('POST', '/v1/sweeps/parallel', { selection: selectionOf(selection), ...(target ? { target } : {}), ...(axes.length > 0 ? { axes } : {}) });

/** Checks a filter as the API reads it (one run fetched): null when it is good. */
export async function checkFilter(selection: Selection): Promise<ApiError | null> {
  const q = new URLSearchParams({ limit: '1' });
  if (selection.filter) q.set('filter', selection.filter);
  if (selection.experiment) q.set('experiment', selection.experiment);
  if (selection.sweep) q.set('sweep', selection.sweep);
  try {
    await request('GET', `/v1/runs?${q}`);
    return null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return err;
    throw err;
  }
}

type Cell = number | string | boolean | null;

/** POST /v1/compare: runs side by side against a baseline, with the confounds in words. */
export interface CompareAnswer {
  runs: { id: string; name: string; status: string }[];
  baseline: string;
  params: { key: string; values: Cell[]; differs: boolean }[];
  lineage: { key: string; values: Cell[]; differs: boolean }[];
  metrics: { key: string; segment: string | null; values: ({ last: number } | null)[]; deltas: ({ last: number } | null)[] }[];
  /** Per metric logged with segments: each segment's last value per run, and its delta to the baseline. */
  segmentTable: { key: string; rows: { segment: string; last: (number | null)[]; deltaLast: (number | null)[] }[] }[];
  /** The latest artifact of each name per run, with its digest. */
  artifacts: { key: string; values: ({ digest: string; uri: string; sizeBytes: number; step: number | null } | null)[]; differs: boolean }[];
  warnings: string[];
}

export const compareRuns = (runIds: string[]): Promise<CompareAnswer> => request('POST', '/v1/compare', { runIds });

/** POST /v1/stats/compare: does side a beat side b on a metric — the sentence, the estimate and its interval. */
export interface StatsAnswer {
  summary: string;
  reason: string | null;
  warnings: string[];
  notes: string[];
  sides: { a: { label: string; runs: number }; b: { label: string; runs: number } };
  result: {
    testName: string;
    pValue: number | null;
    significant: boolean;
    estimate: number | null;
    estimateName: string;
    confidenceInterval: { lower: number | null; upper: number | null; confidence: number } | null;
  };
}

export const compareSides = (a: string[], b: string[], metric: string): Promise<StatsAnswer> =>
  request('POST', '/v1/stats/compare', { a: { runIds: a, label: 'A' }, b: { runIds: b, label: 'B' }, metric });

export type CurveX = 'step' | 'wall_time' | 'relative_time';

/** POST /v1/curves: each run's series in buckets on one grid (mean, min and max per bucket). */
export interface CurvesAnswer {
  x: CurveX;
  series: {
    metric: string;
    bucketWidth: number;
    runs: { runId: string; x: number[]; mean: number[]; min: number[]; max: number[] }[];
    /** With groupBy: per group, the mean of its runs' bucket means and their spread, per bucket. */
    groups?: { label: string; runIds: string[]; x: number[]; mean: number[]; std: number[]; n: number[] }[];
  }[];
}

export const curves = (runIds: string[], metric: string, x: CurveX, ema: number | undefined, zoom: [number, number] | undefined, bands: boolean): Promise<CurvesAnswer> =>
  request('POST', '/v1/curves', {
    selection: { runIds }, metrics: [metric], maxPoints: 1000, x, ...(bands ? { groupBy: 'all-but-seed' } : {}),
    ...(ema !== undefined ? { smoothing: { ema } } : {}),
    ...(zoom ? { range: { from: zoom[0], to: zoom[1] } } : {}),
  });

/** POST /v1/sweeps/importance: each param's share of the target's variance (a forest, bootstrapped) with its interval. */
export interface ImportanceAnswer {
  target: string;
  runs: number;
  runsUsed: number;
  params: { param: string; rank: number; forest: { importance: number; ci: { lower: number; upper: number; confidence: number } }; spearman: { rho: number | null }; insensitive: boolean; reason: string }[];
  forest: { oobR2: { mean: number } | null };
}

/** POST /v1/sweeps/best-region: where the top runs lie, in a sentence. */
export interface BestRegionAnswer {
  sentence: string;
  topPercent: number;
  n: number;
}

export const importance = (selection: Selection, target: string): Promise<ImportanceAnswer> =>
  request('POST', '/v1/sweeps/importance', { selection: selectionOf(selection), target });
export const bestRegion = (selection: Selection, target: string): Promise<BestRegionAnswer> =>
  request('POST', '/v1/sweeps/best-region', { selection: selectionOf(selection), target });

/** GET /v1/runs/:id: one run with its params, tags, lineage, metric summaries per segment and artifacts. */
export interface RunDetail {
  id: string;
  name: string;
  experiment: string;
  sweepId: string | null;
  user: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  deleted: boolean;
  params: Record<string, number | string | boolean>;
  paramsSetAfterStart: Record<string, { step: number | null; at: string }>;
  tags: Record<string, string>;
  lineage: {
    gitCommit: string | null;
    gitDirty: boolean;
    dataVersion: string | null;
    environment: { language: string; languageVersion: string; libraries: Record<string, string>; hardware: string | null };
    seed: number | null;
    host: string | null;
    parentRunId: string | null;
  };
  metrics: { key: string; segment: string | null; count: number; mean: number; min: number; max: number; last: number; lastStep: number }[];
  artifacts: { name: string; kind: string; uri: string; digest: string; sizeBytes: number; step: number | null; loggedAt: string }[];
}

export const getRun = (id: string): Promise<RunDetail> => request('GET', `/v1/runs/${encodeURIComponent(id)}`);

/** POST /v1/stats/leaderboard: groups ranked on a metric, the best tested against each, who is indistinguishable from it. */
export interface LeaderboardAnswer {
  summary: string;
  best: string | null;
  groups: {
    rank: number;
    label: string;
    runIds: string[];
    n: number;
    mean: number | null;
    ci: { lower: number | null; upper: number | null; confidence: number } | null;
    vsBest: { adjustedPValue: number | null } | null;
    indistinguishableFromBest: boolean;
  }[];
}

export const leaderboard = (selection: Selection, groupBy: string[] | 'all-but-seed', metric: string, direction: 'maximize' | 'minimize'): Promise<LeaderboardAnswer> =>
  request('POST', '/v1/stats/leaderboard', { selection: selectionOf(selection), groupBy, metric, direction });

/** GET /v1/fields: the project's params (with types) and metric keys (with segments). */
export interface FieldsAnswer {
  params: { name: string; field: string; types: string[] }[];
  metrics: { key: string; segments: string[] }[];
  aggregates: string[];
  tags: { name: string; field: string }[];
  /** lineage.<name>, then lineage.libraries.<name> per library the runs recorded. */
  lineage: { name: string; field: string }[];
}

export const fields = (): Promise<FieldsAnswer> => request('GET', '/v1/fields');

interface Bin {
  kind: 'range' | 'level' | 'category';
  label: string;
  lo?: number;
  hi?: number;
  value?: number;
  category?: number | string | boolean;
}

/** POST /v1/sweeps/slice: the target against one param, a point per run and the mean with its interval per bin. */
export interface SliceAnswer {
  axes: { x: ChartAxis; y: ChartAxis };
  bins: (Bin & { n: number; mean: number | null; ci: { lower: number; upper: number } | null })[];
  ids: string[];
  x: (number | null)[];
  y: (number | null)[];
}

/** POST /v1/sweeps/contour: the target's mean per cell of a param × param grid (null: no run there). */
export interface ContourAnswer {
  x: { param: string; bins: Bin[] };
  y: { param: string; bins: Bin[] };
  mean: (number | null)[][];
  count: number[][];
}

export const slice = (selection: Selection, param: string, target: string): Promise<SliceAnswer> =>
  request('POST', '/v1/sweeps/slice', { selection: selectionOf(selection), param, target });
export const contour = (selection: Selection, x: string, y: string, target: string): Promise<ContourAnswer> =>
  request('POST', '/v1/sweeps/contour', { selection: selectionOf(selection), x, y, target });

/** POST /v1/sweeps/scatter: a point per run that has both fields, coloured by a third. */
export interface ScatterAnswer {
  points: number;
  axes: { x: ChartAxis; y: ChartAxis; colour: ChartAxis | null };
  ids: string[];
  x: (number | null)[];
  y: (number | null)[];
  colour?: (number | null)[];
}

export const scatter = (selection: Selection, x: string, y: string, colour: string | undefined): Promise<ScatterAnswer> =>
  request('POST', '/v1/sweeps/scatter', { selection: selectionOf(selection), x, y, ...(colour ? { colour } : {}) });

/** POST /v1/sweeps/marginals: per param, the target's mean and interval per bin, every other param free. */
export interface MarginalsAnswer {
  effects: { param: string; scale: 'linear' | 'log' | 'categorical'; bins: (Bin & { n: number; mean: number | null; ci: { lower: number; upper: number } | null })[] }[];
}

export const marginals = (selection: Selection, target: string): Promise<MarginalsAnswer> =>
  request('POST', '/v1/sweeps/marginals', { selection: selectionOf(selection), target });

// Artifacts side by side (/v1/artifacts/…, /v1/runs/:id/logs, /v1/logs/diff): a run without the
// artifact asked for is a 404 naming it, shown as the API's text.

/** POST /v1/artifacts/confusion: each run's matrix on the union of classes, and against the baseline. */
export interface ConfusionAnswer {
  name: string;
  baseline: string;
  normalized: boolean;
  labels: string[];
  runs: {
    runId: string;
    step: number | null;
    /** [actual][predicted]: counts, or rates by row when normalised. */
    matrix: number[][];
    accuracy: number | null;
    classes: { label: string; support: number; precision: number | null; recall: number | null; f1: number | null }[];
    vsBaseline: {
      cells: number[][];
      classes: { label: string; precision: number | null; recall: number | null; f1: number | null; pValue: number | null; withinNoise: boolean | null }[];
      mostChanged: { actual: string; predicted: string; rate: number; baselineRate: number; delta: number }[];
      sentence: string;
    } | null;
  }[];
}

export const confusion = (runIds: string[], name: string, normalize: boolean): Promise<ConfusionAnswer> =>
  request('POST', '/v1/artifacts/confusion', { runIds, name, ...(normalize ? { normalize } : {}) });

/** POST /v1/artifacts/curves: PR or ROC curves on one grid of x = 0, 0.01, …, 1, with each run's area and its delta. */
export interface ArtifactCurvesAnswer {
  name: string;
  kind: 'prCurve' | 'rocCurve';
  baseline: string;
  measure: 'averagePrecision' | 'auc';
  sentence: string;
  x: number[];
  runs: { runId: string; step: number | null; area: number; delta: number | null; grid: (number | null)[] }[];
}

export const artifactCurves = (runIds: string[], name: string): Promise<ArtifactCurvesAnswer> => request('POST', '/v1/artifacts/curves', { runIds, name });

export interface SampleOutput {
  text: string | null;
  uri: string | null;
  digest: string | null;
  scores: Record<string, number>;
}

/** POST /v1/artifacts/samples: one row per input id with each run's output (null: none), filtered and paged. */
export interface SamplesAnswer {
  name: string;
  runIds: string[];
  total: number;
  offset: number;
  rows: { inputId: string; outputs: (SampleOutput | null)[]; scoreSpread?: number }[];
}

export interface SamplesQuery {
  search?: string;
  scoreDiff?: { score: string; min: number };
  mode: 'common' | 'all';
  offset: number;
  limit: number;
}

export const samples = (runIds: string[], name: string, q: SamplesQuery): Promise<SamplesAnswer> =>
  request('POST', '/v1/artifacts/samples', { runIds, name, ...q }); // unset keys are left out by JSON

export interface LogLine {
  workerRank: number | null;
  stream: string;
  seq: number;
  at: string;
  level: string;
  text: string;
}

/** GET /v1/runs/:id/logs: the last `tail` console lines of the levels named (none: every level), holding `search`. */
export const runLogs = (id: string, q: { tail: number; levels: string[]; search?: string }): Promise<{ runId: string; lines: LogLine[] }> => {
  const p = new URLSearchParams({ tail: String(q.tail) });
  if (q.levels.length > 0) p.set('level', q.levels.join(','));
  if (q.search) p.set('search', q.search);
  return request('GET', `/v1/runs/${encodeURIComponent(id)}/logs?${p}`);
};

export interface AlignedLine {
  seq: number;
  a: string | null;
  b: string | null;
  same: boolean;
}

/** POST /v1/logs/diff: two runs' lines aligned by number, the first divergence and the lines around it, in a sentence. */
export interface LogDiffAnswer {
  a: string;
  b: string;
  stream: string;
  lines: { a: number; b: number };
  differing: number;
  firstDivergence: AlignedLine | null;
  rows: AlignedLine[];
  sentence: string;
}

export const logDiff = (a: string, b: string, ignoreDigits: boolean): Promise<LogDiffAnswer> =>
  request('POST', '/v1/logs/diff', { a, b, ...(ignoreDigits ? { ignoreDigits } : {}) });

/** POST /v1/artifacts/checkpoints: each run's checkpoints, and the digests several runs share. */
export interface CheckpointsAnswer {
  runs: { runId: string; checkpoints: { name: string; uri: string; digest: string; sizeBytes: number; step: number | null }[] }[];
  shared: { digest: string; runIds: string[] }[];
}

export const checkpoints = (runIds: string[]): Promise<CheckpointsAnswer> => request('POST', '/v1/artifacts/checkpoints', { runIds });

/** An online experiment as declared (GET /v1/online/experiments). */
export interface OnlineExperiment {
  id: string;
  name: string;
  model: string;
  control: string;
  status: string;
  variants: { name: string; alias: string | null; version: number; weight: number }[];
  updatedAt: string;
}

interface OnlineInterval {
  lower: number | null;
  upper: number | null;
  confidence: number;
}

/** One challenger against the control on one metric (POST /v1/online/analysis). */
export interface OnlineComparison {
  variant: string;
  control: string;
  sides: { variant: { n: number; value: number | null }; control: { n: number; value: number | null } };
  estimate: number | null;
  fixedHorizon: { test: string; pValue: number | null; interval: OnlineInterval } | null;
  sequential: { pValue: number | null; interval: OnlineInterval; looks: number } | null;
  cuped: { applied: boolean; varianceReduction: number | null };
  verdict: string;
  guardrail: { margin: number; status: string; basis: string } | null;
  path: { at: number; n: number; estimate: number | null; validLower: number | null; validUpper: number | null; pValue: number | null }[];
  notes: string[];
  sentence: string;
}

export interface OnlineAnswer {
  experiment: OnlineExperiment;
  window: { lookMs: number | null; asOf: string };
  basis: string;
  exposures: Record<string, number>;
  /** Distinct units exposed per variant. */
  units: Record<string, number>;
  unitsTotal: number;
  srm: { mismatch: boolean; message: string; pValue?: number | null };
  metrics: { name: string; kind: string; role: string; better: string; statistic: string; margin: number | null; comparisons: OnlineComparison[] }[];
  warnings: string[];
  summary: string;
}

export const onlineExperiments = (): Promise<{ experiments: OnlineExperiment[] }> => request('GET', '/v1/online/experiments');
export const onlineAnalysis = (experiment: string, basis: 'sequential' | 'fixedHorizon'): Promise<OnlineAnswer> => request('POST', '/v1/online/analysis', { experiment, basis });
