// The project's names for checking the params and metrics a request names (filter fields,
// sort keys, columns, metric lists, grouping params). Served from storage/project-names.ts's short cache, but
// reloaded (or a load under a second old shared) when a name is missing from the cached copy:
// a metric first logged seconds ago is not unknown. Only the names the request needs are loaded.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { badRequest } from '../../common/http/errors.ts';
import { unknownMetric, unknownParam, type MetricStyle } from '../filter/names.ts';
import { metricNames, paramNames, type MetricNames, type ParamNames } from '../../storage/project-names.ts';

/** A name a request uses: a param, or a metric key with a segment (any segment when omitted). Filter fields fit as they are. */
export type NameRef = { kind: 'param'; name: string } | { kind: 'metric'; key: string; segment?: string } | { kind: 'tag' | 'attribute' | 'lineage' | 'library' };

export interface ProjectNames {
  /** Absent when the request names no param. */
  params?: ParamNames;
  /** Absent when the request names no metric. */
  metrics?: MetricNames;
}

async function load<C, N>(names: N[], get: (fresh: boolean) => Promise<C>, has: (c: C, n: N) => boolean): Promise<C | undefined> {
  if (names.length === 0) return undefined;
  const cached = await get(false);
  return names.every((n) => has(cached, n)) ? cached : get(true);
}

export async function namesFor(ch: ClickHouseClient, project: string, refs: Iterable<NameRef>): Promise<ProjectNames> {
  const params: string[] = [];
  const metrics: { key: string; segment?: string }[] = [];
  for (const r of refs) {
    if (r.kind === 'param') params.push(r.name);
    else if (r.kind === 'metric') metrics.push(r);
  }
  const [p, m] = await Promise.all([
    load(params, (fresh) => paramNames(ch, project, fresh), (c, n) => c.has(n)),
    load(metrics, (fresh) => metricNames(ch, project, fresh), (c, n) => (n.segment === undefined ? c.has(n.key) : c.get(n.key)?.has(n.segment) === true)),
  ]);
  return { ...(p ? { params: p } : {}), ...(m ? { metrics: m } : {}) };
}

/** A 400 naming an unknown param (with "did you mean"); `what` says which part of the request named it. */
export function requireParam(name: string, params: ParamNames | undefined, what: string): void {
  const why = unknownParam(name, params);
  if (why) throw badRequest(`${what}: ${why}`);
}

/** A 400 naming an unknown metric summary or series (with "did you mean"). */
export function requireMetric(m: { key: string; segment: string }, metrics: MetricNames | undefined, style: MetricStyle, what: string): void {
  const why = unknownMetric(m, metrics, style);
  if (why) throw badRequest(`${what}: ${why}`);
}
