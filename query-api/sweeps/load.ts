// Loads a sweep request's selection as columns (storage/sweep-columns.ts) and answers what the
// request got wrong: more runs than a request may analyse (400), run ids not found (404).
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { loadSweepColumns, type RunFieldColumnRef, type SweepColumns } from '../../storage/sweep-columns.ts';
import { requireRuns, selectionSource, tooManyRuns, type MetricRef, type Selection, type RunScope } from '../selection/selection.ts';

/** Most runs one sweep request may analyse. */
export const MAX_SWEEP_RUNS = 200_000;
// The guard against runIds lists too long for ClickHouse lives in selectionSource, shared by every route.
export { MAX_SELECTION_SQL } from '../selection/selection.ts';

export type LoadedSweep = SweepColumns;

export interface LoadOptions {
  /** Metric summaries to load as columns. */
  metrics?: readonly MetricRef[];
  /** Tag and lineage fields to load as columns. */
  runFields?: readonly RunFieldColumnRef[];
  /** Default MAX_SWEEP_RUNS. */
  maxRuns?: number;
  /** Load no params (a request that only needs metrics). */
  skipParams?: boolean;
  /** Load each run's lineage too (confound warnings). */
  lineage?: boolean;
}

export async function loadSweep(ch: ClickHouseClient, scope: RunScope, sel: Selection, options: LoadOptions = {}): Promise<LoadedSweep> {
  const { project } = scope;
  const maxRuns = options.maxRuns ?? MAX_SWEEP_RUNS;
  const source = await selectionSource(ch, scope, sel); // a 400 when a runIds list is too long for ClickHouse
  const loaded = await loadSweepColumns(ch, project, source, { limit: maxRuns + 1, metrics: options.metrics ?? [], runFields: options.runFields, skipParams: options.skipParams, lineage: options.lineage });
  if (loaded.runIds.length > maxRuns) throw tooManyRuns(maxRuns);
  if (sel.runIds) requireRuns(sel.runIds, loaded.runIds, sel.filter !== undefined && sel.filter.trim() !== '');
  return loaded;
}
