"""RunHeartbeat: while a run is open, each of its processes (every rank) says it is alive every
``interval_s`` (30 s by default, RUNLENS_HEARTBEAT_SECONDS). The server shows a run with no
RunFinished and no sign of life for its crash silence as ``crashed``; a process that dies without
finish() simply stops ticking. Owns only the event's shape; sending is the sender's."""
from __future__ import annotations

import time
from typing import Any, Callable, Optional

from .periodic import Periodic

DEFAULT_INTERVAL_S = 30.0


def heartbeat_event(project: str, run_id: str, worker_rank: Optional[int]) -> dict:
    return {"project": project, "runId": run_id, "workerRank": worker_rank, "at": int(time.time() * 1000)}


def start(sender: Any, project: str, run_id: str, worker_rank: Optional[int], interval_s: float, on_error: Callable[[BaseException], None]) -> Periodic:
    beat = lambda: sender.emit("RunHeartbeat", heartbeat_event(project, run_id, worker_rank))
    return Periodic("runlens-heartbeat", interval_s, beat, on_error).start()
