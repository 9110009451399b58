// The fault tests stop and restart Kafka and ClickHouse, so they get a private stack of their
// own (deploy/local/stack.sh with another RUNLENS_HOME and other ports): the shared one, and
// anything else using it, is never disturbed. Stopped again when the run ends.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../common/config.ts';
import { REPO_ROOT } from '../../cli/stack.ts';

export interface FaultStackInfo {
  kafkaBrokers: string;
  clickhouseUrl: string;
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    faultStack: FaultStackInfo;
  }
}

export const FAULT_STACK_ENV: Record<string, string> = {
  RUNLENS_HOME: join(REPO_ROOT, '.runlens', 'faults'),
  RUNLENS_LOCAL_KAFKA_PORT: '19092',
  RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT: '19093',
  RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '18123',
  RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT: '19000',
};

export function faultStack(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, 'deploy', 'local', 'stack.sh'), ...args], {
      env: { ...process.env, ...FAULT_STACK_ENV },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`stack.sh ${args.join(' ')} exited with ${code}`))));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await faultStack('up');
  // The clients' addresses follow from the same RUNLENS_LOCAL_* ports the stack was started with.
  const config = loadConfig(FAULT_STACK_ENV);
  project.provide('faultStack', { kafkaBrokers: config.kafkaBrokers.join(','), clickhouseUrl: config.clickhouseUrl, env: FAULT_STACK_ENV });
  return () => faultStack('down');
}
