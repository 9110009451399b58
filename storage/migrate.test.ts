import { describe, expect, it } from 'vitest';
import { copiesATable, loadMigrations } from './migrate.ts';

describe('copiesATable', () => {
  it('names the shipped migrations that copy a table into its rebuilt form, and no backfill', () => {
    expect(loadMigrations().filter(copiesATable).map((m) => m.version)).toEqual([37, 41, 45, 49, 53]);
  });
});
