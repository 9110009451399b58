// Decides which test runs. Named tests imply whether the samples are paired (a conflicting
// `paired` flag is refused); test 'auto' picks the rank test of the right family (Wilcoxon
// signed-rank for pairs, Mann-Whitney U for independent samples: no normality assumption, exact
// p-values for small untied samples — for Mann-Whitney below 50 values in each, as R's
// wilcox.test) when that test can reach alpha at these sample sizes, and the
// t-test of the family otherwise — saying why, and warning that the choice then rests on the
// t-test's normality assumption.
import { StatsInputError, type Alternative, type RankMethod } from '../engines/statistics/index.ts';
import { significant } from './format.ts';
import { mannWhitneyMinP, wilcoxonMinP } from './min-p.ts';
import { PAIRED_TESTS, UNPAIRED_TESTS, type TestChoice, type TestId } from './types.ts';

/** Whether `test` runs on paired samples; `paired` (if given) must agree with a named test. */
export function pairedFor(test: TestChoice, paired: boolean | undefined): boolean {
  if (test !== 'auto' && PAIRED_TESTS.has(test)) {
    if (paired === false) throw new StatsInputError(`test '${test}' compares paired samples; leave out paired (or set it to true), or use 'welch-t' or 'mann-whitney' for independent samples`);
    return true;
  }
  if (test !== 'auto' && UNPAIRED_TESTS.has(test)) {
    if (paired === true) throw new StatsInputError(`test '${test}' compares independent samples; leave out paired (or set it to false), or use 'paired-t' or 'wilcoxon' for paired samples`);
    return false;
  }
  return paired ?? false;
}

export interface AutoChoice {
  test: TestId;
  reason: string;
  warnings: string[];
}

/** Nonzero differences a[i] − b[i] (what the signed-rank test ranks). */
export function nonZeroDifferences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

const fmtP = (p: number) => significant(p, 3);

/** The rank test when it can reach alpha, the t-test of the same family otherwise. */
export function chooseAuto(opts: { paired: boolean; a: ArrayLike<number>; b: ArrayLike<number>; alternative: Alternative; alpha: number; method?: RankMethod }): AutoChoice {
  const { paired, a, b, alternative, alpha } = opts;
  const alphaText = String(alpha);
  if (paired) {
    const n = nonZeroDifferences(a, b);
    if (n === 0) {
      return { test: 'wilcoxon', reason: 'the samples are paired and every difference is 0: Wilcoxon signed-rank test (which then reports p = 1)', warnings: [] };
    }
    const minP = wilcoxonMinP(n, alternative, opts.method);
    if (minP <= alpha) {
      return {
        test: 'wilcoxon',
        reason: `the samples are paired, so a paired test: Wilcoxon signed-rank, which does not assume normally distributed differences; with ${n} nonzero differences it can reach p = ${fmtP(minP)}, below alpha = ${alphaText}`,
        warnings: [],
      };
    }
    return {
      test: 'paired-t',
      reason: `the samples are paired, so a paired test; with only ${n} nonzero difference(s) the Wilcoxon signed-rank test cannot give p below ${fmtP(minP)} (alpha = ${alphaText}), so the paired t-test is used`,
      warnings: [`only ${n} nonzero paired difference(s): a rank test could never reach significance at alpha = ${alphaText} (Wilcoxon signed-rank cannot go below p = ${fmtP(minP)}), so the result rests on the t-test's assumption that the differences are roughly normal`],
    };
  }
  const minP = mannWhitneyMinP(a.length, b.length, alternative, opts.method);
  if (minP <= alpha) {
    return {
      test: 'mann-whitney',
      reason: `the samples are independent: Mann-Whitney U, which does not assume normal distributions; with ${a.length} and ${b.length} values it can reach p = ${fmtP(minP)}, below alpha = ${alphaText}`,
      warnings: [],
    };
  }
  return {
    test: 'welch-t',
    reason: `the samples are independent; with only ${a.length} and ${b.length} values the Mann-Whitney U test cannot give p below ${fmtP(minP)} (alpha = ${alphaText}), so Welch's t-test is used`,
    warnings: [`only ${a.length} and ${b.length} values: a rank test could never reach significance at alpha = ${alphaText} (Mann-Whitney U cannot go below p = ${fmtP(minP)}), so the result rests on Welch's assumption of roughly normal samples`],
  };
}
