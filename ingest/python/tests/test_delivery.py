"""Refusals and fatal errors on the way to Kafka, with the real sender and KafkaDelivery over a
Producer stand-in (tests/fakes.py): a message produce() refuses fails once with a SendError, is
never retried and does not hold back the run's later messages; a fatal producer error keeps the
message in the spool, raises SendError and replaces the producer, after which later messages go
out; the error list stays capped."""
from __future__ import annotations

import time

import pytest
from confluent_kafka import KafkaError, KafkaException

from fakes import FakeProducer, ScriptedDelivery, event_type
from runlens.delivery import Failure, KafkaDelivery
from runlens.encoding import EventEncoder
from runlens.errors import SendError
from runlens.sender import MAX_ERRORS, Sender
from runlens.spool import left_spools, read_segment

ARTIFACT = {"kind": "checkpoint", "uri": "", "digest": "", "sizeBytes": 1, "step": None, "loggedAt": 1, "metadata": {}}


def _artifact(sender: Sender, run_id: str, name: str) -> None:
    sender.emit("ArtifactLogged", {"project": "proj", "runId": run_id, "name": name, **ARTIFACT}, check_errors=False)


def _names(values):
    enc = EventEncoder()
    return [e["name"] for t, e in (enc.decode(v) for v in values) if t == "ArtifactLogged"]


def _spooled(root):
    return [v for left in left_spools(root) for seg in left.segments() for v in read_segment(seg)[0]]


def _wait(cond, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.02)
    return cond()


def test_a_message_produce_refuses_fails_once_and_later_messages_go_on(tmp_path):
    too_large = KafkaException(KafkaError(KafkaError.MSG_SIZE_TOO_LARGE))
    producers = []

    def make(config):
        p = FakeProducer(config, refuse=lambda v: too_large if b"huge" in v else None)
        producers.append(p)
        return p

    delivery = KafkaDelivery("fake:1", "runlens.events", producer=make)
    sender = Sender("fake:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    for name in ("before", "huge", "after-1", "after-2"):
        _artifact(sender, "refused", name)
    with pytest.raises(SendError, match="Message size too large"):
        sender.flush(timeout_s=5)
    time.sleep(0.5)  # several more cycles: a refused message must not come back
    (producer,) = producers
    assert _names(producer.produced) == ["before", "after-1", "after-2"]
    assert sender._error_count == 1
    assert _spooled(tmp_path) == []  # refused for good: dropped, not left to block the run
    with pytest.raises(SendError):
        sender.close(timeout_s=1)


def test_a_fatal_producer_error_keeps_the_message_and_replaces_the_producer(tmp_path):
    fatal = KafkaError(KafkaError._FATAL, "idempotence failure (stand-in)", fatal=True)
    producers = []

    def make(config):
        first = not producers
        p = FakeProducer(config, answer=lambda v: fatal if first and b"doomed" in v else None)
        producers.append(p)
        return p

    delivery = KafkaDelivery("fake:1", "runlens.events", producer=make)
    sender = Sender("fake:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    _artifact(sender, "fatal", "doomed")
    with pytest.raises(SendError, match="fatal producer error.*runlens sync"):
        sender.flush(timeout_s=5)
    assert _wait(lambda: delivery.replaced == 1) and len(producers) == 2
    _artifact(sender, "fatal", "later")
    with pytest.raises(SendError):  # the fatal error stays on record ...
        sender.flush(timeout_s=5)
    assert _names(producers[1].produced) == ["later"]  # ... but the new producer sends on
    # Kept on disk, never acknowledged nor deleted ("later", acknowledged, shares its segment).
    assert _names(_spooled(tmp_path)) == ["doomed", "later"]
    assert sender._outboxes[("proj", "fatal")].spool.unacked == 1
    with pytest.raises(SendError):
        sender.close(timeout_s=1)
    assert "doomed" in _names(_spooled(tmp_path))  # still there for `runlens sync`


def test_the_error_list_stays_capped(tmp_path):
    delivery = ScriptedDelivery(lambda v: Failure("refused", False) if event_type(v) == "ArtifactLogged" else None)
    sender = Sender("fake:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    n = MAX_ERRORS + 150
    for i in range(n):
        _artifact(sender, "many", f"a{i}")
    with pytest.raises(SendError, match=rf"refused \(and {n - 1} more\)"):
        sender.flush(timeout_s=10)
    assert len(sender._errors) == MAX_ERRORS and sender._error_count == n
    assert len(delivery.sent) == n  # each refused once, none retried
    with pytest.raises(SendError):
        sender.close(timeout_s=1)
