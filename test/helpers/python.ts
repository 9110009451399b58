// The tests' Python: project-local virtualenvs (cli/python-venv.ts, shared with the benchmarks),
// and the way a test runs one of its Python scripts.
import { basename } from 'node:path';
import { expect } from 'vitest';
import { runCommand } from '../../cli/python-venv.ts';

export { ensureVirtualenv, MINUTE, REPO, runCommand, type CommandResult, type Virtualenv } from '../../cli/python-venv.ts';

/**
 * Runs a Python script that prints a JSON report as its last line; the test fails with the
 * script's output (and `hint`) when it exits non-zero.
 */
export async function runReportingScript<T>(python: string, script: string, args: string[], timeoutMs: number, env: Record<string, string>, hint = ''): Promise<T> {
  const r = await runCommand(python, [script, ...args], timeoutMs, { env });
  expect(r.code, `${basename(script)} ${args[0] ?? ''} failed${hint}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}
