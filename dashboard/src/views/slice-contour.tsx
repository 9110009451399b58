// How the target moves with the most important params: a slice of the first (a point per run,
// the mean and its interval per bin, every other param free: /v1/sweeps/slice) and the contour
// of the first two (the mean per cell, empty cells left empty: /v1/sweeps/contour).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { contour, slice, type ContourAnswer, type Selection, type SliceAnswer } from '../api.ts';
import { EChart } from './echart.tsx';

function sliceOption(s: SliceAnswer, target: string) {
  const categorical = s.axes.x.scale === 'categorical';
  const centre = (b: SliceAnswer['bins'][number]) => (categorical ? b.label : b.value ?? (b.lo !== undefined && b.hi !== undefined ? (s.axes.x.scale === 'log' ? Math.sqrt(b.lo * b.hi) : (b.lo + b.hi) / 2) : null));
  const points = s.x.map((x, i) => [categorical && x !== null ? String(s.axes.x.categories?.[x]) : x, s.y[i]]).filter(([x, y]) => x !== null && y !== null);
  const bins = s.bins.filter((b) => b.mean !== null);
  return {
    grid: { left: 60, right: 20, top: 20, bottom: 40 },
    tooltip: { trigger: 'item' },
    xAxis: categorical ? { type: 'category', data: (s.axes.x.categories ?? []).map(String), name: s.axes.x.name, nameLocation: 'middle', nameGap: 26 } : { type: s.axes.x.scale === 'log' ? 'log' : 'value', scale: true, name: s.axes.x.name, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', scale: true, name: target },
    series: [
      { type: 'scatter', data: points, symbolSize: 4, itemStyle: { color: '#74add1', opacity: 0.5 }, large: true },
      { type: 'line', name: 'bin mean', data: bins.map((b) => [centre(b), b.mean]), itemStyle: { color: '#c0392b' }, lineStyle: { width: 2 } },
      { type: 'line', name: 'interval', data: bins.map((b) => [centre(b), b.ci?.lower ?? null]), lineStyle: { type: 'dashed', color: '#c0392b', width: 1 }, symbol: 'none' },
      { type: 'line', name: 'interval', data: bins.map((b) => [centre(b), b.ci?.upper ?? null]), lineStyle: { type: 'dashed', color: '#c0392b', width: 1 }, symbol: 'none' },
    ],
  };
}

function contourOption(c: ContourAnswer, target: string) {
  const cells: [number, number, number | null][] = [];
  c.mean.forEach((row, iy) => row.forEach((m, ix) => cells.push([ix, iy, m])));
  const values = cells.map((cell) => cell[2]).filter((v): v is number => v !== null);
  return {
    grid: { left: 90, right: 90, top: 20, bottom: 50 },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: c.x.bins.map((b) => b.label), name: c.x.param, nameLocation: 'middle', nameGap: 34, axisLabel: { rotate: 30, fontSize: 10 } },
    yAxis: { type: 'category', data: c.y.bins.map((b) => b.label), name: c.y.param, axisLabel: { fontSize: 10 } },
    visualMap: { min: Math.min(...values), max: Math.max(...values), calculable: false, orient: 'vertical', right: 0, top: 'center', text: [target, ''], inRange: { color: ['#313695', '#74add1', '#fee090', '#f46d43', '#a50026'] } },
    series: [{ type: 'heatmap', data: cells.filter((cell) => cell[2] !== null), label: { show: false } }],
  };
}

export function SliceAndContour({ selection, target, params }: { selection: Selection; target: string; params: string[] }) {
  const [answer, setAnswer] = useState<{ slice: SliceAnswer; contour: ContourAnswer | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [first, second] = params;
  useEffect(() => {
    if (!first) return;
    let current = true;
    Promise.all([slice(selection, first, target), second ? contour(selection, first, second, target) : Promise.resolve(null)])
      .then(([s, c]) => current && setAnswer({ slice: s, contour: c }))
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [selection.sweep, selection.experiment, selection.filter, target, first, second]);
  const sliceChart = useMemo(() => (answer ? sliceOption(answer.slice, target) : null), [answer]);
  const contourChart = useMemo(() => (answer?.contour ? contourOption(answer.contour, target) : null), [answer]);
  if (error) return <div class="error" role="alert">{error}</div>;
  if (!sliceChart) return <div class="muted">slicing…</div>;
  return (
    <div class="columns">
      <div data-testid="slice" data-slice-param={first} data-bins={answer!.slice.bins.filter((b) => b.mean !== null).length}>
        <h3>{target} against {first} (every other param free)</h3>
        <EChart option={sliceChart} testId="slice-chart" />
      </div>
      {contourChart && (
        <div data-testid="contour" data-cells={answer!.contour!.mean.flat().filter((m) => m !== null).length}>
          <h3>{target} over {first} × {second}</h3>
          <EChart option={contourChart} testId="contour-chart" />
        </div>
      )}
    </div>
  );
}
