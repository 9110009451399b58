// The `columns` parameter: extra fields per run, named as in the filter language
// (params.lr, metrics.val/acc[class=cat].max, tags.team, lineage.data_version, status, …).
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { SqlInputError } from '../../storage/sql-quote.ts';
import type { Field } from '../../storage/run-filter/ast.ts';
import { unknownMetric, unknownParam } from '../filter/names.ts';
import { type MetricNames, type ParamNames } from '../../storage/project-names.ts';
import { fieldLabel, parseField } from '../filter/fields.ts';
import { lineageByName } from '../compare/compare.ts';
import { getSummaries } from '../../storage/summaries.ts';
import { type RunRecord } from '../../storage/runs.ts';

export const MAX_COLUMNS = 50;

export function parseColumns(input: string): { label: string; field: Field }[] {
  const names = input.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length > MAX_COLUMNS) throw new SqlInputError(`columns takes at most ${MAX_COLUMNS} fields, got ${names.length}`);
  return names.map((name) => {
    const field = parseField(name);
    if (typeof field === 'string') throw new SqlInputError(`columns: unknown field "${name}"; expected ${field}`);
    return { label: fieldLabel(field), field };
  });
}

/** Refuses columns naming params or metrics the project does not hold (see filter/names.ts for an empty project). */
export function checkColumns(columns: { label: string; field: Field }[], params: ParamNames | undefined, metrics: MetricNames | undefined): void {
  for (const { field } of columns) {
    const why = field.kind === 'param' ? unknownParam(field.name, params) : field.kind === 'metric' ? unknownMetric(field, metrics, { prefix: 'metrics.', aggregates: true }) : null;
    if (why) throw new SqlInputError(`columns: ${why}`);
  }
}

type Cell = number | string | boolean | null;

function cell(run: RunRecord, f: Field): Cell {
  switch (f.kind) {
    case 'param': return run.params[f.name] ?? null;
    case 'tag': return run.tags[f.name] ?? null;
    case 'library': return run.lineage.environment.libraries[f.name] ?? null;
    case 'lineage': return lineageByName(run)[f.name] ?? null;
    case 'attribute':
      switch (f.name) {
        case 'run_id': return run.id;
        case 'sweep': return run.sweepId;
        case 'started_at': return run.startedAt;
        default: return run[f.name];
      }
    case 'metric': return null; // filled from summaries
  }
}

/** Column values per run id, metric summaries fetched in one query for the page. */
export async function columnValues(
  ch: ClickHouseClient,
  project: string,
  runs: RunRecord[],
  columns: { label: string; field: Field }[],
): Promise<Map<string, Record<string, Cell>>> {
  const metricKeys = [...new Set(columns.flatMap((c) => (c.field.kind === 'metric' ? [c.field.key] : [])))];
  const summaries = metricKeys.length > 0 && runs.length > 0 ? await getSummaries(ch, project, runs.map((r) => r.id), metricKeys) : new Map();
  const out = new Map<string, Record<string, Cell>>();
  for (const run of runs) {
    const row: Record<string, Cell> = {};
    for (const { label, field } of columns) {
      if (field.kind === 'metric') {
        const s = (summaries.get(run.id) ?? []).find((x: { key: string; segment: string | null }) => x.key === field.key && (x.segment ?? '') === field.segment);
        row[label] = s ? s[field.aggregate] : null;
      } else row[label] = cell(run, field);
    }
    out.set(run.id, row);
  }
  return out;
}
