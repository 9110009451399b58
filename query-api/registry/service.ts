// The model registry's reads and writes, for the /v1 routes and MLflow's registry REST alike.
// A write is a RegistryChanged event sent through Kafka like every other write; the answer waits
// until ClickHouse holds it, then replays the project's changes (state.ts) to learn whether it
// took effect — so concurrent writers, in this process or another, are settled by Kafka's order,
// and the loser hears why (404, 409). Reads replay the same log. Nothing here keeps state.
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { badRequest, HttpError, notFound, serviceUnavailable } from '../../common/http/errors.ts';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import { eventKey, type RegistryChanged } from '../../schemas/events.ts';
import { validateEvent } from '../../schemas/validate.ts';
import { getArtifacts } from '../../storage/artifacts.ts';
import { registryChanges, registryEventSeen } from '../../storage/registry.ts';
import { getRuns, type RunScope } from '../../storage/runs.ts';
import { getSummaries } from '../../storage/summaries.ts';
import { registrationFlags } from '../reproducibility/verdict.ts';
import type { EventWriter } from '../mlflow/events.ts';
import { replayRegistry, type ModelVersion, type Outcome, type RegisteredModel, type Refusal, type RegistryState } from './state.ts';

/** A change the registry's replay refused: 404 (missing) or 409 (exists, conflict). */
export class RegistryRefusal extends HttpError {
  constructor(
    readonly refusal: Refusal,
    status: number,
    message: string,
  ) {
    super(status, message);
  }
}

export interface RegistryDeps {
  clickhouse: ClickHouseClient;
  writer: EventWriter;
  catalogue: SchemaCatalogue;
}

/** How long a write waits for ClickHouse to hold its change before answering 503 (the change may still land). */
export const CHANGE_VISIBLE_MS = 15_000;
const POLL_MS = 50;

export type ChangeRequest = Omit<RegistryChanged, 'project' | 'eventId' | 'actor' | 'at'>;

export async function readRegistry(ch: ClickHouseClient, project: string): Promise<RegistryState> {
  return replayRegistry(await registryChanges(ch, project));
}

export function modelOf(state: RegistryState, name: string): RegisteredModel {
  const m = state.models.get(name);
  if (!m) throw notFound(`no registered model "${name}" in this project`);
  return m;
}

export function versionOf(state: RegistryState, name: string, version: number): ModelVersion {
  const v = modelOf(state, name).versions.find((x) => x.version === version);
  if (!v) throw notFound(`registered model "${name}" has no version ${version}`);
  return v;
}

export function aliasOf(state: RegistryState, name: string, alias: string): ModelVersion {
  const m = modelOf(state, name);
  const n = m.aliases[alias];
  if (n === undefined) throw notFound(`registered model "${name}" has no alias "${alias}"`);
  return versionOf(state, name, n);
}

/**
 * Sends one change and answers with the registry as it stands right after it: the change's
 * outcome, or an HttpError (400 before anything is sent; 404 or 409 when the replay refused it).
 */
export async function change(deps: RegistryDeps, project: string, actor: string, request: ChangeRequest): Promise<{ state: RegistryState; outcome: Outcome }> {
  const event: RegistryChanged = { ...request, project, eventId: randomUUID(), actor, at: Date.now() };
  const invalid = validateEvent({ type: 'RegistryChanged', value: event });
  if (invalid) throw badRequest(invalid);
  try {
    await deps.writer.send([{ key: eventKey(event), value: deps.catalogue.encode('RegistryChanged', event) }]);
  } catch (err) {
    throw serviceUnavailable(`Kafka did not take the registry change: ${(err as Error).message}; nothing changed, retry`);
  }
  const deadline = Date.now() + CHANGE_VISIBLE_MS;
  while (!(await registryEventSeen(deps.clickhouse, project, event.eventId))) {
    if (Date.now() > deadline) throw serviceUnavailable(`the registry change was sent (event ${event.eventId}) but is not stored yet (is the processor running?); read the model again before retrying`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const state = await readRegistry(deps.clickhouse, project);
  const outcome = state.outcomes.get(event.eventId)!;
  if (!outcome.accepted) throw new RegistryRefusal(outcome.refusal!, outcome.status, outcome.message ?? 'refused');
  return { state, outcome };
}

/**
 * What a new version records about its run: the run must exist in the project (404 as if it did
 * not, for another project's), its metric summaries (every metric's last, min and max; or those
 * named), its model files — an artifact of the run by name (its latest uri and digest), or an
 * uri given as is — and a flag when the run is not reproducible in principle (registering it
 * still works).
 */
export async function versionSource(
  ch: ClickHouseClient,
  scope: RunScope,
  runId: string,
  opts: { artifact?: string; artifactUri?: string; artifactDigest?: string; metrics?: string[] },
): Promise<Pick<RegistryChanged, 'runId' | 'artifactUri' | 'artifactDigest' | 'metrics' | 'flags'>> {
  const [run] = await getRuns(ch, scope, [runId]);
  if (!run) throw notFound(`run(s) not found in this project: ${runId}`);
  const summaries = (await getSummaries(ch, scope.project, [runId])).get(runId) ?? [];
  const all: Record<string, number> = {};
  for (const s of summaries) {
    const series = s.segment === null ? s.key : `${s.key}[${s.segment}]`;
    for (const agg of ['last', 'min', 'max'] as const) if (Number.isFinite(s[agg])) all[`${series}.${agg}`] = s[agg];
  }
  let metrics = all;
  if (opts.metrics) {
    const missing = opts.metrics.filter((m) => !(m in all));
    if (missing.length > 0) throw badRequest(`run ${runId} has no metric summary ${missing.join(', ')}; it has: ${Object.keys(all).slice(0, 20).join(', ') || '(none)'}`);
    metrics = Object.fromEntries(opts.metrics.map((m) => [m, all[m]!]));
  }
  let artifactUri = opts.artifactUri ?? null;
  let artifactDigest = opts.artifactDigest ?? null;
  if (opts.artifact !== undefined) {
    const logged = ((await getArtifacts(ch, scope.project, [runId])).get(runId) ?? []).filter((a) => a.name === opts.artifact);
    const latest = logged.at(-1);
    if (!latest) throw notFound(`run ${runId} logged no artifact named "${opts.artifact}"`);
    artifactUri = latest.uri;
    artifactDigest = latest.digest;
  }
  return { runId, artifactUri, artifactDigest, metrics, flags: registrationFlags(run) };
}
