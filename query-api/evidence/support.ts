// What a saved answer shows, read as the registry needs it: which runs it involves, and whether
// it shows one run significantly better than another — a /v1/stats/compare whose test is
// significant with the run on the better side, or a /v1/stats/leaderboard whose best group
// holds the run while the other run's group is distinguishable from the best. Other answers
// (compare, groups, importance, best region) inform but test nothing between runs. Pure.
import type { EvidenceKind } from '../../schemas/events.ts';

/** The query routes whose answers can be saved, by the kind they are saved as. */
export const EVIDENCE_ROUTES: Readonly<Record<string, EvidenceKind>> = {
  '/v1/compare': 'compare',
  '/v1/groups': 'groups',
  '/v1/stats/compare': 'statsCompare',
  '/v1/stats/leaderboard': 'statsLeaderboard',
  '/v1/sweeps/importance': 'sweepsImportance',
  '/v1/sweeps/best-region': 'sweepsBestRegion',
  '/v1/online/analysis': 'onlineAnalysis',
};
export const routeOfKind = (kind: EvidenceKind): string => Object.keys(EVIDENCE_ROUTES).find((r) => EVIDENCE_ROUTES[r] === kind)!;

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every run id the request and the answer name (runIds lists at any depth, compare's runs[].id), sorted, once each. */
export function runsInvolved(request: unknown, answer: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key: string | null): void => {
    if (Array.isArray(v)) {
      if (key === 'runIds') for (const x of v) if (typeof x === 'string') found.add(x);
      for (const x of v) walk(x, key === 'runs' ? 'run' : null);
    } else if (isJson(v)) {
      if (key === 'run' && typeof v.id === 'string') found.add(v.id);
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(request, null);
  walk(answer, null);
  return [...found].sort();
}

export interface Verdict {
  supports: boolean;
  /** Why, in a sentence fragment (for a 409 or the trail). */
  why: string;
}

const listed = (side: Json | undefined, run: string) => Array.isArray(side?.runIds) && (side.runIds as unknown[]).includes(run);

function fromCompare(answer: Json, winner: string, loser: string | null): Verdict {
  const result = isJson(answer.result) ? answer.result : {};
  const sides = isJson(answer.sides) ? answer.sides : {};
  const a = isJson(sides.a) ? sides.a : undefined;
  const b = isJson(sides.b) ? sides.b : undefined;
  if (answer.direction !== 'maximize' && answer.direction !== 'minimize') return { supports: false, why: 'the test names no direction (maximize or minimize), so it cannot say which side is better' };
  if (result.significant !== true) return { supports: false, why: `the difference is not significant${typeof result.pValue === 'number' ? ` (p = ${Number(result.pValue.toPrecision(2))})` : ''}` };
  if (typeof result.estimate !== 'number') return { supports: false, why: 'the test gives no estimate of the difference, so it cannot say which side is better' };
  const estimate = result.estimate;
  const aBetter = (estimate > 0) === (answer.direction === 'maximize');
  const [better, worse] = aBetter ? [a, b] : [b, a];
  if (!listed(better, winner)) return { supports: false, why: `run ${winner} is not on the better side` };
  if (loser !== null && !listed(worse, loser)) return { supports: false, why: `run ${loser} is not on the worse side` };
  return { supports: true, why: String(answer.summary ?? 'significant') };
}

function fromLeaderboard(answer: Json, winner: string, loser: string | null): Verdict {
  const groups = (Array.isArray(answer.groups) ? answer.groups : []).filter(isJson);
  const best = groups.find((g) => g.label === answer.best) ?? groups.find((g) => g.rank === 1);
  if (!best || !listed(best, winner)) return { supports: false, why: `run ${winner} is not in the best group${best ? ` (${String(best.label)})` : ''}` };
  if (loser === null) return { supports: true, why: String(answer.summary ?? 'the best group') };
  const theirs = groups.find((g) => listed(g, loser));
  if (!theirs) return { supports: false, why: `run ${loser} is in no group of the leaderboard` };
  if (theirs === best) return { supports: false, why: `runs ${winner} and ${loser} are in the same group (${String(best.label)})` };
  const vs = isJson(theirs.vsBest) ? theirs.vsBest : {};
  if (vs.significant !== true) return { supports: false, why: `group ${String(theirs.label)} (run ${loser}) is indistinguishable from the best` };
  return { supports: true, why: String(answer.summary ?? 'significantly better than the holder') };
}

/**
 * An online experiment's answer supports moving `winner` in over `loser` when the variant of
 * winner's run beats the control (loser's run, if there is a holder) on every primary metric, on
 * the basis the answer was asked on, every guardrail passed, and the sample-ratio check found
 * no mismatch.
 */
function fromOnline(answer: Json, winner: string, loser: string | null): Verdict {
  const experiment = isJson(answer.experiment) ? answer.experiment : {};
  const variants = (Array.isArray(experiment.variants) ? experiment.variants : []).filter(isJson);
  const mine = variants.find((v) => v.runId === winner);
  if (!mine) return { supports: false, why: `run ${winner} is none of the experiment's variants` };
  if (mine.name === experiment.control) return { supports: false, why: `run ${winner} is the experiment's control, not a challenger` };
  const control = variants.find((v) => v.name === experiment.control);
  if (loser !== null && control?.runId !== loser) return { supports: false, why: `run ${loser} is not the experiment's control` };
  const srm = isJson(answer.srm) ? answer.srm : {};
  if (srm.mismatch !== false) return { supports: false, why: `the sample-ratio check failed: ${String(srm.message ?? 'mismatch')}` };
  if (typeof srm.chiSquare !== 'number') return { supports: false, why: 'the sample-ratio check did not run (no exposures logged): the split cannot be trusted' };
  const metrics = (Array.isArray(answer.metrics) ? answer.metrics : []).filter(isJson);
  const ours = (m: Json) => (Array.isArray(m.comparisons) ? m.comparisons : []).filter(isJson).find((c) => c.variant === mine.name);
  const primary = metrics.filter((m) => m.role === 'primary');
  if (primary.length === 0) return { supports: false, why: 'the answer has no primary metric' };
  for (const m of primary) {
    const c = ours(m);
    if (c?.verdict !== 'better') return { supports: false, why: `on ${String(m.name)} the challenger is ${String(c?.verdict ?? 'not compared')}` };
    // A fixed-horizon answer is valid read once, at the planned size: before it, only the sequential one.
    const sides = isJson(c.sides) ? c.sides : {};
    const n = (isJson(sides.variant) ? Number(sides.variant.n) : 0) + (isJson(sides.control) ? Number(sides.control.n) : 0);
    const planned = Number(experiment.plannedSampleSize) * (Number(mine.weight) + Number(control?.weight ?? 0));
    if (answer.basis === 'fixedHorizon' && !(n >= planned)) return { supports: false, why: `a fixed-horizon answer counts only at the planned sample size (${Math.ceil(planned).toLocaleString('en-US')} observations of ${String(m.name)}; it has ${n.toLocaleString('en-US')}): save the sequential answer` };
  }
  for (const m of metrics.filter((x) => x.role === 'guardrail')) {
    const g = ours(m)?.guardrail;
    if (!isJson(g) || g.status !== 'passed') return { supports: false, why: `guardrail ${String(m.name)} ${isJson(g) ? `is ${String(g.status)}` : 'has not enough data'}` };
  }
  return { supports: true, why: String(answer.summary ?? 'better online') };
}

/** Whether the evidence shows `winner` significantly better than `loser` (null: no holder, so among the best is enough). */
export function shows(kind: EvidenceKind, answer: unknown, winner: string, loser: string | null): Verdict {
  if (!isJson(answer)) return { supports: false, why: 'the saved answer is not an object' };
  if (kind === 'statsCompare') return fromCompare(answer, winner, loser);
  if (kind === 'statsLeaderboard') return fromLeaderboard(answer, winner, loser);
  if (kind === 'onlineAnalysis') return fromOnline(answer, winner, loser);
  return { supports: false, why: `a ${routeOfKind(kind)} answer tests nothing between runs; save a /v1/stats/compare or /v1/stats/leaderboard` };
}
