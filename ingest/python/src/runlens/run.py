"""A run as a training script holds it: log metrics, set params after start (``run.config``),
log artifacts, finish. Also owns the run's background clocks (heartbeat, system metrics) and
stops them at finish().

Hot path: ``log()`` checks each point (a key is checked once, then remembered) and hands the
call's points to the sender's buffer; it never waits for Kafka unless the sender's memory
ceiling is reached. It must never block on anything else.

In distributed training one run has several processes (ranks): only the primary one (rank 0 by
default) sends RunStarted, params after start and RunFinished; every rank sends its points
(with its workerRank) and heartbeats.

Artifacts to compare across runs: small tables (a confusion matrix, PR and ROC curves, per-class
metrics, any table: TableLogged), generated samples per input id (SamplesLogged) and console
lines (LogLines, console.py). Their arguments are checked before anything is sent (artifacts.py).
"""
from __future__ import annotations

import atexit
import itertools
import sys
import threading
import time
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from . import artifacts as _artifacts
from . import heartbeat as _heartbeat
from . import system_metrics as _system
from .config import RunConfig, params_event
from .console import Console, Line, explicit_lines, line_chunks
from .periodic import Periodic
from .validate import MAX_STEP, check_key, check_lines_event, check_map, check_samples_event, check_step, check_table_event, check_text, check_value

ARTIFACT_KINDS = ("checkpoint", "confusion_matrix", "curve", "sample", "log", "image", "other")
STATUSES = ("finished", "failed", "killed")
ON_INVALID = ("raise", "warn")
# At interpreter exit, finishing the runs left open and the senders' last flush share this budget.
EXIT_BUDGET_S = 30.0
# Keys checked once are remembered, up to this many per run (a script that makes a new key per
# step keeps paying the check instead of growing this set without bound).
_KNOWN_KEYS_LIMIT = 10_000


class InvalidPointWarning(UserWarning):
    """A point log() dropped under ``on_invalid="warn"`` (one warning per key and run)."""


def _now_ms() -> int:
    return int(time.time() * 1000)


