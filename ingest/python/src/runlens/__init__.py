"""runlens: log training runs to runlens.

    import runlens
    run = runlens.init(project="vision", experiment="resnet-ablation", config={"lr": 3e-4}, seed=0)
    run.log({"train/loss": 0.71, "train/acc": 0.83}, step=1)
    run.finish()

Events go to Kafka as Avro (the repository's schemas/*.avsc). Settings come from arguments or
the environment, with the server's names: RUNLENS_KAFKA_BROKERS (default 127.0.0.1 on
RUNLENS_LOCAL_KAFKA_PORT, 9092), RUNLENS_TOPIC_PREFIX (default "runlens."); or, for jobs that
cannot reach Kafka, the HTTP gateway: RUNLENS_GATEWAY_URL and RUNLENS_TOKEN (scope ingest).
"""
from __future__ import annotations

import atexit
import getpass
import os
import sys
import threading
import time
import uuid
import weakref
from typing import Any, Dict, Mapping, Optional, Sequence

from . import lineage as _lineage
from . import ranks as _ranks
from . import system_metrics as _system
from .heartbeat import DEFAULT_INTERVAL_S as _HEARTBEAT_S
from .params import flatten as _flatten
from .params import to_params as _params
from . import run as _run_module
from .run import ConsoleCapture, InvalidPointWarning, Run
from .errors import SendError, SpoolFullError
from .sender import Sender
from .online import OutcomeLogger
from .validate import check_id, check_key, check_map, check_name, check_strings, check_text

__all__ = ["init", "outcome_logger", "OutcomeLogger", "Run", "ConsoleCapture", "SendError", "SpoolFullError", "InvalidPointWarning", "__version__"]
__version__ = "0.1.0"

_senders: Dict[tuple, Sender] = {}
_senders_lock = threading.Lock()
# Outcome loggers still open: their buffers are handed over at exit, before the senders close.
_outcome_loggers: "weakref.WeakSet[OutcomeLogger]" = weakref.WeakSet()


def _sender_for(brokers: str, topic_prefix: str, spool_dir: Optional[str] = None, gateway_url: Optional[str] = None, token: Optional[str] = None) -> Sender:
    # The spool (see sender.py): RUNLENS_SPOOL_DIR (default ~/.runlens/spool), bounded by
    # RUNLENS_SPOOL_MAX_BYTES (default 1 GiB) per process. With a gateway URL, events go there
    # (gateway.py) instead of to Kafka.
    spool_dir = spool_dir or os.environ.get("RUNLENS_SPOOL_DIR") or None
    max_bytes = int(os.environ.get("RUNLENS_SPOOL_MAX_BYTES") or 1024**3)
    key = (gateway_url, token) if gateway_url else (brokers, topic_prefix)
    key += (spool_dir,)
    with _senders_lock:
        sender = _senders.get(key)
        if sender is None:
            sender = _senders[key] = Sender(brokers, topic_prefix, spool_dir=spool_dir, spool_max_bytes=max_bytes, gateway_url=gateway_url, token=token)
        return sender


def _transport(brokers: Optional[str], topic_prefix: Optional[str], gateway_url: Optional[str], token: Optional[str]) -> tuple:
    """Where events go, from the arguments, else the environment: (brokers, topic prefix, gateway URL, token)."""
    gateway_url = gateway_url or os.environ.get("RUNLENS_GATEWAY_URL") or None
    token = token or os.environ.get("RUNLENS_TOKEN") or None
    if gateway_url and not token:
        raise ValueError("gateway_url needs an API token of scope ingest: token=... or RUNLENS_TOKEN")
    brokers = brokers or os.environ.get("RUNLENS_KAFKA_BROKERS") or f"127.0.0.1:{os.environ.get('RUNLENS_LOCAL_KAFKA_PORT') or 9092}"
    topic_prefix = topic_prefix if topic_prefix is not None else os.environ.get("RUNLENS_TOPIC_PREFIX", "runlens.")
    return brokers, topic_prefix, gateway_url, token


