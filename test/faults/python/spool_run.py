"""Logs one run at a steady pace through the runlens package for python-spool.test.ts, while
the test stops and starts Kafka. Prints a JSON line {"step", "t", "spooled"} about every 0.2 s
(the last step whose points were all handed to log(), the wall time, and the last step whose
points were all written to the spool by then: what a kill -9 cannot lose), then, when it was not killed,
{"done": true, ...} after finish() returned.

usage: spool_run.py <project> <run id> <steps> <steps per second>
       (RUNLENS_KAFKA_BROKERS, RUNLENS_TOPIC_PREFIX, RUNLENS_SPOOL_DIR set)
"""
import json
import sys
import time

import runlens

project, run_id, steps, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
METRICS = ("loss", "acc", "lr", "grad_norm")


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


run = runlens.init(project=project, experiment="spool", run_id=run_id, config={"rate": rate})
started = time.monotonic()
last_said = 0.0
slowest = 0.0
for step in range(steps):
    values = {m: (step % 1000) / 1000 + k for k, m in enumerate(METRICS)}
    t0 = time.perf_counter()
    run.log(values, step=step)
    slowest = max(slowest, time.perf_counter() - t0)
    now = time.monotonic()
    if now - last_said >= 0.2:
        # This thread alone logs, so (step + 1) points per metric were logged; those not yet
        # spooled are in memory. The count drops only once a batch is written, so this is a floor.
        unspooled_steps = -(-run._sender.unspooled_points // len(METRICS))  # rounded up
        say({"step": step, "t": time.time(), "spooled": step - unspooled_steps})
        last_said = now
    ahead = (step + 1) / rate - (now - started)
    if ahead > 0:
        time.sleep(ahead)
say({"step": steps - 1, "t": time.time()})
finish_started = time.monotonic()
run.finish()
say({"done": True, "steps": steps, "points": steps * len(METRICS), "slowest_log_ms": slowest * 1000, "finish_s": time.monotonic() - finish_started})
