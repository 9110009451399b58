// `runlens bi-user create|revoke`: per-project ClickHouse users for BI tools (what they may read
// and how each ClickHouse is told: storage/bi-users.ts). `create` prints the password once,
// alone on stdout so scripts can capture it (connection details go to stderr); only its SHA-256
// is stored. Before 24.4 the user is a file in the server's users.d directory
// (RUNLENS_CLICKHOUSE_USERS_DIR, the local stack's by default), which the server reads by itself
// within seconds: create waits until the server knows the user, revoke until it does not; its
// tables read from the runlens API (RUNLENS_BI_API_URL, the local API by default) with a token
// of scope `bi` that create makes and revoke revokes, and are written as metadata files into
// the server's data directory, then attached: before 24.4 bi-user runs on the ClickHouse host.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { checkId } from '../schemas/validate.ts';
import { tokenIdOf } from '../common/tokens/format.ts';
import { createToken, revokeToken } from '../storage/api-tokens.ts';
import {
  apiOfLegacyTable, BI_VIEWS, biUserNameError, legacyBiTableFile, legacyBiUser, legacyBiUserDrop, metadataPathSql, networkError, projectOfUsersXml, sqlBiUser, sqlBiUserDrop, sqlIsBiUserSql,
  tokenIdOfUsersXml, usesSqlAccess, viewColumnsSql, type Column,
} from '../storage/bi-users.ts';
import { WIDE_PARAMS_PREFIX, wideViewsOfProjectSql, sqlWideParamsForUserSql } from '../storage/bi-wide-params.ts';
import { rows, serverVersion } from '../storage/read.ts';
import { quoteString } from '../storage/sql-quote.ts';
import { REPO_ROOT } from './stack.ts';

export class BiCommandError extends Error {
  override name = 'BiCommandError';
}

/** How long create and revoke wait for the server to read its users files again. */
const USERS_RELOAD_WAIT_MS = 30_000;

export interface BiUserCreateOptions {
  project: string;
  /** The user's name (and its database's); default bi_<project> in lower case, other characters as _. */
  name?: string;
  /** Where it may connect from; loopback when empty. */
  networks?: string[];
  /** Before 24.4: the runlens API as the ClickHouse server reaches it (default: the local API). */
  apiUrl?: string;
  waitMs?: number;
}

export interface CreatedBiUser {
  name: string;
  password: string;
  database: string;
  project: string;
  /** How the server was told: a users.d file and URL tables (before 24.4) or SQL access control. */
  mode: 'users-file' | 'sql';
}

const defaultName = (project: string) => `bi_${project.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 48);

/** The users.d directory of the server (RUNLENS_CLICKHOUSE_USERS_DIR, else the local stack's). */
export function usersDirOf(config: Config): string {
  return config.clickhouseUsersDir ?? join(config.local.home ?? join(REPO_ROOT, '.runlens'), 'clickhouse', 'etc', 'users.d');
}
export const usersFile = (config: Config, name: string) => join(usersDirOf(config), `runlens-bi-${name}.xml`);
/** The API the URL tables of users made before 24.4 read from. */
const apiUrlOf = (config: Config, given?: string) => given ?? config.biApiUrl ?? `http://127.0.0.1:${config.apiPort}`;

export async function withAdmin<T>(config: Config, fn: (ch: ClickHouseClient, version: string) => Promise<T>): Promise<T> {
  const ch = createClickHouse(config, { requestTimeoutMs: 30_000 });
  try {
    return await fn(ch, (await serverVersion(ch)) ?? '');
  } finally {
    await ch.close();
  }
}

async function countOf(ch: ClickHouseClient, sql: string): Promise<number> {
  const [r] = await rows<{ n: number | string }>(ch, sql);
  return Number(r?.n ?? 0);
}

