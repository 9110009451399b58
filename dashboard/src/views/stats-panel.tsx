// Side A against side B on the target metric (POST /v1/stats/compare): the API's sentence, the
// estimate drawn with its confidence interval against zero, and the warnings and notes.
import { useEffect, useState } from 'preact/hooks';
import { compareSides, type StatsAnswer } from '../api.ts';

function IntervalPlot({ estimate, lower, upper }: { estimate: number; lower: number | null; upper: number | null }) {
  const lo = Math.min(0, lower ?? estimate, estimate);
  const hi = Math.max(0, upper ?? estimate, estimate);
  const pad = (hi - lo) * 0.1 || 1;
  const x = (v: number) => 10 + (380 * (v - (lo - pad))) / (hi - lo + 2 * pad);
  return (
    <svg width="400" height="40" role="img" aria-label={`estimate ${estimate}, interval ${lower} to ${upper}`}>
      <line x1={x(0)} x2={x(0)} y1="4" y2="36" stroke="#9aa4ae" stroke-dasharray="3 3" />
      <text x={x(0) + 3} y="12" font-size="10" fill="#6b7683">0</text>
      {lower !== null && upper !== null && <line x1={x(lower)} x2={x(upper)} y1="24" y2="24" stroke="#1d232b" stroke-width="2" />}
      <circle cx={x(estimate)} cy="24" r="5" fill="#c0392b" />
    </svg>
  );
}

export function StatsPanel({ a, b, metric }: { a: string[]; b: string[]; metric: string }) {
  const [answer, setAnswer] = useState<StatsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setError(null);
    compareSides(a, b, metric)
      .then((r) => current && setAnswer(r))
      .catch((err: Error) => current && (setError(err.message), setAnswer(null)));
    return () => {
      current = false;
    };
  }, [a.join(','), b.join(','), metric]);
  if (error) return <section class="panel error" role="alert">statistics: {error}</section>;
  if (!answer) return <section class="panel muted">testing…</section>;
  const { result } = answer;
  const ci = result.confidenceInterval;
  return (
    <section class="panel" data-testid="stats">
      <h2>
        A ({answer.sides.a.runs} runs) against B ({answer.sides.b.runs} runs) on {metric}
      </h2>
      <p class="sentence" data-testid="stats-sentence">{answer.summary}</p>
      {result.estimate !== null && <IntervalPlot estimate={result.estimate} lower={ci?.lower ?? null} upper={ci?.upper ?? null} />}
      <p class="muted">
        {result.testName}
        {result.pValue !== null ? `, p = ${result.pValue.toPrecision(3)}` : ''}
        {answer.reason ? ` — ${answer.reason}` : ''}
      </p>
      {[...answer.warnings, ...answer.notes].length > 0 && (
        <ul class="warnings">
          {answer.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
          {answer.notes.map((n) => (
            <li key={n} class="muted">{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
