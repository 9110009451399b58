// The one grouping of runs by param values, used by groups, curves, the leaderboard and the
// parallel-coordinates view. Column by column: each run gets a group index (an Int32Array),
// each group a size, its key values and a label ("lr=0.01, optimizer=adam"; ∅ marks a missing
// value), and any column can then be reduced per group — a param to its common value (null
// when the group's runs disagree), a metric to its mean over the group's runs that have it.
// Groups come in a stable order: by their key values in the category order of analytics
// (booleans, numbers, strings naturally; a missing value last). No object per run is built;
// groupRuns gives the same groups over run records, in the order their first runs come.
import { compareCategories, type CategoryValue, type ParamValue } from '../engines/sweep-analytics/index.ts';
import type { RunRecord } from '../../storage/runs.ts';

/** Params that name a run's seed: replicates differ only in them (grouping "all-but-seed" leaves them out). */
export const SEED_PARAMS = new Set(['seed', 'random_seed', 'rng_seed']);

/** "lr=0.01, optimizer=adam" for the values of `by` (params.-prefixed names are shown bare); "all runs" without params. */
export function groupLabel(by: readonly string[], values: readonly ParamValue[]): string {
  if (by.length === 0) return 'all runs';
  return by.map((p, k) => `${p.replace(/^params\./, '')}=${values[k] === null || values[k] === undefined ? '∅' : String(values[k])}`).join(', ');
}

export interface Grouping {
  by: string[];
  /** groupOf[i] = group of run i. */
  groupOf: Int32Array;
  /** Runs per group. */
  sizes: number[];
  /** The value of each grouping param per group (null = the runs lack it). */
  keys: Record<string, ParamValue[]>;
  /** "batch_size=64, optimizer=adam"; ∅ marks a missing value. */
  labels: string[];
}

/** Params to group by for "all-but-seed": the given varying params, seeds left out. */
export function allButSeed(varying: readonly string[]): string[] {
  return varying.filter((p) => !SEED_PARAMS.has(p));
}

function compareValues(a: ParamValue, b: ParamValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compareCategories(a as CategoryValue, b as CategoryValue);
}

/** Groups the runs by the values of `by` (columns of equal length `n`). */
export function groupColumns(columns: Readonly<Record<string, readonly ParamValue[]>>, by: readonly string[], n: number): Grouping {
  // Code every value per param (1 and "1" stay apart: Map keys compare by SameValueZero).
  const codes = by.map((p) => {
    const values = columns[p]!;
    const seen = new Map<ParamValue, number>();
    const code = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? null;
      let c = seen.get(v);
      if (c === undefined) seen.set(v, (c = seen.size));
      code[i] = c;
    }
    return code;
  });
  const byKey = new Map<string, number>();
  const first: number[] = []; // a member run of each group, to read its key from
  const groupOf = new Int32Array(n);
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    let key = '';
    for (const c of codes) key += `${c[i]},`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = first.length;
      byKey.set(key, g);
      first.push(i);
      counts.push(0);
    }
    groupOf[i] = g;
    counts[g]!++;
  }
  const keyOf = (g: number) => by.map((p) => columns[p]![first[g]!] ?? null);
  const order = first.map((_, g) => g);
  const byColumns = by.map((p) => columns[p]!);
  order.sort((a, b) => {
    for (const column of byColumns) {
      const d = compareValues(column[first[a]!] ?? null, column[first[b]!] ?? null);
      if (d !== 0) return d;
    }
    return 0;
  });
  const rank = new Int32Array(order.length);
  order.forEach((g, r) => (rank[g] = r));
  for (let i = 0; i < n; i++) groupOf[i] = rank[groupOf[i]!]!;
  const keys = Object.create(null) as Record<string, ParamValue[]>;
  for (const p of by) keys[p] = order.map((g) => columns[p]![first[g]!] ?? null);
  const labels = order.map((g) => groupLabel(by, keyOf(g)));
  return { by: [...by], groupOf, sizes: order.map((g) => counts[g]!), keys, labels };
}

/** Group g's key: each grouping param's value (null where its runs lack it), in a record without a prototype (a param may be called "__proto__"). */
export function groupKey(grouping: Grouping, g: number): Record<string, ParamValue> {
  const key = Object.create(null) as Record<string, ParamValue>;
  for (const p of grouping.by) key[p] = grouping.keys[p]![g]!;
  return key;
}

/** A param per group: the value every run of the group shares, else null. */
export function groupCommon(values: readonly ParamValue[], g: Grouping): ParamValue[] {
  const groups = g.sizes.length;
  const out = new Array<ParamValue>(groups).fill(null);
  const state = new Uint8Array(groups); // 0 unseen, 1 agreeing so far, 2 mixed
  for (let i = 0; i < values.length; i++) {
    const k = g.groupOf[i]!;
    const v = values[i] ?? null;
    if (state[k] === 0) {
      out[k] = v;
      state[k] = 1;
    } else if (state[k] === 1 && out[k] !== v) {
      out[k] = null;
      state[k] = 2;
    }
  }
  return out;
}

/** A metric per group: the mean over the group's runs that have it; null when none has. */
export function groupMean(values: readonly (number | null)[], g: Grouping): (number | null)[] {
  const groups = g.sizes.length;
  const sum = new Float64Array(groups);
  const count = new Int32Array(groups);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const k = g.groupOf[i]!;
    sum[k] = sum[k]! + v;
    count[k] = count[k]! + 1;
  }
  return Array.from(sum, (s, k) => (count[k]! > 0 ? s / count[k]! : null));
}

export interface Group {
  key: Record<string, ParamValue>;
  label: string;
  runs: RunRecord[];
}

/** The runs grouped by `params` (groupColumns over their params), in the order each group's first run comes. */
export function groupRuns(runs: RunRecord[], params: string[]): Group[] {
  const columns = Object.create(null) as Record<string, ParamValue[]>;
  for (const p of params) columns[p] = runs.map((r) => r.params[p] ?? null);
  const grouping = groupColumns(columns, params, runs.length);
  const groups: Group[] = grouping.labels.map((label, g) => ({ key: groupKey(grouping, g), label, runs: [] }));
  const order: Group[] = [];
  runs.forEach((run, i) => {
    const g = groups[grouping.groupOf[i]!]!;
    if (g.runs.length === 0) order.push(g);
    g.runs.push(run);
  });
  return order;
}