const basic = (name: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` });

/** Whether the user can sign in with this password (a query as that user over HTTP). */
export async function canSignIn(config: Config, name: string, password: string): Promise<boolean> {
  const r = await fetch(new URL('/?query=SELECT%201', config.clickhouseUrl), { headers: basic(name, password) });
  await r.arrayBuffer();
  return r.ok;
}

/** Whether the server knows the user (before 24.4: a wrong password is code 193, an unknown user 192). */
async function serverKnowsUser(config: Config, name: string): Promise<boolean> {
  const r = await fetch(new URL('/?query=SELECT%201', config.clickhouseUrl), { headers: basic(name, '-') });
  return !(await r.text()).includes('Code: 192');
}

/** Before 24.4: the server's metadata directory (<path>/metadata), where a database's tables are files. */
export async function legacyMetadataDir(ch: ClickHouseClient): Promise<string> {
  const [r] = await rows<{ metadata_path: string }>(ch, metadataPathSql);
  const path = String(r?.metadata_path ?? '');
  const at = path.lastIndexOf('/metadata/');
  if (at < 0) throw new BiCommandError(`cannot tell where the server keeps its metadata (system.tables says "${path}")`);
  const dir = path.slice(0, at + '/metadata'.length);
  if (!existsSync(dir)) throw new BiCommandError(`${dir} is not reachable from here: before ClickHouse 24.4, run bi-user on the ClickHouse host`);
  return dir;
}

/** The columns of views of the runlens database, in order, by view. */
export async function viewColumns(ch: ClickHouseClient, database: string, views: readonly string[]): Promise<Record<string, Column[]>> {
  const out: Record<string, Column[]> = {};
  for (const c of await rows<{ table: string; name: string; type: string }>(ch, viewColumnsSql(database, views))) (out[String(c.table)] ??= []).push({ name: String(c.name), type: String(c.type) });
  return out;
}

/** Before 24.4: the API and token a BI user's tables read with (from its metadata files, never from SQL text). */
export async function legacyUserApi(metadata: string, user: string): Promise<{ apiUrl: string; token: string } | null> {
  const file = join(metadata, user, 'bi_v1_runs.sql');
  return existsSync(file) ? apiOfLegacyTable(await readFile(file, 'utf8')) : null;
}

/** Before 24.4: writes the metadata file of a table of a BI user's database. */
export async function writeLegacyTable(metadata: string, user: string, view: string, columns: Column[], api: { apiUrl: string; token: string }): Promise<void> {
  await writeFile(join(metadata, user, `${view}.sql`), legacyBiTableFile(view, columns, api.apiUrl, api.token), { mode: 0o600, flag: 'wx' });
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new BiCommandError(what);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function createBiUser(config: Config, o: BiUserCreateOptions): Promise<CreatedBiUser> {
  // A BI user is made on the server asked (a users.d file, or SQL users not replicated before
  // ClickHouse's replicated access storage): on a cluster the others would not know it.
  if (config.clickhouseCluster !== undefined) {
    throw new BiCommandError(`bi-user does not make users on a cluster yet (RUNLENS_CLICKHOUSE_CLUSTER=${config.clickhouseCluster}): a user made on one server is unknown to the others; make the user on each server by hand (docs/cluster.md) or point BI tools at one server`);
  }
  const invalid = checkId('project', o.project);
  if (invalid) throw new BiCommandError(invalid);
  const name = o.name ?? defaultName(o.project);
  const database = config.clickhouseDatabase;
  const nameError = biUserNameError(name, database);
  if (nameError) throw new BiCommandError(nameError);
  const networks = o.networks ?? [];
  for (const n of networks) {
    const e = networkError(n);
    if (e) throw new BiCommandError(e);
  }
  const password = randomBytes(18).toString('base64url');
  const user = { name, project: o.project, passwordSha256: createHash('sha256').update(password).digest('hex'), networks };
  const waitMs = o.waitMs ?? USERS_RELOAD_WAIT_MS;

  return withAdmin(config, async (ch, version) => {
    if ((await countOf(ch, `SELECT count() AS n FROM system.tables WHERE database = ${quoteString(database)} AND name = 'bi_v1_runs'`)) === 0) {
      throw new BiCommandError(`database ${database} has no bi_v1 views; run \`runlens migrate\` first`);
    }
    if ((await countOf(ch, `SELECT count() AS n FROM system.databases WHERE name = ${quoteString(name)}`)) > 0) {
      throw new BiCommandError(`a database named ${name} exists: BI user ${name} exists already (revoke it first) or pick another --name`);
    }
    // The project's wide params views (bi-wide-params) made before the user: its copies too.
    const wide = (await rows<{ wide_name: string }>(ch, wideViewsOfProjectSql(database, o.project))).map((w) => `${WIDE_PARAMS_PREFIX}${w.wide_name}`);
    if (usesSqlAccess(version)) {
      if ((await countOf(ch, `SELECT count() AS n FROM system.users WHERE name = ${quoteString(name)}`)) > 0) throw new BiCommandError(`a ClickHouse user named ${name} exists; pick another --name`);
      for (const sql of sqlBiUser(database, user)) await ch.command({ query: sql });
      for (const view of wide) await ch.command({ query: sqlWideParamsForUserSql(database, view, name) });
      return { name, password, database: name, project: o.project, mode: 'sql' as const };
    }
    const dir = usersDirOf(config);
    if (!existsSync(dir)) {
      throw new BiCommandError(`ClickHouse ${version} keeps users in XML files, and ${dir} does not exist: set RUNLENS_CLICKHOUSE_USERS_DIR to the users.d directory beside the server's users.xml`);
    }
    if (await serverKnowsUser(config, name)) throw new BiCommandError(`a ClickHouse user named ${name} exists; pick another --name`);
    const metadata = await legacyMetadataDir(ch);
    const apiUrl = apiUrlOf(config, o.apiUrl);
    try {
      new URL(apiUrl);
    } catch {
      throw new BiCommandError(`API URL "${apiUrl}" is not a URL`);
    }
    const columns = await viewColumns(ch, database, [...BI_VIEWS, ...wide]);
    const file = usersFile(config, name);
    const userDir = join(metadata, name);
    const { token, record } = await createToken(ch, { project: o.project, scopes: ['bi'], name: `bi-user ${name}` });
    const { usersXml, tables } = legacyBiUser(user, columns, apiUrl, token, record.id);
    let madeDir = false;
    try {
      // The database: its tables as files, then attached — the token is in no SQL text.
      await mkdir(userDir);
      madeDir = true;
      for (const t of tables) await writeFile(join(userDir, t.file), t.text, { mode: 0o600, flag: 'wx' });
      for (const view of wide) await writeLegacyTable(metadata, name, view, columns[view] ?? [], { apiUrl, token });
      await ch.command({ query: `ATTACH DATABASE ${name}` });
      // The users file, written whole then linked into place (fails if one of that name exists).
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, usersXml, { mode: 0o644, flag: 'wx' });
      try {
        await link(tmp, file);
      } finally {
        await unlink(tmp);
      }
    } catch (err) {
      // Undo what this run made, and only that; the token in any case.
      try {
        if (madeDir) {
          for (const query of legacyBiUserDrop(name)) await ch.command({ query }).catch(() => undefined);
          await rm(userDir, { recursive: true, force: true });
        }
      } finally {
        await revokeToken(ch, record.id);
      }
      const code = (err as NodeJS.ErrnoException).code;
      throw new BiCommandError(code === 'EEXIST' ? `BI user ${name} exists already; revoke it first` : `cannot create BI user ${name}: ${(err as Error).message}`);
    }
    await waitFor(`ClickHouse did not take up ${file} within ${waitMs / 1000} s; is ${dir} the users.d of the server at ${config.clickhouseUrl}, and can the server read it? (revoke ${name} to remove it)`, () => serverKnowsUser(config, name), waitMs);
    return { name, password, database: name, project: o.project, mode: 'users-file' as const };
  });
}

