"""The HTTP gateway as a delivery (delivery.py), for jobs that cannot reach Kafka: each message is
one ``POST /v1/ingest/events`` with ``Content-Type: application/avro`` (one event in Avro
single-object encoding: the spooled bytes as they are) and ``Authorization: Bearer <token>``
(scope ``ingest``). Standard library only: http.client, keep-alive connections.

202 means Kafka acknowledged the event. 5xx (503: Kafka down behind the gateway), 408, 429,
connection errors and timeouts are retriable; other answers are permanent refusals, with the
server's error message: 401 and 403 (the token) keep the message in the spool for ``runlens
sync``, 400 and 413 (the message itself) do not. ``GatewayDelivery`` posts on a small pool of
threads, one connection each, so requests of one run may overlap (``in_order`` is False): the
sender lets only MetricBatches overlap.
"""
from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
from typing import Callable, List, Optional, Tuple
from urllib.parse import urlsplit

from .delivery import Done, Failure

__all__ = ["GatewayConnection", "GatewayDelivery", "CONNECTIONS"]

CONNECTIONS = 4  # concurrent requests of one process
PATH = "/v1/ingest/events"
RETRIABLE = (408, 429)


class GatewayConnection:
    """One keep-alive connection to the gateway; ``post(value)`` answers None or a Failure."""

    def __init__(self, url: str, token: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"gateway URL {url!r}: expected http(s)://host[:port]")
        self.url = url
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = parts.path.rstrip("/") + PATH
        self._headers = {"Content-Type": "application/avro", "Authorization": f"Bearer {token}", "User-Agent": "runlens-python"}
        self._timeout_s = timeout_s
        self._conn: Optional[http.client.HTTPConnection] = None

    def post(self, value: bytes) -> Optional[Failure]:
        for attempt in (0, 1):
            reused = self._conn is not None
            if self._conn is None:
                cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
                self._conn = cls(self._host, self._port, timeout=self._timeout_s)
            try:
                self._conn.request("POST", self._path, body=value, headers=self._headers)
                resp = self._conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as err:
                self.close()
                if reused and attempt == 0 and not isinstance(err, socket.timeout):
                    continue  # the server closed an idle keep-alive connection: once more on a new one
                return Failure(f"{type(err).__name__}: {err}" if str(err) else type(err).__name__, True)
            if resp.will_close:
                self.close()
            if 200 <= resp.status < 300:
                return None
            status = resp.status
            return Failure(f"HTTP {status}: {_error_text(body)}", status >= 500 or status in RETRIABLE, keep=status in (401, 403))
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _error_text(body: bytes) -> str:
    try:
        error = json.loads(body)["error"]
        if isinstance(error, str):
            return error
    except (ValueError, KeyError, TypeError):
        pass
    return body[:300].decode("utf-8", "replace").strip() or "(no message)"


class GatewayDelivery:
    """``connections`` threads, each posting one message at a time on its own connection; their
    answers wait in a queue for ``poll()``, which runs the callbacks on the polling thread.
    ``wake`` is called on each answer, so that the polling thread need not wait for its cycle."""

    in_order = False

    def __init__(self, url: str, token: str, connections: int = CONNECTIONS, timeout_s: float = 30.0, wake: Callable[[], None] = lambda: None) -> None:
        self.url = url
        self._wake = wake
        self.target = f"the gateway at {url}"
        self._connections = [GatewayConnection(url, token, timeout_s) for _ in range(connections)]
        self._capacity = 2 * connections  # one posting and one waiting per connection
        self._held = 0  # sent and not yet answered through poll()
        self._jobs: "queue.Queue[Optional[Tuple[bytes, Done]]]" = queue.Queue()
        self._answers: "queue.Queue[Tuple[Done, Optional[Failure]]]" = queue.Queue()
        self._threads: List[threading.Thread] = []
        for i, conn in enumerate(self._connections):
            t = threading.Thread(target=self._work, args=(conn,), name=f"runlens-gateway-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def send(self, key: bytes, value: bytes, done: Done) -> bool:
        if self._held >= self._capacity:
            return False
        self._held += 1
        self._jobs.put((value, done))
        return True

    def poll(self, timeout_s: float = 0.0) -> None:
        try:
            answer = self._answers.get(timeout=timeout_s) if timeout_s > 0 and self._held else self._answers.get_nowait()
        except queue.Empty:
            return
        while True:
            self._held -= 1
            done, failure = answer
            done(failure)
            try:
                answer = self._answers.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        for t in self._threads:
            t.join(timeout=1)  # a request still hanging is in the spool too

    def _work(self, conn: GatewayConnection) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                conn.close()
                return
            value, done = job
            try:
                failure = conn.post(value)
            except Exception as err:  # never lose an answer: the sender waits for every one
                failure = Failure(f"{type(err).__name__}: {err}", True)
            self._answers.put((done, failure))
            self._wake()
