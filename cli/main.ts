// The `runlens` command line: one subcommand per job, config parsed once here.
import { Command, InvalidArgumentError } from 'commander';
import { createClickHouse } from '../common/clickhouse.ts';
import { ConfigError, loadConfig, type Config } from '../common/config.ts';
import { parseScopes, type Scope } from '../common/tokens/format.ts';
import { migrate, MIGRATION_TIMEOUT_MS } from '../storage/migrate.ts';
import { refuseCopiesWhileProcessing } from './migrate-guard.ts';
import { serverVersion } from '../storage/read.ts';
import { demo } from './demo.ts';
import { runApi, runProcessor } from './services.ts';
import { simulate } from './simulate.ts';
import { REPO_ROOT, stack } from './stack.ts';
import { TokenCommandError, tokenCreate, tokenList, tokenRevoke } from './token.ts';
import { BiCommandError, biUserCreate, biUserRevoke } from './bi-user.ts';
import { biWideParams } from './bi-wide-params.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

let cached: Config | undefined;
function config(): Config {
  if (cached) return cached;
  cached = loadConfig();
  // stderr: `token create` keeps stdout for the token alone.
  for (const w of cached.warnings) console.error(`runlens: warning: ${w}`);
  return cached;
}

const program = new Command('runlens').description('Run-comparison backend for ML experiment tracking').showHelpAfterError();

program
  .command('stack')
  .description('start, stop or inspect the local Kafka and ClickHouse')
  .argument('<action>', 'up | down | status', (v) => {
    if (!['up', 'down', 'status'].includes(v)) throw new InvalidArgumentError('expected up, down or status');
    return v as 'up' | 'down' | 'status';
  })
  .action((action: 'up' | 'down' | 'status') => stack(action, config()));

program
  .command('migrate')
  .description('apply pending ClickHouse migrations (safe to re-run)')
  .action(async () => {
    const c = config();
    const ch = createClickHouse(c, { database: 'default', requestTimeoutMs: MIGRATION_TIMEOUT_MS });
    try {
      const r = await migrate(ch, c.clickhouseDatabase, undefined, { cluster: c.clickhouseCluster, beforeApplying: (pending) => refuseCopiesWhileProcessing(c, pending) });
      for (const m of r.applied) console.log(`applied ${m}`);
      const where = c.clickhouseCluster ? `, on every server of cluster ${c.clickhouseCluster}` : '';
      console.log(`${r.applied.length} applied, ${r.skipped.length} already applied (database ${c.clickhouseDatabase}${where})`);
    } finally {
      await ch.close();
    }
  });

program.command('processor').description('consume events from Kafka into ClickHouse until SIGINT/SIGTERM').action(() => runProcessor(config()));

program
  .command('api')
  .description('serve the query API until SIGINT/SIGTERM')
  .action(async () => {
    const url = await runApi(config());
    console.error(`query API listening on ${url}`);
  });

program
  .command('simulate')
  .description('emit a simulated hyperparameter sweep through the SDK')
  .option('--project <name>', 'project', 'default')
  .option('--experiment <name>', 'experiment', 'simulated')
  .option('--sweep <id>', 'sweep id (default: sim-<timestamp>)')
  .option('--configs <n>', 'hyperparameter configurations', positiveInt, 48)
  .option('--seeds <n>', 'seeds per configuration', positiveInt, 3)
  .option('--steps <n>', 'training steps per run', positiveInt, 2000)
  .option('--random-seed <n>', 'seed of the simulation itself', positiveInt, 42)
  .action(async (o: { project: string; experiment: string; sweep?: string; configs: number; seeds: number; steps: number; randomSeed: number }) => {
    const sweepId = o.sweep ?? `sim-${Date.now()}`;
    const r = await simulate(config(), { project: o.project, experiment: o.experiment, sweepId, configs: o.configs, seeds: o.seeds, steps: o.steps, randomSeed: o.randomSeed });
    console.log(`sweep ${sweepId}: ${r.runIds.length} runs, ${r.points.toLocaleString('en-US')} points in ${r.seconds.toFixed(1)}s = ${Math.round(r.pointsPerSecond).toLocaleString('en-US')} points/s`);
  });

