// Test support for the auth plugin's tests (common/http/auth.test.ts, cli/api-auth.test.ts): a
// token per scope of project "a", and a verifier over them that fails on "boom" as a token
// store that cannot be reached would.
import type { Principal } from '../tokens/verifier.ts';

export const principals: Record<string, Principal> = {
  reader: { tokenId: 'r', project: 'a', scopes: ['read'] },
  ingester: { tokenId: 'i', project: 'a', scopes: ['ingest'] },
  admin: { tokenId: 'x', project: 'a', scopes: ['admin'] },
  nothing: { tokenId: 'n', project: 'a', scopes: [] },
  feeder: { tokenId: 'b', project: 'a', scopes: ['bi'] },
};

export const verifier = {
  verify: async (token: string) => {
    if (token === 'boom') throw new Error('ClickHouse down');
    return principals[token] ?? null;
  },
};

export const as = (token: string) => ({ authorization: `Bearer ${token}` });
