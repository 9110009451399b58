// Shared machinery of the fault tests: processors as real child processes, a paced sender
// through the SDK that records which points Kafka acknowledged, and the accounting of what
// ClickHouse holds (stored, lost, duplicated) plus summaries recomputed from raw rows.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { loadConfig, topicsFor, type Config } from '../../common/config.ts';
import { createKafka, ensureTopics } from '../../common/kafka.ts';
import { createLogger } from '../../common/logger.ts';
import { RunlensClient } from '../../ingest/sdk/client.ts';
import { REPO_ROOT } from '../../cli/stack.ts';
import { migrate } from '../../storage/migrate.ts';

export interface FaultNamespace {
  config: Config;
  clickhouse: ClickHouseClient;
  close: () => Promise<void>;
}

export async function faultNamespace(label: string): Promise<FaultNamespace> {
  const stack = inject('faultStack');
  const tag = `${label}_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    RUNLENS_KAFKA_BROKERS: stack.kafkaBrokers,
    RUNLENS_CLICKHOUSE_URL: stack.clickhouseUrl,
    RUNLENS_CLICKHOUSE_DATABASE: `runlens_fault_${tag}`,
    RUNLENS_TOPIC_PREFIX: `runlens.fault.${tag}.`,
  });
  const admin = createClickHouse(config, { database: 'default' });
  await migrate(admin, config.clickhouseDatabase);
  await admin.close();
  const kadmin = createKafka(config.kafkaBrokers, 'runlens-fault').admin();
  await kadmin.connect();
  await ensureTopics(kadmin, topicsFor(config), 6);
  await kadmin.disconnect();
  const clickhouse = createClickHouse(config);
  return { config, clickhouse, close: () => clickhouse.close() };
}

export class ProcessorProcess {
  readonly lines: string[] = [];
  private child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(config: Config, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), 'processor'], {
      env: {
        ...process.env,
        RUNLENS_KAFKA_BROKERS: config.kafkaBrokers.join(','),
        RUNLENS_CLICKHOUSE_URL: config.clickhouseUrl,
        RUNLENS_CLICKHOUSE_DATABASE: config.clickhouseDatabase,
        RUNLENS_TOPIC_PREFIX: config.topicPrefix,
        RUNLENS_PROCESSOR_SESSION_TIMEOUT_MS: '6000',
        RUNLENS_PROCESSOR_METRICS_PORT: '0',
        RUNLENS_LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    const collect = (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resident memory in MiB, read from /proc. */
  rssMiB(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  }

  /** Resolves once a log line matches (or the time runs out: then the caller's checks will tell). */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.alive && !this.lines.some((l) => pattern.test(l))) await new Promise((r) => setTimeout(r, 100));
  }

  count(pattern: RegExp): number {
    return this.lines.filter((l) => pattern.test(l)).length;
  }

  /** Sum of a numeric field over the JSON log lines whose msg matches. */
  sumField(msg: string, field: string): number {
    let total = 0;
    for (const l of this.lines) {
      if (!l.includes(msg)) continue;
      try {
        total += Number((JSON.parse(l) as Record<string, unknown>)[field] ?? 0);
      } catch {
        /* not a JSON line */
      }
    }
    return total;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.kill('SIGTERM');
    await this.exited;
  }
}

export interface SendReport {
  points: number;
  ackedPoints: number;
  failedPoints: number;
  ackedByRun: Map<string, number>;
  sendErrors: number;
  seconds: number;
}

/**
 * Sends `runs` × `steps` × `metrics.length` points, steps interleaved across runs as in a
 * sweep running in parallel, at about `pointsPerSecond`. Records every MetricBatch's fate. A
 * run whose send failed stops logging (its log() throws, as the SDK promises).
 */
export async function sendPaced(config: Config, spec: { label: string; runs: number; steps: number; pointsPerSecond: number }): Promise<SendReport> {
  const ackedByRun = new Map<string, number>();
  let failedPoints = 0;
  let sendErrors = 0;
  const client = await RunlensClient.connect({
    brokers: config.kafkaBrokers,
    topicPrefix: config.topicPrefix,
    flushOnExit: false,
    maxBatchPoints: 2_000,
    flushIntervalMs: 200,
    logger: createLogger('fault-sdk', 'silent'),
    onError: () => sendErrors++,
    onDelivery: (d) => {
      if (d.error) failedPoints += d.points;
      else ackedByRun.set(d.runId, (ackedByRun.get(d.runId) ?? 0) + d.points);
    },
  });
  const metrics = ['loss', 'acc', 'lr', 'grad_norm'];
  const runs = [];
  for (let i = 0; i < spec.runs; i++) {
    runs.push(await client.startRun({ project: 'faults', experiment: spec.label, runId: `${spec.label}-r${i}`, params: { i } }));
  }
  const alive = new Set(runs);
  let points = 0;
  const started = performance.now();
  for (let step = 1; step <= spec.steps && alive.size > 0; step++) {
    for (const run of alive) {
      const values: Record<string, number> = {};
      for (let k = 0; k < metrics.length; k++) values[metrics[k]!] = Math.sin(step / 100 + k) + step * 1e-6;
      try {
        run.log(values, step);
        points += metrics.length;
      } catch {
        alive.delete(run); // a failed send poisons its run; a real job would crash or restart
      }
    }
    if (step % 50 === 0) {
      const ahead = points / spec.pointsPerSecond - (performance.now() - started) / 1000;
      if (ahead > 0) await new Promise((r) => setTimeout(r, ahead * 1000));
      await client.waitForCapacity();
    }
  }
  for (const run of alive) await run.flush().catch(() => undefined);
  await client.close().catch(() => undefined);
  const ackedPoints = [...ackedByRun.values()].reduce((a, b) => a + b, 0);
  return { points, ackedPoints, failedPoints, ackedByRun, sendErrors, seconds: (performance.now() - started) / 1000 };
}

export interface StoredReport {
  /** Distinct (run, key, step) points present in any row. */
  distinct: number;
  /** Points counted through FINAL: what every query sees. */
  logical: number;
  /** Points in physical rows, before merges collapse replayed copies. */
  physical: number;
  distinctByRun: Map<string, number>;
}

async function one(ch: ClickHouseClient, query: string): Promise<number> {
  const [row] = await (await ch.query({ query, format: 'JSONEachRow' })).json<{ n: number }>();
  return Number(row?.n ?? 0);
}

export async function stored(ch: ClickHouseClient): Promise<StoredReport> {
  const byRun = await (
    await ch.query({
      query: `SELECT run_id, count() AS n FROM (SELECT DISTINCT run_id, key, segment, step FROM metric_chunks ARRAY JOIN point_steps AS step) GROUP BY run_id`,
      format: 'JSONEachRow',
    })
  ).json<{ run_id: string; n: number }>();
  const distinctByRun = new Map(byRun.map((r) => [r.run_id, Number(r.n)]));
  return {
    distinct: [...distinctByRun.values()].reduce((a, b) => a + b, 0),
    logical: await one(ch, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL'),
    physical: await one(ch, 'SELECT sum(point_count) AS n FROM metric_chunks'),
    distinctByRun,
  };
}

/**
 * Waits until ClickHouse holds at least `points` distinct points — of the runs whose ids start
 * with `runPrefix` when given (tests sharing a database count only their own) — or time runs out.
 */
export async function waitForStored(ch: ClickHouseClient, points: number, timeoutMs: number, runPrefix?: string): Promise<StoredReport> {
  const deadline = Date.now() + timeoutMs;
  const mine = (r: StoredReport) => (runPrefix === undefined ? r.distinct : [...r.distinctByRun].reduce((n, [run, k]) => n + (run.startsWith(runPrefix) ? k : 0), 0));
  let last = await stored(ch);
  while (Date.now() < deadline && mine(last) < points) {
    await new Promise((r) => setTimeout(r, 500));
    last = await stored(ch);
  }
  return last;
}

/** Summaries as the API reads them versus a recomputation from the raw points; returns mismatches. */
export async function summaryMismatches(ch: ClickHouseClient): Promise<string[]> {
  const rows = await (
    await ch.query({
      query: `
SELECT s.run_id, s.key, s.segment, s.cnt, s.mn, s.mx, s.total, s.lst, s.min_step, s.max_step,
       r.cnt AS r_cnt, r.mn AS r_mn, r.mx AS r_mx, r.total AS r_total, r.lst AS r_lst, r.min_step AS r_min_step, r.max_step AS r_max_step
FROM
(
  SELECT run_id, key, segment, sum(point_count) AS cnt, min(value_min) AS mn, max(value_max) AS mx, sum(value_sum) AS total,
         argMax(last_value, (last_step, last_wall_time_ms)) AS lst, argMin(step_of_min, value_min) AS min_step, argMax(step_of_max, value_max) AS max_step
  FROM metric_chunk_stats FINAL GROUP BY run_id, key, segment
) AS s
ANY LEFT JOIN
(
  SELECT run_id, key, segment, count() AS cnt, min(v) AS mn, max(v) AS mx, sum(v) AS total,
         argMax(v, (st, w)) AS lst, argMin(st, v) AS min_step, argMax(st, v) AS max_step
  FROM (SELECT run_id, key, segment, point_values, point_steps, point_wall_times_ms FROM metric_chunks FINAL)
  ARRAY JOIN point_values AS v, point_steps AS st, point_wall_times_ms AS w
  GROUP BY run_id, key, segment
) AS r USING (run_id, key, segment)`,
      format: 'JSONEachRow',
    })
  ).json<Record<string, number | string>>();
  const bad: string[] = [];
  for (const r of rows) {
    const exact = (['cnt', 'mn', 'mx', 'lst', 'min_step', 'max_step'] as const).every((k) => r[k] === r[`r_${k}`]);
    const sumClose = Math.abs(Number(r.total) - Number(r.r_total)) <= 1e-9 * Math.max(1, Math.abs(Number(r.total)));
    if (!exact || !sumClose) bad.push(JSON.stringify(r));
  }
  return bad;
}

/** Messages of the events topic past the group's committed offsets (0: everything committed). */
export async function uncommittedMessages(config: Config, groupId: string): Promise<number> {
  const admin = createKafka(config.kafkaBrokers, 'runlens-fault').admin();
  await admin.connect();
  try {
    const topic = topicsFor(config).events;
    const high = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const at = new Map(committed!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return high.reduce((n, p) => n + Number(p.high) - (at.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The standard ledger of a fault test: sent, acked, stored, lost, duplicated and copies not yet
 * merged. `lostAt` is the count to judge losses by (default: the final one).
 */
export function ledger(sent: SendReport, final: StoredReport, lostAt: StoredReport = final): Record<string, number> {
  return {
    'points sent': sent.points,
    acked: sent.ackedPoints,
    stored: final.distinct,
    lost: sent.ackedPoints - lostAt.distinct,
    duplicated: final.logical - final.distinct,
    'physical copies awaiting merge': final.physical - final.logical,
  };
}

export function report(name: string, facts: Record<string, number | string>): void {
  const line = Object.entries(facts)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`)
    .join(' | ');
  console.log(`[fault] ${name}: ${line}`);
}
