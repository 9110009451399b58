// TypeBox shapes shared by the routes; they type the handlers and feed the OpenAPI document.
import { Type, type Static } from '@sinclair/typebox';

/**
 * The project comes from the API token. Clients may still name it (older clients do); it must
 * then equal the token's project, or the auth plugin answers 403 before validation.
 */
export const ProjectQuery = Type.Optional(
  Type.String({ minLength: 1, maxLength: 128, description: "Optional: the token's project decides; a different value is a 403." }),
);

export const MetricSummary = Type.Object({
  key: Type.String(),
  segment: Type.Union([Type.String(), Type.Null()]),
  count: Type.Number(),
  mean: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  stepOfMin: Type.Number(),
  stepOfMax: Type.Number(),
  last: Type.Number(),
  lastStep: Type.Number(),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Lineage = Type.Object({
  gitCommit: Nullable(Type.String()),
  gitDirty: Type.Boolean(),
  dataVersion: Nullable(Type.String()),
  environment: Type.Object({
    language: Type.String(),
    languageVersion: Type.String(),
    libraries: Type.Record(Type.String(), Type.String()),
    hardware: Nullable(Type.String()),
  }),
  seed: Type.Union([Type.Number(), Type.Null()]),
  host: Nullable(Type.String()),
  parentRunId: Nullable(Type.String()),
});

export const ParamValue = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

export const Run = Type.Object({
  id: Type.String(),
  name: Type.String(),
  experiment: Type.String(),
  sweepId: Nullable(Type.String()),
  user: Type.String(),
  status: Type.String({ description: 'running, finished, failed or killed; crashed when it has no RunFinished and sent nothing (points, heartbeat) for the server\'s crash silence (RUNLENS_CRASH_AFTER_S, default 300); orphaned when events arrived under this run id but its RunStarted never did' }),
  startedAt: Type.String({ format: 'date-time', description: 'For an orphaned run, the earliest time any of its events was seen' }),
  deleted: Type.Boolean({ description: 'Deleted (MLflow runs/delete): kept with all its data and shown when asked for by id, but left out of run lists, filters, groups and sweeps until restored' }),
  endedAt: Nullable(Type.String({ format: 'date-time' })),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
  summary: Type.Record(Type.String(), Type.Number(), { description: "The final values the run's RunFinished reported (empty until it finishes, or when it sent none)" }),
  params: Type.Record(Type.String(), ParamValue),
  paramsSetAfterStart: Type.Record(Type.String(), Type.Object({ step: Type.Union([Type.Number(), Type.Null()]), at: Type.String({ format: 'date-time' }) }), {
    description: 'The params set after the run started (run.config.update, logParams), each with the step (null when none was given) and time of the value in params',
  }),
  tags: Type.Record(Type.String(), Type.String()),
  lineage: Lineage,
});

export const Artifact = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  uri: Type.String(),
  digest: Type.String(),
  sizeBytes: Type.Number(),
  step: Type.Union([Type.Number(), Type.Null()]),
  loggedAt: Type.String(),
  metadata: Type.Record(Type.String(), Type.String()),
});

export const ErrorBody = Type.Object({
  error: Type.String(),
  position: Type.Optional(Type.Integer({ minimum: 0, description: 'For an error in a filter: where in the filter text it is (0-based character offset), for an editor to point at' })),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** What the auth plugin may answer on any protected route (documented in OpenAPI). */
export const AuthErrors = { 401: ErrorBody, 403: ErrorBody, 503: ErrorBody } as const;