@atexit.register
def _close_all() -> None:
    # Sends what is still buffered when the script ends without finish(); a crash (kill -9)
    # loses at most the last second of points (what was not yet in the spool). What Kafka did
    # not acknowledge stays in the spool for `runlens sync`. Runs left open were finished just
    # before (run._finish_open_runs); both share one exit budget (run.EXIT_BUDGET_S, 30 s).
    for logger in list(_outcome_loggers):
        try:
            logger.stop_clock()  # no batch taken by the clock after the senders close
            logger.seal()
        except Exception as err:
            print(f"runlens: outcomes of {logger.experiment_id} not handed over: {err}", file=sys.stderr)
    for sender in list(_senders.values()):
        try:
            sender.close(timeout_s=_run_module.exit_time_left())
        except Exception as err:  # at exit there is nobody left to raise to
            print(f"runlens: not every point was delivered: {err}", file=sys.stderr)


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
    rank: Optional[int] = None,
    primary: Optional[bool] = None,
    on_invalid: str = "raise",
    capture_console: bool = False,
    system_metrics: bool = False,
    system_metrics_interval_s: Optional[float] = None,
    heartbeat_s: Optional[float] = None,
    brokers: Optional[str] = None,
    topic_prefix: Optional[str] = None,
    spool_dir: Optional[str] = None,
    gateway_url: Optional[str] = None,
    token: Optional[str] = None,
) -> Run:
    """Starts a run: sends its RunStarted (params, tags, lineage) and returns the Run to log to.

    Distributed training (torchrun): the rank is ``rank`` or RANK (LOCAL_RANK, WORLD_SIZE are read
    too) and is sent as every point's workerRank; all ranks log into one run, whose id is
    ``run_id``, else RUNLENS_RUN_ID, else derived from TORCHELASTIC_RUN_ID (the same on every
    rank). Only the primary process — ``primary``, by default rank 0 or a process outside
    distributed training — sends RunStarted (params, tags, lineage), params set after start and
    RunFinished; the others send points and heartbeats only.

    ``on_invalid="warn"``: log() drops a bad point with one warning per key instead of raising.
    ``capture_console=True``: what the script prints to sys.stdout and sys.stderr is also
    recorded as the run's console lines until it finishes (``run.capture_console()`` does it for
    a block; console.py tells what is captured and how).
    ``system_metrics=True``: CPU, memory, process and GPU figures under ``system/…`` every
    ``system_metrics_interval_s`` (RUNLENS_SYSTEM_METRICS_SECONDS, 10 s); needs
    ``pip install 'runlens[system]'``. A heartbeat goes out every ``heartbeat_s``
    (RUNLENS_HEARTBEAT_SECONDS, 30 s; 0 sends none) while the run is open.

    ``gateway_url`` (RUNLENS_GATEWAY_URL, e.g. ``http://runlens:8080``) with ``token``
    (RUNLENS_TOKEN, an API token of scope ``ingest``): events go to the HTTP gateway instead of
    Kafka, through the same spool.
    """
    brokers, topic_prefix, gateway_url, token = _transport(brokers, topic_prefix, gateway_url, token)
    # Everything the processor checks is checked here first (validate.py): a RunStarted it
    # refused would be dead-lettered whole, the run's params, tags and lineage with it.
    check_id("project", project)
    ranks = _ranks.from_env(os.environ, rank)
    run_id = check_id("run_id", _ranks.run_id(project, run_id, os.environ, ranks))
    flat = _flatten(config)  # the one flattening: RunStarted's params and run.config both use it
    params = _params(flat)
    primary = (ranks.rank in (None, 0)) if primary is None else bool(primary)
    heartbeat_s = _seconds("heartbeat_s", heartbeat_s, "RUNLENS_HEARTBEAT_SECONDS", _HEARTBEAT_S)
    system = None
    if system_metrics:
        system = (_system.samplers(), _seconds("system_metrics_interval_s", system_metrics_interval_s, "RUNLENS_SYSTEM_METRICS_SECONDS", _system.DEFAULT_INTERVAL_S))
        if system[1] is None:
            raise ValueError("system_metrics=True needs a positive system_metrics_interval_s")
    event = None
    if primary:  # the other ranks send no params, tags or lineage: the run has them once
        captured = _lineage.capture(seed, data_version, dict(lineage or {}))
        environment = captured.get("environment")
        if isinstance(environment, Mapping) and isinstance(environment.get("libraries"), Mapping):
            environment["libraries"] = check_map("lineage libraries", environment["libraries"], lambda k, v: check_text(f"library {k}", v))
        event = {
            "project": project,
            "runId": run_id,
            "experiment": check_name("experiment", experiment),
            "sweepId": None if sweep is None else check_id("sweep", sweep),
            "name": check_name("name", name or run_id),
            "user": check_name("user", user or _user(), empty_ok=True),
            "startedAt": 0,
            "params": params,
            "tags": check_map("tags", dict(tags or {}), lambda k, v: check_text(f"tag {k}", str(v))),
            "lineage": check_strings("lineage", captured),
        }
    sender = _sender_for(brokers, topic_prefix, spool_dir, gateway_url, token)
    started = int(time.time() * 1000)
    if event is not None:
        event["startedAt"] = started
    run = Run(sender, project, run_id, started, ranks.rank, owns_sender=False, primary=primary, on_invalid=on_invalid, config=flat)
    if event is not None:
        sender.emit("RunStarted", event)
    run._start_clocks(heartbeat_s, system)
    if capture_console:
        run.capture_console()  # held by the run: it stops when the run finishes
    return run


def outcome_logger(
    experiment_id: str,
    project: str,
    *,
    brokers: Optional[str] = None,
    topic_prefix: Optional[str] = None,
    gateway_url: Optional[str] = None,
    token: Optional[str] = None,
    spool_dir: Optional[str] = None,
    per_unit: Sequence[str] = (),
) -> OutcomeLogger:
    """A logger of an online experiment's exposures and outcomes (online.py), sending through
    this process's sender as runs do: Kafka, or the HTTP gateway with ``gateway_url`` and a token
    of scope ``ingest`` (same settings and environment variables as ``init``). ``per_unit``: the
    ratio metrics (a unit's records are its requests), kept per unit for the delta method."""
    brokers, topic_prefix, gateway_url, token = _transport(brokers, topic_prefix, gateway_url, token)
    logger = OutcomeLogger(_sender_for(brokers, topic_prefix, spool_dir, gateway_url, token), project, experiment_id, per_unit=per_unit)
    _outcome_loggers.add(logger)
    return logger


def _seconds(arg: str, value: Optional[float], env: str, default: float) -> Optional[float]:
    """An interval from its argument, else its environment variable, else the default; 0 means
    never (None)."""
    if value is None:
        raw = os.environ.get(env, "").strip()
        try:
            value = float(raw) if raw else default
        except ValueError:
            raise ValueError(f"{env}={raw!r} is not a number of seconds") from None
    if value < 0 or value != value:
        raise ValueError(f"{arg} {value!r} must be 0 (never) or a positive number of seconds")
    return None if value == 0 else float(value)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return ""
