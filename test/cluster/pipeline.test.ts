// The whole pipeline on a cluster answers as on one server. One simulated sweep (params, tags,
// lineage confounds, per-class segments, artifacts, console lines) goes through the SDK into one
// Kafka topic, which two processors read in their own consumer groups: one into a single server
// (the integration tests' stack), one into the 2 × 2 cluster of deploy/local/cluster.sh through
// its Distributed tables. Then the same requests — run lists with filters and sorts, a run, its
// series, compare, groups, curves, statistics, sweep analytics, artifacts — go to three APIs: the
// single server's, and two on the cluster asking different servers (shard 1's first replica, the
// last shard's last replica). All three answers must be equal (up to the last bits of a float
// sum, whose order ClickHouse's threads decide: test/helpers/same-json.ts).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClickHouse } from '../../common/clickhouse.ts';
import { loadConfig } from '../../common/config.ts';
import { simulateSweep, type SweepResult } from '../../ingest/simulate/sweep.ts';
import type { Processor } from '../../processors/processor.ts';
import type { App } from '../../query-api/deps.ts';
import { migrate } from '../../storage/migrate.ts';
import { eventually, freshNamespace, type Namespace } from '../helpers/namespace.ts';
import { jsonDifference } from '../helpers/same-json.ts';
import { syncReplicas } from './local-cluster.ts';
import { bearer, buildTestApp, connectSdk, count, createTestToken, startProcessor } from '../helpers/pipeline.ts';

const cluster = inject('cluster');
const PROJECT = 'scale';
const SWEEP = 'sw';

let single: Namespace;
let clustered: Namespace;
const processors: Processor[] = [];
const apis: { name: string; app: App; token: string }[] = [];
let sweep: SweepResult;
/** The cluster's namespace as its last server sees it (the third API's client). */
let last: Namespace | undefined;

/** A namespace on the cluster: the single one's topics, its own database, the client of `server`. */
function onCluster(database: string, server: string, topicPrefix: string): Namespace {
  const config = loadConfig({
    RUNLENS_KAFKA_BROKERS: single.config.kafkaBrokers.join(','),
    RUNLENS_CLICKHOUSE_URL: server,
    RUNLENS_CLICKHOUSE_CLUSTER: cluster.name,
    RUNLENS_CLICKHOUSE_DATABASE: database,
    RUNLENS_TOPIC_PREFIX: topicPrefix,
    RUNLENS_LOG_LEVEL: 'warn',
  });
  const clickhouse = createClickHouse(config);
  return { config, clickhouse, drop: () => clickhouse.close() };
}

