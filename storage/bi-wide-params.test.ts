import { describe, expect, it } from 'vitest';
// What storage/bi-wide-params.ts renders for a sweep's wide params view.
import { sqlWideParamsForUserSql, wideNameError, wideNameOf, wideParamsViewSql } from './bi-wide-params.ts';

describe("a sweep's wide params view", () => {
  it('has a column per param: numbers and bools as Nullable(Float64), anything else as its text', () => {
    const sql = wideParamsViewSql('runlens', 'sw', 'vision', 'sweep-1', [{ name: 'lr', types: ['number'] }, { name: 'amp', types: ['bool'] }, { name: 'opt', types: ['string'] }, { name: 'mixed', types: ['number', 'string'] }]);
    expect(sql).toContain("if(countIf(param = 'lr') > 0, toNullable(anyIf(assumeNotNull(value_number), param = 'lr')), NULL) AS `lr`");
    expect(sql).toContain("anyIf(assumeNotNull(value_number), param = 'amp')");
    expect(sql).toContain("toNullable(anyIf(value_text, param = 'opt')), NULL) AS `opt`");
    expect(sql).toContain("toNullable(anyIf(value_text, param = 'mixed')), NULL) AS `mixed`");
    expect(sql).toContain("WHERE project = 'vision' AND run_id IN (SELECT run_id FROM runlens.bi_v1_runs WHERE project = 'vision' AND sweep_id = 'sweep-1')");
    expect(sql.startsWith('CREATE VIEW IF NOT EXISTS runlens.bi_v1_params_wide__sw\n')).toBe(true);
  });

  it('quotes any param name as a column, and refuses a sweep without params', () => {
    expect(wideParamsViewSql('runlens', 'sw', 'p', 's', [{ name: "a`b\\c'd", types: ['string'] }])).toContain("param = 'a`b\\\\c\\'d')), NULL) AS `a\\`b\\\\c'd`");
    expect(() => wideParamsViewSql('runlens', 'sw', 'p', 's', [])).toThrow('sweep s of project p has no params');
  });

  it('names the view after the sweep unless told, and gives BI users a copy as they read the other views', () => {
    expect(wideNameOf('Sweep-17')).toBe('sweep_17');
    expect(wideNameOf('17')).toBe('s_17');
    expect(wideNameError('sweep_17')).toBeNull();
    expect(wideNameError('Sweep')).toMatch(/a-z, 0-9 and _/);
    expect(sqlWideParamsForUserSql('runlens', 'bi_v1_params_wide__sw', 'bi_v')).toBe('CREATE VIEW IF NOT EXISTS bi_v.bi_v1_params_wide__sw DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT * FROM runlens.bi_v1_params_wide__sw');
  });
});
