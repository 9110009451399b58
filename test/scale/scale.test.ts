// runlens scaled out on this machine, with faults (`npm run test:scale`). On loopback: 3 Kafka
// brokers (KRaft; the events topic's 12 partitions replicated 3 times, 2 in sync), ZooKeeper,
// ClickHouse as 2 shards × 2 replicas, 2 processor processes, 2 API processes. During a
// 5M-point ingest one broker, one ClickHouse replica and one processor are killed with kill -9
// and brought back. Afterwards: nothing acknowledged lost, nothing counted twice, every summary
// equal to a recomputation from the raw points, and both APIs answering the same. Then the
// same events, already in Kafka, are drained again by 1 and by 2 processors into fresh
// databases: how the processors scale on the same data. Figures are printed ([scale] lines);
// nothing asserts on time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '../../common/clickhouse.ts';
import { loadConfig, topicsFor, type Config } from '../../common/config.ts';
import { createKafka, ensureTopics } from '../../common/kafka.ts';
import { REPO_ROOT } from '../../cli/stack.ts';
import { createToken } from '../../storage/api-tokens.ts';
import { migrate } from '../../storage/migrate.ts';
import { jsonDifference } from '../helpers/same-json.ts';
import { clusterScript, syncReplicas } from '../cluster/local-cluster.ts';
import { ledger, ProcessorProcess, report, sendPaced, stored, summaryMismatches, type SendReport } from '../faults/harness.ts';

const cluster = inject('cluster');
const BROKERS = [19401, 19402, 19403].map((p) => `127.0.0.1:${p}`).join(',');
/** 50 runs × 25,000 steps × 4 metrics. */
const RUNS = Number(process.env.RUNLENS_SCALE_RUNS ?? 50);
const STEPS = Number(process.env.RUNLENS_SCALE_STEPS ?? 25_000);
const PARTITIONS = 12;
const tag = randomBytes(3).toString('hex');
const TOPIC_PREFIX = `runlens.scale.${tag}.`;

/** The configuration of one database on the cluster, its client on server `server` (1-based). */
function configFor(database: string, server = 1): Config {
  return loadConfig({
    RUNLENS_KAFKA_BROKERS: BROKERS,
    RUNLENS_CLICKHOUSE_URL: cluster.servers[server - 1]!,
    RUNLENS_CLICKHOUSE_CLUSTER: cluster.name,
    RUNLENS_CLICKHOUSE_DATABASE: database,
    RUNLENS_TOPIC_PREFIX: TOPIC_PREFIX,
  });
}

async function migrated(database: string): Promise<ClickHouseClient> {
  const config = configFor(database);
  const admin = createClickHouse(config, { database: 'default', requestTimeoutMs: 300_000 });
  await migrate(admin, database, undefined, { cluster: cluster.name });
  await admin.close();
  return createClickHouse(config, { requestTimeoutMs: 300_000 });
}

/** Every replica caught up with every insert, so that any server answers the same. */
async function syncAll(database: string): Promise<void> {
  const clients = cluster.servers.map((_, i) => createClickHouse(configFor(database, i + 1)));
  await syncReplicas(clients, database);
  await Promise.all(clients.map((c) => c.close()));
}

