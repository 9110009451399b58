// The sweep view: which runs (sweep, experiment, filter), the target metric, parallel
// coordinates of them with brushing, and the table of the runs the brushes keep. Everything
// that makes the view is in the link (url-state.ts).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, parallel, type ParallelAnswer } from '../api.ts';
import { keptRows, rowsCsv, sortRows } from '../runs-model.ts';
import type { ViewState } from '../url-state.ts';
import { FilterBox } from './filter-box.tsx';
import { ParallelChart } from './parallel-chart.tsx';
import { RunsTable } from './runs-table.tsx';

interface Props {
  state: ViewState;
  onChange: (next: ViewState) => void;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}

export function SweepView({ state, onChange }: Props) {
  const [data, setData] = useState<ParallelAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [drawnMs, setDrawnMs] = useState<number | null>(null);
  const selection = { sweep: state.sweep, experiment: state.experiment, filter: state.filter };

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    parallel(selection, state.target)
      .then((d) => current && (setData(d), setDrawnMs(null)))
      .catch((err: Error) => current && (setError(err instanceof ApiError ? err.message : `cannot reach the API: ${err.message}`), setData(null)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [state.sweep, state.experiment, state.filter, state.target]);

  const kept = useMemo(() => (data ? keptRows(data, state.brushes) : []), [data, state.brushes]);
  const rows = useMemo(() => (data ? sortRows(data, kept, state.sort) : []), [data, kept, state.sort]);
  const input = (key: 'sweep' | 'experiment' | 'target') => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value.trim();
    onChange({ ...state, [key]: v === '' ? undefined : v, brushes: [] });
  };

  return (
    <main>
      <section class="selection">
        <label>
          Sweep <input name="sweep" value={state.sweep ?? ''} onChange={input('sweep')} placeholder="any" />
        </label>
        <label>
          Experiment <input name="experiment" value={state.experiment ?? ''} onChange={input('experiment')} placeholder="any" />
        </label>
        <label>
          Target <input name="target" value={state.target ?? ''} onChange={input('target')} placeholder="val/acc.max" title="A metric summary: key, key.max, metrics.loss[split=val].min" />
        </label>
      </section>
      <FilterBox selection={selection} onApply={(filter) => onChange({ ...state, filter: filter.trim() === '' ? undefined : filter, brushes: [] })} />
      {error && <div class="error" role="alert">{error}</div>}
      {data && (
        <>
          <div class="count" data-testid="count" data-kept={rows.length} data-total={data.rows}>
            {loading ? 'loading… ' : ''}
            {state.brushes.length > 0 ? `${rows.length.toLocaleString('en-US')} of ${data.rows.toLocaleString('en-US')} runs in the brushed ranges` : `${data.rows.toLocaleString('en-US')} runs`}
            {state.brushes.length > 0 && (
              <button type="button" onClick={() => onChange({ ...state, brushes: [] })}>
                clear brushes
              </button>
            )}
            <button type="button" onClick={() => download('runs.csv', rowsCsv(data, rows))}>
              export CSV
            </button>
            {drawnMs !== null && <span class="muted" data-testid="drawn-ms" data-ms={Math.round(drawnMs)}> drawn in {Math.round(drawnMs)} ms</span>}
          </div>
          {data.omitted.length > 0 && <div class="muted">not drawn: {data.omitted.map((o) => `${o.field} (${o.reason})`).join('; ')}</div>}
          <ParallelChart data={data} brushes={state.brushes} onBrush={(brushes) => onChange({ ...state, brushes })} onDrawn={setDrawnMs} />
          <RunsTable data={data} rows={rows} sort={state.sort} onSort={(sort) => onChange({ ...state, sort })} />
        </>
      )}
    </main>
  );
}
