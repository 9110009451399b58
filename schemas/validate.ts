// Semantic checks that Avro cannot express. Shared by the SDK (fail fast at the caller) and
// the processors (never trust the wire). Returns a reason, or null when the event is valid.
// Every string of every event must be well-formed Unicode: a lone surrogate cannot be encoded
// as UTF-8, and the encoders would turn it into other characters without a word.
import { MODEL_STAGES, type AnyEvent, type EventIdentity, type LogLines, type MetricBatch, type OnlineExperimentDeclared, type OutcomeBatch, type ParamValue, type RegistryChanged, type SamplesLogged, type TableKind, type TableLogged } from './events.ts';
import { findEventStrings, findStrings, unicodeProblem } from './text.ts';

export const LIMITS = {
  idLength: 128,
  // MLflow's limits, so its clients' writes fit: names up to 500, tag values up to 8,000 (params 6,000).
  nameLength: 500,
  keyLength: 256,
  valueLength: 8000,
  mapEntries: 1000,
  pointsPerBatch: 200_000,
  maxStep: Number.MAX_SAFE_INTEGER,
  // Artifacts compared side by side: small tables, bounded samples and log lines.
  tableCells: 100_000,
  tableLabels: 10_000,
  cellLength: 1000,
  samplesPerEvent: 1000,
  sampleTextLength: 65_536,
  scoresPerSample: 100,
  linesPerEvent: 10_000,
  lineLength: 16_384,
  // Online experiments: records per OutcomeBatch as points per MetricBatch; a handful of variants.
  outcomesPerBatch: 200_000,
  variantsPerExperiment: 20,
  metricsPerExperiment: 100,
} as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export function checkId(what: string, value: string): string | null {
  if (value.length === 0) return `${what} is empty`;
  if (value.length > LIMITS.idLength) return `${what} is longer than ${LIMITS.idLength} characters`;
  if (!ID.test(value)) return `${what} "${value.slice(0, 40)}" may hold only letters, digits, '.', '_', ':' and '-', and must start with a letter or digit`;
  return null;
}

/** A string that is not well-formed Unicode (a lone surrogate) could only be stored altered. */
export function checkUnicode(what: string, value: string): string | null {
  const problem = unicodeProblem(value);
  return problem ? `${what}: not valid Unicode (${problem})` : null;
}

const notWellFormed = (s: string) => unicodeProblem(s) !== null;

/** The first string of a value (any field, array item, map key or map value) that is not well-formed Unicode, by path. */
export function checkStrings(value: unknown): string | null {
  const [bad] = findStrings(value, notWellFormed);
  return bad ? checkUnicode(bad.path || 'a string', bad.value) : null;
}

function checkEventStrings(event: AnyEvent): string | null {
  const [bad] = findEventStrings(event, notWellFormed);
  return bad ? checkUnicode(bad.path || 'a string', bad.value) : null;
}

