// `runlens stack up|down|status`: delegates to deploy/local/stack.sh unless the environment
// points at existing services, in which case nothing local is started or stopped.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, LocalStack } from '../common/config.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STACK_SCRIPT = join(REPO_ROOT, 'deploy', 'local', 'stack.sh');

/** The environment of stack.sh: the parsed config's ports and home, so the stack runs where the clients look. */
function stackScriptEnv(local: LocalStack, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    RUNLENS_LOCAL_KAFKA_PORT: String(local.kafkaPort),
    RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT: String(local.kafkaControllerPort),
    RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: String(local.clickhouseHttpPort),
    RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT: String(local.clickhouseTcpPort),
  };
  if (local.home === undefined) delete env.RUNLENS_HOME;
  else env.RUNLENS_HOME = local.home;
  return env;
}

export function runStackScript(action: 'up' | 'down' | 'status' | 'install', local: LocalStack): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [STACK_SCRIPT, action], { env: stackScriptEnv(local, process.env), stdio: ['ignore', 'inherit', 'inherit'] });
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
  await runStackScript(action, config.local);
}
