// Configuration, parsed once at the edge from the environment. Modules receive a Config
// and never read process.env themselves.

export interface Config {
  kafkaBrokers: string[];
  clickhouseUrl: string;
  clickhouseDatabase: string;
  clickhouseUser: string;
  clickhousePassword: string;
  /** RUNLENS_CLICKHOUSE_CLUSTER: a cluster of the servers' remote_servers; migrations then make replicated, sharded tables (storage/cluster.ts). Unset: one server. */
  clickhouseCluster: string | undefined;
  /** RUNLENS_CLICKHOUSE_INSERT_QUORUM (cluster only; default 0, off): replicas of a shard that must hold an insert before it returns. */
  clickhouseInsertQuorum: number;
  apiPort: number;
  apiHost: string;
  topicPrefix: string;
  logLevel: string;
  /** Kafka consumer-group session timeout of the processors (how fast a dead one is replaced). */
  processorSessionTimeoutMs: number;
  /** RUNLENS_PROCESSOR_GROUP: the processors' Kafka consumer group (default <topic prefix>processors); another one reads the topic again from its start, e.g. into a new database. */
  processorGroup: string;
  /** Port of the processor's /metrics endpoint; 0 picks a free port. */
  processorMetricsPort: number;
  /** RUNLENS_PROCESSOR_METRICS_HOST (default 127.0.0.1): the address it listens on; 0.0.0.0 in a container, for Prometheus. */
  processorMetricsHost: string;
  /** How long the query API caches a token lookup, i.e. how long a revoked token may still work (0 = no cache). */
  authCacheMs: number;
  /** RUNLENS_CRASH_AFTER_S (default 300) in ms: a run without RunFinished silent this long is shown as crashed (SDKs send a heartbeat every 30 s). */
  crashAfterMs: number;
  /** RUNLENS_MLFLOW_ARTIFACT_ROOT (default ./mlruns): the prefix of MLflow runs' artifact_uri; MLflow clients upload there themselves. */
  mlflowArtifactRoot: string;
  /** RUNLENS_CLICKHOUSE_USERS_DIR: the users.d directory of a ClickHouse that keeps users in XML files (before 24.4), where `runlens bi-user` writes; unset = the local stack's. */
  clickhouseUsersDir: string | undefined;
  /** RUNLENS_BI_API_URL: the runlens API as ClickHouse reaches it, which BI users' tables read from before 24.4 (`runlens bi-user`); unset = the local API. */
  biApiUrl: string | undefined;
  /** Limits every API query runs under (ClickHouse settings), so one request cannot hog the server. */
  queryLimits: { timeoutSeconds: number; maxResultRows: number; maxMemoryBytes: number };
  /** True when both the broker list and ClickHouse URL came from the environment: nothing local is started. */
  external: boolean;
  /** The local stack `runlens stack up` runs; the clients' default addresses point at it. */
  local: LocalStack;
  /** Settings that contradict each other (an explicit address overriding a moved local port): print them. */
  warnings: string[];
}

