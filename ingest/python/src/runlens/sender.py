"""The way out: per-run columnar point buffers, and a background thread that encodes, spools and
sends them through a delivery (delivery.py): Kafka's idempotent producer (acks=all, keyed by run
id), or the HTTP gateway (gateway.py) when a gateway URL is set.

``log()`` only appends to a buffer and returns; a buffer leaves as one ``MetricBatch`` when it
holds ``max_batch_points`` points or is ``flush_interval_s`` old. Every MetricBatch,
ArtifactLogged, ParamsLogged, TableLogged and SamplesLogged gets its identity (this sender's random ``producerId`` and the
next ``sequence``) when it is created, so any re-send of it is byte for byte the same message and
is stored once. The ``producerId`` is a new random id per process and client (per Sender): never
reuse one elsewhere, and never send different content under a (producerId, sequence) already
used — the processor keeps the first and drops the other as a duplicate.

Write-ahead (spool.py): the background thread appends each encoded message to its run's spool
segment, fsyncs once per cycle (at most every ``flush_interval_s`` per run, or per full batch),
then sends it; the acknowledgement (Kafka's, or the gateway's 202) lets the segment be deleted. A
delivery that fails or times out stays on disk, and the run's messages wait behind it: they are
re-sent in order, every few seconds, until an answer comes — by this process while it lives,
else by ``runlens sync``. So a crash loses only what was still in the in-memory buffer (at most
the last ``flush_interval_s``, one second by default); an OS crash also what was written in the
last cycle.

Memory is bounded: past ``max_buffered_points`` points not yet spooled, ``log()`` waits for the
background thread. Nothing is dropped silently: a full spool raises ``SpoolFullError`` at the
next ``log()``, an event refused for good raises ``SendError`` there, and ``flush()`` raises
``SendError`` (the data kept in the spool) when it was not acknowledged in time. An earlier
error never stops a run's end: ``emit(..., check_errors=False)`` queues RunFinished first, and
the error is raised after the flush. A full spool still takes a run's RunStarted and RunFinished
(up to ``spool.RESERVE_BYTES`` over the bound; they may then overtake that run's points still
waiting in memory for room). The errors kept for the SendError's text are capped
(``MAX_ERRORS``; the rest are counted). All spool state and every delivery poll belong to the
background thread.

Refusals: an event refused for good (Kafka: too large, not authorised, or ``produce()`` raising;
the gateway: 400, 413) is dropped once with a SendError and never retried; the run's later
events go on. A fatal producer error or a refused token (401, 403) keeps the event in the spool
for ``runlens sync`` instead (see delivery.py).

Order: Kafka keeps a run's messages in order however many are in flight. The gateway's requests
may overlap, so there only MetricBatches overlap (their order does not matter to the stored
run); any other event (RunStarted, RunFinished, params, artifacts, heartbeats) leaves once all
before it were acknowledged, and nothing after it leaves before it was.
"""
from __future__ import annotations

import itertools
import sys
import threading
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any, Deque, Dict, List, Optional, Set, Tuple

from .delivery import Failure, KafkaDelivery, producer_config, transient
from .encoding import EventEncoder
from .errors import SendError, SpoolFullError
from .spool import DEFAULT_MAX_BYTES, RESERVE_BYTES, Budget, Record, RunSpool, default_root

__all__ = ["Sender", "KafkaSender", "MetricBuffer", "SendError", "SpoolFullError", "IDENTIFIED", "producer_config", "transient"]

# Event types that carry producerId + sequence (schemas: MetricBatch v2, ArtifactLogged v2, ParamsLogged v1,
# TableLogged v1, SamplesLogged v1). LogLines need none: a re-sent line collapses by its number in the stream.
IDENTIFIED = frozenset(("MetricBatch", "ArtifactLogged", "ParamsLogged", "TableLogged", "SamplesLogged", "LogLines", "OutcomeBatch"))
MAX_INFLIGHT = 512  # messages handed to the delivery and not yet answered, over all runs
KEEP_IN_MEMORY = 64  # a run's waiting messages kept in memory too (the rest are read back from disk)
RETRY_S = (0.5, 1.0, 2.0, 4.0)  # wait before re-sending after a failed delivery, then every 4 s
MAX_ERRORS = 100  # refusals kept for the SendError's text (the rest are counted)
RESERVED = frozenset(("RunStarted", "RunFinished"))  # may use the spool's reserve past its bound


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
        """The buffered points as a MetricBatch event, without identity (None when empty); the
        buffer starts over."""
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


