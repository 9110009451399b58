// The /v1/models shapes (TypeBox: they validate requests and feed the OpenAPI document), and the
// registry's state as JSON: times as ISO strings, versions as numbers.
import { Type, type Static } from '@sinclair/typebox';
import { MODEL_STAGES } from '../../schemas/events.ts';
import { MODEL_NAME_LENGTH } from '../../schemas/validate.ts';
import type { LoggedChange, ModelVersion, RegisteredModel } from './state.ts';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Tags = Type.Record(Type.String(), Type.String());
const Time = Type.String({ format: 'date-time' });

export const ModelName = Type.String({ minLength: 1, maxLength: MODEL_NAME_LENGTH, description: `1 to ${MODEL_NAME_LENGTH} letters, digits, '.', '_' or '-', starting with a letter or digit` });
export const AliasName = Type.String({ minLength: 1, maxLength: MODEL_NAME_LENGTH, description: "Letters, digits, '_' or '-'; not \"latest\", nor shaped like a version (v3)" });
export const Stage = Type.Union([Type.Literal('None'), Type.Literal('Staging'), Type.Literal('Production'), Type.Literal('Archived')], { description: `One of ${MODEL_STAGES.join(', ')} (MLflow's stages)` });
const Reason = Type.String({ maxLength: 8000, description: 'Why, in your words: kept in the audit log' });
const Evidence = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100, description: 'Evidence ids the change cites' });

export const ModelVersionJson = Type.Object({
  model: Type.String(),
  version: Type.Integer(),
  runId: Type.String(),
  artifactUri: Nullable(Type.String()),
  artifactDigest: Nullable(Type.String()),
  description: Type.String(),
  tags: Tags,
  stage: Stage,
  aliases: Type.Array(Type.String()),
  metrics: Type.Record(Type.String(), Type.Number(), { description: "The run's metric summaries when it was registered (series.aggregate → value)" }),
  flags: Type.Array(Type.String(), { description: 'What the registry warned about at registration' }),
  createdAt: Time,
  updatedAt: Time,
  createdBy: Type.String({ description: 'The API token that registered it (token:<id>)' }),
});

export const ModelJson = Type.Object({
  name: Type.String(),
  description: Type.String(),
  tags: Tags,
  aliases: Type.Record(Type.String(), Type.Integer(), { description: 'alias → the version it points to' }),
  requireEvidence: Type.Array(Type.String(), { description: 'Aliases and stages whose moves must cite evidence' }),
  latestVersion: Nullable(Type.Integer()),
  versionCount: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  createdBy: Type.String(),
});

export const ModelWithVersions = Type.Intersect([ModelJson, Type.Object({ versions: Type.Array(ModelVersionJson) })]);

export const AuditEntry = Type.Object({
  at: Time,
  actor: Type.String(),
  action: Type.String(),
  model: Type.String({ description: 'The model as it was named then' }),
  version: Nullable(Type.Integer()),
  alias: Nullable(Type.String()),
  stage: Nullable(Type.String()),
  before: Type.Union([Type.Integer(), Type.String(), Type.Null()], { description: 'The version that held the alias before (0: none), or the stage the version was in' }),
  reason: Nullable(Type.String()),
  evidence: Type.Array(Type.String()),
  accepted: Type.Boolean(),
  refusal: Nullable(Type.String({ description: 'Why it did not take effect' })),
});

export const CreateModelBody = Type.Object(
  { name: ModelName, description: Type.Optional(Type.String({ maxLength: 8000 })), tags: Type.Optional(Tags), requireEvidence: Type.Optional(Type.Array(AliasName, { maxItems: 100 })) },
  { additionalProperties: false },
);
export const UpdateModelBody = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 8000 })),
    tags: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), { description: 'Tags to set; null removes one' })),
    requireEvidence: Type.Optional(Type.Array(AliasName, { maxItems: 100, description: 'Replaces the aliases (and stages) whose moves must cite evidence' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const RenameBody = Type.Object({ name: ModelName }, { additionalProperties: false });
export const CreateVersionBody = Type.Object(
  {
    runId: Type.String({ minLength: 1, maxLength: 128 }),
    artifact: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: "The run's artifact holding the model files, by name: its latest uri and digest are recorded" })),
    artifactUri: Type.Optional(Type.String({ minLength: 1, maxLength: 8000, description: 'Or the model files by uri (runlens stores no files)' })),
    artifactDigest: Type.Optional(Type.String({ maxLength: 256 })),
    metrics: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100, description: 'Summaries to record (series.last|min|max); default: all of them' })),
    description: Type.Optional(Type.String({ maxLength: 8000 })),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export const UpdateVersionBody = Type.Object(
  { description: Type.Optional(Type.String({ maxLength: 8000 })), tags: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))) },
  { additionalProperties: false, minProperties: 1 },
);
export const SetAliasBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 0, description: 'The version you saw holding the alias (0: none); another holder makes it a 409 naming it' })),
    reason: Type.Optional(Reason),
    evidence: Type.Optional(Evidence),
  },
  { additionalProperties: false },
);
export const DeleteAliasQuery = Type.Object(
  { expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export const StageBody = Type.Object(
  { stage: Stage, archiveExisting: Type.Optional(Type.Boolean({ description: 'Move the other versions in that stage to Archived' })), reason: Type.Optional(Reason), evidence: Type.Optional(Evidence) },
  { additionalProperties: false },
);
export const ModelParams = Type.Object({ name: ModelName });
export const VersionParams = Type.Object({ name: ModelName, version: Type.Integer({ minimum: 1 }) });
export const AliasParams = Type.Object({ name: ModelName, alias: AliasName });

const iso = (ms: number) => new Date(ms).toISOString();

export function versionJson(v: ModelVersion): Static<typeof ModelVersionJson> {
  return {
    model: v.model, version: v.version, runId: v.runId, artifactUri: v.artifactUri, artifactDigest: v.artifactDigest, description: v.description, tags: v.tags,
    stage: v.stage, aliases: v.aliases, metrics: v.metrics, flags: v.flags, createdAt: iso(v.createdAt), updatedAt: iso(v.updatedAt), createdBy: v.createdBy,
  };
}

export function modelJson(m: RegisteredModel): Static<typeof ModelJson> {
  return {
    name: m.name, description: m.description, tags: m.tags, aliases: m.aliases, requireEvidence: m.requireEvidence,
    latestVersion: m.versions.at(-1)?.version ?? null, versionCount: m.versions.length, createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt), createdBy: m.createdBy,
  };
}

export function auditJson(l: LoggedChange): Static<typeof AuditEntry> {
  const c = l.change;
  return {
    at: iso(c.at), actor: c.actor, action: c.action, model: c.model, version: l.outcome.version ?? c.version ?? null, alias: c.alias ?? null, stage: c.stage ?? null,
    before: l.before, reason: c.reason ?? null, evidence: c.evidence ?? [], accepted: l.outcome.accepted, refusal: l.outcome.message,
  };
}
