// SQL's LIKE over a string in JavaScript, for filters evaluated outside ClickHouse (the model
// registry's, MLflow's registry searches): % any run of characters, _ one character, \ escapes
// the next one. Pure.
const special = /[.*+?^${}()|[\]\\]/g;

export function likeMatches(value: string, pattern: string, caseInsensitive: boolean): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(special, '\\$&');
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(special, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's').test(value);
}
