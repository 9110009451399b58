// Turns decoded events into the rows of storage/tables.ts. Pure and allocation-conscious: a
// MetricBatch is grouped into one chunk row per (key, segment) with its statistics computed in one pass.
import type { ArtifactLogged, EventIdentity, ExperimentDeclared, MetricBatch, ParamsLogged, ParamValue, EvidenceSaved, LogLines, RegistryChanged, SamplesLogged, TableLogged, RunFinished, RunLifecycleSet, RunStarted, TagsSet } from '../schemas/events.ts';
import { rabinFingerprint } from '../schemas/fingerprint.ts';
import {
  LOD_STEPS, type ArtifactsRow, type ExperimentsRow, type MetricChunkStatsRow, type RunTagUpdatesRow, type RunFinishesRow, type ArtifactTablesRow, type EvidenceRow, type LogChunksRow, type RegistryEventsRow, type SamplesRow, type RunLifecycleRow, type RunLivenessRow, type RunParamUpdatesRow, type RunSightingsRow, type RunsRow, type Source, type TableRows,
} from '../storage/tables.ts';

/**
 * A params map as the tables hold it: sorted keys with parallel type, string and number arrays.
 * `texts` gives the string form of params that came as text (MLflow's) instead of String(value).
 */
export function paramColumns(params: Record<string, ParamValue>, texts: Record<string, string> = {}): Pick<RunsRow, 'param_keys' | 'param_types' | 'param_strings' | 'param_numbers'> {
  const paramKeys = Object.keys(params).sort();
  const types: string[] = [];
  const strings: string[] = [];
  const numbers: (number | 'nan')[] = [];
  for (const k of paramKeys) {
    const v = params[k]!;
    if (typeof v === 'number') {
      types.push('number');
      strings.push(texts[k] ?? String(v));
      numbers.push(v);
    } else if (typeof v === 'boolean') {
      types.push('bool');
      strings.push(texts[k] ?? String(v));
      numbers.push(v ? 1 : 0);
    } else {
      types.push('string');
      strings.push(v);
      // JSON has no NaN; ClickHouse parses the string "nan" into a Float64.
      numbers.push('nan');
    }
  }
  return { param_keys: paramKeys, param_types: types, param_strings: strings, param_numbers: numbers };
}

export function runRow(e: RunStarted, src: Source): RunsRow {
  const tagKeys = Object.keys(e.tags).sort();
  const libs = Object.keys(e.lineage.environment.libraries).sort();
  return {
    project: e.project,
    run_id: e.runId,
    experiment: e.experiment,
    sweep_id: e.sweepId ?? '',
    name: e.name,
    user: e.user,
    started_at_ms: e.startedAt,
    ...paramColumns(e.params),
    tag_keys: tagKeys,
    tag_values: tagKeys.map((k) => e.tags[k]!),
    git_commit: e.lineage.gitCommit ?? '',
    git_dirty: e.lineage.gitDirty ? 1 : 0,
    data_version: e.lineage.dataVersion ?? '',
    env_language: e.lineage.environment.language,
    env_language_version: e.lineage.environment.languageVersion,
    env_library_names: libs,
    env_library_versions: libs.map((k) => e.lineage.environment.libraries[k]!),
    env_hardware: e.lineage.environment.hardware ?? '',
    seed: e.lineage.seed,
    host: e.lineage.host ?? '',
    parent_run_id: e.lineage.parentRunId ?? '',
    src_partition: src.partition,
    src_offset: src.offset,
  };
}

export function paramUpdateRow(e: ParamsLogged, src: Source): RunParamUpdatesRow {
  return { project: e.project, run_id: e.runId, logged_at_ms: e.loggedAt, step: e.step, ...paramColumns(e.params, e.texts), src_partition: src.partition, src_offset: src.offset };
}