/** `runlens api` as its own process, reading ClickHouse through one server of the cluster. */
class ApiProcess {
  private child: ChildProcess;
  readonly url: string;
  constructor(database: string, server: number, port: number) {
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'runlens.js'), 'api'], {
      env: { ...process.env, RUNLENS_KAFKA_BROKERS: BROKERS, RUNLENS_CLICKHOUSE_URL: cluster.servers[server - 1]!, RUNLENS_CLICKHOUSE_CLUSTER: cluster.name, RUNLENS_CLICKHOUSE_DATABASE: database, RUNLENS_TOPIC_PREFIX: TOPIC_PREFIX, RUNLENS_API_PORT: String(port), RUNLENS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  async ready(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await fetch(`${this.url}/readyz`).catch(() => null))?.ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.url} did not become ready`);
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

const env = (database: string): Record<string, string> => ({ RUNLENS_CLICKHOUSE_CLUSTER: cluster.name, RUNLENS_CLICKHOUSE_DATABASE: database });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let sent: SendReport;
/** The distinct points the faulted ingest stored: what the topic holds, which the drains read again. */
let inTopic = 0;

/**
 * Waits until ClickHouse holds `points` distinct points, or until the count has not grown for two
 * minutes since it last did (processors restarting after a broker's death back off for up to
 * 30 s), or ten minutes in all: then what is missing is not coming, and the checks say so.
 */
async function settled(ch: ClickHouseClient, points: number): Promise<Awaited<ReturnType<typeof stored>>> {
  const deadline = Date.now() + 600_000;
  let last = await stored(ch);
  let grewAt = Date.now();
  while (last.distinct < points && Date.now() - grewAt < 120_000 && Date.now() < deadline) {
    await sleep(1_000);
    const now = await stored(ch);
    if (now.distinct > last.distinct) grewAt = Date.now();
    last = now;
  }
  return last;
}

beforeAll(async () => {
  await clusterScript('up', 'kafka');
  const admin = createKafka(BROKERS.split(','), 'runlens-scale').admin();
  await admin.connect();
  await ensureTopics(admin, topicsFor(configFor('x')), PARTITIONS);
  const [events] = (await admin.fetchTopicMetadata({ topics: [topicsFor(configFor('x')).events] })).topics;
  await admin.disconnect();
  // Replicated 3 times, as the brokers' defaults say (the processors' insert acknowledgement needs 2).
  expect(events!.partitions.map((p) => p.replicas.length)).toEqual(Array(PARTITIONS).fill(3));
}, 300_000);

afterAll(async () => {
  const admin = createClickHouse(configFor('default'), { database: 'default' });
  for (const suffix of ['', '_drain1', '_drain2']) await admin.command({ query: `DROP DATABASE IF EXISTS runlens_scale_${tag}${suffix} ON CLUSTER ${cluster.name}` });
  await admin.close();
  await clusterScript('down', 'kafka');
});

describe(`runlens on 3 brokers and ${cluster.servers.length} ClickHouse servers`, () => {
  it('loses nothing and counts nothing twice while a broker, a ClickHouse replica and a processor are killed, and both APIs answer the same', async () => {
    const database = `runlens_scale_${tag}`;
    const ch = await migrated(database);
    const processors = [new ProcessorProcess(configFor(database), env(database)), new ProcessorProcess(configFor(database), env(database))];
    const all = [...processors];
    const faults: string[] = [];
    const at = (ms: number, what: string, act: () => Promise<unknown>) => sleep(ms).then(async () => {
      await act();
      faults.push(`${((ms) / 1000).toFixed(0)} s: ${what}`);
    });
    const started = performance.now();
    const sending = sendPaced(configFor(database), { label: 'scale', runs: RUNS, steps: STEPS, pointsPerSecond: 400_000 });
    await Promise.all([
      at(3_000, 'kill -9 kafka2', () => clusterScript('kill', 'kafka2')),
      at(5_000, 'kill -9 ch2 (shard 1, replica 2)', () => clusterScript('kill', 'ch2')),
      at(7_000, 'kill -9 processor 1', async () => {
        processors[0]!.kill('SIGKILL');
        await processors[0]!.exited;
      }),
      at(10_000, 'processor 1 started again', async () => {
        processors[0] = new ProcessorProcess(configFor(database), env(database));
        all.push(processors[0]);
      }),
      at(12_000, 'kafka2 started again', () => clusterScript('up', 'kafka2')),
      at(14_000, 'ch2 started again', () => clusterScript('up', 'ch2')),
    ]);
    sent = await sending;
    const afterSend = await settled(ch, sent.ackedPoints);
    const seconds = (performance.now() - started) / 1000;
    await syncAll(database);
    const final = await stored(ch);
    inTopic = final.distinct;
    const mismatches = await summaryMismatches(ch);
    report('scale: 5M points with faults', {
      faults: faults.join('; '),
      ...ledger(sent, final, afterSend),
      'summary mismatches': mismatches.length,
      'points reported failed to the job': sent.failedPoints,
      'send seconds': sent.seconds.toFixed(1),
      'first send → all stored, seconds': seconds.toFixed(1),
      'points/s end to end': Math.round(sent.ackedPoints / seconds),
    });

    // Two API processes, on the first and the last server.
    const apis = [new ApiProcess(database, 1, 18481), new ApiProcess(database, cluster.servers.length, 18482)];
    try {
      await Promise.all(apis.map((a) => a.ready()));
      const token = (await createToken(ch, { project: 'faults', scopes: ['read'], name: 'scale' })).token;
      await syncAll(database);
      const five = Array.from({ length: 5 }, (_, i) => `scale-r${i * 7}`);
      const requests: [string, object?][] = [
        ['/v1/runs?sort=metrics.loss.min:asc,run_id:asc&limit=20'],
        [`/v1/runs/${five[0]}`],
        [`/v1/runs/${five[1]}/metrics/loss?maxPoints=100`],
        ['/v1/compare', { runIds: five }],
        ['/v1/curves', { selection: { runIds: five }, metrics: ['loss', 'acc'], maxPoints: 200 }],
        ['/v1/groups', { by: ['i'], metrics: ['loss.last'] }],
      ];
      for (const [url, body] of requests) {
        const answers = await Promise.all(apis.map(async (a) => {
          const res = await fetch(`${a.url}${url}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
          return { status: res.status, body: await res.text() };
        }));
        expect(answers[0]!.status, `${url}: ${answers[0]!.body.slice(0, 200)}`).toBe(200);
        expect(answers[1]!.status, url).toBe(200);
        expect(jsonDifference(JSON.parse(answers[0]!.body), JSON.parse(answers[1]!.body)), url).toBeNull();
      }
    } finally {
      await Promise.all(apis.map((a) => a.stop()));
    }
    for (const p of processors) await p.stop();
    await ch.close();

    expect(faults).toHaveLength(6);
    // A send Kafka refused while partitions moved is reported to the job (its run stops logging,
    // as the SDK promises), never dropped quietly: every point is acknowledged or reported failed.
    expect(sent.ackedPoints + sent.failedPoints).toBe(sent.points);
    expect(sent.ackedPoints).toBeGreaterThan(0.9 * RUNS * STEPS * 4);
    expect(final.distinct).toBe(sent.ackedPoints);
    expect(final.logical).toBe(final.distinct);
    expect(mismatches).toEqual([]);
    // The killed processor's successor joined the group and took partitions over.
    expect(all[2]!.count(/"partitions":\[\d[^\]]*\],"msg":"partitions assigned"/)).toBeGreaterThan(0);
  }, 900_000);

  it('drains the same events with 1 and with 2 processors (how the processors scale on this machine)', async () => {
    expect(inTopic, 'the ingest above stored its points').toBeGreaterThan(0);
    const figures: Record<string, string | number> = {};
    for (const count of [1, 2]) {
      const database = `runlens_scale_${tag}_drain${count}`;
      const ch = await migrated(database);
      // A consumer group of their own reads the topic from its start (RUNLENS_PROCESSOR_GROUP).
      const started = performance.now();
      const processors = Array.from({ length: count }, () => new ProcessorProcess(configFor(database), { ...env(database), RUNLENS_PROCESSOR_GROUP: `scale-${tag}-drain${count}` }));
      const done = await settled(ch, inTopic);
      const seconds = (performance.now() - started) / 1000;
      for (const p of processors) await p.stop();
      expect(done.distinct).toBe(inTopic);
      figures[`${count} processor${count > 1 ? 's' : ''}, points/s`] = Math.round(inTopic / seconds);
      await ch.close();
    }
    report('scale: draining the same 5M points', figures);
  }, 1_200_000);
});
