// Experiments with stable ids. A runlens experiment is a name that runs carry; MLflow clients
// also need an id, and may create an experiment before any run has it, or delete and restore
// one (ExperimentDeclared, table `experiments`, migration 0021). An experiment's id is derived
// from its name when it first appears (experimentIdOf), so every name has one without being
// declared; a declaration under that id holds its lifecycle stage, artifact location and tags.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rabinFingerprint } from '../schemas/fingerprint.ts';
import { rows, zip } from './read.ts';
import { quoteString } from './sql-quote.ts';

/** MLflow's default experiment: id "0", named "Default"; it exists in every project. */
export const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' } as const;

/** The id of an experiment name: 52 bits of its CRC-64-AVRO fingerprint, in decimal (never "0", which is the default experiment's). */
export function experimentIdOf(name: string): string {
  if (name === DEFAULT_EXPERIMENT.name) return DEFAULT_EXPERIMENT.id;
  const id = rabinFingerprint(name) & ((1n << 52n) - 1n);
  return String(id === 0n ? 1n : id);
}

export interface Experiment {
  id: string;
  name: string;
  lifecycleStage: 'active' | 'deleted';
  artifactLocation: string;
  tags: Record<string, string>;
  /** Epoch ms: the first declaration, or the first run's start for an experiment only runs name. */
  createdMs: number;
  /** Epoch ms: the latest declaration, or the latest run's start. */
  updatedMs: number;
}

/** Declared experiments, the latest declaration of each. */
export function declaredExperimentsSql(project: string): string {
  const latest = (c: string) => `argMax(${c}, (declared_at_ms, src_partition, src_offset))`;
  return `
SELECT experiment_id, ${latest('name')} AS e_name, ${latest('lifecycle_stage')} AS e_stage, ${latest('artifact_location')} AS e_location,
  ${latest('tag_keys')} AS e_tag_keys, ${latest('tag_values')} AS e_tag_values, min(declared_at_ms) AS e_created, max(declared_at_ms) AS e_updated
FROM experiments
WHERE project = ${quoteString(project)}
GROUP BY experiment_id`;
}

/** The experiment names runs carry, with their first and latest start. */
export function runExperimentsSql(project: string): string {
  return `
SELECT experiment, min(started_at_ms) AS e_created, max(started_at_ms) AS e_updated
FROM runs
WHERE project = ${quoteString(project)}
GROUP BY experiment`;
}

/**
 * Every experiment of a project: the declared ones, and those only runs name (active, no
 * artifact location). The default experiment is always there.
 */
export async function listExperiments(ch: ClickHouseClient, project: string): Promise<Experiment[]> {
  const [declared, named] = await Promise.all([rows(ch, declaredExperimentsSql(project)), rows(ch, runExperimentsSql(project))]);
  const byId = new Map<string, Experiment>();
  for (const r of declared) {
    byId.set(String(r.experiment_id), {
      id: String(r.experiment_id),
      name: String(r.e_name),
      lifecycleStage: r.e_stage === 'deleted' ? 'deleted' : 'active',
      artifactLocation: String(r.e_location),
      tags: zip<string>(r.e_tag_keys, r.e_tag_values),
      createdMs: Number(r.e_created),
      updatedMs: Number(r.e_updated),
    });
  }
  for (const r of named) {
    const name = String(r.experiment);
    const id = experimentIdOf(name);
    const known = byId.get(id);
    if (known) {
      known.updatedMs = Math.max(known.updatedMs, Number(r.e_updated));
      continue;
    }
    byId.set(id, { id, name, lifecycleStage: 'active', artifactLocation: '', tags: {}, createdMs: Number(r.e_created), updatedMs: Number(r.e_updated) });
  }
  if (!byId.has(DEFAULT_EXPERIMENT.id)) {
    byId.set(DEFAULT_EXPERIMENT.id, { id: DEFAULT_EXPERIMENT.id, name: DEFAULT_EXPERIMENT.name, lifecycleStage: 'active', artifactLocation: '', tags: {}, createdMs: 0, updatedMs: 0 });
  }
  return [...byId.values()].sort((a, b) => (a.id === DEFAULT_EXPERIMENT.id ? -1 : b.id === DEFAULT_EXPERIMENT.id ? 1 : a.createdMs - b.createdMs || a.id.localeCompare(b.id)));
}
