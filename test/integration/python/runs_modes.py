"""Training-script behaviours of the runlens package, one per mode, for python-runs.test.ts;
each prints one JSON line saying what it logged.

usage: runs_modes.py <mode> <project> [steps]    (RUNLENS_KAFKA_BROKERS, RUNLENS_TOPIC_PREFIX set)
  rank     one rank of a torchrun-style job (RANK, WORLD_SIZE, TORCHELASTIC_RUN_ID set by the test)
  params   a run whose params change after start
  invalid  on_invalid="warn": bad points dropped, one warning per key
  crash    a run that logs, then dies without finish() (os._exit)
"""
import json
import os
import sys
import warnings

import runlens

mode, project = sys.argv[1], sys.argv[2]
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 100

if mode == "rank":
    rank = int(os.environ["RANK"])
    run = runlens.init(project=project, experiment="py-ranks", config={"world": int(os.environ["WORLD_SIZE"]), "rank_that_sent": rank})
    for step in range(steps):
        run.log({"train/loss": rank * 1000 + step, f"rank{rank}/samples": step}, step=step)
    run.config.update({"set_by_rank": rank})  # only the primary rank's reaches the run
    run.finish(summary={"rank": rank})
    print(json.dumps({"runId": run.id, "rank": rank, "workerRank": run.worker_rank, "primary": run.primary}))

elif mode == "params":
    run = runlens.init(project=project, experiment="py-params", config={"lr": 0.1, "layers": 4, "optimizer": {"name": "sgd"}})
    run.log({"train/loss": 1.0}, step=0)
    run.config.update({"lr": 0.05, "warmup": 500, "optimizer": {"name": "adamw"}}, step=1)
    run.config["sched"] = "cosine"
    run.log({"train/loss": 0.5}, step=1)
    run.finish()
    print(json.dumps({"runId": run.id, "config": dict(run.config)}))

elif mode == "invalid":
    run = runlens.init(project=project, experiment="py-invalid", on_invalid="warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(steps):
            run.log({"good": float(step), "bad": float("nan") if step % 2 else float(step), "text": "n/a"}, step=step)
        run.log({"good": 1.0}, step=-1)
    run.finish()
    print(json.dumps({"runId": run.id, "dropped": run.dropped_points, "warnings": [str(w.message) for w in caught if w.category is runlens.run.InvalidPointWarning]}))

elif mode == "crash":
    run = runlens.init(project=project, experiment="py-crash", heartbeat_s=1)
    for step in range(steps):
        run.log({"train/loss": 1.0 / (step + 1)}, step=step)
    # Make sure what was logged reached Kafka (the sender's interface), then die as a killed
    # process does: no finish(), no atexit, no more heartbeats.
    run._sender.flush()
    print(json.dumps({"runId": run.id}), flush=True)
    os._exit(0)

else:
    raise SystemExit(f"unknown mode {mode}")
