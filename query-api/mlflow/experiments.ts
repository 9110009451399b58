// MLflow's experiments/* endpoints: create, get, get-by-name, search, delete, restore, update.
// An experiment's id is derived from its name (storage/experiments.ts), so runs/create can name
// the experiment of an id it has just created before ClickHouse shows the declaration: the
// surface remembers the names it declared (ExperimentNames), and otherwise waits briefly.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import { DEFAULT_EXPERIMENT, experimentIdOf, listExperiments, type Experiment } from '../../storage/experiments.ts';
import { alreadyExists, invalidParameter, notFound } from './errors.ts';
import { writeEvents } from './events.ts';
import type { EventWriter } from '../writes.ts';
import { keyValues, mlflowExperiment, optionalInteger, optionalString, requiredString } from './json.ts';

/** How long a lookup of an id or name this surface may just have written waits for ClickHouse to show it. */
export const READ_YOUR_WRITES_MS = 5_000;
const POLL_MS = 100;

/** Experiment ids → names this process declared, so runs/create finds them at once (the table catches up within a second). */
export class ExperimentNames {
  private readonly names = new Map<string, { name: string; at: number }>();
  remember(project: string, id: string, name: string): void {
    this.names.set(`${project}\u0000${id}`, { name, at: Date.now() });
    if (this.names.size > 10_000) this.names.delete(this.names.keys().next().value!);
  }
  recall(project: string, id: string): string | undefined {
    return this.names.get(`${project}\u0000${id}`)?.name;
  }
}

export interface ExperimentDeps {
  clickhouse: ClickHouseClient;
  writer: EventWriter;
  catalogue: SchemaCatalogue;
  artifactRoot: string;
  names: ExperimentNames;
}

async function find(ch: ClickHouseClient, project: string, match: (e: Experiment) => boolean, waitMs = 0): Promise<Experiment | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = (await listExperiments(ch, project)).find(match);
    if (found || Date.now() >= deadline) return found;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The experiment of an id, or MLflow's 404. `waitMs` covers an id declared a moment ago. */
export async function experimentById(deps: ExperimentDeps, project: string, id: string, waitMs = 0): Promise<Experiment> {
  const found = await find(deps.clickhouse, project, (e) => e.id === id, waitMs);
  if (!found) throw notFound(`No Experiment with id=${id} exists`);
  return found;
}

/** The name runs of this experiment id carry (runs/create): remembered, or looked up, waiting for a fresh declaration. */
export async function experimentNameForRun(deps: ExperimentDeps, project: string, id: string): Promise<string> {
  if (id === DEFAULT_EXPERIMENT.id) return DEFAULT_EXPERIMENT.name;
  // ClickHouse first (it knows whether the experiment was deleted since); what this process
  // declared a moment ago only until ClickHouse shows it.
  const remembered = deps.names.recall(project, id);
  const e = (await find(deps.clickhouse, project, (x) => x.id === id)) ?? (remembered === undefined ? await experimentById(deps, project, id, READ_YOUR_WRITES_MS) : undefined);
  if (!e) return remembered!;
  if (e.lifecycleStage === 'deleted') throw invalidParameter(`The experiment ${id} must be in the 'active' state. Current state is deleted.`);
  return e.name;
}

async function declare(deps: ExperimentDeps, project: string, e: Pick<Experiment, 'id' | 'name' | 'lifecycleStage' | 'artifactLocation' | 'tags'>): Promise<void> {
  await writeEvents(deps.writer, deps.catalogue, [
    { type: 'ExperimentDeclared', value: { project, experimentId: e.id, name: e.name, lifecycleStage: e.lifecycleStage, artifactLocation: e.artifactLocation, tags: e.tags, declaredAt: Date.now() } },
  ]);
  deps.names.remember(project, e.id, e.name);
}

export async function createExperiment(deps: ExperimentDeps, project: string, body: Record<string, unknown>) {
  const name = requiredString(body, 'name');
  const existing = await find(deps.clickhouse, project, (e) => e.name === name);
  if (existing) {
    throw alreadyExists(existing.lifecycleStage === 'deleted'
      ? `Experiment '${name}' already exists in deleted state. You can restore the experiment, or permanently delete it (not supported by runlens) before creating a new one.`
      : `Experiment '${name}' already exists.`);
  }
  const id = experimentIdOf(name);
  const tags = Object.fromEntries(keyValues(body, 'tags').map((t) => [t.key, t.value]));
  await declare(deps, project, { id, name, lifecycleStage: 'active', artifactLocation: optionalString(body, 'artifact_location') ?? '', tags });
  return { experiment_id: id };
}

