// Side-by-side comparison of runs: which params, lineage fields, tags and artifacts differ,
// and every metric summary per run. Pure: takes loaded records, returns the table.
import type { Artifact } from '../../storage/artifacts.ts';
import type { MetricSummary } from '../../storage/summaries.ts';
import type { RunRecord } from '../../storage/runs.ts';

type Cell = string | number | boolean | null;

export interface DiffRow<T = Cell> {
  key: string;
  values: T[];
  differs: boolean;
}

export interface ArtifactCell {
  digest: string;
  uri: string;
  sizeBytes: number;
  step: number | null;
}

type SummaryValues = Omit<MetricSummary, 'key' | 'segment'>;
export interface Delta {
  last: number;
  min: number;
  max: number;
  mean: number;
}

export interface Comparison {
  runs: { id: string; name: string; status: string; experiment: string; sweepId: string | null; startedAt: string }[];
  baseline: string;
  params: DiffRow[];
  tags: DiffRow[];
  lineage: DiffRow[];
  /** Summaries per run, and their difference from the baseline run (null where either lacks the metric). */
  metrics: { key: string; segment: string | null; values: (SummaryValues | null)[]; deltas: (Delta | null)[] }[];
  /** Per metric key, each segment (split, class) side by side: the last value and its delta to the baseline. */
  segmentTable: { key: string; rows: { segment: string; last: (number | null)[]; deltaLast: (number | null)[] }[] }[];
  artifacts: DiffRow<ArtifactCell | null>[];
}

function delta(a: SummaryValues | null, b: SummaryValues | null): Delta | null {
  if (!a || !b) return null;
  return { last: a.last - b.last, min: a.min - b.min, max: a.max - b.max, mean: a.mean - b.mean };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const differs = (values: unknown[]) => values.some((v) => !same(v, values[0]));

function diffRows(runs: RunRecord[], pick: (r: RunRecord) => Record<string, Cell>): DiffRow[] {
  const keys = new Set<string>();
  const maps = runs.map(pick);
  for (const m of maps) for (const k of Object.keys(m)) keys.add(k);
  return [...keys].sort().map((key) => {
    const values = maps.map((m) => (key in m ? m[key]! : null));
    return { key, values, differs: differs(values) };
  });
}

export function lineageFields(r: RunRecord): Record<string, Cell> {
  const l = r.lineage;
  const out: Record<string, Cell> = {
    gitCommit: l.gitCommit,
    gitDirty: l.gitDirty,
    dataVersion: l.dataVersion,
    'environment.language': l.environment.language,
    'environment.languageVersion': l.environment.languageVersion,
    'environment.hardware': l.environment.hardware,
    seed: l.seed,
    host: l.host,
    parentRunId: l.parentRunId,
  };
  for (const [lib, v] of Object.entries(l.environment.libraries)) out[`environment.libraries.${lib}`] = v;
  return out;
}

/**
 * The lineage fields under the filter language's names (data_version, language_version,
 * libraries.torch, …): how confound warnings and `columns` name them, and what `variables` takes.
 */
export function lineageByName(r: Pick<RunRecord, 'lineage'>): Record<string, Cell> {
  const l = r.lineage;
  const out: Record<string, Cell> = {
    git_commit: l.gitCommit,
    git_dirty: l.gitDirty,
    data_version: l.dataVersion,
    language: l.environment.language,
    language_version: l.environment.languageVersion,
    hardware: l.environment.hardware,
    seed: l.seed,
    host: l.host,
    parent_run_id: l.parentRunId,
  };
  for (const [lib, v] of Object.entries(l.environment.libraries)) out[`libraries.${lib}`] = v;
  return out;
}

export function compareRuns(
  runs: RunRecord[],
  summaries: Map<string, MetricSummary[]>,
  artifacts: Map<string, Artifact[]>,
  opts: { baseline?: string; params?: 'differing' | 'all' } = {},
): Comparison {
  const baselineIndex = Math.max(0, opts.baseline ? runs.findIndex((r) => r.id === opts.baseline) : 0);
  const metricKeys = new Map<string, { key: string; segment: string | null }>();
  const byRun = runs.map((r) => {
    const m = new Map<string, MetricSummary>();
    for (const s of summaries.get(r.id) ?? []) {
      const id = `${s.key}\u0000${s.segment ?? ''}`;
      m.set(id, s);
      metricKeys.set(id, { key: s.key, segment: s.segment });
    }
    return m;
  });
  const metrics = [...metricKeys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, k]) => ({
      ...k,
      values: byRun.map((m) => {
        const s = m.get(id);
        if (!s) return null;
        const { key: _k, segment: _s, ...rest } = s;
        return rest;
      }),
    }))
    .map((m) => ({ ...m, deltas: m.values.map((v) => delta(v, m.values[baselineIndex] ?? null)) }));
  const segmentTable = [...new Set(metrics.filter((m) => m.segment !== null).map((m) => m.key))].map((key) => ({
    key,
    rows: metrics
      .filter((m) => m.key === key && m.segment !== null)
      .map((m) => ({ segment: m.segment!, last: m.values.map((v) => v?.last ?? null), deltaLast: m.deltas.map((d) => d?.last ?? null) })),
  }));

  // The latest artifact of each name per run (checkpoints are logged many times).
  const latest = runs.map((r) => {
    const m = new Map<string, ArtifactCell>();
    for (const a of artifacts.get(r.id) ?? []) m.set(a.name, { digest: a.digest, uri: a.uri, sizeBytes: a.sizeBytes, step: a.step });
    return m;
  });
  const artifactNames = [...new Set(latest.flatMap((m) => [...m.keys()]))].sort();
  const artifactRows = artifactNames.map((key) => {
    const values = latest.map((m) => m.get(key) ?? null);
    return { key, values, differs: differs(values.map((v) => v?.digest ?? null)) };
  });

  const params = diffRows(runs, (r) => r.params);
  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, status: r.status, experiment: r.experiment, sweepId: r.sweepId, startedAt: r.startedAt })),
    baseline: runs[baselineIndex]?.id ?? '',
    params: opts.params === 'all' ? params : params.filter((p) => p.differs),
    tags: diffRows(runs, (r) => r.tags),
    lineage: diffRows(runs, lineageFields),
    metrics,
    segmentTable,
    artifacts: artifactRows,
  };
}
