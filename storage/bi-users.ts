// Per-project BI users: a ClickHouse user that reads its project's rows of the BI contract's
// views (bi_v1_*, docs/bi.md) and nothing else — no raw table, no API token, no other project.
// Owns the names (a user's database is named after it), the per-project views, and how each
// ClickHouse is told, chosen by its version:
//  - up to 24.3, e.g. Debian's 18.16 (no row policies or table grants; users come from XML
//    files, reloaded by the server): the user may read only its own database. That database
//    holds Distributed tables over the loopback cluster `runlens_bi_loopback`, which read, as the
//    internal reader deploy/local/stack.sh sets up, views of the runlens database filtered to the
//    project. readonly=1 (profile bi_readonly) forbids table functions, writes and changing a
//    setting to another value than the profile's.
//  - 24.4 and later (SQL access control): the user's database holds views filtered to the
//    project that run with their definer's rights (SQL SECURITY DEFINER); a settings profile
//    with constraints lets connectors send the settings they send, within bounds
//    (CHANGEABLE_IN_READONLY; the server needs settings_constraints_replace_previous).
// Pure: statements and file contents here, running them in cli/bi-user.ts.
import { quoteString } from './sql-quote.ts';

/** The BI contract's views, each of which a BI user gets its project's rows of. */
export const BI_VIEWS = ['bi_v1_runs', 'bi_v1_params', 'bi_v1_metric_summaries', 'bi_v1_metric_points', 'bi_v1_tags', 'bi_v1_lineage', 'bi_v1_artifacts', 'bi_v1_metric_points_lod'] as const;

/** The loopback cluster legacy BI users' tables read through (deploy/local/stack.sh writes it). */
export const BI_CLUSTER = 'runlens_bi_loopback';
/** The settings profile of BI users: readonly, every query bounded (deploy/local/clickhouse/users.xml on 18.16; created by SQL from 24.4). */
export const BI_PROFILE = 'bi_readonly';

/** The bounds a BI user's queries run within; connectors may lower them, never raise them (24.4+). */
export const BI_LIMITS = { maxExecutionTimeS: 30, maxResultRows: 1_000_000, maxRowsToRead: 2_000_000_000, maxMemoryBytes: 4_000_000_000 } as const;

const USER_NAME = /^[a-z][a-z0-9_]{2,47}$/;
const RESERVED_USERS = new Set(['default', 'runlens_bi', 'runlens_bi_reader', 'system']);

/** Why a BI user name cannot be used, or null. The user's database takes the same name. */
export function biUserNameError(name: string, database: string): string | null {
  if (!USER_NAME.test(name)) return `BI user name "${name}" must be 3 to 48 characters of a-z, 0-9 and _, starting with a letter (it names the user and its database)`;
  if (RESERVED_USERS.has(name) || name === database || name.startsWith('information_schema')) return `BI user name "${name}" is taken by ClickHouse or runlens`;
  return null;
}

/** The view of the runlens database that holds one project's rows of a bi_v1 view for one BI user. */
export const projectViewName = (view: string, user: string) => `${view}__${user}`;

/** 24.4 brought SQL SECURITY DEFINER views: from there on, SQL access control; before, XML users. */
export function usesSqlAccess(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 4);
}

export interface BiUser {
  /** The user name, which is also its database's. */
  name: string;
  project: string;
  /** SHA-256 of the password, hex: the password itself is never stored. */
  passwordSha256: string;
  /** Where it may connect from (ClickHouse networks: IPs or subnets); loopback unless given. */
  networks: string[];
}

const LOOPBACK = ['127.0.0.1', '::1'];
/** A project name inside an XML comment, which may not hold "--": percent-encoded, every '-' too. */
const commentSafe = (project: string) => encodeURIComponent(project).replace(/-/g, '%2D');
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Up to 24.3: the statements (run as the admin user) and the users.d file that make the user. */
export function legacyBiUser(database: string, u: BiUser): { statements: string[]; usersXml: string } {
  const statements: string[] = [];
  for (const view of BI_VIEWS) {
    const filtered = projectViewName(view, u.name);
    statements.push(`CREATE VIEW IF NOT EXISTS ${database}.${filtered} AS SELECT * FROM ${database}.${view} WHERE project = ${quoteString(u.project)}`);
  }
  statements.push(`CREATE DATABASE IF NOT EXISTS ${u.name}`);
  for (const view of BI_VIEWS) {
    const filtered = projectViewName(view, u.name);
    statements.push(`CREATE TABLE IF NOT EXISTS ${u.name}.${view} AS ${database}.${filtered} ENGINE = Distributed(${BI_CLUSTER}, ${database}, ${filtered})`);
  }
  const networks = (u.networks.length > 0 ? u.networks : LOOPBACK).map((n) => `<ip>${xml(n)}</ip>`).join('');
  const usersXml = `<?xml version="1.0"?>
<!-- runlens bi-user of project ${commentSafe(u.project)} (written by runlens bi-user create; removed by revoke) -->
<yandex><users><${u.name}>
    <password_sha256_hex>${u.passwordSha256}</password_sha256_hex>
    <networks>${networks}</networks>
    <profile>${BI_PROFILE}</profile>
    <quota>default</quota>
    <allow_databases><database>${u.name}</database></allow_databases>
</${u.name}></users></yandex>
`;
  return { statements, usersXml };
}

