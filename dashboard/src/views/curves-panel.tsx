// Curves of the ticked runs (POST /v1/curves, downsampled on the server to 1,000 buckets per run
// on one grid, so spikes survive as each bucket's min and max): uPlot on a canvas, one line per
// run, or with "bands over seeds" one band per group of runs that differ only in their seed;
// hovering a line names it. x as step, wall time or time since each run's start; EMA smoothing
// and a log y axis; dragging across the plot zooms by asking the API again for that range alone
// (finer buckets, not a stretched picture). All in the link.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiError, curves, type CurvesAnswer } from '../api.ts';
import type { ViewState } from '../url-state.ts';

type Curve = ViewState['curve'];

interface Line {
  label: string;
  x: number[];
  y: number[];
}

/** The k-th line's colour (golden-angle hues, so neighbours differ), opaque or as a band's fill. */
const hue = (k: number, alpha = 1) => `hsla(${(k * 137.5) % 360}, 60%, 45%, ${alpha})`;

/** The settings without a zoom (dropped when it no longer applies, or on "zoom out"). */
const withoutZoom = ({ zoom: _, ...rest }: Curve): Curve => rest;

/** Lines on the union of their x values (null where a line has no bucket). */
export function alignLines(lines: Line[]): (number | null)[][] {
  const xs = [...new Set(lines.flatMap((l) => l.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const data: (number | null)[][] = [xs];
  for (const l of lines) {
    const y = new Array<number | null>(xs.length).fill(null);
    l.x.forEach((x, i) => (y[at.get(x)!] = l.y[i]!));
    data.push(y);
  }
  return data;
}

/**
 * What is drawn: a line per run; or, with bands, per group of runs that differ only in their
 * seed, its mean and the band mean ± one standard deviation (series i, i+1, i+2 of each group).
 */
function linesOf(answer: CurvesAnswer, bands: boolean): { lines: Line[]; bandOf: number[] } {
  const s = answer.series[0];
  if (!s) return { lines: [], bandOf: [] };
  if (!bands || !s.groups) return { lines: s.runs.map((r) => ({ label: r.runId, x: r.x, y: r.mean })), bandOf: [] };
  const lines: Line[] = [];
  for (const g of s.groups) {
    const sd = (i: number) => (Number.isFinite(g.std[i]) ? g.std[i]! : 0);
    lines.push({ label: `${g.label} (${g.runIds.length} runs)`, x: g.x, y: g.mean });
    lines.push({ label: `${g.label} + sd`, x: g.x, y: g.mean.map((m, i) => m + sd(i)) });
    lines.push({ label: `${g.label} − sd`, x: g.x, y: g.mean.map((m, i) => m - sd(i)) });
  }
  return { lines, bandOf: s.groups.map((_, k) => 1 + 3 * k) };
}

/** The run whose line passes within 16 px of the cursor at the cursor's x (interpolated between buckets), if any. */
function nearestRun(u: uPlot): string | null {
  const { left, top } = u.cursor;
  if (left === undefined || top === undefined || left < 0) return null;
  const x = u.posToVal(left, 'x');
  const xs = u.data[0] as number[];
  let i = 0;
  while (i < xs.length - 2 && xs[i + 1]! < x) i++;
  let best: string | null = null;
  let bestPx = 16;
  for (let s = 1; s < u.series.length; s++) {
    if (u.series[s]!.width === 0) continue; // a band's edge, not a line
    const ys = u.data[s] as (number | null)[];
    const [y0, y1] = [ys[i], ys[i + 1] ?? ys[i]];
    if (y0 === null || y0 === undefined || y1 === null || y1 === undefined) continue;
    const t = xs[i + 1] !== undefined && xs[i + 1] !== xs[i] ? Math.min(1, Math.max(0, (x - xs[i]!) / (xs[i + 1]! - xs[i]!))) : 0;
    const px = Math.abs(u.valToPos(y0 + t * (y1 - y0), 'y') - top);
    if (px < bestPx) [best, bestPx] = [String(u.series[s]!.label), px];
  }
  return best;
}

/** Performance marks (for the benchmark and devtools): curves asked for, and drawn. */
export const REQUESTED_MARK = 'runlens:curves-requested';
export const DRAWN_MARK = 'runlens:curves-drawn';

export function CurvesPanel({ runIds, metric, curve, onChange }: { runIds: string[]; metric: string; curve: Curve; onChange: (c: Curve) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const [answer, setAnswer] = useState<CurvesAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  // The uPlot hooks outlive renders: they call the latest onChange through this.
  const zoomTo = useRef((_zoom: [number, number]) => undefined as void);
  zoomTo.current = (zoom) => onChange({ ...curve, zoom });
  useEffect(() => {
    let current = true;
    setError(null);
    performance.mark(REQUESTED_MARK);
    curves(runIds, metric, curve.x, curve.ema, curve.zoom, curve.bands === true)
      .then((a) => current && setAnswer(a))
      .catch((err: Error) => current && (setError(err instanceof ApiError ? err.message : String(err)), setAnswer(null)));
    return () => {
      current = false;
    };
  }, [runIds.join(','), metric, curve.x, curve.ema, curve.zoom?.join('~'), curve.bands]);

  useEffect(() => {
    if (!answer || !el.current) return;
    const { lines, bandOf } = linesOf(answer, curve.bands === true);
    const data = alignLines(lines);
    const series = lines.map((l, i) => {
      const group = bandOf.length > 0 ? Math.floor(i / 3) : i;
      const edge = bandOf.length > 0 && i % 3 !== 0;
      return { label: l.label, stroke: edge ? 'transparent' : hue(group), width: edge ? 0 : 1.2, spanGaps: true, points: { show: false } };
    });
    const time = curve.x === 'wall_time';
    const plot = new uPlot(
      {
        width: el.current.clientWidth || 1000,
        height: 320,
        legend: { show: false },
        scales: { x: { time }, y: { distr: curve.logY ? 3 : 1 } },
        axes: [{ label: curve.x === 'step' ? 'step' : curve.x === 'wall_time' ? '' : 'time since start (ms)' }, { label: metric }],
        series: [{}, ...series],
        bands: bandOf.map((mean, k) => ({ series: [mean + 1, mean + 2] as [number, number], fill: hue(k, 0.18) })),
        // A drag selects an x range (the plot is not stretched): the API is asked for it.
        // Focus dims the other lines; with bands it could land on an invisible edge: off.
        cursor: { focus: { prox: bandOf.length > 0 ? -1 : 16 }, drag: { x: true, y: false, setScale: false } },
        focus: { alpha: 0.25 },
        hooks: {
          draw: [() => performance.mark(DRAWN_MARK)],
          setCursor: [(u: uPlot) => setHover(nearestRun(u))],
          setSelect: [
            (u: uPlot) => {
              if (u.select.width < 3) return;
              const scale = time ? 1000 : 1;
              const from = Math.floor(u.posToVal(u.select.left, 'x') * scale);
              const to = Math.ceil(u.posToVal(u.select.left + u.select.width, 'x') * scale);
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoomTo.current([from, to]);
            },
          ],
        },
      },
      // Wall time on uPlot's time axis is in seconds.
      (time ? [data[0]!.map((x) => x! / 1000), ...data.slice(1)] : data) as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [answer, curve.logY]);

  return (
    <section class="panel" data-testid="curves">
      <h2>
        {metric} of {runIds.length} runs
      </h2>
      <div class="curve-controls">
        <label>
          x{' '}
          <select value={curve.x} onChange={(e) => {
            // A zoom is in the old axis's units: dropped.
            onChange({ ...withoutZoom(curve), x: (e.currentTarget as HTMLSelectElement).value as Curve['x'] });
          }}>
            <option value="step">step</option>
            <option value="wall_time">wall time</option>
            <option value="relative_time">time since start</option>
          </select>
        </label>
        <label>
          smoothing{' '}
          <select value={String(curve.ema ?? '')} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            const { ema: _, ...rest } = curve;
            onChange(v === '' ? rest : { ...rest, ema: Number(v) });
          }}>
            <option value="">none</option>
            <option value="0.6">light (EMA α 0.6)</option>
            <option value="0.3">medium (α 0.3)</option>
            <option value="0.1">strong (α 0.1)</option>
          </select>
        </label>
        <label title="runs that differ only in their seed drawn as one band: the mean ± one standard deviation">
          <input type="checkbox" checked={curve.bands === true} onChange={(e) => onChange({ ...curve, bands: (e.currentTarget as HTMLInputElement).checked })} /> bands over seeds
        </label>
        <label>
          <input type="checkbox" checked={curve.logY} onChange={(e) => onChange({ ...curve, logY: (e.currentTarget as HTMLInputElement).checked })} /> log y
        </label>
        {curve.zoom ? (
          <button type="button" onClick={() => onChange(withoutZoom(curve))}>
            zoom out ({curve.zoom[0]} to {curve.zoom[1]})
          </button>
        ) : (
          <span class="muted">drag across the plot to zoom</span>
        )}
        <span class="muted" data-testid="curve-hover">{hover ? (curve.bands ? hover : `run ${hover}`) : 'hover a line to name it'}</span>
      </div>
      {error && <div class="error" role="alert">{error}</div>}
      <div
        ref={el} class="curve"
        data-runs={answer?.series[0]?.runs.length ?? 0}
        data-buckets={answer?.series[0]?.runs[0]?.x.length ?? 0}
        data-bucket-width={answer?.series[0]?.bucketWidth ?? 0}
        data-max={Math.max(...(answer?.series[0]?.runs ?? []).flatMap((r) => r.max))}
        data-groups={curve.bands ? answer?.series[0]?.groups?.length ?? 0 : 0}
        data-band-width={curve.bands ? Math.max(0, ...(answer?.series[0]?.groups ?? []).flatMap((g) => g.std.filter(Number.isFinite))) : 0}
      />
    </section>
  );
}
