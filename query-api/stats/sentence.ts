// The plain-language sentence of a test result, e.g. "A beats B on val/acc.max by a
// Hodges-Lehmann median difference of 0.0120 (95% CI 0.0040 to 0.0200), paired over 5 seeds,
// p = 0.0078 (Wilcoxon signed-rank, exact)". A winner is named only when the result is
// significant; "beats" needs a direction (maximize: higher is better), otherwise the sentence
// says "higher" or "lower". The winner, the size and its interval all come from the estimate the
// test is about (a mean for t-tests, Hodges-Lehmann for rank tests, named so it does not read as
// a mean), so they cannot contradict the p-value. The difference printed is always the positive
// one (winner minus loser), with its interval turned the same way.
import { fixed, formatP, percent, sharedDecimals } from './format.ts';
import { MEAN_DIFFERENCE, type IntervalOut, type TestOutcome } from './types.ts';

export type Direction = 'maximize' | 'minimize';

export interface SentenceContext {
  labelA: string;
  labelB: string;
  /** e.g. "val/acc.max"; left out for raw samples. */
  metric?: string;
  direction?: Direction;
  /** Plural noun for paired counts: "seeds", "segments", "pairs". */
  pairedOver?: string;
  /** Plural noun for unpaired counts: "runs", "values". */
  unit?: string;
}

/** "95% CI 0.004 to 0.020", or "95% CI: at least 0.004" for a one-sided interval. */
function intervalText(ci: IntervalOut, decimals: number): string {
  const pct = percent(ci.confidence);
  if (ci.lower === null && ci.upper === null) return `${pct} CI unbounded`;
  if (ci.upper === null) return `${pct} CI: at least ${fixed(ci.lower!, decimals)}`;
  if (ci.lower === null) return `${pct} CI: at most ${fixed(ci.upper, decimals)}`;
  return `${pct} CI ${fixed(ci.lower, decimals)} to ${fixed(ci.upper, decimals)}`;
}

const negate = (ci: IntervalOut): IntervalOut => ({ ...ci, lower: ci.upper === null ? null : -ci.upper, upper: ci.lower === null ? null : -ci.lower });

export function summarize(o: TestOutcome, ctx: SentenceContext): string {
  const { labelA: A, labelB: B } = ctx;
  const on = ctx.metric ? ` on ${ctx.metric}` : '';
  const sizes = o.paired ? `paired over ${o.n.pairs} ${ctx.pairedOver ?? 'pairs'}` : `${o.n.a} vs ${o.n.b} ${ctx.unit ?? 'values'}`;
  const evidence = o.pValue !== null ? `, ${formatP(o.pValue)} (${o.label})` : ` (${o.label})`;
  const ci = o.confidenceInterval;
  const est = o.estimate;
  if (est === null) return `${A} vs ${B}${on}: the ${o.estimateName} is not a finite number, so no size can be given; ${sizes}${evidence}`;
  // A mean difference reads as the plain difference; any other estimate says what it is.
  const named = o.estimateName !== MEAN_DIFFERENCE;

  // An estimate of exactly 0 (possible for a rank test with many ties) defers to the rank effect.
  const sign = est !== 0 ? Math.sign(est) : Math.sign(o.effectSize?.value ?? 0);
  if (!o.significant || sign === 0) {
    const d = sharedDecimals([est, ci?.lower ?? null, ci?.upper ?? null]);
    const what = o.significant ? `${A} and ${B} differ${on}` : `no significant difference between ${A} and ${B}${on} at alpha = ${o.alpha}`;
    return `${what}: ${named ? `${o.estimateName} ` : ''}${A} - ${B} = ${fixed(est, d)}${ci ? ` (${intervalText(ci, d)})` : ''}, ${sizes}${evidence}`;
  }
  // Oriented so the printed difference is positive: higher minus lower.
  const magnitude = Math.abs(est);
  const oriented = ci && (sign > 0 ? ci : negate(ci));
  const d = sharedDecimals([magnitude, oriented?.lower ?? null, oriented?.upper ?? null]);
  const [higher, lower] = sign > 0 ? [A, B] : [B, A];
  const claim = ctx.direction
    ? ctx.direction === 'maximize' ? `${higher} beats ${lower}` : `${lower} beats ${higher}`
    : `${A} is ${sign > 0 ? 'higher' : 'lower'} than ${B}`;
  const size = `${named ? `a ${o.estimateName} of ` : ''}${fixed(magnitude, d)}`;
  return `${claim}${on} by ${size}${oriented ? ` (${intervalText(oriented, d)})` : ''}, ${sizes}${evidence}`;
}
