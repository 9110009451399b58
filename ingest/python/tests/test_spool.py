"""The on-disk spool and the sender's use of it, with no Kafka reachable (127.0.0.1:1 refuses):
records come back in write order across segments, a torn tail is skipped, the bound raises a
clear error and drops nothing, what is spooled is fsynced before it is produced, a live
process's spool is locked against `runlens sync`, and every identified event carries this
sender's producer id and increasing sequences. The Kafka side (replay after an outage, sync of
a killed process, a re-send stored once) is test/faults/python-spool.test.ts."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from runlens import spool as spool_mod
from runlens.encoding import EventEncoder
from runlens.errors import SendError, SpoolFullError
from runlens.sender import KafkaSender
from runlens.spool import Budget, LeftSpool, RunSpool, left_spools, read_segment
from runlens.sync import main as sync_main
from runlens.sync import sync

UNREACHABLE = "127.0.0.1:1"


def _spool(root: Path, budget: int = 1 << 30, run: str = "r1") -> RunSpool:
    return RunSpool(root, "proj", run, "p" * 32, "runlens.test.events", UNREACHABLE, Budget(budget))


def _records(root: Path):
    out = []
    for left in left_spools(root):
        for seg in left.segments():
            values, torn = read_segment(seg)
            assert torn == 0
            out.extend(values)
    return out


def _sender(root: Path, flush_interval_s: float = 0.05, **kw) -> KafkaSender:
    return KafkaSender(UNREACHABLE, "runlens.test.", spool_dir=str(root), message_timeout_ms=500, flush_interval_s=flush_interval_s, **kw)


class SilentDelivery:
    """A delivery that takes every message and never answers (Kafka that does not acknowledge),
    noting each send in ``log`` as ("send", value)."""

    in_order = True
    target = "a silent delivery"

    def __init__(self, log):
        self.log = log

    def send(self, key, value, done):
        self.log.append(("send", value))
        return True

    def poll(self, timeout_s=0.0):
        pass

    def close(self):
        pass


def test_records_come_back_in_write_order_across_segments(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_mod, "SEGMENT_BYTES", 1000)
    sp = _spool(tmp_path)
    values = [f"message {i} ".encode() * (i % 7 + 1) for i in range(300)]
    for v in values:
        sp.append(v)
    sp.sync()
    assert len(sp.segments) > 5
    assert _records(tmp_path) == values
    sp.close()
    assert _records(tmp_path) == values  # unacknowledged: kept for runlens sync


def test_acknowledged_segments_are_deleted_and_an_empty_spool_leaves_no_directory(tmp_path):
    sp = _spool(tmp_path)
    recs = [sp.append(b"x" * 100) for _ in range(10)]
    sp.sync()
    for r in recs[:5]:
        sp.acked(r)
    sp.tidy()
    assert len(list(sp.dir.glob("*.seg"))) == 1 and sp.budget.used > 0
    for r in recs[5:]:
        sp.acked(r)
    sp.tidy()
    assert list(sp.dir.glob("*.seg")) == [] and sp.budget.used == 0
    assert sp.close() is True
    assert list(tmp_path.iterdir()) == []


def test_a_torn_tail_is_skipped(tmp_path):
    sp = _spool(tmp_path)
    for i in range(3):
        sp.append(f"whole {i}".encode())
    sp.sync()
    seg = sp.segments[0].path
    with open(seg, "ab") as f:
        f.write(b"\x00\x00\x01\x00\x12\x34")  # a header promising 256 bytes, cut short by a crash
    values, torn = read_segment(seg)
    assert values == [b"whole 0", b"whole 1", b"whole 2"]
    assert torn == 6


def test_the_bound_raises_a_clear_error_and_keeps_what_was_spooled(tmp_path):
    sp = _spool(tmp_path, budget=1000)
    written = 0
    with pytest.raises(SpoolFullError, match=r"spool is full.*RUNLENS_SPOOL_MAX_BYTES.*NOT logged"):
        for _ in range(100):
            sp.append(b"y" * 92)
            written += 1
    assert written == 10
    sp.sync()
    assert len(_records(tmp_path)) == written


def test_log_raises_spool_full_while_kafka_is_unreachable_and_drops_nothing(tmp_path):
    sender = _sender(tmp_path, spool_max_bytes=200_000, max_batch_points=1000)
    buf = sender.buffer("proj", "full", None)
    logged = 0
    with pytest.raises(SpoolFullError, match="RUNLENS_SPOOL_MAX_BYTES"):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sender.add(buf, None, logged, 1000, [("a", 1.0), ("b", 2.0)])
            logged += 1
            if logged % 500 == 0:
                time.sleep(0.01)
    # The refused call buffered nothing; everything accepted is on disk or still waiting in
    # memory (queued in order, never dropped silently): each accepted point exactly once.
    with pytest.raises(SendError):
        sender.close(timeout_s=0.5)
    encoder = EventEncoder()
    spooled = [encoder.decode(v) for v in _records(tmp_path)]
    waiting = [encoder.decode(e) if isinstance(e, bytes) else (t, e) for t, e, _, _ in sender._pending]
    assert waiting, "the spool was full, so some batches must still wait in memory"
    points = [(s, e["keys"][k]) for t, e in spooled + waiting if t == "MetricBatch" for s, k in zip(e["steps"], e["keyIndex"])]
    assert sorted(points) == [(s, k) for s in range(logged) for k in ("a", "b")]
    assert len(points) == len(set(points)) == logged * 2
    on_disk = sum(len(e["steps"]) for t, e in spooled if t == "MetricBatch")
    assert on_disk + sum(p for _, _, _, p in sender._pending) == logged * 2


def test_spooled_messages_are_fsynced_before_they_are_produced(tmp_path, monkeypatch):
    calls = []  # ("fsync", path) and ("send", value), in the order they happened
    real = os.fsync

    def recording_fsync(fd):
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    sender = KafkaSender(UNREACHABLE, "runlens.test.", spool_dir=str(tmp_path), max_batch_points=100, delivery=SilentDelivery(calls))
    buf = sender.buffer("proj", "durable", None)
    for step in range(1000):
        sender.add(buf, None, step, 1000, [("a", 1.0)])
    with pytest.raises(SendError):
        sender.flush(timeout_s=1.5)
    # Which segment each message went to, from the spool itself.
    segment_of = {}
    for left in left_spools(tmp_path):
        for seg in left.segments():
            for value in read_segment(seg)[0]:
                segment_of[value] = str(seg)
    sends = [i for i, (kind, _) in enumerate(calls) if kind == "send"]
    assert len(sends) == 10 and len(segment_of) == 10  # 10 batches of 100 points, each produced once
    for i in sends:
        seg = segment_of[calls[i][1]]
        assert ("fsync", seg) in calls[:i], f"message {i} was produced before its segment {seg} was fsynced"
    segs = [p for kind, p in calls if kind == "fsync" and p.endswith(".seg")]
    # Group commit: one fsync per cycle, not per message (10 batches of 100 points were spooled).
    assert 0 < len(segs) < 10
    with pytest.raises(SendError):
        sender.close(timeout_s=0.2)


def test_a_live_process_holds_its_run_spool_lock_and_sync_leaves_it_alone(tmp_path, capsys):
    sp = _spool(tmp_path)
    sp.append(b"not mine to send")
    sp.sync()
    left = LeftSpool(sp.dir)
    assert left.lock() is False
    assert left.holder() == str(os.getpid())
    assert sync(tmp_path, UNREACHABLE, 2.0) == 0
    assert "skipped run proj/r1" in capsys.readouterr().out
    assert len(_records(tmp_path)) == 1
    sp.close()
    assert left.lock() is True  # the process let go: sync may send it now
    left.release()


def test_sync_exits_2_with_a_clear_message_when_kafka_is_unreachable(tmp_path, capsys):
    sp = _spool(tmp_path)
    sp.append(b"waiting")
    sp.close()
    assert sync_main(["sync", "--dir", str(tmp_path), "--brokers", UNREACHABLE, "--timeout", "2"]) == 2
    assert "Kafka at 127.0.0.1:1 is unreachable" in capsys.readouterr().err
    assert len(_records(tmp_path)) == 1


def test_sync_with_nothing_spooled_says_so(tmp_path, capsys):
    assert sync_main(["sync", "--dir", str(tmp_path / "none")]) == 0
    assert "nothing to send" in capsys.readouterr().out


def test_identified_events_carry_the_producer_id_and_increasing_sequences(tmp_path):
    # A flush interval far longer than the test: the batches are cut by size and by the explicit
    # flush only, so the order below does not depend on how loaded the machine is.
    sender = _sender(tmp_path, flush_interval_s=3600, max_batch_points=50)
    buf = sender.buffer("proj", "ident", None)
    for step in range(120):
        sender.add(buf, None, step, 1000, [("a", float(step))])
    sender.emit("ArtifactLogged", {"project": "proj", "runId": "ident", "name": "m", "kind": "checkpoint", "uri": "", "digest": "", "sizeBytes": 1, "step": None, "loggedAt": 1, "metadata": {}})
    with pytest.raises(SendError):
        sender.flush(timeout_s=1.0)
    with pytest.raises(SendError):
        sender.close(timeout_s=0.2)
    encoder = EventEncoder()
    events = [encoder.decode(v) for v in _records(tmp_path)]
    assert [t for t, _ in events] == ["MetricBatch", "MetricBatch", "ArtifactLogged", "MetricBatch"]
    assert {e["producerId"] for _, e in events} == {sender.producer_id}
    assert len(sender.producer_id) == 32
    seqs = [e["sequence"] for _, e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    # The points in spool order are the points in log order: nothing lost, nothing doubled by retries.
    steps = [s for t, e in events if t == "MetricBatch" for s in e["steps"]]
    assert steps == list(range(120))


def test_the_console_script_names_the_sync_entry_point():
    text = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert 'runlens = "runlens.sync:main"' in text
    assert callable(sync_main)


def test_a_spool_that_cannot_be_written_is_a_clear_error_at_log(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the spool should go")
    sender = _sender(blocked, max_batch_points=10)
    buf = sender.buffer("proj", "nowhere", None)
    with pytest.raises(SpoolFullError, match="cannot be written.*RUNLENS_SPOOL_DIR"):
        deadline = time.monotonic() + 10
        step = 0
        while time.monotonic() < deadline:
            sender.add(buf, None, step, 1000, [("a", 1.0)])
            step += 1
            time.sleep(0.001)
    with pytest.raises(SendError):
        sender.close(timeout_s=0.2)