export function tagUpdateRow(e: TagsSet, src: Source): RunTagUpdatesRow {
  const keys = Object.keys(e.tags).sort();
  return {
    project: e.project, run_id: e.runId, set_at_ms: e.setAt, tag_keys: keys, tag_values: keys.map((k) => e.tags[k]!), removed_keys: e.removed ?? [],
    src_partition: src.partition, src_offset: src.offset,
  };
}

export function experimentRow(e: ExperimentDeclared, src: Source): ExperimentsRow {
  const tags = e.tags ?? {};
  const keys = Object.keys(tags).sort();
  return {
    project: e.project, experiment_id: e.experimentId, name: e.name, lifecycle_stage: e.lifecycleStage, artifact_location: e.artifactLocation ?? '',
    tag_keys: keys, tag_values: keys.map((k) => tags[k]!), declared_at_ms: e.declaredAt, src_partition: src.partition, src_offset: src.offset,
  };
}

export function lifecycleRow(e: RunLifecycleSet, src: Source): RunLifecycleRow {
  return { project: e.project, run_id: e.runId, lifecycle_stage: e.lifecycleStage, set_at_ms: e.setAt, src_partition: src.partition, src_offset: src.offset };
}

export function tableRow(e: TableLogged, src: Source): ArtifactTablesRow {
  return {
    project: e.project, run_id: e.runId, name: e.name, kind: e.kind, step: e.step ?? -1, logged_at_ms: e.loggedAt, labels: e.labels ?? [], columns: e.columns ?? [],
    values: e.values ?? [], cells: e.cells ?? [], src_partition: src.partition, src_offset: src.offset,
  };
}

export function sampleRows(e: SamplesLogged, src: Source): SamplesRow[] {
  return e.samples.map((s) => {
    const scores = Object.entries(s.scores ?? {});
    return {
      project: e.project, run_id: e.runId, name: e.name, step: e.step ?? -1, input_id: s.inputId, text: s.text ?? '', has_text: s.text === null || s.text === undefined ? 0 : 1,
      uri: s.uri ?? '', digest: s.digest ?? '', score_keys: scores.map(([k]) => k), score_values: scores.map(([, v]) => v), logged_at_ms: e.loggedAt,
      src_partition: src.partition, src_offset: src.offset,
    };
  });
}

export function logChunkRow(e: LogLines, src: Source): LogChunksRow {
  const ats = e.lines.map((l) => l.at);
  let first = Infinity;
  let last = -Infinity;
  for (const at of ats) {
    if (at < first) first = at;
    if (at > last) last = at;
  }
  return {
    project: e.project, run_id: e.runId, worker_rank: e.workerRank ?? -1, stream: e.stream, first_seq: e.lines[0]!.seq, seqs: e.lines.map((l) => l.seq), ats_ms: ats,
    levels: e.lines.map((l) => l.level), texts: e.lines.map((l) => l.text), first_at_ms: first, last_at_ms: last, src_partition: src.partition, src_offset: src.offset,
  };
}

export function evidenceRow(e: EvidenceSaved, src: Source): EvidenceRow {
  return {
    project: e.project, evidence_id: e.evidenceId, kind: e.kind, request: e.request, answer: e.answer, summary: e.summary ?? '', run_ids: e.runIds ?? [], content_hash: e.contentHash,
    note: e.note ?? '', actor: e.actor, at_ms: e.at, src_partition: src.partition, src_offset: src.offset,
  };
}

export function registryRow(e: RegistryChanged, src: Source): RegistryEventsRow {
  return { project: e.project, event_id: e.eventId, action: e.action, model: e.model, actor: e.actor, at_ms: e.at, change: JSON.stringify(e), src_partition: src.partition, src_offset: src.offset };
}

/**
 * Rows of an event that carries an identity (producerId, sequence) say they came from a source
 * derived from it instead of a Kafka position: partition 2^31 plus 31 bits of the producer id's
 * CRC-64-AVRO fingerprint; offset 21 more bits of it times 2^32, plus the sequence (below 2^32,
 * schemas/validate.ts). Kafka partitions stay far below 2^31, so an identity never meets a Kafka
 * position, and a re-sent event gets the same pair wherever it lands: the tables' sort keys
 * collapse it like a replayed range. Two producers of one run (and key, segment, rank) share a
 * pair only if 52 bits of their ids' fingerprints and a sequence match. Offsets stay below 2^53.
 */
