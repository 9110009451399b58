// TypeScript shapes of the Avro events in schemas/*.avsc (the .avsc files are the contract;
// keep these in step with the newest version of each).

export type ParamValue = number | string | boolean;

export interface Environment {
  language: string;
  languageVersion: string;
  libraries: Record<string, string>;
  hardware: string | null;
}

export interface Lineage {
  gitCommit: string | null;
  gitDirty: boolean;
  dataVersion: string | null;
  environment: Environment;
  seed: number | null;
  host: string | null;
  parentRunId: string | null;
}

export interface RunStarted {
  project: string;
  runId: string;
  experiment: string;
  sweepId: string | null;
  name: string;
  user: string;
  startedAt: number;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  lineage: Lineage;
}

/**
 * A sender's name for one event that survives re-sends (a retry, a spool replayed later): the
 * processor stores an event with an identity once however often it arrives. Optional: events
 * without one (older SDKs) are identified by their Kafka position alone.
 */
export interface EventIdentity {
  producerId?: string | null;
  sequence?: number | null;
}

export interface MetricBatch extends EventIdentity {
  project: string;
  runId: string;
  workerRank: number | null;
  keys: string[];
  segments: string[];
  keyIndex: number[];
  segmentIndex: number[];
  steps: number[];
  values: number[];
  wallTimes: number[];
}

