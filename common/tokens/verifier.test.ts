// The token verifier and its cache, over a fake lookup and a fake clock. No services.
import { describe, expect, it, vi } from 'vitest';
import { generateToken } from './format.ts';
import type { StoredToken } from './format.ts';
import { TokenVerifier } from './verifier.ts';

function fixture(overrides: Partial<StoredToken> = {}) {
  const g = generateToken();
  const record: StoredToken = { id: g.id, project: 'p', name: '', scopes: ['read'], sha256: g.sha256, createdAtMs: 1, revokedAtMs: null, ...overrides };
  const db = new Map<string, StoredToken>([[g.id, record]]);
  const lookup = vi.fn(async (id: string) => db.get(id) ?? null);
  let t = 1_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  return { token: g.token, record, db, lookup, clock };
}

describe('TokenVerifier', () => {
  it('returns the principal of a valid token and caches the lookup', async () => {
    const f = fixture();
    const v = new TokenVerifier(f.lookup, { ttlMs: 5_000, now: f.clock.now });
    expect(await v.verify(f.token)).toEqual({ tokenId: f.record.id, project: 'p', scopes: ['read'] });
    await v.verify(f.token);
    expect(f.lookup).toHaveBeenCalledTimes(1);
  });

  it('refuses malformed tokens without a lookup, and a wrong secret for a known id', async () => {
    const f = fixture();
    const v = new TokenVerifier(f.lookup, { ttlMs: 5_000, now: f.clock.now });
    expect(await v.verify('nope')).toBeNull();
    expect(f.lookup).not.toHaveBeenCalled();
    const forged = f.token.slice(0, -4) + (f.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await v.verify(forged)).toBeNull();
    // The cached record does not make a forged secret valid either.
    expect(await v.verify(f.token)).not.toBeNull();
    expect(await v.verify(forged)).toBeNull();
  });

  it('refuses a revoked token once the cache entry expires, never later than ttlMs after the revocation', async () => {
    const f = fixture();
    const v = new TokenVerifier(f.lookup, { ttlMs: 5_000, now: f.clock.now });
    expect(await v.verify(f.token)).not.toBeNull();
    f.db.set(f.record.id, { ...f.record, revokedAtMs: 2 }); // revoked now
    f.clock.advance(4_999);
    expect(await v.verify(f.token)).not.toBeNull(); // still inside the cache lifetime
    f.clock.advance(1);
    expect(await v.verify(f.token)).toBeNull();
  });

  it('measures the lifetime from the start of the lookup, so a slow lookup cannot extend it', async () => {
    const f = fixture();
    let release!: () => void;
    const slow = vi.fn(async (id: string) => {
      await new Promise<void>((r) => (release = r));
      return f.db.get(id) ?? null;
    });
    const v = new TokenVerifier(slow, { ttlMs: 5_000, now: f.clock.now });
    const pending = v.verify(f.token);
    f.clock.advance(3_000); // the lookup takes 3 s
    release();
    expect(await pending).not.toBeNull();
    f.db.set(f.record.id, { ...f.record, revokedAtMs: 2 });
    f.clock.advance(2_000);
    const again = v.verify(f.token);
    release();
    expect(await again).toBeNull();
  });

  it('shares one lookup between concurrent requests and does not cache failures', async () => {
    const f = fixture();
    const v = new TokenVerifier(f.lookup, { ttlMs: 5_000, now: f.clock.now });
    await Promise.all([v.verify(f.token), v.verify(f.token), v.verify(f.token)]);
    expect(f.lookup).toHaveBeenCalledTimes(1);

    const broken = vi.fn().mockRejectedValueOnce(new Error('ClickHouse down')).mockImplementation(f.lookup);
    const w = new TokenVerifier(broken, { ttlMs: 5_000, now: f.clock.now });
    await expect(w.verify(f.token)).rejects.toThrow(/ClickHouse down/);
    expect(await w.verify(f.token)).not.toBeNull();
  });

  it('caches unknown ids too, within a bounded number of entries', async () => {
    const f = fixture();
    const v = new TokenVerifier(f.lookup, { ttlMs: 5_000, maxEntries: 2, now: f.clock.now });
    const strangers = [generateToken().token, generateToken().token, generateToken().token];
    for (const s of strangers) expect(await v.verify(s)).toBeNull();
    expect(await v.verify(strangers[2]!)).toBeNull();
    expect(f.lookup).toHaveBeenCalledTimes(3); // the newest is cached
    expect(await v.verify(strangers[0]!)).toBeNull();
    expect(f.lookup).toHaveBeenCalledTimes(4); // the oldest was evicted
  });

  it('with ttlMs 0 looks every request up', async () => {
    const f = fixture();
    const v = new TokenVerifier(f.lookup, { ttlMs: 0, now: f.clock.now });
    await v.verify(f.token);
    await v.verify(f.token);
    expect(f.lookup).toHaveBeenCalledTimes(2);
  });
});
