// Provides the replicated ClickHouse of deploy/local/cluster.sh (ZooKeeper and 2 shards × 2
// replicas of Debian's 18.16 on loopback) to the cluster tests, and stops it afterwards unless it
// was running before. Tests read the servers' addresses through inject('cluster').
import type { TestProject } from 'vitest/node';
import { clusterScript as run } from './local-cluster.ts';

export interface ClusterServices {
  /** The cluster's name in every server's remote_servers. */
  name: string;
  /** Each server's HTTP address, server n at index n − 1: shard ⌈n / replicas⌉. */
  servers: string[];
  replicas: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterServices;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // ZooKeeper and the ClickHouse servers (the scale test starts and stops the Kafka brokers itself).
  const before = (await run('status')).stdout.split('\n').filter((l) => /^(zookeeper|ch\d)/.test(l));
  const wasUp = before.every((l) => !/\bdown\b/.test(l));
  const { stderr } = await run('up');
  process.stderr.write(stderr);
  // Ports as cluster.sh's defaults (RUNLENS_CLUSTER_HTTP_BASE and RUNLENS_CLUSTER_* move both).
  const base = Number(process.env.RUNLENS_CLUSTER_HTTP_BASE ?? 18200);
  const shards = Number(process.env.RUNLENS_CLUSTER_SHARDS ?? 2);
  const replicas = Number(process.env.RUNLENS_CLUSTER_REPLICAS ?? 2);
  const servers = Array.from({ length: shards * replicas }, (_, i) => `http://127.0.0.1:${base + i + 1}`);
  project.provide('cluster', { name: 'runlens', servers, replicas });
  return async () => {
    if (!wasUp) await run('down');
  };
}
