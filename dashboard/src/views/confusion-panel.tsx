// Confusion matrices of the compared runs (POST /v1/artifacts/confusion): a heatmap per run
// (counts, or rates by actual class), and for every run but the baseline (the first ticked) the
// API's sentence, a heatmap of its change against the baseline, and its per-class precision,
// recall and F1 deltas — a recall change beyond sampling noise marked ●.
import { useMemo } from 'preact/hooks';
import { confusion, type ConfusionAnswer } from '../api.ts';
import { ARTIFACT_DEFAULTS } from '../url-state.ts';
import { EChart } from './echart.tsx';
import { fixed, NameBox, signed, Status, useAnswer } from './artifact-common.tsx';

type Run = ConfusionAnswer['runs'][number];

const cellText = (v: number, rates: boolean) => (rates ? v.toFixed(2) : String(Number(v.toPrecision(4))));

/** A heatmap of matrix[actual][predicted]; with `delta`, diverging around 0 (red: more often than the baseline). */
function heatmap(labels: string[], matrix: number[][], rates: boolean, delta: boolean): Record<string, unknown> {
  const data = matrix.flatMap((row, a) => row.map((v, p) => [p, a, v]));
  const values = matrix.flat();
  const top = Math.max(1e-9, ...values.map(Math.abs));
  const many = labels.length > 12;
  const axis = (name: string, inverse: boolean) => ({
    type: 'category', data: labels, name, nameLocation: 'middle', nameGap: name === 'actual' ? 56 : 36, inverse, splitArea: { show: true },
    axisLabel: { interval: 0, rotate: name === 'predicted' && labels.length > 5 ? 40 : 0, fontSize: many ? 9 : 11, width: 50, overflow: 'truncate' },
  });
  return {
    grid: { left: 64, right: 8, top: 8, bottom: 52 },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        `actual ${labels[p.value[1]]}, predicted ${labels[p.value[0]]}: ${delta ? signed(p.value[2], rates ? 3 : 0) : cellText(p.value[2], rates)}`,
    },
    xAxis: axis('predicted', false),
    yAxis: axis('actual', true),
    visualMap: { show: false, min: delta ? -top : 0, max: top, inRange: { color: delta ? ['#2166ac', '#f7f7f7', '#b2182b'] : ['#f7fbff', '#6baed6', '#08306b'] } },
    series: [{
      type: 'heatmap', data,
      label: { show: !many, fontSize: 10, formatter: (p: { value: [number, number, number] }) => (delta ? (p.value[2] === 0 ? '' : signed(p.value[2], rates ? 2 : 0)) : cellText(p.value[2], rates)) },
    }],
  };
}

const chartHeight = (labels: string[]) => Math.min(560, 110 + 26 * labels.length);

function ClassTable({ run, base }: { run: Run; base: Run }) {
  const vs = run.vsBaseline!;
  return (
    <div class="table-scroll class-table">
      <table data-testid="confusion-classes" data-run={run.runId}>
        <thead>
          <tr>
            <th>class</th><th>support</th><th>precision</th><th>Δ</th><th>recall</th><th>Δ</th><th>F1</th><th>Δ</th><th title="two-proportion z-test of the class's recall against the baseline's">p (recall)</th>
          </tr>
        </thead>
        <tbody>
          {run.classes.map((c, k) => {
            const d = vs.classes[k]!;
            const beyond = d.withinNoise === false;
            return (
              <tr key={c.label} data-class={c.label} data-beyond-noise={beyond ? '1' : '0'} class={beyond ? 'beyond-noise' : ''}>
                <td>{c.label}</td>
                <td class="num">{c.support}</td>
                <td class="num">{fixed(c.precision)}</td>
                <td class="num delta">{signed(d.precision)}</td>
                <td class="num">{fixed(c.recall)}</td>
                <td class="num delta">
                  {signed(d.recall)}
                  {beyond && <span class="noise-mark" title={`beyond sampling noise against ${base.runId}`}> ●</span>}
                </td>
                <td class="num">{fixed(c.f1)}</td>
                <td class="num delta">{signed(d.f1)}</td>
                <td class="num">{d.pValue === null ? '—' : d.pValue < 0.0001 ? '<0.0001' : d.pValue.toFixed(4)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RunRow({ run, base, labels, rates }: { run: Run; base: Run; labels: string[]; rates: boolean }) {
  const matrix = useMemo(() => heatmap(labels, run.matrix, rates, false), [run, labels, rates]);
  const delta = useMemo(() => (run.vsBaseline ? heatmap(labels, run.vsBaseline.cells, rates, true) : null), [run, labels, rates]);
  const height = chartHeight(labels);
  return (
    <div class="confusion-row" data-run={run.runId}>
      <div>
        <h3>
          {run.runId} <span class="muted">accuracy {fixed(run.accuracy)}{run.step !== null ? ` · step ${run.step}` : ''}</span>
        </h3>
        <EChart option={matrix} height={height} testId="confusion-heatmap" />
      </div>
      {delta ? (
        <div>
          <h3>change against {base.runId} <span class="muted">(red: more often)</span></h3>
          <EChart option={delta} height={height} testId="confusion-delta" />
        </div>
      ) : (
        <div class="muted baseline-note">the baseline: the other runs are compared with it</div>
      )}
      {run.vsBaseline && (
        <div>
          <p class="sentence" data-testid="confusion-sentence" data-run={run.runId}>{run.vsBaseline.sentence}</p>
          <ClassTable run={run} base={base} />
        </div>
      )}
    </div>
  );
}

export function ConfusionPanel({ runIds, name, normalize, onChange }: { runIds: string[]; name: string | undefined; normalize: boolean; onChange: (name: string | undefined, normalize: boolean) => void }) {
  const shown = name ?? ARTIFACT_DEFAULTS.confusion;
  const asked = useAnswer(() => confusion(runIds, shown, normalize), `${runIds.join(',')}\n${shown}\n${normalize}`);
  const answer = asked.answer;
  return (
    <section class="artifact" data-testid="confusion">
      <h3 class="part">Confusion matrices</h3>
      <div class="curve-controls">
        <NameBox label="table" value={name} placeholder={ARTIFACT_DEFAULTS.confusion} onChange={(n) => onChange(n, normalize)} />
        <label>
          <input type="checkbox" checked={normalize} onChange={(e) => onChange(name, (e.currentTarget as HTMLInputElement).checked)} /> normalised by actual class
        </label>
      </div>
      <Status asked={asked} what={`confusion matrix "${shown}"`} />
      {answer && answer.runs.map((run) => <RunRow key={run.runId} run={run} base={answer.runs.find((r) => r.runId === answer.baseline)!} labels={answer.labels} rates={answer.normalized} />)}
    </section>
  );
}
