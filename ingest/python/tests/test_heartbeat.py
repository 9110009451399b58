"""RunHeartbeat while a run is open, from every rank, stopping at finish()."""
import time

import pytest

import runlens


def _wait_for(check, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_beats_while_open_and_stops_at_finish(recorder):
    run = runlens.init(project="p", heartbeat_s=0.05)
    assert _wait_for(lambda: len(recorder.of_type("RunHeartbeat")) >= 3)
    run.finish()
    beats = len(recorder.of_type("RunHeartbeat"))
    time.sleep(0.2)
    assert len(recorder.of_type("RunHeartbeat")) == beats
    first = recorder.of_type("RunHeartbeat")[0]
    assert first["project"] == "p" and first["runId"] == run.id and first["workerRank"] is None and first["at"] >= run.started_at_ms


def test_interval_from_the_environment_and_ranks_beat_too(recorder, monkeypatch):
    monkeypatch.setenv("RUNLENS_HEARTBEAT_SECONDS", "0.05")
    monkeypatch.setenv("RANK", "2")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "hb")
    run = runlens.init(project="p")
    assert _wait_for(lambda: len(recorder.of_type("RunHeartbeat")) >= 2)
    run.finish()
    assert {e["workerRank"] for e in recorder.of_type("RunHeartbeat")} == {2}


def test_zero_sends_none_and_nonsense_is_refused(recorder, monkeypatch):
    run = runlens.init(project="p", heartbeat_s=0)
    time.sleep(0.1)
    run.finish()
    assert recorder.of_type("RunHeartbeat") == []
    monkeypatch.setenv("RUNLENS_HEARTBEAT_SECONDS", "soon")
    with pytest.raises(ValueError, match="RUNLENS_HEARTBEAT_SECONDS='soon'"):
        runlens.init(project="p")
