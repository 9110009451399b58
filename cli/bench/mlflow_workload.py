"""The MLflow side-by-side benchmark's workload (cli/bench/mlflow.ts runs it): one MLflow client
(MlflowClient from the pinned `mlflow` package), pointed by MLFLOW_TRACKING_URI (and, for runlens,
MLFLOW_TRACKING_TOKEN) at MLflow's own tracking server or at runlens's MLflow surface. The same
phases run unchanged against both; each prints one JSON line (its last line of stdout) with what it
measured. Waiting until runlens has stored what was written is the orchestrator's job.

usage: mlflow_workload.py <phase> [options]
  ingest        --experiment E --points N --per-call K --keys M
                one run; MlflowClient().log_batch of K metrics per call (M keys × K/M steps), N
                points in all, one call after another as a training loop would make them
  load-runs     --experiment E --runs N --threads T --budget-s S
                N runs, each created (create_run) and given 3 params and a metric `loss` in one
                log_batch; T threads; stops starting runs after S seconds (bounded loading)
  search        --experiment E --repeats R --max-results K
                search_runs(filter "metrics.loss < 0.5", order_by "metrics.loss ASC"), R times
  load-history  --experiment E --runs N --steps S --threads T
                N runs with S steps of `loss` (log_batch, 1,000 metrics per call)
  history       --experiment E --passes P
                get_metric_history(run, "loss") for every run of E, one after another, P passes
"""
import argparse
import contextlib
import gc
import hashlib
import json
import math
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

SEARCH_FILTER = "metrics.loss < 0.5"
SEARCH_ORDER = ["metrics.loss ASC"]
BATCH = 1000  # MLflow's limit of metrics per log_batch request

client = MlflowClient()


