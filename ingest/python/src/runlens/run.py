"""A run as a training script holds it: log metrics, log artifacts, finish."""
from __future__ import annotations

import time
from typing import Any, Dict, Mapping, Optional

from .sender import KafkaSender
from .validate import check_key, check_name, check_step, check_value

ARTIFACT_KINDS = ("checkpoint", "confusion_matrix", "curve", "sample", "log", "image", "other")
STATUSES = ("finished", "failed", "killed")


def _now_ms() -> int:
    return int(time.time() * 1000)


class Run:
    """Created by ``runlens.init``. Also a context manager: leaving the block finishes the run
    (status ``failed`` when an exception leaves it)."""

    def __init__(self, sender: KafkaSender, project: str, run_id: str, started_at_ms: int, worker_rank: Optional[int], owns_sender: bool) -> None:
        self.project = project
        self.id = run_id
        self.started_at_ms = started_at_ms
        self.worker_rank = worker_rank
        self._sender = sender
        self._owns_sender = owns_sender
        self._buffer = sender.buffer(project, run_id, worker_rank)
        self._step = 0
        self._finished = False

    def log(self, metrics: Mapping[str, Any], step: Optional[int] = None, segment: Optional[str] = None) -> None:
        """Buffers one value per metric at ``step`` (default: one more than the last logged step)
        and returns at once. Raises ValueError naming the metric for NaN, infinite or non-numeric
        values, negative steps or bad keys; nothing of a refused call is buffered."""
        if self._finished:
            raise RuntimeError(f"run {self.id} is finished; start another with runlens.init")
        if step is None:
            step = self._step
        check_step(step)
        if segment is not None:
            check_key("segment", segment)
        points = [(check_key("metric key", k), check_value(k, v)) for k, v in metrics.items()]
        self._sender.add(self._buffer, segment, step, _now_ms(), points)
        self._step = step + 1

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
        meta = {check_name("metadata key", k): check_name(f"metadata {k}", str(v), 4096, empty_ok=True) for k, v in (metadata or {}).items()}
        event = {
            "project": self.project,
            "runId": self.id,
            "name": check_name("artifact name", name),
            "kind": kind,
            "uri": check_name("uri", uri, 4096, empty_ok=True),
            "digest": check_name("digest", digest, 4096, empty_ok=True),
            "sizeBytes": int(size_bytes),
            "step": None if step is None else check_step(step),
            "loggedAt": _now_ms(),
            "metadata": meta,
        }
        self._sender.emit("ArtifactLogged", event)

    def finish(self, status: str = "finished", summary: Optional[Mapping[str, float]] = None) -> None:
        """Sends every point of the run, then its end; returns once Kafka acknowledged all of it."""
        if self._finished:
            return
        if status not in STATUSES:
            raise ValueError(f"status {status!r}: use one of {', '.join(STATUSES)}")
        values = {check_key("summary key", k): check_value(k, v) for k, v in (summary or {}).items()}
        self._sender.flush_run(self.project, self.id)
        ended = _now_ms()
        self._finished = True
        if self.worker_rank in (None, 0):
            self._sender.emit("RunFinished", {"project": self.project, "runId": self.id, "status": status, "endedAt": ended, "durationMs": max(0, ended - self.started_at_ms), "summary": values})
        self._sender.flush_run(self.project, self.id)
        self._sender.forget(self._buffer)
        if self._owns_sender:
            self._sender.close()

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.finish(status="failed" if exc_type is not None else "finished")
