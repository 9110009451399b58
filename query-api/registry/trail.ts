// The decision trail of one model version: the version, its run with the lineage that makes it
// reproducible (or says why not), the evidence every move of it cited with the evidence's own
// sentences, and every change that concerned it — registration, alias and stage moves (those
// that displaced it too), refused attempts included — with who, when and why, in order. As JSON,
// and as markdown to paste into a review. Pure: the route gathers the inputs.
import type { StoredEvidence } from '../../storage/evidence.ts';
import type { RunRecord } from '../../storage/runs.ts';
import { evidenceJson } from '../evidence/schemas.ts';
import type { RunReproducibility } from '../reproducibility/verdict.ts';
import { auditJson, versionJson } from './schemas.ts';
import type { LoggedChange, ModelVersion, RegistryState } from './state.ts';

/** Changes that concerned version v of the model (by its stable id): in order. */
export function changesOfVersion(state: RegistryState, modelId: string, v: number): LoggedChange[] {
  return state.log.filter((l) => {
    if (l.modelId !== modelId) return false;
    const c = l.change;
    if (c.action === 'createVersion') return l.outcome.version === v;
    if (c.action === 'setAlias') return c.version === v || (l.outcome.accepted && l.before === v);
    if (c.action === 'deleteAlias') return l.before === v;
    return c.version === v;
  });
}

export interface Trail {
  version: ReturnType<typeof versionJson>;
  run: Pick<RunRecord, 'id' | 'name' | 'experiment' | 'sweepId' | 'status' | 'startedAt' | 'params' | 'lineage'> | null;
  reproducibility: RunReproducibility | null;
  evidence: ReturnType<typeof evidenceJson>[];
  moves: ReturnType<typeof auditJson>[];
}

export function buildTrail(version: ModelVersion, changes: readonly LoggedChange[], run: RunRecord | null, reproducibility: RunReproducibility | null, evidence: ReadonlyMap<string, StoredEvidence>): Trail {
  const cited = [...new Set(changes.flatMap((l) => l.change.evidence ?? []))].flatMap((id) => (evidence.has(id) ? [evidence.get(id)!] : []));
  return {
    version: versionJson(version),
    run: run && { id: run.id, name: run.name, experiment: run.experiment, sweepId: run.sweepId, status: run.status, startedAt: run.startedAt, params: run.params, lineage: run.lineage },
    reproducibility,
    evidence: cited.map(evidenceJson),
    moves: changes.map(auditJson),
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function moveText(m: Trail['moves'][number], v: number): string {
  switch (m.action) {
    case 'createVersion': return `registered as version ${m.version}`;
    case 'setAlias': return m.version === v ? `alias ${m.alias} → v${v}${typeof m.before === 'number' && m.before > 0 ? ` (was v${m.before})` : ''}` : `alias ${m.alias} moved to v${m.version} (from v${v})`;
    case 'deleteAlias': return `alias ${m.alias} removed`;
    case 'transitionStage': return `stage ${m.before ?? '?'} → ${m.stage}`;
    default: return m.action;
  }
}

/** The trail as markdown, for a review. */
export function trailMarkdown(t: Trail): string {
  const v = t.version;
  const lines = [`# ${v.model} version ${v.version}`, ''];
  lines.push(`Registered ${v.createdAt} by ${v.createdBy} from run \`${v.runId}\`${t.run ? ` (experiment ${t.run.experiment || '—'}${t.run.sweepId ? `, sweep ${t.run.sweepId}` : ''}, ${t.run.status})` : ''}.`);
  lines.push(`Stage: ${v.stage}. Aliases: ${v.aliases.length > 0 ? v.aliases.join(', ') : 'none'}.`);
  if (v.artifactUri) lines.push(`Model files: ${v.artifactUri}${v.artifactDigest ? ` (${v.artifactDigest})` : ''}.`);
  const metrics = Object.entries(v.metrics);
  if (metrics.length > 0) lines.push('', `Metrics at registration: ${metrics.map(([k, x]) => `${k} = ${Number(x.toPrecision(6))}`).join(', ')}.`);
  for (const f of v.flags) lines.push('', `> **Flag:** ${f}`);
  lines.push('', '## Reproducibility', '');
  if (!t.reproducibility) lines.push('The run is not in the project any more.');
  else {
    const r = t.reproducibility;
    lines.push(r.reproducible ? 'Reproducible in principle.' : `Not reproducible in principle: ${r.reasons.join('; ')}.`);
    for (const c of r.caveats) lines.push(`Caveat: ${c}.`);
  }
  if (t.run) {
    const l = t.run.lineage;
    const libs = Object.entries(l.environment.libraries).map(([k, x]) => `${k} ${x}`).join(', ');
    lines.push('', `Lineage: git ${l.gitCommit ?? '—'}${l.gitCommit ? (l.gitDirty ? ' (dirty)' : ' (clean)') : ''}, data ${l.dataVersion ?? '—'}, ${l.environment.language} ${l.environment.languageVersion || '—'}${libs ? `, ${libs}` : ''}, seed ${l.seed ?? '—'}, hardware ${l.environment.hardware ?? '—'}.`);
    const params = Object.entries(t.run.params);
    if (params.length > 0) lines.push(`Params: ${params.map(([k, x]) => `${k} = ${String(x)}`).join(', ')}.`);
  }
  lines.push('', '## Evidence', '');
  if (t.evidence.length === 0) lines.push('No move of this version cited evidence.');
  for (const e of t.evidence) lines.push(`- **${e.id}** (${e.route}, saved ${e.createdAt} by ${e.createdBy}): ${e.summary ?? 'no sentence'}${e.note ? ` — ${e.note}` : ''} (sha256 ${e.contentHash.slice(0, 12)}…)`);
  lines.push('', '## Moves', '', '| when | who | what | why | evidence | outcome |', '|---|---|---|---|---|---|');
  for (const m of t.moves) {
    lines.push(`| ${m.at} | ${m.actor} | ${cell(moveText(m, v.version))} | ${cell(m.reason ?? '')} | ${m.evidence.join(', ')} | ${m.accepted ? 'done' : cell(`refused: ${m.refusal ?? ''}`)} |`);
  }
  return `${lines.join('\n')}\n`;
}
