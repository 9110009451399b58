"""The connection to Kafka: per-run columnar point buffers, a background thread that sends them,
and the producer (idempotent, acks=all, keyed by run id).

``log()`` only appends to a buffer and returns; a buffer leaves as one ``MetricBatch`` when it
holds ``max_batch_points`` points or is ``flush_interval_s`` old. Memory is bounded: past
``max_buffered_points`` points waiting in this process, ``log()`` sends synchronously (the
training loop waits for Kafka instead of growing without bound). A failed send is never
dropped silently: the next ``log()``, ``flush()`` or ``finish()`` raises ``SendError``.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from confluent_kafka import KafkaException, Producer

from .encoding import EventEncoder


class SendError(RuntimeError):
    """Kafka did not acknowledge an event; points may be missing from the run."""


class MetricBuffer:
    """One run's (and rank's) unsent points, column by column, as the MetricBatch event has them."""

    __slots__ = ("project", "run_id", "worker_rank", "keys", "segments", "key_index", "segment_index", "steps", "values", "walls", "since")

    def __init__(self, project: str, run_id: str, worker_rank: Optional[int]) -> None:
        self.project = project
        self.run_id = run_id
        self.worker_rank = worker_rank
        self._reset()

    def _reset(self) -> None:
        self.keys: Dict[str, int] = {}
        self.segments: Dict[str, int] = {}
        self.key_index: List[int] = []
        self.segment_index: List[int] = []
        self.steps: List[int] = []
        self.values: List[float] = []
        self.walls: List[int] = []
        self.since = time.monotonic()

    def __len__(self) -> int:
        return len(self.steps)

    def append(self, key: str, segment: Optional[str], step: int, value: float, wall: int) -> None:
        if not self.steps:
            self.since = time.monotonic()
        k = self.keys.get(key)
        if k is None:
            k = self.keys[key] = len(self.keys)
        if segment is None:
            s = -1
        else:
            s = self.segments.get(segment)
            if s is None:
                s = self.segments[segment] = len(self.segments)
        self.key_index.append(k)
        self.segment_index.append(s)
        self.steps.append(step)
        self.values.append(value)
        self.walls.append(wall)

    def take(self) -> Optional[Dict[str, Any]]:
        """The buffered points as a MetricBatch event (None when empty); the buffer starts over."""
        if not self.steps:
            return None
        event = {
            "project": self.project,
            "runId": self.run_id,
            "workerRank": self.worker_rank,
            "keys": list(self.keys),
            "segments": list(self.segments),
            "keyIndex": self.key_index,
            "segmentIndex": self.segment_index,
            "steps": self.steps,
            "values": self.values,
            "wallTimes": self.walls,
        }
        self._reset()
        return event


class KafkaSender:
    """One producer and one flushing thread per process, shared by every run it logs."""

    def __init__(
        self,
        brokers: str,
        topic_prefix: str = "runlens.",
        max_batch_points: int = 5000,
        flush_interval_s: float = 1.0,
        max_buffered_points: int = 1_000_000,
    ) -> None:
        self.topic = f"{topic_prefix}events"
        self.max_batch_points = max_batch_points
        self.flush_interval_s = flush_interval_s
        self.max_buffered_points = max_buffered_points
        self._encoder = EventEncoder()
        self._producer = Producer(
            {
                "bootstrap.servers": brokers,
                "enable.idempotence": True,
                "acks": "all",
                # The Java client's (and kafkajs's) partitioner: a run's events land in the same
                # partition whichever SDK sends them.
                "partitioner": "murmur2_random",
                "linger.ms": 5,
                "message.max.bytes": 8_000_000,
                "message.timeout.ms": 60_000,
            }
        )
        self._lock = threading.Lock()
        self._buffers: Dict[Tuple[str, str, Optional[int]], MetricBuffer] = {}
        self._buffered = 0
        self._errors: List[str] = []
        self._closed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="runlens-sender", daemon=True)
        self._thread.start()

    # -- called by runs ----------------------------------------------------------------------

    def buffer(self, project: str, run_id: str, worker_rank: Optional[int]) -> MetricBuffer:
        key = (project, run_id, worker_rank)
        with self._lock:
            buf = self._buffers.get(key)
            if buf is None:
                buf = self._buffers[key] = MetricBuffer(project, run_id, worker_rank)
            return buf

    def add(self, buf: MetricBuffer, segment: Optional[str], step: int, wall: int, points: List[Tuple[str, float]]) -> None:
        """Appends one log() call's points (checked already) under the lock the sending thread
        takes, so a batch never holds half a call; sends a full buffer, waits when too much waits."""
        self.raise_errors()
        with self._lock:
            for key, value in points:
                buf.append(key, segment, step, value, wall)
            self._buffered += len(points)
            full = len(buf) >= self.max_batch_points
        if full:
            self._send_buffer(buf)
        if self._buffered > self.max_buffered_points:
            self.flush()

    def emit(self, event_type: str, event: Dict[str, Any]) -> None:
        self.raise_errors()
        self._produce(event_type, event)

    def flush(self, timeout_s: float = 60.0) -> None:
        """Sends every buffered point and waits until Kafka acknowledged all of it."""
        with self._lock:
            buffers = list(self._buffers.values())
        for buf in buffers:
            self._send_buffer(buf)
        remaining = self._producer.flush(timeout_s)
        if remaining > 0:
            raise SendError(f"{remaining} message(s) not acknowledged by Kafka within {timeout_s:.0f} s")
        self.raise_errors()

    def flush_run(self, project: str, run_id: str, timeout_s: float = 60.0) -> None:
        with self._lock:
            buffers = [b for (p, r, _), b in self._buffers.items() if p == project and r == run_id]
        for buf in buffers:
            self._send_buffer(buf)
        self.flush(timeout_s)

    def forget(self, buf: MetricBuffer) -> None:
        """Drops a finished run's (empty) buffer, so a process that runs many runs keeps none of them."""
        with self._lock:
            if len(buf) == 0:
                self._buffers.pop((buf.project, buf.run_id, buf.worker_rank), None)

    def close(self, timeout_s: float = 60.0) -> None:
        if self._closed:
            return
        try:
            self.flush(timeout_s)
        finally:
            self._closed = True
            self._stop.set()
            self._thread.join(timeout=5)

    def raise_errors(self) -> None:
        if self._errors:
            first, more = self._errors[0], len(self._errors) - 1
            raise SendError(f"Kafka refused an event: {first}" + (f" (and {more} more)" if more else ""))

    # -- internals ---------------------------------------------------------------------------

    def _send_buffer(self, buf: MetricBuffer) -> None:
        with self._lock:
            n = len(buf)
            event = buf.take()
            self._buffered -= n
        if event is not None:
            self._produce("MetricBatch", event)

    def _produce(self, event_type: str, event: Dict[str, Any]) -> None:
        value = self._encoder.encode(event_type, event)
        key = event["runId"].encode("utf-8")
        while True:
            try:
                self._producer.produce(self.topic, value=value, key=key, on_delivery=self._delivered)
                break
            except BufferError:
                # librdkafka's queue is full: let it drain (bounded memory, the caller waits).
                self._producer.poll(0.1)
            except KafkaException as err:
                raise SendError(str(err)) from err
        self._producer.poll(0)

    def _delivered(self, err: Any, _msg: Any) -> None:
        if err is not None:
            self._errors.append(str(err))

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            with self._lock:
                due = [b for b in self._buffers.values() if len(b) > 0 and now - b.since >= self.flush_interval_s]
            for buf in due:
                try:
                    self._send_buffer(buf)
                except Exception as err:  # surfaced to the training loop by raise_errors()
                    self._errors.append(str(err))
            self._producer.poll(0)
