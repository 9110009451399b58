// Splits a filter string into tokens. Field paths are single tokens because metric keys hold
// '/', '.', '-' and a [segment] in brackets: metrics.val/acc[class=cat].max.
import { FilterError } from './errors.ts';

export type Token =
  | { type: 'field'; text: string; at: number }
  | { type: 'keyword'; text: 'and' | 'or' | 'not' | 'in' | 'like' | 'ilike' | 'exists' | 'true' | 'false'; at: number }
  | { type: 'op'; text: '=' | '!=' | '<' | '<=' | '>' | '>='; at: number }
  | { type: 'number'; value: number; text: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'punct'; text: '(' | ')' | ','; at: number }
  | { type: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'ilike', 'exists', 'true', 'false']);
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const FIELD = /[A-Za-z_][\w./:-]*(?:\[[^\]\n]*\](?:\.[A-Za-z_]\w*)?)?/y;
export const MAX_FILTER_LENGTH = 10_000;

export function tokenize(input: string): Token[] {
  if (input.length > MAX_FILTER_LENGTH) throw new FilterError(`filter is longer than ${MAX_FILTER_LENGTH} characters`, input, MAX_FILTER_LENGTH);
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch, at: i++ });
      continue;
    }
    if (ch === "'" || ch === '"') {
      const at = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new FilterError(`unterminated string; close it with ${ch}`, input, at);
        const c = input[i]!;
        if (c === '\\' && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
        } else if (c === ch) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ type: 'string', value, at });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '<>') {
      tokens.push({ type: 'op', text: two === '<>' ? '!=' : two, at: i });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ type: 'op', text: ch, at: i++ });
      continue;
    }
    if (ch === '!') throw new FilterError(`unexpected '!'; did you mean '!=' or 'not'?`, input, i);
    NUMBER.lastIndex = i;
    const num = /[\d.+-]/.test(ch) ? NUMBER.exec(input) : null;
    if (num && num[0] !== '+' && num[0] !== '-') {
      tokens.push({ type: 'number', value: Number(num[0]), text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    FIELD.lastIndex = i;
    const word = FIELD.exec(input);
    if (word) {
      const lower = word[0].toLowerCase();
      if (KEYWORDS.has(lower)) tokens.push({ type: 'keyword', text: lower as never, at: i });
      else tokens.push({ type: 'field', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    throw new FilterError(`unexpected character '${ch}'`, input, i);
  }
  tokens.push({ type: 'end', at: input.length });
  return tokens;
}
