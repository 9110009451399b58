// The product's SQL must run on ClickHouse 18.16 (the integration tests) and on current
// ClickHouse (this test). It needs no server: chdb, ClickHouse's engine in process from PyPI,
// runs every migration, the processor's inserts and every query template with filters
// (test/compat/generate-sql.ts writes them, test/compat/check_chdb.py runs them).
//
// chdb lives in a project-local virtualenv, .runlens/venv-compat, created on the first run
// (python3 -m venv + pip install; a few minutes, needs PyPI) and reused afterwards.
//
//   npx vitest run --project compat
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureVirtualenv, MINUTE, REPO, runCommand } from '../helpers/python.ts';

/** The chdb release checked against (engine ClickHouse 26.9); chdb-core is the engine itself. */
const CHDB_VERSION = '4.4.0';
const CHDB_CORE_VERSION = '26.9.0';

const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

describe('the product SQL on current ClickHouse (chdb)', () => {
  let python: string;

  beforeAll(async () => {
    python = (await ensureVirtualenv('compat', [`chdb==${CHDB_VERSION}`, `chdb-core==${CHDB_CORE_VERSION}`])).python;
  }, 25 * MINUTE);

  it('runs every migration, the processor inserts and every query template and filter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-compat-'));
    try {
      const file = join(dir, 'statements.json');
      const gen = await runCommand(TSX, ['test/compat/generate-sql.ts', '--out', file], 2 * MINUTE);
      expect(gen.code, `generate-sql.ts failed:\n${gen.stdout}${gen.stderr}`).toBe(0);
      const check = await runCommand(python, ['test/compat/check_chdb.py', file], 5 * MINUTE);
      if (check.code !== 0) {
        throw new Error(`current ClickHouse rejects some of the product's SQL (check_chdb.py exit ${check.code}):\n${check.stdout}${check.stderr}`);
      }
      expect(check.stdout).toMatch(/^OK: all \d+ statements/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10 * MINUTE);
});
