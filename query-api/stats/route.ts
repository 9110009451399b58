// POST /v1/stats/test, /v1/stats/compare and /v1/stats/leaderboard — significance tests on raw
// samples, between two sides of runs, and across groups of runs with corrected p-values. Scope
// `read`; runs come from the token's project only (projectOf). Bad input — non-finite values,
// empty samples, too few values, mismatched pairs — is a 400 naming what to change; every
// answer carries a plain sentence, and never NaN or Infinity (null plus a note instead).
import type { App, AppDeps } from '../deps.ts';
import { badRequest } from '../../common/http/errors.ts';
import { groupingParams } from '../groups/groups.ts';
import { groupRuns } from '../groups/grouping.ts';
import { projectOf } from '../../common/http/auth.ts';
import { parseMetricRef, runScope } from '../selection/selection.ts';
import { chooseAuto, pairedFor } from './choose-test.ts';
import { compareSides } from './compare-sides.ts';
import { jsonSafe } from '../http/json-safe.ts';
import { leaderboard } from './leaderboard.ts';
import { loadSelection, loadSide } from './load-sides.ts';
import { runTest } from './run-test.ts';
import { CompareBody, CompareResponse, LeaderboardBody, LeaderboardResponse, RawTestBody, RawTestResponse } from './schemas.ts';
import { summarize } from './sentence.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { namesFor } from '../selection/project-names.ts';
import { studiedFields } from '../compare/confounds.ts';

/** Groups one leaderboard may rank; more is a 400 asking for fewer grouping params. */
export const MAX_LEADERBOARD_GROUPS = 1000;

const DEFAULT_ALPHA = 0.05;

/**
 * 1 − alpha, the interval's level when none is given; below 1 even when alpha is under 2⁻⁵³ (the
 * schema allows any alpha in (0, 1), and 1 − 5e-324 is 1, a level no interval has).
 */
const defaultConfidence = (alpha: number): number => Math.min(1 - alpha, 1 - Number.EPSILON / 2);

/** Last guard before JSON: any non-finite number left becomes null, explained in `notes`. */
function finish<T extends { notes: string[] }>(out: T): T {
  const notes: string[] = [];
  const safe = jsonSafe(out, notes);
  safe.notes.push(...notes);
  return safe;
}

export async function statsRoutes(app: App, deps: AppDeps): Promise<void> {
  app.post(
    '/v1/stats/test',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Significance test on two raw samples: statistic, p-value, interval, effect size and a sentence',
        body: RawTestBody,
        response: { 200: RawTestResponse, 400: ErrorBody, ...AuthErrors },
      },
    },
    async (req) =>
      {
        const b = req.body;
        const alpha = b.alpha ?? DEFAULT_ALPHA;
        const alternative = b.alternative ?? 'two-sided';
        const requested = b.test ?? 'auto';
        const paired = pairedFor(requested, b.paired);
        const auto = requested === 'auto' ? chooseAuto({ paired, a: b.a, b: b.b, alternative, alpha, method: b.method }) : null;
        const outcome = runTest(
          { test: auto?.test ?? (requested as Exclude<typeof requested, 'auto'>), paired, a: b.a, b: b.b, alternative, alpha, confidence: b.confidence ?? defaultConfidence(alpha), method: b.method, seed: b.seed, resamples: b.resamples },
          auto?.reason ?? null,
          auto?.warnings ?? [],
        );
        const { label: _label, ...rest } = outcome;
        return finish({ summary: summarize(outcome, { labelA: 'a', labelB: 'b', pairedOver: 'pairs', unit: 'values' }), ...rest });
      },
  );

  app.post(
    '/v1/stats/compare',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Does side a beat side b on a metric? Paired by seed or segment when possible, with the reason, warnings and a sentence',
        body: CompareBody,
        response: { 200: CompareResponse, 400: ErrorBody, ...AuthErrors },
      },
    },
    async (req) => {
      const project = projectOf(req);
      const b = req.body;
      const metric = parseMetricRef(b.metric);
      const pairBy = b.pairBy ?? 'seed';
      if (pairBy === 'segment' && metric.segment !== '') {
        throw badRequest(`pairBy 'segment' pairs every segment of ${metric.key}; name the metric without a segment (e.g. ${metric.key}.${metric.aggregate})`);
      }
      const [a, bSide] = await Promise.all([
        loadSide(deps.clickhouse, runScope(project, deps), b.a, 'a', metric, pairBy === 'segment'),
        loadSide(deps.clickhouse, runScope(project, deps), b.b, 'b', metric, pairBy === 'segment'),
      ]);
      if (a.label === bSide.label) bSide.label = `${bSide.label} (b)`;
      const runs = [...a.runs, ...bSide.runs];
      // As in /v1/compare: a variable no run of the project has is a typo, not something to ignore.
      const known = b.variables
        ? await namesFor(deps.clickhouse, project, b.variables.filter((v) => !v.trim().startsWith('lineage.')).map((v) => ({ kind: 'param' as const, name: v.trim().replace(/^params\./, '') })))
        : {};
      const variables = b.variables && studiedFields(b.variables, {
        params: [...(known.params?.keys() ?? []), ...runs.flatMap((r) => Object.keys(r.params))],
        libraries: runs.flatMap((r) => Object.keys(r.lineage.environment.libraries)),
      });
      const alpha = b.alpha ?? DEFAULT_ALPHA;
      return finish(
        compareSides(a, bSide, {
          metric, pairBy, test: b.test ?? 'auto', alternative: b.alternative ?? 'two-sided', alpha, confidence: b.confidence ?? defaultConfidence(alpha),
          method: b.method, seed: b.seed, resamples: b.resamples, direction: b.direction, variables,
        }),
      );
    },
  );

  app.post(
    '/v1/stats/leaderboard',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Groups ranked by a metric; the best tested against each other group with corrected p-values; who is indistinguishable from the best',
        body: LeaderboardBody,
        response: { 200: LeaderboardResponse, 400: ErrorBody, ...AuthErrors },
      },
    },
    async (req) => {
      const project = projectOf(req);
      const b = req.body;
      const metric = parseMetricRef(b.metric);
      const { runs, values } = await loadSelection(deps.clickhouse, runScope(project, deps), b.selection ?? {}, metric);
      if (runs.length === 0) throw badRequest('the selection holds no runs; check its runIds, filter, experiment and sweep');
      const params = groupingParams(runs, b.groupBy);
      const groups = groupRuns(runs, params);
      if (groups.length > MAX_LEADERBOARD_GROUPS) {
        throw badRequest(`grouping by ${params.join(', ')} gives ${groups.length} groups, above the limit of ${MAX_LEADERBOARD_GROUPS}; group by fewer params or narrow the selection`);
      }
      const alpha = b.alpha ?? DEFAULT_ALPHA;
      return finish(
        leaderboard(groups, values, {
          metric, direction: b.direction, test: b.test ?? 'auto', pairBy: b.pairBy ?? 'seed', correction: b.correction ?? 'holm',
          alpha, confidence: b.confidence ?? defaultConfidence(alpha), method: b.method, groupParams: params,
        }),
      );
    },
  );
}
