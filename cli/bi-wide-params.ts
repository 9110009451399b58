// `runlens bi-wide-params`: makes (or remakes, to take up params added since) a sweep's wide
// params view, bi_v1_params_wide__<name> (storage/bi-wide-params.ts), in the runlens database
// and in the database of every BI user of its project, so they read it as the other views.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../common/config.ts';
import { checkId } from '../schemas/validate.ts';
import { projectOfUsersXml, sqlBiUsersOfProjectSql, usesSqlAccess } from '../storage/bi-users.ts';
import { dropWideParamsViewSql, sqlWideParamsForUserSql, sweepParamsSql, WIDE_PARAMS_PREFIX, wideNameError, wideNameOf, wideParamsViewSql, type WideParam } from '../storage/bi-wide-params.ts';
import { rows } from '../storage/read.ts';
import { BiCommandError, legacyMetadataDir, legacyUserApi, usersDirOf, viewColumns, withAdmin, writeLegacyTable } from './bi-user.ts';

/** Before 24.4: the BI users of a project, from their users.d files (bi-user writes the project in each). */
async function legacyUsersOf(config: Config, project: string): Promise<string[]> {
  const dir = usersDirOf(config);
  if (!existsSync(dir)) return [];
  const users: string[] = [];
  for (const f of (await readdir(dir)).sort()) {
    const m = /^runlens-bi-([a-z][a-z0-9_]*)\.xml$/.exec(f);
    if (m && projectOfUsersXml(await readFile(join(dir, f), 'utf8')) === project) users.push(m[1]!);
  }
  return users;
}

export interface WideParamsResult {
  view: string;
  params: string[];
  /** The BI users whose database got the view. */
  users: string[];
}

export async function createWideParams(config: Config, o: { project: string; sweep: string; name?: string }): Promise<WideParamsResult> {
  for (const [what, value] of [['project', o.project], ['sweep', o.sweep]] as const) {
    const invalid = checkId(what, value);
    if (invalid) throw new BiCommandError(invalid);
  }
  const name = o.name ?? wideNameOf(o.sweep);
  const nameError = wideNameError(name);
  if (nameError) throw new BiCommandError(nameError);
  const database = config.clickhouseDatabase;
  const view = `${WIDE_PARAMS_PREFIX}${name}`;
  return withAdmin(config, async (ch, version) => {
    const sqlAccess = usesSqlAccess(version);
    const params = (await rows<WideParam>(ch, sweepParamsSql(database, o.project, o.sweep))).map((p) => ({ name: String(p.name), types: p.types.map(String) }));
    if (params.length === 0) throw new BiCommandError(`sweep ${o.sweep} of project ${o.project} has no runs with params (is the sweep id right?)`);
    const users = sqlAccess ? (await rows<{ user: string }>(ch, sqlBiUsersOfProjectSql(database, o.project))).map((u) => String(u.user)) : await legacyUsersOf(config, o.project);
    // Made again from the params the sweep holds now: the users' copies first (they depend on its columns).
    for (const user of users) await ch.command({ query: `DROP TABLE IF EXISTS ${user}.${view}` });
    await ch.command({ query: dropWideParamsViewSql(database, view, config.clickhouseCluster) });
    await ch.command({ query: wideParamsViewSql(database, name, o.project, o.sweep, params, config.clickhouseCluster) });
    const given: string[] = [];
    if (sqlAccess) {
      for (const user of users) await ch.command({ query: sqlWideParamsForUserSql(database, view, user) });
      given.push(...users);
    } else if (users.length > 0) {
      // A table like the user's others: its metadata file (the token in no SQL text), attached.
      const metadata = await legacyMetadataDir(ch);
      const columns = (await viewColumns(ch, database, [view]))[view] ?? [];
      for (const user of users) {
        const api = await legacyUserApi(metadata, user);
        if (api === null) continue; // a half-made user (no tables): revoke removes it
        await writeLegacyTable(metadata, user, view, columns, api);
        await ch.command({ query: `ATTACH TABLE ${user}.${view}` });
        given.push(user);
      }
    }
    return { view, params: params.map((p) => p.name), users: given };
  });
}

export async function biWideParams(config: Config, o: { project: string; sweep: string; name?: string }): Promise<void> {
  const r = await createWideParams(config, o);
  console.error(`${r.view}: one row per run of sweep ${o.sweep} (project ${o.project}), columns ${r.params.join(', ')}`);
  console.error(r.users.length > 0 ? `also in the databases of BI users ${r.users.join(', ')}` : `no BI user of project ${o.project} yet (bi-user create adds it to theirs)`);
}