class Run:
    """Created by ``runlens.init``. Also a context manager: leaving the block finishes the run
    (status ``failed`` when an exception leaves it, ``killed`` on KeyboardInterrupt). A run still
    open when the interpreter exits is finished then (``failed`` after an uncaught exception);
    a process that dies (kill -9, os._exit) sends no RunFinished: its heartbeats stop, and the
    server shows the run as crashed after its silence."""

    def __init__(
        self,
        sender: Any,
        project: str,
        run_id: str,
        started_at_ms: int,
        worker_rank: Optional[int],
        owns_sender: bool,
        *,
        primary: bool = True,
        on_invalid: str = "raise",
        config: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """``config``: the run's config already flattened (params.flatten), as init() has it."""
        if on_invalid not in ON_INVALID:
            raise ValueError(f"on_invalid {on_invalid!r}: use one of {', '.join(ON_INVALID)}")
        self.project = project
        self.id = run_id
        self.started_at_ms = started_at_ms
        self.worker_rank = worker_rank
        self.primary = primary
        self.on_invalid = on_invalid
        #: Points log() dropped under on_invalid="warn".
        self.dropped_points = 0
        self._sender = sender
        self._owns_sender = owns_sender
        self._buffer = sender.buffer(project, run_id, worker_rank)
        self._step = 0
        self._finished = False
        self._known_keys: Set[str] = set()
        self._known_segments: Set[str] = set()
        self._warned: Set[str] = set()
        self._started_monotonic = time.monotonic()
        self._clocks: List[Periodic] = []
        self._clock_errors: List[str] = []
        self.config = RunConfig(config, self._send_params if primary else None)
        # Console lines: the numbers per stream, shared by run.log_lines and the capture (a
        # count's next() is atomic: no lock on the path of every captured line).
        self._line_seq = {"stdout": itertools.count(), "stderr": itertools.count()}
        self._line_lock = threading.Lock()
        self._console: Optional[Console] = None
        self._console_holders = 0
        _track(self)

    # -- logging -------------------------------------------------------------------------------

    def log(self, metrics: Mapping[str, Any], step: Optional[int] = None, segment: Optional[str] = None) -> None:
        """Buffers one value per metric at ``step`` (default: one more than the last logged step)
        and returns at once. Raises ValueError naming the metric for NaN, infinite or non-numeric
        values, negative steps or bad keys; nothing of a refused call is buffered. With
        ``on_invalid="warn"`` the bad points are dropped instead (one warning per key) and the
        rest is logged."""
        if self._finished:
            raise RuntimeError(f"run {self.id} is finished; start another with runlens.init")
        if step is None:
            step = self._step
        elif type(step) is not int or step < 0 or step > MAX_STEP:
            try:
                check_step(step)
            except ValueError as err:
                if self.on_invalid == "raise":
                    raise
                self._drop("step", err, len(metrics))
                return
        if segment is not None and segment not in self._known_segments:
            try:
                self._known_segments.add(check_key("segment", segment))
            except ValueError as err:
                if self.on_invalid == "raise":
                    raise
                self._drop(f"segment {segment!r}", err, len(metrics))
                return
        known = self._known_keys
        points: List[Tuple[str, float]] = []
        append = points.append
        try:
            for k, v in metrics.items():
                if k not in known:
                    check_key("metric key", k)
                    if len(known) < _KNOWN_KEYS_LIMIT:
                        known.add(k)
                # v - v is 0.0 for a finite float and NaN for NaN and ±inf.
                if type(v) is not float or v - v != 0.0:
                    v = check_value(k, v)
                append((k, v))
        except ValueError:
            if self.on_invalid == "raise":
                raise
            points = self._valid_points(metrics)
        self._sender.add(self._buffer, segment, step, _now_ms(), points)
        self._step = step + 1

    def _valid_points(self, metrics: Mapping[str, Any]) -> List[Tuple[str, float]]:
        """The call's good points, one by one, warning about (and counting) the bad ones."""
        points: List[Tuple[str, float]] = []
        for k, v in metrics.items():
            try:
                points.append((check_key("metric key", k), check_value(k, v)))
            except ValueError as err:
                self._drop(k if isinstance(k, str) else repr(k), err, 1, stacklevel=4)
        return points

    def _drop(self, what: str, err: ValueError, n: int, stacklevel: int = 3) -> None:
        self.dropped_points += n
        if what not in self._warned:
            self._warned.add(what)
            warnings.warn(f"runlens: run {self.id}: dropped {what}: {err} (warned once per key; run.dropped_points counts them all)", InvalidPointWarning, stacklevel=stacklevel)

    # -- params after start --------------------------------------------------------------------

    def _send_params(self, params: Dict[str, Any], step: Optional[int]) -> None:
        if self._finished:
            raise RuntimeError(f"run {self.id} is finished; its params can no longer change")
        self._sender.emit("ParamsLogged", params_event(self.project, self.id, params, step))

    # -- artifacts -----------------------------------------------------------------------------

    def log_artifact(
        self,
        name: str,
        kind: str = "other",
        uri: str = "",
        digest: str = "",
        size_bytes: int = 0,
        step: Optional[int] = None,
        metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Records an artifact by reference (runlens stores no files): its uri, digest and size."""
        if kind not in ARTIFACT_KINDS:
            raise ValueError(f"artifact kind {kind!r}: use one of {', '.join(ARTIFACT_KINDS)}")
        meta = check_map("artifact metadata", dict(metadata or {}), lambda k, v: check_text(f"metadata {k}", str(v)))
        event = {
            "project": self.project,
            "runId": self.id,
            "name": check_key("artifact name", name),
            "kind": kind,
            "uri": check_text("uri", uri),
            "digest": check_text("digest", digest),
            "sizeBytes": int(size_bytes),
            "step": None if step is None else check_step(step),
            "loggedAt": _now_ms(),
            "metadata": meta,
        }
        self._sender.emit("ArtifactLogged", event)

    # -- tables and samples, to compare across runs -----------------------------------------------

    def log_confusion_matrix(self, name: str, labels: Sequence[Any], counts: Any, step: Optional[int] = None) -> None:
        """A confusion matrix: ``counts[actual][predicted]`` over the classes in ``labels`` (a
        list of rows, or a 2-D numpy array; non-negative). POST /v1/artifacts/confusion compares
        runs' matrices: per-class precision, recall and F1, and which changes are beyond noise."""
        self._log_table(_artifacts.confusion_matrix(name, labels, counts), step)

    def log_pr_curve(self, name: str, precision: Any, recall: Any, thresholds: Any, step: Optional[int] = None) -> None:
        """A precision-recall curve, one point per threshold — or as scikit-learn's
        ``precision_recall_curve`` returns it (one threshold fewer; its closing point, precision
        1 at recall 0, is left out). POST /v1/artifacts/curves gives each run's average precision."""
        self._log_table(_artifacts.pr_curve(name, precision, recall, thresholds), step)

    def log_roc_curve(self, name: str, fpr: Any, tpr: Any, thresholds: Any, step: Optional[int] = None) -> None:
        """A ROC curve, one point per threshold; scikit-learn's ``roc_curve`` output as it is
        (its opening point (0, 0) at an infinite threshold is left out). POST
        /v1/artifacts/curves gives each run's AUC."""
        self._log_table(_artifacts.roc_curve(name, fpr, tpr, thresholds), step)

    def log_per_class(self, name: str, labels: Sequence[Any], columns: Sequence[Any], values: Any, step: Optional[int] = None) -> None:
        """Per-class metrics: ``values[class][metric]``, one row per label, one value per column."""
        self._log_table(_artifacts.per_class(name, labels, columns, values), step)

    def log_table(self, name: str, columns: Sequence[Any], rows: Any, step: Optional[int] = None) -> None:
        """A small table: column names, and rows of numbers, strings, booleans or None (up to
        100,000 cells, each at most 1,000 characters as JSON)."""
        self._log_table(_artifacts.table(name, columns, rows), step)

    def log_samples(self, name: str, samples: Any, step: Optional[int] = None) -> None:
        """Generated outputs to compare side by side per input: a list of dicts ``{"input_id":
        ..., "text": ..., "uri": ..., "digest": ..., "scores": {name: number}}`` with text or
        uri (runlens stores no media: an uri and its digest). Any number of samples: they are
        sent in events of up to 1,000. POST /v1/artifacts/samples reads them back."""
        self._check_open()
        at = None if step is None else check_step(step)
        for chunk in _artifacts.samples(name, samples):
            event = {"project": self.project, "runId": self.id, "name": name, "step": at, "loggedAt": _now_ms(), "samples": chunk}
            check_samples_event(event)
            self._sender.emit("SamplesLogged", event)

    def _log_table(self, table: Dict[str, Any], step: Optional[int]) -> None:
        self._check_open()
        event = {"project": self.project, "runId": self.id, "step": None if step is None else check_step(step), "loggedAt": _now_ms(), **table}
        check_table_event(event)
        self._sender.emit("TableLogged", event)

    def _check_open(self) -> None:
        if self._finished:
            raise RuntimeError(f"run {self.id} is finished; start another with runlens.init")

    # -- console lines ---------------------------------------------------------------------------

    def log_lines(self, lines: Any, stream: str = "stdout") -> None:
        """Console lines the script chooses to record: strings, or dicts ``{"text": ...,
        "level": "debug" | "info" | "warning" | "error", "at": epoch ms}`` (default level info
        on stdout, warning on stderr). Numbered after the stream's earlier lines (captured ones
        included). GET /v1/runs/:id/logs reads them back."""
        self._check_open()
        checked = explicit_lines(lines, stream)
        if not checked:
            return
        numbers = self._line_seq[stream]
        for line in checked:
            line["seq"] = next(numbers)  # increasing; consecutive unless captured lines come between
        for chunk in line_chunks(checked):
            self._ship_lines(stream, chunk)

    def capture_console(self) -> "ConsoleCapture":
        """Tees sys.stdout and sys.stderr into the run's console lines (console.py) until the
        returned capture stops: at the end of its ``with`` block, at ``stop()``, or at the
        latest when the run finishes. The output still reaches the terminal. Calls while a
        capture is on share it: it stops when the last one does."""
        self._check_open()
        with self._line_lock:
            if self._console is None:
                self._console = Console(self._next_line_seq, self._ship_lines).start()
            self._console_holders += 1
            return ConsoleCapture(self, self._console)

    def _release_console(self, console: Console) -> None:
        with self._line_lock:
            if self._console is not console:
                return  # stopped already (the run finished)
            self._console_holders -= 1
            if self._console_holders > 0:
                return
            self._console = None
        console.stop()

    def _stop_console(self, exc: Optional[BaseException] = None) -> None:
        with self._line_lock:
            console, self._console, self._console_holders = self._console, None, 0
        if console is not None:
            try:
                if exc is not None:
                    console.record_exception(exc)
                console.stop()
            except Exception as err:  # the run's end matters more than its last lines
                warnings.warn(f"runlens: run {self.id}: console capture did not stop cleanly: {err}", RuntimeWarning)

    def _next_line_seq(self, stream: str) -> int:
        return next(self._line_seq[stream])

    def _ship_lines(self, stream: str, lines: List[Line]) -> None:
        event = {"project": self.project, "runId": self.id, "workerRank": self.worker_rank, "stream": stream, "lines": lines}
        check_lines_event(event)
        self._sender.emit("LogLines", event)

    # -- background clocks ---------------------------------------------------------------------

    def _start_clocks(self, heartbeat_s: Optional[float], system: Optional[Tuple[List[Any], float]]) -> None:
        """Starts the heartbeat (every heartbeat_s; None: none) and the system metrics sampler
        (samplers, interval_s; None: none). Called by init() once the run is announced."""
        if heartbeat_s is not None:
            self._clocks.append(_heartbeat.start(self._sender, self.project, self.id, self.worker_rank, heartbeat_s, self._clock_failed("heartbeat")))
        if system is not None:
            samplers, interval_s = system
            self._clocks.append(_system.start(self._log_system, self._started_monotonic, interval_s, samplers, self._clock_failed("system metrics")))

    def _log_system(self, values: Dict[str, float], step: int) -> None:
        if self._finished:
            return
        segment = None if self.worker_rank is None else f"rank={self.worker_rank}"
        points = [(k, v) for k, v in values.items() if v - v == 0.0]
        self._sender.add(self._buffer, segment, step, _now_ms(), points)

    def _clock_failed(self, what: str) -> Any:
        def failed(err: BaseException) -> None:
            # A send failure also reaches the training loop through the sender (SendError at the
            # next log()); this says which clock saw it, once.
            if what not in self._clock_errors:
                self._clock_errors.append(what)
                warnings.warn(f"runlens: run {self.id}: {what} failed: {err}", RuntimeWarning)

        return failed

    def _stop_clocks(self) -> None:
        for clock in self._clocks:
            clock.stop()
        self._clocks = []

    # -- the end -------------------------------------------------------------------------------

    def finish(self, status: str = "finished", summary: Optional[Mapping[str, float]] = None, timeout_s: float = 60.0) -> None:
        """Sends every point of the run, then its end; returns once Kafka acknowledged all of it,
        else raises SendError after ``timeout_s`` (the rest stays in the spool). On a rank that
        is not the run's primary, only sends its points (the summary is ignored: the primary
        rank ends the run).

        An earlier send error (SendError, SpoolFullError) does not cost the run its end: the
        RunFinished is queued first (a full spool keeps a small reserve for it), the run is
        flushed, and then the error is raised. A second finish() does nothing."""
        if self._finished:
            return
        if status not in STATUSES:
            raise ValueError(f"status {status!r}: use one of {', '.join(STATUSES)}")
        values = check_map("summary", dict(summary or {}), check_value)
        self._stop_console()  # its last lines go before the run's end
        self._stop_clocks()
        ended = _now_ms()
        self._finished = True
        _untrack(self)
        # The points first, then the end, both queued before any wait (and before any earlier
        # error is raised): when Kafka stays away past the timeout, SendError says where they
        # wait, and `runlens sync` sends the end too (the run is finished, not crashed).
        try:
            self._sender.hand_over(self.project, self.id)
            if self.primary:
                end = {"project": self.project, "runId": self.id, "status": status, "endedAt": ended, "durationMs": max(0, ended - self.started_at_ms), "summary": values}
                self._sender.emit("RunFinished", end, check_errors=False)
            self._sender.flush_run(self.project, self.id, timeout_s)
        finally:
            self._sender.forget(self._buffer)
            if self._owns_sender:
                self._sender.close(timeout_s)

    @property
    def finished(self) -> bool:
        return self._finished

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.finish(status="finished")
        else:
            if _traceback_worthy(exc) and not self._finished:
                self._stop_console(exc)  # a captured console records why the run failed
            self.finish(status="killed" if issubclass(exc_type, KeyboardInterrupt) else "failed")


class ConsoleCapture:
    """What ``run.capture_console()`` returns: a context manager; ``stop()`` ends it early.
    ``shipped_lines`` and ``dropped_lines`` count the run's captured lines."""

    def __init__(self, run: Run, console: Console) -> None:
        self._run = run
        self._console = console
        self._open = True

    def stop(self) -> None:
        """Stops capturing (once every capture of the run stopped) and ships the lines left."""
        if self._open:
            self._open = False
            self._run._release_console(self._console)

    @property
    def shipped_lines(self) -> int:
        return self._console.shipped_lines

    @property
    def dropped_lines(self) -> int:
        return self._console.dropped_lines

    def __enter__(self) -> "ConsoleCapture":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if _traceback_worthy(exc) and self._open:
            try:
                self._console.record_exception(exc)  # why the block ended, in the run's stderr lines
            except Exception:
                pass
        self.stop()


def _traceback_worthy(exc: Any) -> bool:
    """An exception Python would print a traceback for (not SystemExit or GeneratorExit)."""
    return isinstance(exc, (Exception, KeyboardInterrupt))


# -- runs still open at exit -------------------------------------------------------------------

_open: Dict[int, Run] = {}
_open_lock = threading.Lock()
_at_exit_registered = False


def _track(run: Run) -> None:
    global _at_exit_registered
    with _open_lock:
        _open[id(run)] = run
        if not _at_exit_registered:
            # Registered after the package's sender close-all (at import), so it runs first:
            # runs end, then the senders flush.
            atexit.register(_finish_open_runs)
            _at_exit_registered = True


def _untrack(run: Run) -> None:
    with _open_lock:
        _open.pop(id(run), None)


_exit_deadline: Optional[float] = None


def exit_time_left() -> float:
    """Seconds left of the exit budget (EXIT_BUDGET_S, counted from the first call at exit)."""
    global _exit_deadline
    if _exit_deadline is None:
        _exit_deadline = time.monotonic() + EXIT_BUDGET_S
    return max(0.0, _exit_deadline - time.monotonic())


def _finish_open_runs() -> None:
    """At interpreter exit: finishes the runs the script left open, ``failed`` when an uncaught
    exception ended it (``killed`` for KeyboardInterrupt). These finishes and the senders' last
    flush (runlens._close_all, after this) share one budget of EXIT_BUDGET_S seconds."""
    global _exit_deadline
    _exit_deadline = time.monotonic() + EXIT_BUDGET_S
    last = getattr(sys, "last_type", None)
    status = "finished" if last is None else ("killed" if issubclass(last, KeyboardInterrupt) else "failed")
    with _open_lock:
        runs = list(_open.values())
    for run in runs:
        try:
            run.finish(status=status, timeout_s=exit_time_left())
        except Exception as err:  # at exit there is nobody left to raise to
            print(f"runlens: run {run.id} could not be finished at exit: {err}", file=sys.stderr)
