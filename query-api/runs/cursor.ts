// Page cursors of run lists (GET /v1/runs, and MLflow's runs/search page_token): opaque to
// clients, bound to the query they page through.
import { createHash } from 'node:crypto';
import { badRequest } from '../../common/http/errors.ts';
import type { Keyset } from '../../storage/run-list.ts';

/**
 * Cursors are opaque to clients: the sort values of the page's last run, plus a fingerprint of
 * the query they belong to, so a cursor replayed against another sort or filter is refused
 * instead of returning a wrong page.
 */
export function encodeCursor(last: Keyset, signature: string): string {
  return Buffer.from(JSON.stringify({ k: last.keys, r: last.runId, q: signature })).toString('base64url');
}
export function decodeCursor(cursor: string, signature: string): Keyset {
  let parsed: { k?: unknown; r?: unknown; q?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as typeof parsed;
  } catch {
    throw badRequest('cursor is not one this API issued; pass back nextCursor from the previous page unchanged');
  }
  if (parsed.q !== signature) throw badRequest('cursor belongs to a different filter or sort; start again without cursor');
  const keys = parsed.k;
  const ok =
    Array.isArray(keys) &&
    typeof parsed.r === 'string' &&
    keys.every((k) => Array.isArray(k) && k.length === 4 && Number.isFinite(k[0]) && Number.isFinite(k[1]) && Number.isFinite(k[2]) && typeof k[3] === 'string');
  if (!ok) throw badRequest('cursor is not one this API issued; pass back nextCursor from the previous page unchanged');
  return { keys: keys as Keyset['keys'], runId: parsed.r as string };
}

/** A fingerprint of the query a cursor pages through (filter, experiment, sort, …). */
export function signature(parts: (string | undefined)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}