/** deploy/local/stack.sh's settings (it keeps the same defaults for when it runs on its own). */
export interface LocalStack {
  kafkaPort: number;
  kafkaControllerPort: number;
  clickhouseHttpPort: number;
  clickhouseTcpPort: number;
  /** RUNLENS_HOME, where the stack keeps its data; undefined = stack.sh's default, <repo>/.runlens. */
  home: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const local = localStack(env);
  // Unset addresses default to the local stack, wherever its ports were moved: one setting per
  // port moves the stack and every command that talks to it.
  const brokers = (env.RUNLENS_KAFKA_BROKERS ?? `127.0.0.1:${local.kafkaPort}`)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new ConfigError('RUNLENS_KAFKA_BROKERS is empty');
  for (const b of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(b)) throw new ConfigError(`RUNLENS_KAFKA_BROKERS: "${b}" is not host:port`);
  }
  const clickhouseUrl = env.RUNLENS_CLICKHOUSE_URL ?? `http://127.0.0.1:${local.clickhouseHttpPort}`;
  let parsedClickhouseUrl: URL;
  try {
    parsedClickhouseUrl = new URL(clickhouseUrl);
  } catch {
    throw new ConfigError(`RUNLENS_CLICKHOUSE_URL: "${clickhouseUrl}" is not a URL`);
  }
  const clickhouseDatabase = env.RUNLENS_CLICKHOUSE_DATABASE ?? 'runlens';
  const clickhouseCluster = isSet(env.RUNLENS_CLICKHOUSE_CLUSTER) ? env.RUNLENS_CLICKHOUSE_CLUSTER : undefined;
  if (clickhouseCluster !== undefined && !IDENT.test(clickhouseCluster)) {
    throw new ConfigError(`RUNLENS_CLICKHOUSE_CLUSTER: "${clickhouseCluster}" must match ${IDENT} (a cluster of the servers' remote_servers)`);
  }
  const clickhouseInsertQuorum = isSet(env.RUNLENS_CLICKHOUSE_INSERT_QUORUM) ? positiveInt(env, 'RUNLENS_CLICKHOUSE_INSERT_QUORUM', 0) : 0;
  if (clickhouseInsertQuorum > 0 && clickhouseCluster === undefined) {
    throw new ConfigError('RUNLENS_CLICKHOUSE_INSERT_QUORUM needs RUNLENS_CLICKHOUSE_CLUSTER: a quorum counts the replicas of a shard');
  }
  if (!IDENT.test(clickhouseDatabase)) {
    throw new ConfigError(`RUNLENS_CLICKHOUSE_DATABASE: "${clickhouseDatabase}" must match ${IDENT}`);
  }
  const apiPort = Number(env.RUNLENS_API_PORT ?? '8080');
  if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535) {
    throw new ConfigError(`RUNLENS_API_PORT: "${env.RUNLENS_API_PORT}" is not a port number`);
  }
  const topicPrefix = env.RUNLENS_TOPIC_PREFIX ?? 'runlens.';
  if (!/^[A-Za-z0-9._-]*$/.test(topicPrefix)) {
    throw new ConfigError(`RUNLENS_TOPIC_PREFIX: "${topicPrefix}" may hold only letters, digits, '.', '_' and '-'`);
  }
  const external = Boolean(env.RUNLENS_KAFKA_BROKERS && env.RUNLENS_CLICKHOUSE_URL);
  const warnings: string[] = [];
  const alsoNothingLocal = external ? '; `stack up` starts nothing, as RUNLENS_KAFKA_BROKERS and RUNLENS_CLICKHOUSE_URL are both set' : '';
  const brokersAreLocal = brokers.some((b) => isLocalStackAddress(b.split(':')[0]!, Number(b.split(':')[1]), local.kafkaPort));
  if (isSet(env.RUNLENS_LOCAL_KAFKA_PORT) && env.RUNLENS_KAFKA_BROKERS !== undefined && !brokersAreLocal) {
    warnings.push(`RUNLENS_KAFKA_BROKERS=${brokers.join(',')} overrides RUNLENS_LOCAL_KAFKA_PORT=${local.kafkaPort}: commands use Kafka at ${brokers.join(',')}, not the local stack's 127.0.0.1:${local.kafkaPort}${alsoNothingLocal}`);
  }
  if (isSet(env.RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT) && env.RUNLENS_CLICKHOUSE_URL !== undefined && !isLocalStackAddress(parsedClickhouseUrl.hostname, urlPort(parsedClickhouseUrl), local.clickhouseHttpPort)) {
    warnings.push(`RUNLENS_CLICKHOUSE_URL=${clickhouseUrl} overrides RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT=${local.clickhouseHttpPort}: commands use ClickHouse at ${clickhouseUrl}, not the local stack's http://127.0.0.1:${local.clickhouseHttpPort}${alsoNothingLocal}`);
  }
  return {
    kafkaBrokers: brokers,
    clickhouseUrl,
    clickhouseDatabase,
    clickhouseUser: env.RUNLENS_CLICKHOUSE_USER ?? 'default',
    clickhousePassword: env.RUNLENS_CLICKHOUSE_PASSWORD ?? '',
    clickhouseCluster,
    clickhouseInsertQuorum,
    apiPort,
    apiHost: env.RUNLENS_API_HOST ?? '127.0.0.1',
    topicPrefix,
    logLevel: env.RUNLENS_LOG_LEVEL ?? 'info',
    processorSessionTimeoutMs: positiveInt(env, 'RUNLENS_PROCESSOR_SESSION_TIMEOUT_MS', 30_000),
    processorGroup: isSet(env.RUNLENS_PROCESSOR_GROUP) ? env.RUNLENS_PROCESSOR_GROUP : `${topicPrefix}processors`,
    processorMetricsPort: env.RUNLENS_PROCESSOR_METRICS_PORT === '0' ? 0 : positiveInt(env, 'RUNLENS_PROCESSOR_METRICS_PORT', 9464),
    processorMetricsHost: isSet(env.RUNLENS_PROCESSOR_METRICS_HOST) ? env.RUNLENS_PROCESSOR_METRICS_HOST : '127.0.0.1',
    authCacheMs: authCacheMs(env.RUNLENS_AUTH_CACHE_MS),
    crashAfterMs: positiveInt(env, 'RUNLENS_CRASH_AFTER_S', 300) * 1000,
    mlflowArtifactRoot: isSet(env.RUNLENS_MLFLOW_ARTIFACT_ROOT) ? env.RUNLENS_MLFLOW_ARTIFACT_ROOT : './mlruns',
    clickhouseUsersDir: isSet(env.RUNLENS_CLICKHOUSE_USERS_DIR) ? env.RUNLENS_CLICKHOUSE_USERS_DIR : undefined,
    biApiUrl: isSet(env.RUNLENS_BI_API_URL) ? env.RUNLENS_BI_API_URL : undefined,
    queryLimits: {
      timeoutSeconds: positiveInt(env, 'RUNLENS_QUERY_TIMEOUT_S', 15),
      maxResultRows: positiveInt(env, 'RUNLENS_QUERY_MAX_RESULT_ROWS', 2_000_000),
      maxMemoryBytes: positiveInt(env, 'RUNLENS_QUERY_MAX_MEMORY_BYTES', 4_000_000_000),
    },
    external,
    local,
    warnings,
  };
}

