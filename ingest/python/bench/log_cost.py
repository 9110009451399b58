"""Where log()'s time goes, per point, with dicts of 10 metrics per call: the run's own checks
alone (a sender that drops everything), then the whole call into the real sender's buffer (the
batches go to the topic runlens.pybench.events, as log_throughput.py's). Target: under 2 µs per
point in total. Prints figures; asserts nothing. log_throughput.py measures points/s to Kafka.

usage: python log_cost.py [steps=100000]    (RUNLENS_KAFKA_BROKERS; RUNLENS_SPOOL_DIR)
"""
import sys
import time

import runlens
from bench_topic import PREFIX, bench_brokers
from runlens.run import Run

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
keys = [f"train/m{i}" for i in range(10)]


class NullSender:
    def buffer(self, *a):
        return None

    def add(self, *a):
        pass

    def emit(self, *a):
        pass

    def flush_run(self, *a):
        pass

    def forget(self, *a):
        pass


def per_point(run):
    rows = [{k: step * 1e-3 + i for i, k in enumerate(keys)} for step in range(steps)]  # built outside the timing
    started = time.perf_counter()
    for step, row in enumerate(rows):
        run.log(row, step=step)
    return (time.perf_counter() - started) / (steps * len(keys)) * 1e6


checks = per_point(Run(NullSender(), "bench", "null", 0, None, owns_sender=False))
run = runlens.init(project="bench", experiment="pybench", topic_prefix=PREFIX, brokers=bench_brokers(), heartbeat_s=0)
total = per_point(run)
run.finish()
print(f"{steps * len(keys):,} points, 10 metrics per log() call: log() {total:.2f} µs per point, of which the run's checks {checks:.2f} µs (the rest: the sender's buffer)")
