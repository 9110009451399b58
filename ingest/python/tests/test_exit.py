"""Runs a script left open are finished when the interpreter exits: failed after an uncaught
exception, killed after Ctrl-C, finished otherwise (the atexit hook, called here directly)."""
import sys

import pytest

import runlens
from runlens import run as run_module


@pytest.mark.parametrize("last_type,status", [(None, "finished"), (RuntimeError, "failed"), (KeyboardInterrupt, "killed")])
def test_open_runs_are_finished_at_exit(recorder, monkeypatch, last_type, status):
    if last_type is None:
        monkeypatch.delattr(sys, "last_type", raising=False)
    else:
        monkeypatch.setattr(sys, "last_type", last_type, raising=False)
    open_run = runlens.init(project="p", heartbeat_s=0)
    done = runlens.init(project="p", heartbeat_s=0)
    done.finish()
    run_module._finish_open_runs()
    assert open_run.finished
    assert [(e["runId"], e["status"]) for e in recorder.of_type("RunFinished")] == [(done.id, "finished"), (open_run.id, status)]
