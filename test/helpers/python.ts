// The tests' Python: project-local virtualenvs (cli/python-venv.ts, shared with the benchmarks).
export { ensureVirtualenv, MINUTE, REPO, runCommand, type CommandResult, type Virtualenv } from '../../cli/python-venv.ts';