export const IDENTIFIED_PARTITION_BASE = 2 ** 31;

/** Where an event's rows say they came from: its identity when it has one, else its Kafka position. */
export function originOf(e: EventIdentity, src: Source): Source {
  if (e.producerId == null || e.sequence == null) return src;
  const fp = rabinFingerprint(e.producerId);
  return { partition: IDENTIFIED_PARTITION_BASE + Number(fp & 0x7fffffffn), offset: Number((fp >> 31n) & 0x1fffffn) * 2 ** 32 + e.sequence };
}

export function finishRow(e: RunFinished, src: Source): RunFinishesRow {
  const keys = Object.keys(e.summary).sort();
  return {
    project: e.project,
    run_id: e.runId,
    status: e.status,
    ended_at_ms: e.endedAt,
    duration_ms: e.durationMs,
    summary_keys: keys,
    summary_values: keys.map((k) => e.summary[k]!),
    src_partition: src.partition,
    src_offset: src.offset,
  };
}

export function artifactRow(e: ArtifactLogged, src: Source): ArtifactsRow {
  const keys = Object.keys(e.metadata).sort();
  return {
    project: e.project,
    run_id: e.runId,
    name: e.name,
    kind: e.kind,
    uri: e.uri,
    digest: e.digest,
    size_bytes: e.sizeBytes,
    step: e.step,
    logged_at_ms: e.loggedAt,
    meta_keys: keys,
    meta_values: keys.map((k) => e.metadata[k]!),
    src_partition: src.partition,
    src_offset: src.offset,
  };
}

interface Chunk {
  keyIndex: number;
  segmentIndex: number;
  steps: number[];
  values: number[];
  wallTimes: number[];
  sum: number;
  min: number;
  max: number;
  stepOfMin: number;
  stepOfMax: number;
  lastStep: number;
  lastValue: number;
  lastWall: number;
  firstStep: number;
}

/** Aligned 64-step buckets of one chunk: index, count, sum, min, max. */
function levelOfDetail(steps: number[], values: number[]) {
  const index = new Map<number, number>();
  const out = { bucket: [] as number[], count: [] as number[], sum: [] as number[], min: [] as number[], max: [] as number[] };
  for (let i = 0; i < steps.length; i++) {
    const b = Math.floor(steps[i]! / LOD_STEPS);
    const v = values[i]!;
    let k = index.get(b);
    if (k === undefined) {
      k = out.bucket.push(b) - 1;
      index.set(b, k);
      out.count.push(0);
      out.sum.push(0);
      out.min.push(v);
      out.max.push(v);
    }
    out.count[k]!++;
    out.sum[k]! += v;
    if (v < out.min[k]!) out.min[k] = v;
    if (v > out.max[k]!) out.max[k] = v;
  }
  return out;
}