program
  .command('demo')
  .description('stack up, migrate, start processor and API, simulate a sweep and compare its best runs')
  .option('--project <name>', 'project', 'default')
  .option('--configs <n>', 'configurations', positiveInt, 48)
  .option('--seeds <n>', 'seeds per configuration', positiveInt, 3)
  .option('--steps <n>', 'steps per run', positiveInt, 2000)
  .option('--online', 'instead: stream a simulated A/B test between two registered model versions and watch its always-valid interval (npm run demo:online)')
  .action((o: { project: string; configs: number; seeds: number; steps: number; online?: boolean }) => demo(config(), o));

const token = program.command('token').description('create, list and revoke API tokens (stored hashed in ClickHouse)');
token
  .command('create')
  .description('create a token and print it once')
  .requiredOption('--project <name>', 'the project the token is confined to')
  .requiredOption('--scopes <list>', 'comma-separated: read, ingest, registry, admin, bi', (v: string) => {
    try {
      return parseScopes(v);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  })
  .option('--name <name>', 'a label for `token list`', '')
  .action((o: { project: string; scopes: Scope[]; name: string }) => tokenCreate(config(), o));
token
  .command('list')
  .description('list tokens (ids, projects, scopes, status; never secrets)')
  .option('--project <name>', 'only this project')
  .action((o: { project?: string }) => tokenList(config(), o));
token
  .command('revoke')
  .description('revoke a token for good')
  .argument('<token-id>', 'id from `token list`')
  .action((id: string) => tokenRevoke(config(), id));

const biUser = program.command('bi-user').description('create and revoke ClickHouse users for BI tools, each reading one project (docs/bi.md)');
biUser
  .command('create')
  .description("create a user that reads the project's bi_v1_* views and nothing else; prints its password once")
  .requiredOption('--project <name>', 'the project it reads')
  .option('--name <name>', "the user's name, also its database's (default bi_<project>)")
  .option('--network <ip-or-subnet>', 'where it may connect from (repeat for more; default loopback)', (v: string, all: string[] = []) => [...all, v])
  .option('--api-url <url>', 'before ClickHouse 24.4: the runlens API as the ClickHouse server reaches it, which the user\'s tables read from (default RUNLENS_BI_API_URL, else the local API)')
  .action((o: { project: string; name?: string; network?: string[]; apiUrl?: string }) => biUserCreate(config(), o));
biUser
  .command('revoke')
  .description('remove a BI user, its database and its views')
  .argument('<name>', 'the name given at create')
  .action((name: string) => biUserRevoke(config(), name));

program
  .command('bi-wide-params')
  .description("make a sweep's wide params view bi_v1_params_wide__<name> (one row per run, a column per param) for BI tools; run again to take up new params")
  .requiredOption('--project <name>', 'the project of the sweep')
  .requiredOption('--sweep <id>', 'the sweep')
  .option('--name <name>', 'the view name after bi_v1_params_wide__ (default: the sweep id in lower case)')
  .action((o: { project: string; sweep: string; name?: string }) => biWideParams(config(), o));

type BenchOptions = { configs: number; seeds: number; steps: number; repeats: number; only?: string; mlflowPoints: number; mlflowRuns: number; mlflowLoadBudget: number; onlineUnits: number };

/** The parts of `runlens bench`, in the order a whole run takes them; `--only` names one. */
const BENCH_PARTS: Record<string, (o: BenchOptions) => Promise<void>> = {
  pipeline: async (o) => (await import('./bench/pipeline.ts')).benchPipeline(config(), o),
  latency: async () => (await import('./bench/latency.ts')).benchLatency(config()),
  gateway: async () => (await import('./bench/gateway.ts')).benchGateway(config()),
  logs: async () => void (await (await import('./bench/logs.ts')).benchLogs(config())),
  python: async () => (await import('./bench/python-sdk.ts')).benchPythonSdk(config()),
  queries: async () => {
    await stack('up', config()); // the pipeline part starts it too; alone, this part must
    await (await import('./bench/comparison-queries.ts')).benchComparisonQueries(config());
    await (await import('./bench/queries.ts')).benchQueries(config());
  },
  mlflow: async (o) => (await import('./bench/mlflow.ts')).benchMlflow(config(), { points: o.mlflowPoints, runs: o.mlflowRuns, loadBudgetS: o.mlflowLoadBudget }),
  export: async () => {
    await stack('up', config());
    await (await import('./bench/export.ts')).benchExport(config());
  },
  dashboard: async () => (await import('./bench/dashboard.ts')).benchDashboard(config()),
  online: async (o) => (await import('./bench/online.ts')).benchOnline(config(), { units: o.onlineUnits, repeats: o.repeats }),
};
const BENCH_PART_NAMES = `${Object.keys(BENCH_PARTS).slice(0, -1).join(', ')} or ${Object.keys(BENCH_PARTS).at(-1)}`;

program
  .command('bench')
  .description('figures, printed and kept in .runlens/bench/latest.json: ingest (SDK → Kafka → processor → ClickHouse throughput, time to queryable, ClickHouse alone), one point\'s latency from log() to the API at a trickle, the HTTP ingest gateway (1,000 and 20,000 points a request), console log lines (lines/s, and metric points/s with 50k lines/s beside them), the Python SDK (log() cost, points/s to Kafka), query latencies (search, compare, curves, groups, sweep analytics over 10k and 100k runs), then the MLflow surface side by side with MLflow\'s own tracking server (log_batch, search_runs, get_metric_history), and the dashboard in a browser (first draw, brush, scroll over 10k and 100k runs)')
  .option('--only <part>', `run one part: ${BENCH_PART_NAMES}`)
  .option('--configs <n>', 'pipeline: configurations', positiveInt, 64)
  .option('--seeds <n>', 'pipeline: seeds per configuration', positiveInt, 4)
  .option('--steps <n>', 'pipeline: steps per run', positiveInt, 4000)
  .option('--repeats <n>', 'pipeline and online: times the traffic is sent (medians printed)', positiveInt, 3)
  .option('--online-units <n>', 'online: units a round (each 4 records)', positiveInt, 500_000)
  .option('--mlflow-points <n>', 'mlflow: log_batch points (1,000 per call)', positiveInt, 200_000)
  .option('--mlflow-runs <n>', 'mlflow: runs searched by search_runs', positiveInt, 10_000)
  .option('--mlflow-load-budget <s>', "mlflow: seconds MLflow's server gets to load those runs; fewer runs (on both backends) if it takes longer", positiveInt, 240)
  .action(async (o: BenchOptions) => {
    if (o.only !== undefined && !(o.only in BENCH_PARTS)) throw new Error(`--only takes ${BENCH_PART_NAMES}, not "${o.only}"`);
    const { anyFigures, writeBenchReport } = await import('./bench/report.ts');
    let stoppedEarly: string | undefined;
    try {
      await runBenchParts(o);
    } catch (err) {
      stoppedEarly = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      // What was measured is kept even when a later part fails, marked as possibly partial.
      if (anyFigures()) console.log(`\nfigures written to ${writeBenchReport(REPO_ROOT, await clickhouseVersion(), stoppedEarly)}`);
    }
  });

/** The local ClickHouse's version for the bench report; null when it does not answer. */
async function clickhouseVersion(): Promise<string | null> {
  try {
    const ch = createClickHouse(config());
    try {
      return (await serverVersion(ch)) ?? null;
    } finally {
      await ch.close();
    }
  } catch {
    return null;
  }
}

async function runBenchParts(o: BenchOptions): Promise<void> {
  for (const [name, part] of Object.entries(BENCH_PARTS)) if (o.only === undefined || o.only === name) await part(o);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`configuration error: ${err.message}`);
  else if (err instanceof TokenCommandError) console.error(`runlens token: ${err.message}`);
  else if (err instanceof BiCommandError) console.error(`runlens: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
