// Any two fields of the selected runs against each other (POST /v1/sweeps/scatter), a point per
// run that has both, coloured by the target: x and y picked among the chart's axes, in the link.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { scatter, type ChartAxis, type ScatterAnswer, type Selection } from '../api.ts';
import { EChart } from './echart.tsx';
import { targetField } from '../runs-model.ts';

function axisOption(a: ChartAxis) {
  return a.scale === 'categorical'
    ? { type: 'category', data: (a.categories ?? []).map(String), name: a.name, nameLocation: 'middle', nameGap: 28 }
    : { type: a.scale === 'log' ? 'log' : 'value', scale: true, name: a.name, nameLocation: 'middle', nameGap: 34 };
}

function option(s: ScatterAnswer) {
  const colour = s.axes.colour;
  const points = s.x.map((x, i) => [x, s.y[i], s.colour?.[i] ?? null, s.ids[i]]);
  return {
    grid: { left: 70, right: colour ? 110 : 20, top: 20, bottom: 50 },
    tooltip: { trigger: 'item', formatter: (p: { value: unknown[] }) => String(p.value[3]) },
    xAxis: axisOption(s.axes.x),
    yAxis: axisOption(s.axes.y),
    ...(colour && colour.scale !== 'categorical' && colour.min !== undefined
      ? { visualMap: { dimension: 2, min: colour.min, max: colour.max, right: 0, top: 'center', text: [colour.name, ''], inRange: { color: ['#313695', '#74add1', '#fee090', '#f46d43', '#a50026'] } } }
      : {}),
    series: [{ type: 'scatter', data: points, symbolSize: 5, large: points.length > 5_000 }],
  };
}

interface Props {
  selection: Selection;
  axes: ChartAxis[];
  target: string | undefined;
  x: string;
  y: string;
  onPick: (x: string, y: string) => void;
}

export function ScatterPanel({ selection, axes, target, x, y, onPick }: Props) {
  const fields = axes.map((a) => a.field);
  const [answer, setAnswer] = useState<ScatterAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!x || !y) return;
    let current = true;
    setError(null);
    setAnswer(null);
    scatter(selection, x, y, target ? targetField(target) : undefined)
      .then((a) => current && setAnswer(a))
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [selection.sweep, selection.experiment, selection.filter, x, y, target]);
  const chart = useMemo(() => (answer ? option(answer) : null), [answer]);
  const pick = (value: string, set: (v: string) => void) => (
    <select value={value} onChange={(e) => set((e.currentTarget as HTMLSelectElement).value)}>
      {fields.map((f) => (
        <option key={f} value={f}>
          {f}
        </option>
      ))}
    </select>
  );
  return (
    <section class="panel" data-testid="scatter" data-points={answer?.points ?? 0} data-x={answer?.axes.x.field ?? ''} data-y={answer?.axes.y.field ?? ''}>
      <h2>Scatter</h2>
      <div class="curve-controls">
        <label>x {pick(x, (v) => onPick(v, y))}</label>
        <label>y {pick(y, (v) => onPick(x, v))}</label>
        {answer && <span class="muted">{answer.points.toLocaleString('en-US')} runs with both{target ? `, coloured by ${target}` : ''}</span>}
      </div>
      {error && <div class="error" role="alert">{error}</div>}
      {chart && <EChart option={chart} height={340} testId="scatter-chart" />}
    </section>
  );
}
