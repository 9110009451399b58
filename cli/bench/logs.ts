// `npm run bench -- --only logs` (issue 15): console lines (LogLines) through the same pipeline as
// metrics — SDK → Kafka → one processor process → ClickHouse — and what they cost metric ingest.
// Three measurements in one scratch database and topic prefix (./scratch.ts):
//   (a) metrics alone: a simulated sweep (cli/simulate.ts), first send → every point queryable;
//   (b) lines alone: runs sending LogLines of 1,000 lines as fast as the SDK's send queue allows,
//       first send → every line counted in log_chunks;
//   (c) both: the same sweep while lines are paced at a fixed rate, begun a lead-in before the
//       sweep and kept up until it is queryable: its points/s against (a), and whether the line
//       rate held (sent on schedule, stored about as fast as sent, little left behind at the end).
// (a) and (c) alternate a c c a a c c a …, so drift on a shared machine falls on both alike, and
// each (c) is set against the (a) of its pair; medians are printed with every round. The lines
// come from a child process of their own (as from other training jobs), so the simulator's event
// loop is not shared with them. The CPU each process used during each measurement is printed
// (Linux /proc), to tell a slow processor from a saturated machine. Prints figures; asserts
// nothing about time.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { RunlensClient, type Run } from '../../ingest/sdk/client.ts';
import { Rng } from '../../ingest/simulate/random.ts';
import type { LogLevel } from '../../schemas/events.ts';
import { rows } from '../../storage/read.ts';
import { quoteString } from '../../storage/sql-quote.ts';
import { simulate } from '../simulate.ts';
import { REPO_ROOT } from '../stack.ts';
import { waitForSweep } from '../wait.ts';
import { CpuTally, cpuSnapshot, localServerPids } from './cpu.ts';
import { recordFigure } from './report.ts';
import { closeScratch, openScratch } from './scratch.ts';

export interface LogBenchOptions {
  /** The metric sweep of (a) and (c). */
  configs: number;
  seeds: number;
  steps: number;
  /** How many (a)+(c) pairs. */
  pairs: number;
  /** Runs the lines are spread over, round robin, one LogLines event at a time. */
  logRuns: number;
  linesPerEvent: number;
  /** Lines sent in (b). */
  burstLines: number;
  /** Lines per second in (c). */
  rate: number;
  /** How long the paced lines run before the sweep of (c) starts. */
  leadInMs: number;
}

const DEFAULTS: LogBenchOptions = { configs: 32, seeds: 2, steps: 4000, pairs: 6, logRuns: 16, linesPerEvent: 1000, burstLines: 1_500_000, rate: 50_000, leadInMs: 2000 };
const PROJECT = 'bench';
const CHILD_ENV = 'RUNLENS_BENCH_LOG_SENDER';
/** The issue's bound on what lines may cost metric ingest. */
const ALLOWED_SLOWDOWN = 0.1;

// ---------------------------------------------------------------------------------------------
// Realistic console lines: a training loop's log, 80–120 characters, levels mixed.

const LEVELS: readonly [LogLevel, number][] = [['info', 0.82], ['debug', 0.1], ['warning', 0.06], ['error', 0.02]];

interface PoolLine {
  text: string;
  level: LogLevel;
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}

