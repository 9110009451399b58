// Online experiments: the list (/ui/online/) and one experiment (/ui/online/<id>) as the API
// answers it — the sentence, the sample-ratio check (loud when it fails), a row per metric and
// challenger with both intervals and the decision, and the always-valid interval over time for
// each primary metric. The answer is asked again every 10 seconds while the page is live, so the
// interval narrows on screen as traffic arrives.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { onlineAnalysis, onlineExperiments, type OnlineAnswer, type OnlineExperiment } from '../api.ts';
import { onlineRows, pathSeries } from '../online-model.ts';
import { EChart } from './echart.tsx';

const REFRESH_MS = 10_000;

export function OnlineList() {
  const [experiments, setExperiments] = useState<OnlineExperiment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    onlineExperiments().then((r) => setExperiments(r.experiments), (err: Error) => setError(err.message));
  }, []);
  if (error) return <section class="panel error" role="alert">online experiments: {error}</section>;
  if (!experiments) return <section class="panel muted">loading…</section>;
  return (
    <section class="panel" data-testid="online-list">
      <h2>Online experiments</h2>
      {experiments.length === 0 && <p class="muted">None yet: declare one with POST /v1/online/experiments (see the README's "Online A/B tests").</p>}
      <ul>
        {experiments.map((e) => (
          <li key={e.id}>
            <a href={`/ui/online/${encodeURIComponent(e.id)}`}>{e.name}</a> <span class="muted">— {e.model}: {e.variants.map((v) => `${v.name} (v${v.version})`).join(' vs ')}, {e.status}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PathChart({ answer, metric, index }: { answer: OnlineAnswer; metric: OnlineAnswer['metrics'][number]; index: number }) {
  const c = metric.comparisons[index]!;
  const option = useMemo(() => {
    const s = pathSeries(metric.kind, metric.statistic, c);
    const points = (ys: (number | null)[]) => s.at.map((t, i) => [t, ys[i]]);
    return {
      grid: { left: 60, right: 20, top: 20, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: metric.kind === 'binary' ? 'pp' : '', scale: true },
      series: [
        { name: 'always-valid upper', type: 'line', data: points(s.upper), showSymbol: false, lineStyle: { type: 'dashed', color: '#5b7fa6' } },
        { name: 'estimate', type: 'line', data: points(s.estimate), showSymbol: false, lineStyle: { color: '#c0392b' } },
        {
          name: 'always-valid lower', type: 'line', data: points(s.lower), showSymbol: false, lineStyle: { type: 'dashed', color: '#5b7fa6' },
          markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }], lineStyle: { color: '#9aa4ae' } },
        },
      ],
    };
  }, [answer, metric.name, index]);
  return (
    <div class="online-path" data-testid="online-path" data-metric={metric.name} data-looks={c.path.length}>
      <h3>{metric.name}: {c.variant} − {c.control}{metric.kind === 'binary' ? ' (pp)' : ''}, always-valid interval over time</h3>
      {c.path.length === 0 ? <p class="muted">no look yet: each side needs 100 observations</p> : <EChart option={option} height={220} />}
    </div>
  );
}

export function OnlinePage({ id }: { id: string }) {
  const [answer, setAnswer] = useState<OnlineAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [basis, setBasis] = useState<'sequential' | 'fixedHorizon'>('sequential');
  const [live, setLive] = useState(true);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // One request at a time: the next is asked REFRESH_MS after the last answer, so answers never arrive out of order.
    const ask = () =>
      onlineAnalysis(id, basis)
        .then(
          (a) => current && (setAnswer(a), setError(null)),
          (err: Error) => current && setError(err.message),
        )
        .finally(() => {
          if (current && live) timer = setTimeout(ask, REFRESH_MS);
        });
    void ask();
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
  }, [id, basis, live]);
  if (error && !answer) return <section class="panel error" role="alert">online experiment {id}: {error}</section>;
  if (!answer) return <section class="panel muted">analysing…</section>;
  const e = answer.experiment;
  const rows = onlineRows(answer);
  const exposures = Object.values(answer.exposures).reduce((x, y) => x + y, 0);
  return (
    <section class="panel online" data-testid="online-page">
      <h2>{e.name}</h2>
      <p class="muted">
        {e.model}: {e.variants.map((v) => `${v.name} (v${v.version}${v.alias ? `, ${v.alias}` : ''}, ${Math.round(v.weight * 100)}%)`).join(' against ')} · control {e.control} · {e.status} ·{' '}
        {answer.unitsTotal.toLocaleString('en-US')} units ({exposures.toLocaleString('en-US')} exposures) · as of {new Date(answer.window.asOf).toLocaleTimeString()}
      </p>
      <p class="controls">
        <label><input type="radio" name="basis" checked={basis === 'sequential'} onChange={() => setBasis('sequential')} /> sequential (valid however often you look)</label>{' '}
        <label><input type="radio" name="basis" checked={basis === 'fixedHorizon'} onChange={() => setBasis('fixedHorizon')} /> fixed-horizon (read once, at the planned size)</label>{' '}
        <label><input type="checkbox" checked={live} onChange={() => setLive(!live)} /> live (every 10 s)</label>
      </p>
      {error && <p class="error" role="alert" data-testid="refresh-error">The last refresh failed ({error}): this is the answer of {new Date(answer.window.asOf).toLocaleTimeString()}.</p>}
      {answer.srm.mismatch
        ? <p class="error srm" role="alert" data-testid="srm">{answer.srm.message}</p>
        : <p class="muted" data-testid="srm">{answer.srm.message}</p>}
      <p class="sentence" data-testid="online-summary">{answer.summary}</p>
      {answer.warnings.map((w) => <p class="warning" key={w}>⚠ {w}</p>)}
      <table data-testid="online-table">
        <thead>
          <tr><th>metric</th><th>role</th><th>{rows[0]?.control ?? 'control'} (control)</th><th>challenger</th><th>challenger's value</th><th>difference</th><th>fixed-horizon CI</th><th>always-valid CI</th><th>decision</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.metric}/${r.challenger}`} data-metric={r.metric}>
              <td>{r.metric}</td><td>{r.role}</td><td>{r.controlValue}</td><td>{r.challenger}</td><td>{r.challengerValue}</td><td>{r.difference}</td>
              <td>{r.fixedHorizon}</td><td>{r.sequential}</td><td class={r.tone} title={r.notes || undefined}>{r.decision}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.filter((r) => r.notes).map((r) => <p class="warning" key={`note/${r.metric}/${r.challenger}`}>{r.metric}, {r.challenger}: {r.notes}</p>)}
      {answer.metrics.filter((m) => m.role === 'primary' && m.statistic === 'mean').flatMap((m) => m.comparisons.map((_, i) => <PathChart key={`${m.name}/${i}`} answer={answer} metric={m} index={i} />))}
    </section>
  );
}
