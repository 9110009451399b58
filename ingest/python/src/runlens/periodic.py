"""A daemon thread that calls one function every few seconds until stopped: the clock of a
run's heartbeat and of its system metrics. It never raises into the training loop: a failing
call is reported to ``on_error`` (which remembers it) and the ticking goes on."""
from __future__ import annotations

import threading
from typing import Callable, Optional


class Periodic:
    def __init__(self, name: str, interval_s: float, fn: Callable[[], None], on_error: Optional[Callable[[BaseException], None]] = None) -> None:
        if not interval_s > 0:
            raise ValueError(f"{name}: interval {interval_s!r} s must be positive")
        self.interval_s = float(interval_s)
        self._fn = fn
        self._on_error = on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> "Periodic":
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stops the ticking; a call under way finishes first (up to timeout_s)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self._fn()
            except BaseException as err:  # a daemon thread has nobody to raise to
                if self._on_error is not None:
                    self._on_error(err)
