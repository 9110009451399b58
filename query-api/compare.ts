// Side-by-side comparison of runs: which params, lineage fields, tags and artifacts differ,
// and every metric summary per run. Pure: takes loaded records, returns the table.
import type { Artifact, MetricSummary, RunRecord } from './store.ts';

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

export interface Comparison {
  runs: { id: string; name: string; status: string; experiment: string; sweepId: string | null; startedAt: string }[];
  params: DiffRow[];
  tags: DiffRow[];
  lineage: DiffRow[];
  metrics: { key: string; segment: string | null; values: (Omit<MetricSummary, 'key' | 'segment'> | null)[] }[];
  artifacts: DiffRow<ArtifactCell | null>[];
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

export function compareRuns(runs: RunRecord[], summaries: Map<string, MetricSummary[]>, artifacts: Map<string, Artifact[]>): Comparison {
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

  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, status: r.status, experiment: r.experiment, sweepId: r.sweepId, startedAt: r.startedAt })),
    params: diffRows(runs, (r) => r.params),
    tags: diffRows(runs, (r) => r.tags),
    lineage: diffRows(runs, lineageFields),
    metrics,
    artifacts: artifactRows,
  };
}
