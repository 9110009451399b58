// `runlens stack up|down|status`: delegates to deploy/local/stack.sh unless the environment
// points at existing services, in which case nothing local is started or stopped.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../common/config.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STACK_SCRIPT = join(REPO_ROOT, 'deploy', 'local', 'stack.sh');

export function runStackScript(action: 'up' | 'down' | 'status' | 'install'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [STACK_SCRIPT, action], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`deploy/local/stack.sh ${action} exited with ${code}`))));
  });
}

export async function stack(action: 'up' | 'down' | 'status', config: Config): Promise<void> {
  if (config.external) {
    const line = `using external services: Kafka ${config.kafkaBrokers.join(',')}, ClickHouse ${config.clickhouseUrl} (RUNLENS_KAFKA_BROKERS and RUNLENS_CLICKHOUSE_URL are set; nothing local is ${action === 'down' ? 'stopped' : 'started'})`;
    console.log(line);
    return;
  }
  await runStackScript(action);
}
