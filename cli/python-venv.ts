// Python tools the tests and benchmarks run (chdb for the compat test, schemathesis for the API
// fuzz test, the Python SDK's dependencies): each in a project-local virtualenv, .runlens/venv-<name>, created on the first
// run (python3 -m venv + pip install of pinned versions; needs PyPI) and reused while its pins
// are unchanged. RUNLENS_PYTHON names another python3. A half-created virtualenv (an
// interrupted first run) is deleted and made again.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SYSTEM_PYTHON = process.env.RUNLENS_PYTHON ?? 'python3';
export const MINUTE = 60_000;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws on a non-zero exit (the caller reads `code`). */
export function runCommand(cmd: string, args: string[], timeoutMs: number, opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CommandResult> {
  return new Promise((done) => {
    const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', NO_COLOR: '1', ...opts.env };
    execFile(cmd, args, { cwd: opts.cwd ?? REPO, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === 127 ? `\n${err.message}` : '') });
    });
  });
}

export interface Virtualenv {
  dir: string;
  python: string;
  /** A console script of an installed package, e.g. bin('st'). */
  bin: (name: string) => string;
}

/** The virtualenv .runlens/venv-<name> holding exactly `requirements` (pinned, e.g. "chdb==4.4.0"). */
export async function ensureVirtualenv(name: string, requirements: string[]): Promise<Virtualenv> {
  const dir = join(REPO, '.runlens', `venv-${name}`);
  const venv = { dir, python: join(dir, 'bin', 'python'), bin: (script: string) => join(dir, 'bin', script) };
  const marker = join(dir, 'runlens-requirements.txt');
  const wanted = requirements.join('\n');
  if (existsSync(marker) && existsSync(venv.python) && readFileSync(marker, 'utf8') === wanted) return venv;
  const install = async () => {
    if (!existsSync(venv.python)) {
      mkdirSync(dirname(dir), { recursive: true });
      const made = await runCommand(SYSTEM_PYTHON, ['-m', 'venv', dir], 5 * MINUTE);
      if (made.code !== 0) throw new Error(`${SYSTEM_PYTHON} -m venv ${dir} failed (on Debian: apt-get install python3-venv; or set RUNLENS_PYTHON):\n${made.stdout}${made.stderr}`);
    }
    const pip = await runCommand(venv.python, ['-m', 'pip', 'install', '--quiet', ...requirements], 20 * MINUTE);
    if (pip.code !== 0) throw new Error(`pip install ${requirements.join(' ')} into ${dir} failed:\n${pip.stdout}${pip.stderr}`);
  };
  try {
    await install();
  } catch (first) {
    if (!existsSync(dir)) throw first;
    rmSync(dir, { recursive: true, force: true });
    await install();
  }
  writeFileSync(marker, wanted);
  return venv;
}
