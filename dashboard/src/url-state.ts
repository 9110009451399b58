// The page's state as a link someone can paste: one readable query parameter per piece of state,
// in the API's own words (a filter is filter-language text, a target a metric summary).
//   /ui/?sweep=sw1&filter=params.lr > 0.001&target=val/acc.max&brush=params.lr:0.001~0.01;params.optimizer:adam|sgd&sort=val/acc.max:desc
// A brush is a closed range of an axis, or the categories kept on a categorical axis.
export interface Brush {
  field: string;
  range?: [number, number];
  categories?: string[];
}

export interface ViewState {
  sweep?: string;
  experiment?: string;
  filter?: string;
  target?: string;
  brushes: Brush[];
  /** A table column (an axis field, or "run") and a direction. */
  sort?: { field: string; desc: boolean };
  /** Runs ticked in the table (compared side by side). */
  selected: string[];
  /** The runs of the statistics' sides A and B. */
  sideA: string[];
  sideB: string[];
  /** The curves of the ticked runs: which metric (key or key[segment]; default the target's key), x axis, smoothing, log y. */
  curve: { metric?: string; x: 'step' | 'wall_time' | 'relative_time'; ema?: number; logY: boolean; zoom?: [number, number]; bands?: boolean };
  /** Show what drives the target (importance, best region). */
  analytics: boolean;
  /** A scatter of two fields (x, y), when shown. */
  scatter: { x: string; y: string } | null;
  /** Rank groups of runs on the target: by "all-but-seed" or params joined by commas; lower is better when minimize. */
  group?: string;
  minimize: boolean;
  /** The chart's axes and the table's columns (params.<name>, metrics.<key>[<segment>].<aggregate>); none: every param that varies. */
  columns: string[];
}

const X_AXES = ['step', 'wall_time', 'relative_time'] as const;

const scatterOf = (text: string | null): ViewState['scatter'] => {
  const [x, y] = (text ?? '').split('\n');
  return x && y ? { x, y } : null;
};

/** The metric key of a summary ("val/acc.max", "metrics.loss[split=val].min" → "val/acc", "loss[split=val]"). */
export function curveMetricOf(target: string): string {
  return target.replace(/^metrics\./, '').replace(/\.(last|min|max|mean|count)$/, '');
}

// Characters that separate brushes and their parts are escaped inside names and categories.
const esc = (s: string) => s.replace(/[%;|~:]/g, (c) => encodeURIComponent(c));
const unesc = (s: string) => decodeURIComponent(s);

export function encodeState(s: ViewState): string {
  const q = new URLSearchParams();
  if (s.sweep) q.set('sweep', s.sweep);
  if (s.experiment) q.set('experiment', s.experiment);
  if (s.filter) q.set('filter', s.filter);
  if (s.target) q.set('target', s.target);
  if (s.brushes.length > 0) {
    q.set('brush', s.brushes.map((b) => `${esc(b.field)}:${b.range ? `${b.range[0]}~${b.range[1]}` : b.categories!.map(esc).join('|')}`).join(';'));
  }
  if (s.sort) q.set('sort', `${s.sort.field}:${s.sort.desc ? 'desc' : 'asc'}`);
  // Run ids are id-like (no commas): a list is joined by commas.
  if (s.selected.length > 0) q.set('sel', s.selected.join(','));
  if (s.sideA.length > 0) q.set('a', s.sideA.join(','));
  if (s.sideB.length > 0) q.set('b', s.sideB.join(','));
  if (s.curve.metric) q.set('curve', s.curve.metric);
  if (s.curve.x !== 'step') q.set('x', s.curve.x);
  if (s.curve.ema !== undefined) q.set('ema', String(s.curve.ema));
  if (s.curve.logY) q.set('logy', '1');
  if (s.curve.zoom) q.set('zoom', `${s.curve.zoom[0]}~${s.curve.zoom[1]}`);
  if (s.curve.bands) q.set('bands', '1');
  if (s.analytics) q.set('analytics', '1');
  if (s.scatter) q.set('scatter', `${s.scatter.x}\n${s.scatter.y}`);
  if (s.group) q.set('group', s.group);
  if (s.minimize) q.set('dir', 'min');
  // Field names may hold commas (a segment's value): the list is joined by newlines.
  if (s.columns.length > 0) q.set('cols', s.columns.join('\n'));
  return q.toString();
}

export function decodeState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const ids = (key: string) => (q.get(key) ?? '').split(',').filter((id) => id !== '');
  const x = X_AXES.find((a) => a === q.get('x')) ?? 'step';
  const ema = Number(q.get('ema'));
  const zoom = /^(-?[\d.e+]+)~(-?[\d.e+]+)$/i.exec(q.get('zoom') ?? '');
  const curve: ViewState['curve'] = {
    x, logY: q.get('logy') === '1', ...(q.get('curve') ? { metric: q.get('curve')! } : {}), ...(ema > 0 && ema <= 1 ? { ema } : {}),
    ...(zoom && Number(zoom[1]) <= Number(zoom[2]) ? { zoom: [Number(zoom[1]), Number(zoom[2])] as [number, number] } : {}),
    ...(q.get('bands') === '1' ? { bands: true } : {}),
  };
  const s: ViewState = { brushes: [], selected: ids('sel'), sideA: ids('a'), sideB: ids('b'), curve, analytics: q.get('analytics') === '1', scatter: scatterOf(q.get('scatter')), minimize: q.get('dir') === 'min',
    columns: (q.get('cols') ?? '').split('\n').filter((c) => c !== '') };
  if (q.get('group')) s.group = q.get('group')!;
  for (const key of ['sweep', 'experiment', 'filter', 'target'] as const) {
    const v = q.get(key);
    if (v !== null && v !== '') s[key] = v;
  }
  for (const part of (q.get('brush') ?? '').split(';').filter(Boolean)) {
    const at = part.indexOf(':');
    if (at <= 0) continue;
    const field = unesc(part.slice(0, at));
    const value = part.slice(at + 1);
    const range = /^([^~]+)~([^~]+)$/.exec(value);
    if (range && Number.isFinite(Number(range[1])) && Number.isFinite(Number(range[2]))) s.brushes.push({ field, range: [Number(range[1]), Number(range[2])] });
    else s.brushes.push({ field, categories: value.split('|').map(unesc) });
  }
  const sort = /^(.+):(asc|desc)$/.exec(q.get('sort') ?? '');
  if (sort) s.sort = { field: sort[1]!, desc: sort[2] === 'desc' };
  return s;
}

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A brush in the filter language, so the table's count can be checked against the API's for the
 * same filter. A category is written as the value it stands for among the axis's `categories`
 * (a number or true/false bare, text quoted); the brush keeps its names as text.
 */
export function brushToFilter(b: Brush, categories: readonly (number | string | boolean)[] = []): string {
  if (b.range) return `${b.field} >= ${b.range[0]} and ${b.field} <= ${b.range[1]}`;
  const literal = (name: string) => {
    const value = categories.find((c) => String(c) === name) ?? name;
    return typeof value === 'string' ? quote(value) : String(value);
  };
  return `(${b.categories!.map((c) => `${b.field} = ${literal(c)}`).join(' or ')})`;
}
