// PR and ROC curves of several runs on one grid, with the area under each — ROC AUC by the
// trapezoid rule from (0, 0) to (1, 1); for PR the average precision, precision summed over the
// recall gained (scikit-learn's definition) — and each area's delta against a baseline. On the
// grid a ROC curve reads the best true positive rate at or below each false positive rate, a PR
// curve the interpolated precision (the best at or beyond each recall). Pure.

/** A curve's points: x = false positive rate (ROC) or recall (PR), y = true positive rate or precision. */
export interface CurvePoints {
  x: number[];
  y: number[];
}

export function rocAuc(c: CurvePoints): number {
  const pts = c.x.map((x, i) => [x, c.y[i]!] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const all = [[0, 0] as const, ...pts, [1, 1] as const];
  let area = 0;
  for (let i = 1; i < all.length; i++) area += (all[i]![0] - all[i - 1]![0]) * (all[i]![1] + all[i - 1]![1]) / 2;
  return area;
}

export function averagePrecision(c: CurvePoints): number {
  // Recall rising; at one recall the best precision (a lower threshold cannot lower recall).
  const pts = c.x.map((r, i) => [r, c.y[i]!] as const).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let ap = 0;
  let previous = 0;
  for (const [r, p] of pts) {
    if (r > previous) {
      ap += (r - previous) * p;
      previous = r;
    }
  }
  return ap;
}

export const GRID_POINTS = 101;

/** The curve on x = 0, 0.01, …, 1. */
export function onGrid(kind: 'pr' | 'roc', c: CurvePoints): (number | null)[] {
  return Array.from({ length: GRID_POINTS }, (_, g) => {
    const at = g / (GRID_POINTS - 1);
    let best: number | null = kind === 'roc' ? 0 : null;
    for (let i = 0; i < c.x.length; i++) {
      const inside = kind === 'roc' ? c.x[i]! <= at + 1e-12 : c.x[i]! >= at - 1e-12;
      if (inside && (best === null || c.y[i]! > best)) best = c.y[i]!;
    }
    return best;
  });
}

export interface RunCurve {
  runId: string;
  step: number | null;
  /** ROC AUC or average precision. */
  area: number;
  /** area − the baseline's (null for the baseline). */
  delta: number | null;
  grid: (number | null)[];
}

export function compareCurves(kind: 'pr' | 'roc', runs: { runId: string; step: number | null; curve: CurvePoints }[], baseline: number): { measure: 'auc' | 'averagePrecision'; x: number[]; runs: RunCurve[]; sentence: string } {
  const area = kind === 'roc' ? rocAuc : averagePrecision;
  const areas = runs.map((r) => area(r.curve));
  const out = runs.map((r, i) => ({ runId: r.runId, step: r.step, area: areas[i]!, delta: i === baseline ? null : areas[i]! - areas[baseline]!, grid: onGrid(kind, r.curve) }));
  const measure = kind === 'roc' ? 'auc' : 'averagePrecision';
  const name = kind === 'roc' ? 'ROC AUC' : 'average precision';
  const best = out.reduce((b, r) => (r.area > b.area ? r : b), out[0]!);
  const sentence = `${best.runId} has the highest ${name}, ${best.area.toFixed(3)}` + (best.delta !== null ? ` (${best.delta >= 0 ? '+' : '−'}${Math.abs(best.delta).toFixed(3)} against the baseline ${runs[baseline]!.runId})` : ' (the baseline)');
  return { measure, x: Array.from({ length: GRID_POINTS }, (_, g) => g / (GRID_POINTS - 1)), runs: out, sentence };
}
