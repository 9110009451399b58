// Parallel coordinates of a /v1/sweeps/parallel answer, drawn on canvases of our own. ECharts
// took 1.2 s here to draw 100,000 runs and redrew every line before a brush reached the table;
// this draws the lines a chunk per frame (one path per colour and few dozen lines), and a brush
// reaches the table before the lines are redrawn. Two layers: the lines (costly: redrawn when
// the data, the size or the runs kept change) and the axes with ticks, names, brushes and the
// target's colour bar (cheap: redrawn while dragging). Dragging along an axis brushes it, a
// click on an axis clears its brush; brushes are reported in the API's terms (a value range, or
// the categories kept) by parallel-geometry.ts, which owns every position and colour.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ParallelAnswer } from '../api.ts';
import type { Brush } from '../url-state.ts';
import { axisTicks, brushOf, brushSpan, rowColours, TARGET_STOPS, tickLabel, toUnit } from '../parallel-geometry.ts';
import { targetAxis } from '../runs-model.ts';

interface Props {
  data: ParallelAnswer;
  brushes: Brush[];
  /** Row indexes the brushes keep (every row when there is no brush). */
  kept: readonly number[];
  onBrush: (brushes: Brush[]) => void;
  /** Called once the last line is drawn, with the milliseconds since the data arrived. */
  onDrawn?: (ms: number) => void;
}

const MARGIN = { left: 70, right: 140, top: 50, bottom: 30 };
/** Lines drawn per animation frame: the page stays responsive while 100,000 are drawn. */
const CHUNK_ROWS = 50_000;
/** Lines per stroke: a stroke's own overlaps do not add up, so dense regions need several. */
const LINES_PER_STROKE = 64;
/** The performance mark set when the lines of new data are all drawn. */
export const DRAWN_MARK = 'runlens:parallel-drawn';
/** How close to an axis (px) a drag starts a brush. */
const GRAB_PX = 14;

interface Layout {
  width: number;
  height: number;
  xs: number[];
  top: number;
  bottom: number;
}

function layoutOf(width: number, height: number, dims: number): Layout {
  const span = width - MARGIN.left - MARGIN.right;
  return { width, height, xs: Array.from({ length: dims }, (_, k) => MARGIN.left + (dims > 1 ? (k * span) / (dims - 1) : 0)), top: MARGIN.top, bottom: height - MARGIN.bottom };
}

const yOf = (l: Layout, u: number) => l.bottom - u * (l.bottom - l.top);
const unitOf = (l: Layout, y: number) => (l.bottom - y) / (l.bottom - l.top);

function sized(canvas: HTMLCanvasElement, l: Layout): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(l.width * dpr);
  canvas.height = Math.round(l.height * dpr);
  canvas.style.width = `${l.width}px`;
  canvas.style.height = `${l.height}px`;
  const g = canvas.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return g;
}

const fit = (text: string, room: number) => (text.length * 6 <= room ? text : `${text.slice(0, Math.max(1, Math.floor(room / 6) - 1))}…`);

