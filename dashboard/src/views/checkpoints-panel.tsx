// The compared runs' checkpoints (POST /v1/artifacts/checkpoints): the digests several runs share
// (identical weights, e.g. one initialisation) in words, then each run's checkpoints by name and
// step with the shared ones marked.
import { checkpoints } from '../api.ts';
import { Status, useAnswer } from './artifact-common.tsx';

const short = (digest: string) => (digest.length > 24 ? `${digest.slice(0, 22)}…` : digest);

export function CheckpointsPanel({ runIds }: { runIds: string[] }) {
  const asked = useAnswer(() => checkpoints(runIds), runIds.join(','));
  const a = asked.answer;
  const shared = new Set(a?.shared.map((s) => s.digest));
  const any = a?.runs.some((r) => r.checkpoints.length > 0);
  return (
    <section class="artifact" data-testid="checkpoints">
      <h3 class="part">Checkpoints</h3>
      <Status asked={asked} what="checkpoints" />
      {a && !any && <p class="muted">none of these runs logged a checkpoint</p>}
      {a && any && (
        <>
          {a.shared.length === 0 ? (
            <p class="muted">no two runs share a checkpoint</p>
          ) : (
            <ul class="shared" data-testid="shared-checkpoints">
              {a.shared.map((s) => (
                <li key={s.digest} data-digest={s.digest}>
                  <span class="run-id" title={s.digest}>{short(s.digest)}</span> is the same in {s.runIds.join(', ')}
                </li>
              ))}
            </ul>
          )}
          <div class="table-scroll">
            <table>
              <thead>
                <tr><th>run</th><th>checkpoints (name @ step: digest)</th></tr>
              </thead>
              <tbody>
                {a.runs.map((r) => (
                  <tr key={r.runId}>
                    <td>{r.runId}</td>
                    <td>
                      {r.checkpoints.length === 0 ? <span class="muted">—</span> : r.checkpoints.map((c) => (
                        <span key={`${c.name}@${c.step}`} class={`checkpoint${shared.has(c.digest) ? ' shared' : ''}`} title={c.uri}>
                          {c.name}{c.step !== null ? ` @ ${c.step}` : ''}: <span class="run-id">{short(c.digest)}</span>
                        </span>
                      ))}
                    </td>
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
