// `runlens bi-user create|revoke`: per-project ClickHouse users for BI tools (what they may read
// and how each ClickHouse is told: storage/bi-users.ts). `create` prints the password once,
// alone on stdout so scripts can capture it (connection details go to stderr); only its SHA-256
// is stored. Before 24.4 the user is a file in the server's users.d directory
// (RUNLENS_CLICKHOUSE_USERS_DIR, the local stack's by default), which the server reads within
// seconds: create waits until the user can sign in.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { checkId } from '../schemas/validate.ts';
import {
  BI_CLUSTER, biUserNameError, legacyBiUser, legacyBiUserDrop, projectOfUsersXml, sqlBiUser, sqlBiUserDrop, usesSqlAccess,
} from '../storage/bi-users.ts';
import { wideParamsForUserSql, wideViewsOfProjectSql } from '../storage/bi-wide-params.ts';
import { rows } from '../storage/read.ts';
import { quoteString } from '../storage/sql-quote.ts';
import { REPO_ROOT } from './stack.ts';

export class BiCommandError extends Error {
  override name = 'BiCommandError';
}

export interface BiUserCreateOptions {
  project: string;
  /** The user's name (and its database's); default bi_<project> in lower case, other characters as _. */
  name?: string;
  /** Where it may connect from; loopback when empty. */
  networks?: string[];
  /** How long to wait for a server to read a new users file (default 30 s). */
  waitMs?: number;
}

export interface CreatedBiUser {
  name: string;
  password: string;
  database: string;
  project: string;
  /** How the server was told: a users.d file (before 24.4) or SQL access control. */
  mode: 'users-file' | 'sql';
}

const defaultName = (project: string) => `bi_${project.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 48);

/** The users.d directory of the server (RUNLENS_CLICKHOUSE_USERS_DIR, else the local stack's). */
export function usersDirOf(config: Config): string {
  return config.clickhouseUsersDir ?? join(config.local.home ?? join(REPO_ROOT, '.runlens'), 'clickhouse', 'etc', 'users.d');
}
const usersFile = (config: Config, name: string) => join(usersDirOf(config), `runlens-bi-${name}.xml`);

export async function withAdmin<T>(config: Config, fn: (ch: ClickHouseClient, version: string) => Promise<T>): Promise<T> {
  const ch = createClickHouse(config, { database: 'system', requestTimeoutMs: 30_000 });
  try {
    const [{ version } = { version: '' }] = await rows<{ version: string }>(ch, 'SELECT version() AS version');
    return await fn(ch, version);
  } finally {
    await ch.close();
  }
}

async function one(ch: ClickHouseClient, sql: string): Promise<number> {
  const [r] = await rows<{ n: number | string }>(ch, sql);
  return Number(r?.n ?? 0);
}

/** Whether the user can sign in with this password (a query as that user over HTTP). */
export async function canSignIn(config: Config, name: string, password: string): Promise<boolean> {
  const r = await fetch(new URL('/?query=SELECT%201', config.clickhouseUrl), { headers: { authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` } });
  await r.arrayBuffer();
  return r.ok;
}

