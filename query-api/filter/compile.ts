// A parsed filter, checked against the project's names (check.ts), compiled by storage into a
// condition over the run source. The SQL itself is written by storage/run-filter/sql.ts.
//
// Missing values: a comparison, 'in' or 'like' on a field a run does not have is false, and
// 'not' negates that, so `not params.warmup = 0` keeps runs without warmup. Use
// `exists params.warmup` to test presence.
import { runFilterSql } from '../../storage/run-filter/sql.ts';
import type { Expr } from '../../storage/run-filter/ast.ts';
import { checkFilter, type CheckContext } from './check.ts';

export interface CompileContext extends CheckContext {
  project: string;
}

export function compileFilter(e: Expr, ctx: CompileContext): string {
  checkFilter(e, ctx);
  return runFilterSql(e, ctx);
}