function lineBody(level: LogLevel, rng: Rng, i: number): string {
  const step = 1 + (i % 40_000);
  const epoch = Math.floor(step / 1563);
  const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  const shard = String(int(0, 99_999)).padStart(5, '0');
  switch (level) {
    case 'info':
      return rng.pick([
        () => `train.py:218] epoch ${epoch} step ${step}/40000 loss=${fixed(0.3 + rng.next(), 5)} acc=${fixed(0.5 + 0.45 * rng.next(), 4)} lr=${rng.logUniform(1e-5, 1e-2).toExponential(2)} gn=${fixed(2 * rng.next(), 3)} ${fixed(20 + 30 * rng.next(), 1)} it/s`,
        () => `eval.py:91] val epoch ${epoch}: loss=${fixed(0.3 + rng.next(), 5)} acc=${fixed(0.5 + 0.45 * rng.next(), 4)} top5=${fixed(0.9 + 0.09 * rng.next(), 4)} (${int(1, 64) * 256} samples, ${fixed(5 + 20 * rng.next(), 1)} s)`,
        () => `throughput.py:40] step ${step}: ${int(20_000, 90_000)} tok/s, ${fixed(30 + 50 * rng.next(), 2)} GiB allocated, ${int(60, 100)}% util on cuda:${int(0, 7)}`,
        () => `ckpt.py:52] saved checkpoint step-${step} in ${fixed(1 + 9 * rng.next(), 1)} s (${fixed(0.5 + 3 * rng.next(), 2)} GiB, rank ${int(0, 7)})`,
      ])();
    case 'debug':
      return rng.pick([
        () => `data/loader.py:144] worker ${int(0, 15)} prefetched shard-${shard}.tar (${int(512, 2048)} samples, ${fixed(20 + 80 * rng.next(), 1)} MiB) in ${int(40, 900)} ms`,
        () => `ckpt.py:77] wrote optimizer shard ${int(1, 8)}/8 to /ckpt/step-${step}/optim-0${int(0, 7)}.pt (${fixed(100 + 400 * rng.next(), 1)} MiB)`,
      ])();
    case 'warning':
      return rng.pick([
        () => `torch.distributed] NCCL watchdog: ALLREDUCE seq ${int(1000, 99_999)} took ${int(1500, 9000)} ms on rank ${int(0, 63)} (gpu-node-${int(0, 31)})`,
        () => `amp.py:52] gradient overflow at step ${step}, skipping the update; loss scale is now ${2 ** int(8, 16)}.0`,
      ])();
    case 'error':
      return rng.pick([
        () => `data/loader.py:201] worker ${int(0, 15)}: OSError [Errno 5] I/O error reading shard-${shard}.tar (retry ${int(1, 5)}/5)`,
        () => `train.py:301] CUDA out of memory at step ${step}: tried to allocate ${int(64, 4096)} MiB (GPU ${int(0, 7)}; ${fixed(10 * rng.next(), 2)} GiB free)`,
      ])();
  }
}

/** n lines of a training job's console, 80–120 characters each (a shorter one would be padded, a longer one cut). */
export function linePool(n: number, seed = 7): PoolLine[] {
  const rng = new Rng(seed);
  const t0 = Date.UTC(2026, 10, 30, 14, 0, 0);
  const out: PoolLine[] = [];
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    let level: LogLevel = 'info';
    for (const [l, w] of LEVELS) {
      if (u < w) {
        level = l;
        break;
      }
      u -= w;
    }
    const at = new Date(t0 + i * 37).toISOString().slice(11, 23);
    let text = `${at} ${(level === 'warning' ? 'WARN' : level.toUpperCase()).padEnd(5)} ${lineBody(level, rng, i)}`;
    if (text.length < 80) text = `${text} [rank ${i % 8}]`.padEnd(80, ' ');
    if (text.length > 120) text = text.slice(0, 120);
    out.push({ text, level });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The line sender: a child process with its own SDK client, driven over IPC.

type ToSender =
  | { type: 'send'; project: string; runs: number; linesPerEvent: number; lines: number | null; rate: number | null }
  | { type: 'status' }
  | { type: 'stop' }
  | { type: 'exit' };

interface SendResult {
  lines: number;
  events: number;
  chars: number;
  firstSendAt: number;
  lastSendAt: number;
  lastAckAt: number;
  /** Paced: the most lines the sender was behind its schedule at any tick. */
  maxBehind: number;
}

type FromSender =
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'status'; sent: number; acked: number; at: number }
  | { type: 'done'; result: SendResult }
  | { type: 'error'; message: string };