/** Removes the user (waiting until the server no longer knows it), its database, its views and (before 24.4) its token. Removes what exists of a half-made one. */
export async function revokeBiUser(config: Config, name: string): Promise<{ project: string | null }> {
  const nameError = biUserNameError(name, config.clickhouseDatabase);
  if (nameError) throw new BiCommandError(nameError);
  return withAdmin(config, async (ch, version) => {
    if (usesSqlAccess(version)) {
      if ((await countOf(ch, sqlIsBiUserSql(config.clickhouseDatabase, name))) === 0) throw new BiCommandError(`no BI user ${name} (bi-user revokes only the users bi-user made)`);
      for (const sql of sqlBiUserDrop(name)) await ch.command({ query: sql });
      return { project: null };
    }
    const file = usersFile(config, name);
    const metadata = await legacyMetadataDir(ch);
    const text = existsSync(file) ? await readFile(file, 'utf8') : null;
    const api = await legacyUserApi(metadata, name);
    if (text === null && api === null) throw new BiCommandError(`no BI user ${name} (no ${file}, no tables of one)`);
    const project = text === null ? null : projectOfUsersXml(text);
    if (text !== null && project === null) throw new BiCommandError(`${file} was not written by bi-user; left as it is`);
    // Its tables and token first: whatever happens next, the user reads nothing more. (Files of
    // a database never attached — a create that died — go too.)
    for (const sql of legacyBiUserDrop(name)) await ch.command({ query: sql });
    await rm(join(metadata, name), { recursive: true, force: true });
    const tokenId = (text === null ? null : tokenIdOfUsersXml(text)) ?? (api ? tokenIdOf(api.token) : null);
    if (tokenId) await revokeToken(ch, tokenId);
    if (text !== null) {
      await rm(file);
      await waitFor(`ClickHouse still knows user ${name} ${USERS_RELOAD_WAIT_MS / 1000} s after ${file} was removed`, async () => !(await serverKnowsUser(config, name)), USERS_RELOAD_WAIT_MS);
    }
    return { project };
  });
}

export async function biUserCreate(config: Config, o: { project: string; name?: string; network?: string[]; apiUrl?: string }): Promise<void> {
  const u = await createBiUser(config, { project: o.project, name: o.name, networks: o.network, apiUrl: o.apiUrl });
  const url = new URL(config.clickhouseUrl);
  console.error(`BI user ${u.name} reads project ${u.project} (the bi_v1_* views of database ${u.database}, nothing else)`);
  if (u.mode === 'users-file') console.error(`its tables read from the runlens API at ${apiUrlOf(config, o.apiUrl)}: keep it running where ClickHouse reaches it`);
  console.error(`connect with: host ${url.hostname}, HTTP port ${url.port || '8123'}, user ${u.name}, database ${u.database}, and the password below (shown once)`);
  console.log(u.password);
}

export async function biUserRevoke(config: Config, name: string): Promise<void> {
  const { project } = await revokeBiUser(config, name);
  console.error(`BI user ${name}${project ? ` of project ${project}` : ''} revoked: it can no longer sign in, its database and views are gone`);
}
