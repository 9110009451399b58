// What a sweep request names as an axis, a colour or a target: a param ("lr" or "params.lr"), a
// metric summary ("metrics.val/acc.max", "metrics.val/acc[class=cat].last"), or a field of the
// run itself — a tag ("tags.team") or lineage ("lineage.git_commit", "lineage.libraries.torch").
// Parsed with the filter language's field rules so every endpoint spells fields the same way;
// anything else (the attributes: a bare name is a param) is a 400 that says what to send.
import { badRequest } from '../../common/http/errors.ts';
import { fieldLabel, fieldType, parseField } from '../filter/fields.ts';
import { parseMetricRef, type MetricRef } from '../selection/selection.ts';
import type { RunFieldColumnRef } from '../../storage/sweep-columns.ts';

export type SweepField =
  | { kind: 'param'; name: string; label: string }
  | { kind: 'metric'; ref: MetricRef; label: string }
  | { kind: 'run'; ref: RunFieldColumnRef; label: string };

const EXPECTED = 'sweep charts plot params.<name>, metrics.<key>[<segment>].<aggregate>, tags.<name> or lineage.<name>';

/** A field of a sweep request; `what` names the request field in messages ("axes[2]", "x"). */
export function parseSweepField(input: string, what: string): SweepField {
  const text = input.trim();
  if (text === '') throw badRequest(`${what} is empty; name a param (lr or params.lr) or a metric summary (metrics.val/acc.max)`);
  if (!text.startsWith('params.') && !text.startsWith('metrics.')) {
    if (!/^(tags|lineage)\./.test(text)) return { kind: 'param', name: text, label: `params.${text}` };
  }
  const f = parseField(text);
  if (typeof f === 'string') throw badRequest(`${what}: "${text}" is not a field; expected ${f}`);
  if (f.kind === 'param') return { kind: 'param', name: f.name, label: fieldLabel(f) };
  if (f.kind === 'metric') {
    const ref: MetricRef = { key: f.key, segment: f.segment, aggregate: f.aggregate, label: `${f.key}${f.segment ? `[${f.segment}]` : ''}.${f.aggregate}` };
    return { kind: 'metric', ref, label: fieldLabel(f) };
  }
  if (f.kind === 'tag' || f.kind === 'lineage' || f.kind === 'library') {
    const label = fieldLabel(f);
    return { kind: 'run', ref: { field: f, type: fieldType(f) as RunFieldColumnRef['type'], label }, label };
  }
  throw badRequest(`${what}: "${text}" is not a param, a metric, a tag or lineage; ${EXPECTED}`);
}

/** The target metric summary of an analysis ("val/acc.max", "metrics.val/acc.max"; bare keys mean .last). */
export function parseTarget(input: string, what = 'target'): MetricRef {
  if (input.trim() === '') throw badRequest(`${what} is empty; name a metric summary, e.g. val/acc.max`);
  try {
    return parseMetricRef(input.trim());
  } catch (err) {
    throw badRequest(`${what}: ${(err as Error).message}`);
  }
}

/** A param name given with or without the "params." prefix. */
export const paramName = (input: string): string => input.replace(/^params\./, '');

/** Metric refs in first-seen order, one per label. */
export function distinctMetrics(refs: readonly MetricRef[]): MetricRef[] {
  const seen = new Map<string, MetricRef>();
  for (const r of refs) if (!seen.has(r.label)) seen.set(r.label, r);
  return [...seen.values()];
}

/** Run field refs in first-seen order, one per label. */
export function distinctRunFields(fields: readonly SweepField[]): RunFieldColumnRef[] {
  const seen = new Map<string, RunFieldColumnRef>();
  for (const f of fields) if (f.kind === 'run' && !seen.has(f.label)) seen.set(f.label, f.ref);
  return [...seen.values()];
}