/** Whether the server knows the user (before 24.4: a wrong password is code 193, an unknown user 192). */
async function serverKnowsUser(config: Config, name: string): Promise<boolean> {
  const r = await fetch(new URL('/?query=SELECT%201', config.clickhouseUrl), { headers: { authorization: `Basic ${Buffer.from(`${name}:-`).toString('base64')}` } });
  return !(await r.text()).includes('Code: 192');
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new BiCommandError(what);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function createBiUser(config: Config, o: BiUserCreateOptions): Promise<CreatedBiUser> {
  const invalid = checkId('project', o.project);
  if (invalid) throw new BiCommandError(invalid);
  const name = o.name ?? defaultName(o.project);
  const database = config.clickhouseDatabase;
  const nameError = biUserNameError(name, database);
  if (nameError) throw new BiCommandError(nameError);
  const password = randomBytes(18).toString('base64url');
  const user = { name, project: o.project, passwordSha256: createHash('sha256').update(password).digest('hex'), networks: o.networks ?? [] };

  return withAdmin(config, async (ch, version) => {
    if ((await one(ch, `SELECT count() AS n FROM system.tables WHERE database = ${quoteString(database)} AND name = 'bi_v1_runs'`)) === 0) {
      throw new BiCommandError(`database ${database} has no bi_v1 views; run \`runlens migrate\` first`);
    }
    if ((await one(ch, `SELECT count() AS n FROM system.databases WHERE name = ${quoteString(name)}`)) > 0) {
      throw new BiCommandError(`a database named ${name} exists: BI user ${name} exists already (revoke it first) or pick another --name`);
    }
    // The project's wide params views (bi-wide-params) made before the user: its copies too.
    const wide = (await rows<{ wide_name: string }>(ch, wideViewsOfProjectSql(database, o.project))).map((w) => String(w.wide_name));
    if (usesSqlAccess(version)) {
      for (const sql of sqlBiUser(database, user)) await ch.command({ query: sql });
      for (const w of wide) await ch.command({ query: wideParamsForUserSql(database, w, name, true) });
      return { name, password, database: name, project: o.project, mode: 'sql' as const };
    }
    const dir = usersDirOf(config);
    if (!existsSync(dir)) {
      throw new BiCommandError(`ClickHouse ${version} keeps users in XML files, and ${dir} does not exist: set RUNLENS_CLICKHOUSE_USERS_DIR to the users.d directory beside the server's users.xml`);
    }
    if ((await one(ch, `SELECT count() AS n FROM system.clusters WHERE cluster = ${quoteString(BI_CLUSTER)}`)) === 0) {
      throw new BiCommandError(`the server has no cluster ${BI_CLUSTER}, through which BI users read: restart the local stack (npm run stack:down, then npm run stack:up), which writes it, or add it to your server as docs/bi.md shows`);
    }
    const file = usersFile(config, name);
    if (existsSync(file)) throw new BiCommandError(`BI user ${name} exists already (${file}); revoke it first`);
    const { statements, usersXml } = legacyBiUser(database, user);
    for (const sql of statements) await ch.command({ query: sql });
    for (const w of wide) await ch.command({ query: wideParamsForUserSql(database, w, name, false) });
    // Written whole, then renamed: the server never reads half a file.
    await writeFile(`${file}.tmp`, usersXml, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    await waitFor(`ClickHouse did not take up ${file} within ${(o.waitMs ?? 30_000) / 1000} s; is ${dir} the users.d of the server at ${config.clickhouseUrl}?`, () => canSignIn(config, name, password), o.waitMs ?? 30_000);
    return { name, password, database: name, project: o.project, mode: 'users-file' as const };
  });
}

/** Removes the user (waiting until the server no longer knows it), its database and its views. */
export async function revokeBiUser(config: Config, name: string): Promise<{ project: string | null }> {
  const nameError = biUserNameError(name, config.clickhouseDatabase);
  if (nameError) throw new BiCommandError(nameError);
  return withAdmin(config, async (ch, version) => {
    if (usesSqlAccess(version)) {
      if ((await one(ch, `SELECT count() AS n FROM system.users WHERE name = ${quoteString(name)}`)) === 0) throw new BiCommandError(`no BI user ${name}`);
      for (const sql of sqlBiUserDrop(name)) await ch.command({ query: sql });
      return { project: null };
    }
    const file = usersFile(config, name);
    if (!existsSync(file)) throw new BiCommandError(`no BI user ${name} (no ${file})`);
    const project = projectOfUsersXml(await readFile(file, 'utf8'));
    await rm(file);
    await waitFor(`ClickHouse still knows user ${name} ${30} s after ${file} was removed`, async () => !(await serverKnowsUser(config, name)), 30_000);
    for (const sql of legacyBiUserDrop(config.clickhouseDatabase, name)) await ch.command({ query: sql });
    return { project };
  });
}

export async function biUserCreate(config: Config, o: { project: string; name?: string; network?: string[] }): Promise<void> {
  const u = await createBiUser(config, { project: o.project, name: o.name, networks: o.network });
  const url = new URL(config.clickhouseUrl);
  console.error(`BI user ${u.name} reads project ${u.project} (the bi_v1_* views of database ${u.database}, nothing else)`);
  console.error(`connect with: host ${url.hostname}, HTTP port ${url.port || '8123'}, user ${u.name}, database ${u.database}, and the password below (shown once)`);
  console.log(u.password);
}

export async function biUserRevoke(config: Config, name: string): Promise<void> {
  const { project } = await revokeBiUser(config, name);
  console.error(`BI user ${name}${project ? ` of project ${project}` : ''} revoked: it can no longer sign in, its database and views are gone`);
}