@contextlib.contextmanager
def timed_calls():
    """Python's cyclic garbage collector paused while calls are timed (both backends alike): its
    pauses (~85 ms per collection of a search's 1,000 parsed runs) land on whichever call happens
    to allocate past its threshold, and are the client's time, not the server's."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def experiment_id(name, create):
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    if not create:
        raise SystemExit(f"no experiment {name!r}")
    return client.create_experiment(name)


def ingest(a):
    exp = experiment_id(a.experiment, create=True)
    # Warm-up, not timed: connections made, the server's first-request costs paid.
    warm = client.create_run(exp, run_name="warm-up").info.run_id
    client.log_batch(warm, metrics=[Metric("loss", 1.0, 0, s) for s in range(10)])
    run = client.create_run(exp, run_name="ingest").info.run_id
    keys = [f"m{k}" for k in range(a.keys)]
    steps_per_call = a.per_call // a.keys
    calls = a.points // a.per_call
    ts = int(time.time() * 1000)
    # The Metric objects are made before the clock starts: measured is the client's request and
    # the server's answer, the same for both backends.
    batches = [
        [Metric(k, math.sin(c * steps_per_call + s + i) + i, ts + c, c * steps_per_call + s) for s in range(steps_per_call) for i, k in enumerate(keys)]
        for c in range(calls)
    ]
    started = time.time()
    with timed_calls():
        t0 = time.perf_counter()
        for batch in batches:
            client.log_batch(run, metrics=batch)
        seconds = time.perf_counter() - t0
    returned = time.time()
    client.set_terminated(run)
    return {
        "run_id": run, "points": calls * a.per_call, "calls": calls, "keys": a.keys, "steps_per_key": calls * steps_per_call,
        "seconds": seconds, "started_ms": started * 1000, "returned_ms": returned * 1000,
    }


def load_runs(a):
    exp = experiment_id(a.experiment, create=True)
    deadline = time.perf_counter() + a.budget_s
    lock = threading.Lock()
    state = {"next": 0, "done": 0}
    ts = int(time.time() * 1000)

    def worker():
        while True:
            with lock:
                i = state["next"]
                if i >= a.runs or time.perf_counter() >= deadline:
                    return
                state["next"] += 1
            rng = random.Random(i)
            run = client.create_run(exp, run_name=f"r{i:05d}", start_time=ts + i).info.run_id
            params = [Param("lr", repr(round(10 ** rng.uniform(-5, -1), 8))), Param("batch_size", str(rng.choice([16, 32, 64, 128]))), Param("optimizer", rng.choice(["adam", "sgd", "adamw"]))]
            client.log_batch(run, metrics=[Metric("loss", rng.random(), ts + i, 0)], params=params)
            with lock:
                state["done"] += 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.threads) as pool:
        for f in [pool.submit(worker) for _ in range(a.threads)]:
            f.result()
    seconds = time.perf_counter() - t0
    return {"runs": state["done"], "wanted": a.runs, "seconds": seconds, "runs_per_s": state["done"] / seconds, "threads": a.threads, "budget_exhausted": state["done"] < a.runs}


def search(a):
    exp = experiment_id(a.experiment, create=False)
    latencies = []
    names = None
    for _ in range(a.repeats + 1):  # the first call warms up and is not counted
        with timed_calls():
            t0 = time.perf_counter()
            runs = client.search_runs([exp], filter_string=SEARCH_FILTER, order_by=SEARCH_ORDER, max_results=a.max_results)
            latencies.append(time.perf_counter() - t0)
        names = [r.info.run_name for r in runs]
    losses = [r.data.metrics["loss"] for r in runs]
    return {
        "filter": SEARCH_FILTER, "order_by": SEARCH_ORDER, "max_results": a.max_results, "returned": len(names),
        "ordered": all(x <= y for x, y in zip(losses, losses[1:])), "all_match": all(x < 0.5 for x in losses),
        "names_sha1": hashlib.sha1("\n".join(names).encode()).hexdigest(), "warmup_s": latencies[0], "latencies_s": latencies[1:],
        "median_s": statistics.median(latencies[1:]), "min_s": min(latencies[1:]),
    }


def load_history(a):
    exp = experiment_id(a.experiment, create=True)
    ts = int(time.time() * 1000)

    def one(i):
        run = client.create_run(exp, run_name=f"h{i:03d}").info.run_id
        values = [math.exp(-s / 300) + 0.01 * ((i * 7 + s) % 11) for s in range(a.steps)]
        for lo in range(0, a.steps, BATCH):
            client.log_batch(run, metrics=[Metric("loss", values[s], ts + s, s) for s in range(lo, min(a.steps, lo + BATCH))])
        return run

    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.threads) as pool:
        runs = list(pool.map(one, range(a.runs)))
    return {"runs": len(runs), "steps": a.steps, "points": len(runs) * a.steps, "seconds": time.perf_counter() - t0}


def history(a):
    exp = experiment_id(a.experiment, create=False)
    runs = [r.info.run_id for r in client.search_runs([exp], max_results=1000)]
    passes = []
    points = 0
    for p in range(a.passes + 1):  # pass 0 warms up and is not counted
        with timed_calls():
            t0 = time.perf_counter()
            points = sum(len(client.get_metric_history(run, "loss")) for run in runs)
            passes.append(time.perf_counter() - t0)
    return {"runs": len(runs), "points": points, "warmup_s": passes[0], "passes_s": passes[1:], "median_s": statistics.median(passes[1:])}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("phase", choices=["ingest", "load-runs", "search", "load-history", "history"])
    p.add_argument("--experiment", required=True)
    p.add_argument("--points", type=int, default=200_000)
    p.add_argument("--per-call", type=int, default=BATCH)
    p.add_argument("--keys", type=int, default=10)
    p.add_argument("--runs", type=int, default=10_000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--budget-s", type=float, default=240)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--max-results", type=int, default=1000)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--passes", type=int, default=3)
    a = p.parse_args()
    if a.per_call > BATCH or a.per_call % a.keys != 0:
        raise SystemExit(f"--per-call must be at most {BATCH} and a multiple of --keys")
    out = {"ingest": ingest, "load-runs": load_runs, "search": search, "load-history": load_history, "history": history}[a.phase](a)
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
