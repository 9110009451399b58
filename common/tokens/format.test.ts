// Token format: shape, hashing and scope parsing. No services.
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, isTokenId, parseScopes, tokenIdOf, tokenMatches } from './format.ts';

describe('API token format', () => {
  it('generates distinct tokens whose id can be read back and whose hash matches', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^runlens_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(tokenIdOf(a.token)).toBe(a.id);
    expect(isTokenId(a.id)).toBe(true);
    expect(a.sha256).toBe(hashToken(a.token));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.sha256).not.toContain(a.token.slice(25));
    expect(tokenMatches(a.token, a.sha256)).toBe(true);
    expect(tokenMatches(b.token, a.sha256)).toBe(false);
  });

  it('rejects anything not shaped like a token before any lookup', () => {
    const { token, id } = generateToken();
    for (const bad of ['', 'runlens_', token.slice(0, -1), `${token}x`, token.toUpperCase(), ` ${token}`, `runlens_${id}_${"'".repeat(43)}`, "' OR 1=1 --"]) {
      expect(tokenIdOf(bad), bad).toBeNull();
    }
    expect(tokenMatches(token, 'not-hex')).toBe(false);
  });

  it('parses scope lists, in a canonical order, and refuses unknown scopes', () => {
    expect(parseScopes('read,ingest')).toEqual(['ingest', 'read']);
    expect(parseScopes(' admin , read,read ')).toEqual(['read', 'admin']);
    expect(() => parseScopes('read,write')).toThrow(/unknown scope "write"/);
    expect(() => parseScopes(' , ')).toThrow(/no scopes/);
  });
});
