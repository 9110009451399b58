// What drives the target in the selected runs (POST /v1/sweeps/importance and best-region): each
// param's importance with its bootstrap interval drawn as a bar and whisker, its rank
// correlation, the params flagged insensitive with the reason, the best region in a sentence,
// the slice and contour of the most important params, and every param's marginal effect. Asked for with a button: the forest takes seconds on a large sweep.
import { useEffect, useState } from 'preact/hooks';
import { bestRegion, importance, type BestRegionAnswer, type ImportanceAnswer, type Selection } from '../api.ts';
import { SliceAndContour } from './slice-contour.tsx';
import { Marginals } from './marginals.tsx';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function AnalyticsPanel({ selection, target }: { selection: Selection; target: string }) {
  const [answer, setAnswer] = useState<{ importance: ImportanceAnswer; best: BestRegionAnswer } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setAnswer(null);
    setError(null);
    Promise.all([importance(selection, target), bestRegion(selection, target)])
      .then(([imp, best]) => current && setAnswer({ importance: imp, best }))
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [selection.sweep, selection.experiment, selection.filter, target]);
  if (error) return <section class="panel error" role="alert">analytics: {error}</section>;
  if (!answer) return <section class="panel muted">fitting forests to {target}…</section>;
  const { importance: imp, best } = answer;
  const top = Math.max(...imp.params.map((p) => p.forest.ci.upper), 0.01);
  return (
    <section class="panel" data-testid="analytics">
      <h2>What drives {imp.target}</h2>
      <p class="sentence" data-testid="best-region">{best.sentence}</p>
      <table class="importance">
        <thead>
          <tr>
            <th>param</th>
            <th>importance ({Math.round(100 * (imp.params[0]?.forest.ci.confidence ?? 0.95))}% interval)</th>
            <th>Spearman ρ</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {imp.params.map((p) => (
            <tr key={p.param} data-param={p.param} class={p.insensitive ? 'insensitive' : ''}>
              <td>{p.param}</td>
              <td class="bar-cell" title={`${pct(p.forest.importance)} (${pct(p.forest.ci.lower)} to ${pct(p.forest.ci.upper)})`}>
                {/* A permutation importance can come out below 0 (noise): drawn from 0. */}
                <div class="bar" style={{ width: `${(100 * Math.max(0, p.forest.importance)) / top}%` }} />
                <div class="whisker" style={{ left: `${(100 * Math.max(0, p.forest.ci.lower)) / top}%`, width: `${(100 * Math.max(0, p.forest.ci.upper - Math.max(0, p.forest.ci.lower))) / top}%` }} />
                <span>{pct(p.forest.importance)}</span>
              </td>
              <td class="num">{p.spearman.rho === null ? '—' : p.spearman.rho.toFixed(2)}</td>
              <td class="muted">{p.insensitive ? `insensitive: ${p.reason}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SliceAndContour selection={selection} target={target} params={imp.params.filter((p) => !p.insensitive).slice(0, 2).map((p) => p.param)} />
      <Marginals selection={selection} target={target} />
      <p class="muted">
        {imp.runsUsed.toLocaleString('en-US')} runs with the target{imp.forest.oobR2 ? `; the forest explains ${pct(imp.forest.oobR2.mean)} of its variance out of bag` : ''}
      </p>
    </section>
  );
}
