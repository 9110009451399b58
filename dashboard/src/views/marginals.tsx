// Every param's marginal effect on the target (POST /v1/sweeps/marginals): per bin of the param
// (a quantile bin, a level or a category), the target's mean and its interval, every other param
// free — small multiples, one per param, on one y scale so their effects compare at a glance.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { marginals, type MarginalsAnswer, type Selection } from '../api.ts';
import { EChart } from './echart.tsx';

function option(effect: MarginalsAnswer['effects'][number], yMin: number, yMax: number) {
  const bins = effect.bins.filter((b) => b.mean !== null);
  return {
    grid: { left: 46, right: 8, top: 8, bottom: 40 },
    xAxis: { type: 'category', data: bins.map((b) => b.label), axisLabel: { fontSize: 9, rotate: 30 } },
    yAxis: { type: 'value', min: yMin, max: yMax, axisLabel: { fontSize: 9 } },
    series: [
      { type: 'line', data: bins.map((b) => b.mean), itemStyle: { color: '#c0392b' }, lineStyle: { width: 2 } },
      { type: 'line', data: bins.map((b) => b.ci?.lower ?? null), symbol: 'none', lineStyle: { type: 'dashed', width: 1, color: '#c0392b' } },
      { type: 'line', data: bins.map((b) => b.ci?.upper ?? null), symbol: 'none', lineStyle: { type: 'dashed', width: 1, color: '#c0392b' } },
    ],
  };
}

export function Marginals({ selection, target }: { selection: Selection; target: string }) {
  const [answer, setAnswer] = useState<MarginalsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    marginals(selection, target).then((a) => current && setAnswer(a), (err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [selection.sweep, selection.experiment, selection.filter, target]);
  const charts = useMemo(() => {
    if (!answer) return [];
    const bounds = answer.effects.flatMap((e) => e.bins.flatMap((b) => [b.ci?.lower, b.ci?.upper, b.mean])).filter((v): v is number => typeof v === 'number');
    const [lo, hi] = [Math.min(...bounds), Math.max(...bounds)];
    const pad = (hi - lo) * 0.05;
    return answer.effects.map((e) => ({ param: e.param, bins: e.bins.filter((b) => b.mean !== null).length, option: option(e, Number((lo - pad).toPrecision(3)), Number((hi + pad).toPrecision(3))) }));
  }, [answer]);
  if (error) return <div class="error" role="alert">{error}</div>;
  if (!answer) return <div class="muted">marginals…</div>;
  return (
    <div>
      <h3>{target} per bin of each param (mean and interval, every other param free)</h3>
      <div class="multiples" data-testid="marginals">
        {charts.map((c) => (
          <div key={c.param} data-marginal={c.param} data-bins={c.bins}>
            <div class="muted">{c.param}</div>
            <EChart option={c.option} height={160} />
          </div>
        ))}
      </div>
    </div>
  );
}
