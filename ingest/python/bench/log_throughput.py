"""Measures the Python package's cost in the training loop and its throughput to Kafka: one
process logs dicts of 10 metrics per step and prints log() µs per point and points/s until
Kafka acknowledged every point (finish() returned). Prints figures; asserts nothing.

usage: python log_throughput.py [steps=100000] [metrics per call=10]    (RUNLENS_KAFKA_BROKERS; RUNLENS_SPOOL_DIR)
The events go to the topic runlens.pybench.events (created here), never the product's topic.
"""
import os
import sys
import time

import runlens
from bench_topic import PREFIX, bench_brokers

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
width = int(sys.argv[2]) if len(sys.argv) > 2 else 10

keys = [f"train/m{i}" for i in range(width)]
run = runlens.init(project="bench", experiment="pybench", topic_prefix=PREFIX, brokers=bench_brokers())
started = time.perf_counter()
for step in range(steps):
    x = step * 1e-3
    run.log({k: x + i for i, k in enumerate(keys)}, step=step)
logged = time.perf_counter() - started
run.finish()
acked = time.perf_counter() - started
points = steps * len(keys)
print(f"{points:,} points ({len(keys)} metrics per log() call): log() {logged / points * 1e6:.2f} µs per point, "
      f"{points / acked:,.0f} points/s until Kafka acknowledged them (spool: {os.environ.get('RUNLENS_SPOOL_DIR', 'default')})")
