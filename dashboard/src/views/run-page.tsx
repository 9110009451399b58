// One run (/ui/runs/<id>, GET /v1/runs/:id): status and times, params (those set after start
// marked), lineage, metric summaries per segment, artifacts with their digests, tags; each
// metric links to its curve in the sweep view; the run's last console lines (run-logs-panel.tsx).
import { useEffect, useState } from 'preact/hooks';
import { getRun, type RunDetail } from '../api.ts';
import { encodeState, decodeState, type ViewState } from '../url-state.ts';
import { RunLogsPanel } from './run-logs-panel.tsx';

const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5))));
const bytes = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

function Rows({ rows }: { rows: [string, string][] }) {
  return (
    <table class="kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunPage({ id, logs, onLogs }: { id: string; logs: ViewState['logs']; onLogs: (l: ViewState['logs']) => void }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getRun(id).then(setRun, (err: Error) => setError(err.message));
  }, [id]);
  if (error) return <main><div class="error" role="alert">{error}</div></main>;
  if (!run) return <main class="muted">loading run {id}…</main>;
  const curveLink = (key: string, segment: string | null) => {
    const state = { ...decodeState(''), ...(run.sweepId ? { sweep: run.sweepId } : { experiment: run.experiment }), selected: [run.id] };
    return `/ui/?${encodeState({ ...state, curve: { ...state.curve, metric: segment ? `${key}[${segment}]` : key } })}`;
  };
  const env = run.lineage.environment;
  return (
    <main data-testid="run-page">
      <h1 class="run-title">
        {run.name || run.id} <span class={`status ${run.status}`}>{run.status}</span>
        {run.deleted && <span class="status deleted">deleted</span>}
      </h1>
      <p class="muted">
        {run.id} · experiment {run.experiment || '—'}
        {run.sweepId ? ` · sweep ${run.sweepId}` : ''} · started {run.startedAt}
        {run.durationMs !== null ? ` · ran ${(run.durationMs / 1000).toFixed(0)} s` : ''}
        {run.user ? ` · by ${run.user}` : ''}
      </p>
      <div class="columns">
        <section class="panel">
          <h2>Params</h2>
          <Rows rows={Object.entries(run.params).map(([k, v]) => [k, `${String(v)}${run.paramsSetAfterStart[k] ? ` (set after start${run.paramsSetAfterStart[k]!.step !== null ? `, step ${run.paramsSetAfterStart[k]!.step}` : ''})` : ''}`])} />
        </section>
        <section class="panel">
          <h2>Lineage</h2>
          <Rows
            rows={[
              ['git commit', `${run.lineage.gitCommit ?? '—'}${run.lineage.gitDirty ? ' (dirty)' : ''}`],
              ['data version', run.lineage.dataVersion ?? '—'],
              ['seed', run.lineage.seed === null ? '—' : String(run.lineage.seed)],
              ['environment', `${env.language} ${env.languageVersion}`.trim() || '—'],
              ['hardware', env.hardware ?? '—'],
              ['host', run.lineage.host ?? '—'],
              ['parent run', run.lineage.parentRunId ?? '—'],
              ...Object.entries(env.libraries).map(([name, version]): [string, string] => [name, version]),
            ]}
          />
        </section>
      </div>
      <section class="panel">
        <h2>Metrics</h2>
        <table data-testid="run-metrics">
          <thead>
            <tr>
              <th>metric</th>
              <th>segment</th>
              <th>last</th>
              <th>min</th>
              <th>max</th>
              <th>mean</th>
              <th>points</th>
              <th>last step</th>
            </tr>
          </thead>
          <tbody>
            {run.metrics.map((m) => (
              <tr key={`${m.key}[${m.segment ?? ''}]`}>
                <td>
                  <a href={curveLink(m.key, m.segment)}>{m.key}</a>
                </td>
                <td>{m.segment ?? ''}</td>
                <td class="num">{num(m.last)}</td>
                <td class="num">{num(m.min)}</td>
                <td class="num">{num(m.max)}</td>
                <td class="num">{num(m.mean)}</td>
                <td class="num">{m.count}</td>
                <td class="num">{m.lastStep}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {run.artifacts.length > 0 && (
        <section class="panel">
          <h2>Artifacts</h2>
          <table>
            <thead>
              <tr>
                <th>name</th>
                <th>kind</th>
                <th>uri</th>
                <th>digest</th>
                <th>size</th>
                <th>step</th>
              </tr>
            </thead>
            <tbody>
              {run.artifacts.map((a) => (
                <tr key={`${a.name}@${a.step}`}>
                  <td>{a.name}</td>
                  <td>{a.kind}</td>
                  <td>{a.uri}</td>
                  <td class="run-id">{a.digest}</td>
                  <td class="num">{bytes(a.sizeBytes)}</td>
                  <td class="num">{a.step ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <RunLogsPanel runId={run.id} logs={logs} onChange={onLogs} />
      {Object.keys(run.tags).length > 0 && (
        <section class="panel">
          <h2>Tags</h2>
          <Rows rows={Object.entries(run.tags)} />
        </section>
      )}
    </main>
  );
}
