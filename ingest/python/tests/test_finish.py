"""finish() after an earlier send error: the run's end is still queued, flushed and kept (also
when the spool is full), then the earlier error is raised, and a second finish() is a no-op.
And the exit budget: runs left open and the senders' last flush share one 30 s at exit. The
sender is the real one (spool included) over a scripted delivery (tests/fakes.py): no Kafka."""
from __future__ import annotations

import time

import pytest

from fakes import ScriptedDelivery, event_type
from runlens import run as run_module
from runlens.delivery import Failure
from runlens.encoding import EventEncoder
from runlens.errors import SendError, SpoolFullError
from runlens.run import Run
from runlens.sender import Sender
from runlens.spool import left_spools, read_segment

ARTIFACT = {"name": "m", "kind": "checkpoint", "uri": "", "digest": "", "sizeBytes": 1, "step": None, "loggedAt": 1, "metadata": {}}


def _run(sender: Sender, run_id: str) -> Run:
    return Run(sender, "proj", run_id, int(time.time() * 1000), None, owns_sender=False)


def _spooled_types(root):
    enc = EventEncoder()
    return [enc.decode(v)[0] for left in left_spools(root) for seg in left.segments() for v in read_segment(seg)[0]]


def test_run_finished_is_sent_after_an_earlier_refusal_and_the_error_comes_after(tmp_path):
    refused = lambda v: Failure("too large", False) if event_type(v) == "ArtifactLogged" else None  # noqa: E731
    delivery = ScriptedDelivery(refused)
    sender = Sender("unused:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    run = _run(sender, "after-refusal")
    run.log({"loss": 1.0}, step=0)
    sender.emit("ArtifactLogged", {"project": "proj", "runId": run.id, **ARTIFACT})
    deadline = time.monotonic() + 5
    while not sender._errors and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(SendError, match="too large"):
        run.log({"loss": 0.5}, step=1)  # the refusal reaches the training loop
    with pytest.raises(SendError, match="too large"):
        run.finish()  # ... and finish() raises it again, but only after the end was sent
    assert delivery.types()[-1] == "RunFinished"
    assert delivery.types().count("RunFinished") == 1
    assert run.finished
    run.finish()  # a retry is a no-op, not a second end
    assert delivery.types().count("RunFinished") == 1
    with pytest.raises(SendError, match="too large"):
        sender.close(timeout_s=1)  # the refusal stays on record; everything else was acknowledged
    assert _spooled_types(tmp_path) == []


def test_a_full_spool_still_keeps_the_run_finished(tmp_path):
    never = ScriptedDelivery(lambda v: ...)  # Kafka that never acknowledges
    sender = Sender("unused:1", spool_dir=str(tmp_path), spool_max_bytes=20_000, max_batch_points=200, flush_interval_s=3600, delivery=never)
    run = _run(sender, "full")
    with pytest.raises(SpoolFullError):
        deadline = time.monotonic() + 20
        step = 0
        while time.monotonic() < deadline:
            run.log({"a": 1.0, "b": 2.0}, step=step)
            step += 1
            if step % 200 == 0:
                time.sleep(0.01)
    with pytest.raises(SpoolFullError):
        run.finish(timeout_s=2)
    # The end is on disk (over the bound, within the reserve) for `runlens sync`; the points that
    # did not fit wait in memory behind it.
    types = _spooled_types(tmp_path)
    assert types.count("RunFinished") == 1
    assert types.count("MetricBatch") > 0
    assert any(t == "MetricBatch" for t, _, _, _ in sender._pending)
    assert run.finished
    with pytest.raises(SendError):
        sender.close(timeout_s=0.2)


def test_the_exit_finishes_and_the_last_flush_share_one_budget(recorder, monkeypatch):
    import runlens

    timeouts = []
    monkeypatch.setattr(recorder, "flush_run", lambda project, run_id, timeout_s=60.0: timeouts.append(timeout_s))
    open_run = runlens.init(project="p", heartbeat_s=0)
    run_module._finish_open_runs()
    assert open_run.finished
    assert len(timeouts) == 1 and 29.0 < timeouts[0] <= run_module.EXIT_BUDGET_S == 30.0
    # What is left for the senders' close is what the finishes did not use, never a fresh 30 s.
    assert run_module.exit_time_left() <= timeouts[0]
