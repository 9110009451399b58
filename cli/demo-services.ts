// The demos' shared scaffolding: their tokens, their voice, and the processor and API started as
// child processes (logs beside the stack's data) until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../common/config.ts';
import { REPO_ROOT } from './stack.ts';

export interface DemoTokens {
  read: string;
  ingest: string;
  registry: string;
}

export const say = (msg: string) => console.log(`[demo] ${msg}`);

function startChild(name: string, args: string[], logDir: string, env: NodeJS.ProcessEnv): ChildProcess {
  const log = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), ...args], { env, stdio: ['ignore', log, log] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) say(`${name} exited with code ${code}; see ${join(logDir, `${name}.log`)}`);
  });
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

/** Starts the processor and the API as child processes and waits until the API is ready; `stop` ends them. */
export async function startServices(config: Config): Promise<{ apiUrl: string; stop: () => Promise<void> }> {
  // Beside the stack's data: a second demo on a moved stack (another RUNLENS_HOME) keeps its own logs.
  const logDir = join(config.local.home ?? join(REPO_ROOT, '.runlens'), 'logs');
  mkdirSync(logDir, { recursive: true });
  const env = { ...process.env, RUNLENS_API_PORT: String(config.apiPort) };
  const children = [startChild('processor', ['processor'], logDir, env), startChild('api', ['api'], logDir, env)];
  const stopChildren = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
  process.on('exit', stopChildren);
  const apiUrl = `http://${config.apiHost}:${config.apiPort}`;
  await waitForHttp(`${apiUrl}/readyz`, 60_000);
  say(`processor and API started (logs in ${logDir})`);
  return {
    apiUrl,
    stop: async () => {
      stopChildren();
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    },
  };
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
export const untilStopped = () => new Promise<void>((resolve) => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
});

