// From two sides' observations to one test result: pairs them when asked and possible, decides
// paired or independent, picks the test (or checks the named one fits), and runs it. Shared by
// /v1/stats/compare and /v1/stats/leaderboard. Every refusal is a StatsInputError saying what to
// change; everything merely worth knowing becomes a warning on the result.
import { StatsInputError } from '../engines/statistics/index.ts';
import { chooseAuto } from './choose-test.ts';
import { averageByKey, pairingWarnings, pairObservations, type Keyed, type PairKind, type Pairing } from './pairing.ts';
import { runTest } from './run-test.ts';
import { PAIRED_TESTS, UNPAIRED_TESTS, type TestChoice, type TestOutcome, type TestSettings } from './types.ts';

export interface PairAndTestOptions extends TestSettings {
  /** null: independent samples (pairBy 'none'). */
  by: PairKind | null;
  test: TestChoice;
  labelA: string;
  labelB: string;
  /** Names the metric in refusals, e.g. "val/acc.max". */
  metric: string;
}

export interface PairAndTestResult {
  outcome: TestOutcome;
  pairing: Pairing | null;
}

export function pairAndTest(a: Keyed[], b: Keyed[], o: PairAndTestOptions): PairAndTestResult {
  const named = o.test === 'auto' ? null : o.test;
  if (named && PAIRED_TESTS.has(named) && o.by === null) {
    throw new StatsInputError(`test '${named}' compares paired values: set pairBy to 'seed' or 'segment', or use 'welch-t' or 'mann-whitney'`);
  }
  if (a.length === 0 || b.length === 0) {
    const empty = a.length === 0 ? o.labelA : o.labelB;
    throw new StatsInputError(`${empty} has no ${o.by === 'segment' ? 'segment values' : 'runs with a value'} of ${o.metric}; check the selection and the metric name`);
  }
  const pairing = o.by ? pairObservations(o.by, a, b) : null;
  const matched = pairing?.pairs.length ?? 0;
  const noun = o.by === 'segment' ? 'segment' : 'seed';

  let paired: boolean;
  if (named && PAIRED_TESTS.has(named)) paired = true;
  else if (named && UNPAIRED_TESTS.has(named)) paired = false;
  else paired = pairing !== null && matched >= 2;

  if (o.by === 'segment' && !paired && !(named && UNPAIRED_TESTS.has(named))) {
    throw new StatsInputError(`pairBy 'segment': only ${matched} segment(s) of ${o.metric.replace(/\.[a-z]+$/, '')} appear on both sides; at least 2 are needed, or use pairBy 'seed' or 'none'`);
  }

  let reason: string;
  if (paired) {
    const every = pairing!.onlyA.length + pairing!.onlyB.length + pairing!.noKeyA.length + pairing!.noKeyB.length === 0;
    reason = every
      ? `every ${noun} of ${o.labelA} has a counterpart in ${o.labelB} and vice versa, so the comparison is paired by ${noun} (${matched} pairs)`
      : `${matched} ${noun}(s) appear on both sides, so those are paired by ${noun}; the rest are left out (see warnings)`;
  } else if (named && UNPAIRED_TESTS.has(named)) {
    reason = `test '${named}' compares independent samples${o.by ? `, so pairBy '${o.by}' is not used` : ''}`;
  } else if (o.by === null) {
    reason = "pairBy 'none': the sides are compared as independent samples";
  } else {
    reason = `pairBy '${o.by}', but only ${matched} ${noun}(s) appear on both sides: the sides are compared as independent samples`;
  }

  const sampleA = paired ? pairing!.pairs.map((p) => p.a) : o.by === 'segment' ? averageByKey(a) : a.map((x) => x.value);
  const sampleB = paired ? pairing!.pairs.map((p) => p.b) : o.by === 'segment' ? averageByKey(b) : b.map((x) => x.value);
  const warnings = pairing ? pairingWarnings(pairing, o.labelA, o.labelB) : [];

  // Refuse what no test can answer, in the caller's terms rather than the module's.
  const needsTwo = named !== 'wilcoxon' && named !== 'mann-whitney';
  if (needsTwo && paired && matched < 2) {
    throw new StatsInputError(`only ${matched} ${noun}(s) appear on both sides; a paired test${named ? ` ('${named}')` : ''} needs at least 2 pairs`);
  }
  if (needsTwo && !paired && Math.min(sampleA.length, sampleB.length) < 2) {
    const small = sampleA.length < 2 ? o.labelA : o.labelB;
    throw new StatsInputError(
      `${small} has only ${Math.min(sampleA.length, sampleB.length)} ${o.by === 'segment' ? 'segment value' : 'run with a value'} of ${o.metric}; comparing independent samples needs at least 2 per side${o.by === null || o.by === 'seed' ? " (to compare two single runs, use pairBy 'segment' on a segmented metric)" : ''}`,
    );
  }

  let test = named;
  if (!test) {
    const choice = chooseAuto({ paired, a: sampleA, b: sampleB, alternative: o.alternative, alpha: o.alpha, method: o.method });
    test = choice.test;
    reason = `${reason}; ${choice.reason}`;
    warnings.push(...choice.warnings);
  }
  const outcome = runTest(
    { test, paired, a: sampleA, b: sampleB, alternative: o.alternative, alpha: o.alpha, confidence: o.confidence, method: o.method, seed: o.seed, resamples: o.resamples },
    reason,
    warnings,
  );
  return { outcome, pairing };
}
