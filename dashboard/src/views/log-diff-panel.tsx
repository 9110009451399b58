// Two compared runs' console output line by line (POST /v1/logs/diff): the first ticked run
// against another (the second by default, any ticked one by choice), the API's sentence, and the
// lines around the first divergence with that line highlighted; numbers (timings, losses) may be
// ignored so that only lines saying something else count.
import { logDiff } from '../api.ts';
import { Status, useAnswer } from './artifact-common.tsx';

export function LogDiffPanel({ runIds, other, ignoreDigits, onChange }: { runIds: string[]; other: string | undefined; ignoreDigits: boolean; onChange: (other: string | undefined, ignoreDigits: boolean) => void }) {
  const a = runIds[0]!;
  const b = other !== undefined && other !== a && runIds.includes(other) ? other : runIds[1]!;
  const asked = useAnswer(() => logDiff(a, b, ignoreDigits), `${a}\n${b}\n${ignoreDigits}`);
  const d = asked.answer;
  const first = d?.firstDivergence?.seq;
  return (
    <section class="artifact" data-testid="log-diff">
      <h3 class="part">Console: {a} against {b}</h3>
      <div class="curve-controls">
        {runIds.length > 2 && (
          <label>
            diff with{' '}
            <select value={b} aria-label="diff the console with" onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value, ignoreDigits)}>
              {runIds.slice(1).map((id) => <option key={id} value={id}>{id}</option>)}
            </select>
          </label>
        )}
        <label title="lines that differ only in their numbers (timings, losses) count as the same">
          <input type="checkbox" checked={ignoreDigits} onChange={(e) => onChange(other, (e.currentTarget as HTMLInputElement).checked)} /> ignore numbers
        </label>
      </div>
      <Status asked={asked} what="console diff" />
      {d && (
        <>
          <p class="sentence" data-testid="log-diff-sentence">{d.sentence}</p>
          {d.rows.length > 0 && (
            <div class="table-scroll">
              <table class="log-diff">
                <thead>
                  <tr><th>line</th><th>{d.a}</th><th>{d.b}</th></tr>
                </thead>
                <tbody>
                  {d.rows.map((r) => (
                    <tr key={r.seq} data-seq={r.seq} class={r.seq === first ? 'diverges' : r.same ? '' : 'line-differs'} data-testid={r.seq === first ? 'first-divergence' : undefined}>
                      <td class="num">{r.seq}</td>
                      <td class="log-text">{r.a ?? <span class="muted">(no line)</span>}</td>
                      <td class="log-text">{r.b ?? <span class="muted">(no line)</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
