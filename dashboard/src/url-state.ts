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
  /** The compare view's artifacts, asked for only when open. */
  artifacts: ArtifactsState;
  /** A run page's console: the last `tail` lines, of these levels (none: every level), holding `search`. */
  logs: { tail: number; levels: string[]; search?: string };
}

/** The names the runs logged them under (unset: the defaults below) and each part's settings. */
export interface ArtifactsState {
  open: boolean;
  confusion?: string;
  normalize: boolean;
  curve?: string;
  samples?: string;
  /** Samples: rows where some run's text holds this; where a score differs by at least min; from offset; every input (gaps marked) or only those all runs answered. */
  search?: string;
  scoreDiff?: { score: string; min: number };
  offset: number;
  allInputs: boolean;
  /** The run whose console is diffed with the first ticked run's (default the second ticked); numbers ignored. */
  logWith?: string;
  ignoreDigits: boolean;
}

export const ARTIFACT_DEFAULTS = { confusion: 'confusion/val', curve: 'pr/val', samples: 'gen' } as const;
export const DEFAULT_TAIL = 100;

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
  const a = s.artifacts;
  if (a.open) q.set('art', '1');
  if (a.confusion) q.set('cm', a.confusion);
  if (a.normalize) q.set('norm', '1');
  if (a.curve) q.set('pr', a.curve);
  if (a.samples) q.set('samples', a.samples);
  if (a.search) q.set('find', a.search);
  // The min first: a score's name may hold a colon.
  if (a.scoreDiff) q.set('sdiff', `${a.scoreDiff.min}:${a.scoreDiff.score}`);
  if (a.offset > 0) q.set('soff', String(a.offset));
  if (a.allInputs) q.set('sall', '1');
  if (a.logWith) q.set('logb', a.logWith);
  if (a.ignoreDigits) q.set('nodigits', '1');
  if (s.logs.tail !== DEFAULT_TAIL) q.set('tail', String(s.logs.tail));
  if (s.logs.levels.length > 0) q.set('level', s.logs.levels.join(','));
  if (s.logs.search) q.set('lsearch', s.logs.search);
  return q.toString();
}

function artifactsOf(q: URLSearchParams): ArtifactsState {
  const sdiff = /^([\d.e+-]+):(.+)$/is.exec(q.get('sdiff') ?? '');
  const min = Number(sdiff?.[1]);
  const offset = Number(q.get('soff'));
  const named = (key: string, field: 'confusion' | 'curve' | 'samples' | 'search' | 'logWith') => (q.get(key) ? { [field]: q.get(key)! } : {});
  return {
    open: q.get('art') === '1', normalize: q.get('norm') === '1', offset: Number.isInteger(offset) && offset > 0 ? offset : 0, allInputs: q.get('sall') === '1', ignoreDigits: q.get('nodigits') === '1',
    ...named('cm', 'confusion'), ...named('pr', 'curve'), ...named('samples', 'samples'), ...named('find', 'search'), ...named('logb', 'logWith'),
    ...(sdiff && Number.isFinite(min) && min >= 0 ? { scoreDiff: { score: sdiff[2]!, min } } : {}),
  };
}

function logsOf(q: URLSearchParams): ViewState['logs'] {
  const tail = Number(q.get('tail'));
  return { tail: Number.isInteger(tail) && tail >= 1 && tail <= 10_000 ? tail : DEFAULT_TAIL, levels: (q.get('level') ?? '').split(',').filter((l) => l !== ''), ...(q.get('lsearch') ? { search: q.get('lsearch')! } : {}) };
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
    columns: (q.get('cols') ?? '').split('\n').filter((c) => c !== ''), artifacts: artifactsOf(q), logs: logsOf(q) };
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