export function checkKey(what: string, value: string): string | null {
  if (value.length === 0) return `${what} is empty`;
  const problem = unicodeProblem(value);
  if (problem) return `${what} ${JSON.stringify(value.slice(0, 40))}: not valid Unicode (${problem})`;
  if (value.length > LIMITS.keyLength) return `${what} is longer than ${LIMITS.keyLength} characters`;
  // Control characters would make keys impossible to type in a filter.
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${what} "${value.slice(0, 40)}" contains control characters`;
  return null;
}

function checkText(what: string, value: string, max: number = LIMITS.valueLength): string | null {
  return value.length > max ? `${what} is longer than ${max} characters` : null;
}

function checkMap(what: string, map: Record<string, unknown>, checkValue: (k: string, v: unknown) => string | null): string | null {
  const keys = Object.keys(map);
  if (keys.length > LIMITS.mapEntries) return `${what} has more than ${LIMITS.mapEntries} entries`;
  for (const k of keys) {
    const r = checkKey(`${what} key`, k) ?? checkValue(k, map[k]);
    if (r) return r;
  }
  return null;
}

export function checkParamValue(key: string, v: unknown): string | null {
  const value = v as ParamValue;
  if (typeof value === 'number' && !Number.isFinite(value)) return `param "${key}" is not a finite number`;
  if (typeof value === 'string') return checkText(`param "${key}"`, value);
  return null;
}

export function checkPoint(key: string, step: number, value: number, wallTime: number): string | null {
  if (!Number.isSafeInteger(step) || step < 0) return `metric "${key}": step ${step} is not a non-negative integer`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `metric "${key}" at step ${step}: value ${value} is not a finite number`;
  if (!Number.isSafeInteger(wallTime) || wallTime < 0) return `metric "${key}" at step ${step}: wall time ${wallTime} is not epoch milliseconds`;
  return null;
}

function checkMetricBatch(b: MetricBatch): string | null {
  const n = b.steps.length;
  if (n === 0) return 'metric batch has no points';
  if (n > LIMITS.pointsPerBatch) return `metric batch has ${n} points; the limit is ${LIMITS.pointsPerBatch}`;
  if (b.values.length !== n || b.wallTimes.length !== n || b.keyIndex.length !== n || b.segmentIndex.length !== n) {
    return `metric batch columns differ in length (steps ${n}, values ${b.values.length}, wallTimes ${b.wallTimes.length}, keyIndex ${b.keyIndex.length}, segmentIndex ${b.segmentIndex.length})`;
  }
  for (const k of b.keys) {
    const r = checkKey('metric key', k);
    if (r) return r;
  }
  for (const s of b.segments) {
    const r = checkKey('segment', s);
    if (r) return r;
  }
  const nk = b.keys.length;
  const ns = b.segments.length;
  for (let i = 0; i < n; i++) {
    const ki = b.keyIndex[i]!;
    if (ki < 0 || ki >= nk) return `point ${i}: key index ${ki} outside the ${nk} keys`;
    const si = b.segmentIndex[i]!;
    if (si < -1 || si >= ns) return `point ${i}: segment index ${si} outside the ${ns} segments`;
    const r = checkPoint(b.keys[ki]!, b.steps[i]!, b.values[i]!, b.wallTimes[i]!);
    if (r) return `point ${i}: ${r}`;
  }
  if (b.workerRank !== null && b.workerRank < 0) return `worker rank ${b.workerRank} is negative`;
  return null;
}

/** producerId and sequence come together or not at all; the id is id-like, the sequence a non-negative integer. */
function checkIdentity(e: EventIdentity): string | null {
  const producer = e.producerId ?? null;
  const sequence = e.sequence ?? null;
  if ((producer === null) !== (sequence === null)) return 'producerId and sequence must be given together (or neither)';
  if (producer === null) return null;
  if (!Number.isSafeInteger(sequence) || sequence! < 0 || sequence! >= 2 ** 32) return `sequence ${sequence} is not an integer from 0 to 2^32 - 1 (start a new producerId before that)`;
  return checkId('producerId', producer);
}

// The model registry's names (the API answers them with a 400, the processor with a dead letter).
export const MODEL_NAME_LENGTH = 256;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ALIAS = /^[A-Za-z0-9_-]+$/;

/** A registered model's name: 1 to 256 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export function checkModelName(what: string, name: string): string | null {
  if (name.length === 0) return `${what} is empty`;
  if (name.length > MODEL_NAME_LENGTH) return `${what} is longer than ${MODEL_NAME_LENGTH} characters`;
  if (!MODEL_NAME.test(name)) return `${what} "${name.slice(0, 40)}" may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit`;
  return null;
}

/** An alias: 1 to 256 letters, digits, '_' or '-'; not "latest", nor shaped like a version (v3, version3), as in MLflow. */
export function checkAliasName(alias: string): string | null {
  if (alias.length === 0) return 'alias is empty';
  if (alias.length > MODEL_NAME_LENGTH) return `alias is longer than ${MODEL_NAME_LENGTH} characters`;
  if (!ALIAS.test(alias)) return `alias "${alias.slice(0, 40)}" may hold only letters, digits, '_' and '-'`;
  if (/^latest$/i.test(alias)) return 'alias "latest" is reserved: it always means the newest version';
  if (/^(v|version)\d+$/i.test(alias)) return `alias "${alias}" looks like a version number; pick a name such as "champion"`;
  return null;
}

function checkRegistryChange(e: RegistryChanged): string | null {
  const needVersion = () => (e.version === null || e.version === undefined ? `${e.action} names no version` : null);
  const positive = (what: string, n: number | null | undefined) => (n !== null && n !== undefined && (!Number.isSafeInteger(n) || n < 0) ? `${what} ${n} is not a whole number ≥ 0` : null);
  const base =
    checkModelName('model name', e.model) ??
    checkId('eventId', e.eventId) ??
    checkText('actor', e.actor, LIMITS.keyLength) ??
    (e.at < 0 ? 'at is negative' : null) ??
    positive('version', e.version) ??
    positive('expectedVersion', e.expectedVersion) ??
    (e.version === 0 ? 'version 0 does not exist: versions count from 1' : null) ??
    checkText('description', e.description ?? '') ??
    checkText('reason', e.reason ?? '') ??
    checkMap('tags', e.tags ?? {}, (k, t) => checkText(`tag "${k}"`, t as string)) ??
    (e.evidence ?? []).reduce<string | null>((r, id) => r ?? checkId('evidence id', id), null);
  if (base) return base;
  switch (e.action) {
    case 'renameModel':
      return e.newName ? checkModelName('new model name', e.newName) : 'renameModel names no new name';
    case 'createVersion':
      return (e.runId ? checkId('runId', e.runId) : 'createVersion names no run') ?? checkText('artifactUri', e.artifactUri ?? '');
    case 'updateVersion':
    case 'deleteVersion':
    case 'setVersionTags':
      return needVersion();
    case 'setAlias':
      return checkAliasName(e.alias ?? '') ?? needVersion();
    case 'deleteAlias':
      return checkAliasName(e.alias ?? '');
    case 'transitionStage':
      return needVersion() ?? ((MODEL_STAGES as readonly string[]).includes(e.stage ?? '') ? null : `stage "${e.stage}" is not one of ${MODEL_STAGES.join(', ')}`);
    case 'createModel':
    case 'requireEvidence':
      return (e.aliases ?? []).reduce<string | null>((r, a) => r ?? checkAliasName(a), null);
    default:
      return null;
  }
}

const CURVE_COLUMNS: Partial<Record<TableKind, string[]>> = { prCurve: ['threshold', 'precision', 'recall'], rocCurve: ['threshold', 'fpr', 'tpr'] };

function checkStep(step: number | null): string | null {
  return step !== null && (!Number.isSafeInteger(step) || step < 0) ? `step ${step} is not a non-negative integer` : null;
}

/** A table's shape: the values (or cells) fill rows × columns; a matrix is square over its labels; curve rates lie in [0, 1]. */
function checkTable(e: TableLogged): string | null {
  const labels = e.labels ?? [];
  const columns = e.columns ?? [];
  const values = e.values ?? [];
  const cells = e.cells ?? [];
  const base =
    checkKey('table name', e.name) ?? checkStep(e.step) ?? (e.loggedAt < 0 ? 'loggedAt is negative' : null) ??
    (values.length + cells.length > LIMITS.tableCells ? `table has ${(values.length + cells.length).toLocaleString('en-US')} cells, more than ${LIMITS.tableCells.toLocaleString('en-US')}` : null) ??
    (labels.length > LIMITS.tableLabels ? `table has more than ${LIMITS.tableLabels} labels` : null) ??
    [...labels, ...columns].reduce<string | null>((r, l) => r ?? checkText('label', l, LIMITS.keyLength), null);
  if (base) return base;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return `value ${bad} (${values[bad]}) is not a finite number`;
  if (e.kind === 'table') {
    if (columns.length === 0) return 'a table names its columns';
    if (values.length > 0) return 'a generic table holds its cells in cells, not values';
    if (cells.length % columns.length !== 0) return `ragged rows: ${cells.length} cells do not fill rows of ${columns.length} columns`;
    for (let i = 0; i < cells.length; i++) {
      if (cells[i]!.length > LIMITS.cellLength) return `cell ${i} is longer than ${LIMITS.cellLength} characters`;
      let v: unknown;
      try {
        v = JSON.parse(cells[i]!);
      } catch {
        return `cell ${i} is not JSON`;
      }
      if (v !== null && typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') return `cell ${i} is not a number, a string, a boolean or null`;
    }
    return null;
  }
  if (cells.length > 0) return `a ${e.kind} holds numbers in values, not cells`;
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) return `label "${twice.slice(0, 40)}" appears twice: each row is one class`;
  if (e.kind === 'confusionMatrix') {
    const n = labels.length;
    if (n === 0) return 'a confusion matrix names its classes in labels';
    if (columns.length !== 0 && (columns.length !== n || columns.some((c, i) => c !== labels[i]))) return 'a confusion matrix predicts the classes it labels: columns must be empty or equal the labels';
    if (values.length !== n * n) return `a confusion matrix of ${n} classes holds ${n * n} counts, not ${values.length}`;
    const negative = values.findIndex((v) => v < 0);
    return negative >= 0 ? `count ${negative} (${values[negative]}) is negative` : null;
  }
  if (e.kind === 'perClass') {
    if (labels.length === 0 || columns.length === 0) return 'per-class metrics name their classes (labels) and metrics (columns)';
    return values.length === labels.length * columns.length ? null : `ragged rows: ${values.length} values do not fill ${labels.length} classes × ${columns.length} columns`;
  }
  const expected = CURVE_COLUMNS[e.kind]!;
  if (columns.length !== expected.length || columns.some((c, i) => c !== expected[i])) return `a ${e.kind} has the columns ${expected.join(', ')}`;
  if (values.length === 0 || values.length % 3 !== 0) return `ragged rows: ${values.length} values do not fill rows of 3 columns`;
  for (let i = 0; i < values.length; i += 3) {
    if (values[i + 1]! < 0 || values[i + 1]! > 1 || values[i + 2]! < 0 || values[i + 2]! > 1) return `row ${i / 3}: ${expected[1]} and ${expected[2]} lie in [0, 1]`;
  }
  return null;
}

function checkSamples(e: SamplesLogged): string | null {
  const base = checkKey('samples name', e.name) ?? checkStep(e.step) ?? (e.loggedAt < 0 ? 'loggedAt is negative' : null) ??
    (e.samples.length === 0 ? 'no samples' : null) ?? (e.samples.length > LIMITS.samplesPerEvent ? `more than ${LIMITS.samplesPerEvent} samples in one event` : null);
  if (base) return base;
  for (let i = 0; i < e.samples.length; i++) {
    const s = e.samples[i]!;
    const r = checkKey(`sample ${i} inputId`, s.inputId) ??
      ((s.text === null || s.text === undefined) && !s.uri ? `sample ${i} (${s.inputId}) has neither text nor uri` : null) ??
      checkText(`sample ${i} text`, s.text ?? '', LIMITS.sampleTextLength) ?? checkText(`sample ${i} uri`, s.uri ?? '') ?? checkText(`sample ${i} digest`, s.digest ?? '', LIMITS.keyLength) ??
      (Object.keys(s.scores ?? {}).length > LIMITS.scoresPerSample ? `sample ${i} has more than ${LIMITS.scoresPerSample} scores` : null) ??
      checkMap(`sample ${i} scores`, s.scores ?? {}, (k, v) => (Number.isFinite(v) ? null : `sample ${i} score "${k}" is not a finite number`));
    if (r) return r;
  }
  return null;
}

function checkLogLines(e: LogLines): string | null {
  if (e.lines.length === 0) return 'no lines';
  if (e.lines.length > LIMITS.linesPerEvent) return `more than ${LIMITS.linesPerEvent.toLocaleString('en-US')} lines in one event`;
  if (e.workerRank !== null && e.workerRank < 0) return `worker rank ${e.workerRank} is negative`;
  let previous = -1;
  for (let i = 0; i < e.lines.length; i++) {
    const l = e.lines[i]!;
    if (!Number.isSafeInteger(l.seq) || l.seq < 0) return `line ${i}: seq ${l.seq} is not a non-negative integer`;
    if (l.seq <= previous) return `line ${i}: seq ${l.seq} does not follow ${previous} (lines are numbered in order)`;
    previous = l.seq;
    if (l.at < 0) return `line ${i}: at is negative`;
    if (l.text.length > LIMITS.lineLength) return `line ${i} is longer than ${LIMITS.lineLength.toLocaleString('en-US')} characters`;
  }
  return null;
}

function checkOutcomeBatch(b: OutcomeBatch): string | null {
  const n = b.unitIds.length;
  if (n === 0) return 'the batch has no records';
  if (n > LIMITS.outcomesPerBatch) return `more than ${LIMITS.outcomesPerBatch} records in one batch`;
  for (const [name, column] of [['variantIndex', b.variantIndex], ['metricIndex', b.metricIndex], ['values', b.values], ['times', b.times]] as const) {
    if (column.length !== n) return `${name} has ${column.length} entries for ${n} unitIds`;
  }
  if (b.covariates.length !== 0 && b.covariates.length !== n) return `covariates has ${b.covariates.length} entries: give none or one per record (${n})`;
  const perUnit = b.metricsPerUnit ?? [];
  if (perUnit.length !== 0 && perUnit.length !== b.metrics.length) return `metricsPerUnit has ${perUnit.length} entries: give none or one per metric (${b.metrics.length})`;
  if (b.variants.length === 0) return 'variants is empty';
  if (b.variants.length > LIMITS.variantsPerExperiment) return `more than ${LIMITS.variantsPerExperiment} variants`;
  if (b.metrics.length > LIMITS.metricsPerExperiment) return `more than ${LIMITS.metricsPerExperiment} metrics`;
  // Names are dictionaries: one name twice would make two rows of one sort key, and one would be lost.
  for (const [what, names] of [['variant', b.variants], ['metric', b.metrics]] as const) {
    const seen = new Set<string>();
    for (const name of names) {
      const r = checkKey(what, name) ?? (seen.has(name) ? `${what} "${name.slice(0, 40)}" is in the ${what}s twice` : null);
      if (r) return r;
      seen.add(name);
    }
  }
  for (let i = 0; i < n; i++) {
    const unit = b.unitIds[i]!;
    if (unit.length === 0 || unit.length > LIMITS.keyLength) return `record ${i}: unit id is ${unit.length === 0 ? 'empty' : `longer than ${LIMITS.keyLength} characters`}`;
    const v = b.variantIndex[i]!;
    if (!(v >= 0 && v < b.variants.length)) return `record ${i}: variantIndex ${v} outside the ${b.variants.length} variants`;
    const m = b.metricIndex[i]!;
    if (!(m >= -1 && m < b.metrics.length)) return `record ${i}: metricIndex ${m} outside -1 (an exposure) and the ${b.metrics.length} metrics`;
    if (!Number.isFinite(b.values[i]!)) return `record ${i}: value ${b.values[i]} is not a finite number`;
    if (b.covariates.length > 0 && !Number.isFinite(b.covariates[i]!)) return `record ${i}: covariate ${b.covariates[i]} is not a finite number`;
    const t = b.times[i]!;
    if (!Number.isSafeInteger(t) || t < 0) return `record ${i}: time ${t} is not a non-negative integer of milliseconds`;
  }
  return null;
}

function checkOnlineExperiment(e: OnlineExperimentDeclared): string | null {
  const simple =
    (e.name.trim() === '' ? 'name is empty' : null) ?? checkText('name', e.name, LIMITS.nameLength) ?? checkText('description', e.description) ??
    checkModelName('model', e.model) ?? checkText('actor', e.actor, LIMITS.keyLength) ?? (e.declaredAt < 0 ? 'declaredAt is negative' : null) ??
    (e.alpha > 0 && e.alpha <= 0.5 ? null : `alpha ${e.alpha} is not in (0, 0.5]`) ??
    (Number.isSafeInteger(e.plannedSampleSize) && e.plannedSampleSize >= 1 ? null : `plannedSampleSize ${e.plannedSampleSize} is not a positive integer`);
  if (simple) return simple;
  if (e.variants.length < 2) return 'an experiment compares at least 2 variants';
  if (e.variants.length > LIMITS.variantsPerExperiment) return `more than ${LIMITS.variantsPerExperiment} variants`;
  const names = new Set<string>();
  let weights = 0;
  for (const v of e.variants) {
    const r = checkKey('variant name', v.name) ?? (names.has(v.name) ? `variant "${v.name}" is named twice` : null) ??
      (v.alias !== null ? checkAliasName(v.alias) : null) ?? (Number.isSafeInteger(v.version) && v.version >= 1 ? null : `variant "${v.name}": version ${v.version} is not a positive integer`) ??
      checkId('runId', v.runId) ?? (Number.isFinite(v.weight) && v.weight > 0 ? null : `variant "${v.name}": weight ${v.weight} is not a positive number`);
    if (r) return r;
    names.add(v.name);
    weights += v.weight;
  }
  if (Math.abs(weights - 1) > 1e-6) return `the variants' weights sum to ${weights}, not 1`;
  if (!names.has(e.control)) return `control "${e.control}" is none of the variants (${[...names].join(', ')})`;
  if (e.metrics.length === 0) return 'metrics is empty';
  if (e.metrics.length > LIMITS.metricsPerExperiment) return `more than ${LIMITS.metricsPerExperiment} metrics`;
  const metricNames = new Set<string>();
  for (const m of e.metrics) {
    const r = checkKey('metric name', m.name) ?? (metricNames.has(m.name) ? `metric "${m.name}" is named twice` : null) ??
      (m.statistic === 'p95' && m.kind !== 'continuous' ? `metric "${m.name}": p95 needs a continuous metric` : null) ??
      (m.statistic === 'p95' && m.role !== 'guardrail' ? `metric "${m.name}": p95 is for guardrails (its interval is fixed-horizon only)` : null) ??
      (m.role === 'guardrail' && !(m.margin !== null && Number.isFinite(m.margin) && m.margin >= 0) ? `guardrail "${m.name}" needs a non-negative margin (how much worse the challenger may be)` : null) ??
      (m.role !== 'guardrail' && m.margin !== null ? `metric "${m.name}": only guardrails take a margin` : null);
    if (r) return r;
    metricNames.add(m.name);
  }
  if (!e.metrics.some((m) => m.role === 'primary')) return 'no metric has role "primary": name the one the decision rests on';
  return null;
}

