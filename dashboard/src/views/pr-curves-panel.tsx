// PR or ROC curves of the compared runs (POST /v1/artifacts/curves) on the API's one grid of x
// from 0 to 1 (a PR curve as interpolated precision), an ECharts line per run; the legend gives
// each run's average precision or AUC and its delta against the baseline, under the API's sentence.
import { useMemo } from 'preact/hooks';
import { artifactCurves, type ArtifactCurvesAnswer } from '../api.ts';
import { ARTIFACT_DEFAULTS } from '../url-state.ts';
import { EChart } from './echart.tsx';
import { fixed, hue, NameBox, signed, Status, useAnswer } from './artifact-common.tsx';

function chart(a: ArtifactCurvesAnswer): Record<string, unknown> {
  const pr = a.kind === 'prCurve';
  const axis = (name: string) => ({ type: 'value', min: 0, max: 1, name, nameLocation: 'middle', nameGap: 28 });
  return {
    grid: { left: 56, right: 16, top: 12, bottom: 44 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => fixed(v) },
    xAxis: axis(pr ? 'recall' : 'false positive rate'),
    yAxis: axis(pr ? 'precision (interpolated)' : 'true positive rate'),
    series: a.runs.map((r, k) => ({
      type: 'line', name: r.runId, showSymbol: false, connectNulls: false, lineStyle: { width: 1.6 }, color: hue(k),
      data: a.x.map((x, i) => [x, r.grid[i] ?? null]),
    })),
  };
}

export function PrCurvesPanel({ runIds, name, onChange }: { runIds: string[]; name: string | undefined; onChange: (name: string | undefined) => void }) {
  const shown = name ?? ARTIFACT_DEFAULTS.curve;
  const asked = useAnswer(() => artifactCurves(runIds, shown), `${runIds.join(',')}\n${shown}`);
  const a = asked.answer;
  const option = useMemo(() => (a ? chart(a) : null), [a]);
  const measure = a?.measure === 'auc' ? 'ROC AUC' : 'average precision';
  return (
    <section class="artifact" data-testid="pr-curves">
      <h3 class="part">{a?.kind === 'rocCurve' ? 'ROC curves' : 'PR curves'}</h3>
      <div class="curve-controls">
        <NameBox label="curve" value={name} placeholder={ARTIFACT_DEFAULTS.curve} onChange={onChange} />
      </div>
      <Status asked={asked} what={`curve "${shown}"`} />
      {a && option && (
        <>
          <p class="sentence" data-testid="pr-sentence">{a.sentence}</p>
          <div class="chart-with-legend">
            <EChart option={option} height={300} testId="pr-chart" />
            <table class="legend" data-testid="pr-legend">
              <thead>
                <tr><th /><th>run</th><th>{measure}</th><th>Δ</th></tr>
              </thead>
              <tbody>
                {a.runs.map((r, k) => (
                  <tr key={r.runId} data-run={r.runId} data-area={r.area}>
                    <td><span class="swatch" style={{ background: hue(k) }} /></td>
                    <td>{r.runId}{r.runId === a.baseline ? <span class="muted"> (baseline)</span> : ''}</td>
                    <td class="num area">{fixed(r.area)}</td>
                    <td class="num delta">{r.delta === null ? '' : signed(r.delta)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
