// What a project's registry changes add up to. Replaying them in Kafka order
// (storage/registry.ts) decides which took effect, which were refused and why, and which
// number a new version got. Pure and deterministic: every API process reading the same log
// gives the same answer, and two concurrent moves of one alias are settled by their order on
// Kafka — the second names the version it expected to find, finds another, and is refused (409,
// naming the holder). Refused changes stay in the log (the audit log keeps what was asked).
import type { RegistryChanged } from '../../schemas/events.ts';

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface ModelVersion {
  model: string;
  version: number;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  description: string;
  runId: string;
  artifactUri: string | null;
  artifactDigest: string | null;
  /** The run's key metric summaries when it was registered. */
  metrics: Record<string, number>;
  /** What the registry warned about at registration (e.g. why the run is not reproducible). */
  flags: string[];
  stage: Stage;
  tags: Record<string, string>;
  /** The aliases that point here. */
  aliases: string[];
}

export interface RegisteredModel {
  /** Stable across renames: the event id of its createModel. */
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  description: string;
  tags: Record<string, string>;
  /** Live versions in number order (deleted ones are gone; numbers are never reused). */
  versions: ModelVersion[];
  aliases: Record<string, number>;
  /** Aliases (or stages) whose moves must cite evidence. */
  requireEvidence: string[];
}

/** Why a change was refused: something it names does not exist, a name is taken, or the registry is not as the change expected (an alias held by another version, evidence missing). */
export type Refusal = 'missing' | 'exists' | 'conflict';

/** What became of one change. */
export interface Outcome {
  accepted: boolean;
  /** 404: the model or version does not exist; 409: a conflict (name taken, alias held by another, evidence missing). */
  status: 200 | 404 | 409;
  refusal: Refusal | null;
  message: string | null;
  /** The version a createVersion got, or the version the change concerns. */
  version: number | null;
}

/** One entry of the audit log: the change, what it moved, and its outcome. */
export interface LoggedChange {
  change: RegistryChanged;
  /** The model it concerned (stable across renames), when the model existed. */
  modelId: string | null;
  outcome: Outcome;
  /** setAlias/deleteAlias: the version that held the alias before; transitionStage: the version's stage before. */
  before: number | string | null;
}

export interface RegistryState {
  /** Live models by name. */
  models: Map<string, RegisteredModel>;
  outcomes: Map<string, Outcome>;
  /** Every change in order, refused ones included, each once. */
  log: LoggedChange[];
}

interface Internal {
  model: RegisteredModel;
  /** Every version ever created, deleted ones included (null), by number − 1. */
  all: (ModelVersion | null)[];
}

const accepted = (version: number | null = null): Outcome => ({ accepted: true, status: 200, refusal: null, message: null, version });
const refused = (refusal: Refusal, message: string, version: number | null = null): Outcome => ({ accepted: false, status: refusal === 'missing' ? 404 : 409, refusal, message, version });

function applyTags(tags: Record<string, string>, c: RegistryChanged): void {
  for (const [k, v] of Object.entries(c.tags ?? {})) tags[k] = v;
  for (const k of c.removedTags ?? []) delete tags[k];
}

function relist(m: Internal): void {
  m.model.versions = m.all.filter((v): v is ModelVersion => v !== null);
  for (const v of m.model.versions) v.aliases = Object.keys(m.model.aliases).filter((a) => m.model.aliases[a] === v.version).sort();
}

