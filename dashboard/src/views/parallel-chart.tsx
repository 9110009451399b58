// Parallel coordinates of a /v1/sweeps/parallel answer: ECharts on canvas, drawn progressively
// (20,000 lines a frame), one line per run, coloured by the target. Brushing an
// axis reports every axis's brush in the API's terms (a value range, or the categories kept);
// brushes from the link are drawn on the axes.
import { useEffect, useRef } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { ParallelChart as EParallel } from 'echarts/charts';
import { ParallelComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ParallelAnswer } from '../api.ts';
import type { Brush } from '../url-state.ts';
import { targetAxis } from '../runs-model.ts';

echarts.use([EParallel, ParallelComponent, VisualMapComponent, CanvasRenderer]);

interface Props {
  data: ParallelAnswer;
  brushes: Brush[];
  onBrush: (brushes: Brush[]) => void;
  /** Called once the last progressive frame is drawn, with the milliseconds since data arrived. */
  onDrawn?: (ms: number) => void;
}

const label = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-2 ? v.toExponential(1) : String(Number(v.toPrecision(3))));

/** ECharts' intervals of one axis (values, or category indexes) as a brush. */
function toBrush(data: ParallelAnswer, dim: number, intervals: number[][]): Brush | null {
  const axis = data.axes[dim]!;
  if (intervals.length === 0) return null;
  if (axis.scale === 'categorical') {
    const kept = new Set<string>();
    for (const [a, b] of intervals) for (let i = Math.ceil(Math.min(a!, b!)); i <= Math.floor(Math.max(a!, b!)); i++) if (axis.categories?.[i] !== undefined) kept.add(String(axis.categories[i]));
    return { field: axis.field, categories: [...kept] };
  }
  const lo = Math.min(...intervals.map((i) => Math.min(i[0]!, i[1]!)));
  const hi = Math.max(...intervals.map((i) => Math.max(i[0]!, i[1]!)));
  return { field: axis.field, range: [Number(lo.toPrecision(6)), Number(hi.toPrecision(6))] };
}

/** A brush as ECharts' intervals of its axis. */
function toIntervals(data: ParallelAnswer, b: Brush): { dim: number; intervals: number[][] } | null {
  const dim = data.axes.findIndex((a) => a.field === b.field);
  if (dim < 0) return null;
  const axis = data.axes[dim]!;
  if (b.range) return { dim, intervals: [b.range] };
  const indexes = (axis.categories ?? []).map((c, i) => (b.categories!.includes(String(c)) ? i : -1)).filter((i) => i >= 0);
  return { dim, intervals: indexes.map((i) => [i, i]) };
}

export function ParallelChart({ data, brushes, onBrush, onDrawn }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const applying = useRef(false);
  /** The brushes last reported from the chart: already drawn there. */
  const reported = useRef('[]');

  useEffect(() => {
    const chart = echarts.init(el.current!, null, { renderer: 'canvas' });
    chartRef.current = chart;
    reported.current = '[]';
    const started = performance.now();
    const rows = new Array(data.rows);
    for (let i = 0; i < data.rows; i++) rows[i] = data.values.map((column) => column[i]);
    const targetDim = targetAxis(data);
    const target = targetDim >= 0 ? data.axes[targetDim] : undefined;
    let drawn = false;
    chart.on('finished', () => {
      if (!drawn) onDrawn?.(performance.now() - started);
      drawn = true;
    });
    chart.on('axisareaselected', () => {
      if (applying.current) return;
      const next: Brush[] = [];
      (chart as unknown as { getModel(): { eachComponent(t: string, f: (m: { option: { dim: number }; activeIntervals?: number[][] }) => void): void } })
        .getModel()
        .eachComponent('parallelAxis', (m) => {
          const b = toBrush(data, m.option.dim, m.activeIntervals ?? []);
          if (b) next.push(b);
        });
      reported.current = JSON.stringify(next);
      onBrush(next);
    });
    chart.setOption({
      animation: false,
      parallel: { left: 70, right: 140, top: 50, bottom: 30, parallelAxisDefault: { realtime: false, nameLocation: 'start', nameGap: 20, nameTextStyle: { fontSize: 11 } } },
      parallelAxis: data.axes.map((a, dim) =>
        a.scale === 'categorical'
          ? { dim, name: a.name, type: 'category', data: (a.categories ?? []).map(String) }
          : { dim, name: a.name, type: a.scale === 'log' ? 'log' : 'value', min: a.min, max: a.max, scale: true, axisLabel: { formatter: label } },
      ),
      visualMap:
        target && target.scale !== 'categorical' && target.min !== undefined
          ? { type: 'continuous', dimension: targetDim, min: target.min, max: target.max, right: 10, top: 50, itemHeight: 240, calculable: false, text: [target.name, ''], inRange: { color: ['#313695', '#4575b4', '#74add1', '#fee090', '#f46d43', '#a50026'] } }
          : [],
      series: [
        {
          type: 'parallel', data: rows, silent: true, smooth: false,
          lineStyle: { width: 0.6, opacity: data.rows > 5_000 ? 0.08 : 0.35, color: '#4575b4' },
          inactiveOpacity: 0.02, activeOpacity: data.rows > 5_000 ? 0.25 : 0.6,
          progressive: 20_000, progressiveThreshold: 3_000, progressiveChunkMode: 'mod',
        },
      ],
    }, { notMerge: true });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
      chartRef.current = null;
    };
  }, [data]);

  // Brushes from the link (or cleared): drawn on the axes without reporting them back.
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || JSON.stringify(brushes) === reported.current) return;
    reported.current = JSON.stringify(brushes);
    applying.current = true;
    for (let dim = 0; dim < data.axes.length; dim++) {
      const b = brushes.find((x) => x.field === data.axes[dim]!.field);
      const intervals = b ? toIntervals(data, b)?.intervals ?? [] : [];
      chart.dispatchAction({ type: 'axisAreaSelect', parallelAxisIndex: dim, intervals });
    }
    applying.current = false;
  }, [data, brushes]);

  return <div class="parallel" ref={el} data-testid="parallel" />;
}
