// The model registry's reads and writes, for the /v1 routes and MLflow's registry REST alike.
// A write is a RegistryChanged event sent through Kafka like every other write; the answer waits
// until the replay of the project's changes (state.ts) has decided it — so concurrent writers,
// in this process or another, are settled by Kafka's order, and the loser hears why (404, 409).
// The replay also reads the evidence the changes cite (immutable), so whether a move is
// supported is judged against the holder at that move's place in the log. Reads replay the same
// log. Nothing here keeps state.
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { badRequest, HttpError, notFound } from '../../common/http/errors.ts';
import type { SchemaCatalogue } from '../../schemas/catalogue.ts';
import type { RegistryChanged } from '../../schemas/events.ts';
import { getArtifacts } from '../../storage/artifacts.ts';
import { getEvidence } from '../../storage/evidence.ts';
import { registryChanges } from '../../storage/registry.ts';
import { getRuns, type RunScope } from '../../storage/runs.ts';
import { getSummaries } from '../../storage/summaries.ts';
import { registrationFlags } from '../reproducibility/verdict.ts';
import { sendAndWait, type EventWriter } from '../writes.ts';
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


export type ChangeRequest = Omit<RegistryChanged, 'project' | 'eventId' | 'actor' | 'at' | 'modelId'>;

export async function readRegistry(ch: ClickHouseClient, project: string): Promise<RegistryState> {
  const changes = await registryChanges(ch, project);
  const cited = [...new Set(changes.flatMap((c) => c.evidence ?? []))];
  return replayRegistry(changes, await getEvidence(ch, project, cited));
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
 * outcome, or an HttpError — 400 before anything is sent; 404 before anything is sent for a
 * model that does not exist (but for createModel) or evidence the project does not have; 404 or
 * 409 when the replay refused it. The change names the model it was asked of (its id), so a
 * model deleted and registered again under the name meanwhile refuses it.
 */
export async function change(deps: RegistryDeps, project: string, actor: string, request: ChangeRequest): Promise<{ state: RegistryState; outcome: Outcome }> {
  const before = await readRegistry(deps.clickhouse, project);
  const modelId = request.action === 'createModel' ? null : modelOf(before, request.model).id;
  const cited = request.evidence ?? [];
  if (cited.length > 0) {
    const found = await getEvidence(deps.clickhouse, project, cited);
    const missing = cited.filter((id) => !found.has(id));
    if (missing.length > 0) throw notFound(`no evidence ${missing.join(', ')} in this project`);
  }
  const event: RegistryChanged = { ...request, modelId, project, eventId: randomUUID(), actor, at: Date.now() };
  const state = await sendAndWait(deps.writer, deps.catalogue, 'RegistryChanged', event, async () => {
    const now = await readRegistry(deps.clickhouse, project);
    return now.outcomes.has(event.eventId) ? now : undefined;
  }, 'registry change');
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
