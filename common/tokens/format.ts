// The API token format and its scopes. Pure: no I/O, so the CLI, the query API and the ingest
// gateway agree on one definition. A token is
//
//   runlens_<id: 16 hex>_<secret: 43 base64url chars = 32 random bytes>
//
// The id is public (it is what `runlens token list` shows and `revoke` takes) and is the
// storage key, so a lookup is a primary-key read. Only the SHA-256 of the whole token is
// stored: with 256 random bits a plain hash cannot be brute-forced, so no slow KDF is needed.
// Nothing here may log or return the plaintext beyond generateToken's caller.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `bi`: only the BI feed (GET /v1/bi/<view>) that per-project BI users' tables read before ClickHouse 24.4. */
export const SCOPES = ['ingest', 'read', 'registry', 'admin', 'bi'] as const;
export type Scope = (typeof SCOPES)[number];

const PREFIX = 'runlens_';
const TOKEN = /^runlens_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const TOKEN_ID = /^[0-9a-f]{16}$/;

export interface GeneratedToken {
  id: string;
  /** The plaintext: shown to its owner once, never stored. */
  token: string;
  sha256: string;
}

export function generateToken(): GeneratedToken {
  const id = randomBytes(8).toString('hex');
  const token = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, sha256: hashToken(token) };
}

/** The token id, or null when the text is not shaped like a token (nothing is looked up then). */
export function tokenIdOf(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

export function isTokenId(value: string): boolean {
  return TOKEN_ID.test(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of the presented token against a stored hash. */
export function tokenMatches(token: string, storedSha256: string): boolean {
  const presented = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedSha256, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** "read,ingest" → ['ingest', 'read']; unknown or missing scopes throw with the allowed list. */
export function parseScopes(list: string): Scope[] {
  const parts = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new TypeError(`no scopes given; expected a comma-separated list of ${SCOPES.join(', ')}`);
  for (const p of parts) {
    if (!isScope(p)) throw new TypeError(`unknown scope "${p}"; expected ${SCOPES.join(', ')}`);
  }
  return SCOPES.filter((s) => parts.includes(s));
}

/** A token as stored (storage/api-tokens.ts): never its plaintext, only its SHA-256. */
export interface StoredToken {
  id: string;
  project: string;
  name: string;
  scopes: Scope[];
  sha256: string;
  createdAtMs: number;
  /** null while the token is active. */
  revokedAtMs: number | null;
}
