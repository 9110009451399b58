// The filter box: the filter language as typed, checked by the API as one types (a quarter of a
// second after the last key), with the API's message and a caret under the position it names.
// Enter (or leaving the box) applies a filter the API accepted.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, checkFilter, type Selection } from '../api.ts';

interface Props {
  selection: Selection;
  onApply: (filter: string) => void;
}

export function FilterBox({ selection, onApply }: Props) {
  const [text, setText] = useState(selection.filter ?? '');
  const [error, setError] = useState<ApiError | null>(null);
  // Only the answer to the latest check counts: an older one may arrive after it.
  const latest = useRef(0);
  const check = (filter: string): Promise<ApiError | null> => {
    const asked = ++latest.current;
    // An empty filter is always good: no request (on opening a 100k-run sweep it competed with the chart's).
    if (filter.trim() === '') {
      setError(null);
      return Promise.resolve(null);
    }
    return checkFilter({ ...selection, filter })
      .catch((err: Error) => new ApiError(0, err.message, null))
      .then((found) => {
        if (asked === latest.current) setError(found);
        return found;
      });
  };
  useEffect(() => setText(selection.filter ?? ''), [selection.filter]);
  useEffect(() => {
    const timer = setTimeout(() => void check(text), 250);
    return () => clearTimeout(timer);
  }, [text, selection.sweep, selection.experiment]);
  // Enter checks what is typed now (the last check may be older) and applies it if the API takes it.
  const apply = async () => {
    if (text === (selection.filter ?? '')) return;
    if ((await check(text)) === null) onApply(text);
  };
  return (
    <div class="filter">
      <label for="filter">Filter</label>
      <input
        id="filter" type="text" value={text} spellcheck={false} placeholder="params.lr > 0.001 and metrics.val/acc.max > 0.9"
        class={error ? 'invalid' : ''}
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === 'Enter' && void apply()}
        onBlur={() => void apply()}
      />
      {error && (
        <div class="filter-error" role="alert" data-testid="filter-error">
          {error.position !== null && <pre class="caret">{`${text}\n${' '.repeat(error.position)}^`}</pre>}
          <span>{error.message}</span>
        </div>
      )}
    </div>
  );
}
