// Names checked against what a project holds: its param names (each param and the types
// it takes) and its metric names (each metric key and its segments). Suggestions ("did you
// mean …") come from the same project's names only, never from another tenant's names.
// Pure; storage/project-names.ts loads the names and query-api/project-names.ts decides when to reload them.
//
// One rule for a project that has logged nothing yet: a project with no names checks nothing. A
// filter, sort, column or curve naming metrics.val/acc on a project with no metric yet simply
// matches nothing — what an MLflow or W&B user sees when a saved view is opened on a fresh
// project or a script polls before the first run reports — instead of a 400 that would turn
// into a 200 by itself a minute later. As soon as the project holds one metric (or one param),
// a name it does not hold is a 400. (Compare's `variables` describe runs that exist, so they
// are always checked: see confounds.ts.)
import type { MetricNames, ParamNames } from '../../storage/project-names.ts';
import type { Aggregate } from '../../storage/run-filter/ast.ts';
import { AGGREGATE_NAMES, parseField } from './fields.ts';


export interface MetricName {
  key: string;
  segment: string;
}

const AGGREGATE_LIST = AGGREGATE_NAMES.join(', ');

function distance(x: string, y: string): number {
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
  }
  return d[x.length]![y.length]!;
}

/** Up to `max` candidates that contain the name, are contained in it, or are within two typos of it; closest first. */
export function nearest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const y = name.toLowerCase();
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const x = c.toLowerCase();
    const contains = x.length > 0 && y.length > 0 && (x.includes(y) || y.includes(x));
    // The length gap bounds the edit distance: skip the quadratic part when it cannot be ≤ 2.
    const d = Math.abs(x.length - y.length) <= 2 ? distance(x, y) : Infinity;
    if (d <= 2 || contains) scored.push({ c, d: Math.min(d, Math.abs(x.length - y.length) + 1) });
  }
  return scored.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1)).slice(0, max).map((s) => s.c);
}

export const didYouMean = (labels: string[]): string => (labels.length > 0 ? `; did you mean ${labels.join(' or ')}?` : '');

/** Why params.<name> is unknown in this project, or null when it is known (or the project has no names yet, or none are given). */
export function unknownParam(name: string, params: ParamNames | undefined): string | null {
  if (!params || params.size === 0 || params.has(name)) return null;
  return `no run in this project has params.${name}${didYouMean(nearest(name, params.keys()).map((k) => `params.${k}`))}`;
}

export interface MetricStyle {
  /** 'metrics.' where the filter language's field names are expected, '' where a request lists metric names. */
  prefix: string;
  /** Whether the name may end in an aggregate (a summary such as val/acc.max) rather than name a series. */
  aggregates: boolean;
}

/** Why a metric (key and segment) is unknown in this project, or null when it is known (or the project has no names yet, or none are given). */
export function unknownMetric(m: MetricName, metrics: MetricNames | undefined, style: MetricStyle): string | null {
  if (!metrics || metrics.size === 0) return null;
  const show = (key: string, segment: string) => `${style.prefix}${key}${segment ? `[${segment}]` : ''}`;
  const segments = metrics.get(m.key);
  if (segments?.has(m.segment)) return null;
  if (segments) {
    const all = [...segments].sort();
    if (m.segment === '') return `${show(m.key, '')} is logged per segment only in this project; name a segment, e.g. ${show(m.key, all[0]!)}`;
    const named = all.filter((s) => s !== '');
    const near = nearest(m.segment, named);
    const listed = `; its segments are ${named.slice(0, 10).join(', ')}${named.length > 10 ? ', …' : ''}${segments.has('') ? `, or none (${show(m.key, '')})` : ''}`;
    return `no run in this project has logged ${show(m.key, m.segment)}${near.length > 0 ? didYouMean(near.map((s) => show(m.key, s))) : listed}`;
  }
  // Keys may hold dots ("train.loss"), so "acc.median" is either a metric of that name or
  // acc with an aggregate that does not exist: say both.
  const dot = /^(.+)\.([A-Za-z_]\w*)$/s.exec(m.key);
  if (style.aggregates && dot && !AGGREGATE_NAMES.includes(dot[2] as Aggregate)) {
    const [, base, word] = dot as unknown as [string, string, string];
    const hints = metrics.has(base)
      ? nearest(word, AGGREGATE_NAMES).map((a) => `${show(base, m.segment)}.${a}`)
      : nearest(m.key, metrics.keys()).map((k) => show(k, ''));
    return `unknown aggregate '${word}' (${AGGREGATE_LIST}) or unknown metric ${show(m.key, m.segment)}${didYouMean(hints)}`;
  }
  const near = nearest(m.key, metrics.keys()).map((k) => show(k, metrics.get(k)!.has(m.segment) ? m.segment : ''));
  return `no run in this project has logged ${show(m.key, m.segment)}${didYouMean(near)}`;
}

/**
 * A series as a request lists it: a metric key, and where `segments` a segment in brackets
 * (val/acc[class=cat]); null when malformed. No aggregate: these lists name series.
 */
export function parseSeries(name: string, segments: boolean): MetricName | null {
  const seg = segments ? /^(.*)\[([^\]]*)\]$/s.exec(name) : null;
  const m = seg ? { key: seg[1]!, segment: seg[2]! } : { key: name, segment: '' };
  return m.key !== '' && (!seg || m.segment !== '') ? m : null;
}

/**
 * Why a series a request lists (curves: key[segment]; compare: key, every segment included) is
 * unknown, or null. A summary or segment of a known series (loss.min, val/acc[class=cat].max)
 * is told to ask for the series itself; `note` says what comes with it.
 */
export function unknownSeries(name: string, metrics: MetricNames | undefined, segments: boolean, note: string): string | null {
  if (!metrics || metrics.size === 0) return null;
  const m = parseSeries(name, segments) ?? { key: name, segment: '' };
  if (segments ? metrics.get(m.key)?.has(m.segment) : metrics.has(m.key)) return null;
  const f = parseField(`metrics.${name}`);
  if (typeof f !== 'string' && f.kind === 'metric' && (segments ? metrics.get(f.key)?.has(f.segment) : metrics.has(f.key))) {
    const series = segments && f.segment ? `${f.key}[${f.segment}]` : f.key;
    const summary = AGGREGATE_NAMES.some((a) => name.endsWith(`.${a}`));
    if (series !== name) return `"${name}" is ${summary ? 'a summary' : 'a segment'} of ${series}, not a series; ask for "${series}" (${note})`;
  }
  return unknownMetric(m, metrics, { prefix: '', aggregates: false });
}