/** Axes, ticks, names, brushes (and the one being dragged) and the colour bar of a numeric target. */
function drawOverlay(g: CanvasRenderingContext2D, l: Layout, data: ParallelAnswer, brushes: Brush[], drag: { dim: number; y0: number; y1: number } | null): void {
  g.clearRect(0, 0, l.width, l.height);
  g.font = '11px system-ui, sans-serif';
  const room = l.xs.length > 1 ? l.xs[1]! - l.xs[0]! - 8 : 120;
  data.axes.forEach((axis, k) => {
    const x = l.xs[k]!;
    const brush = brushes.find((b) => b.field === axis.field);
    const span = brush ? brushSpan(axis, brush) : null;
    if (span) {
      g.fillStyle = 'rgba(69, 117, 180, 0.18)';
      g.strokeStyle = '#4575b4';
      g.fillRect(x - 8, yOf(l, span[1]), 16, yOf(l, span[0]) - yOf(l, span[1]));
      g.strokeRect(x - 8, yOf(l, span[1]), 16, yOf(l, span[0]) - yOf(l, span[1]));
    }
    g.strokeStyle = '#6b7683';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(x + 0.5, l.top);
    g.lineTo(x + 0.5, l.bottom);
    g.stroke();
    g.fillStyle = '#1d232b';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const [u, text] of axisTicks(axis)) {
      const y = yOf(l, u);
      g.fillRect(x - 4, Math.round(y), 4, 1);
      g.fillText(fit(text, 60), x - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'bottom';
    g.font = 'bold 11px system-ui, sans-serif';
    g.fillText(fit(axis.name + (axis.scale === 'log' ? ' (log)' : ''), room), x, l.top - 14);
    g.font = '11px system-ui, sans-serif';
  });
  if (drag) {
    const x = l.xs[drag.dim]!;
    g.setLineDash([3, 3]);
    g.strokeStyle = '#1d232b';
    g.strokeRect(x - 9, Math.min(drag.y0, drag.y1), 18, Math.abs(drag.y1 - drag.y0));
    g.setLineDash([]);
  }
  const t = targetAxis(data);
  const target = t >= 0 ? data.axes[t]! : undefined;
  if (target && target.scale !== 'categorical' && target.min !== undefined && target.max !== undefined) {
    const x = l.width - MARGIN.right + 60;
    const height = Math.min(240, l.bottom - l.top);
    const gradient = g.createLinearGradient(0, l.top + height, 0, l.top);
    TARGET_STOPS.forEach((c, i) => gradient.addColorStop(i / (TARGET_STOPS.length - 1), c));
    g.fillStyle = gradient;
    g.fillRect(x, l.top, 14, height);
    g.fillStyle = '#1d232b';
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    g.fillText(tickLabel(target.max), x + 18, l.top);
    g.fillText(tickLabel(target.min), x + 18, l.top + height);
  }
}

export function ParallelChart({ data, brushes, kept, onBrush, onDrawn }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const linesCanvas = useRef<HTMLCanvasElement>(null);
  const overlayCanvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ dim: number; y0: number; y1: number } | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const arrived = useMemo(() => performance.now(), [data]);
  const reportedDrawn = useRef(false);
  const layout = size ? layoutOf(size.width, size.height, data.axes.length) : null;

  /** Each axis's positions (NaN where a run has no value), and the rows grouped by colour. */
  const geometry = useMemo(() => {
    reportedDrawn.current = false;
    const units = data.axes.map((axis, k) => {
      const column = data.values[k]!;
      const out = new Float32Array(data.rows);
      for (let i = 0; i < data.rows; i++) out[i] = column[i] === null || column[i] === undefined ? NaN : toUnit(axis, column[i]!);
      return out;
    });
    const { colours, index } = rowColours(data, targetAxis(data));
    // Counting sort by colour: a chunk of rows then switches colour a few times only.
    const starts = new Uint32Array(colours.length + 1);
    for (let i = 0; i < data.rows; i++) starts[index[i]! + 1]!++;
    for (let c = 1; c <= colours.length; c++) starts[c]! += starts[c - 1]!;
    const order = new Uint32Array(data.rows);
    const next = starts.slice(0, colours.length);
    for (let i = 0; i < data.rows; i++) order[next[index[i]!]!++] = i;
    return { units, colours, index, order };
  }, [data]);

  const keptMask = useMemo(() => {
    if (brushes.length === 0) return null;
    const mask = new Uint8Array(data.rows);
    for (const i of kept) mask[i] = 1;
    return mask;
  }, [data, kept, brushes.length > 0]);

  useEffect(() => {
    const el = box.current!;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // The lines, a chunk per frame: with brushes, the runs left out first in grey, then the kept ones.
  useEffect(() => {
    if (!layout) return;
    const g = sized(linesCanvas.current!, layout);
    const { units, colours, index, order } = geometry;
    const dense = data.rows > 5_000;
    const passes = keptMask
      ? [{ keep: 0, alpha: dense ? 0.02 : 0.05, grey: true }, { keep: 1, alpha: dense ? 0.25 : 0.6, grey: false }]
      : [{ keep: -1, alpha: dense ? 0.08 : 0.35, grey: false }];
    g.lineWidth = dense ? 0.6 : 1;
    let pass = 0;
    let from = 0;
    let frame = 0;
    const trace = (i: number) => {
      let pen = false;
      for (let k = 0; k < units.length; k++) {
        const u = units[k]![i]!;
        if (Number.isNaN(u)) {
          pen = false;
          continue;
        }
        const y = yOf(layout, u);
        if (pen) g.lineTo(layout.xs[k]!, y);
        else g.moveTo(layout.xs[k]!, y);
        pen = true;
      }
    };
    /** Rows of one pass, [from, to) of the colour order. */
    const drawRows = (to: number) => {
      const { keep, alpha, grey } = passes[pass]!;
      g.globalAlpha = alpha;
      let colour = -1;
      let inStroke = 0;
      g.beginPath();
      for (let p = from; p < to; p++) {
        const i = order[p]!;
        if (keep >= 0 && keptMask![i] !== keep) continue;
        const c = grey ? 0 : index[i]!;
        if (c !== colour || inStroke >= LINES_PER_STROKE) {
          if (inStroke > 0) g.stroke();
          g.beginPath();
          inStroke = 0;
          if (c !== colour) g.strokeStyle = grey ? '#9aa3ad' : colours[c]!;
          colour = c;
        }
        trace(i);
        inStroke++;
      }
      if (inStroke > 0) g.stroke();
    };
    // CHUNK_ROWS rows a frame, across passes: a small sweep is drawn, brushed or not, in one frame.
    const drawFrame = () => {
      let budget = CHUNK_ROWS;
      while (budget > 0 && pass < passes.length) {
        const to = Math.min(data.rows, from + budget);
        drawRows(to);
        budget -= to - from;
        from = to;
        if (from >= data.rows) {
          from = 0;
          pass++;
        }
      }
      if (pass < passes.length) frame = requestAnimationFrame(drawFrame);
      else if (!reportedDrawn.current) {
        reportedDrawn.current = true;
        // For the benchmark and devtools: when the lines were done, from the page's navigation.
        performance.mark(DRAWN_MARK);
        onDrawn?.(performance.now() - arrived);
      }
    };
    g.clearRect(0, 0, layout.width, layout.height);
    frame = requestAnimationFrame(drawFrame);
    return () => cancelAnimationFrame(frame);
  }, [geometry, keptMask, layout?.width, layout?.height]);

  useEffect(() => {
    if (layout) drawOverlay(sized(overlayCanvas.current!, layout), layout, data, brushes, drag.current);
  }, [data, brushes, layout?.width, layout?.height]);

  const local = (e: PointerEvent) => {
    const r = overlayCanvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const axisAt = (x: number, y: number) => {
    if (!layout || y < layout.top - 8 || y > layout.bottom + 8) return -1;
    const k = layout.xs.findIndex((ax) => Math.abs(ax - x) <= GRAB_PX);
    return k;
  };
  const clampY = (y: number) => Math.max(layout!.top, Math.min(layout!.bottom, y));
  const redrawOverlay = () => layout && drawOverlay(overlayCanvas.current!.getContext('2d')!, layout, data, brushes, drag.current);

  const onPointerDown = (e: PointerEvent) => {
    const { x, y } = local(e);
    const dim = axisAt(x, y);
    if (dim < 0) return;
    drag.current = { dim, y0: clampY(y), y1: clampY(y) };
    overlayCanvas.current!.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent) => {
    const { x, y } = local(e);
    if (!drag.current) {
      overlayCanvas.current!.style.cursor = axisAt(x, y) >= 0 ? 'ns-resize' : 'default';
      return;
    }
    drag.current.y1 = clampY(y);
    redrawOverlay();
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (!d || !layout) return;
    const axis = data.axes[d.dim]!;
    const rest = brushes.filter((b) => b.field !== axis.field);
    const brush = Math.abs(d.y1 - d.y0) < 3 ? null : brushOf(axis, unitOf(layout, d.y0), unitOf(layout, d.y1));
    if (brush || rest.length !== brushes.length) onBrush(brush ? [...rest, brush] : rest);
    else redrawOverlay();
  };

  return (
    <div class="parallel" ref={box} data-testid="parallel" role="img" aria-label={`parallel coordinates of ${data.rows.toLocaleString('en-US')} ${data.rowKind === 'group' ? 'groups' : 'runs'}; drag along an axis to brush it, click it to clear`}>
      <canvas ref={linesCanvas} />
      <canvas ref={overlayCanvas} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={() => ((drag.current = null), redrawOverlay())} />
    </div>
  );
}
