// The runs table: one row per run kept by the brushes, a column per axis, sorted by a click on
// a header, a box to tick runs (all shown at once from the header); only the rows in view are
// in the DOM (virtual scrolling), so 100,000 runs scroll.
import { useState } from 'preact/hooks';
import type { ParallelAnswer } from '../api.ts';
import { cellText } from '../runs-model.ts';

const ROW_PX = 24;
const VIEW_ROWS = 18;
const OVERSCAN = 10;

interface Props {
  data: ParallelAnswer;
  rows: number[];
  sort: { field: string; desc: boolean } | undefined;
  onSort: (sort: { field: string; desc: boolean }) => void;
  selected: ReadonlySet<string>;
  /** Ticks or unticks these runs. */
  onSelect: (ids: string[], ticked: boolean) => void;
}

export function RunsTable({ data, rows, sort, onSort, selected, onSelect }: Props) {
  const allTicked = rows.length > 0 && rows.every((i) => selected.has(data.ids[i]!));
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + VIEW_ROWS * ROW_PX) / ROW_PX) + OVERSCAN);
  const header = (field: string, name: string) => {
    const active = sort?.field === field;
    return (
      <th key={field} onClick={() => onSort({ field, desc: active ? !sort!.desc : false })} title={`sort by ${name}`} aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : 'none'}>
        {name}
        {active ? (sort!.desc ? ' ▼' : ' ▲') : ''}
      </th>
    );
  };
  return (
    <div class="table-scroll" style={{ height: `${(VIEW_ROWS + 1) * ROW_PX}px` }} onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)} data-testid="runs-table">
      <table>
        <thead>
          <tr>
            <th class="tick">
              <input type="checkbox" aria-label="tick every run shown" checked={allTicked} onChange={() => onSelect(rows.map((i) => data.ids[i]!), !allTicked)} />
            </th>
            {header('run', 'run')}
            {data.axes.map((a) => header(a.field, a.name))}
          </tr>
        </thead>
        <tbody>
          <tr style={{ height: `${first * ROW_PX}px` }} aria-hidden="true" />
          {rows.slice(first, last).map((i) => (
            <tr key={data.ids[i]} data-run={data.ids[i]} class={selected.has(data.ids[i]!) ? 'ticked' : ''}>
              <td class="tick">
                <input type="checkbox" aria-label={`tick ${data.ids[i]}`} checked={selected.has(data.ids[i]!)} onChange={(e) => onSelect([data.ids[i]!], (e.currentTarget as HTMLInputElement).checked)} />
              </td>
              <td class="run-id">
                <a href={`/ui/runs/${encodeURIComponent(data.ids[i]!)}`}>{data.ids[i]}</a>
              </td>
              {data.axes.map((a, k) => (
                <td key={a.field} class={a.scale === 'categorical' ? '' : 'num'}>
                  {cellText(a, data.values[k]![i]!)}
                </td>
              ))}
            </tr>
          ))}
          <tr style={{ height: `${(rows.length - last) * ROW_PX}px` }} aria-hidden="true" />
        </tbody>
      </table>
    </div>
  );
}
