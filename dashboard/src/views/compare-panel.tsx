// The ticked runs side by side (POST /v1/compare): the confound warnings first and in words,
// then the params that differ and each metric's last value with its delta to the first run.
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
          <thead>
            <tr>
              <th />
              {answer.runs.map((r) => (
                <th key={r.id}>{r.name || r.id}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {differing.map((row) => (
              <tr key={row.key}>
                <td>{row.key}</td>
                {row.values.map((v, i) => (
                  <td key={i} class="num">{show(v)}</td>
                ))}
              </tr>
            ))}
            {answer.metrics.map((m) => (
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
    </section>
  );
}