interface SenderJob {
  brokers: string[];
  topicPrefix: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const yieldToIo = () => new Promise((r) => setImmediate(r));

async function sendLines(client: RunlensClient, pool: PoolLine[], job: Extract<ToSender, { type: 'send' }>, state: { sent: number; acked: number }, stopped: () => boolean, reply: (m: FromSender) => void): Promise<SendResult> {
  const runs: Run[] = await Promise.all(
    Array.from({ length: job.runs }, (_, i) => client.startRun({ project: job.project, experiment: 'logs', runId: `${job.project}-r${String(i).padStart(3, '0')}`, name: `logs-${i}`, user: 'bench', params: { rank: i } })),
  );
  reply({ type: 'started' });
  const pending = new Set<Promise<void>>();
  let failure: Error | null = null;
  let events = 0;
  let chars = 0;
  let cursor = 0;
  let maxBehind = 0;
  const firstSendAt = Date.now();
  let lastSendAt = firstSendAt;
  let lastAckAt = firstSendAt;
  const sendOne = (n: number) => {
    const run = runs[events % runs.length]!;
    const batch = cursor + n <= pool.length ? pool.slice(cursor, cursor + n) : [...pool.slice(cursor), ...pool.slice(0, cursor + n - pool.length)];
    cursor = (cursor + n) % pool.length;
    for (const l of batch) chars += l.text.length;
    const p = run.logLines(batch, events % 10 === 9 ? 'stderr' : 'stdout').then(
      () => {
        state.acked += n;
        lastAckAt = Date.now();
      },
      (err: Error) => {
        failure ??= err;
      },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
    state.sent += n;
    events++;
    lastSendAt = Date.now();
  };
  if (job.rate === null) {
    const total = job.lines ?? 0;
    while (state.sent < total && !failure) {
      sendOne(Math.min(job.linesPerEvent, total - state.sent));
      await client.waitForCapacity();
      await yieldToIo();
    }
  } else {
    while (!stopped() && !failure) {
      const due = (job.rate * (Date.now() - firstSendAt)) / 1000;
      maxBehind = Math.max(maxBehind, due - state.sent);
      while (state.sent < due && !failure) {
        sendOne(job.linesPerEvent);
        await client.waitForCapacity();
      }
      await sleep(5);
    }
  }
  await Promise.allSettled([...pending]);
  if (failure) throw failure;
  return { lines: state.sent, events, chars, firstSendAt, lastSendAt, lastAckAt, maxBehind: Math.round(maxBehind) };
}

async function runSender(job: SenderJob): Promise<void> {
  const reply = (m: FromSender) => process.send?.(m);
  const client = await RunlensClient.connect({ brokers: job.brokers, topicPrefix: job.topicPrefix, clientId: 'runlens-bench-logs', logger: createLogger('bench-logs', 'error'), heartbeatIntervalMs: 0, createTopics: false });
  const pool = linePool(50_000);
  let state = { sent: 0, acked: 0 };
  let stop = false;
  let sending: Promise<void> | null = null;
  process.on('disconnect', () => process.exit(0)); // the benchmark is gone
  process.on('message', (m: ToSender) => {
    switch (m.type) {
      case 'send':
        stop = false;
        state = { sent: 0, acked: 0 };
        sending = sendLines(client, pool, m, state, () => stop, reply).then(
          (result) => void reply({ type: 'done', result }),
          (err: Error) => void reply({ type: 'error', message: err.stack ?? String(err) }),
        );
        break;
      case 'status':
        reply({ type: 'status', sent: state.sent, acked: state.acked, at: Date.now() });
        break;
      case 'stop':
        stop = true;
        break;
      case 'exit':
        void (async () => {
          stop = true;
          await sending;
          await client.close();
          process.exit(0);
        })();
        break;
    }
  });
  reply({ type: 'ready' });
}

/** The benchmark's handle on the line sender process. */
class LogSender {
  private readonly waiters: { type: FromSender['type']; resolve: (m: FromSender) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: FromSender) => {
      if (m.type === 'error') return this.fail(new Error(`log sender: ${m.message}`));
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.fail(new Error(`the log sender exited (${signal ?? `code ${code}`})`));
        resolve();
      }),
    );
  }

  static async start(config: Config): Promise<LogSender> {
    const job: SenderJob = { brokers: config.kafkaBrokers, topicPrefix: config.topicPrefix };
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      cwd: REPO_ROOT,
      env: { ...process.env, [CHILD_ENV]: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const sender = new LogSender(child);
    await sender.next('ready');
    return sender;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  next<T extends FromSender['type']>(type: T): Promise<Extract<FromSender, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve: resolve as (m: FromSender) => void, reject }));
  }

  post(m: ToSender): void {
    if (this.failure) throw this.failure;
    this.child.send(m);
  }

  async status(): Promise<Extract<FromSender, { type: 'status' }>> {
    const reply = this.next('status');
    this.post({ type: 'status' });
    return reply;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.connected) this.child.send({ type: 'exit' } satisfies ToSender);
      else this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