export function validateEvent(event: AnyEvent): string | null {
  const v = event.value;
  if (event.type === 'RegistryChanged') return checkEventStrings(event) ?? checkId('project', v.project) ?? checkRegistryChange(event.value);
  if (event.type === 'EvidenceSaved') {
    const e = event.value;
    return checkEventStrings(event) ?? checkId('project', e.project) ?? checkId('evidenceId', e.evidenceId) ?? checkText('actor', e.actor, LIMITS.keyLength) ?? (e.at < 0 ? 'at is negative' : null) ??
      checkText('note', e.note ?? '') ?? (e.runIds ?? []).reduce<string | null>((r, id) => r ?? checkId('runId', id), null) ?? (/^[0-9a-f]{64}$/.test(e.contentHash) ? null : 'contentHash is not a sha256 in hex');
  }
  const base = checkEventStrings(event) ?? checkId('project', v.project) ?? ('runId' in v ? checkId('runId', v.runId!) : checkId('experimentId', (v as { experimentId: string }).experimentId));
  if (base) return base;
  if ('producerId' in v || 'sequence' in v) {
    const identity = checkIdentity(v as EventIdentity);
    if (identity) return identity;
  }
  switch (event.type) {
    case 'RunStarted': {
      const e = event.value;
      if (e.sweepId !== null) {
        const r = checkId('sweepId', e.sweepId);
        if (r) return r;
      }
      return (
        checkText('experiment', e.experiment, LIMITS.nameLength) ??
        checkText('name', e.name, LIMITS.nameLength) ??
        checkText('user', e.user, LIMITS.nameLength) ??
        (e.startedAt < 0 ? 'startedAt is negative' : null) ??
        checkMap('params', e.params, checkParamValue) ??
        checkMap('tags', e.tags, (k, t) => checkText(`tag "${k}"`, t as string)) ??
        checkMap('environment libraries', e.lineage.environment.libraries, (k, t) => checkText(`library "${k}"`, t as string))
      );
    }
    case 'MetricBatch':
      return checkMetricBatch(event.value);
    case 'TableLogged':
      return checkTable(event.value);
    case 'SamplesLogged':
      return checkSamples(event.value);
    case 'LogLines':
      return checkLogLines(event.value);
    case 'ParamsLogged': {
      const e = event.value;
      return (
        (e.loggedAt < 0 ? 'loggedAt is negative' : null) ??
        (e.step !== null && (!Number.isSafeInteger(e.step) || e.step < 0) ? `step ${e.step} is not a non-negative integer` : null) ??
        (Object.keys(e.params).length === 0 ? 'params is empty' : null) ??
        checkMap('params', e.params, checkParamValue) ??
        checkMap('param texts', e.texts ?? {}, (k, t) => (k in e.params ? checkText(`param text "${k}"`, t as string) : `param text "${k}" names no param of the event`))
      );
    }
    case 'TagsSet': {
      const e = event.value;
      const removed = e.removed ?? [];
      if (Object.keys(e.tags).length === 0 && removed.length === 0) return 'sets and removes no tag';
      if (removed.length > LIMITS.mapEntries) return `removes more than ${LIMITS.mapEntries} tags`;
      for (const k of removed) {
        const r = checkKey('removed tag', k);
        if (r) return r;
      }
      return (e.setAt < 0 ? 'setAt is negative' : null) ?? checkMap('tags', e.tags, (k, t) => checkText(`tag "${k}"`, t as string));
    }
    case 'ExperimentDeclared': {
      const e = event.value;
      return (
        (e.name.trim() === '' ? 'experiment name is empty' : null) ??
        checkText('experiment name', e.name, LIMITS.nameLength) ??
        checkText('artifactLocation', e.artifactLocation ?? '') ??
        (e.declaredAt < 0 ? 'declaredAt is negative' : null) ??
        checkMap('experiment tags', e.tags ?? {}, (k, t) => checkText(`tag "${k}"`, t as string))
      );
    }
    case 'RunLifecycleSet':
      return event.value.setAt < 0 ? 'setAt is negative' : null;
    case 'OutcomeBatch':
      return checkOutcomeBatch(event.value);
    case 'OnlineExperimentDeclared':
      return checkOnlineExperiment(event.value);
    case 'RunHeartbeat': {
      const e = event.value;
      return (e.at < 0 ? 'at is negative' : null) ?? (e.workerRank !== null && e.workerRank < 0 ? `worker rank ${e.workerRank} is negative` : null);
    }
    case 'ArtifactLogged': {
      const e = event.value;
      return (
        checkKey('artifact name', e.name) ??
        checkText('artifact uri', e.uri) ??
        (e.sizeBytes < 0 ? 'artifact size is negative' : null) ??
        (e.step !== null && (!Number.isSafeInteger(e.step) || e.step < 0) ? 'artifact step is negative' : null) ??
        checkMap('artifact metadata', e.metadata, (k, t) => checkText(`metadata "${k}"`, t as string))
      );
    }
    case 'RunFinished': {
      const e = event.value;
      return (
        (e.endedAt < 0 ? 'endedAt is negative' : null) ??
        checkMap('summary', e.summary, (k, x) => (Number.isFinite(x as number) ? null : `summary "${k}" is not a finite number`))
      );
    }
  }
}
