"""system_metrics=True: CPU, memory and process figures under system/… at wall-clock steps;
a clear error without psutil."""
import sys
import time

import pytest

import runlens


def _wait_for(check, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_samples_under_system_keys_at_seconds_since_start(recorder):
    import psutil  # noqa: F401

    began = time.monotonic()
    run = runlens.init(project="p", system_metrics=True, system_metrics_interval_s=0.3, heartbeat_s=0)
    run.log({"train/loss": 1.0}, step=1000)
    assert _wait_for(lambda: len({s for _, _, s, k, _ in recorder.points if k.startswith("system/")}) >= 2)
    run.finish()
    elapsed = time.monotonic() - began
    system = [(seg, step, key, v) for _, seg, step, key, v in recorder.points if key.startswith("system/")]
    keys = {key for _, _, key, _ in system}
    assert {"system/cpu.percent", "system/memory.percent", "system/memory.used_mb", "system/process.rss_mb", "system/process.cpu_percent"} <= keys
    assert all(seg is None for seg, _, _, _ in system)
    # Whole seconds since the run started: 0 for the samples of the first second, then 1, …
    steps = sorted({step for _, step, _, _ in system})
    assert steps[0] == 0 and steps[-1] <= elapsed and steps == list(range(steps[-1] + 1))
    rss = [v for _, _, key, v in system if key == "system/process.rss_mb"]
    assert all(1 < v < 100_000 for v in rss)
    # The training loop's own step is untouched by the sampler.
    assert (None, None, 1000, "train/loss", 1.0) in recorder.points
    # No sample after finish().
    n = len(recorder.points)
    time.sleep(0.5)
    assert len(recorder.points) == n


def test_ranks_log_system_metrics_under_their_own_segment(recorder, monkeypatch):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "sys")
    run = runlens.init(project="p", system_metrics=True, system_metrics_interval_s=0.2, heartbeat_s=0)
    assert _wait_for(lambda: len(recorder.points) > 0)
    run.finish()
    assert {(rank, seg) for rank, seg, _, _, _ in recorder.points} == {(1, "rank=1")}


def test_without_psutil_the_error_says_what_to_install(recorder, monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'runlens\[system\]'"):
        runlens.init(project="p", system_metrics=True)
    assert recorder.events == []  # nothing announced for a run that could not start
