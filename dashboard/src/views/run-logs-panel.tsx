// A run's console on its page (GET /v1/runs/:id/logs): the last lines, of the levels ticked
// (none: every level), holding a text; each line with its number, time, level and stream.
import { runLogs } from '../api.ts';
import type { ViewState } from '../url-state.ts';
import { NameBox, Status, useAnswer } from './artifact-common.tsx';

type Logs = ViewState['logs'];

const LEVELS = ['debug', 'info', 'warning', 'error'] as const;
const TAILS = [20, 100, 500, 2000];

export function RunLogsPanel({ runId, logs, onChange }: { runId: string; logs: Logs; onChange: (l: Logs) => void }) {
  const asked = useAnswer(() => runLogs(runId, logs), `${runId}\n${logs.tail}\n${logs.levels.join(',')}\n${logs.search ?? ''}`);
  const lines = asked.answer?.lines;
  const tick = (level: string, on: boolean) => onChange({ ...logs, levels: on ? LEVELS.filter((l) => l === level || logs.levels.includes(l)) : logs.levels.filter((l) => l !== level) });
  return (
    <section class="panel" data-testid="run-logs">
      <h2>Console</h2>
      <div class="curve-controls">
        <label>
          last{' '}
          <select value={String(logs.tail)} aria-label="last lines" onChange={(e) => onChange({ ...logs, tail: Number((e.currentTarget as HTMLSelectElement).value) })}>
            {[...new Set([...TAILS, logs.tail])].sort((x, y) => x - y).map((n) => <option key={n} value={String(n)}>{n}</option>)}
          </select>{' '}
          lines
        </label>
        <span>
          {LEVELS.map((level) => (
            <label key={level} class="level-box">
              <input type="checkbox" checked={logs.levels.includes(level)} onChange={(e) => tick(level, (e.currentTarget as HTMLInputElement).checked)} /> {level}
            </label>
          ))}
          <span class="muted"> (none ticked: every level)</span>
        </span>
        <NameBox label="holding" value={logs.search} placeholder="any text" wide onChange={(search) => onChange({ ...logs, search })} />
      </div>
      <Status asked={asked} what="console" />
      {lines && lines.length === 0 && <p class="muted">no console lines{logs.levels.length > 0 || logs.search ? ' match' : ' logged'}</p>}
      {lines && lines.length > 0 && (
        <div class="table-scroll console">
          <table class="log-lines" data-testid="log-lines">
            <tbody>
              {lines.map((l) => (
                <tr key={`${l.stream}:${l.workerRank ?? ''}:${l.seq}`} class={`level-${l.level}`} data-seq={l.seq}>
                  <td class="num muted">{l.seq}</td>
                  <td class="muted">{l.at.slice(11, 23)}</td>
                  <td class="level">{l.level}</td>
                  <td class="muted">{l.stream}{l.workerRank !== null ? ` #${l.workerRank}` : ''}</td>
                  <td class="log-text">{l.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