const CPU_NAMES = ['processor', 'ClickHouse', 'Kafka', 'this process (simulator)', 'log sender'] as const;

// ---------------------------------------------------------------------------------------------
// Counting stored lines.

async function countLines(ch: ClickHouseClient, project: string, final = false): Promise<number> {
  const [row] = await rows<{ n: number }>(ch, `SELECT sum(length(seqs)) AS n FROM log_chunks ${final ? 'FINAL ' : ''}WHERE project = ${quoteString(project)}`);
  return Number(row?.n ?? 0);
}

/**
 * Waits until `expected` lines of a project are in log_chunks, counting without FINAL (cheap;
 * exact unless a range was replayed), then checks the count with FINAL. Returns when the plain
 * count first reached it (Date.now()), and the two counts.
 */
async function waitForLines(ch: ClickHouseClient, project: string, expected: number, timeoutMs = 180_000): Promise<{ at: number; plain: number; final: number }> {
  const deadline = Date.now() + timeoutMs;
  let plain = 0;
  while (Date.now() < deadline) {
    plain = await countLines(ch, project);
    if (plain >= expected) {
      const at = Date.now();
      let final = await countLines(ch, project, true);
      // A replayed range counts twice without FINAL: then wait for the distinct lines.
      while (final < expected && Date.now() < deadline) {
        await sleep(200);
        final = await countLines(ch, project, true);
      }
      if (final < expected) break;
      return { at: final === plain ? at : Date.now(), plain, final };
    }
    await sleep(100);
  }
  throw new Error(`${project}: ${plain.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} lines in log_chunks after ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------------------------------------
// The measurements.

interface SweepFigures {
  points: number;
  /** First send → all queryable. */
  seconds: number;
  sendSeconds: number;
  lastSendToQueryable: number;
}

interface MixedFigures extends SweepFigures {
  /** Lines sent and stored while the sweep ran, and what was sent but not stored when it ended. */
  sentInWindow: number;
  storedInWindow: number;
  backlogAtEnd: number;
  sender: SendResult;
  lastSendToStored: number;
  exact: boolean;
}

interface BurstFigures {
  lines: number;
  sender: SendResult;
  seconds: number;
  lastSendToStored: number;
  exact: boolean;
}

export interface LogBenchResult {
  metricsAlone: SweepFigures[];
  linesAlone: BurstFigures;
  both: MixedFigures[];
}

const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
const count = (n: number) => n.toLocaleString('en-US');
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchLogs(base: Config, options: Partial<LogBenchOptions> = {}): Promise<LogBenchResult> {
  const o: LogBenchOptions = { ...DEFAULTS, ...options };
  const tag = `logbench${Date.now()}`;
  const scratch = await openScratch(base, tag);
  const { config } = scratch;
  const ch = createClickHouse(config);
  let sender: LogSender | undefined;
  try {
    sender = await LogSender.start(config);
    const s = sender;
    const pids: Record<string, number | undefined> = {
      processor: scratch.processor.pid,
      ...localServerPids(config),
      'log sender': s.pid,
    };
    const cpu = { a: new CpuTally(CPU_NAMES), b: new CpuTally(CPU_NAMES), c: new CpuTally(CPU_NAMES) };

    const sweep = async (sweepId: string, configs = o.configs, seeds = o.seeds, steps = o.steps): Promise<SweepFigures> => {
      const started = performance.now();
      const result = await simulate(config, { project: PROJECT, experiment: 'logs-bench', sweepId, configs, seeds, steps }, { progress: false });
      const lastSend = performance.now();
      const runs = result.runIds.length;
      await waitForSweep(ch, PROJECT, sweepId, { runs, finished: runs, points: result.points }, 600_000);
      const done = performance.now();
      return { points: result.points, seconds: (done - started) / 1000, sendSeconds: result.seconds, lastSendToQueryable: (done - lastSend) / 1000 };
    };

    const burst = async (project: string, lines: number): Promise<BurstFigures> => {
      s.post({ type: 'send', project, runs: o.logRuns, linesPerEvent: o.linesPerEvent, lines, rate: null });
      const { result } = await s.next('done');
      const stored = await waitForLines(ch, project, result.lines);
      return { lines: result.lines, sender: result, seconds: (stored.at - result.firstSendAt) / 1000, lastSendToStored: (stored.at - result.lastSendAt) / 1000, exact: stored.plain === stored.final };
    };

    const metricsAlone = async (round: number): Promise<SweepFigures> => {
      const c0 = cpuSnapshot(pids);
      const f = await sweep(`${tag}-a${round}`);
      cpu.a.add(c0, cpuSnapshot(pids));
      console.log(`  round ${round} (a) metrics alone:   ${rate(f.points, f.seconds)} points/s end to end (${f.seconds.toFixed(2)} s; last send → queryable ${f.lastSendToQueryable.toFixed(2)} s)`);
      return f;
    };

    const both = async (round: number): Promise<MixedFigures> => {
      const project = `logs-c${round}`;
      s.post({ type: 'send', project, runs: o.logRuns, linesPerEvent: o.linesPerEvent, lines: null, rate: o.rate });
      await s.next('started');
      await sleep(o.leadInMs);
      const before = await s.status();
      const stored0 = await countLines(ch, project);
      const c0 = cpuSnapshot(pids);
      const f = await sweep(`${tag}-c${round}`);
      const c1 = cpuSnapshot(pids);
      cpu.c.add(c0, c1);
      const after = await s.status();
      const stored1 = await countLines(ch, project);
      s.post({ type: 'stop' });
      const { result } = await s.next('done');
      const stored = await waitForLines(ch, project, result.lines);
      const m: MixedFigures = {
        ...f,
        sentInWindow: after.sent - before.sent,
        storedInWindow: stored1 - stored0,
        backlogAtEnd: Math.max(0, after.sent - stored1),
        sender: result,
        lastSendToStored: (stored.at - result.lastSendAt) / 1000,
        exact: stored.plain === stored.final,
      };
      const window = (c1.at - c0.at) / 1000;
      console.log(
        `  round ${round} (c) with lines:      ${rate(f.points, f.seconds)} points/s end to end (${f.seconds.toFixed(2)} s; last send → queryable ${f.lastSendToQueryable.toFixed(2)} s); ` +
          `lines meanwhile: sent ${rate(m.sentInWindow, window)}/s, stored ${rate(m.storedInWindow, window)}/s, ${count(m.backlogAtEnd)} behind at the end`,
      );
      return m;
    };

    // Warm-up: the processor joins its group, every path is compiled; nothing of it is reported.
    console.log(`\nrunlens log-lines benchmark: warming up (a small sweep and ${count(20 * o.linesPerEvent)} lines)…`);
    await sweep(`${tag}-warm`, 4, 1, 1000);
    await burst('logs-warm', 20 * o.linesPerEvent);

    const alone: SweepFigures[] = [];
    const mixed: MixedFigures[] = [];
    for (let p = 0; p < o.pairs; p++) {
      // a c, c a, a c, …: each kind takes the earlier and the later place equally often.
      if (p % 2 === 0) {
        alone.push(await metricsAlone(p + 1));
        mixed.push(await both(p + 1));
      } else {
        mixed.push(await both(p + 1));
        alone.push(await metricsAlone(p + 1));
      }
    }

    const b0 = cpuSnapshot(pids);
    const lines = await burst('logs-b', o.burstLines);
    cpu.b.add(b0, cpuSnapshot(pids));

    // ---- figures
    const pool = linePool(50_000);
    const meanChars = pool.reduce((a, l) => a + l.text.length, 0) / pool.length;
    const share = (lv: LogLevel) => `${lv} ${Math.round((100 * pool.filter((l) => l.level === lv).length) / pool.length)}%`;
    const points = alone[0]!.points;
    const aRate = median(alone.map((f) => f.points / f.seconds));
    const cRate = median(mixed.map((f) => f.points / f.seconds));
    // Each (c) against the (a) beside it in time, so slow drift of a shared machine cancels.
    const change = median(mixed.map((m, i) => m.points / m.seconds / (alone[i]!.points / alone[i]!.seconds))) - 1;
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;
    const windows = mixed.reduce((a, m) => a + m.seconds, 0);
    const sentInWindows = mixed.reduce((a, m) => a + m.sentInWindow, 0);
    const storedInWindows = mixed.reduce((a, m) => a + m.storedInWindow, 0);
    const maxBacklog = Math.max(...mixed.map((m) => m.backlogAtEnd));
    const maxBehind = Math.max(...mixed.map((m) => m.sender.maxBehind));
    const maxDrain = Math.max(...mixed.map((m) => m.lastSendToStored));
    const pacedRate = median(mixed.map((m) => m.sender.lines / ((m.sender.lastSendAt - m.sender.firstSendAt) / 1000)));
    const sentHeld = sentInWindows >= 0.95 * o.rate * windows;
    const storedHeld = storedInWindows >= 0.9 * sentInWindows && maxBacklog <= o.rate;
    const exact = lines.exact && mixed.every((m) => m.exact);
    const alonePoints = alone.reduce((a, m) => a + m.points, 0);
    const perMillion = (t: CpuTally, name: string, n: number) => {
      const sec = t.seconds[name];
      return sec == null ? '–' : (sec / (n / 1e6)).toFixed(2);
    };
    const noisy = [cpu.a, cpu.c].map((t) => t.others()).filter((x): x is number => x !== null);
    recordFigure('logs', 'metrics alone, end to end (median)', aRate, 'points/s');
    recordFigure('logs', 'lines alone, end to end', lines.lines / lines.seconds, 'lines/s');
    recordFigure('logs', `metrics with ${o.rate} lines/s beside them, change (median of pairs)`, change * 100, '%');
    console.log(`
runlens log-lines benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; one processor process
  metric sweep (a, c):        ${o.configs} configs × ${o.seeds} seeds × ${o.steps} steps = ${o.configs * o.seeds} runs, ${count(points)} points, ${o.pairs} times each, alternating a c c a …
  log lines (b, c):           ${o.linesPerEvent.toLocaleString('en-US')} lines per LogLines event over ${o.logRuns} runs, from a process of their own; ${Math.min(...pool.map((l) => l.text.length))}–${Math.max(...pool.map((l) => l.text.length))} chars (mean ${meanChars.toFixed(0)}); ${LEVELS.map(([lv]) => share(lv)).join(', ')}; every 10th event on stderr
(a) metrics alone:            ${rate(aRate, 1)} points/s end to end, median (rounds: ${alone.map((f) => rate(f.points, f.seconds)).join(', ')}); last send → queryable, median ${median(alone.map((f) => f.lastSendToQueryable)).toFixed(2)} s
(b) lines alone:              ${count(lines.lines)} lines (${(lines.sender.chars / 2 ** 20).toFixed(0)} MiB of text), SDK send ${rate(lines.lines, (lines.sender.lastAckAt - lines.sender.firstSendAt) / 1000)} lines/s
                              end to end ${rate(lines.lines, lines.seconds)} lines/s (first send → all in log_chunks, ${lines.seconds.toFixed(1)} s); last send → all stored ${lines.lastSendToStored.toFixed(2)} s
(c) both, lines paced at ${count(o.rate)}/s (from ${(o.leadInMs / 1000).toFixed(0)} s before each sweep until it is queryable):
    metrics:                  ${rate(cRate, 1)} points/s end to end, median (rounds: ${mixed.map((f) => rate(f.points, f.seconds)).join(', ')}); last send → queryable, median ${median(mixed.map((f) => f.lastSendToQueryable)).toFixed(2)} s
    change against (a):       ${signed(change)}, median of each round's (c) against its (a) (${mixed.map((m, i) => signed(m.points / m.seconds / (alone[i]!.points / alone[i]!.seconds) - 1)).join(', ')}); medians against medians ${signed(cRate / aRate - 1)}
                              issue 15 allows −${ALLOWED_SLOWDOWN * 100}%: ${change >= -ALLOWED_SLOWDOWN ? 'within' : 'NOT within'}
    lines during the sweeps:  sent ${rate(sentInWindows, windows)}/s, stored ${rate(storedInWindows, windows)}/s; sent but not yet stored at a sweep's end: at most ${count(maxBacklog)} (${(maxBacklog / o.rate).toFixed(2)} s of lines)
    pacing:                   ${rate(pacedRate, 1)} lines/s sent per paced period (median), at most ${count(maxBehind)} lines behind schedule; last send → all stored at most ${maxDrain.toFixed(2)} s
    rate held:                sending ${sentHeld ? 'yes' : 'NO'} (≥ 95% of ${count(o.rate)}/s during the sweeps); storing ${storedHeld ? 'yes' : 'NO'} (≥ 90% of what was sent during the sweeps, ≤ 1 s of lines behind at a sweep's end)
  counts:                     ${exact ? 'exact (count() without FINAL equalled count() FINAL every time)' : 'a replay was seen: count() without FINAL exceeded count() FINAL; completion waited for FINAL'}
  CPU s per million:          processor ${perMillion(cpu.a, 'processor', alonePoints)} per million points (a), ${perMillion(cpu.b, 'processor', lines.lines)} per million lines (b); ClickHouse ${perMillion(cpu.a, 'ClickHouse', alonePoints)} per million points (a), ${perMillion(cpu.b, 'ClickHouse', lines.lines)} per million lines (b)
  cores busy on average:      ${CPU_NAMES.join('  ')}  others    machine
    (a) metrics alone         ${cpu.a.line()}
    (b) lines alone           ${cpu.b.line()}
    (c) both                  ${cpu.c.line()}${noisy.some((x) => x > 0.25) ? `
  note: other processes kept ${Math.max(...noisy).toFixed(2)} cores busy during (a) or (c): the change against (a) is unreliable on this run` : ''}`);
    return { metricsAlone: alone, linesAlone: lines, both: mixed };
  } finally {
    await sender?.close().catch(() => undefined);
    await ch.close();
    await closeScratch(scratch);
  }
}

const child = process.env[CHILD_ENV];
if (child && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSender(JSON.parse(child) as SenderJob);
}
