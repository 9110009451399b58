import { describe, expect, it } from 'vitest';
import { BI_VIEWS, biUserNameError, legacyBiUser, legacyBiUserDrop, projectOfUsersXml, projectViewName, sqlBiUser, usesSqlAccess } from './bi-users.ts';

const user = { name: 'bi_acme', project: 'acme--x:1.b', passwordSha256: 'ab'.repeat(32), networks: [] };

describe('BI user names', () => {
  it('takes lower-case identifiers and refuses what ClickHouse or runlens use', () => {
    expect(biUserNameError('bi_acme', 'runlens')).toBeNull();
    expect(biUserNameError('Bi', 'runlens')).toMatch(/3 to 48 characters/);
    expect(biUserNameError('bi-acme', 'runlens')).toMatch(/a-z, 0-9 and _/);
    expect(biUserNameError('default', 'runlens')).toMatch(/taken/);
    expect(biUserNameError('runlens_bi_reader', 'runlens')).toMatch(/taken/);
    expect(biUserNameError('runlens', 'runlens')).toMatch(/taken/);
  });

  it('chooses SQL access control from 24.4 (SQL SECURITY DEFINER views), users files before', () => {
    expect(['18.16.1', '21.8.15.7', '24.3.18.7'].map(usesSqlAccess)).toEqual([false, false, false]);
    expect(['24.4.1.2088', '25.8.1', '26.9.2.1'].map(usesSqlAccess)).toEqual([true, true, true]);
  });
});

describe('a BI user on ClickHouse before 24.4', () => {
  const { statements, usersXml } = legacyBiUser('runlens', user);

  it("filters each view to the project and reaches it only through the loopback cluster", () => {
    expect(statements).toContain("CREATE VIEW IF NOT EXISTS runlens.bi_v1_runs__bi_acme AS SELECT * FROM runlens.bi_v1_runs WHERE project = 'acme--x:1.b'");
    expect(statements).toContain('CREATE TABLE IF NOT EXISTS bi_acme.bi_v1_runs AS runlens.bi_v1_runs__bi_acme ENGINE = Distributed(runlens_bi_loopback, runlens, bi_v1_runs__bi_acme)');
    expect(statements.filter((s) => s.includes('ENGINE = Distributed'))).toHaveLength(BI_VIEWS.length);
    expect(legacyBiUserDrop('runlens', 'bi_acme')).toEqual(['DROP DATABASE IF EXISTS bi_acme', ...BI_VIEWS.map((v) => `DROP TABLE IF EXISTS runlens.${projectViewName(v, 'bi_acme')}`)]);
  });

  it('may read its own database only, with the read-only profile, from loopback unless told', () => {
    expect(usersXml).toContain('<allow_databases><database>bi_acme</database></allow_databases>');
    expect(usersXml).toContain('<profile>bi_readonly</profile>');
    expect(usersXml).toContain('<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>');
    expect(usersXml).toContain(`<password_sha256_hex>${user.passwordSha256}</password_sha256_hex>`);
    expect(legacyBiUser('runlens', { ...user, networks: ['10.0.0.0/8'] }).usersXml).toContain('<networks><ip>10.0.0.0/8</ip></networks>');
  });

  it('names its project in a comment that is valid XML, and reads it back', () => {
    const comment = /<!--(.*?)-->/s.exec(usersXml)![1]!;
    expect(comment).not.toContain('--');
    expect(projectOfUsersXml(usersXml)).toBe('acme--x:1.b');
    expect(projectOfUsersXml('<yandex/>')).toBeNull();
  });
});

describe('a BI user on ClickHouse 24.4 and later', () => {
  const statements = sqlBiUser('runlens', user);

  it('is a user of the bounded profile, reading definer-rights views filtered to the project', () => {
    expect(statements[0]).toMatch(/^CREATE SETTINGS PROFILE IF NOT EXISTS bi_readonly SETTINGS readonly = 1, max_execution_time = 30 MIN 1 MAX 30 CHANGEABLE_IN_READONLY/);
    expect(statements[0]).toContain('max_result_rows = 1000000 MIN 1 MAX 1000000 CHANGEABLE_IN_READONLY');
    expect(statements[1]).toBe(`CREATE USER IF NOT EXISTS bi_acme IDENTIFIED WITH sha256_hash BY '${user.passwordSha256}' HOST IP '127.0.0.1', IP '::1' DEFAULT DATABASE bi_acme SETTINGS PROFILE 'bi_readonly'`);
    expect(statements).toContain("CREATE VIEW IF NOT EXISTS bi_acme.bi_v1_metric_points DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT * FROM runlens.bi_v1_metric_points WHERE project = 'acme--x:1.b'");
    expect(statements.at(-1)).toBe('GRANT SELECT ON bi_acme.* TO bi_acme');
  });
});
