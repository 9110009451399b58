// Whether a run can be reproduced in principle from what it recorded: the code (a git commit,
// on a clean tree), the data (a data version), the environment (language version and library
// versions) and the seed. Hardware is listed when missing but does not decide: the same code,
// data, environment and seed on other hardware may still differ in the last digits, which is a
// caveat, not a failure. Across a selection: which of those differ between its runs. Pure.
import type { RunRecord } from '../../storage/runs.ts';

export interface RunReproducibility {
  runId: string;
  reproducible: boolean;
  /** Why not, one reason per problem ("git tree was dirty"). */
  reasons: string[];
  /** The lineage fields it lacks, named as the filter language names them. */
  missing: string[];
  caveats: string[];
}

export function verdictOf(run: RunRecord): RunReproducibility {
  const l = run.lineage;
  const reasons: string[] = [];
  const missing: string[] = [];
  const caveats: string[] = [];
  const lack = (field: string, reason: string) => (missing.push(field), reasons.push(reason));
  if (!l.gitCommit) lack('lineage.git_commit', 'no git commit');
  else if (l.gitDirty) reasons.push('git tree was dirty (uncommitted changes are not in the commit)');
  if (!l.dataVersion) lack('lineage.data_version', 'no data version');
  if (!l.environment.languageVersion) lack('lineage.language_version', 'no language version');
  if (Object.keys(l.environment.libraries).length === 0) lack('lineage.libraries', 'no library versions');
  if (l.seed === null) lack('lineage.seed', 'no seed');
  if (!l.environment.hardware) {
    missing.push('lineage.hardware');
    caveats.push('no hardware recorded: results on other hardware may differ slightly');
  }
  return { runId: run.id, reproducible: reasons.length === 0, reasons, missing, caveats };
}

/** A lineage field with the distinct values the runs hold (null: not recorded) and how many runs hold each. */
export interface Differing {
  field: string;
  values: { value: string | number | boolean | null; runs: number }[];
}

/** The lineage fields that differ between the runs (libraries one by one), in a fixed order. */
export function differingLineage(runs: readonly RunRecord[]): Differing[] {
  const fields: [string, (r: RunRecord) => string | number | boolean | null][] = [
    ['lineage.git_commit', (r) => r.lineage.gitCommit],
    ['lineage.git_dirty', (r) => r.lineage.gitDirty],
    ['lineage.data_version', (r) => r.lineage.dataVersion],
    ['lineage.language_version', (r) => r.lineage.environment.languageVersion || null],
    ['lineage.hardware', (r) => r.lineage.environment.hardware],
    ['lineage.seed', (r) => r.lineage.seed],
  ];
  const libraries = [...new Set(runs.flatMap((r) => Object.keys(r.lineage.environment.libraries)))].sort();
  for (const lib of libraries) fields.push([`lineage.libraries.${lib}`, (r) => r.lineage.environment.libraries[lib] ?? null]);
  const out: Differing[] = [];
  for (const [field, get] of fields) {
    const counts = new Map<string | number | boolean | null, number>();
    for (const r of runs) counts.set(get(r), (counts.get(get(r)) ?? 0) + 1);
    if (counts.size > 1) out.push({ field, values: [...counts].map(([value, n]) => ({ value, runs: n })) });
  }
  return out;
}

/** The flags a registered version carries for its run: why it is not reproducible, if it is not. */
export function registrationFlags(run: RunRecord): string[] {
  const v = verdictOf(run);
  return v.reproducible ? [] : [`run ${run.id} is not reproducible in principle: ${v.reasons.join('; ')}`];
}
