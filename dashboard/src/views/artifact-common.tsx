// What the artifact views share: asking the API with the latest question winning, its refusal
// kept as text to show in the view (a run without the artifact is the API's 404 naming it — not
// a console error), a box for the name the runs logged it under, and how numbers are written.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';

export interface Asked<T> {
  answer: T | null;
  error: string | null;
  loading: boolean;
}

/** Asks again whenever `key` changes; an answer to an older question is dropped. */
export function useAnswer<T>(ask: () => Promise<T>, key: string): Asked<T> {
  const [state, setState] = useState<Asked<T>>({ answer: null, error: null, loading: true });
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    ask().then(
      (answer) => current && setState({ answer, error: null, loading: false }),
      (err: Error) => current && setState({ answer: null, error: err instanceof ApiError ? err.message : `cannot reach the API: ${err.message}`, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return state;
}

/** The API's refusal, or "loading…", in the view. */
export function Status({ asked, what }: { asked: Asked<unknown>; what: string }) {
  if (asked.error) return <p class="error" data-testid="artifact-error">{what}: {asked.error}</p>;
  if (asked.loading && !asked.answer) return <p class="muted">loading {what}…</p>;
  return null;
}

/**
 * A text box applied on Enter or when it loses focus; empty means the default. What is typed is
 * kept as a draft until then, so a re-render (an answer arriving, another control changing the
 * state) never wipes it; a new applied value from outside (a link, back) replaces the draft.
 */
export function NameBox({ label, value, placeholder, onChange, wide }: { label: string; value: string | undefined; placeholder: string; onChange: (v: string | undefined) => void; wide?: boolean }) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  return (
    <label>
      {label}{' '}
      <input
        class={wide ? 'wide' : 'name'} value={draft} placeholder={placeholder} aria-label={label}
        onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value.trim();
          onChange(v === '' ? undefined : v);
        }}
      />
    </label>
  );
}

/** The k-th run's colour (golden-angle hues, as the curves use). */
export const hue = (k: number) => `hsl(${(k * 137.5) % 360}, 60%, 45%)`;

export const fixed = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));
export const signed = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '—' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;
