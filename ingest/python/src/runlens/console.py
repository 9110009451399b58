"""Console lines of a run (LogLines): what the script prints, captured on request, and lines it
logs itself (``run.log_lines``).

Capture (``run.capture_console()`` or ``runlens.init(..., capture_console=True)``) tees
``sys.stdout`` and ``sys.stderr``: everything still reaches the terminal, and each complete line
is numbered in its stream (from 0 per run, shared with ``run.log_lines``), stamped with the wall
time and given a level — ``info`` on stdout, ``warning`` on stderr, ``error`` for a Python
traceback (from its ``Traceback`` line through the exception's line) and for stderr lines that
start with ``ERROR`` or ``CRITICAL``. A write only appends to a buffer under a lock; a daemon
thread ships the lines as LogLines events every ``INTERVAL_S`` or once ``BATCH_LINES`` wait,
and stopping the capture (at the latest ``finish()``) ships the rest, a last unterminated line
included. A carriage return keeps only what follows it, as a terminal shows it (progress bars
leave their final state); a line longer than LINE_LENGTH characters is cut, with a mark.

Not captured: what bypasses ``sys.stdout``/``sys.stderr`` — writes to the file descriptors
(C extensions, subprocesses), and logging handlers made before the capture started (they hold
the original stream). Forked children (DataLoader workers) capture nothing: their writes only
reach the terminal. Only a flood of output (over MAX_PENDING_LINES lines waiting) makes a
write wait: that write ships the waiting lines itself. A shipment that fails (the sender refused
an earlier event) drops its lines with one warning; they are counted in ``dropped_lines``.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import traceback
import warnings
import weakref
from typing import Any, Callable, Dict, List, Mapping, Optional

from .artifacts import SPLIT_BYTES, as_list, utf8_length
from .validate import LINE_LENGTH, LINES_PER_EVENT, LOG_LEVELS, LOG_STREAMS, MAX_STEP, check_name, js_length, well_formed

INTERVAL_S = 0.5
BATCH_LINES = 500
# Lines waiting past which the writing thread ships them itself (a flood of output that the
# shipping thread cannot keep up with pays its own way, as log() does past its memory bound).
MAX_PENDING_LINES = 10_000
CUT_MARK = " … [line cut]"
DEFAULT_LEVEL = {"stdout": "info", "stderr": "warning"}
LINE_KEYS = ("text", "level", "at")

Line = Dict[str, Any]


def _now_ms() -> int:
    return int(time.time() * 1000)


def fit_line(text: str, cut: bool = False) -> str:
    """A captured line as an event may carry it: lone surrogates replaced, cut at LINE_LENGTH
    (UTF-16 units, as validate.ts counts) with CUT_MARK."""
    if not cut and len(text) <= LINE_LENGTH // 2 and text.isascii():
        return text
    if not well_formed(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    if cut or (len(text) > LINE_LENGTH // 2 and js_length(text) > LINE_LENGTH):
        keep = LINE_LENGTH - len(CUT_MARK)
        text = text[:keep]
        excess = js_length(text) - keep
        if excess > 0:
            text = text[:-excess]
        text += CUT_MARK
    return text


def line_chunks(lines: List[Line]) -> List[List[Line]]:
    """Lines in events of at most LINES_PER_EVENT lines and about SPLIT_BYTES."""
    chunks: List[List[Line]] = []
    size = 0
    for line in lines:
        n = utf8_length(line["text"]) + 24
        if not chunks or len(chunks[-1]) >= LINES_PER_EVENT or size + n > SPLIT_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += n
    return chunks


def explicit_lines(lines: Any, stream: str) -> List[Line]:
    """run.log_lines' argument checked: strings, or dicts {text, level?, at?} (at: epoch ms);
    the lines without their numbers."""
    if stream not in LOG_STREAMS:
        raise ValueError(f"stream {stream!r}: use one of {', '.join(LOG_STREAMS)}")
    out: List[Line] = []
    now = _now_ms()
    for i, item in enumerate(as_list("lines", lines)):
        level, at = DEFAULT_LEVEL[stream], now
        if isinstance(item, str):
            text = item
        elif isinstance(item, Mapping):
            unknown = [k for k in item if k not in LINE_KEYS]
            if unknown:
                raise TypeError(f"line {i}: unknown key(s) {', '.join(repr(k) for k in unknown)}; a line has {', '.join(LINE_KEYS)}")
            if "text" not in item:
                raise ValueError(f"line {i} has no text")
            text = item["text"]
            level = item.get("level") or level
            at = item.get("at", at)
            if level not in LOG_LEVELS:
                raise ValueError(f"line {i}: level {level!r}: use one of {', '.join(LOG_LEVELS)}")
            if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at <= MAX_STEP:
                raise ValueError(f"line {i}: at {at!r} is not a time in epoch milliseconds")
        else:
            raise TypeError(f"line {i} is a {type(item).__name__}: a line is a string, or a dict with text (and level, at)")
        if not isinstance(text, str):
            raise TypeError(f"line {i}: text is a {type(text).__name__}, not a string")
        check_name(f"line {i}", text, LINE_LENGTH, empty_ok=True)
        out.append({"at": at, "level": level, "text": text})
    return out


class _Stream:
    __slots__ = ("name", "partial", "dropped", "in_traceback", "pending")

    def __init__(self, name: str) -> None:
        self.name = name
        self.partial = ""
        self.dropped = 0  # characters of the unterminated line beyond LINE_LENGTH
        self.in_traceback = False
        self.pending: List[Line] = []


class _Tee:
    """Stands in for sys.stdout or sys.stderr: writes go to the original stream first (its
    errors are the caller's, as before), then to the capture. Everything else is the original's."""

    def __init__(self, console: "Console", stream: _Stream, original: Any) -> None:
        self._console = console
        self._stream = stream
        self.original = original
        self.active = True

    def write(self, text: Any) -> Any:
        n = self.original.write(text)
        if self.active and isinstance(text, str):
            try:
                self._console._take(self._stream, text)
            except Exception:  # the capture never breaks the script's output
                pass
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> Any:
        return self.original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


_consoles: "weakref.WeakSet[Console]" = weakref.WeakSet()


def _after_fork() -> None:
    for console in list(_consoles):
        console._forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


class Console:
    """One run's capture of sys.stdout and sys.stderr. ``next_seq(stream)`` gives a line its
    number; ``ship(stream, lines)`` sends one LogLines event (raising when it cannot)."""

    def __init__(self, next_seq: Callable[[str], int], ship: Callable[[str, List[Line]], None], interval_s: float = INTERVAL_S, batch_lines: int = BATCH_LINES) -> None:
        self._next_seq = next_seq
        self._ship = ship
        self.interval_s = interval_s
        self.batch_lines = batch_lines
        #: Lines shipped, and lines dropped (a failed shipment).
        self.shipped_lines = 0
        self.dropped_lines = 0
        self._lock = threading.RLock()  # an RLock: a signal handler may print in the middle of a write
        self._streams = {name: _Stream(name) for name in LOG_STREAMS}
        self._pending = 0
        self._tees: Dict[str, _Tee] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._stopped = False
        self._forked = False
        self._warned = False
        self._recorded: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._loop, name="runlens-console", daemon=True)

    def start(self) -> "Console":
        for name in LOG_STREAMS:
            original = getattr(sys, name)
            if original is not None:
                tee = self._tees[name] = _Tee(self, self._streams[name], original)
                setattr(sys, name, tee)
        _consoles.add(self)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Puts the streams back, ends the unterminated lines, and ships every line left."""
        if self._stopped:
            return
        self._stopped = True
        for name, tee in self._tees.items():
            tee.active = False
            if getattr(sys, name) is tee:
                setattr(sys, name, tee.original)
            # else something wrapped the tee since: it stays in that chain, passing writes through
        now = _now_ms()
        with self._lock:
            for stream in self._streams.values():
                if stream.partial or stream.dropped:
                    self._complete(stream, now)
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
        self._ship_pending()

    def record_exception(self, exc: BaseException) -> None:
        """The traceback of an exception that ended the run, as stderr lines (once per exception)."""
        if self._stopped or exc is self._recorded:
            return
        self._recorded = exc
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        stream = self._streams["stderr"]
        with self._lock:
            if stream.partial:
                self._complete(stream, _now_ms())
        self._take(stream, text)

    # -- the writing threads ---------------------------------------------------------------------

    def _take(self, stream: _Stream, text: str) -> None:
        if self._forked or self._stopped:
            return
        with self._lock:
            if "\n" not in text:  # print() writes its text, then "\n" on its own
                self._append(stream, text)
                return
            now = _now_ms()
            for i, part in enumerate(text.split("\n")):
                if i:
                    self._complete(stream, now)
                if part:
                    self._append(stream, part)
            pending = self._pending
        if pending >= MAX_PENDING_LINES:
            self._ship_pending()  # outside the lock: other writers go on meanwhile
        elif pending >= self.batch_lines and not self._wake.is_set():
            self._wake.set()

    @staticmethod
    def _append(stream: _Stream, part: str) -> None:
        """Text of the unterminated line: after a carriage return only what follows it, and no
        more than LINE_LENGTH characters (the rest is counted, to mark the cut)."""
        p = stream.partial + part
        if "\r" in part:
            j = p.rfind("\r", 0, len(p) - 1)  # a trailing one may be half of "\r\n"
            if j >= 0:
                p = p[j + 1 :]
                stream.dropped = 0
        if len(p) > LINE_LENGTH:
            stream.dropped += len(p) - LINE_LENGTH
            p = p[:LINE_LENGTH]
        stream.partial = p

    def _complete(self, stream: _Stream, now: int) -> None:
        text = stream.partial
        cut = stream.dropped > 0
        stream.partial, stream.dropped = "", 0
        if text.endswith("\r"):
            text = text[:-1]
        j = text.rfind("\r")
        if j >= 0:
            text, cut = text[j + 1 :], False
        text = fit_line(text, cut)
        stream.pending.append({"seq": self._next_seq(stream.name), "at": now, "level": self._level(stream, text), "text": text})
        self._pending += 1

    @staticmethod
    def _level(stream: _Stream, text: str) -> str:
        if stream.name == "stdout":
            return "info"
        if text.startswith("Traceback"):
            stream.in_traceback = True
            return "error"
        if stream.in_traceback:
            if text[:1] not in (" ", "\t"):
                stream.in_traceback = False  # the exception's own line ends the traceback
            return "error"
        return "error" if text.startswith(("ERROR", "CRITICAL")) else "warning"

    # -- the shipping thread ---------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            self._ship_pending()

    def _ship_pending(self) -> None:
        with self._lock:
            batches = [(s.name, s.pending) for s in self._streams.values() if s.pending]
            for s in self._streams.values():
                s.pending = []
            self._pending = 0
        for name, lines in batches:
            for chunk in line_chunks(lines):
                try:
                    self._ship(name, chunk)
                except Exception as err:
                    with self._lock:  # a flood ships from the writing thread too
                        self.dropped_lines += len(chunk)
                        warn, self._warned = not self._warned, True
                    if warn:
                        warnings.warn(f"runlens: console lines could not be sent and were dropped ({err}); the capture's dropped_lines counts them", RuntimeWarning)
                else:
                    with self._lock:
                        self.shipped_lines += len(chunk)