RunKey = Tuple[str, str]


class _Outbox:
    """A run's messages on their way: spooled, waiting to be produced (in order), in flight,
    and those whose delivery failed (re-sent first, in order, once the retry is due)."""

    __slots__ = ("spool", "waiting", "failed", "inflight", "retry_at", "attempt", "warned", "barriers", "barrier_inflight")

    def __init__(self, spool: RunSpool) -> None:
        self.spool = spool
        self.waiting: Deque[Record] = deque()
        self.failed: List[Record] = []
        self.inflight = 0
        self.barriers: Set[int] = set()  # numbers of records that must not overlap (not MetricBatch)
        self.barrier_inflight = False
        self.retry_at = 0.0
        self.attempt = 0
        self.warned = False


class Sender:
    """One delivery, one spool root and one flushing thread per process, shared by its runs.
    With ``gateway_url`` (and its ``token``) events go to the gateway, else to Kafka."""

    def __init__(
        self,
        brokers: str,
        topic_prefix: str = "runlens.",
        max_batch_points: int = 5000,
        flush_interval_s: float = 1.0,
        max_buffered_points: int = 1_000_000,
        spool_dir: Optional[str] = None,
        spool_max_bytes: int = DEFAULT_MAX_BYTES,
        message_timeout_ms: int = 30_000,
        gateway_url: Optional[str] = None,
        token: Optional[str] = None,
        delivery: Any = None,
    ) -> None:
        self.brokers = brokers
        self.gateway_url = gateway_url
        self.topic = f"{topic_prefix}events"
        self.max_batch_points = max_batch_points
        self.flush_interval_s = flush_interval_s
        self.max_buffered_points = max_buffered_points
        self.producer_id = uuid.uuid4().hex
        self.spool_root = Path(spool_dir) if spool_dir else default_root()
        self._sequence = itertools.count()
        self._budget = Budget(spool_max_bytes)
        self._encoder = EventEncoder()
        self._wake = threading.Event()
        if delivery is not None:  # tests: a stand-in with the delivery contract (delivery.py)
            self._delivery: Any = delivery
        elif gateway_url:
            from .gateway import GatewayDelivery  # standard library only; imported when used

            self._delivery = GatewayDelivery(gateway_url, token or "", timeout_s=message_timeout_ms / 1000, wake=self._wake.set)
        else:
            self._delivery = KafkaDelivery(brokers, self.topic, message_timeout_ms)
        self.target = self._delivery.target
        self._lock = threading.Lock()
        self._progress = threading.Condition(self._lock)
        self._buffers: Dict[Tuple[str, str, Optional[int]], MetricBuffer] = {}
        self._buffered = 0  # points in buffers and in _pending, not yet spooled
        self._pending: Deque[Tuple[str, Any, RunKey, int]] = deque()  # (type, event dict or bytes, run, points)
        self._outstanding: Dict[RunKey, int] = {}  # per run: messages created and not yet acknowledged
        self._outboxes: Dict[RunKey, _Outbox] = {}
        self._inflight = 0
        self._errors: List[str] = []
        self._error_count = 0
        self._full: Optional[SpoolFullError] = None
        self._closed = False
        self._cycles = 0  # background cycles completed
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
        takes, so a batch never holds half a call; hands a full buffer to the sending thread,
        waits when too much waits."""
        if self._errors or self._full is not None:
            self.raise_errors()
        with self._lock:
            for key, value in points:
                buf.append(key, segment, step, value, wall)
            self._buffered += len(points)
            if len(buf) >= self.max_batch_points:
                self._enqueue_buffer(buf)
                self._wake.set()
            if self._buffered > self.max_buffered_points:
                self._wait_for_room()

    def emit(self, event_type: str, event: Dict[str, Any], check_errors: bool = True, points: int = 0) -> None:
        """Sends one event after what this process already handed over for the same run;
        encoded here, so a bad event raises in the caller. An earlier send error (or a full
        spool) raises here first, and the event is not sent, unless ``check_errors=False`` (a
        run's end: queued whatever happened before; the error comes from the flush after)."""
        if check_errors:
            self.raise_errors()
        # An identity given by the caller is kept (a re-send of the same content); any new
        # content gets this sender's producerId and a new sequence, never one already used.
        if event_type in IDENTIFIED and event.get("producerId") is None:
            event["producerId"] = self.producer_id
            event["sequence"] = next(self._sequence)
        value = self._encoder.encode(event_type, event)
        # An online experiment's outcomes are no run's: keyed (and spooled) by experiment and
        # sender, as the server's eventKey has it, so one sender's batches stay in order.
        key = event["runId"] if "runId" in event else f"online:{event['experimentId']}:{event['producerId']}"
        with self._lock:
            # ``points``: records the event carries (an OutcomeBatch's), bounded like a run's points.
            self._enqueue(event_type, value, (event["project"], key), points)
            self._buffered += points
            if points and self._buffered > self.max_buffered_points:
                self._wait_for_room()
        self._wake.set()

    def flush(self, timeout_s: float = 60.0) -> None:
        """Sends every buffered point and waits until Kafka (or the gateway) acknowledged all of it."""
        self._flush(None, timeout_s)

    def hand_over(self, project: str, run_id: str) -> None:
        """Queues the run's buffered points for sending at once, without waiting: an event
        emitted next goes after them (and into the spool behind them)."""
        with self._lock:
            for buf in list(self._buffers.values()):
                if (buf.project, buf.run_id) == (project, run_id):
                    self._enqueue_buffer(buf)
        self._wake.set()

    def flush_run(self, project: str, run_id: str, timeout_s: float = 60.0) -> None:
        """Sends the run's buffered points and waits until every event of it was acknowledged."""
        self._flush((project, run_id), timeout_s)

    def forget(self, buf: MetricBuffer) -> None:
        """Drops a finished run's (empty) buffer, so a process that runs many runs keeps none of
        them; its spool directory goes once everything of the run was acknowledged."""
        with self._lock:
            if len(buf) == 0:
                self._buffers.pop((buf.project, buf.run_id, buf.worker_rank), None)

    def close(self, timeout_s: float = 60.0) -> None:
        """Flushes, stops the thread, releases the spools (deleting those fully acknowledged;
        the rest stay for ``runlens sync``)."""
        if self._closed:
            return
        try:
            self.flush(timeout_s)
        finally:
            self._closed = True
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=max(1.0, min(30.0, timeout_s)))  # its last cycle spools what is left
            self._delivery.close()
            for box in self._outboxes.values():
                box.spool.close()
            self._outboxes.clear()

    @property
    def spool_full(self) -> bool:
        """Whether the spool could not be written: what is sent now would only wait in memory."""
        return self._full is not None

    def raise_errors(self) -> None:
        if self._full is not None:
            raise self._full
        if self._errors:
            first, more = self._errors[0], self._error_count - 1
            raise SendError(f"{self.target} refused an event: {first}" + (f" (and {more} more)" if more else ""))

    @property
    def unspooled_points(self) -> int:
        """Points logged and not yet written to the spool (in buffers or queued): what a crash
        of this process would lose now."""
        return self._buffered

    def spool_dirs(self) -> List[Path]:
        """The spool directories of the runs this process holds (for messages and tests)."""
        return [box.spool.dir for box in list(self._outboxes.values())]

    # -- handing over (caller's thread, under the lock) ---------------------------------------

    def _enqueue_buffer(self, buf: MetricBuffer) -> None:
        n = len(buf)
        event = buf.take()
        if event is not None:
            event["producerId"] = self.producer_id
            event["sequence"] = next(self._sequence)
            self._enqueue("MetricBatch", event, (buf.project, buf.run_id), n)

    def _enqueue(self, event_type: str, event: Any, run: RunKey, points: int) -> None:
        self._pending.append((event_type, event, run, points))
        self._outstanding[run] = self._outstanding.get(run, 0) + 1

    def _wait_for_room(self) -> None:
        self._wake.set()
        while self._buffered > self.max_buffered_points and self._full is None and not self._stop.is_set():
            self._progress.wait(0.1)
            self._wake.set()
        if self._full is not None:
            raise self._full

    def _flush(self, run: Optional[RunKey], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        with self._lock:
            for buf in list(self._buffers.values()):
                if run is None or (buf.project, buf.run_id) == run:
                    self._enqueue_buffer(buf)
            self._wake.set()
            # A full spool ends the wait, but only once a whole cycle ran after this call, so that
            # a RunFinished just emitted had its turn at the spool's reserve.
            cycles = self._cycles
            while True:
                left = sum(self._outstanding.values()) if run is None else self._outstanding.get(run, 0)
                if left == 0 or self._stop.is_set() or (self._full is not None and self._cycles >= cycles + 2):
                    break
                wait = deadline - time.monotonic()
                if wait <= 0:
                    break
                self._progress.wait(min(wait, 0.2))
        if self._full is not None:
            raise self._full
        if left > 0:
            dirs = ", ".join(str(d) for d in self.spool_dirs()) or str(self.spool_root)
            raise SendError(
                f"{left} event(s) not acknowledged by {self.target} within {timeout_s:.0f} s; they are kept "
                f"in the spool ({dirs}) and sent when it answers again: by this process while it lives, else by `runlens sync`"
            )
        self.raise_errors()

    # -- the background thread: encode, spool, fsync, produce, account --------------------------

    def _run(self) -> None:
        while True:
            stopping = self._stop.is_set()
            try:
                self._cycle()
            except Exception as err:  # surfaced to the training loop by raise_errors()
                self._error(f"{type(err).__name__}: {err}")
            with self._lock:
                self._cycles += 1
                self._progress.notify_all()
            if stopping:
                return
            self._wake.wait(0.1)
            self._wake.clear()

    def _cycle(self) -> None:
        now = time.monotonic()
        with self._lock:
            for buf in self._buffers.values():
                if len(buf) > 0 and now - buf.since >= self.flush_interval_s:
                    self._enqueue_buffer(buf)
        touched = self._spool_pending()
        for box in touched:
            box.spool.sync()  # durable before produced: write-ahead
        self._delivery.poll(0)  # delivery callbacks run here, on this thread: answers free room
        self._produce_ready()
        self._delivery.poll(0)
        with self._lock:
            live = {(b.project, b.run_id) for b in self._buffers.values()}
            done = [run for run, box in self._outboxes.items() if run not in live and self._outstanding.get(run, 0) == 0 and box.spool.unacked == 0 and box.inflight == 0]
            for run in done:
                self._outstanding.pop(run, None)
        for run in done:  # a forgotten (finished) run, all acknowledged: its directory goes
            self._outboxes.pop(run).spool.close()
        for box in list(self._outboxes.values()):
            box.spool.tidy()

    def _spool_pending(self) -> List[_Outbox]:
        touched: Dict[RunKey, _Outbox] = {}
        while self._pending:
            event_type, event, run, points = self._pending[0]
            value = event if isinstance(event, bytes) else self._encoder.encode(event_type, event)
            try:
                box = self._outbox(run)
                record = box.spool.append(value, keep_in_memory=len(box.waiting) < KEEP_IN_MEMORY)
            except (SpoolFullError, OSError) as err:
                if not isinstance(err, SpoolFullError):
                    err = SpoolFullError(f"the runlens spool under {self.spool_root} cannot be written ({err}); the points of this call were NOT logged (RUNLENS_SPOOL_DIR chooses another place)")
                self._pending[0] = (event_type, value, run, points)  # encoded once, kept in order
                if self._full is None:
                    print(f"runlens: {err}", file=sys.stderr)
                self._full = err
                self._spool_reserved(touched)
                break
            self._full = None
            self._pending.popleft()
            if event_type != "MetricBatch":
                box.barriers.add(record.number)
            box.waiting.append(record)
            touched[run] = box
            if points:
                with self._lock:
                    self._buffered -= points
        return list(touched.values())

    def _spool_reserved(self, touched: Dict[RunKey, _Outbox]) -> None:
        """The spool is full: a run's start or end still waiting is written anyway, within the
        reserve (ahead of that run's points that wait in memory for room)."""
        with self._lock:  # callers append to _pending under the lock
            if not any(t in RESERVED for t, _, _, _ in self._pending):
                return
            kept: Deque[Tuple[str, Any, RunKey, int]] = deque()
            for item in self._pending:
                event_type, event, run, points = item
                if event_type in RESERVED:
                    value = event if isinstance(event, bytes) else self._encoder.encode(event_type, event)
                    try:
                        box = self._outbox(run)
                        record = box.spool.append(value, keep_in_memory=len(box.waiting) < KEEP_IN_MEMORY, reserve=RESERVE_BYTES)
                    except (SpoolFullError, OSError):
                        kept.append(item)
                        continue
                    box.barriers.add(record.number)
                    box.waiting.append(record)
                    touched[run] = box
                else:
                    kept.append(item)
            self._pending = kept

    def _outbox(self, run: RunKey) -> _Outbox:
        box = self._outboxes.get(run)
        if box is None:
            spool = RunSpool(self.spool_root, run[0], run[1], self.producer_id, self.topic, self.brokers, self._budget, gateway=self.gateway_url)
            box = self._outboxes[run] = _Outbox(spool)
        return box

    def _produce_ready(self) -> None:
        now = time.monotonic()
        for run, box in list(self._outboxes.items()):
            if box.failed:
                if box.inflight > 0 or now < box.retry_at:
                    continue  # later messages wait behind the failed ones, to keep the run's order
                box.waiting.extendleft(sorted(box.failed, key=lambda r: r.number, reverse=True))
                box.failed = []
            key = run[1].encode("utf-8")
            while box.waiting and self._inflight < MAX_INFLIGHT:
                record = box.waiting[0]
                barrier = record.number in box.barriers
                if not self._delivery.in_order and (box.barrier_inflight or (barrier and box.inflight > 0)):
                    break  # overlapping requests: only MetricBatches overlap
                if not self._delivery.send(key, record.read(), self._callback(box, record)):
                    break  # the delivery holds all it takes for now
                box.waiting.popleft()
                record.value = None
                box.inflight += 1
                self._inflight += 1
                box.barrier_inflight = box.barrier_inflight or barrier

    def _callback(self, box: _Outbox, record: Record) -> Any:
        def delivered(failure: Optional[Failure]) -> None:
            box.inflight -= 1
            self._inflight -= 1
            if record.number in box.barriers:
                box.barrier_inflight = False
            if failure is None or not failure.retriable:
                box.barriers.discard(record.number)
                if failure is not None:
                    kept = f" (it stays in the spool {box.spool.dir} for `runlens sync`)" if failure.keep else ""
                    self._error(failure.message + kept)
                if box.warned and failure is None and box.attempt:
                    print(f"runlens: {self.target} acknowledges again; sending the spool of run {box.spool.run_id}", file=sys.stderr)
                    box.warned = False
                box.attempt = 0
                if failure is None or not failure.keep:
                    box.spool.acked(record)
                run = (box.spool.project, box.spool.run_id)
                with self._lock:
                    self._outstanding[run] -= 1
                return
            if not box.failed:  # the first failure of this round sets the wait before the next
                box.retry_at = time.monotonic() + RETRY_S[min(box.attempt, len(RETRY_S) - 1)]
                box.attempt += 1
            box.failed.append(record)
            if not box.warned:
                box.warned = True
                print(f"runlens: {self.target} did not acknowledge ({failure.message}); the run's events wait in {box.spool.dir} and are re-sent in order", file=sys.stderr)

        return delivered

    def _error(self, message: str) -> None:
        self._error_count += 1
        if len(self._errors) < MAX_ERRORS:
            self._errors.append(message)


KafkaSender = Sender  # the name before the gateway delivery
