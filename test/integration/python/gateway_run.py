"""Logs runs through the runlens Python package's HTTP gateway transport (RUNLENS_GATEWAY_URL and
RUNLENS_TOKEN set, no Kafka), for python-gateway.test.ts; prints a JSON report as its last line.

usage: gateway_run.py run <project> <steps>         one run; summaries recomputed here; points/s
                                                    from the first log() until finish() returned
       gateway_run.py refused <project> <token>...  a run per token; the SendError each one gave,
                                                    and what each run logged
       gateway_run.py down <project> <steps>        logs while the gateway is down: prints a first
                                                    line once the events are spooled, then finishes
                                                    (waiting for the gateway) and reports the run
"""
import json
import math
import os
import sys
import time
from pathlib import Path

import runlens
from runlens import SendError

mode, project = sys.argv[1], sys.argv[2]


def log_steps(run, steps):
    """Two metrics per step and a per-class one every 100 steps; the summaries of what was logged."""
    points = {}
    for step in range(steps):
        loss = math.exp(-step / 5000) + 0.01 * math.sin(step)
        run.log({"train/loss": loss, "train/acc": 1 - loss / 2}, step=step)
        points.setdefault("train/loss|", []).append((step, loss))
        points.setdefault("train/acc|", []).append((step, 1 - loss / 2))
        if step % 100 == 0:
            run.log({"val/acc": step / steps}, step=step, segment="class=cat")
            points.setdefault("val/acc|class=cat", []).append((step, step / steps))
    out = {}
    for series, values in points.items():
        vs = [v for _, v in values]
        last_step, last = max(values, key=lambda p: p[0])
        out[series] = {"count": len(vs), "min": min(vs), "max": max(vs), "mean": sum(vs) / len(vs), "last": last, "lastStep": last_step}
    return out


if mode == "run":
    steps = int(sys.argv[3])
    run = runlens.init(project=project, experiment="py-gateway", name="through-the-gateway", config={"lr": 0.1, "optimizer": {"name": "sgd"}}, heartbeat_s=0)
    started = time.perf_counter()
    summaries = log_steps(run, steps)
    run.finish(summary={"best/acc": 0.5})
    seconds = time.perf_counter() - started
    points = sum(s["count"] for s in summaries.values())
    print(json.dumps({"runId": run.id, "summaries": summaries, "points": points, "seconds": seconds, "points_per_s": points / seconds}))

elif mode == "refused":
    errors, runs = [], []
    for token in sys.argv[3:]:
        run = None
        try:
            run = runlens.init(project=project, experiment="py-gateway", token=token, heartbeat_s=0)
            runs.append({"runId": run.id, "summaries": log_steps(run, 50)})
            run.finish()
            errors.append(None)
        except SendError as err:
            errors.append(str(err))
            if run is not None and not run.finished:
                try:
                    run.finish()
                except SendError:
                    pass
    print(json.dumps({"errors": errors, "runs": runs}))

elif mode == "down":
    steps = int(sys.argv[3])
    run = runlens.init(project=project, experiment="py-gateway", name="gateway-was-down", heartbeat_s=0)
    summaries = log_steps(run, steps)
    try:
        run._sender.flush(timeout_s=1.5)  # the sender's interface: everything is spooled, nothing acknowledged
        waited = None
    except SendError as err:
        waited = str(err)
    segments = [str(p) for p in Path(os.environ["RUNLENS_SPOOL_DIR"]).rglob("*.seg")]
    print(json.dumps({"waited": waited, "segments": len(segments)}), flush=True)
    started = time.perf_counter()
    run.finish()  # returns once the gateway (up again) acknowledged every event
    print(json.dumps({"runId": run.id, "summaries": summaries, "finish_s": time.perf_counter() - started, "left": [str(p) for p in Path(os.environ["RUNLENS_SPOOL_DIR"]).rglob("*.seg")]}))
