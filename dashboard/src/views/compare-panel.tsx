// The ticked runs side by side (POST /v1/compare): the confound warnings first and in words,
// then the params that differ, each metric's last value with its delta to the first run, the
// per-segment table (each class or split side by side) and the latest artifacts with digests.
import { useEffect, useState } from 'preact/hooks';
import { compareRuns, type CompareAnswer } from '../api.ts';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v));
const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Number(Math.abs(v).toPrecision(3))}`;

export function ComparePanel({ runIds }: { runIds: string[] }) {
  const [answer, setAnswer] = useState<CompareAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setError(null);
    compareRuns(runIds)
      .then((a) => current && setAnswer(a))
      .catch((err: Error) => current && (setError(err.message), setAnswer(null)));
    return () => {
      current = false;
    };
  }, [runIds.join(',')]);
  if (error) return <section class="panel error" role="alert">compare: {error}</section>;
  if (!answer) return <section class="panel muted">comparing…</section>;
  const differing = [...answer.params.filter((p) => p.differs), ...answer.lineage.filter((l) => l.differs)];
  // A segmented series is shown in its per-segment table, not again among the metrics.
  const segmented = new Set(answer.segmentTable.map((t) => t.key));
  const metrics = answer.metrics.filter((m) => m.segment === null || !segmented.has(m.key));
  const header = (first: string) => (
    <thead>
      <tr>
        <th>{first}</th>
        {answer.runs.map((r) => (
          <th key={r.id}>{r.name || r.id}</th>
        ))}
      </tr>
    </thead>
  );
  return (
    <section class="panel" data-testid="compare">
      <h2>
        {answer.runs.length} runs side by side <span class="muted">(deltas against {answer.baseline})</span>
      </h2>
      {answer.warnings.length > 0 && (
        <ul class="warnings" role="alert" data-testid="confounds">
          {answer.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      )}
      <div class="table-scroll">
        <table>
          {header('')}
          <tbody>
            {differing.map((row) => (
              <tr key={row.key}>
                <td>{row.key}</td>
                {row.values.map((v, i) => (
                  <td key={i} class="num">{show(v)}</td>
                ))}
              </tr>
            ))}
            {metrics.map((m) => (
              <tr key={`${m.key}[${m.segment ?? ''}]`}>
                <td>
                  {m.key}
                  {m.segment ? `[${m.segment}]` : ''} (last)
                </td>
                {m.values.map((v, i) => (
                  <td key={i} class="num">
                    {show(v?.last)}
                    {i > 0 && m.deltas[i] ? <span class="muted"> {signed(m.deltas[i]!.last)}</span> : ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {answer.segmentTable.map((t) => (
        <div class="table-scroll" key={t.key} data-testid="segment-table">
          <table>
            {header(`${t.key} (last) per segment`)}
            <tbody>
              {t.rows.map((row) => (
                <tr key={row.segment}>
                  <td>{row.segment}</td>
                  {row.last.map((v, i) => (
                    <td key={i} class="num">
                      {show(v)}
                      {i > 0 && row.deltaLast[i] !== null && row.deltaLast[i] !== undefined ? <span class="muted"> {signed(row.deltaLast[i]!)}</span> : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {answer.artifacts.length > 0 && (
        <div class="table-scroll" data-testid="compare-artifacts">
          <table>
            {header('latest artifacts (digest)')}
            <tbody>
              {answer.artifacts.map((a) => (
                <tr key={a.key} class={a.differs ? 'differs' : ''}>
                  <td>
                    {a.key}
                    {a.differs ? <span class="muted"> (differs)</span> : ''}
                  </td>
                  {a.values.map((v, i) => (
                    <td key={i} class="run-id" title={v?.uri ?? ''}>
                      {v ? v.digest : '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
