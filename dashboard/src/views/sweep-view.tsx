// The sweep view: which runs (sweep, experiment, filter), the target metric, parallel
// coordinates of them with brushing, the table of the runs the brushes keep; the runs ticked
// there compared side by side (numbers, and artifacts: artifacts-part.tsx), and two sets of them (A and B) tested on the target. Everything
// that makes the view is in the link (url-state.ts).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, parallel, type ParallelAnswer } from '../api.ts';
import { keptRows, rowsCsv, sortRows, targetAxis } from '../runs-model.ts';
import type { ViewState } from '../url-state.ts';
import { FilterBox } from './filter-box.tsx';
import { ParallelChart } from './parallel-chart.tsx';
import { RunsTable } from './runs-table.tsx';
import { ComparePanel } from './compare-panel.tsx';
import { ArtifactsPart } from './artifacts-part.tsx';
import { StatsPanel } from './stats-panel.tsx';
import { CurvesPanel } from './curves-panel.tsx';
import { curveMetricOf } from '../url-state.ts';
import { AnalyticsPanel } from './analytics-panel.tsx';
import { GroupsPanel } from './groups-panel.tsx';
import { ColumnPicker } from './column-picker.tsx';
import { ScatterPanel } from './scatter-panel.tsx';

/** Most runs compared side by side (a wider table says nothing more). */
const MAX_COMPARED = 20;
/** Most runs drawn as curves (the API's limit is 1,000; past 100 lines a group band says more). */
const MAX_CURVES = 100;

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
  const [picking, setPicking] = useState(false);
  const selection = { sweep: state.sweep, experiment: state.experiment, filter: state.filter };

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    parallel(selection, state.target, state.columns)
      .then((d) => current && (setData(d), setDrawnMs(null)))
      .catch((err: Error) => current && (setError(err instanceof ApiError ? err.message : `cannot reach the API: ${err.message}`), setData(null)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [state.sweep, state.experiment, state.filter, state.target, state.columns.join('\n')]);

  const selected = useMemo(() => new Set(state.selected), [state.selected]);
  const select = (ids: string[], ticked: boolean) => {
    const next = new Set(state.selected);
    for (const id of ids) if (ticked) next.add(id); else next.delete(id);
    onChange({ ...state, selected: [...next] });
  };
  const kept = useMemo(() => (data ? keptRows(data, state.brushes) : []), [data, state.brushes]);
  const rows = useMemo(() => (data ? sortRows(data, kept, state.sort) : []), [data, kept, state.sort]);
  const input = (key: 'sweep' | 'experiment' | 'target') => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value.trim();
    onChange({ ...state, [key]: v === '' ? undefined : v, brushes: [], selected: [], sideA: [], sideB: [] });
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
            <button type="button" aria-expanded={picking} onClick={() => setPicking(!picking)}>
              columns…
            </button>
            {drawnMs !== null && <span class="muted" data-testid="drawn-ms" data-ms={Math.round(drawnMs)}> drawn in {Math.round(drawnMs)} ms</span>}
          </div>
          {picking && (
            <ColumnPicker
              shown={state.columns.length > 0 ? state.columns : data.axes.filter((_, k) => k !== targetAxis(data)).map((a) => a.field)}
              onChange={(columns) => onChange({ ...state, columns, brushes: state.brushes.filter((b) => columns.includes(b.field) || b.field === data.axes[targetAxis(data)]?.field) })}
            />
          )}
          {data.omitted.length > 0 && <div class="muted">not drawn: {data.omitted.map((o) => `${o.field} (${o.reason})`).join('; ')}</div>}
          {data.axes.length >= 2 ? (
            <ParallelChart data={data} brushes={state.brushes} kept={kept} onBrush={(brushes) => onChange({ ...state, brushes })} onDrawn={setDrawnMs} />
          ) : (
            <div class="panel muted">
              {data.axes.length === 1 ? `Only ${data.axes[0]!.field} varies here` : 'Nothing varies here'}: parallel coordinates need two axes (name a target, or pick columns).
            </div>
          )}
          <RunsTable data={data} rows={rows} sort={state.sort} onSort={(sort) => onChange({ ...state, sort })} selected={selected} onSelect={select} />
          <div class="selection-bar" data-testid="selection-bar">
            <span>{state.selected.length.toLocaleString('en-US')} ticked</span>
            <button type="button" disabled={state.selected.length === 0} onClick={() => onChange({ ...state, sideA: state.selected, selected: [] })}>
              use as A
            </button>
            <button type="button" disabled={state.selected.length === 0} onClick={() => onChange({ ...state, sideB: state.selected, selected: [] })}>
              use as B
            </button>
            <button type="button" disabled={state.selected.length === 0} onClick={() => onChange({ ...state, selected: [] })}>
              untick all
            </button>
            <span class="muted">
              A: {state.sideA.length} runs · B: {state.sideB.length} runs
            </span>
            <button type="button" disabled={!state.target} onClick={() => onChange({ ...state, group: state.group ? undefined : 'all-but-seed' })}>
              {state.group ? 'hide groups' : 'rank groups'}
            </button>
            {/* By default the first two axes: the target colours the points. */}
            <button type="button" disabled={data.axes.length < 2} onClick={() => onChange({ ...state, scatter: state.scatter ? null : { x: data.axes[0]!.field, y: data.axes[1]!.field } })}>
              {state.scatter ? 'hide scatter' : 'scatter'}
            </button>
            <button type="button" disabled={!state.target} onClick={() => onChange({ ...state, analytics: !state.analytics })}>
              {state.analytics ? 'hide what drives the target' : 'what drives the target?'}
            </button>
          </div>
          {state.group && state.target && (
            <GroupsPanel
              selection={selection} target={state.target} groupBy={state.group} minimize={state.minimize}
              onGroupBy={(group, minimize) => onChange({ ...state, group, minimize })}
              onTick={(ids) => onChange({ ...state, selected: ids })}
            />
          )}
          {state.scatter && (
            <ScatterPanel selection={selection} axes={data.axes} target={state.target} x={state.scatter.x} y={state.scatter.y} onPick={(x, y) => onChange({ ...state, scatter: { x, y } })} />
          )}
          {state.analytics && state.target && <AnalyticsPanel selection={selection} target={state.target} />}
        </>
      )}
      {state.selected.length >= 1 && state.selected.length <= MAX_CURVES && (state.curve.metric ?? state.target) && (
        <CurvesPanel runIds={state.selected} metric={state.curve.metric ?? curveMetricOf(state.target!)} curve={state.curve} onChange={(curve) => onChange({ ...state, curve })} />
      )}
      {state.selected.length >= 2 && state.selected.length <= MAX_COMPARED && (
        <>
          <ComparePanel runIds={state.selected} />
          <ArtifactsPart runIds={state.selected} state={state.artifacts} onChange={(artifacts) => onChange({ ...state, artifacts })} />
        </>
      )}
      {state.selected.length > MAX_COMPARED && <div class="muted">tick at most {MAX_COMPARED} runs to compare them side by side (or use them as a side A or B)</div>}
      {state.sideA.length > 0 && state.sideB.length > 0 && (state.target ? <StatsPanel a={state.sideA} b={state.sideB} metric={state.target} /> : <div class="muted">name a target metric to test A against B</div>)}
    </main>
  );
}
