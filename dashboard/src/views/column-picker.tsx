// Which params and metric summaries the chart and the table show (GET /v1/fields lists what the
// project has): a param per box, and per metric series (key and segment) a box per aggregate.
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
  return (
    <section class="panel picker" data-testid="column-picker">
      <div>
        <h2>Params</h2>
        {catalogue.params.map((p) => (
          <label key={p.field}>
            <input type="checkbox" checked={on.has(p.field)} onChange={() => toggle(p.field)} /> {p.name} <span class="muted">{p.types.join('/')}</span>
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
