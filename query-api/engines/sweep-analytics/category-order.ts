// The stable order of categories: what a chart's axis and a marginal's bins list, and the codes
// the forest gives categories. Locale-independent, so every server sorts the same way:
// - booleans first (false, true), then numbers ascending, then strings;
// - strings in "natural" order: runs of digits compare as numbers ("layer2" < "layer10"),
//   other characters by code unit with ASCII letters case-folded ("Adam" next to "adam");
//   remaining ties (e.g. "01" vs "1", "Adam" vs "adam") fall back to plain code-unit order.
export type CategoryValue = string | number | boolean;

const typeRank = (v: CategoryValue) => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);
const isDigit = (c: number) => c >= 48 && c <= 57;
const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** Natural, case-folded comparison of two strings; 0 only for identical strings. */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ie = i;
      while (ie < a.length && isDigit(a.charCodeAt(ie))) ie++;
      let je = j;
      while (je < b.length && isDigit(b.charCodeAt(je))) je++;
      // Compare digit runs as numbers of any length: skip leading zeros, then longer is larger.
      let is = i;
      while (is < ie - 1 && a.charCodeAt(is) === 48) is++;
      let js = j;
      while (js < je - 1 && b.charCodeAt(js) === 48) js++;
      if (ie - is !== je - js) return ie - is - (je - js);
      for (let k = 0; k < ie - is; k++) {
        const d = a.charCodeAt(is + k) - b.charCodeAt(js + k);
        if (d !== 0) return d;
      }
      i = ie;
      j = je;
    } else {
      const d = fold(ca) - fold(cb);
      if (d !== 0) return d;
      i++;
      j++;
    }
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareCategories(a: CategoryValue, b: CategoryValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string') return compareNatural(a, b as string);
  return Number(a) - Number(b);
}
