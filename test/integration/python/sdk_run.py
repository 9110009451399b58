"""Logs runs through the runlens Python package the way a training script would, and prints a
JSON report of what it logged (with the summaries recomputed here), for python-sdk.test.ts.

usage: sdk_run.py <project> <sweep> <steps>    (RUNLENS_KAFKA_BROKERS, RUNLENS_TOPIC_PREFIX set)
"""
import json
import math
import sys
import time

import runlens

project, sweep, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
report = {"runs": {}, "refused": [], "timing": {}}


def summarize(points):
    out = {}
    for (key, segment), series in points.items():
        values = [v for _, v in series]
        last_step, last = max(series, key=lambda p: p[0])
        out[f"{key}|{segment or ''}"] = {"count": len(values), "min": min(values), "max": max(values), "mean": sum(values) / len(values), "last": last, "lastStep": last_step}
    return out


# A run as the README shows it: config (nested), tags, seed, data version; two metrics per step,
# a per-class metric every 100 steps, an artifact, a finish with a summary.
run = runlens.init(project=project, experiment="py-sdk", sweep=sweep, name="resnet-py",
                   config={"lr": 3e-4, "batch_size": 128, "optimizer": {"name": "adamw", "beta1": 0.9}, "amp": True},
                   tags={"team": "cv"}, seed=7, data_version="imagenet-v2")
points = {}
started = time.perf_counter()
for step in range(steps):
    loss = math.exp(-step / 5000) + 0.01 * math.sin(step)
    acc = 1 - loss / 2
    run.log({"train/loss": loss, "train/acc": acc}, step=step)
    points.setdefault(("train/loss", None), []).append((step, loss))
    points.setdefault(("train/acc", None), []).append((step, acc))
    if step % 100 == 0:
        cat = 0.5 + step / (4 * steps)
        run.log({"val/acc": cat}, step=step, segment="class=cat")
        points.setdefault(("val/acc", "class=cat"), []).append((step, cat))
log_s = time.perf_counter() - started
n_points = sum(len(s) for s in points.values())
run.log_artifact("model.ckpt", kind="checkpoint", uri="s3://ckpt/resnet-py", digest="sha256:abc", size_bytes=123456, step=steps - 1)
# Bad input: a ValueError naming what is wrong, and nothing of the call buffered.
for bad in [lambda: run.log({"x": float("nan")}, step=1), lambda: run.log({"x": "high"}, step=1),
            lambda: run.log({"x": 1.0}, step=-1), lambda: run.log({"bad\ud800": 1.0}, step=1)]:
    try:
        bad()
        report["refused"].append(None)
    except ValueError as err:
        report["refused"].append(str(err))
run.finish(summary={"best/acc": max(v for _, v in points[("train/acc", None)])})
sent_s = time.perf_counter() - started
report["runs"][run.id] = {"summaries": summarize(points), "status": "finished"}
report["timing"] = {"points": n_points, "log_s": log_s, "log_us_per_point": log_s / n_points * 1e6, "points_per_s_to_kafka": n_points / sent_s}

# A run whose block raises: finished as failed, its points sent.
try:
    with runlens.init(project=project, experiment="py-sdk", sweep=sweep, config={"lr": 1e-3}) as failing:
        failing.log({"train/loss": 2.0}, step=0)
        failing.log({"train/loss": 1.5})  # the next step: 1
        raise RuntimeError("out of memory")
except RuntimeError:
    pass
report["runs"][failing.id] = {"summaries": {"train/loss|": {"count": 2, "min": 1.5, "max": 2.0, "mean": 1.75, "last": 1.5, "lastStep": 1}}, "status": "failed"}
print(json.dumps(report))
