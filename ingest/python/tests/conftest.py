"""Shared pieces of the package's pytest suite (run by test/integration/python-pytest.test.ts, or
by hand: python -m pytest ingest/python/tests with confluent-kafka, fastavro and pytest
installed). ``recorder`` replaces the Kafka sender with one that keeps every event in memory,
each encoded with the package's own Avro encoder first, so an event the schema refuses fails
the test."""
from __future__ import annotations

import os
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import runlens  # noqa: E402
from runlens.encoding import EventEncoder  # noqa: E402

DISTRIBUTED_ENV = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "TORCHELASTIC_RUN_ID", "RUNLENS_RUN_ID", "RUNLENS_HEARTBEAT_SECONDS", "RUNLENS_SYSTEM_METRICS_SECONDS")


class RecordingSender:
    """The sender interface runs use (buffer/add/emit/hand_over/flush/flush_run/forget), in memory."""

    def __init__(self) -> None:
        self.encoder = EventEncoder()
        self.events: List[Tuple[str, Dict[str, Any]]] = []
        self.points: List[Tuple[Optional[int], Optional[str], int, str, float]] = []  # rank, segment, step, key, value
        self.lock = threading.Lock()

    def buffer(self, project: str, run_id: str, worker_rank: Optional[int]) -> Any:
        return (project, run_id, worker_rank)

    def add(self, buf: Any, segment: Optional[str], step: int, wall: int, points: List[Tuple[str, float]]) -> None:
        with self.lock:
            for key, value in points:
                assert isinstance(value, float)
                self.points.append((buf[2], segment, step, key, value))

    def emit(self, event_type: str, event: Dict[str, Any], check_errors: bool = True) -> None:
        self.encoder.encode(event_type, event)  # raises on an event the schema refuses
        with self.lock:
            self.events.append((event_type, event))

    def flush(self, timeout_s: float = 60.0) -> None:
        pass

    def hand_over(self, project: str, run_id: str) -> None:
        pass

    def flush_run(self, project: str, run_id: str, timeout_s: float = 60.0) -> None:
        pass

    def forget(self, buf: Any) -> None:
        pass

    def close(self, timeout_s: float = 60.0) -> None:
        pass

    def of_type(self, event_type: str) -> List[Dict[str, Any]]:
        with self.lock:
            return [e for t, e in self.events if t == event_type]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> RecordingSender:
    rec = RecordingSender()
    monkeypatch.setattr(runlens, "_sender_for", lambda *args, **kwargs: rec)
    for name in DISTRIBUTED_ENV:
        monkeypatch.delenv(name, raising=False)
    return rec
