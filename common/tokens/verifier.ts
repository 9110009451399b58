// Turns a presented bearer token into a principal (token id, project, scopes), with a short
// cache so a request does not cost a ClickHouse round trip. Never logs or keeps the plaintext:
// the cache holds stored records (hashes) by token id, and every request re-checks its token
// against the hash.
//
// How long a revoked token may still work: an entry expires ttlMs after the lookup that filled
// it *started*, so any lookup that could have missed a revocation expires at most ttlMs after
// the revocation's INSERT returned. With the default 5 s (RUNLENS_AUTH_CACHE_MS), a revoked
// token is refused by every API process at most 5 s after `runlens token revoke` returns.
import { tokenIdOf, tokenMatches, type Scope } from './format.ts';
import type { StoredToken } from './format.ts';

export interface Principal {
  tokenId: string;
  project: string;
  scopes: readonly Scope[];
}

export type TokenLookup = (id: string) => Promise<StoredToken | null>;

export interface VerifierOptions {
  /** Cache lifetime of a lookup, positive or negative; 0 disables the cache. */
  ttlMs: number;
  /** Bound on cached ids, so random ids sent by a client cannot grow memory (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  record: StoredToken | null;
  expiresAt: number;
}

export class TokenVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<StoredToken | null>>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(
    private readonly lookup: TokenLookup,
    private readonly opts: VerifierOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** The principal of a valid, unrevoked token; null for anything else. Storage errors throw. */
  async verify(token: string): Promise<Principal | null> {
    const id = tokenIdOf(token);
    if (!id) return null; // malformed: never reaches storage
    const record = await this.load(id);
    if (!record || record.revokedAtMs !== null || !tokenMatches(token, record.sha256)) return null;
    return { tokenId: record.id, project: record.project, scopes: record.scopes };
  }

  private load(id: string): Promise<StoredToken | null> {
    const hit = this.cache.get(id);
    if (hit && hit.expiresAt > this.now()) return Promise.resolve(hit.record);
    // Concurrent requests with the same token share one lookup.
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const startedAt = this.now();
    const p = this.lookup(id).then(
      (record) => {
        this.inFlight.delete(id);
        this.remember(id, record, startedAt + this.opts.ttlMs);
        return record;
      },
      (err: unknown) => {
        this.inFlight.delete(id);
        throw err;
      },
    );
    this.inFlight.set(id, p);
    return p;
  }

  private remember(id: string, record: StoredToken | null, expiresAt: number): void {
    if (this.opts.ttlMs <= 0) return;
    this.cache.delete(id);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { record, expiresAt });
  }
}
