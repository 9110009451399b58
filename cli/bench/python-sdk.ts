// `npm run bench` (part "python"): the Python package in the training loop and to Kafka, by its
// own benchmark scripts (ingest/python/bench) in a project-local virtualenv holding the
// package's pinned runtime dependencies: log() cost per point with dicts of 10 metrics (target
// < 2 µs) and points/s from one process until Kafka acknowledged them (target ≥ 300k). Prints
// figures; asserts nothing about time.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../common/config.ts';
import { PYTHON_SDK_SOURCE, pythonSdkRuntime } from '../python-sdk.ts';
import { MINUTE, REPO, runCommand } from '../python-venv.ts';
import { stack } from '../stack.ts';

export async function benchPythonSdk(config: Config): Promise<void> {
  await stack('up', config);
  const venv = await pythonSdkRuntime();
  const spool = mkdtempSync(join(tmpdir(), 'runlens-bench-spool-'));
  const env = { PYTHONPATH: PYTHON_SDK_SOURCE, RUNLENS_KAFKA_BROKERS: config.kafkaBrokers.join(','), RUNLENS_SPOOL_DIR: spool };
  const script = (name: string, args: string[]) => runCommand(venv.python, [join(REPO, 'ingest', 'python', 'bench', name), ...args], 10 * MINUTE, { env });
  console.log(`\nrunlens Python SDK benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), one Python process, write-ahead spool in ${tmpdir()}`);
  try {
    for (const [name, args] of [['log_cost.py', ['100000']], ['log_throughput.py', ['100000', '10']], ['log_throughput.py', ['500000', '2']]] as const) {
      const r = await script(name, [...args]);
      if (r.code !== 0) throw new Error(`ingest/python/bench/${name} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
      console.log(r.stdout.trim().split('\n').map((line) => `  ${line}`).join('\n'));
    }
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
}