export const ARTIFACT_KINDS = ['checkpoint', 'confusion_matrix', 'curve', 'sample', 'log', 'image', 'other'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export interface ArtifactLogged extends EventIdentity {
  project: string;
  runId: string;
  name: string;
  kind: ArtifactKind;
  uri: string;
  digest: string;
  sizeBytes: number;
  step: number | null;
  loggedAt: number;
  metadata: Record<string, string>;
}

export const RUN_STATUSES = ['finished', 'failed', 'killed', 'unknown'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunFinished {
  project: string;
  runId: string;
  status: RunStatus;
  endedAt: number;
  durationMs: number | null;
  summary: Record<string, number>;
}

/** Params set after the run started; merged into its params, the latest loggedAt winning per key. */
export interface ParamsLogged extends EventIdentity {
  project: string;
  runId: string;
  params: Record<string, ParamValue>;
  /** For params given as text but stored as numbers or booleans: the text as given (MLflow clients read it back). */
  texts?: Record<string, string>;
  loggedAt: number;
  step: number | null;
}

/** A run's process is alive (sent every 30 s by the SDKs while a run is open). */
export interface RunHeartbeat {
  project: string;
  runId: string;
  workerRank: number | null;
  at: number;
}

/** Tags set or removed after start; merged into the run's tags, the latest setAt winning per key. */
export interface TagsSet extends EventIdentity {
  project: string;
  runId: string;
  tags: Record<string, string>;
  removed?: string[];
  setAt: number;
}

export const LIFECYCLE_STAGES = ['active', 'deleted'] as const;

/** An experiment as MLflow clients know it (created, deleted, restored); the latest declaredAt wins. */
export interface ExperimentDeclared {
  project: string;
  experimentId: string;
  name: string;
  lifecycleStage: (typeof LIFECYCLE_STAGES)[number];
  artifactLocation?: string;
  tags?: Record<string, string>;
  declaredAt: number;
}

/** A run deleted or restored: a deleted run keeps its data and is left out of run lists until restored. */
export interface RunLifecycleSet {
  project: string;
  runId: string;
  lifecycleStage: (typeof LIFECYCLE_STAGES)[number];
  setAt: number;
}

export const REGISTRY_ACTIONS = [
  'createModel', 'updateModel', 'renameModel', 'deleteModel', 'setModelTags', 'createVersion', 'updateVersion', 'deleteVersion', 'setVersionTags', 'setAlias', 'deleteAlias', 'transitionStage', 'requireEvidence',
] as const;
export type RegistryAction = (typeof REGISTRY_ACTIONS)[number];
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/**
 * One change asked of a project's model registry (registry-changed.v1.avsc). Whether it took
 * effect is decided by replaying the project's changes in Kafka order (query-api/registry/state.ts).
 */
export interface RegistryChanged {
  project: string;
  eventId: string;
  action: RegistryAction;
  model: string;
  modelId?: string | null;
  newName?: string | null;
  version?: number | null;
  alias?: string | null;
  stage?: string | null;
  archiveExisting?: boolean;
  expectedVersion?: number | null;
  description?: string | null;
  tags?: Record<string, string>;
  removedTags?: string[];
  runId?: string | null;
  artifactUri?: string | null;
  artifactDigest?: string | null;
  metrics?: Record<string, number>;
  flags?: string[];
  aliases?: string[];
  evidence?: string[];
  reason?: string | null;
  actor: string;
  at: number;
}

export const TABLE_KINDS = ['confusionMatrix', 'prCurve', 'rocCurve', 'perClass', 'table'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/** A small table logged at a step (table-logged.v1.avsc): numbers row-major in values, or a generic table's JSON cells. */
export interface TableLogged extends EventIdentity {
  project: string;
  runId: string;
  name: string;
  kind: TableKind;
  step: number | null;
  loggedAt: number;
  labels?: string[];
  columns?: string[];
  values?: number[];
  cells?: string[];
}

export interface Sample {
  inputId: string;
  text?: string | null;
  uri?: string | null;
  digest?: string | null;
  scores?: Record<string, number>;
}

/** Generated outputs keyed by input id (samples-logged.v1.avsc). */
export interface SamplesLogged extends EventIdentity {
  project: string;
  runId: string;
  name: string;
  step: number | null;
  loggedAt: number;
  samples: Sample[];
}

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Console lines of a run (log-lines.v1.avsc). */
export interface LogLines extends EventIdentity {
  project: string;
  runId: string;
  workerRank: number | null;
  stream: 'stdout' | 'stderr';
  lines: { seq: number; at: number; level: LogLevel; text: string }[];
}

export const EVIDENCE_KINDS = ['compare', 'groups', 'statsCompare', 'statsLeaderboard', 'sweepsImportance', 'sweepsBestRegion', 'onlineAnalysis'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** An answer of the query API saved as evidence (evidence-saved.v1.avsc); immutable. */
export interface EvidenceSaved {
  project: string;
  evidenceId: string;
  kind: EvidenceKind;
  request: string;
  answer: string;
  summary?: string | null;
  runIds?: string[];
  contentHash: string;
  note?: string | null;
  actor: string;
  at: number;
}

/**
 * Outcomes of an online experiment (outcome-batch.v1.avsc), record by record in parallel columns:
 * record i is unit unitIds[i] in variants[variantIndex[i]] at times[i] — an exposure when
 * metricIndex[i] is -1, else the value of metrics[metricIndex[i]], with the unit's pre-period
 * covariate covariates[i] when the batch has covariates (empty: none). A metric flagged in
 * metricsPerUnit also has its totals kept per unit (a ratio metric: records are a user's requests).
 */
export interface OutcomeBatch extends EventIdentity {
  project: string;
  experimentId: string;
  variants: string[];
  metrics: string[];
  unitIds: string[];
  variantIndex: number[];
  metricIndex: number[];
  values: number[];
  covariates: number[];
  times: number[];
  /** Empty, or one flag per metric: keep that metric's totals per unit too (ratio metrics). */
  metricsPerUnit?: boolean[];
}

export const ONLINE_METRIC_KINDS = ['binary', 'continuous', 'ratio'] as const;
export const ONLINE_METRIC_ROLES = ['primary', 'secondary', 'guardrail'] as const;
export const ONLINE_STATISTICS = ['mean', 'p95'] as const;

export interface OnlineVariant {
  name: string;
  alias: string | null;
  version: number;
  runId: string;
  weight: number;
}

export interface OnlineMetric {
  name: string;
  kind: (typeof ONLINE_METRIC_KINDS)[number];
  role: (typeof ONLINE_METRIC_ROLES)[number];
  better: 'higher' | 'lower';
  statistic: (typeof ONLINE_STATISTICS)[number];
  margin: number | null;
}

/** An online experiment declared or changed (online-experiment-declared.v1.avsc); the latest declaredAt wins. */
export interface OnlineExperimentDeclared {
  project: string;
  experimentId: string;
  name: string;
  description: string;
  model: string;
  variants: OnlineVariant[];
  control: string;
  metrics: OnlineMetric[];
  alpha: number;
  plannedSampleSize: number;
  status: 'running' | 'stopped';
  actor: string;
  declaredAt: number;
}

export interface EventMap {
  RunStarted: RunStarted;
  MetricBatch: MetricBatch;
  ArtifactLogged: ArtifactLogged;
  RunFinished: RunFinished;
  ParamsLogged: ParamsLogged;
  RunHeartbeat: RunHeartbeat;
  TagsSet: TagsSet;
  ExperimentDeclared: ExperimentDeclared;
  RunLifecycleSet: RunLifecycleSet;
  RegistryChanged: RegistryChanged;
  EvidenceSaved: EvidenceSaved;
  TableLogged: TableLogged;
  SamplesLogged: SamplesLogged;
  LogLines: LogLines;
  OutcomeBatch: OutcomeBatch;
  OnlineExperimentDeclared: OnlineExperimentDeclared;
}
export type EventType = keyof EventMap;
export const EVENT_TYPES: readonly EventType[] = ['RunStarted', 'MetricBatch', 'ArtifactLogged', 'RunFinished', 'ParamsLogged', 'RunHeartbeat', 'TagsSet', 'ExperimentDeclared', 'RunLifecycleSet', 'RegistryChanged', 'EvidenceSaved', 'TableLogged', 'SamplesLogged', 'LogLines', 'OutcomeBatch', 'OnlineExperimentDeclared'];

export type AnyEvent = { [K in EventType]: { type: K; value: EventMap[K] } }[EventType];

/**
 * The Kafka message key of an event: its run id, so a run's events stay in order in one
 * partition; an experiment's declarations by experiment id (they concern no run); a registry
 * change by project, so a project's registry has one order (a createVersion names a run too);
 * evidence by its id; an online experiment's declarations by its id, its outcomes by experiment
 * and sender (one sender's batches stay in order; many senders spread over the partitions).
 */
export function eventKey(value: EventMap[EventType]): string {
  if ('eventId' in value && 'action' in value) return `registry:${value.project}`;
  if ('evidenceId' in value) return `evidence:${value.evidenceId}`;
  if ('unitIds' in value) return `online:${value.experimentId}:${value.producerId ?? ''}`;
  if ('plannedSampleSize' in value) return `online:${value.experimentId}`;
  return 'runId' in value ? value.runId : `experiment:${value.experimentId}`;
}
