// Per-project BI users: a ClickHouse user that reads its project's rows of the BI contract's
// views (bi_v1_*, docs/bi.md) and nothing else — no raw table, no API token, no other project.
// Owns the names (a user's database is named after it) and how each ClickHouse is told, chosen
// by its version:
//  - up to 24.3, e.g. Debian's 18.16 (no row policies, no table grants; users come from XML
//    files the server reads again by itself): the user may read only its own database, whose
//    tables are URL tables reading their rows from the runlens API (GET /v1/bi/<view>: a token
//    of scope `bi` — which opens that feed only — in the URL; query-api/bi/), which filters them
//    to the project. The user's own query runs on its own server, where a subquery on any other
//    table is refused; the API runs only its fixed query. The tables are written as metadata
//    files and attached (ATTACH DATABASE), so the token is in no SQL text that other users could
//    see in system.processes. (Distributed tables over a loopback reader would not do: their IN
//    subqueries run on the remote side with the reader's rights.) readonly=1 (profile
//    bi_readonly) forbids table functions, writes and changing a setting to another value.
//  - 24.4 and later (SQL access control): the user's database holds views filtered to the
//    project that run with their definer's rights (SQL SECURITY DEFINER); a settings profile
//    with constraints lets connectors send the settings they send, within bounds
//    (CHANGEABLE_IN_READONLY; the server needs settings_constraints_replace_previous).
// Pure: statements and file contents here, running them in cli/bi-user.ts.
import { isIP } from 'node:net';
import { quoteString } from './sql-quote.ts';
import { WIDE_PARAMS_PREFIX, wideNameError } from './bi-wide-params.ts';

/** The BI contract's views, each of which a BI user gets its project's rows of. */
export const BI_VIEWS = ['bi_v1_runs', 'bi_v1_params', 'bi_v1_metric_summaries', 'bi_v1_metric_points', 'bi_v1_tags', 'bi_v1_lineage', 'bi_v1_artifacts', 'bi_v1_metric_points_lod'] as const;

/** The settings profile of BI users before 24.4: readonly, every query bounded (deploy/local/clickhouse/users.xml). */
export const BI_PROFILE = 'bi_readonly';
/** The settings profile bi-user makes from 24.4 (its own name: never an XML profile of the server's). */
export const SQL_BI_PROFILE = 'runlens_bi_profile';

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

/** Whether a BI user may be given this view: one of the contract's, or a sweep's wide params view. */
export const isBiView = (view: string): boolean =>
  (BI_VIEWS as readonly string[]).includes(view) || (view.startsWith(WIDE_PARAMS_PREFIX) && wideNameError(view.slice(WIDE_PARAMS_PREFIX.length)) === null);

/** The API's fixed query behind a legacy BI user's URL table: the view's rows of one project. */
export function projectRowsSql(view: string, project: string): string {
  if (!isBiView(view)) throw new Error(`not a BI view: ${view}`);
  return `SELECT * FROM ${view} WHERE project = ${quoteString(project)}`;
}

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

/** The URL a legacy BI user's table reads: the API's /v1/bi/<view> (under the API URL's own path), with a `bi` token of the project. */
export function biViewUrl(apiUrl: string, view: string, token: string): string {
  const url = new URL(apiUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/bi/${view}`;
  url.search = '';
  url.searchParams.set('token', token);
  return url.toString();
}

export interface Column {
  name: string;
  type: string;
}

/** A legacy BI user's table of a view, as the metadata file ClickHouse attaches: the view's columns, its rows from the API as TabSeparated. */
export function legacyBiTableFile(view: string, columns: Column[], apiUrl: string, token: string): string {
  const cols = columns.map((c) => `    \`${c.name}\` ${c.type}`).join(',\n');
  return `ATTACH TABLE ${view}\n(\n${cols}\n)\nENGINE = URL(${quoteString(biViewUrl(apiUrl, view, token))}, TabSeparated)\n`;
}

/** The columns of the runlens database's views, in order (columns `table`, `name`, `type`). */
export const viewColumnsSql = (database: string, views: readonly string[]) =>
  `SELECT table, name, type FROM system.columns WHERE database = ${quoteString(database)} AND table IN (${views.map(quoteString).join(', ')})`;

/** Where the server keeps its databases' metadata (column `metadata_path` of a system table: <path>/metadata/system/<table>.sql). */
export const metadataPathSql = "SELECT metadata_path FROM system.tables WHERE database = 'system' LIMIT 1";

/** The networks of a users file: IPv4 subnets as 18.16 matches them (IPv6-mapped), others as given. */
export function legacyNetworks(networks: string[]): string[] {
  return (networks.length > 0 ? networks : LOOPBACK).map((n) => {
    const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(n);
    return v4 ? `::ffff:${v4[1]}/${96 + Number(v4[2])}` : n;
  });
}

/** Why a network cannot be used, or null: an IPv4 or IPv6 address, optionally /prefix. */
export function networkError(n: string): string | null {
  const [address = '', prefix, ...more] = n.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  if (family !== 0 && more.length === 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max))) return null;
  return `network "${n}" is not an IPv4 or IPv6 address or subnet (e.g. 10.0.0.0/8)`;
}

