import { describe, expect, it } from 'vitest';
import { cdfAt, mannWhitneyPmf, sfAt, signedRankPmf } from './exact-distributions.ts';

/** W+ over all 2ⁿ sign patterns of ranks 1…n. */
function bruteSignedRank(n: number): number[] {
  const counts = new Array<number>((n * (n + 1)) / 2 + 1).fill(0);
  for (let mask = 0; mask < 1 << n; mask++) {
    let w = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) w += i + 1;
    counts[w]!++;
  }
  return counts.map((c) => c / 2 ** n);
}

/** U over all ways of choosing which m of the m + n ranked positions belong to sample a. */
function bruteMannWhitney(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0);
  let total = 0;
  for (let mask = 0; mask < 1 << (m + n); mask++) {
    let bits = 0;
    for (let i = 0; i < m + n; i++) if (mask & (1 << i)) bits++;
    if (bits !== m) continue;
    // U = number of (a, b) pairs with a above b: for each a at position i, the b's below it.
    let u = 0;
    let bBelow = 0;
    for (let i = 0; i < m + n; i++) {
      if (mask & (1 << i)) u += bBelow;
      else bBelow++;
    }
    counts[u]!++;
    total++;
  }
  return counts.map((c) => c / total);
}

const close = (a: ArrayLike<number>, b: number[]) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-14);
};

describe('exact null distributions', () => {
  it('signed-rank pmf equals enumeration of all sign patterns', () => {
    for (let n = 1; n <= 12; n++) close(signedRankPmf(n), bruteSignedRank(n));
  });

  it('Mann–Whitney pmf equals enumeration of all arrangements', () => {
    for (let m = 1; m <= 6; m++) for (let n = 1; n <= 7; n++) {
      close(mannWhitneyPmf(m, n), bruteMannWhitney(m, n));
      close(mannWhitneyPmf(n, m), bruteMannWhitney(m, n));
    }
  });

  it('keeps the extreme tail precise: P(U = 0) = 1 / C(16, 8) for 8 vs 8', () => {
    // scipy 1.17.1: mannwhitneyu(range(8), range(8, 16), alternative='less', method='exact') → 7.77000777000777e-05
    const pmf = mannWhitneyPmf(8, 8);
    expect(Math.abs(cdfAt(pmf, 0) * 12870 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(sfAt(pmf, 64) * 12870 - 1)).toBeLessThan(1e-12);
  });

  it('stays a symmetric probability distribution for large sizes', () => {
    const pmf = mannWhitneyPmf(8, 2000);
    let sum = 0;
    for (const p of pmf) sum += p;
    expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
    // The smallest tail: all of a below all of b, 1 / C(2008, 8).
    let c = 1;
    for (let i = 1; i <= 8; i++) c = (c * (2000 + i)) / i;
    expect(Math.abs(pmf[0]! * c - 1)).toBeLessThan(1e-9);
    const w = signedRankPmf(200);
    let ws = 0;
    for (const p of w) ws += p;
    expect(Math.abs(ws - 1)).toBeLessThan(1e-12);
    expect(w[0]).toBe(2 ** -200);
  });
});
