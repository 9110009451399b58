// runlens runs and experiments as MLflow's REST API spells them (service.proto: Run, RunInfo,
// RunData, Experiment), and MLflow's request values read back into runlens terms. Pure.
import type { Experiment } from '../../storage/experiments.ts';
import { DEFAULT_EXPERIMENT, experimentIdOf } from '../../storage/experiments.ts';
import type { RunRecord } from '../../storage/runs.ts';
import type { MetricSummary } from '../../storage/summaries.ts';
import { invalidParameter } from './errors.ts';
import { RUN_STATUS, TAG_FIELDS } from './search.ts';


/** The terminal MLflow statuses runs/update accepts, as runlens's RunFinished status. */
export const FINISHED_STATUS: Record<string, 'finished' | 'failed' | 'killed'> = { FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

/** MLflow's own tags that runlens keeps as run fields (name, user, lineage: search.ts TAG_FIELDS); read back from there. */
export const RESERVED_TAGS = {
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  gitCommit: 'mlflow.source.git.commit',
  parentRunId: 'mlflow.parentRunId',
} as const satisfies Record<string, keyof typeof TAG_FIELDS>;

export interface KeyValue {
  key: string;
  value: string;
}

/** The experiment id of a run: that of its experiment's name (an orphaned run, which has none, is in the default experiment). */
export const experimentIdOfRun = (run: RunRecord): string => (run.experiment === '' ? DEFAULT_EXPERIMENT.id : experimentIdOf(run.experiment));

export function artifactUri(root: string, experimentId: string, runId: string): string {
  return `${root.replace(/\/+$/, '')}/${experimentId}/${runId}/artifacts`;
}

export function mlflowRunInfo(run: RunRecord, artifactRoot: string) {
  const experimentId = experimentIdOfRun(run);
  return {
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: experimentId,
    user_id: run.user,
    status: (RUN_STATUS as Record<string, string>)[run.status] ?? 'FAILED',
    start_time: Date.parse(run.startedAt),
    ...(run.endedAt ? { end_time: Date.parse(run.endedAt) } : {}),
    artifact_uri: artifactUri(artifactRoot, experimentId, run.id),
    lifecycle_stage: run.deleted ? 'deleted' : 'active',
  };
}

/** A run with its latest metric values (unsegmented series only: MLflow has no segments), params as text and tags. */
export function mlflowRun(run: RunRecord, summaries: MetricSummary[], paramTexts: Record<string, string>, artifactRoot: string) {
  // MLflow's own tags come from the run's fields, unless a tag of that name was set after start.
  const tags: KeyValue[] = Object.entries(run.tags).map(([key, value]) => ({ key, value }));
  const fromFields: [string, string | null][] = [
    [RESERVED_TAGS.runName, run.name], [RESERVED_TAGS.user, run.user || null], [RESERVED_TAGS.gitCommit, run.lineage.gitCommit], [RESERVED_TAGS.parentRunId, run.lineage.parentRunId],
  ];
  for (const [key, value] of fromFields) if (value !== null && !(key in run.tags)) tags.push({ key, value });
  return {
    info: mlflowRunInfo(run, artifactRoot),
    data: {
      metrics: summaries.filter((s) => s.segment === null).map((s) => ({ key: s.key, value: s.last, timestamp: s.lastWallMs, step: s.lastStep })),
      params: Object.entries(run.params).map(([key, value]) => ({ key, value: paramTexts[key] ?? String(value) })),
      tags,
    },
    inputs: {},
  };
}

export function mlflowExperiment(e: Experiment, artifactRoot: string) {
  return {
    experiment_id: e.id,
    name: e.name,
    artifact_location: e.artifactLocation || `${artifactRoot.replace(/\/+$/, '')}/${e.id}`,
    lifecycle_stage: e.lifecycleStage,
    creation_time: e.createdMs,
    last_update_time: e.updatedMs,
    tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
  };
}

// -- reading requests --------------------------------------------------------------------------

/** A required string field of a request (MLflow's INVALID_PARAMETER_VALUE when missing). */
export function requiredString(body: Record<string, unknown>, name: string, ...aliases: string[]): string {
  for (const n of [name, ...aliases]) {
    const v = body[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  throw invalidParameter(`Missing value for required parameter '${name}'.`);
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a string.`);
  return v;
}

/** An int64 field: MLflow's JSON may carry it as a number or as a decimal string. */
export function optionalInteger(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected an integer.`);
  return n;
}

/** A metric value as MLflow's clients send it: a number, or text ("NaN", "Infinity", "-Infinity" for the non-finite ones, which this returns as such). */
export function metricValue(v: unknown, key: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || (Number.isNaN(n) && !(typeof v === 'string' && v.trim() === 'NaN'))) {
    throw invalidParameter(`Got invalid value ${JSON.stringify(v)} for metric '${key}': expected a number.`);
  }
  return n;
}

/** A list of {key, value} (tags, params) from a request. */
export function keyValues(body: Record<string, unknown>, name: string): KeyValue[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidParameter(`Invalid value for parameter '${name}' supplied: expected a list of {"key", "value"}.`);
  return v.map((item, i) => {
    const o = item as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || typeof o.key !== 'string' || o.key === '') throw invalidParameter(`${name}[${i}]: expected {"key": <non-empty string>, "value": <string>}.`);
    const value = o.value === undefined || o.value === null ? '' : o.value;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw invalidParameter(`${name}[${i}] (${o.key}): the value must be a string.`);
    return { key: o.key, value: String(value) };
  });
}
