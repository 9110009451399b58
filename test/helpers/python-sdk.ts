// The virtualenv the Python package's tests run in (.runlens/venv-python-sdk-tests): the
// package's runtime dependencies, pytest, psutil (system metrics) and transformers (the Hugging
// Face callback is tested with its real classes; transformers installs without torch). Pinned,
// so the venv is made once and reused. The package itself is used from its source tree.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON_SDK_REQUIREMENTS, PYTHON_SDK_SOURCE } from '../../cli/python-sdk.ts';
import type { Namespace } from './namespace.ts';
import { ensureVirtualenv, type Virtualenv } from './python.ts';

export const PYTHON_SDK_TEST_REQUIREMENTS = [...PYTHON_SDK_REQUIREMENTS, 'pytest==9.0.2', 'psutil==7.2.2', 'transformers==5.24.0'];

export const pythonSdkVirtualenv = (): Promise<Virtualenv> => ensureVirtualenv('python-sdk-tests', PYTHON_SDK_TEST_REQUIREMENTS);

/** A spool directory of the test's own, so nothing lands in the home directory's ~/.runlens/spool. */
export const testSpoolDir = (): string => mkdtempSync(join(tmpdir(), 'runlens-test-spool-'));

/** The environment a script needs to import the package from source and log into `ns` (a spool of its own). */
export function pythonSdkEnv(ns: Pick<Namespace, 'config'>, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PYTHONPATH: PYTHON_SDK_SOURCE,
    RUNLENS_KAFKA_BROKERS: ns.config.kafkaBrokers.join(','),
    RUNLENS_TOPIC_PREFIX: ns.config.topicPrefix,
    RUNLENS_SPOOL_DIR: testSpoolDir(),
    ...extra,
  };
}
