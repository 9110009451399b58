// Which params, metric summaries, tags and lineage fields the chart and the table show, and in
// which order (GET /v1/fields lists what the project has): the shown ones in order, each movable
// left or right (the axes' order), then a param per box, per metric series (key and segment) a
// box per aggregate, and a box per tag and lineage field.
import { useEffect, useState } from 'preact/hooks';
import { fields, type FieldsAnswer } from '../api.ts';

interface Props {
  /** The fields shown now (the chart's axes, target excluded). */
  shown: string[];
  onChange: (columns: string[]) => void;
}

export function ColumnPicker({ shown, onChange }: Props) {
  const [catalogue, setCatalogue] = useState<FieldsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fields().then(setCatalogue, (err: Error) => setError(err.message));
  }, []);
  if (error) return <div class="error" role="alert">columns: {error}</div>;
  if (!catalogue) return <div class="muted">loading the project's fields…</div>;
  const on = new Set(shown);
  const toggle = (field: string) => onChange(on.has(field) ? shown.filter((f) => f !== field) : [...shown, field]);
  const move = (i: number, by: -1 | 1) => {
    const next = [...shown];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onChange(next);
  };
  return (
    <section class="panel picker" data-testid="column-picker">
      <div class="order">
        <h2>Shown, in order</h2>
        {shown.map((field, i) => (
          <div key={field} class="picker-row" data-column={field}>
            <button type="button" aria-label={`move ${field} left`} disabled={i === 0} onClick={() => move(i, -1)}>
              ←
            </button>
            <button type="button" aria-label={`move ${field} right`} disabled={i === shown.length - 1} onClick={() => move(i, 1)}>
              →
            </button>
            <span>{field}</span>
          </div>
        ))}
      </div>
      <div>
        <h2>Params</h2>
        {catalogue.params.map((p) => (
          <label key={p.field}>
            <input type="checkbox" checked={on.has(p.field)} onChange={() => toggle(p.field)} /> {p.name} <span class="muted">{p.types.join('/')}</span>
          </label>
        ))}
      </div>
      <div>
        <h2>Tags and lineage</h2>
        {[...catalogue.tags, ...catalogue.lineage].map((f) => (
          <label key={f.field}>
            <input type="checkbox" aria-label={f.field} checked={on.has(f.field)} onChange={() => toggle(f.field)} /> {f.field.replace(/^lineage\.libraries\./, 'library ').replace(/^lineage\./, '').replace(/^tags\./, 'tag ')}
          </label>
        ))}
      </div>
      <div>
        <h2>Metric summaries</h2>
        {catalogue.metrics.flatMap((m) =>
          m.segments.map((segment) => {
            const series = segment === '' ? m.key : `${m.key}[${segment}]`;
            return (
              <div key={series} class="picker-row">
                <span>{series}</span>
                {catalogue.aggregates.map((a) => {
                  const field = `metrics.${series}.${a}`;
                  return (
                    <label key={a}>
                      <input type="checkbox" aria-label={field} checked={on.has(field)} onChange={() => toggle(field)} /> {a}
                    </label>
                  );
                })}
              </div>
            );
          }),
        )}
      </div>
    </section>
  );
}
