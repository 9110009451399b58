// The Python package's spool against a real outage: Kafka stopped for 30 s while two Python
// processes log. Process A keeps logging through the outage and finishes once Kafka is back:
// every point it logged is stored exactly once. Process B is killed with SIGKILL during the
// outage: `runlens sync` refuses while Kafka is down (exit 2, clear message), and once Kafka is
// back sends B's spool, after which every point B's script last reported as spooled (written to
// disk before the kill) is stored, none twice; how far that was from the kill is printed. Then the same spool bytes are sent a second time: stored once (batch identity).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCommand, type Virtualenv } from '../helpers/python.ts';
import { pythonSdkEnv, pythonSdkVirtualenv } from '../helpers/python-sdk.ts';
import { faultStack } from './global-setup.ts';
import { faultNamespace, ProcessorProcess, report, stored, uncommittedMessages, waitForStored, type FaultNamespace } from './harness.ts';

const METRICS = 4;
const A_RATE = 2_500; // steps/s, 4 points each: 10k points/s
const A_STEPS = A_RATE * 42;
const B_RATE = 1_250;
const DOWN_AT_S = 3;
const DOWN_FOR_S = 30;
const KILL_B_AT_S = 15;

interface Progress { step?: number; t?: number; spooled?: number; done?: boolean; points?: number; slowest_log_ms?: number; finish_s?: number }

