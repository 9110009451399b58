import { describe, expect, it } from 'vitest';
import { compileFilter } from './compile.ts';
import { parseFilter } from './parser.ts';

const ctx = (input: string) => ({ project: 'p', input, params: new Map([['lr', new Set(['number' as const])]]), metrics: new Map([['loss', new Set([''])]]) });
const compile = (input: string) => compileFilter(parseFilter(input), ctx(input));

/** The deepest nesting of parentheses in a SQL string. */
function parenDepth(sql: string): number {
  let depth = 0;
  let max = 0;
  for (const c of sql) {
    if (c === '(') max = Math.max(max, ++depth);
    if (c === ')') depth--;
  }
  return max;
}

describe('compileFilter on long chains', () => {
  it('writes a chain of one operator flat, so its depth does not grow with its length', () => {
    const terms = (n: number, op: string) => Array.from({ length: n }, () => 'params.lr > 0').join(` ${op} `);
    for (const op of ['or', 'and']) {
      expect(parenDepth(compile(terms(500, op)))).toBe(parenDepth(compile(terms(2, op))));
    }
    expect(compile('params.lr > 1 or params.lr < 0 or params.lr = 0.5')).toMatch(/^\(\(.*\) OR \(.*\) OR \(.*\)\)$/);
  });

  it('keeps precedence and grouping: a and b or c and (d or e)', () => {
    const sql = compile('params.lr = 1 and params.lr = 2 or params.lr = 3 and (params.lr = 4 or params.lr = 5)');
    const term = (v: number) => `(param_types[indexOf(param_keys, 'lr')] = 'number' AND param_numbers[indexOf(param_keys, 'lr')] = ${v})`;
    expect(sql).toBe(`((${term(1)} AND ${term(2)}) OR (${term(3)} AND (${term(4)} OR ${term(5)})))`);
  });
});
