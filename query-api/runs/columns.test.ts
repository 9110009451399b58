import { describe, expect, it } from 'vitest';
import { SqlInputError } from '../../storage/sql-quote.ts';
import { checkColumns, parseColumns } from './columns.ts';
import type { MetricNames, ParamNames, ParamType } from '../../storage/project-names.ts';

describe('checkColumns', () => {
  const params: ParamNames = new Map([['lr', new Set<ParamType>(['number'])]]);
  const metrics: MetricNames = new Map([['val/acc', new Set(['', 'class=cat'])]]);
  const check = (input: string) => checkColumns(parseColumns(input), params, metrics);

  it('accepts what the project holds and fields without names', () => {
    expect(() => check('params.lr,metrics.val/acc[class=cat].max,tags.team,lineage.data_version,status')).not.toThrow();
  });

  it('refuses unknown params and metrics with a 400 naming them', () => {
    expect(() => check('params.nope')).toThrow(SqlInputError);
    expect(() => check('params.lrr')).toThrow('columns: no run in this project has params.lrr; did you mean params.lr?');
    expect(() => check('metrics.val/acc.median')).toThrow(/^columns: unknown aggregate 'median' .* did you mean metrics.val\/acc.mean\?$/);
    expect(() => checkColumns(parseColumns('params.nope,metrics.nope'), new Map(), new Map())).not.toThrow();
  });
});
