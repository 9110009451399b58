// The product's SQL must run on ClickHouse 18.16 (the integration tests) and on current
// ClickHouse (this test). It needs no server: chdb, ClickHouse's engine in process from PyPI,
// runs every migration, the processor's inserts and every query template with filters
// (test/compat/generate-sql.ts writes them, test/compat/check_chdb.py runs them).
//
// chdb lives in a project-local virtualenv, .runlens/venv-compat, created on the first run
// (python3 -m venv + pip install; a few minutes, needs PyPI) and reused afterwards.
//
//   npx vitest run --project compat
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/** The chdb release checked against (engine ClickHouse 26.9); chdb-core is the engine itself. */
const CHDB_VERSION = '4.4.0';
const CHDB_CORE_VERSION = '26.9.0';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VENV = join(ROOT, '.runlens', 'venv-compat');
const VENV_PYTHON = join(VENV, 'bin', 'python');
const SYSTEM_PYTHON = process.env.RUNLENS_PYTHON ?? 'python3';
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MINUTE = 60_000;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws on a non-zero exit (the caller reads `code`). */
function run(cmd: string, args: string[], timeoutMs: number): Promise<Result> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === 127 ? `\n${err.message}` : '') });
    });
  });
}

async function installedChdb(): Promise<string | null> {
  if (!existsSync(VENV_PYTHON)) return null;
  const r = await run(VENV_PYTHON, ['-c', 'import chdb, importlib.metadata as m; print(chdb.__version__, m.version("chdb-core"))'], MINUTE);
  return r.code === 0 ? r.stdout.trim() : null;
}

async function installChdb(): Promise<void> {
  if (!existsSync(VENV_PYTHON)) {
    mkdirSync(dirname(VENV), { recursive: true });
    const venv = await run(SYSTEM_PYTHON, ['-m', 'venv', VENV], 5 * MINUTE);
    if (venv.code !== 0) {
      throw new Error(`${SYSTEM_PYTHON} -m venv ${VENV} failed (on Debian: apt-get install python3-venv; or set RUNLENS_PYTHON):\n${venv.stdout}${venv.stderr}`);
    }
  }
  const pip = await run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', `chdb==${CHDB_VERSION}`, `chdb-core==${CHDB_CORE_VERSION}`], 20 * MINUTE);
  if (pip.code !== 0) throw new Error(`pip install chdb==${CHDB_VERSION} into ${VENV} failed:\n${pip.stdout}${pip.stderr}`);
}

/** The virtualenv's python with the pinned chdb, creating or repairing the virtualenv if needed. */
async function ensureChdb(): Promise<string> {
  const want = `${CHDB_VERSION} ${CHDB_CORE_VERSION}`;
  if ((await installedChdb()) === want) return VENV_PYTHON;
  try {
    await installChdb();
  } catch (first) {
    // A half-created virtualenv (interrupted first run) cannot always be repaired in place.
    if (!existsSync(VENV)) throw first;
    rmSync(VENV, { recursive: true, force: true });
    await installChdb();
  }
  const got = await installedChdb();
  if (got !== want) throw new Error(`${VENV} has chdb ${got ?? '(not importable)'} after installing ${want}`);
  return VENV_PYTHON;
}

describe('the product SQL on current ClickHouse (chdb)', () => {
  let python: string;

  beforeAll(async () => {
    python = await ensureChdb();
  }, 25 * MINUTE);

  it('runs every migration, the processor inserts and every query template and filter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-compat-'));
    try {
      const file = join(dir, 'statements.json');
      const gen = await run(TSX, ['test/compat/generate-sql.ts', '--out', file], 2 * MINUTE);
      expect(gen.code, `generate-sql.ts failed:\n${gen.stdout}${gen.stderr}`).toBe(0);
      const check = await run(python, ['test/compat/check_chdb.py', file], 5 * MINUTE);
      if (check.code !== 0) {
        throw new Error(`current ClickHouse rejects some of the product's SQL (check_chdb.py exit ${check.code}):\n${check.stdout}${check.stderr}`);
      }
      expect(check.stdout).toMatch(/^OK: all \d+ statements/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10 * MINUTE);
});