const isSet = (v: string | undefined): v is string => v !== undefined && v !== '';

function localStack(env: NodeJS.ProcessEnv): LocalStack {
  const local: LocalStack = {
    kafkaPort: port(env, 'RUNLENS_LOCAL_KAFKA_PORT', 9092),
    kafkaControllerPort: port(env, 'RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT', 9093),
    clickhouseHttpPort: port(env, 'RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT', 8123),
    clickhouseTcpPort: port(env, 'RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT', 9000),
    home: isSet(env.RUNLENS_HOME) ? env.RUNLENS_HOME : undefined,
  };
  const ports = [local.kafkaPort, local.kafkaControllerPort, local.clickhouseHttpPort, local.clickhouseTcpPort];
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError(
      `the local stack's ports must differ: RUNLENS_LOCAL_KAFKA_PORT=${local.kafkaPort}, RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT=${local.kafkaControllerPort}, RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT=${local.clickhouseHttpPort}, RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT=${local.clickhouseTcpPort}`,
    );
  }
  return local;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (!isSet(raw)) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw new ConfigError(`${name}: "${raw}" is not a port number (1-65535)`);
  return n;
}

/** Whether host:port reaches the local stack, which listens on 127.0.0.1:localPort. */
function isLocalStackAddress(host: string, p: number, localPort: number): boolean {
  return p === localPort && ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host.toLowerCase());
}

function urlPort(u: URL): number {
  if (u.port !== '') return Number(u.port);
  return u.protocol === 'https:' ? 443 : 80;
}

/** 0 turns the cache off; the cap keeps a revoked token from living on for long by mistake. */
function authCacheMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 5_000;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0 || n > 60_000) throw new ConfigError(`RUNLENS_AUTH_CACHE_MS: "${raw}" must be an integer from 0 to 60000`);
  return n;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${name}: "${raw}" is not a positive integer`);
  return n;
}

export interface Topics {
  events: string;
  deadLetter: string;
}

/** One topic carries every event type, keyed by run id, so a run's events stay ordered in one partition. */
export function topicsFor(config: Pick<Config, 'topicPrefix'>): Topics {
  return { events: `${config.topicPrefix}events`, deadLetter: `${config.topicPrefix}dead-letter` };
}
