// Reads what the statistics endpoints test from ClickHouse: the runs of a side (a selection,
// optionally narrowed to a group key), each run's value of the metric, and for pairBy 'segment'
// each run's value per segment. Every query is scoped to the token's project; every literal
// goes through the quoting module.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { badRequest } from '../../common/http/errors.ts';
import { metricValues, segmentValues } from '../../storage/summaries.ts';
import { selectRuns, type MetricRef, type Selection, type RunScope } from '../selection/selection.ts';
import type { RunRecord } from '../../storage/runs.ts';
import type { SideData } from './compare-sides.ts';
import { groupLabel } from '../groups/grouping.ts';

/** Runs one side (or one leaderboard) may select; more is a 400 asking to narrow the selection. */
export const MAX_SIDE_RUNS = 20_000;

export type GroupKey = Record<string, number | string | boolean | null>;

export interface SideInput extends Selection {
  /** Keep only runs whose params equal these values (null: the param is absent), as groups do. */
  group?: GroupKey;
  label?: string;
}

const selectionOf = (s: SideInput): Selection => ({ runIds: s.runIds, filter: s.filter, experiment: s.experiment, sweep: s.sweep });
const paramName = (k: string) => k.replace(/^params\./, '');

export function matchesGroup(run: RunRecord, group: GroupKey): boolean {
  return Object.entries(group).every(([k, v]) => (run.params[paramName(k)] ?? null) === v);
}

/** "lr=0.01, optimizer=adam", as the grouping labels groups; '{}' for the empty key. */
function labelOf(group: GroupKey): string {
  const params = Object.keys(group);
  return params.length === 0 ? '{}' : groupLabel(params, Object.values(group));
}

/** The runs of a selection and their values of the metric. */
export async function loadSelection(ch: ClickHouseClient, scope: RunScope, sel: Selection, m: MetricRef): Promise<{ runs: RunRecord[]; values: Map<string, number>; sourceSql: string }> {
  const { runs, sourceSql } = await selectRuns(ch, scope, sel, MAX_SIDE_RUNS);
  return { runs, values: await metricValues(ch, scope.project, sourceSql, m), sourceSql };
}

export async function loadSide(ch: ClickHouseClient, scope: RunScope, side: SideInput, name: 'a' | 'b', m: MetricRef, withSegments: boolean): Promise<SideData> {
  const { project } = scope;
  const { runs: selected, values, sourceSql } = await loadSelection(ch, scope, selectionOf(side), m);
  const runs = side.group ? selected.filter((r) => matchesGroup(r, side.group!)) : selected;
  if (runs.length === 0) {
    throw badRequest(`side ${name} selects no runs${side.group ? ` in group ${labelOf(side.group)}` : ''}; check its runIds, filter, experiment, sweep${side.group ? ' and group' : ''}`);
  }
  return {
    label: side.label ?? (side.group && Object.keys(side.group).length > 0 ? labelOf(side.group) : name.toUpperCase()),
    runs,
    values,
    segments: withSegments ? await segmentValues(ch, project, sourceSql, m) : undefined,
    groupParams: Object.keys(side.group ?? {}).map(paramName),
  };
}
