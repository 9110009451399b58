// The selected runs in groups (POST /v1/stats/leaderboard): by every param but the seed, or by
// the params named, ranked on the target with n, mean and its interval (drawn), the best group
// tested against each other one (corrected p-values) and the groups indistinguishable from the
// best marked. A click on a group ticks its runs.
import { useEffect, useState } from 'preact/hooks';
import { leaderboard, type LeaderboardAnswer, type Selection } from '../api.ts';

const num = (v: number | null) => (v === null ? '—' : String(Number(v.toPrecision(4))));

interface Props {
  selection: Selection;
  target: string;
  groupBy: string;
  minimize: boolean;
  onGroupBy: (groupBy: string, minimize: boolean) => void;
  onTick: (runIds: string[]) => void;
}

export function GroupsPanel({ selection, target, groupBy, minimize, onGroupBy, onTick }: Props) {
  const [answer, setAnswer] = useState<LeaderboardAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState(groupBy);
  useEffect(() => setText(groupBy), [groupBy]);
  useEffect(() => {
    let current = true;
    setAnswer(null);
    setError(null);
    const by = groupBy === 'all-but-seed' ? 'all-but-seed' : groupBy.split(',').map((p) => p.trim()).filter(Boolean);
    leaderboard(selection, by, target, minimize ? 'minimize' : 'maximize')
      .then((a) => current && setAnswer(a))
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [selection.sweep, selection.experiment, selection.filter, target, groupBy, minimize]);
  const values = (answer?.groups ?? []).flatMap((g) => [g.ci?.lower, g.ci?.upper, g.mean]).filter((v): v is number => typeof v === 'number');
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const at = (v: number) => `${hi > lo ? (100 * (v - lo)) / (hi - lo) : 50}%`;
  return (
    <section class="panel" data-testid="groups">
      <h2>Groups ranked on {target}</h2>
      <div class="curve-controls">
        <label>
          group by{' '}
          <input value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} onKeyDown={(e) => e.key === 'Enter' && onGroupBy(text.trim() || 'all-but-seed', minimize)} onBlur={() => onGroupBy(text.trim() || 'all-but-seed', minimize)} title="all-but-seed, or params separated by commas" />
        </label>
        <label>
          <input type="checkbox" checked={minimize} onChange={(e) => onGroupBy(groupBy, (e.currentTarget as HTMLInputElement).checked)} /> lower is better
        </label>
      </div>
      {error && <div class="error" role="alert">{error}</div>}
      {!answer && !error && <div class="muted">ranking…</div>}
      {answer && (
        <>
          <p class="sentence" data-testid="leaderboard-summary">{answer.summary}</p>
          <div class="table-scroll" style={{ maxHeight: '360px' }}>
            <table>
              <thead>
                <tr>
                  <th>#</th>
                  <th>group</th>
                  <th>runs</th>
                  <th>mean</th>
                  <th>interval</th>
                  <th>vs best (adjusted p)</th>
                </tr>
              </thead>
              <tbody>
                {answer.groups.map((g) => (
                  <tr key={g.label} data-group={g.label} class={g.indistinguishableFromBest ? 'near-best' : ''} onClick={() => onTick(g.runIds)} title="tick this group's runs">
                    <td class="num">{g.rank}</td>
                    <td>
                      {g.label}
                      {g.label === answer.best ? <span class="status finished">best</span> : g.indistinguishableFromBest ? <span class="status running">indistinguishable from the best</span> : ''}
                    </td>
                    <td class="num">{g.n}</td>
                    <td class="num">{num(g.mean)}</td>
                    <td class="ci-cell">
                      {g.ci && g.ci.lower !== null && g.ci.upper !== null && <div class="ci" style={{ left: at(g.ci.lower), width: `calc(${at(g.ci.upper)} - ${at(g.ci.lower)})` }} />}
                      {g.mean !== null && <div class="mean" style={{ left: at(g.mean) }} />}
                    </td>
                    <td class="num">{num(g.vsBest?.adjustedPValue ?? null)}</td>
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
