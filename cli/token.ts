// `runlens token create|list|revoke`: API tokens in ClickHouse (common/tokens/). `create`
// prints the token once, alone on stdout so scripts can capture it (details go to stderr); it
// is never stored, logged or shown again. `list` and `revoke` deal in token ids only.
import { createClickHouse, type ClickHouseClient } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { isTokenId, tokenIdOf, type Scope } from '../common/tokens/format.ts';
import { createToken, listTokens, revokeToken } from '../storage/api-tokens.ts';
import { type StoredToken } from '../common/tokens/format.ts';
import { checkId } from '../schemas/validate.ts';

export class TokenCommandError extends Error {
  override name = 'TokenCommandError';
}

async function withClickHouse<T>(config: Config, fn: (ch: ClickHouseClient) => Promise<T>): Promise<T> {
  const ch = createClickHouse(config, { requestTimeoutMs: 15_000 });
  try {
    return await fn(ch);
  } catch (err) {
    // 60 = UNKNOWN_TABLE, 81 = UNKNOWN_DATABASE: the database has not been migrated yet.
    const code = String((err as { code?: unknown }).code ?? '');
    if (code === '60' || code === '81') throw new TokenCommandError(`no token table in database ${config.clickhouseDatabase}; run \`runlens migrate\` first`);
    throw err;
  } finally {
    await ch.close();
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface CreateOptions {
  project: string;
  scopes: Scope[];
  name?: string;
}

export async function tokenCreate(config: Config, o: CreateOptions): Promise<void> {
  // Tokens follow the events' rule for project names, so a token can match the events it sends.
  const invalid = checkId('project', o.project);
  if (invalid) throw new TokenCommandError(invalid);
  if ((o.name ?? '').length > 256) throw new TokenCommandError('--name is longer than 256 characters');
  const { token, record } = await withClickHouse(config, (ch) => createToken(ch, o));
  console.error(`created token ${record.id} for project "${record.project}" with scopes ${record.scopes.join(', ')}${record.name ? ` (${record.name})` : ''}`);
  console.error('this is the only time the token is shown; store it now (revoke with `runlens token revoke ' + record.id + '`)');
  console.log(token);
}

function row(t: StoredToken): string[] {
  return [t.id, t.project, t.scopes.join(','), t.revokedAtMs === null ? 'active' : `revoked ${iso(t.revokedAtMs)}`, iso(t.createdAtMs), t.name];
}

export async function tokenList(config: Config, o: { project?: string }): Promise<void> {
  const tokens = await withClickHouse(config, (ch) => listTokens(ch, o));
  if (tokens.length === 0) {
    console.log(o.project === undefined ? 'no tokens' : `no tokens for project "${o.project}"`);
    return;
  }
  const rows = [['id', 'project', 'scopes', 'status', 'created', 'name'], ...tokens.map(row)];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

export async function tokenRevoke(config: Config, idOrToken: string): Promise<void> {
  // Accepts a leaked token itself too, so it can be revoked without looking its id up first.
  const id = isTokenId(idOrToken) ? idOrToken : tokenIdOf(idOrToken);
  if (!id) throw new TokenCommandError('expected a token id (16 hex characters, as `runlens token list` shows it)');
  const r = await withClickHouse(config, (ch) => revokeToken(ch, id));
  if (r.outcome === 'not-found') throw new TokenCommandError(`no token with id ${id}`);
  if (r.outcome === 'already-revoked') {
    console.log(`token ${id} was already revoked at ${iso(r.record.revokedAtMs!)}`);
    return;
  }
  console.log(`revoked token ${id} of project "${r.record.project}"; API servers refuse it once their token cache expires (RUNLENS_AUTH_CACHE_MS, ${config.authCacheMs / 1000}s here)`);
}
