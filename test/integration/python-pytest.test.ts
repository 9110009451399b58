// The Python package's own pytest suite (ingest/python/tests), run in its test virtualenv. It is
// an integration test because some of those tests talk to the real Kafka (RUNLENS_KAFKA_BROKERS
// is the test stack's). Fails with pytest's output; "no tests ran" (exit 5) fails too.
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { MINUTE, REPO, runCommand } from '../helpers/python.ts';
import { pythonSdkVirtualenv, testSpoolDir } from '../helpers/python-sdk.ts';

it('passes ingest/python/tests', async () => {
  const venv = await pythonSdkVirtualenv();
  const env = { PYTHONPATH: join(REPO, 'ingest', 'python', 'src'), RUNLENS_KAFKA_BROKERS: inject('services').kafkaBrokers, PYTHONDONTWRITEBYTECODE: '1', RUNLENS_SPOOL_DIR: testSpoolDir() };
  const r = await runCommand(venv.python, ['-m', 'pytest', join(REPO, 'ingest', 'python', 'tests'), '-q', '-p', 'no:cacheprovider'], 8 * MINUTE, { env });
  const output = `${r.stdout}\n${r.stderr}`;
  expect(r.code, `pytest exited ${r.code}${r.code === 5 ? ' (no tests ran)' : ''}:\n${output}`).toBe(0);
  expect(r.stdout).toMatch(/\b\d+ passed\b/);
  console.log(`[pytest] ${r.stdout.trim().split('\n').at(-1)}`);
}, 20 * MINUTE);
