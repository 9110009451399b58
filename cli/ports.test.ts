// Moving the local stack's ports moves every command with it: each `runlens` command below runs
// with only RUNLENS_LOCAL_* set and must reach the fake Kafka and ClickHouse listening on those
// ports, never the defaults (where a real stack may well answer, which is the trap).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './stack.ts';

const listen = (server: TcpServer | HttpServer): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: TcpServer | HttpServer): Promise<unknown> => new Promise((r) => server.close(r));

/** A fake Kafka (counts connections) and a fake ClickHouse (counts requests, answers 500), one per test. */
interface FakeStack {
  kafkaPort: number;
  clickhousePort: number;
  contacts: { kafka: number; clickhouse: number };
}

const fakes: (TcpServer | HttpServer)[] = [];

async function fakeStack(): Promise<FakeStack> {
  const contacts = { kafka: 0, clickhouse: 0 };
  const kafka = createTcpServer((socket) => {
    contacts.kafka++;
    socket.destroy();
  });
  const clickhouse = createHttpServer((req, res) => {
    contacts.clickhouse++;
    req.resume();
    res.writeHead(500, { 'content-type': 'text/plain' }).end('Code: 999. DB::Exception: fake ClickHouse of ports.test.ts');
  });
  fakes.push(kafka, clickhouse);
  return { kafkaPort: await listen(kafka), clickhousePort: await listen(clickhouse), contacts };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  const port = await listen(probe);
  await close(probe);
  return port;
}

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'runlens-ports-'));
});
afterAll(async () => {
  await Promise.all(fakes.map(close));
  rmSync(home, { recursive: true, force: true });
});

/** The test runner's environment without any RUNLENS_* setting, plus the given ones. */
function envWith(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RUNLENS_')));
  return {
    ...env,
    // Harmless names, should a regression send a command to a real server after all.
    RUNLENS_CLICKHOUSE_DATABASE: 'runlens_ports_test',
    RUNLENS_TOPIC_PREFIX: 'runlens.ports-test.',
    RUNLENS_API_PORT: '0',
    RUNLENS_PROCESSOR_METRICS_PORT: '0',
    RUNLENS_LOG_LEVEL: 'warn',
    RUNLENS_HOME: home,
    ...settings,
  };
}

const movedTo = (f: FakeStack) => envWith({ RUNLENS_LOCAL_KAFKA_PORT: String(f.kafkaPort), RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: String(f.clickhousePort) });

interface Outcome {
  reached: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `runlens <args>` until `reached()` holds, the command exits or 20 s pass; then stops it. */
async function runlens(args: string[], env: NodeJS.ProcessEnv, reached: (o: { stdout: string; stderr: string }) => boolean): Promise<Outcome> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((r) => child.once('close', () => r(void (exited = true))));
  const deadline = Date.now() + 20_000;
  while (!reached(out) && !exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const ok = reached(out);
  if (!exited) child.kill('SIGKILL');
  await exit;
  return { reached: ok, ...out };
}

// Concurrent: each test has its own fakes, and most of the time goes to starting Node and tsx.
describe.concurrent('RUNLENS_LOCAL_* ports move every command, not just the stack', () => {
  it.each([
    ['migrate', ['migrate']],
    ['token list', ['token', 'list']],
  ])('%s talks to ClickHouse on RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT', async (_name, args) => {
    const f = await fakeStack();
    const r = await runlens(args, movedTo(f), () => f.contacts.clickhouse > 0);
    expect(r.reached, r.stderr).toBe(true);
    expect(r.stderr).not.toContain('runlens: warning');
  }, 30_000);

  it.each([
    ['processor', ['processor']],
    ['simulate', ['simulate', '--configs', '1', '--seeds', '1', '--steps', '1']],
  ])('%s talks to Kafka on RUNLENS_LOCAL_KAFKA_PORT', async (_name, args) => {
    const f = await fakeStack();
    const r = await runlens(args, movedTo(f), () => f.contacts.kafka > 0);
    expect(r.reached, r.stderr).toBe(true);
  }, 30_000);

  it('api talks to Kafka and (on /readyz) ClickHouse on the moved ports', async () => {
    const f = await fakeStack();
    let readyz: Promise<unknown> | undefined;
    const r = await runlens(['api'], movedTo(f), ({ stderr }) => {
      const url = /query API listening on (\S+)/.exec(stderr)?.[1];
      if (url && !readyz) readyz = fetch(`${url}/readyz`).catch(() => undefined);
      return f.contacts.kafka > 0 && f.contacts.clickhouse > 0;
    });
    expect(r.reached, r.stderr).toBe(true);
  }, 30_000);

  it('stack status reports the moved ports', async () => {
    const f = await fakeStack();
    const r = await runlens(['stack', 'status'], movedTo(f), () => false);
    expect(r.stdout).toContain(`127.0.0.1:${f.kafkaPort}`);
    expect(r.stdout).toContain(`http://127.0.0.1:${f.clickhousePort}`);
    expect(r.stdout).toContain(home);
  }, 30_000);

  it('an explicit RUNLENS_CLICKHOUSE_URL still wins, with a warning naming the moved port it overrides', async () => {
    const f = await fakeStack();
    const moved = await closedPort();
    const env = envWith({ RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: String(moved), RUNLENS_CLICKHOUSE_URL: `http://127.0.0.1:${f.clickhousePort}` });
    const r = await runlens(['token', 'list'], env, ({ stderr }) => f.contacts.clickhouse > 0 && stderr.includes('warning'));
    expect(r.reached, r.stderr).toBe(true);
    expect(r.stderr).toContain(`runlens: warning: RUNLENS_CLICKHOUSE_URL=http://127.0.0.1:${f.clickhousePort} overrides RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT=${moved}`);
  }, 30_000);
});