beforeAll(async () => {
  single = await freshNamespace('clusterref');
  const database = `runlens_cluster_${randomBytes(4).toString('hex')}`;
  clustered = onCluster(database, cluster.servers[0]!, single.config.topicPrefix);
  const admin = createClickHouse(clustered.config, { database: 'default', requestTimeoutMs: 300_000 });
  await migrate(admin, database, undefined, { cluster: cluster.name });
  await admin.close();
  processors.push(await startProcessor(single), await startProcessor(clustered, `runlens-cluster-${database}`));

  const sdk = await connectSdk(single);
  sweep = await simulateSweep(sdk, { project: PROJECT, experiment: 'e', sweepId: SWEEP, configs: 8, seeds: 3, steps: 300, artifacts: true, randomSeed: 7 });
  await sdk.close();
  const stored = (ns: Namespace) => count(ns, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL');
  await eventually(async () => ((await stored(single)) === sweep.points && (await stored(clustered)) === sweep.points ? true : undefined), 120_000, 'the sweep stored on both');

  last = onCluster(database, cluster.servers[cluster.servers.length - 1]!, single.config.topicPrefix);
  const clusterToken = await createTestToken(clustered, PROJECT, ['read']);
  apis.push(
    { name: 'one server', app: await buildTestApp(single), token: await createTestToken(single, PROJECT, ['read']) },
    { name: 'cluster, server 1', app: await buildTestApp(clustered), token: clusterToken },
    { name: `cluster, server ${cluster.servers.length}`, app: await buildTestApp(last), token: clusterToken },
  );
  // Every replica holds every row (and the token) before the answers are compared.
  const servers = cluster.servers.map((server) => onCluster(database, server, single.config.topicPrefix).clickhouse);
  await syncReplicas(servers, database);
  await Promise.all(servers.map((c) => c.close()));
}, 300_000);

afterAll(async () => {
  for (const p of processors) await p.stop();
  for (const a of apis) await a.app.close();
  const admin = createClickHouse(clustered.config, { database: 'default' });
  await admin.command({ query: `DROP DATABASE IF EXISTS ${clustered.config.clickhouseDatabase} ON CLUSTER ${cluster.name}` });
  await admin.close();
  await last?.drop();
  await clustered?.drop();
  await single?.drop();
});

type Request = { method: 'GET' | 'POST'; url: string; payload?: object };

function requests(): Request[] {
  const [a, b, c] = sweep.runIds;
  const five = sweep.runIds.slice(0, 5);
  const selection = { sweep: SWEEP };
  const get = (url: string): Request => ({ method: 'GET', url });
  const post = (url: string, payload: object): Request => ({ method: 'POST', url, payload });
  return [
    get('/v1/runs?limit=100&sort=metrics.val/acc.max:desc'),
    get(`/v1/runs?filter=${encodeURIComponent("params.lr > 0.001 and params.optimizer in ('adam', 'adamw') and metrics.val/acc.max > 0.3")}&sort=params.lr:asc,name:asc&limit=10`),
    get(`/v1/runs?filter=${encodeURIComponent("lineage.git_commit like '9a8b%' or tags.team = 'platform'")}&sort=started_at:desc,run_id:asc&limit=50`),
    get(`/v1/runs/${a}`),
    get(`/v1/runs/${b}/metrics/train/loss?maxPoints=40`),
    get(`/v1/runs/${c}/logs?tail=20`),
    get('/v1/fields'),
    post('/v1/compare', { runIds: five, variables: ['params.lr'] }),
    post('/v1/groups', { selection, by: ['optimizer'], metrics: ['val/acc.max', 'train/loss.min'] }),
    post('/v1/curves', { selection, metrics: ['train/loss', 'val/acc[class=cat]'], maxPoints: 60, groupBy: 'all-but-seed' }),
    post('/v1/curves', { selection: { runIds: five }, metrics: ['val/acc'], x: 'relative_time', maxPoints: 30 }),
    post('/v1/stats/leaderboard', { selection, metric: 'val/acc.max', direction: 'maximize', groupBy: 'all-but-seed' }),
    post('/v1/sweeps/parallel', { selection, target: 'val/acc.max' }),
    post('/v1/sweeps/importance', { selection, target: 'val/acc.max', seed: 3, resamples: 4, trees: 10 }),
    post('/v1/sweeps/best-region', { selection, target: 'val/acc.max' }),
    post('/v1/sweeps/contour', { selection, x: 'lr', y: 'batch_size', target: 'val/acc.max' }),
    post('/v1/artifacts/confusion', { runIds: [a, b], name: 'confusion/val' }),
    post('/v1/artifacts/samples', { runIds: [a, b], name: 'captions/val' }),
  ];
}

describe('the pipeline on a cluster', () => {
  it('stores each run on one shard, every point once', async () => {
    const shards = cluster.servers.length / cluster.replicas;
    const perShard: string[][] = [];
    for (let s = 0; s < shards; s++) {
      const c = onCluster(clustered.config.clickhouseDatabase, cluster.servers[s * cluster.replicas]!, single.config.topicPrefix).clickhouse;
      perShard.push((await (await c.query({ query: 'SELECT run_id FROM runs_local FINAL ORDER BY run_id', format: 'JSONEachRow' })).json<{ run_id: string }>()).map((r) => r.run_id));
      await c.close();
    }
    expect(perShard.every((ids) => ids.length > 0)).toBe(true); // 24 runs: both shards hold some
    expect(perShard.flat().sort()).toEqual([...sweep.runIds].sort());
    expect(await count(clustered, 'SELECT sum(point_count) AS n FROM metric_chunks FINAL')).toBe(sweep.points);
  });

  it('answers every request as one server does, from either end of the cluster', async () => {
    const differences: string[] = [];
    for (const r of requests()) {
      const answers = [];
      for (const api of apis) {
        const res = await api.app.inject({ method: r.method, url: r.url, headers: bearer(api.token), ...(r.payload ? { payload: r.payload } : {}) });
        answers.push({ api: api.name, status: res.statusCode, body: res.body });
      }
      expect(answers[0]!.status, `${r.method} ${r.url} on one server: ${answers[0]!.body.slice(0, 300)}`).toBe(200);
      for (const other of answers.slice(1)) {
        const difference = other.status === answers[0]!.status ? jsonDifference(JSON.parse(answers[0]!.body), JSON.parse(other.body)) : `status ${other.status}`;
        if (difference) differences.push(`${r.method} ${r.url}: ${other.api} differs from one server at ${difference}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