export async function getExperiment(deps: ExperimentDeps, project: string, query: Record<string, unknown>) {
  const id = requiredString(query, 'experiment_id');
  return { experiment: mlflowExperiment(await experimentById(deps, project, id, deps.names.recall(project, id) ? READ_YOUR_WRITES_MS : 0), deps.artifactRoot) };
}

export async function getExperimentByName(deps: ExperimentDeps, project: string, query: Record<string, unknown>) {
  const name = requiredString(query, 'experiment_name');
  const declaredHere = deps.names.recall(project, experimentIdOf(name)) === name;
  const found = await find(deps.clickhouse, project, (e) => e.name === name, declaredHere ? READ_YOUR_WRITES_MS : 0);
  if (!found) throw notFound(`Could not find experiment with name '${name}'`);
  return { experiment: mlflowExperiment(found, deps.artifactRoot) };
}

const NAME_FILTER = /^\s*(?:attributes\.)?name\s*(=|!=|LIKE|ILIKE)\s*'((?:[^'\\]|\\.)*)'\s*$/i;

/** experiments/search: view_type, max_results, page_token (an offset), and filters on the name alone. */
export async function searchExperiments(deps: ExperimentDeps, project: string, body: Record<string, unknown>) {
  const max = optionalInteger(body, 'max_results') ?? 1000;
  if (max < 1 || max > 50_000) throw invalidParameter(`Invalid value ${max} for parameter 'max_results' supplied. It must be at most 50000.`);
  const view = optionalString(body, 'view_type') ?? 'ACTIVE_ONLY';
  if (!['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'].includes(view)) throw invalidParameter(`Invalid view_type '${view}': ACTIVE_ONLY, DELETED_ONLY or ALL.`);
  const filter = optionalString(body, 'filter');
  let matches = (_: string) => true;
  if (filter) {
    const m = NAME_FILTER.exec(filter);
    if (!m) throw invalidParameter(`Invalid experiment filter '${filter}': runlens searches experiments by name only (name = '…', !=, LIKE, ILIKE).`);
    const [op, raw] = [m[1]!.toUpperCase(), m[2]!.replace(/\\(.)/g, '$1')];
    const like = (s: string, ci: boolean) => new RegExp(`^${raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, ci ? 'is' : 's').test(s);
    matches = op === '=' ? (s) => s === raw : op === '!=' ? (s) => s !== raw : (s) => like(s, op === 'ILIKE');
  }
  const offset = pageOffset(optionalString(body, 'page_token'));
  const all = (await listExperiments(deps.clickhouse, project)).filter(
    (e) => (view === 'ALL' || (view === 'ACTIVE_ONLY') === (e.lifecycleStage === 'active')) && matches(e.name),
  );
  const page = all.slice(offset, offset + max);
  return {
    experiments: page.map((e) => mlflowExperiment(e, deps.artifactRoot)),
    ...(offset + max < all.length ? { next_page_token: Buffer.from(JSON.stringify({ o: offset + max })).toString('base64url') } : {}),
  };
}

function pageOffset(token: string | undefined): number {
  if (!token) return 0;
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString()) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw invalidParameter('Invalid page token: pass back next_page_token unchanged.');
}

/** experiments/delete and experiments/restore. */
export async function setExperimentStage(deps: ExperimentDeps, project: string, body: Record<string, unknown>, stage: 'active' | 'deleted') {
  const id = requiredString(body, 'experiment_id');
  if (id === DEFAULT_EXPERIMENT.id && stage === 'deleted') throw invalidParameter('Cannot delete the default experiment \'0\'. This is an internally reserved experiment.');
  const e = await experimentById(deps, project, id, deps.names.recall(project, id) ? READ_YOUR_WRITES_MS : 0);
  await declare(deps, project, { ...e, lifecycleStage: stage });
  return {};
}

export function updateExperiment(): never {
  throw invalidParameter('Renaming experiments is not supported by runlens yet: an experiment is the name its runs carry.');
}