/** Up to 24.3: the users.d file and the metadata files of its tables (attached with ATTACH DATABASE <name>). */
export function legacyBiUser(u: BiUser, columns: Record<string, Column[]>, apiUrl: string, token: string, tokenId: string): { usersXml: string; tables: { file: string; text: string }[] } {
  const tables = BI_VIEWS.map((view) => {
    const cols = columns[view];
    if (!cols || cols.length === 0) throw new Error(`no columns for ${view}: is the database migrated?`);
    return { file: `${view}.sql`, text: legacyBiTableFile(view, cols, apiUrl, token) };
  });
  const networks = legacyNetworks(u.networks).map((n) => `<ip>${xml(n)}</ip>`).join('');
  const usersXml = `<?xml version="1.0"?>
<!-- runlens bi-user of project ${commentSafe(u.project)} (written by runlens bi-user create; removed by revoke) reading with token ${commentSafe(tokenId)} -->
<yandex><users><${u.name}>
    <password_sha256_hex>${u.passwordSha256}</password_sha256_hex>
    <networks>${networks}</networks>
    <profile>${BI_PROFILE}</profile>
    <quota>default</quota>
    <allow_databases><database>${u.name}</database></allow_databases>
</${u.name}></users></yandex>
`;
  return { usersXml, tables };
}

/** Up to 24.3: what revoke drops once the user's file is gone. */
export function legacyBiUserDrop(name: string): string[] {
  return [`DROP DATABASE IF EXISTS ${name}`];
}

/** 24.4 and later: the statements (run by an admin with access management) that make the user. */
export function sqlBiUser(database: string, u: BiUser): string[] {
  const l = BI_LIMITS;
  const hosts = (u.networks.length > 0 ? u.networks : LOOPBACK).map((n) => `IP ${quoteString(n)}`).join(', ');
  return [
    // Connectors send these (Grafana max_execution_time, the Altinity plugin
    // output_format_json_quote_64bit_integers): allowed, never past the bounds. An overflow
    // stays an error (CONST), never a truncated answer.
    `CREATE SETTINGS PROFILE OR REPLACE ${SQL_BI_PROFILE} SETTINGS readonly = 1,` +
      ` max_execution_time = ${l.maxExecutionTimeS} MIN 1 MAX ${l.maxExecutionTimeS} CHANGEABLE_IN_READONLY,` +
      ` max_result_rows = ${l.maxResultRows} MIN 1 MAX ${l.maxResultRows} CHANGEABLE_IN_READONLY,` +
      ` result_overflow_mode = 'throw' CONST,` +
      ` max_rows_to_read = ${l.maxRowsToRead} MIN 1 MAX ${l.maxRowsToRead} CHANGEABLE_IN_READONLY,` +
      ` max_memory_usage = ${l.maxMemoryBytes} MIN 1 MAX ${l.maxMemoryBytes} CHANGEABLE_IN_READONLY,` +
      ` output_format_json_quote_64bit_integers = 0 CHANGEABLE_IN_READONLY`,
    `CREATE USER ${u.name} IDENTIFIED WITH sha256_hash BY ${quoteString(u.passwordSha256)} HOST ${hosts} DEFAULT DATABASE ${u.name} SETTINGS PROFILE ${quoteString(SQL_BI_PROFILE)}`,
    `CREATE DATABASE IF NOT EXISTS ${u.name}`,
    ...BI_VIEWS.map((view) => `CREATE VIEW IF NOT EXISTS ${u.name}.${view} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS SELECT * FROM ${database}.${view} WHERE project = ${quoteString(u.project)}`),
    `GRANT SELECT ON ${u.name}.* TO ${u.name}`,
  ];
}

/** 24.4 and later: whether a user's database is one bi-user made (column `n` > 0): revoke touches no other user. */
export function sqlIsBiUserSql(database: string, name: string): string {
  return `SELECT count() AS n FROM system.tables WHERE database = ${quoteString(name)} AND name = 'bi_v1_runs' AND position(create_table_query, ${quoteString(`FROM ${database}.bi_v1_runs WHERE project = `)}) > 0`;
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

/** 24.4 and later: the BI users of a project (column `user`), found by the project filter of their views. */
export function sqlBiUsersOfProjectSql(database: string, project: string): string {
  const filter = quoteString(`project = ${quoteString(project)}`);
  return `SELECT database AS user FROM system.tables WHERE name = 'bi_v1_runs' AND position(create_table_query, ${quoteString(`FROM ${database}.bi_v1_runs `)}) > 0 AND position(create_table_query, ${filter}) > 0 ORDER BY user`;
}

/** The id of the API token a legacy users.d file's tables read with, or null. */
export function tokenIdOfUsersXml(text: string): string | null {
  const m = / reading with token (\S+) -->/.exec(text);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** The API and token a legacy BI user's table reads with, from its metadata file (URL('<api>/v1/bi/<view>?token=…', TabSeparated)). */
export function apiOfLegacyTable(text: string): { apiUrl: string; token: string } | null {
  const m = /URL\('([^']+)'/.exec(text);
  if (!m) return null;
  const url = new URL(m[1]!.replace(/\\'/g, "'"));
  const token = url.searchParams.get('token');
  url.pathname = url.pathname.replace(/\/v1\/bi\/[^/]*$/, '');
  url.search = '';
  return token ? { apiUrl: url.toString().replace(/\/$/, ''), token } : null;
}
