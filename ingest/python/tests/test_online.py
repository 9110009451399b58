"""The outcome logger (online.py) over a scripted delivery: records batched by size, covariate
records in batches of their own, keyed by experiment and sender, every record checked at the call."""
import math

import pytest

from fakes import ScriptedDelivery, _encoder
from runlens.online import OutcomeLogger
from runlens.sender import Sender


def _batches(delivery):
    return [e for t, e in map(_encoder.decode, delivery.sent) if t == "OutcomeBatch"]


def test_batches_by_size_and_covariates_apart(tmp_path):
    delivery = ScriptedDelivery()
    sender = Sender("fake:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    log = OutcomeLogger(sender, "shop", "ab-1", max_batch=4)
    for i in range(5):
        log.expose(f"u{i}", "champion" if i % 2 else "challenger", at_ms=1000 + i)
    log.record("u1", "champion", "revenue", 12.5, covariate=10.0, at_ms=2000)
    log.record("u1", "champion", "conversion", 1, at_ms=2000)
    log.flush(timeout_s=10)
    batches = _batches(delivery)
    assert [len(b["unitIds"]) for b in batches] == [4, 2, 1]
    full, plain, with_cov = batches
    assert full["metricIndex"] == [-1, -1, -1, -1] and full["covariates"] == []
    assert plain["metrics"] == ["conversion"] and plain["values"][1] == 1.0 and plain["covariates"] == []
    assert with_cov["metrics"] == ["revenue"] and with_cov["covariates"] == [10.0] and with_cov["values"] == [12.5]
    assert all(b["producerId"] == sender.producer_id for b in batches)
    assert sorted(b["sequence"] for b in batches) == sorted(set(b["sequence"] for b in batches))
    sender.close(timeout_s=10)


def test_bad_records_raise_at_the_call_and_lose_nothing(tmp_path):
    delivery = ScriptedDelivery()
    sender = Sender("fake:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    log = OutcomeLogger(sender, "shop", "ab-1")
    log.record("u1", "champion", "latency_ms", 80.0)
    for bad in (lambda: log.record("u1", "champion", "latency_ms", math.nan), lambda: log.record("u1", "champion", "revenue", 1.0, covariate=math.inf),
                lambda: log.expose("", "champion"), lambda: log.record("u1", "champion", "", 1.0), lambda: log.expose("u1", "champion", at_ms=-1)):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(ValueError):
        OutcomeLogger(sender, "shop", "has space")
    log.flush(timeout_s=10)
    (batch,) = _batches(delivery)
    assert batch["unitIds"] == ["u1"] and batch["values"] == [80.0]
    sender.close(timeout_s=10)


def test_a_trickle_leaves_within_the_flush_interval_and_unit_ids_are_text(tmp_path):
    import time

    delivery = ScriptedDelivery()
    sender = Sender("fake:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    log = OutcomeLogger(sender, "shop", "ab-1", flush_interval_s=0.05, per_unit=["ctr"])
    with pytest.raises(ValueError, match="not valid Unicode"):
        log.expose("u\ud800", "champion")
    log.record("u1", "champion", "ctr", 1.0)
    deadline = time.time() + 5
    while not _batches(delivery) and time.time() < deadline:
        time.sleep(0.02)
    (batch,) = _batches(delivery)
    assert batch["unitIds"] == ["u1"] and batch["metricsPerUnit"] == [True]
    log.close(timeout_s=10)
    sender.close(timeout_s=10)
