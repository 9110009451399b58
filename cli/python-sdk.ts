// The Python package's (ingest/python) pinned runtime dependencies, for the virtualenvs that run
// it from its source tree: the benchmark's here, the tests' (which add their own tools) in
// test/helpers/python-sdk.ts. pyproject.toml gives the ranges users install.
import { join } from 'node:path';
import { ensureVirtualenv, REPO, type Virtualenv } from './python-venv.ts';

export const PYTHON_SDK_REQUIREMENTS = ['confluent-kafka==2.16.1', 'fastavro==1.13.1'];

/** The package's source, for PYTHONPATH. */
export const PYTHON_SDK_SOURCE = join(REPO, 'ingest', 'python', 'src');

/** .runlens/venv-python-sdk: the runtime dependencies only. */
export const pythonSdkRuntime = (): Promise<Virtualenv> => ensureVirtualenv('python-sdk', PYTHON_SDK_REQUIREMENTS);
