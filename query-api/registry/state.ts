// What a project's registry changes add up to. Replaying them in Kafka order
// (storage/registry.ts) decides which took effect, which were refused and why, and which
// number a new version got. Pure and deterministic: every API process reading the same log
// gives the same answer, and two concurrent moves of one alias are settled by their order on
// Kafka — the second names the version it expected to find, finds another, and is refused (409,
// naming the holder). The one owner of the evidence rule too: where a model requires evidence
// for an alias or a stage, a move to a version is refused unless evidence it cites (immutable,
// handed in with the log) shows that version's run significantly better than the holder's at
// that point of the log. Removals (an alias deleted, the holder's version deleted) and policy
// changes need none: the audit log names who did them and why. Refused changes stay in the log.
import { MODEL_STAGES, type EvidenceKind, type RegistryChanged } from '../../schemas/events.ts';
import { shows } from '../evidence/support.ts';

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

/** What the replay reads of a cited piece of evidence. */
export interface CitedEvidence {
  kind: EvidenceKind;
  answer: unknown;
}

/** An alias or stage as a model's requireEvidence lists it: stages in their canonical case. */
const canonical = (name: string): string => MODEL_STAGES.find((s) => s.toLowerCase() === name.toLowerCase()) ?? name;

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

/** Replays the changes in order, with the evidence they cite (by id; another project's is absent). */
export function replayRegistry(changes: readonly RegistryChanged[], evidence: ReadonlyMap<string, CitedEvidence> = new Map()): RegistryState {
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
          versions: [], aliases: {}, requireEvidence: [...new Set((c.aliases ?? []).map(canonical))].sort(),
        };
        live.set(c.model, { model, all: [] });
        return accepted();
      }
      if (!m) return refused('missing', `no registered model "${c.model}" in this project`);
      if (c.modelId && c.modelId !== m.model.id) return refused('conflict', `registered model "${c.model}" was deleted and registered again since this change was asked; read it again`);
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
          model.requireEvidence = [...new Set((c.aliases ?? []).map(canonical))].sort();
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
          const needs = requiredEvidence(model, alias, v, holder === 0 ? null : versionOf(holder), c, evidence);
          if (needs) return refused('conflict', needs, v.version);
          model.aliases[alias] = v.version;
          touch();
          return accepted(v.version);
        }
        case 'transitionStage': {
          const stage = c.stage as Stage;
          before = v.stage;
          const holder = m.all.filter((x): x is ModelVersion => x !== null && x !== v && x.stage === stage).at(-1) ?? null;
          const needs = requiredEvidence(model, stage, v, holder, c, evidence);
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

/**
 * Why a move of this alias or stage to `moved` is refused for want of evidence, or null: none
 * is needed when the model does not require it there or the version already holds it; else
 * some cited evidence must show moved's run significantly better than the holder's (no holder:
 * among the best).
 */
function requiredEvidence(model: RegisteredModel, key: string, moved: ModelVersion, holder: ModelVersion | null, c: RegistryChanged, evidence: ReadonlyMap<string, CitedEvidence>): string | null {
  if (!model.requireEvidence.includes(key) || holder?.version === moved.version) return null;
  const verdicts = (c.evidence ?? []).map((id) => {
    const e = evidence.get(id);
    return { id, ...(e ? shows(e.kind, e.answer, moved.runId, holder?.runId ?? null) : { supports: false, why: 'no such evidence in this project' }) };
  });
  if (verdicts.some((v) => v.supports)) return null;
  const against = holder ? `the holder's run ${holder.runId} (version ${holder.version})` : 'the other runs compared';
  const why = verdicts.length > 0 ? verdicts.map((v) => `${v.id}: ${v.why}`).join('; ') : 'none was cited (save a /v1/stats/compare or /v1/stats/leaderboard answer with POST /v1/evidence and cite its id)';
  return `moving "${key}" of "${model.name}" to version ${moved.version} needs evidence that its run ${moved.runId} is significantly better than ${against}: ${why}`;
}
