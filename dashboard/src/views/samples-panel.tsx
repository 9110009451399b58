// Generated samples of the compared runs side by side (POST /v1/artifacts/samples): a row per
// input id with each run's output and scores, an output unlike the first run's marked; found by
// text, or by a score that differs across the runs by at least some amount (widest first), paged.
import { useRef } from 'preact/hooks';
import { samples, type SampleOutput } from '../api.ts';
import { ARTIFACT_DEFAULTS, type ArtifactsState } from '../url-state.ts';
import { NameBox, Status, useAnswer } from './artifact-common.tsx';

const PAGE = 20;

type Settings = Pick<ArtifactsState, 'samples' | 'search' | 'scoreDiff' | 'offset' | 'allInputs'>;

function Output({ o, differs }: { o: SampleOutput | null; differs: boolean }) {
  if (!o) return <td class="muted">(no sample)</td>;
  return (
    <td class={`sample${differs ? ' differs' : ''}`}>
      <div class="sample-text">{o.text ?? (o.uri ? <a href={o.uri}>{o.uri}</a> : '')}</div>
      {Object.keys(o.scores).length > 0 && (
        <div class="muted scores">{Object.entries(o.scores).map(([k, v]) => `${k} ${Number(v.toPrecision(3))}`).join(' · ')}</div>
      )}
    </td>
  );
}

export function SamplesPanel({ runIds, settings, onChange }: { runIds: string[]; settings: Settings; onChange: (s: Settings) => void }) {
  const name = settings.samples ?? ARTIFACT_DEFAULTS.samples;
  const query = { mode: settings.allInputs ? 'all' : 'common', offset: settings.offset, limit: PAGE, ...(settings.search ? { search: settings.search } : {}), ...(settings.scoreDiff ? { scoreDiff: settings.scoreDiff } : {}) } as const;
  const asked = useAnswer(() => samples(runIds, name, query), `${runIds.join(',')}\n${name}\n${JSON.stringify(query)}`);
  const a = asked.answer;
  // The score names seen in these samples so far (a filter that keeps no row must not make them vanish).
  const scores = useRef({ name, seen: new Set<string>() });
  if (scores.current.name !== name) scores.current = { name, seen: new Set() };
  for (const row of a?.rows ?? []) for (const o of row.outputs) for (const k of Object.keys(o?.scores ?? {})) scores.current.seen.add(k);
  if (settings.scoreDiff) scores.current.seen.add(settings.scoreDiff.score);
  const scoreNames = [...scores.current.seen];
  const minBox = useRef<HTMLInputElement>(null);
  const scoreBox = useRef<HTMLSelectElement>(null);
  // Any change of what is asked starts again at the first page.
  const set = (change: Partial<Settings>) => onChange({ ...settings, offset: 0, ...change });
  const applyScore = () => {
    const min = minBox.current!.value.trim();
    const score = scoreBox.current?.value;
    if (min === '' || !score || !(Number(min) >= 0)) return set({ scoreDiff: undefined });
    set({ scoreDiff: { score, min: Number(min) } });
  };
  return (
    <section class="artifact" data-testid="samples">
      <h3 class="part">Samples side by side</h3>
      <div class="curve-controls">
        <NameBox label="samples" value={settings.samples} placeholder={ARTIFACT_DEFAULTS.samples} onChange={(samples) => set({ samples })} />
        <NameBox label="text holds" value={settings.search} placeholder="any text" wide onChange={(search) => set({ search })} />
        <label>
          differs by{' '}
          <select ref={scoreBox} value={settings.scoreDiff?.score ?? scoreNames[0] ?? ''} onChange={applyScore} aria-label="score">
            {scoreNames.length === 0 && <option value="">(no scores)</option>}
            {scoreNames.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
          {' ≥ '}
          <input ref={minBox} class="num-input" type="number" min="0" step="any" aria-label="differs by score at least" value={settings.scoreDiff ? String(settings.scoreDiff.min) : ''} placeholder="any" onChange={applyScore} />
        </label>
        <label title="inputs only some runs answered, their gaps marked">
          <input type="checkbox" checked={settings.allInputs} onChange={(e) => set({ allInputs: (e.currentTarget as HTMLInputElement).checked })} /> every input
        </label>
      </div>
      <Status asked={asked} what={`samples "${name}"`} />
      {a && (
        <>
          <div class="pager" data-testid="samples-count" data-total={a.total}>
            {a.total === 0 ? 'no input matches' : `inputs ${a.offset + 1}–${a.offset + a.rows.length} of ${a.total}`}
            <button type="button" disabled={a.offset === 0} onClick={() => onChange({ ...settings, offset: Math.max(0, a.offset - PAGE) })}>previous</button>
            <button type="button" disabled={a.offset + a.rows.length >= a.total} onClick={() => onChange({ ...settings, offset: a.offset + PAGE })}>next</button>
          </div>
          {a.rows.length > 0 && (
            <div class="table-scroll samples-table">
              <table>
                <thead>
                  <tr>
                    <th>input</th>
                    {settings.scoreDiff && <th>{settings.scoreDiff.score} spread</th>}
                    {a.runIds.map((id) => <th key={id}>{id}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {a.rows.map((row) => (
                    <tr key={row.inputId} data-input={row.inputId}>
                      <td class="run-id">{row.inputId}</td>
                      {settings.scoreDiff && <td class="num">{row.scoreSpread === undefined ? '' : Number(row.scoreSpread.toPrecision(3))}</td>}
                      {row.outputs.map((o, i) => <Output key={i} o={o} differs={i > 0 && o !== null && row.outputs[0] !== null && o.text !== row.outputs[0]!.text} />)}
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
