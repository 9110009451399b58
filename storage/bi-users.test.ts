// What storage/bi-users.ts renders for per-project BI users: names, the users file and URL
// tables before 24.4, the SQL access statements from 24.4 (run for real in bi-users.test.ts and
// the compat suite).
import { describe, expect, it } from 'vitest';
import {
  apiOfLegacyTable, BI_VIEWS, biUserNameError, biViewUrl, isBiView, legacyBiUser, legacyBiUserDrop, legacyNetworks, networkError, projectOfUsersXml, projectRowsSql, sqlBiUser, tokenIdOfUsersXml, usesSqlAccess,
} from './bi-users.ts';

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
  const columns = Object.fromEntries(BI_VIEWS.map((v) => [v, [{ name: 'project', type: 'String' }, { name: 'run_id', type: 'String' }, { name: 'step', type: 'Nullable(UInt64)' }]]));
  const { tables, usersXml } = legacyBiUser(user, columns, 'http://127.0.0.1:8080', 'rl_secret', 'tok-1');

  it("has URL tables, as metadata files, reading the project's rows from the API, and nothing else", () => {
    expect(tables.map((t) => t.file)).toEqual(BI_VIEWS.map((v) => `${v}.sql`));
    expect(tables[0]!.text).toBe("ATTACH TABLE bi_v1_runs\n(\n    `project` String,\n    `run_id` String,\n    `step` Nullable(UInt64)\n)\nENGINE = URL('http://127.0.0.1:8080/v1/bi/bi_v1_runs?token=rl_secret', TabSeparated)\n");
    expect(legacyBiUserDrop('bi_acme')).toEqual(['DROP DATABASE IF EXISTS bi_acme']);
    expect(apiOfLegacyTable(tables[0]!.text)).toEqual({ apiUrl: 'http://127.0.0.1:8080', token: 'rl_secret' });
    // An API under a path keeps it.
    expect(biViewUrl('http://h:1/runlens/', 'bi_v1_runs', 't')).toBe('http://h:1/runlens/v1/bi/bi_v1_runs?token=t');
    expect(apiOfLegacyTable(`URL('${biViewUrl('http://h:1/runlens', 'bi_v1_runs', 't')}', TabSeparated)`)).toEqual({ apiUrl: 'http://h:1/runlens', token: 't' });
    expect(() => legacyBiUser(user, {}, 'http://a', 't', 'i')).toThrow('no columns for bi_v1_runs');
  });

  it('serves only the known views, each filtered to the project', () => {
    expect(projectRowsSql('bi_v1_params', "a'b")).toBe("SELECT * FROM bi_v1_params WHERE project = 'a\\'b'");
    expect(isBiView('bi_v1_params_wide__sweep_1')).toBe(true);
    for (const bad of ['runs', 'api_tokens', 'bi_v1_runs WHERE 1', 'bi_v1_params_wide__X', 'bi_v1_params_wide__a;DROP']) {
      expect(isBiView(bad), bad).toBe(false);
      expect(() => projectRowsSql(bad, 'p')).toThrow('not a BI view');
    }
  });

  it('may read its own database only, with the read-only profile, from loopback unless told', () => {
    expect(usersXml).toContain('<allow_databases><database>bi_acme</database></allow_databases>');
    expect(usersXml).toContain('<profile>bi_readonly</profile>');
    expect(usersXml).toContain('<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>');
    expect(usersXml).toContain(`<password_sha256_hex>${user.passwordSha256}</password_sha256_hex>`);
  });

  it('writes IPv4 subnets as 18.16 matches them, and refuses what is no address', () => {
    expect(legacyNetworks(['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8'])).toEqual(['::ffff:10.0.0.0/104', '192.168.1.7', '::1', 'fd00::/8']);
    expect(legacyBiUser({ ...user, networks: ['10.0.0.0/8'] }, columns, 'http://a', 't', 'i').usersXml).toContain('<networks><ip>::ffff:10.0.0.0/104</ip></networks>');
    expect(['10.0.0.0/8', '10.1.2.3', '::1', 'fd00::/8'].map(networkError)).toEqual([null, null, null, null]);
    for (const bad of ['not-an-ip', '10.0.0.0/33', '300.0.0.1', '10.0.0.0/8</ip>', '', '1::2::3', ':', '::::', 'fd00::/129', '10.0.0.0/8/8']) expect(networkError(bad), bad).toMatch(/is not an IPv4/);
  });

  it('names its project and token in a comment that is valid XML, and reads them back', () => {
    const comment = /<!--(.*?)-->/s.exec(usersXml)![1]!;
    expect(comment).not.toContain('--');
    expect(projectOfUsersXml(usersXml)).toBe('acme--x:1.b');
    expect(tokenIdOfUsersXml(usersXml)).toBe('tok-1');
    expect(projectOfUsersXml('<yandex/>')).toBeNull();
  });
});

describe('a BI user on ClickHouse 24.4 and later', () => {
  const statements = sqlBiUser('runlens', user);

  it('is a user of the bounded profile, reading definer-rights views filtered to the project', () => {
    expect(statements[0]).toMatch(/^CREATE SETTINGS PROFILE OR REPLACE runlens_bi_profile SETTINGS readonly = 1, max_execution_time = 30 MIN 1 MAX 30 CHANGEABLE_IN_READONLY/);
    expect(statements[0]).toContain("result_overflow_mode = 'throw' CONST");
    expect(statements[0]).toContain('max_result_rows = 1000000 MIN 1 MAX 1000000 CHANGEABLE_IN_READONLY');
    expect(statements[1]).toBe(`CREATE USER bi_acme IDENTIFIED WITH sha256_hash BY '${user.passwordSha256}' HOST IP '127.0.0.1', IP '::1' DEFAULT DATABASE bi_acme SETTINGS PROFILE 'runlens_bi_profile'`);
    expect(statements).toContain("CREATE VIEW IF NOT EXISTS bi_acme.bi_v1_metric_points DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT * FROM runlens.bi_v1_metric_points WHERE project = 'acme--x:1.b'");
    expect(statements.at(-1)).toBe('GRANT SELECT ON bi_acme.* TO bi_acme');
  });
});