/** Up to 24.3: what revoke drops once the user's file is gone. */
export function legacyBiUserDrop(database: string, name: string): string[] {
  return [`DROP DATABASE IF EXISTS ${name}`, ...BI_VIEWS.map((view) => `DROP TABLE IF EXISTS ${database}.${projectViewName(view, name)}`)];
}

/** 24.4 and later: the statements (run by an admin with access management) that make the user. */
export function sqlBiUser(database: string, u: BiUser): string[] {
  const l = BI_LIMITS;
  const hosts = (u.networks.length > 0 ? u.networks : LOOPBACK).map((n) => `IP ${quoteString(n)}`).join(', ');
  return [
    // Connectors send these (Grafana max_execution_time, Metabase result_overflow_mode, the
    // Altinity plugin output_format_json_quote_64bit_integers): allowed, never past the bounds.
    `CREATE SETTINGS PROFILE IF NOT EXISTS ${BI_PROFILE} SETTINGS readonly = 1,` +
      ` max_execution_time = ${l.maxExecutionTimeS} MIN 1 MAX ${l.maxExecutionTimeS} CHANGEABLE_IN_READONLY,` +
      ` max_result_rows = ${l.maxResultRows} MIN 1 MAX ${l.maxResultRows} CHANGEABLE_IN_READONLY,` +
      ` result_overflow_mode = 'throw' CHANGEABLE_IN_READONLY,` +
      ` max_rows_to_read = ${l.maxRowsToRead} MIN 1 MAX ${l.maxRowsToRead} CHANGEABLE_IN_READONLY,` +
      ` max_memory_usage = ${l.maxMemoryBytes} MIN 1 MAX ${l.maxMemoryBytes} CHANGEABLE_IN_READONLY,` +
      ` output_format_json_quote_64bit_integers = 0 CHANGEABLE_IN_READONLY`,
    `CREATE USER IF NOT EXISTS ${u.name} IDENTIFIED WITH sha256_hash BY ${quoteString(u.passwordSha256)} HOST ${hosts} DEFAULT DATABASE ${u.name} SETTINGS PROFILE ${quoteString(BI_PROFILE)}`,
    `CREATE DATABASE IF NOT EXISTS ${u.name}`,
    ...BI_VIEWS.map((view) => `CREATE VIEW IF NOT EXISTS ${u.name}.${view} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT * FROM ${database}.${view} WHERE project = ${quoteString(u.project)}`),
    `GRANT SELECT ON ${u.name}.* TO ${u.name}`,
  ];
}

/** 24.4 and later: what revoke runs. */
export function sqlBiUserDrop(name: string): string[] {
  return [`DROP USER IF EXISTS ${name}`, `DROP DATABASE IF EXISTS ${name}`];
}

/** The project a legacy users.d file was written for (its comment), or null for another file. */
export function projectOfUsersXml(text: string): string | null {
  const m = /<!-- runlens bi-user of project (\S+) \(written by/.exec(text);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/** The BI users of a project (column `user`): found by the project filter of their views. */
export function biUsersOfProjectSql(database: string, project: string, sqlAccess: boolean): string {
  const filter = quoteString(`project = ${quoteString(project)}`);
  return sqlAccess
    ? `SELECT database AS user FROM system.tables WHERE name = 'bi_v1_runs' AND position(create_table_query, ${quoteString(`FROM ${database}.bi_v1_runs `)}) > 0 AND position(create_table_query, ${filter}) > 0 ORDER BY user`
    : `SELECT substring(name, ${'bi_v1_runs__'.length + 1}) AS user FROM system.tables WHERE database = ${quoteString(database)} AND substring(name, 1, ${'bi_v1_runs__'.length}) = 'bi_v1_runs__' AND position(create_table_query, ${filter}) > 0 ORDER BY user`;
}
