// Average ranks (1-based, ties share the mean of their positions) and the tie term Σ(t³ − t)
// that the normal approximations of the rank tests subtract from the variance.

export interface Ranking {
  ranks: Float64Array;
  /** Σ over groups of tied values of (t³ − t); 0 when all values differ. */
  tieTerm: number;
  hasTies: boolean;
}

/** Ties are exact floating-point equality, as in SciPy's rankdata: no tolerance. */
export function rankAverage(values: Float64Array): Ranking {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const t = end - start;
    const rank = (start + 1 + end) / 2; // mean of positions start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm, hasTies: tieTerm > 0 };
}