/** Replays the changes in order. */
export function replayRegistry(changes: readonly RegistryChanged[]): RegistryState {
  const live = new Map<string, Internal>();
  const outcomes = new Map<string, Outcome>();
  const log: LoggedChange[] = [];
  for (const c of changes) {
    if (outcomes.has(c.eventId)) continue; // a re-send or a replay: decided already
    const m = live.get(c.model);
    let before: number | string | null = null;
    const outcome = ((): Outcome => {
      if (c.action === 'createModel') {
        if (m) return refused('exists', `registered model "${c.model}" already exists`);
        const model: RegisteredModel = {
          id: c.eventId, name: c.model, createdAt: c.at, updatedAt: c.at, createdBy: c.actor, description: c.description ?? '', tags: { ...(c.tags ?? {}) },
          versions: [], aliases: {}, requireEvidence: [...(c.aliases ?? [])],
        };
        live.set(c.model, { model, all: [] });
        return accepted();
      }
      if (!m) return refused('missing', `no registered model "${c.model}" in this project`);
      const model = m.model;
      const touch = () => {
        model.updatedAt = c.at;
      };
      const versionOf = (n: number | null | undefined) => (n === null || n === undefined ? null : (m.all[n - 1] ?? null));
      switch (c.action) {
        case 'updateModel':
          if (c.description !== null && c.description !== undefined) model.description = c.description;
          touch();
          return accepted();
        case 'renameModel': {
          const to = c.newName!;
          if (to !== model.name && live.has(to)) return refused('exists', `registered model "${to}" already exists`);
          live.delete(model.name);
          model.name = to;
          for (const v of m.all) if (v) v.model = to;
          live.set(to, m);
          touch();
          return accepted();
        }
        case 'deleteModel':
          live.delete(model.name);
          return accepted();
        case 'setModelTags':
          applyTags(model.tags, c);
          touch();
          return accepted();
        case 'requireEvidence':
          model.requireEvidence = [...(c.aliases ?? [])].sort();
          touch();
          return accepted();
        case 'createVersion': {
          const version = m.all.length + 1;
          m.all.push({
            model: model.name, version, createdAt: c.at, updatedAt: c.at, createdBy: c.actor, description: c.description ?? '', runId: c.runId!,
            artifactUri: c.artifactUri ?? null, artifactDigest: c.artifactDigest ?? null, metrics: { ...(c.metrics ?? {}) }, flags: [...(c.flags ?? [])],
            stage: 'None', tags: { ...(c.tags ?? {}) }, aliases: [],
          });
          touch();
          return accepted(version);
        }
        default:
          break;
      }
      const v = versionOf(c.version);
      if (c.action === 'deleteAlias') {
        const alias = c.alias!;
        const holder = model.aliases[alias] ?? 0;
        before = holder;
        if (holder === 0) return refused('missing', `registered model "${model.name}" has no alias "${alias}"`);
        const expected = c.expectedVersion;
        if (expected !== null && expected !== undefined && expected !== holder) return refused('conflict', heldOtherwise(model.name, alias, holder, expected), holder);
        const needs = requiredEvidence(model, alias, c);
        if (needs) return refused('conflict', needs, holder);
        delete model.aliases[alias];
        touch();
        return accepted(holder);
      }
      if (!v) return refused('missing', `registered model "${model.name}" has no version ${c.version}`, c.version ?? null);
      switch (c.action) {
        case 'updateVersion':
          if (c.description !== null && c.description !== undefined) v.description = c.description;
          v.updatedAt = c.at;
          return accepted(v.version);
        case 'setVersionTags':
          applyTags(v.tags, c);
          v.updatedAt = c.at;
          return accepted(v.version);
        case 'deleteVersion':
          m.all[v.version - 1] = null;
          for (const [alias, n] of Object.entries(model.aliases)) if (n === v.version) delete model.aliases[alias];
          touch();
          return accepted(v.version);
        case 'setAlias': {
          const alias = c.alias!;
          const holder = model.aliases[alias] ?? 0;
          before = holder;
          const expected = c.expectedVersion;
          if (expected !== null && expected !== undefined && expected !== holder) return refused('conflict', heldOtherwise(model.name, alias, holder, expected), v.version);
          const needs = requiredEvidence(model, alias, c);
          if (needs) return refused('conflict', needs, v.version);
          model.aliases[alias] = v.version;
          touch();
          return accepted(v.version);
        }
        case 'transitionStage': {
          const stage = c.stage as Stage;
          before = v.stage;
          const needs = requiredEvidence(model, stage, c);
          if (needs) return refused('conflict', needs, v.version);
          if (c.archiveExisting && (stage === 'Staging' || stage === 'Production')) {
            for (const other of m.all) if (other && other !== v && other.stage === stage) (other.stage = 'Archived'), (other.updatedAt = c.at);
          }
          v.stage = stage;
          v.updatedAt = c.at;
          return accepted(v.version);
        }
        default:
          return refused('conflict', `unknown registry action ${c.action}`);
      }
    })();
    if (m) relist(m);
    else if (c.action === 'createModel' && outcome.accepted) relist(live.get(c.model)!);
    outcomes.set(c.eventId, outcome);
    const concerned = live.get(c.action === 'renameModel' && outcome.accepted ? c.newName! : c.model) ?? m;
    log.push({ change: c, modelId: concerned?.model.id ?? null, outcome, before });
  }
  return { models: new Map([...live].map(([name, m]) => [name, m.model])), outcomes, log };
}

/** The 409 of a move whose expected holder is not the holder (0: unset). */
function heldOtherwise(model: string, alias: string, holder: number, expected: number): string {
  const now = holder === 0 ? 'is not set' : `is held by version ${holder}`;
  return `alias "${alias}" of "${model}" ${now} (the request expected ${expected === 0 ? 'it unset' : `version ${expected}`}); read it again`;
}

/** Why a move of this alias or stage is refused for want of evidence, or null. */
function requiredEvidence(model: RegisteredModel, aliasOrStage: string, c: RegistryChanged): string | null {
  if (!model.requireEvidence.includes(aliasOrStage) || (c.evidence ?? []).length > 0) return null;
  return `moving "${aliasOrStage}" of "${model.name}" requires evidence: cite a saved comparison that shows the new version beats the current holder`;
}
