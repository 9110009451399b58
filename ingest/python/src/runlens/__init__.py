"""runlens: log training runs to runlens.

    import runlens
    run = runlens.init(project="vision", experiment="resnet-ablation", config={"lr": 3e-4}, seed=0)
    run.log({"train/loss": 0.71, "train/acc": 0.83}, step=1)
    run.finish()

Events go to Kafka as Avro (the repository's schemas/*.avsc). Settings come from arguments or
the environment, with the server's names: RUNLENS_KAFKA_BROKERS (default 127.0.0.1 on
RUNLENS_LOCAL_KAFKA_PORT, 9092), RUNLENS_TOPIC_PREFIX (default "runlens.").
"""
from __future__ import annotations

import atexit
import getpass
import os
import threading
import time
import uuid
from typing import Any, Dict, Mapping, Optional

from . import lineage as _lineage
from .run import Run
from .sender import KafkaSender, SendError
from .validate import ID_LENGTH, check_name

__all__ = ["init", "Run", "SendError", "__version__"]
__version__ = "0.1.0"

_senders: Dict[tuple, KafkaSender] = {}
_senders_lock = threading.Lock()


def _sender_for(brokers: str, topic_prefix: str) -> KafkaSender:
    key = (brokers, topic_prefix)
    with _senders_lock:
        sender = _senders.get(key)
        if sender is None:
            sender = _senders[key] = KafkaSender(brokers, topic_prefix)
        return sender


@atexit.register
def _close_all() -> None:
    # Sends what is still buffered when the script ends without finish(); a crash (kill -9)
    # loses at most the last second of points.
    for sender in list(_senders.values()):
        try:
            sender.close(timeout_s=30)
        except Exception as err:  # at exit there is nobody left to raise to
            print(f"runlens: not every point reached Kafka: {err}")


def _params(config: Optional[Mapping[str, Any]], prefix: str = "") -> Dict[str, Any]:
    """Nested config flattened with dots; numbers, strings and booleans kept, None left out,
    anything else (lists, objects) as its string."""
    out: Dict[str, Any] = {}
    for k, v in (config or {}).items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_params(v, f"{name}."))
        elif v is None:
            continue
        elif isinstance(v, bool) or isinstance(v, str):
            out[check_name("param name", name)] = v
        elif isinstance(v, (int, float)):
            out[check_name("param name", name)] = float(v)
        else:
            try:
                out[check_name("param name", name)] = float(v)  # numpy scalars
            except (TypeError, ValueError):
                out[check_name("param name", name)] = str(v)
    return out


def init(
    project: str,
    experiment: str = "default",
    sweep: Optional[str] = None,
    name: Optional[str] = None,
    run_id: Optional[str] = None,
    config: Optional[Mapping[str, Any]] = None,
    tags: Optional[Mapping[str, str]] = None,
    seed: Optional[int] = None,
    data_version: Optional[str] = None,
    lineage: Optional[Mapping[str, Any]] = None,
    user: Optional[str] = None,
    brokers: Optional[str] = None,
    topic_prefix: Optional[str] = None,
) -> Run:
    """Starts a run: sends its RunStarted (params, tags, lineage) and returns the Run to log to."""
    brokers = brokers or os.environ.get("RUNLENS_KAFKA_BROKERS") or f"127.0.0.1:{os.environ.get('RUNLENS_LOCAL_KAFKA_PORT') or 9092}"
    topic_prefix = topic_prefix if topic_prefix is not None else os.environ.get("RUNLENS_TOPIC_PREFIX", "runlens.")
    run_id = check_name("run_id", run_id or os.environ.get("RUNLENS_RUN_ID") or str(uuid.uuid4()), ID_LENGTH)
    sender = _sender_for(brokers, topic_prefix)
    started = int(time.time() * 1000)
    event = {
        "project": check_name("project", project, ID_LENGTH),
        "runId": run_id,
        "experiment": check_name("experiment", experiment),
        "sweepId": None if sweep is None else check_name("sweep", sweep, ID_LENGTH),
        "name": check_name("name", name or run_id),
        "user": check_name("user", user or _user(), empty_ok=True),
        "startedAt": started,
        "params": _params(config),
        "tags": {check_name("tag name", k): check_name(f"tag {k}", str(v), 4096, empty_ok=True) for k, v in (tags or {}).items()},
        "lineage": _lineage.capture(seed, data_version, dict(lineage or {})),
    }
    sender.emit("RunStarted", event)
    return Run(sender, project, run_id, started, None, owns_sender=False)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return ""