class Script {
  readonly lines: Progress[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private child: ChildProcess;

  constructor(python: string, args: string[], env: Record<string, string>) {
    this.child = spawn(python, [join(REPO, 'test', 'faults', 'python', 'spool_run.py'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const p of parts) if (p.trim()) this.lines.push(JSON.parse(p) as Progress);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const segments = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.seg'));

let ns: FaultNamespace;
let venv: Virtualenv;
let env: Record<string, string>;
const tmp = mkdtempSync(join(tmpdir(), 'runlens-spool-'));
const spoolA = join(tmp, 'a');
const spoolB = join(tmp, 'b');
const spoolBCopy = join(tmp, 'b-copy');

beforeAll(async () => {
  [venv, ns] = await Promise.all([pythonSdkVirtualenv(), faultNamespace('pyspool')]);
  env = pythonSdkEnv(ns);
});
let processor: ProcessorProcess | undefined;
afterAll(async () => {
  await processor?.stop();
  await ns?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const sync = (dir: string, timeoutS: number) => runCommand(venv.python, ['-m', 'runlens', 'sync', '--dir', dir, '--timeout', String(timeoutS)], 120_000, { env });

async function q(query: string): Promise<number> {
  const [row] = await (await ns.clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: number }>();
  return Number(row?.n ?? 0);
}
const distinctUpTo = (run: string, step: number) =>
  q(`SELECT count() AS n FROM (SELECT DISTINCT key, step FROM metric_chunks ARRAY JOIN point_steps AS step WHERE run_id = '${run}' AND step <= ${step})`);

describe('Python spool through a 30 s Kafka outage', () => {
  const runA = 'pyspool-a';
  const runB = 'pyspool-b';
  let safeB = -1;
  let killedAt = 0;
  let b: Script;

  it('a run logging through the outage: every point stored once; a killed run\'s spool sent by `runlens sync`', async () => {
    processor = new ProcessorProcess(ns.config);
    const a = new Script(venv.python, ['faults', runA, String(A_STEPS), String(A_RATE)], { ...env, RUNLENS_SPOOL_DIR: spoolA });
    b = new Script(venv.python, ['faults', runB, String(B_RATE * 3600), String(B_RATE)], { ...env, RUNLENS_SPOOL_DIR: spoolB });
    const t0 = Date.now();
    await sleep(DOWN_AT_S * 1000);
    await faultStack('down', 'kafka');
    const downAt = Date.now();
    await sleep(Math.max(0, t0 + KILL_B_AT_S * 1000 - Date.now()));
    killedAt = Date.now() / 1000;
    b.kill();
    await b.exited;
    // While Kafka is down, sync refuses and keeps everything.
    const refused = await sync(spoolB, 5);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/Kafka at .* is unreachable.*the spool under .* is kept/);
    expect(segments(spoolB).length).toBeGreaterThan(0);
    await sleep(Math.max(0, downAt + DOWN_FOR_S * 1000 - Date.now()));
    await faultStack('up', 'kafka');

    const codeA = await a.exited;
    const doneA = a.lines.at(-1)!;
    expect(codeA, a.stderr.join('')).toBe(0);
    expect(doneA.done).toBe(true);

    // Every line was printed before the kill; its "spooled" step was on disk when it was printed.
    safeB = Math.max(-1, ...b.lines.map((l) => l.spooled ?? -1));
    const safeBAt = b.lines.find((l) => (l.spooled ?? -1) >= safeB)?.t ?? killedAt;
    expect(safeB, 'B reported nothing spooled before its kill').toBeGreaterThan(0);
    const lastB = Math.max(...b.lines.map((l) => l.step ?? -1));
    cpSync(spoolB, spoolBCopy, { recursive: true });
    const sent = await sync(spoolB, 60);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/sent \d+ event\(s\) of run faults\/pyspool-b/);
    expect(segments(spoolB)).toEqual([]);

    const wantB = (safeB + 1) * METRICS;
    await waitForStored(ns.clickhouse, doneA.points! + wantB, 180_000);
    const final = await stored(ns.clickhouse);
    const storedA = final.distinctByRun.get(runA) ?? 0;
    const storedB = final.distinctByRun.get(runB) ?? 0;
    const storedBSafe = await distinctUpTo(runB, safeB);
    const maxStoredB = await q(`SELECT max(step) AS n FROM metric_chunks ARRAY JOIN point_steps AS step WHERE run_id = '${runB}'`);
    const lostWindow = killedAt - (b.lines.find((l) => (l.step ?? -1) >= maxStoredB)?.t ?? killedAt);
    report('python spool, Kafka down 30 s', {
      'A logged': doneA.points!,
      'A stored': storedA,
      'A slowest log() ms': Number(doneA.slowest_log_ms!.toFixed(1)),
      'A finish() s': Number(doneA.finish_s!.toFixed(1)),
      'B logged (last reported step)': (lastB + 1) * METRICS,
      'B reported spooled': wantB,
      'B spooled report s before kill': Number((killedAt - safeBAt).toFixed(2)),
      'B stored': storedB,
      'B lost window s': Number(lostWindow.toFixed(2)),
      duplicated: final.logical - final.distinct,
      'spool left by A': segments(spoolA).length,
      'A deliveries failed then re-sent': a.stderr.join('').includes('did not acknowledge') ? 'yes' : 'no (librdkafka held them)',
    });
    expect(storedA).toBe(doneA.points);
    expect(storedBSafe).toBe(wantB);
    expect(final.logical).toBe(final.distinct);
    expect(segments(spoolA)).toEqual([]);
    // Logging never waited for Kafka: the outage cost log() no stall.
    expect(doneA.slowest_log_ms!).toBeLessThan(1_000);
  });

  it('the same spooled bytes sent again are stored once', async () => {
    expect(segments(spoolBCopy).length).toBeGreaterThan(0);
    const before = await stored(ns.clickhouse);
    const again = await sync(spoolBCopy, 60);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // Once the processor has consumed everything, nothing more is stored and nothing counts twice.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && (await uncommittedMessages(ns.config, `${ns.config.topicPrefix}processors`)) > 0) await sleep(500);
    const after = await stored(ns.clickhouse);
    await processor!.stop();
    processor = undefined;
    report('python spool sent twice', { 'distinct before': before.distinct, 'distinct after': after.distinct, 'counted (FINAL)': after.logical, physical: after.physical });
    expect(await uncommittedMessages(ns.config, `${ns.config.topicPrefix}processors`)).toBe(0);
    expect(after.distinct).toBe(before.distinct);
    expect(after.logical).toBe(after.distinct);
  });
});
