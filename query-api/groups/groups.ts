// Groups runs by param values — by a list of params, or by every param except the seed (so
// replicates of one configuration fall together) — and summarises a metric per group.
import { badRequest } from '../../common/http/errors.ts';
import { unknownParam } from '../filter/names.ts';
import { type ParamNames } from '../../storage/project-names.ts';
import { meanCI } from './group-stats.ts';
import type { RunRecord } from '../../storage/runs.ts';
import { SEED_PARAMS } from './grouping.ts';

/** Params to group by: the given list, or every param of the selection except seeds. */
export function groupingParams(runs: RunRecord[], by: string[] | 'all-but-seed'): string[] {
  return groupingParamsOf(runs.flatMap((r) => Object.keys(r.params)), by);
}

/** groupingParams given the names of the params the selection's runs set. */
export function groupingParamsOf(held: Iterable<string>, by: string[] | 'all-but-seed'): string[] {
  if (by !== 'all-but-seed') return by.map((p) => p.replace(/^params\./, ''));
  return [...new Set(held)].filter((k) => !SEED_PARAMS.has(k)).sort();
}

/** What a selection holds, for checkGroupingParams: how many runs, and the params any of them sets. */
export interface HeldParams {
  runs: number;
  params: ReadonlySet<string>;
}

export const heldParams = (runs: readonly RunRecord[]): HeldParams => ({ runs: runs.length, params: new Set(runs.flatMap((r) => Object.keys(r.params))) });

/**
 * A 400 for grouping params the project does not hold (with "did you mean") or that no selected
 * run sets: grouping by it would silently split nothing. `what` names the request field.
 */
export function checkGroupingParams(params: string[], held: HeldParams, names: ParamNames | undefined, what: string): void {
  for (const p of params) {
    const why = unknownParam(p, names);
    if (why) throw badRequest(`${what}: ${why}`);
  }
  if (held.runs === 0) return;
  const missing = params.filter((p) => !held.params.has(p));
  if (missing.length > 0) {
    throw badRequest(`${what}: none of the ${held.runs} selected run(s) has ${missing.map((p) => `params.${p}`).join(' or ')}, so it cannot split them into groups`);
  }
}

export interface GroupStats {
  n: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  ci95: [number, number] | null;
}

export function groupStats(values: number[]): GroupStats {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null, min: null, max: null, ci95: null };
  const { mean, std, ci } = meanCI(values, 0.95);
  return { n, mean, std, min: Math.min(...values), max: Math.max(...values), ci95: ci };
}
