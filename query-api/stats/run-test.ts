// Runs one named test through the statistics module and shapes the answer both endpoints share:
// statistic, p-value, an estimate with its interval, effect size, sizes, and warnings when the
// sample sizes make significance impossible. The estimate is the one the test is about: the mean
// difference for t-tests (and the bootstrap, which gives an interval and no p-value), the
// Hodges–Lehmann estimate and the interval that inverts the test for rank tests, so estimate,
// interval and p-value of a rank test rest on the same ranks and cannot point different ways.
// Bad input surfaces as the module's StatsInputError.
import {
  bootstrapMeanDifference,
  EXACT,
  hodgesLehmannPaired,
  hodgesLehmannTwoSample,
  mannWhitneyU,
  pairedTTest,
  StatsInputError,
  welchTTest,
  wilcoxonSignedRank,
  type EffectSize,
  type HodgesLehmannResult,
  type Interval,
} from '../engines/statistics/index.ts';
import { significant } from './format.ts';
import { jsonSafe, safeNumber } from '../http/json-safe.ts';
import { mannWhitneyMinP, wilcoxonMinP } from './min-p.ts';
import { HL_MEDIAN_DIFFERENCE, HL_SHIFT, MEAN_DIFFERENCE, type EstimateName, type TestOutcome, type TestSpec } from './types.ts';

/** Below this many values per sample, percentile-type bootstrap intervals are known to be too narrow. */
export const BOOTSTRAP_SMALL_N = 10;

interface Core {
  testName: string;
  method: string;
  label: string;
  statistic: number | null;
  statisticName: string;
  df: number | null;
  z: number | null;
  pValue: number | null;
  estimate: number;
  estimateName: EstimateName;
  interval: (Interval & { method: string }) | null;
  effectSize: EffectSize | null;
  minAchievableP: number | null;
  details: object;
  note?: string;
}

function meanOf(x: number[]): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

/** Mean of a − b (paired) or mean(a) − mean(b); only called once the module accepted the samples. */
function meanDifference(a: number[], b: number[], paired: boolean): number {
  return paired ? meanOf(a.map((v, i) => v - b[i]!)) : meanOf(a) - meanOf(b);
}

/** The t-test whose Cohen's d accompanies the bootstrap; null (with a note) when it cannot be computed. */
function companionT(spec: TestSpec, notes: string[]) {
  try {
    const opts = { alternative: spec.alternative, confidence: spec.confidence };
    return spec.paired ? pairedTTest(spec.a, spec.b, opts) : welchTTest(spec.a, spec.b, opts);
  } catch (err) {
    if (!(err instanceof StatsInputError)) throw err;
    notes.push(`no Cohen's d: ${err.message}`);
    return null;
  }
}

/** How a Hodges–Lehmann interval was found, for `confidenceInterval.method`. */
function shiftIntervalMethod(hl: HodgesLehmannResult): string {
  if (hl.count === 0) return `every difference a - b is 0, and so is the ${HL_MEDIAN_DIFFERENCE}: the interval collapses to it`;
  const values = hl.kind === 'paired' ? `the ${hl.count} Walsh averages (d_i + d_j)/2 of the nonzero differences d = a - b` : `the ${hl.count} differences a_i - b_j`;
  const ranks = [hl.lowerRank, hl.upperRank].filter((r) => r !== null).join(' and ');
  const distribution = `${hl.method === EXACT ? 'exact' : 'normal approximation (tie and continuity corrected) of the'} null distribution of ${hl.kind === 'paired' ? 'W+' : 'U'}`;
  return `distribution-free interval of the ${hl.kind === 'paired' ? HL_MEDIAN_DIFFERENCE : HL_SHIFT}: order statistic(s) ${ranks} of ${values}, from the ${distribution}, as R's wilcox.test(conf.int = TRUE)`;
}

/** The Hodges–Lehmann interval for the answer; null when no level above 0 is reachable (one value per side, one pair). */
function shiftInterval(hl: HodgesLehmannResult, notes: string[]): Core['interval'] {
  if (hl.count > 0 && hl.achievedConfidence <= 0) {
    notes.push(`no confidence interval: from ${hl.count === 1 ? 'a single value' : 'so few values'} no interval of the ${hl.kind === 'paired' ? HL_MEDIAN_DIFFERENCE : HL_SHIFT} reaches any confidence`);
    return null;
  }
  if (hl.note && hl.count > 0) notes.push(`Hodges-Lehmann interval: ${hl.note}`);
  return { ...hl.interval, method: shiftIntervalMethod(hl) };
}

/** Rank tests: says so when the mean points the other way from the Hodges–Lehmann estimate. */
function meanNote(spec: TestSpec, hl: HodgesLehmannResult, notes: string[]): void {
  const mean = meanDifference(spec.a, spec.b, spec.paired);
  if (Number.isFinite(mean) && mean !== 0 && hl.estimate !== 0 && Math.sign(mean) !== Math.sign(hl.estimate)) {
    notes.push(`the ${MEAN_DIFFERENCE} a - b is ${significant(mean, 3)}, of the other sign: a few extreme values pull the mean, which the rank test and its estimate do not follow`);
  }
}