/** One chunk row and one stats row per (key, segment) of the batch; validated input is assumed. */
export function chunkRows(b: MetricBatch, src: Source, out: Pick<TableRows, 'metric_chunks' | 'metric_chunk_stats'>): void {
  const stride = b.segments.length + 1;
  const chunks = new Map<number, Chunk>();
  const n = b.steps.length;
  for (let i = 0; i < n; i++) {
    const ki = b.keyIndex[i]!;
    const si = b.segmentIndex[i]!;
    const step = b.steps[i]!;
    const value = b.values[i]!;
    const wall = b.wallTimes[i]!;
    const id = ki * stride + si + 1;
    let c = chunks.get(id);
    if (!c) {
      c = {
        keyIndex: ki, segmentIndex: si, steps: [], values: [], wallTimes: [],
        sum: 0, min: value, max: value, stepOfMin: step, stepOfMax: step,
        lastStep: step, lastValue: value, lastWall: wall, firstStep: step,
      };
      chunks.set(id, c);
    }
    c.steps.push(step);
    c.values.push(value);
    c.wallTimes.push(wall);
    c.sum += value;
    // Ties keep the earliest step, like argmin/argmax over a series.
    if (value < c.min || (value === c.min && step < c.stepOfMin)) { c.min = value; c.stepOfMin = step; }
    if (value > c.max || (value === c.max && step < c.stepOfMax)) { c.max = value; c.stepOfMax = step; }
    if (step > c.lastStep || (step === c.lastStep && wall >= c.lastWall)) { c.lastStep = step; c.lastValue = value; c.lastWall = wall; }
    if (step < c.firstStep) c.firstStep = step;
  }
  const workerRank = b.workerRank ?? -1;
  for (const c of chunks.values()) {
    const lod = levelOfDetail(c.steps, c.values);
    const stats: MetricChunkStatsRow = {
      project: b.project,
      key: b.keys[c.keyIndex]!,
      segment: c.segmentIndex < 0 ? '' : b.segments[c.segmentIndex]!,
      run_id: b.runId,
      worker_rank: workerRank,
      src_partition: src.partition,
      src_offset: src.offset,
      point_count: c.steps.length,
      value_sum: c.sum,
      value_min: c.min,
      value_max: c.max,
      step_of_min: c.stepOfMin,
      step_of_max: c.stepOfMax,
      last_step: c.lastStep,
      last_value: c.lastValue,
      last_wall_time_ms: c.lastWall,
    };
    out.metric_chunk_stats.push(stats);
    out.metric_chunks.push({
      ...stats,
      first_step: c.firstStep,
      point_steps: c.steps,
      point_values: c.values,
      point_wall_times_ms: c.wallTimes,
      lod_bucket: lod.bucket,
      lod_count: lod.count,
      lod_sum: lod.sum,
      lod_min: lod.min,
      lod_max: lod.max,
    });
  }
}

/** The largest of some epoch-millisecond times (a MetricBatch's wall times; validated: not empty). */
export function latest(times: readonly number[]): number {
  let max = times[0]!;
  for (let i = 1; i < times.length; i++) if (times[i]! > max) max = times[i]!;
  return max;
}

/** The smallest of some epoch-millisecond times (a MetricBatch's wall times; validated: not empty). */
export function earliest(times: readonly number[]): number {
  let min = times[0]!;
  for (let i = 1; i < times.length; i++) if (times[i]! < min) min = times[i]!;
  return min;
}

/** One time per run of a batch, the one `better` prefers (the earliest, or the latest). */
class RunTimes {
  private readonly times = new Map<string, { project: string; runId: string; ms: number }>();

  constructor(private readonly better: (a: number, b: number) => boolean) {}

  note(project: string, runId: string, ms: number): void {
    const id = `${project}\u0000${runId}`;
    const t = this.times.get(id);
    if (!t) this.times.set(id, { project, runId, ms });
    else if (this.better(ms, t.ms)) t.ms = ms;
  }

  protected each<R>(row: (project: string, runId: string, ms: number) => R): R[] {
    return [...this.times.values()].map((t) => row(t.project, t.runId, t.ms));
  }
}

/** The runs a batch has points, artifacts, params, tags or finishes of, each with the earliest time seen: one run_sightings row per run. */
export class Sightings extends RunTimes {
  constructor() {
    super((a, b) => a < b);
  }

  rows(): RunSightingsRow[] {
    return this.each((project, run_id, first_seen_ms) => ({ project, run_id, first_seen_ms }));
  }
}

/** The runs a batch has a sign of life of (points, artifact, params, tags, heartbeat), each with the latest time: one run_liveness row per run. */
export class Liveness extends RunTimes {
  constructor() {
    super((a, b) => a > b);
  }

  rows(): RunLivenessRow[] {
    return this.each((project, run_id, last_seen_ms) => ({ project, run_id, last_seen_ms }));
  }
}
