// API tokens in ClickHouse (table api_tokens, migration 0008): create, look up, list, revoke.
// Stores and returns only the SHA-256 of a token; the plaintext leaves createToken once and
// is never written or logged. Every literal goes through the quoting module. The token format
// (ids, hashing, scopes) is common/tokens/format.ts; the cached verifier common/tokens/verifier.ts.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { rows } from './read.ts';
import { quoteString } from './sql-quote.ts';
import { generateToken, isScope, type Scope, type StoredToken } from '../common/tokens/format.ts';

// Versions of a token row; the higher one wins in ReplacingMergeTree(version).
const CREATED = 1;
const REVOKED = 2;

interface Row {
  token_id: string;
  project: string;
  name: string;
  scopes: string[];
  token_sha256: string;
  created_at_ms: number;
  revoked_at_ms: number;
}

const COLUMNS = 'token_id, project, name, scopes, token_sha256, created_at_ms, revoked_at_ms';

function fromRow(r: Row): StoredToken {
  return {
    id: String(r.token_id),
    project: String(r.project),
    name: String(r.name),
    scopes: r.scopes.filter(isScope),
    sha256: String(r.token_sha256),
    createdAtMs: Number(r.created_at_ms),
    revokedAtMs: Number(r.revoked_at_ms) > 0 ? Number(r.revoked_at_ms) : null,
  };
}

function toRow(t: StoredToken, version: number) {
  return {
    token_id: t.id,
    project: t.project,
    name: t.name,
    scopes: t.scopes,
    token_sha256: t.sha256,
    created_at_ms: t.createdAtMs,
    revoked_at_ms: t.revokedAtMs ?? 0,
    version,
  };
}

async function select(ch: ClickHouseClient, where: string): Promise<StoredToken[]> {
  return (await rows<Row>(ch, `SELECT ${COLUMNS} FROM api_tokens FINAL ${where} ORDER BY project, created_at_ms, token_id`)).map(fromRow);
}

export interface NewToken {
  project: string;
  scopes: Scope[];
  name?: string;
}

/** Creates a token; the returned plaintext is the only copy there will ever be. */
export async function createToken(ch: ClickHouseClient, spec: NewToken, now = Date.now()): Promise<{ token: string; record: StoredToken }> {
  if (spec.scopes.length === 0) throw new TypeError('a token needs at least one scope');
  const g = generateToken();
  const record: StoredToken = { id: g.id, project: spec.project, name: spec.name ?? '', scopes: [...spec.scopes], sha256: g.sha256, createdAtMs: now, revokedAtMs: null };
  // JSONEachRow carries the values as data, not SQL text.
  await ch.insert({ table: 'api_tokens', values: [toRow(record, CREATED)], format: 'JSONEachRow' });
  return { token: g.token, record };
}

export async function getToken(ch: ClickHouseClient, id: string): Promise<StoredToken | null> {
  const [t] = await select(ch, `WHERE token_id = ${quoteString(id)}`);
  return t ?? null;
}

export async function listTokens(ch: ClickHouseClient, opts: { project?: string } = {}): Promise<StoredToken[]> {
  return select(ch, opts.project === undefined ? '' : `WHERE project = ${quoteString(opts.project)}`);
}

export type RevokeOutcome = { outcome: 'revoked' | 'already-revoked'; record: StoredToken } | { outcome: 'not-found' };

/** Marks a token revoked for good. API processes stop accepting it within their cache lifetime. */
export async function revokeToken(ch: ClickHouseClient, id: string, now = Date.now()): Promise<RevokeOutcome> {
  const current = await getToken(ch, id);
  if (!current) return { outcome: 'not-found' };
  if (current.revokedAtMs !== null) return { outcome: 'already-revoked', record: current };
  const record = { ...current, revokedAtMs: now };
  await ch.insert({ table: 'api_tokens', values: [toRow(record, REVOKED)], format: 'JSONEachRow' });
  return { outcome: 'revoked', record };
}