function core(spec: TestSpec, notes: string[], warnings: string[]): Core {
  const { a, b, alternative, confidence, method } = spec;
  switch (spec.test) {
    case 'paired-t':
    case 'welch-t': {
      const r = spec.test === 'paired-t' ? pairedTTest(a, b, { alternative, confidence }) : welchTTest(a, b, { alternative, confidence });
      return {
        testName: r.test, method: r.method, label: spec.test === 'paired-t' ? 'paired t-test' : "Welch's t-test",
        statistic: r.statistic, statisticName: 't', df: r.df, z: null, pValue: r.pValue, estimate: r.estimate, estimateName: MEAN_DIFFERENCE,
        interval: { ...r.confidenceInterval, method: `t interval of the ${spec.paired ? 'mean paired difference' : 'difference of means (Welch)'}` },
        effectSize: r.effectSize, minAchievableP: null, details: r, note: r.note,
      };
    }
    case 'wilcoxon': {
      const r = wilcoxonSignedRank(a, b, { alternative, method });
      const hl = hodgesLehmannPaired(a, b, { alternative, confidence, method: r.method === EXACT ? 'exact' : 'approximate' });
      meanNote(spec, hl, notes);
      return {
        testName: r.test, method: r.method, label: `Wilcoxon signed-rank, ${r.method === EXACT ? 'exact' : 'normal approximation'}`,
        statistic: r.statistic, statisticName: 'W', df: null, z: r.z ?? null, pValue: r.pValue, estimate: hl.estimate, estimateName: HL_MEDIAN_DIFFERENCE,
        interval: shiftInterval(hl, notes),
        effectSize: r.effectSize, minAchievableP: wilcoxonMinP(r.nUsed, alternative, method), details: { ...r, hodgesLehmann: hl }, note: r.note,
      };
    }
    case 'mann-whitney': {
      const r = mannWhitneyU(a, b, { alternative, method });
      const hl = hodgesLehmannTwoSample(a, b, { alternative, confidence, method: r.method === EXACT ? 'exact' : 'approximate' });
      meanNote(spec, hl, notes);
      return {
        testName: r.test, method: r.method, label: `Mann-Whitney U, ${r.method === EXACT ? 'exact' : 'normal approximation'}`,
        statistic: r.statistic, statisticName: 'U', df: null, z: r.z ?? null, pValue: r.pValue, estimate: hl.estimate, estimateName: HL_SHIFT,
        interval: shiftInterval(hl, notes),
        effectSize: r.effectSize, minAchievableP: mannWhitneyMinP(r.nA, r.nB, alternative, method), details: { ...r, hodgesLehmann: hl }, note: r.note,
      };
    }
    case 'bootstrap': {
      const r = bootstrapMeanDifference(a, b, { paired: spec.paired, alternative, confidence, seed: spec.seed, resamples: spec.resamples });
      const t = companionT(spec, notes);
      if (Math.min(r.nA, r.nB) < BOOTSTRAP_SMALL_N) {
        warnings.push(`bootstrap intervals tend to be too narrow with fewer than ${BOOTSTRAP_SMALL_N} values per sample (here ${Math.min(r.nA, r.nB)}); prefer test 'auto', a t-test or a rank test`);
      }
      notes.push('the bootstrap gives an interval, not a p-value: pValue is null, and the difference counts as significant when the BCa interval excludes 0');
      return {
        testName: 'bootstrap', method: `BCa, ${r.resamples} resamples, seed ${r.seed}`, label: `bootstrap BCa, ${r.resamples} resamples`,
        statistic: r.estimate, statisticName: 'mean difference', df: null, z: null, pValue: null, estimate: r.estimate, estimateName: MEAN_DIFFERENCE,
        interval: { ...r.bca, method: `BCa bootstrap interval of the ${spec.paired ? 'mean paired difference' : 'difference of means'} (percentile interval in details)` },
        effectSize: t?.effectSize ?? null, minAchievableP: null, details: r, note: r.note,
      };
    }
  }
}

const excludesZero = (i: Interval) => i.lower > 0 || i.upper < 0;

/** Runs `spec.test`; `reason` and `warnings` come from the caller's choice of test and pairing. */
export function runTest(spec: TestSpec, reason: string | null = null, warnings: string[] = []): TestOutcome {
  const notes: string[] = [];
  const out = [...warnings];
  const c = core(spec, notes, out);
  if (c.note) notes.unshift(c.note);
  if (c.minAchievableP !== null && c.minAchievableP > spec.alpha) {
    const sizes = spec.paired ? `${spec.a.length} pair(s)` : `${spec.a.length} and ${spec.b.length} value(s)`;
    out.push(`with ${sizes} the ${c.testName} (${c.method}) cannot give p below ${significant(c.minAchievableP, 3)}: it can never reach significance at alpha = ${spec.alpha}, whatever the effect; add runs (seeds) or use a t-test`);
  }
  const significantResult = c.pValue !== null ? c.pValue <= spec.alpha : c.interval !== null && excludesZero(c.interval);
  return {
    test: spec.test,
    testName: c.testName,
    method: c.method,
    label: c.label,
    paired: spec.paired,
    alternative: spec.alternative,
    alpha: spec.alpha,
    statistic: c.statistic === null ? null : safeNumber(c.statistic, 'statistic', notes),
    statisticName: c.statisticName,
    df: c.df,
    z: c.z === null ? null : safeNumber(c.z, 'z', notes),
    pValue: c.pValue,
    significant: significantResult,
    estimate: safeNumber(c.estimate, 'estimate', notes),
    estimateName: c.estimateName,
    confidenceInterval: c.interval && {
      lower: safeNumber(c.interval.lower, 'confidenceInterval.lower', notes),
      upper: safeNumber(c.interval.upper, 'confidenceInterval.upper', notes),
      confidence: c.interval.confidence,
      method: c.interval.method,
    },
    effectSize: c.effectSize && { measure: c.effectSize.measure, value: safeNumber(c.effectSize.value, 'effectSize.value', notes) },
    n: { a: spec.a.length, b: spec.b.length, pairs: spec.paired ? spec.a.length : null },
    minAchievableP: c.minAchievableP,
    reason,
    warnings: out,
    notes,
    details: jsonSafe(c.details) as Record<string, unknown>,
  };
}
