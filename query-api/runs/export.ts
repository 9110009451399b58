// Streams a run list as CSV or NDJSON: the same filter, sort and columns as GET /v1/runs, read
// page by page with the keyset cursor, so the API holds one page at a time whatever the size.
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import type { Field } from '../../storage/run-filter/ast.ts';
import { columnValues } from './columns.ts';
import type { ListRunsQuery } from '../../storage/run-list.ts';
import { listRuns } from '../../storage/run-list.ts';
import { type RunRecord } from '../../storage/runs.ts';

export type ExportFormat = 'csv' | 'ndjson';
export const EXPORT_PAGE = 5_000;
export const EXPORT_MAX_ROWS = 1_000_000;

export const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' };

/** RFC 4180 quoting. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FIXED = ['run_id', 'name', 'experiment', 'sweep', 'status', 'started_at', 'ended_at', 'duration_ms'] as const;
function fixedCells(r: RunRecord): unknown[] {
  return [r.id, r.name, r.experiment, r.sweepId, r.status, r.startedAt, r.endedAt, r.durationMs];
}

export interface ExportSpec {
  query: Omit<ListRunsQuery, 'limit' | 'after'>;
  format: ExportFormat;
  /** Params to give their own CSV column (the project's param names, sorted). */
  params: string[];
  columns: { label: string; field: Field }[];
}

export function exportRuns(ch: ClickHouseClient, spec: ExportSpec): Readable {
  async function* lines(): AsyncGenerator<string> {
    if (spec.format === 'csv') {
      yield [...FIXED, ...spec.params.map((p) => `params.${p}`), ...spec.columns.map((c) => c.label)].map(csvCell).join(',') + '\n';
    }
    let after: ListRunsQuery['after'];
    let sent = 0;
    for (;;) {
      const page = await listRuns(ch, { ...spec.query, limit: EXPORT_PAGE, after });
      const extra = spec.columns.length > 0 ? await columnValues(ch, spec.query.project, page.runs, spec.columns) : null;
      let chunk = '';
      for (const r of page.runs) {
        const cols = extra?.get(r.id) ?? {};
        if (spec.format === 'ndjson') {
          const { sortValues: _s, ...run } = r;
          chunk += JSON.stringify(extra ? { ...run, columns: cols } : run) + '\n';
        } else {
          chunk += [...fixedCells(r), ...spec.params.map((p) => r.params[p] ?? null), ...spec.columns.map((c) => cols[c.label] ?? null)].map(csvCell).join(',') + '\n';
        }
      }
      if (chunk) yield chunk;
      sent += page.runs.length;
      if (!page.hasMore || !page.last || sent >= EXPORT_MAX_ROWS) return;
      after = page.last;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
